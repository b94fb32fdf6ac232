# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The `yaml` source: a nested group structure from a YAML file or inline data.

Format::

    groups:
      Atlassian: {groups: [Design, Engineering, Grads]}
      Design: {users: [alice]}
    users:                      # optional: attributes of users, e.g. their email
      alice: {email: alice@example.com}
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

try:
    import yaml
    HAS_YAML = True
except ImportError:
    HAS_YAML = False

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._groups.flatten import NestedGroups


def read_yaml_data(data):
    """A NestedGroups from already-parsed data `{groups: {...}, users: {...}}`."""
    if not isinstance(data, dict) or not isinstance(data.get("groups"), dict):
        raise ValueError("the YAML source must be a mapping with a 'groups' mapping "
                         "(group name -> {users: [...], groups: [...]}) and an optional 'users' mapping")
    unknown = set(data) - {"groups", "users"}
    if unknown:
        raise ValueError("the YAML source has unknown top-level keys %s; expected groups and users"
                         % ", ".join(sorted(str(k) for k in unknown)))
    users = data.get("users") or {}
    if not isinstance(users, dict):
        raise ValueError("'users' must map a user name to its attributes, got %s" % type(users).__name__)
    return NestedGroups.from_mapping(data["groups"], users=dict((str(k), dict(v or {})) for k, v in users.items()))


def read_yaml_file(path):
    """A NestedGroups from a YAML file (see the module docstring for the format)."""
    with open(path, "r") as handle:
        data = yaml.safe_load(handle)
    return read_yaml_data(data)

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

import os

try:
    import yaml
    HAS_YAML = True
except ImportError:
    HAS_YAML = False

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._groups.flatten import NestedGroups


def _check_references(groups, allow_unknown_groups):
    """Members are names (strings), and every nested group a group names is defined in the source.

    A typo in a nested group name would otherwise create an empty cloud group and drop the real group's members
    from every group that includes it, silently.
    """
    defined = set(str(name) for name in groups)
    unknown = {}
    for name, spec in groups.items():
        if not isinstance(spec, dict):
            continue  # from_mapping names the shape error
        for key in ("users", "groups"):
            values = spec.get(key) or []
            if not isinstance(values, list):
                continue
            bad = [repr(v) for v in values if not isinstance(v, str) or not v.strip()]
            if bad:
                raise ValueError("group %r: %s must be names (non-empty strings), got %s"
                                 % (name, key, ", ".join(bad[:10])))
        missing = sorted(set(spec.get("groups") or []) - defined) if isinstance(spec.get("groups"), list) else []
        if missing:
            unknown[str(name)] = missing
    if unknown and not allow_unknown_groups:
        raise ValueError("nested group references name groups the source does not define: %s. Fix the names, "
                         "define the groups (an empty {} is enough), or set allow_unknown_groups=true to treat "
                         "them as empty groups"
                         % "; ".join("%s -> %s" % (g, ", ".join(m)) for g, m in sorted(unknown.items())))


def read_yaml_data(data, allow_unknown_groups=False):
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
    bad_users = sorted(str(k) for k, v in users.items() if v is not None and not isinstance(v, dict))
    if bad_users:
        raise ValueError("'users' entries must be mappings of attributes (e.g. {email: ...}); not so for: %s"
                         % ", ".join(bad_users[:10]))
    _check_references(data["groups"], allow_unknown_groups)
    return NestedGroups.from_mapping(data["groups"], users=dict((str(k), dict(v or {})) for k, v in users.items()))


def read_yaml_file(path, allow_unknown_groups=False):
    """A NestedGroups from a YAML file (see the module docstring for the format)."""
    if os.path.isdir(path):
        raise ValueError("%s is a directory; expected a YAML file" % path)
    with open(path, "r") as handle:
        try:
            data = yaml.safe_load(handle)
        except yaml.YAMLError as exc:
            raise ValueError("%s is not valid YAML: %s" % (path, " ".join(str(exc).split())))
    return read_yaml_data(data, allow_unknown_groups)

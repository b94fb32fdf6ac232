# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._groups.flatten import NestedGroups, flatten


def flatten_groups(data, on_cycle="fail"):
    """`{group: {users: [...], groups: [...]}}` -> `{group: [sorted effective users]}`."""
    try:
        return flatten(NestedGroups.from_mapping(data), on_cycle=on_cycle).flat()
    except ValueError as exc:
        raise AnsibleFilterError("flatten_groups: %s" % exc)


class FilterModule(object):
    def filters(self):
        return {"flatten_groups": flatten_groups}

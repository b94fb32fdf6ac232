# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Nested groups read from a source and flattened; nothing here writes to the cloud.

Which package holds what, for the group modules: this package reads a directory's nested groups
(``source_ldap``, ``source_crowd``, ``source_yaml``, each returning a ``flatten.NestedGroups``) and flattens
them (``flatten.flatten``; its reports: lost memberships, cycles, depth, Google Workspace); it is the home of
``group_flatten`` and of the ``flatten_groups`` filter. ``access`` is ``group_product_access``'s logic.
Making cloud groups match a flat structure is ``_groups_sync``'s (plan, targets, sync, and the options both
``group_sync`` and ``group_flatten`` with ``state: synced`` share), so ``group_flatten`` imports it only
for that state.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

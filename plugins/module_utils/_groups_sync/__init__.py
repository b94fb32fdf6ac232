# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Make cloud groups match a flat structure ``{group: [members]}``: ``identity`` (members to cloud accounts),
``plan`` (the pure plan: groups to create, members to add and remove), ``targets`` (SCIM and the organizations
API), ``sync`` (plan, check, apply) and ``module`` (the options and the run shared by ``group_sync`` and
``group_flatten`` with ``state: synced``). Reading and flattening nested groups is ``_groups``'s.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

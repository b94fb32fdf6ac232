# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Standard attribute documentation (the layout community collections use).
    DOCUMENTATION = r"""
options: {}
attributes:
  check_mode:
    description: Can run in C(check_mode) and return changed status prediction without modifying target.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in C(check_mode)), when in diff mode.
"""

    INFO_MODULE = r"""
options: {}
attributes:
  check_mode:
    support: full
    details:
      - This action does not modify state.
    description: Can run in C(check_mode) and return changed status prediction without modifying target.
  diff_mode:
    support: N/A
    details:
      - This action does not modify state.
    description: Will return details on what has changed (or possibly needs changing in C(check_mode)), when in diff mode.
"""

    # Modules that take the Data Center connection (url, user, password, token).
    ACTIONGROUP_DATA_CENTER = r"""
options: {}
attributes:
  action_group:
    description: Use C(group/dcops.atlassian_cloud.data_center) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - dcops.atlassian_cloud.data_center
"""

    # Modules that take the organization connection (api_url, org_id, api_key).
    ACTIONGROUP_CLOUD_ADMIN = r"""
options: {}
attributes:
  action_group:
    description: Use C(group/dcops.atlassian_cloud.cloud_admin) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - dcops.atlassian_cloud.cloud_admin
"""

    # Modules that take both the organization and the SCIM directory connection.
    ACTIONGROUP_CLOUD_ADMIN_AND_SCIM = r"""
options: {}
attributes:
  action_group:
    description: Use C(group/dcops.atlassian_cloud.cloud_admin) or C(group/dcops.atlassian_cloud.scim) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - dcops.atlassian_cloud.cloud_admin
      - dcops.atlassian_cloud.scim
"""

    # Modules that take the AWS connection (profile, region, keys, endpoint_url).
    ACTIONGROUP_AWS = r"""
options: {}
attributes:
  action_group:
    description: Use C(group/dcops.atlassian_cloud.aws) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - dcops.atlassian_cloud.aws
"""

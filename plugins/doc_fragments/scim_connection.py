# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    DOCUMENTATION = r"""
options:
  api_url:
    description:
      - Base URL of the Atlassian Cloud APIs; the SCIM base is C(<api_url>/scim/directory/<directory_id>).
      - If not set, the value of the E(ATLASSIAN_API_URL) environment variable is used.
    type: str
    default: https://api.atlassian.com
  directory_id:
    description:
      - ID of the user provisioning directory.
      - If not set, the value of the E(ATLASSIAN_SCIM_DIRECTORY_ID) environment variable is used.
    type: str
    required: true
  directory_api_key:
    description:
      - API key of the user provisioning directory (not the organization API key), sent as a bearer token.
      - If not set, the value of the E(ATLASSIAN_SCIM_API_KEY) environment variable is used.
    type: str
    required: true
notes:
  - The directory API key is never returned or logged by this module.
"""

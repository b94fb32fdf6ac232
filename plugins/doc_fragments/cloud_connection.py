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
      - Base URL of the Atlassian Cloud APIs.
      - If not set, the value of the E(ATLASSIAN_API_URL) environment variable is used.
    type: str
    default: https://api.atlassian.com
  org_id:
    description:
      - ID of the Atlassian Cloud organization.
      - If not set, the value of the E(ATLASSIAN_ORG_ID) environment variable is used.
    type: str
    required: true
  api_key:
    description:
      - Organization API key (Atlassian Administration > Settings > API keys), sent as a bearer token.
      - If not set, the value of the E(ATLASSIAN_ORG_API_KEY) environment variable is used.
    type: str
    required: true
notes:
  - The API key is never returned or logged by this module.
"""

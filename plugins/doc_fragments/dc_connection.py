# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    DOCUMENTATION = r"""
options:
  url:
    description:
      - Base URL of the Jira or Confluence Data Center instance, including its context path
        (for example V(https://jira.example.com) or V(https://wiki.example.com/confluence)).
      - If not set, the value of the E(ATLASSIAN_DC_URL) environment variable is used.
    type: str
    required: true
  user:
    description:
      - User name for HTTP basic authentication. Use with O(password).
      - If not set, the value of the E(ATLASSIAN_DC_USER) environment variable is used.
    type: str
  password:
    description:
      - Password for HTTP basic authentication.
      - If not set, the value of the E(ATLASSIAN_DC_PASSWORD) environment variable is used.
    type: str
  token:
    description:
      - Personal access token, sent as a bearer token. Mutually exclusive with O(user) and O(password).
      - If not set, the value of the E(ATLASSIAN_DC_TOKEN) environment variable is used.
    type: str
notes:
  - Credentials are never returned or logged by this module.
"""

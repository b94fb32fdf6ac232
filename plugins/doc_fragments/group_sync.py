# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Options of the cloud group sync, shared by group_sync and group_flatten (state=synced).
    DOCUMENTATION = r"""
options:
  prune:
    description:
      - Also remove members the source does not have from groups the sync does not manage (groups without
        O(managed_marker)). Members someone else added to those groups are removed too.
    type: bool
    default: false
  managed_marker:
    description:
      - The text that marks a group as managed by the sync. The sync writes it to the SCIM C(externalId) or the
        group C(description) of every group it creates. Use different markers for independent syncs.
    type: str
    default: Managed by dcops.atlassian_cloud group sync
  batch_size:
    description:
      - Members per SCIM C(PATCH) operation.
    type: int
    default: 100
  max_removal_share:
    description:
      - A sync that would remove more than this share (0 to 1) of a group's current members stops before any
        write, in check mode too, and lists them (in C(removals_over_limit) of the failure), unless O(confirm_removals=true).
        A misspelt nested group or a source that answers an empty group would otherwise empty the cloud group.
    type: float
    default: 0.5
  confirm_removals:
    description:
      - Remove members even when more than O(max_removal_share) of a group's members go.
    type: bool
    default: false
  api_url:
    description:
      - Base URL of the Atlassian Cloud APIs; the SCIM base is C(<api_url>/scim/directory/<directory_id>).
      - If not set, the value of the E(ATLASSIAN_API_URL) environment variable is used.
    type: str
    default: https://api.atlassian.com
  directory_api_key:
    description:
      - API key of the user provisioning directory, sent as a bearer token. Required with O(target=scim).
      - If not set, the value of the E(ATLASSIAN_SCIM_API_KEY) environment variable is used.
    type: str
  org_id:
    description:
      - ID of the Atlassian Cloud organization. Required with O(target=groups_api).
      - If not set, the value of the E(ATLASSIAN_ORG_ID) environment variable is used.
    type: str
  api_key:
    description:
      - Organization API key, sent as a bearer token. Required with O(target=groups_api).
      - If not set, the value of the E(ATLASSIAN_ORG_API_KEY) environment variable is used.
    type: str
  timeout:
    description:
      - Read timeout of one cloud API request, in seconds.
    type: float
    default: 30
  retry_max_time:
    description:
      - Total time in seconds that retries of one cloud API call may take (429, 502, 503, 504 and connection
        errors, exponential backoff with jitter, honouring C(Retry-After) and C(X-RateLimit-Reset)).
    type: float
    default: 120
  api_overrides:
    description:
      - Replace the path (or C(METHOD /path)) of an operation in the collection's API contract table,
        keyed by operation name. See the collection's C(docs/api-contract.md).
    type: dict
    default: {}
notes:
  - The API keys are never returned or logged.
"""

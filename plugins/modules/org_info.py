#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: org_info
short_description: Read an Atlassian Cloud organization's directories, domains, groups and authentication policies
version_added: 0.1.0
description:
  - Reads what the organization API key can see of an Atlassian Cloud organization, namely the organizations, the
    directories of O(org_id), its domains with their verification status, the groups of every directory with their
    member counts, and its authentication policies.
  - Groups come from the organizations API v2 group search, one page of 100 groups a request; member counts come
    with them (no per-group reads).
  - Authentication policies have no public list endpoint; the module reads the one the admin UI uses
    (C(cloud.auth_policy.list) in the API contract table, overridable with O(api_overrides)). When it answers 404
    or 403, RV(auth_policies) is V(null) and a warning says so; the other facts are still returned.
author:
  - dcops engineers (@dcops)
requirements:
  - httpx >= 0.27
extends_documentation_fragment:
  - dcops.atlassian_cloud.cloud_connection
  - dcops.atlassian_cloud.http_options
  - dcops.atlassian_cloud.attributes
  - dcops.atlassian_cloud.attributes.INFO_MODULE
  - dcops.atlassian_cloud.attributes.ACTIONGROUP_CLOUD_ADMIN
options:
  gather:
    description:
      - Which facts to read. Leave out what you do not need on a large organization.
    type: list
    elements: str
    choices: [orgs, directories, domains, groups, auth_policies]
    default: [orgs, directories, domains, groups, auth_policies]
"""

EXAMPLES = r"""
- name: Read the organization
  dcops.atlassian_cloud.org_info:
    org_id: "{{ atlassian_org_id }}"
    api_key: "{{ vault_org_api_key }}"
  register: org

- name: Show the groups with their member counts
  ansible.builtin.debug:
    msg: "{{ org.groups | items2dict(key_name='name', value_name='members') }}"

- name: Read only the domains
  dcops.atlassian_cloud.org_info:
    org_id: "{{ atlassian_org_id }}"
    api_key: "{{ vault_org_api_key }}"
    gather: [domains]
"""

RETURN = r"""
orgs:
  description: Organizations the API key can manage.
  returned: C(orgs) in O(gather)
  type: list
  elements: dict
  contains:
    id:
      description: "ID."
      type: str
    name:
      description: "Name."
      type: str
  sample: [{"id": "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "name": "Example Inc"}]
org:
  description: The organization O(org_id).
  returned: C(orgs) in O(gather)
  type: dict
  contains:
    id:
      description: "ID."
      type: str
    name:
      description: "Name."
      type: str
  sample: {"id": "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "name": "Example Inc"}
directories:
  description: Directories of the organization.
  returned: C(directories) in O(gather)
  type: list
  elements: dict
  contains:
    id:
      description: "ID."
      type: str
    name:
      description: "Name."
      type: str
  sample: [{"id": "5f6e7d8c-9b0a-4c1d-8e2f-3a4b5c6d7e8f", "name": "Okta"}]
domains:
  description: Domains with their claim type and verification status.
  returned: C(domains) in O(gather)
  type: list
  elements: dict
  contains:
    id:
      description: "Domain ID."
      type: str
    name:
      description: "The domain."
      type: str
    claim_type:
      description: "How the domain was claimed, as the organizations API names it (C(DNS))."
      type: str
    status:
      description: "Verification status (C(VERIFIED))."
      type: str
  sample: [{"id": "d-1", "name": "example.com", "claim_type": "DNS", "status": "VERIFIED"}]
groups:
  description: Groups of every directory with their member counts; C(external_synced) groups come from an identity
    provider.
  returned: C(groups) in O(gather)
  type: list
  elements: dict
  contains:
    id:
      description: "Group ID."
      type: str
    name:
      description: "Group name."
      type: str
    description:
      description: "Description."
      type: str
    directory_id:
      description: "Directory of the group."
      type: str
    external_synced:
      description: "Whether an identity provider syncs it."
      type: bool
    members:
      description: "Number of members."
      type: int
  sample: [{"id": "4d5e", "name": "jira-users", "directory_id": "5f6e", "description": "", "members": 120,
            "external_synced": false}]
auth_policies:
  description: Authentication policies with their member counts, or V(null) when the UI-internal list is not readable.
  returned: C(auth_policies) in O(gather)
  type: list
  elements: dict
  contains:
    id:
      description: "Policy ID."
      type: str
    name:
      description: "Policy name."
      type: str
    type:
      description: "C(billable) or C(non_billable)."
      type: str
    is_default:
      description: "Whether it is the default policy."
      type: bool
    members:
      description: "Number of members."
      type: int
  sample: [{"id": "9a8b", "name": "Default policy", "type": "billable", "is_default": true, "members": 120}]
"""

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.argspec import CLOUD_ADMIN, create_ansible_module
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.client import ApiError
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.module import (
    cloud_client,
    fail_api,
)
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._cloud.org import SUBSETS, gather


def main():
    module = create_ansible_module(
        dict(gather=dict(type="list", elements="str", choices=list(SUBSETS), default=list(SUBSETS))), CLOUD_ADMIN)
    with cloud_client(module) as client:
        try:
            facts = gather(client, module.params["org_id"], module.params["gather"])
        except ApiError as exc:
            fail_api(module, exc, msg="Cannot read organization %s" % module.params["org_id"])
    for warning in facts.pop("warnings"):
        module.warn(warning)
    module.exit_json(changed=False, **facts)


if __name__ == "__main__":
    main()

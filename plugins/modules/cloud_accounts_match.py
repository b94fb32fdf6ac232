#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: cloud_accounts_match
short_description: Check that users have Atlassian Cloud accounts, matched by email, before a directory sync
version_added: 0.2.0
description:
  - Reads the cloud directory with the organizations API's users search (C(emails), 100 addresses a request) and
    reports which of O(emails) have an account, matched by email case-insensitively as the cloud matches them.
  - The migration order is external directory to Data Center, Data Center to cloud with the Migration Assistant,
    then the directory sync to cloud. Run this between the last two, for example with the external directory's
    users from M(dcops.atlassian_cloud.group_flatten); a user without an account would be left out of every group by
    the sync. The runbook playbook C(migration_order.yml) does it.
  - Read only; fails, naming them, when accounts are missing and O(fail_on_missing=true).
author:
  - dcops engineers (@dcops)
requirements:
  - httpx >= 0.27
extends_documentation_fragment:
  - dcops.atlassian_cloud.cloud_connection
  - dcops.atlassian_cloud.http_options
  - dcops.atlassian_cloud.attributes
  - dcops.atlassian_cloud.attributes.ACTIONGROUP_CLOUD_ADMIN
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
options:
  directory_id:
    description: The cloud directory. Leave it out when the organization has one directory.
    type: str
  emails:
    description: The email addresses that must have a cloud account.
    type: list
    elements: str
    required: true
  fail_on_missing:
    description: Fail when any address has no cloud account (or is not an email address).
    type: bool
    default: true
"""

EXAMPLES = r"""
- name: Every user of the external directory has a cloud account
  dcops.atlassian_cloud.cloud_accounts_match:
    org_id: "{{ atlassian_org_id }}"
    api_key: "{{ atlassian_org_api_key }}"
    emails: "{{ flattened.users.values() | map(attribute='email') | list }}"
"""

RETURN = r"""
directory_id:
  description: The directory read.
  returned: success
  type: str
  sample: 5f6e7d8c-9b0a-4c1d-8e2f-3a4b5c6d7e8f
matched:
  description: How many addresses have a cloud account.
  returned: always
  type: int
  sample: 1200
missing:
  description: Addresses without a cloud account, lower-cased and sorted.
  returned: always
  type: list
  elements: str
  sample: ["frank@example.com"]
inactive:
  description: Addresses whose cloud account is not active.
  returned: always
  type: list
  elements: str
  sample: []
invalid:
  description: Entries that are not email addresses.
  returned: always
  type: list
  elements: str
  sample: []
"""

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.argspec import CLOUD_ADMIN, create_ansible_module
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.errors import (
    CollectionError,
    fail_from_exception,
)
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.module import cloud_client
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._preflight.accounts import match_accounts

SHOWN = 50


def main():
    module = create_ansible_module(dict(
        directory_id=dict(type="str"),
        emails=dict(type="list", elements="str", required=True),
        fail_on_missing=dict(type="bool", default=True),
    ), CLOUD_ADMIN)
    with cloud_client(module) as client:
        try:
            result = match_accounts(client, module.params["org_id"], module.params["directory_id"], module.params["emails"])
        except CollectionError as exc:
            fail_from_exception(module, exc, msg="Cannot read the cloud accounts")
    problems = []
    if result["missing"]:
        problems.append("%d address(es) have no cloud account: %s%s" % (
            len(result["missing"]), ", ".join(result["missing"][:SHOWN]), ", ..." if len(result["missing"]) > SHOWN else ""))
    if result["invalid"]:
        problems.append("%d entries are not email addresses: %s"
                        % (len(result["invalid"]), ", ".join(result["invalid"][:SHOWN])))
    if problems and module.params["fail_on_missing"]:
        module.fail_json(msg="Cloud accounts do not match the directory by email: %s. Migrate those users with the "
                             "Migration Assistant (or fix their emails) before the directory sync runs."
                             % "; ".join(problems), changed=False, **result)
    for problem in problems:
        module.warn(problem)
    module.exit_json(changed=False, **result)


if __name__ == "__main__":
    main()

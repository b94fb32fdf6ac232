#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: readiness_instance
short_description: Read how far one Jira or Confluence Data Center instance is from being connected to Atlassian Cloud
version_added: 0.2.0
description:
  - Reads, without changing anything, the checks of one instance for the estate readiness report
    (M(dcops.atlassian_cloud.readiness_report)) - product and version against the cloud connector minimum, the base
    URL the instance reports against the one the organization connector uses, the allowlist entry for
    U(https://api.atlassian.com), the Cloud Companion app, and the DC side of the cloud connector.
  - Each check has a state C(done), C(missing), C(risk) or C(unknown), a reason and the fix (the playbook and tag
    to run). A check that cannot be made (no credentials, a UI-internal endpoint answering 404) is C(unknown) with
    the reason; the module itself fails only on a bad argument.
  - Every request goes through a guard that refuses anything but GET and read-only searches.
author:
  - dcops engineers (@dcops)
requirements:
  - httpx >= 0.27
extends_documentation_fragment:
  - dcops.atlassian_cloud.dc_connection
  - dcops.atlassian_cloud.http_options
  - dcops.atlassian_cloud.attributes
  - dcops.atlassian_cloud.attributes.ACTIONGROUP_DATA_CENTER
  - dcops.atlassian_cloud.attributes.INFO_MODULE
options:
  name:
    description: The instance's name in the report (its inventory host name).
    type: str
    required: true
  base_url:
    description: The base URL the organization connector is set up for (C(dc_base_url)); default O(url).
    type: str
  portfolio_insights:
    description: Whether the Cloud Companion app is wanted on this instance (C(dc_portfolio_insights)).
    type: bool
    default: false
  companion_key:
    description: The Cloud Companion app's key.
    type: str
    default: com.atlassian.cloud-companion
  companion_version:
    description: The lowest Cloud Companion version that counts as done.
    type: str
  preflight:
    description: Also read the instance's users and groups, for the migration preflight of the report.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Read the instance's readiness
  dcops.atlassian_cloud.readiness_instance:
    name: jira-prod
    url: https://jira.example.com
    user: automation-admin
    password: "{{ vault_jira_prod_dc_password }}"
    portfolio_insights: true
  register: readiness
"""

RETURN = r"""
readiness:
  description: The instance's readiness, the input of M(dcops.atlassian_cloud.readiness_report).
  returned: always
  type: dict
  contains:
    name:
      description: The instance's name.
      type: str
    product:
      description: C(jira) or C(confluence); V(null) when the instance did not answer.
      type: str
    version:
      description: The version the instance reports.
      type: str
    reachable:
      description: Whether the instance answered as Jira or Confluence.
      type: bool
    checks:
      description: One entry per check with C(id), C(state), C(reason), C(fix) and C(details).
      type: list
      elements: dict
      contains:
        id:
          description: The check.
          type: str
        state:
          description: V(done), V(missing), V(risk) or V(unknown).
          type: str
        reason:
          description: What was found.
          type: str
        fix:
          description: What to run to fix it (the playbook and tag), or what makes an unknown check possible.
          type: str
        details:
          description: What the check read.
          type: dict
    directory:
      description: Users and groups for the preflight (with O(preflight=true)).
      type: dict
      contains:
        name:
          description: The instance's name.
          type: str
        product:
          description: The product.
          type: str
        users:
          description: The instance's users by username, each with C(email), C(display_name) and C(active).
          type: dict
        groups:
          description: Its groups by name, each with the usernames of its members.
          type: dict
        warnings:
          description: What the read could not see.
          type: list
          elements: str
"""

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.argspec import DATA_CENTER, create_ansible_module
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.module import dc_client
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._readiness import instance
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._readiness.readonly import guard


def main():
    module = create_ansible_module(dict(
        name=dict(type="str", required=True),
        base_url=dict(type="str"),
        portfolio_insights=dict(type="bool", default=False),
        companion_key=dict(type="str", default=instance.COMPANION_KEY, no_log=False),
        companion_version=dict(type="str"),
        preflight=dict(type="bool", default=False),
    ), DATA_CENTER)
    params = module.params
    with guard(dc_client(module)) as client:
        result = instance.collect(client, params["name"], params["url"], base_url=params["base_url"],
                                  portfolio_insights=params["portfolio_insights"],
                                  companion_key=params["companion_key"],
                                  companion_version=params["companion_version"], directory=params["preflight"])
    module.exit_json(changed=False, readiness=result)


if __name__ == "__main__":
    main()

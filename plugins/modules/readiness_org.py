#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: readiness_org
short_description: Read how far an Atlassian Cloud organization is from ready for its Data Center estate
version_added: 0.2.0
description:
  - Reads, without changing anything, the organization's part of the estate readiness report
    (M(dcops.atlassian_cloud.readiness_report)) - the organization connectors and their app connectors, the
    authentication policies with member counts, the managed accounts in no intended policy, SSO policies with
    members the identity provider does not know, the BYOK role stack (its read-only verification), and the
    memberships a flat group sync would drop.
  - The policy endpoints and the connector list are UI-internal; when one answers 404 or 403 its checks are
    C(unknown) with the reason.
  - Every request goes through a guard that refuses anything but GET and read-only searches; the BYOK stack is read
    in check mode.
author:
  - dcops engineers (@dcops)
requirements:
  - httpx >= 0.27
  - boto3 (for O(byok_aws))
extends_documentation_fragment:
  - dcops.atlassian_cloud.cloud_connection
  - dcops.atlassian_cloud.http_options
  - dcops.atlassian_cloud.attributes
  - dcops.atlassian_cloud.attributes.ACTIONGROUP_CLOUD_ADMIN
  - dcops.atlassian_cloud.attributes.INFO_MODULE
options:
  intended_policies:
    description:
      - Names of the authentication policies managed accounts should be in. Without it, every policy but the
        default one counts as intended.
    type: list
    elements: str
    default: []
  nested_groups_source:
    description:
      - A YAML file with the nested group structure (the format of the C(yaml) source of
        M(dcops.atlassian_cloud.group_flatten)). Without it the nested-group check is C(unknown).
    type: path
  byok_aws:
    description:
      - The AWS connection of the BYOK role stack. Without it the BYOK check is C(unknown).
    type: dict
    suboptions:
      profile:
        description: AWS profile.
        type: str
      region:
        description: AWS region.
        type: str
      access_key:
        description: AWS access key id.
        type: str
      secret_key:
        description: AWS secret access key.
        type: str
      session_token:
        description: AWS session token.
        type: str
      endpoint_url:
        description: AWS endpoint URL (a test endpoint).
        type: str
  byok_stack_name:
    description: The BYOK role stack's name.
    type: str
    default: atlassian-key-management-role
"""

EXAMPLES = r"""
- name: Read the organization's readiness
  dcops.atlassian_cloud.readiness_org:
    org_id: "{{ atlassian_org_id }}"
    api_key: "{{ atlassian_org_api_key }}"
    intended_policies: [Employees, Contractors]
  register: readiness
"""

RETURN = r"""
readiness:
  description: The organization's readiness, an input of M(dcops.atlassian_cloud.readiness_report).
  returned: always
  type: dict
  contains:
    connectors:
      description: The organization connectors (with their C(apps)), or V(null) and the C(error) check.
      type: dict
      contains:
        connectors:
          description: The connectors with their status and app connectors.
          type: list
          elements: dict
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
"""

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.argspec import CLOUD_ADMIN, create_ansible_module
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.module import cloud_client
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._readiness import org
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._readiness.readonly import guard


def _structure(path):
    if not path:
        return None, None
    from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._groups.source_yaml import read_yaml_file

    try:
        return read_yaml_file(path), None
    except (IOError, OSError, ValueError) as exc:
        return None, "the group structure %s cannot be read: %s" % (path, exc)


def _byok(module):
    aws = module.params["byok_aws"]
    if not aws:
        return None
    from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._byok.aws import AwsClients
    from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._byok.role import ByokRoleSettings, ByokRoleStack

    def run_verified():
        clients = AwsClients(dict(aws))
        settings = ByokRoleSettings(stack_name=module.params["byok_stack_name"], require_mfa=False, wait_timeout=60)
        stack = ByokRoleStack(clients, settings, check_mode=True)
        return stack.run("verified"), stack.warnings

    return run_verified


def main():
    module = create_ansible_module(dict(
        intended_policies=dict(type="list", elements="str", default=[]),
        nested_groups_source=dict(type="path"),
        byok_aws=dict(type="dict", options=dict(
            profile=dict(type="str"), region=dict(type="str"), access_key=dict(type="str", no_log=True),
            secret_key=dict(type="str", no_log=True), session_token=dict(type="str", no_log=True),
            endpoint_url=dict(type="str"))),
        byok_stack_name=dict(type="str", default="atlassian-key-management-role"),
    ), CLOUD_ADMIN)
    structure, structure_error = _structure(module.params["nested_groups_source"])
    with guard(cloud_client(module)) as client:
        result = org.collect(client, module.params["org_id"], module.params["intended_policies"], _byok(module),
                             structure, structure_error)
    module.exit_json(changed=False, readiness=result)


if __name__ == "__main__":
    main()

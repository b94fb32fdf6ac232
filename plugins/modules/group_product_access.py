#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: group_product_access
short_description: Grant or confirm product access (app roles) for Atlassian Cloud groups, with the billing change
version_added: 0.2.0
description:
  - Declares which app roles cloud groups hold (for example C(atlassian/user) on a Jira site) and reconciles them
    through the organizations API's group role assignments (C(POST .../groups/{groupId}/role-assignments/assign)
    and C(.../revoke) with C({resourceId, roleId})).
  - The Migration Assistant migrates product access but does not apply it to groups until an admin confirms it,
    because every user with access to an app counts toward that app's subscription. This module is that
    confirmation, made reviewable. RV(billing) names, per app, the members of the groups gaining a grant who have
    no access to that app yet, that is the users who start counting; check mode reports the same.
  - What a group holds is read first (C(GET .../groups/{groupId}/role-assignments)); a grant it already holds is
    not sent again.
  - O(max_new_billable_users) refuses a change that would make more users start counting, in check mode too.
  - RV(without_product_access) lists the directory's users who will still have no product access after the run
    (they can log in but use no app).
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
    support: full
options:
  directory_id:
    description:
      - The directory holding the groups. Leave it out when the organization has one directory.
    type: str
  access:
    description:
      - The grants to reconcile. Grants of the same groups not listed are left alone.
    type: list
    elements: dict
    required: true
    suboptions:
      group:
        description: Group name, matched case-insensitively.
        type: str
        required: true
      resource_id:
        description:
          - The app instance, as an Atlassian resource identifier (C(ari:cloud:jira::site/<site id>)), as the
            organizations API's workspaces list gives it.
        type: str
        required: true
      role:
        description: The app role.
        type: str
        default: atlassian/user
        choices: [atlassian/user, atlassian/user-access-admin, atlassian/admin, atlassian/guest,
                  atlassian/contributor, atlassian/customer, atlassian/basic, atlassian/stakeholder,
                  atlassian/viewer]
      state:
        description: V(present) grants the role, V(absent) revokes it.
        type: str
        choices: [present, absent]
        default: present
  max_new_billable_users:
    description:
      - Refuse the change when more users than this would start counting toward a subscription (summed over the
        apps). Leave it out for no limit; V(0) allows only changes that bill no one new.
    type: int
  report_no_access:
    description:
      - Read the directory's users and report those who will have no product access after the run.
    type: bool
    default: true
notes:
  - Revoking a grant removes the access this group gave; members keep access another group gives them. The module
    does not count anyone as leaving a subscription.
  - A user the users search returns without C(productAccess) is counted in RV(summary.product_access_unknown), never
    as without access.
"""

EXAMPLES = r"""
- name: Confirm Jira access for the migrated groups, at most 50 new billable users
  dcops.atlassian_cloud.group_product_access:
    org_id: "{{ atlassian_org_id }}"
    api_key: "{{ atlassian_org_api_key }}"
    access:
      - group: jira-software-users
        resource_id: ari:cloud:jira::site/6b2e1f0a-3c4d-4e5f-8a9b-0c1d2e3f4a5b
      - group: jira-administrators
        resource_id: ari:cloud:jira::site/6b2e1f0a-3c4d-4e5f-8a9b-0c1d2e3f4a5b
        role: atlassian/admin
    max_new_billable_users: 50
  register: access

- name: Show who starts counting
  ansible.builtin.debug:
    var: access.billing

- name: Revoke Confluence access from a group
  dcops.atlassian_cloud.group_product_access:
    org_id: "{{ atlassian_org_id }}"
    api_key: "{{ atlassian_org_api_key }}"
    access:
      - group: contractors
        resource_id: ari:cloud:confluence::site/6b2e1f0a-3c4d-4e5f-8a9b-0c1d2e3f4a5b
        state: absent
"""

RETURN = r"""
directory_id:
  description: The directory the groups are in.
  returned: success
  type: str
  sample: 5f6e7d8c-9b0a-4c1d-8e2f-3a4b5c6d7e8f
assigned:
  description: Grants sent (in check mode, that would be sent).
  returned: success
  type: list
  elements: dict
  contains:
    group:
      description: "Group name."
      type: str
    resource_id:
      description: "App instance (ARI)."
      type: str
    role:
      description: "Role ID."
      type: str
  sample: [{"group": "jira-software-users", "resource_id": "ari:cloud:jira::site/6b2e", "role": "atlassian/user"}]
revoked:
  description: Grants revoked (in check mode, that would be revoked).
  returned: success
  type: list
  elements: dict
  contains:
    group:
      description: "Group name."
      type: str
    resource_id:
      description: "App instance (ARI)."
      type: str
    role:
      description: "Role ID."
      type: str
  sample: []
billing:
  description: Per app gaining a grant, the users who start counting toward its subscription (members of the groups
    gaining it who had no access to it).
  returned: success
  type: dict
  sample: {"ari:cloud:jira::site/6b2e": {"count": 2, "users": ["bob@example.com", "carol@example.com"]}}
without_product_access:
  description: Emails of the directory's users who will have no product access after the run.
  returned: O(report_no_access)
  type: list
  elements: str
  sample: ["erin@example.com"]
summary:
  description: Counts.
  returned: success
  type: dict
  contains:
    grants_assigned:
      description: "Grants assigned."
      type: int
    grants_revoked:
      description: "Grants revoked."
      type: int
    users_starting_to_count:
      description: "Users who start counting, summed over the apps."
      type: int
    users_starting_to_count_by_app:
      description: "The same per app."
      type: dict
    product_access_unknown:
      description: "Users whose product access the API did not show (O(report_no_access))."
      type: int
  sample: {"grants_assigned": 1, "grants_revoked": 0, "users_starting_to_count": 2,
           "users_starting_to_count_by_app": {"ari:cloud:jira::site/6b2e": 2}, "product_access_unknown": 0}
"""

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.argspec import CLOUD_ADMIN, create_ansible_module
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.errors import (
    CollectionError,
    fail_from_exception,
)
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.module import cloud_client
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._groups.access import (
    DEFAULT_ROLE,
    ROLE_IDS,
    plan_and_apply,
    validate_grants,
)


def main():
    module = create_ansible_module(dict(
        directory_id=dict(type="str"),
        access=dict(type="list", elements="dict", required=True, options=dict(
            group=dict(type="str", required=True),
            resource_id=dict(type="str", required=True),
            role=dict(type="str", default=DEFAULT_ROLE, choices=list(ROLE_IDS)),
            state=dict(type="str", choices=["present", "absent"], default="present"),
        )),
        max_new_billable_users=dict(type="int"),
        report_no_access=dict(type="bool", default=True),
    ), CLOUD_ADMIN)
    params = module.params
    if params["max_new_billable_users"] is not None and params["max_new_billable_users"] < 0:
        module.fail_json(msg="max_new_billable_users must be 0 or more, got %d" % params["max_new_billable_users"])
    try:
        grants = validate_grants(params["access"])
        with cloud_client(module) as client:
            result = plan_and_apply(client, params["org_id"], params["directory_id"], grants, module.check_mode,
                                    max_new_billable=params["max_new_billable_users"],
                                    report_no_access=params["report_no_access"])
    except CollectionError as exc:
        fail_from_exception(module, exc, msg="Cannot reconcile group product access")
    if not module._diff:
        result.pop("diff")
    module.exit_json(**result)


if __name__ == "__main__":
    main()

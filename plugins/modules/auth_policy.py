#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: auth_policy
short_description: Manage an Atlassian Cloud authentication policy and its settings
version_added: 0.1.0
description:
  - Creates, changes or deletes one authentication policy of an Atlassian Cloud organization, declaratively.
    Only the settings given are managed; the others keep their current values.
  - Settings the product refuses fail before anything is written, with a message that names every
    conflicting field. Refused are two-step verification, third-party login and password requirements
    while single sign-on is enforced (the identity provider owns them), additional policies, enforced SSO,
    required two-step verification and blocked user API tokens on an organization without Atlassian Guard
    Standard, an unknown password strength, and an idle session duration outside 5 minutes to 90 days.
  - Enforcing SSO warns with the number of policy members who are not known to the identity provider (they
    could no longer log in), and refuses unless O(allow_lockout=true) when that number is not zero.
  - Atlassian publishes no API for policy settings. This module uses the admin UI's internal endpoints
    (C(cloud.auth_policy.list), C(cloud.auth_policy.create), C(cloud.auth_policy.update),
    C(cloud.auth_policy.delete), C(cloud.auth_policy.members)); their paths can be replaced with
    O(api_overrides) if Atlassian changes them.
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
  name:
    description:
      - Name of the policy (matched case-insensitively), or the ID of an existing policy.
    type: str
    required: true
  state:
    description:
      - V(present) creates or changes the policy; V(absent) deletes it.
      - The default policy cannot be deleted, nor a policy that still has members (move them first with
        M(dcops.atlassian_cloud.auth_policy_members)).
    type: str
    choices: [present, absent]
    default: present
  type:
    description:
      - V(billable) policies count their members for Atlassian Guard billing; V(non_billable) ones (bots,
        service accounts) do not.
      - Defaults to V(billable) when the policy is created; left as it is when not given.
    type: str
    choices: [billable, non_billable]
  settings:
    description:
      - The settings to manage. Settings not given are left as they are.
    type: dict
    suboptions:
      sso:
        description:
          - Single sign-on through SAML or Google Workspace, set up beforehand in Atlassian Administration.
          - Needs Atlassian Guard Standard.
        type: dict
        suboptions:
          enforced:
            description: Whether members must log in through the identity provider.
            type: bool
            required: true
          provider:
            description: The identity provider; required when O(settings.sso.enforced=true).
            type: str
            choices: [saml, google]
      two_step:
        description:
          - Two-step verification, V(required) or V(optional) (members choose). V(required) needs Atlassian Guard
            Standard.
          - The product has no C(off); V(off) (also unquoted YAML C(off), read as false) fails with that message.
          - Managed only in the identity provider while SSO is enforced.
        type: str
      api_tokens:
        description:
          - Whether members may create new user API tokens and use existing ones. V(block) needs Atlassian Guard
            Standard.
          - The change applies at each member's next API call with a token and can take up to 10 minutes; until
            then the previous setting holds. RV(api_tokens_pending) says so; O(api_tokens_wait) waits for it.
        type: str
        choices: [allow, block]
      third_party_login:
        description:
          - Whether members may log in with Google, Microsoft, Apple or Slack accounts.
          - Managed only in the identity provider while SSO is enforced.
        type: str
        choices: [allow, block]
      password:
        description:
          - Password requirements. Managed only in the identity provider while SSO is enforced.
        type: dict
        suboptions:
          min_strength:
            description:
              - Minimum password strength, one of V(weak), V(fair), V(good), V(strong), V(very_strong).
            type: str
            required: true
          expiry_days:
            description:
              - Days after which a password expires; V(0) means it never expires (the product's default).
            type: int
            default: 0
      idle_session:
        description:
          - How long a member stays logged in while idle, as a number with a unit (V(30m), V(12h), V(7d), V(2w))
            or a number of minutes. Normalised to its shortest exact form (V(1440m) becomes V(1d)).
          - Accepted from 5 minutes to 90 days. The admin UI offers a fixed menu of durations that Atlassian
            does not publish; a value the product does not offer is refused by the product itself.
        type: str
  allow_lockout:
    description:
      - Enforce SSO even when members of the policy are not known to the identity provider (they would be
        locked out).
    type: bool
    default: false
  api_tokens_wait:
    description:
      - Seconds to wait after a change of O(settings.api_tokens) before returning, so later tasks see it applied;
        up to 600 (the product's 10 minutes). No wait in check mode or when the setting does not change.
    type: int
    default: 0
  guard_standard:
    description:
      - Whether the organization has Atlassian Guard Standard. When given, Guard rules are checked before any
        API call; when not given, the policy list's flag is used.
    type: bool
notes:
  - Changes apply at each member's next login.
  - Policy settings are read and written through UI-internal endpoints, not a public Atlassian API.
seealso:
  - module: dcops.atlassian_cloud.auth_policy_members
  - module: dcops.atlassian_cloud.auth_policy_export
"""

EXAMPLES = r"""
- name: Strict SSO policy for employees
  dcops.atlassian_cloud.auth_policy:
    org_id: "{{ atlassian_org_id }}"
    api_key: "{{ vault_atlassian_org_api_key }}"
    name: Employees
    type: billable
    settings:
      sso:
        enforced: true
        provider: saml
      api_tokens: block
      idle_session: 12h

- name: Contractors keep passwords, with two-step verification
  dcops.atlassian_cloud.auth_policy:
    org_id: "{{ atlassian_org_id }}"
    api_key: "{{ vault_atlassian_org_api_key }}"
    name: Contractors
    settings:
      sso:
        enforced: false
      two_step: required
      third_party_login: block
      password:
        min_strength: strong
        expiry_days: 90
      idle_session: 8h

- name: Remove a policy that no longer has members
  dcops.atlassian_cloud.auth_policy:
    org_id: "{{ atlassian_org_id }}"
    api_key: "{{ vault_atlassian_org_api_key }}"
    name: Pilot
    state: absent
"""

RETURN = r"""
policy:
  description: The policy after the run (in check mode, as it would be); V(null) once deleted.
  returned: always
  type: dict
  contains:
    id:
      description: Policy ID (V(null) for a policy check mode would create).
      type: str
    name:
      description: Policy name.
      type: str
    type:
      description: V(billable) or V(non_billable).
      type: str
    default:
      description: Whether this is the organization's default policy.
      type: bool
    member_count:
      description: Number of members.
      type: int
    settings:
      description:
        - The settings, in the shape of O(settings). Settings the identity provider owns read V(null)
          while SSO is enforced.
      type: dict
      contains:
        sso:
          description: "SSO enforcement: C(enforced) and C(provider) (V(saml) or V(google)); V(null) while not set."
          type: dict
        two_step:
          description: "Two-step verification: V(required), V(optional) or V(off); V(null) while the identity provider owns it."
          type: str
        api_tokens:
          description: "User API tokens: V(allow) or V(block)."
          type: str
        third_party_login:
          description: "Logins with Google, Microsoft, Apple or Slack accounts: V(allow) or V(block); V(null) while the identity provider owns it."
          type: str
        password:
          description: "Password requirements; V(null) while the identity provider owns them."
          type: dict
        idle_session:
          description: "Idle session length, as a number with a unit (V(12h))."
          type: str
  sample:
    id: 5d1f0c8e-7a43-4a8e-9d7b-2f6c1e0a9b31
    name: Employees
    type: billable
    default: false
    member_count: 1200
    settings:
      sso: {enforced: true, provider: saml}
      two_step: null
      api_tokens: block
      third_party_login: null
      password: null
      idle_session: 12h
changed_fields:
  description: The fields that changed (or would change).
  returned: always
  type: list
  elements: str
  sample: [settings.sso, settings.idle_session]
api_tokens_pending:
  description:
    - When O(settings.api_tokens) changed, that the product applies it within up to 10 minutes, when, and how long
      the run waited.
  returned: when O(settings.api_tokens) changes (also in check mode)
  type: dict
  contains:
    applies_within_seconds:
      description: How long the product may take to apply the change (600).
      type: int
    applied_by:
      description: When the change is applied everywhere at the latest (UTC, ISO 8601).
      type: str
    waited_seconds:
      description: How long the run waited (O(api_tokens_wait)).
      type: int
    message:
      description: What the delay means for the members.
      type: str
  sample: {applies_within_seconds: 600, applied_by: "2026-12-01T21:50:00Z", waited_seconds: 0,
           message: "settings.api_tokens takes up to 10 minutes to apply"}
lockout_risk:
  description:
    - When the run enforces SSO on a policy with members, how many are not known to the identity provider,
      and up to 20 of their addresses.
  returned: when SSO becomes enforced
  type: dict
  contains:
    count:
      description: "Members not known to the identity provider."
      type: int
    sample:
      description: "Up to 20 of their addresses."
      type: list
      elements: str
  sample: {count: 2, sample: [frank@example.com, svc-deploy@example.com]}
"""

import time

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.argspec import CLOUD_ADMIN, create_ansible_module
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.client import ApiError
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.module import (
    cloud_client,
    fail_api,
)
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._auth_policy import guard
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._auth_policy import policies
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._auth_policy import settings as policy_settings


def argument_spec():
    """The module's own options; CLOUD_ADMIN brings the connection."""
    return dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        type=dict(type="str", choices=["billable", "non_billable"]),
        settings=dict(type="dict", options=dict(
            sso=dict(type="dict", options=dict(
                enforced=dict(type="bool", required=True),
                provider=dict(type="str", choices=["saml", "google"]),
            )),
            two_step=dict(type="str"),
            api_tokens=dict(type="str", choices=["allow", "block"]),
            third_party_login=dict(type="str", choices=["allow", "block"]),
            password=dict(type="dict", no_log=False, options=dict(
                min_strength=dict(type="str", required=True),
                expiry_days=dict(type="int", default=0),
            )),
            idle_session=dict(type="str"),
        )),
        allow_lockout=dict(type="bool", default=False),
        api_tokens_wait=dict(type="int", default=0, no_log=False),
        guard_standard=dict(type="bool"),
    )


def run(module, client):
    params = module.params
    org_id = params["org_id"]
    org = policies.read_org(client, org_id)
    plan = policies.plan(org, params["name"], params["state"], policy_type=params["type"],
                         settings=params["settings"], guard_standard=params["guard_standard"])
    result = dict(changed=plan.changed, changed_fields=plan.changed_fields, policy=plan.after)
    if module._diff:
        result["diff"] = dict(before=plan.before or {}, after=plan.after or {})

    if plan.enforces_sso and plan.before:
        risk = policies.lockout_risk(client, org_id, plan.before["id"])
        result["lockout_risk"] = risk
        if risk["count"]:
            more = ", ..." if risk["count"] > len(risk["sample"]) else ""
            text = ("Enforcing SSO on policy %s: %d member(s) are not known to the identity provider and could no "
                    "longer log in: %s%s" % (plan.before["name"], risk["count"], ", ".join(risk["sample"]), more))
            if not params["allow_lockout"]:
                module.fail_json(msg=text + ". Move them to a policy without SSO first, or set allow_lockout=true.",
                                 **result)
            module.warn(text)

    if not plan.changed or module.check_mode:
        if "settings.api_tokens" in plan.changed_fields:
            result["api_tokens_pending"] = _api_tokens_pending(0)
        return result
    path = {"org_id": org_id}
    if plan.action == "create":
        created = client.call("cloud.auth_policy.create", path_params=path, json=policies.request_body(plan)).json()
        result["policy"] = policies.describe(created)
    elif plan.action == "update":
        path["policy_id"] = plan.before["id"]
        updated = client.call("cloud.auth_policy.update", path_params=path, json=policies.request_body(plan)).json()
        result["policy"] = policies.describe(updated)
    else:
        path["policy_id"] = plan.before["id"]
        client.call("cloud.auth_policy.delete", path_params=path)
        result["policy"] = None
    if module._diff:
        result["diff"]["after"] = result["policy"] or {}
    if "settings.api_tokens" in plan.changed_fields:
        result["api_tokens_pending"] = _api_tokens_pending(params["api_tokens_wait"])
    return result


def _api_tokens_pending(wait):
    """The api_tokens_pending result: when the change is applied everywhere, after waiting `wait` seconds."""
    applied_by = time.time() + policy_settings.API_TOKENS_PROPAGATION_SECONDS
    if wait:
        time.sleep(wait)
    return dict(applies_within_seconds=policy_settings.API_TOKENS_PROPAGATION_SECONDS,
                applied_by=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(applied_by)), waited_seconds=wait,
                message="settings.api_tokens takes up to 10 minutes to apply, at each member's next API call with a "
                        "token; until then the previous setting holds")


def main():
    module = create_ansible_module(argument_spec(), CLOUD_ADMIN)
    params = module.params
    if not 0 <= params["api_tokens_wait"] <= policy_settings.API_TOKENS_PROPAGATION_SECONDS:
        module.fail_json(msg="api_tokens_wait must be 0 to %d seconds (the product applies the change within 10 "
                             "minutes), got %d" % (policy_settings.API_TOKENS_PROPAGATION_SECONDS, params["api_tokens_wait"]))
    if params["state"] == "present":
        try:
            # settings conflicts need no API call: refuse them before the first request
            policy_settings.validate(params["settings"], guard_standard=params["guard_standard"])
        except policy_settings.SettingsConflict as exc:
            module.fail_json(msg=str(exc), conflicts=exc.problems)
    with cloud_client(module) as client:
        try:
            result = run(module, client)
        except policy_settings.SettingsConflict as exc:
            module.fail_json(msg=str(exc), conflicts=exc.problems)
        except policies.PolicyError as exc:
            module.fail_json(msg=str(exc))
        except ApiError as exc:
            fail_api(module, exc, msg=guard.hint(exc, "Authentication policies beyond the default one, with SSO, required "
                                                      "two-step verification or blocked API tokens,")
                     or "Cannot manage authentication policy %s" % params["name"])
    module.exit_json(**result)


if __name__ == "__main__":
    main()

#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: dc_allowlist
short_description: Manage the URL allowlist of a Jira or Confluence Data Center instance
version_added: 0.1.0
description:
  - Adds, changes and removes rules of the allowlist (Administration > System > Allowlist) of a Jira or
    Confluence Data Center instance, and switches the allowlist on or off.
  - A rule is identified by its O(rules[].type) and O(rules[].expression), compared exactly as written (the
    product is not known to normalise them, so C(https://example.com) and C(https://example.com/) are two
    rules). When the instance holds several copies of a rule, they are collapsed to one.
  - Rules the product adds for application links are never changed or removed, not even with
    O(exclusive=true); neither are rules of a type the module does not know.
  - Atlassian publishes no REST contract for the allowlist. The module calls the endpoints the admin page
    uses (the C(dc.allowlist.*) entries of the collection's API contract table); they are UI-internal and
    can be redirected with O(api_overrides) if a product version moves them.
  - Rules are validated as the admin form does before anything is sent, so a bad rule fails the task
    without changing the instance.
author:
  - dcops engineers (@dcops)
requirements:
  - httpx >= 0.27
extends_documentation_fragment:
  - dcops.atlassian_cloud.dc_connection
  - dcops.atlassian_cloud.http_options
  - dcops.atlassian_cloud.attributes
  - dcops.atlassian_cloud.attributes.ACTIONGROUP_DATA_CENTER
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
options:
  rules:
    description:
      - The rules to add (O(state=present)) or remove (O(state=absent)).
    type: list
    elements: dict
    default: []
    suboptions:
      expression:
        description:
          - What the rule matches, as typed in the admin form, for example C(https://api.atlassian.com).
          - V(exact) and V(domain) rules take an absolute URL; V(regex) rules a regular expression.
        type: str
        required: true
      type:
        description:
          - V(domain) (Domain name) allows every URL of the expression's host; V(exact) (Exact match) only
            the URL itself; V(wildcard) (Wildcard Expression) matches C(*) against any text; V(regex)
            (Regular Expression) matches the expression as a regular expression.
        type: str
        choices: [domain, exact, wildcard, regex]
        default: domain
      allow_inbound:
        description:
          - Allow Incoming - accept cross-origin (CORS) requests from this origin. The expression must then
            be an origin, C(scheme://host[:port]) with no path and no trailing slash.
        type: bool
        default: false
      allow_anonymous:
        description:
          - Allow anonymous users - let requests of users who are not logged in through. When V(false),
            only authenticated users' requests match the rule.
        type: bool
        default: false
  state:
    description:
      - V(present) makes each rule of O(rules) exist with the given options; V(absent) removes them (the
        options other than O(rules[].type) and O(rules[].expression) are then ignored).
    type: str
    choices: [present, absent]
    default: present
  exclusive:
    description:
      - With O(state=present), also remove every rule that O(rules) does not name. Application link rules
        and rules of unknown types stay.
    type: bool
    default: false
  enabled:
    description:
      - Switch the allowlist on (V(true)) or off (V(false)). Not set - leave it as it is.
      - The allowlist is on by default. Turning it off lets the instance reach any URL, so V(false) also
        needs O(allow_disable=true).
    type: bool
  allow_disable:
    description:
      - Confirm O(enabled=false).
    type: bool
    default: false
notes:
  - Needs a Data Center administrator's credentials.
  - The endpoints are UI-internal. Confirmed by Atlassian's documentation - the four rule types, the origin
    format of Allow Incoming and the Allow anonymous users option. Confirmed from public database dumps - the
    stored type C(WILDCARD_EXPRESSION). Not confirmed - the paths, the JSON field names and the other stored
    type names; the collection's C(docs/cloud_connector_prereqs.md) lists them.
seealso:
  - module: dcops.atlassian_cloud.dc_info
  - module: dcops.atlassian_cloud.egress_rule
"""

EXAMPLES = r"""
- name: Let the cloud connector reach api.atlassian.com
  dcops.atlassian_cloud.dc_allowlist:
    url: https://jira.example.com
    user: admin
    password: "{{ vault_jira_admin_password }}"
    rules:
      - expression: https://api.atlassian.com
        type: domain
  delegate_to: localhost

- name: Allow CORS requests from the intranet portal, and nothing else than the listed rules
  dcops.atlassian_cloud.dc_allowlist:
    url: https://wiki.example.com/confluence
    token: "{{ confluence_pat }}"
    exclusive: true
    rules:
      - expression: https://api.atlassian.com
      - expression: https://portal.example.com
        type: exact
        allow_inbound: true
      - expression: https://*.example.com/*
        type: wildcard

- name: Remove a rule
  dcops.atlassian_cloud.dc_allowlist:
    url: https://jira.example.com
    token: "{{ jira_pat }}"
    state: absent
    rules:
      - expression: https://old-tool.example.com
        type: exact
"""

RETURN = r"""
enabled:
  description: Whether the allowlist is on after the run (what it would be, in check mode).
  returned: success
  type: bool
  sample: true
rules:
  description: The allowlist's rules after the run (in check mode, the predicted rules), sorted by type and
    expression. Application link rules are listed with type C(application_link).
  returned: success
  type: list
  elements: dict
  contains:
    expression:
      description: "The URL, domain, wildcard expression or regular expression the rule allows."
      type: str
    type:
      description: "C(domain), C(exact), C(wildcard), C(regex) or C(application_link)."
      type: str
    allow_inbound:
      description: "Whether the rule also allows inbound requests."
      type: bool
    allow_anonymous:
      description: "Whether anonymous users may reach the resource."
      type: bool
  sample:
    - expression: https://api.atlassian.com
      type: domain
      allow_inbound: false
      allow_anonymous: false
actions:
  description: What the run changed (or would change, in check mode), in order. When a call fails half-way,
    the actions that were carried out before it.
  returned: success, and when a call fails after changes were made
  type: list
  elements: dict
  contains:
    action:
      description: "C(create), C(update), C(delete) or C(set_status)."
      type: str
    id:
      description: "ID of the rule updated or deleted, as the product holds it."
      type: raw
    rule:
      description: "The rule created, updated (its new form) or deleted, as in RV(rules)."
      type: dict
    before:
      description: "C(update): the rule before the change."
      type: dict
    enabled:
      description: "C(set_status): whether the allowlist was switched on or off."
      type: bool
  sample:
    - action: create
      rule:
        expression: https://api.atlassian.com
        type: domain
        allow_inbound: false
        allow_anonymous: false
"""

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.argspec import DATA_CENTER, create_ansible_module
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.client import ApiError
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.errors import fail_from_exception
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.module import (
    dc_client,
    fail_api,
)
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._dc import allowlist


def _public_actions(actions):
    return [dict((k, v) for k, v in action.items() if k != "id") for action in actions]


def main():
    module = create_ansible_module(dict(
        rules=dict(type="list", elements="dict", default=[], options=allowlist.RULE_OPTIONS),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        exclusive=dict(type="bool", default=False),
        enabled=dict(type="bool"),
        allow_disable=dict(type="bool", default=False),
    ), DATA_CENTER)
    params = module.params
    # Validate before any call: a rule the product's form would reject fails here with the same reason.
    problems = allowlist.validate_rules(params["rules"])
    if problems:
        module.fail_json(msg="Invalid allowlist rules: %s" % "; ".join(problems))

    with dc_client(module) as client:
        done = []
        try:
            current_rules, current_enabled = allowlist.read(client)
            actions, after_rules, after_enabled = allowlist.plan(
                current_rules, current_enabled, params["rules"], state=params["state"],
                exclusive=params["exclusive"], enabled=params["enabled"], allow_disable=params["allow_disable"])
            if actions and not module.check_mode:
                allowlist.apply(client, actions, done)
                after_rules, after_enabled = allowlist.read(client)
        except ApiError as exc:
            # Say what was already changed: a rerun completes the rest.
            fail_api(module, exc, msg="Cannot manage the allowlist of %s" % params["url"], changed=bool(done),
                     actions=_public_actions(done))
        except allowlist.AllowlistError as exc:
            fail_from_exception(module, exc)

    before = allowlist.describe(current_rules, current_enabled)
    after = allowlist.describe(after_rules, after_enabled)
    result = dict(changed=bool(actions), actions=_public_actions(actions), **after)
    if module._diff:
        result["diff"] = {"before": before, "after": after}
    module.exit_json(**result)


if __name__ == "__main__":
    main()

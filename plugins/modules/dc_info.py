#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: dc_info
short_description: Read product, version and cloud connector readiness of a Jira or Confluence Data Center
version_added: 0.1.0
description:
  - Reads the product (Jira or Confluence), version, build number, base URL and deployment type of a Data Center
    instance from its base URL.
  - Jira is read from C(/rest/api/2/serverInfo); Confluence (and any other product) from the Application Links
    manifest C(/rest/applinks/1.0/manifest), which the products serve as XML.
  - Reports whether the instance can host a cloud connector (Jira 11.3 or later, Confluence 10.2 or later) and,
    with O(require_cloud_connector=true), fails when it cannot.
  - With O(apps), decides which steps of the cloud connector guide the instance needs (RV(plan)) and makes the
    version check the apps' own - below the minimum, Portfolio Insights alone goes on through the Cloud
    Companion app while Rovo is refused.
  - With O(link=true), also reads the instance's organization connector link (RV(link)), as
    M(dcops.atlassian_cloud.dc_cloud_connector) reads it without credentials, so a play that checks the instance
    first needs no second read of the link.
author:
  - dcops engineers (@dcops)
requirements:
  - httpx >= 0.27
extends_documentation_fragment:
  - dcops.atlassian_cloud.dc_connection
  - dcops.atlassian_cloud.http_options
  - dcops.atlassian_cloud.attributes
  - dcops.atlassian_cloud.attributes.INFO_MODULE
  - dcops.atlassian_cloud.attributes.ACTIONGROUP_DATA_CENTER
options:
  require_cloud_connector:
    description:
      - Fail when the instance's version is below the cloud connector minimum (Jira 11.3, Confluence 10.2).
        The message names the version found and the version required.
    type: bool
    default: false
  require_admin:
    description:
      - Fail unless the user is a system administrator of the instance, as connecting a cloud organization
        requires. Read from UPM's installed-apps list, which hands its install token only to administrators.
    type: bool
    default: false
  apps:
    description:
      - The apps the instance connects to, V(rovo), V(portfolio_insights) or both; they decide the steps (RV(plan)).
      - With O(require_cloud_connector=true), an instance below the cloud connector minimum passes when it connects
        Portfolio Insights alone (the Cloud Companion app links it; the organization connector step is skipped)
        and fails when it connects Rovo, naming the guide's alternatives.
    type: list
    elements: str
    choices: [rovo, portfolio_insights]
  private:
    description:
      - Whether the instance is reachable only inside its network (behind a firewall), so Rovo needs the application
        tunnel. Used with O(apps).
    type: bool
    default: false
  link:
    description:
      - Also read which organization connector the instance holds credentials of, its connection status and, when
        it is linked, its app connectors (Administration > Applications > Cloud connectors), returned as
        RV(link).
      - Read only when the version can host a cloud connector; below the minimum the instance has no such page.
      - The read goes through the same UI-internal endpoints as M(dcops.atlassian_cloud.dc_cloud_connector)
        (C(dc.cloud_connector.get), C(dc.cloud_connector.apps) in the contract table; O(api_overrides) moves them).
    type: bool
    default: false
    version_added: 0.2.0
  allowlist_rules:
    description:
      - Also read the allowlist (Administration > System > Allowlist) and say whether it holds these rules, returned
        as RV(allowlist). V(true) in RV(allowlist.rules_present) means M(dcops.atlassian_cloud.dc_allowlist) with
        the same rules and O(dcops.atlassian_cloud.dc_allowlist#module:state=present) would change nothing, so a
        playbook can skip that task on a converged instance.
      - The rules are those of M(dcops.atlassian_cloud.dc_allowlist)'s O(dcops.atlassian_cloud.dc_allowlist#module:rules),
        with the same defaults, validated the same way before anything is read.
      - The read goes through the same UI-internal endpoints (C(dc.allowlist.list), C(dc.allowlist.status)). One that
        fails does not fail the module; RV(allowlist.error) names it.
    type: list
    elements: dict
    version_added: 0.2.0
    suboptions:
      expression:
        description: What the rule matches, as typed in the admin form.
        type: str
        required: true
      type:
        description: The rule's type (Domain name, Exact match, Wildcard Expression, Regular Expression).
        type: str
        choices: [domain, exact, wildcard, regex]
        default: domain
      allow_inbound:
        description: Allow Incoming (CORS requests from this origin).
        type: bool
        default: false
      allow_anonymous:
        description: Allow anonymous users.
        type: bool
        default: false
  expected_base_url:
    description:
      - The base URL that will be registered with the organization connector. Fail unless the product reports
        the same base URL in its general configuration (Jira's C(serverInfo) C(baseUrl), the Confluence manifest's
        C(url)); scheme and host case, a default port and a trailing slash do not count as differences.
    type: str
notes:
  - Every requirement asked for is checked, and one failure lists all that are not met (check mode included).
  - The product and version endpoints answer anonymously; O(require_admin=true) needs the user's credentials.
"""

EXAMPLES = r"""
- name: Read what the instance is
  dcops.atlassian_cloud.dc_info:
    url: https://jira.example.com
  register: jira

- name: Stop here unless the instance can host a cloud connector
  dcops.atlassian_cloud.dc_info:
    url: https://wiki.example.com/confluence
    token: "{{ confluence_pat }}"
    require_cloud_connector: true

- name: Decide the steps of an instance that connects Portfolio Insights, and check its version for them
  dcops.atlassian_cloud.dc_info:
    url: https://jira.example.com
    apps: [portfolio_insights]
    require_cloud_connector: true
  register: jira_path

- name: Read the instance and which organization connector it is linked through, in one run
  dcops.atlassian_cloud.dc_info:
    url: https://jira.example.com
    user: admin
    password: "{{ vault_jira_admin_password }}"
    link: true
  register: jira   # jira.link.status (Connected ...), jira.link.connector_id, jira.link.app_connectors

- name: Read the instance, and whether its allowlist already lets it reach Atlassian Cloud
  dcops.atlassian_cloud.dc_info:
    url: https://jira.example.com
    token: "{{ jira_pat }}"
    allowlist_rules:
      - expression: https://api.atlassian.com
  register: jira   # jira.allowlist.rules_present: dc_allowlist with the same rules would change nothing

- name: Set the Data Center connection once for every Data Center module
  module_defaults:
    group/dcops.atlassian_cloud.data_center:
      url: https://jira.example.com
      user: admin
      password: "{{ vault_jira_admin_password }}"
  block:
    - name: Gather facts with the defaults
      dcops.atlassian_cloud.dc_info:
"""

RETURN = r"""
product:
  description: C(jira) or C(confluence).
  returned: success
  type: str
  sample: jira
version:
  description: Version as the product reports it.
  returned: success
  type: str
  sample: 11.3.0
version_numbers:
  description: Major, minor and patch numbers.
  returned: success
  type: list
  elements: int
  sample: [11, 3, 0]
build_number:
  description: Build number.
  returned: success
  type: int
  sample: 110300
base_url:
  description: Base URL the instance is configured with (its own idea of its address).
  returned: success
  type: str
  sample: https://jira.example.com
deployment_type:
  description: Deployment type from Jira's serverInfo; V(null) for Confluence, whose manifest does not carry one.
  returned: success
  type: str
  sample: Server
server_title:
  description: The instance's title.
  returned: success
  type: str
  sample: Jira
cloud_connector_supported:
  description:
    - Whether the version can host a cloud connector. A milestone, beta or release candidate of the minimum
      release does not (11.3.0-m0004 comes before 11.3.0); one of a later version does (11.3.1-rc1).
  returned: success
  type: bool
  sample: true
pre_release:
  description: Whether the version carries a pre-release qualifier (milestone, beta, release candidate).
  returned: success
  type: bool
  sample: false
checks:
  description: The requirements asked for (O(require_cloud_connector), O(require_admin), O(expected_base_url)).
  returned: success
  type: list
  elements: dict
  contains:
    check:
      description: V(version), V(system_administrator) or V(base_url).
      type: str
    ok:
      description: Whether it is met.
      type: bool
    detail:
      description: What was found, and what to do when it is not met.
      type: str
    expected:
      description: For V(base_url), the base URL it was compared with, as O(expected_base_url) gave it.
      type: str
      returned: for the V(base_url) check
  sample: [{check: base_url, ok: true, expected: https://jira.example.com, detail: the product reports the base URL https://jira.example.com}]
plan:
  description: The steps of the cloud connector guide this instance needs for O(apps), and why the others do not run.
  returned: when O(apps) is given
  type: dict
  contains:
    apps:
      description: The apps, in the guide's order.
      type: list
      elements: str
    cloud_companion:
      description: Step 1, the Cloud Companion app (Portfolio Insights).
      type: bool
    application_tunnel:
      description: Step 2, the application tunnel (Rovo on a private instance).
      type: bool
    org_connector:
      description: Step 3, the organization connector (from the cloud connector minimum on).
      type: bool
    skipped:
      description: Each step that does not run, with the reason.
      type: list
      elements: dict
      contains:
        step:
          description: The step, V(cloud_companion), V(application_tunnel) or V(org_connector).
          type: str
        reason:
          description: Why the step does not run.
          type: str
  sample:
    apps: [portfolio_insights]
    cloud_companion: true
    application_tunnel: false
    org_connector: false
    skipped:
      - {step: application_tunnel, reason: only for Rovo}
      - step: org_connector
        reason: >-
          Jira 10.2.0 is below Jira 11.3.0, the cloud connector minimum: Portfolio Insights connects through the
          Cloud Companion app only
link:
  description:
    - The instance's organization connector link, as M(dcops.atlassian_cloud.dc_cloud_connector) returns it
      without credentials and with O(dcops.atlassian_cloud.dc_cloud_connector#module:app_connectors=read).
  returned: with O(link=true), when the version can host a cloud connector
  type: dict
  contains:
    linked:
      description: Whether the instance holds credentials of an organization connector.
      type: bool
    status:
      description: Connection status (Connected, Disconnected, Interrupted), or V(Not configured).
      type: str
    status_meaning:
      description: What the status means, from the guide's "Connection status" table.
      type: str
    org_id:
      description: ID of the linked organization.
      type: str
      returned: when linked
    connector_id:
      description: ID of the organization connector the instance is linked through.
      type: str
      returned: when linked
    fingerprint:
      description: C(sha256:) fingerprint of the credentials in place; never the secret.
      type: str
      returned: when linked
    connected_at:
      description: When the credentials in place were applied.
      type: str
      returned: when linked
    app_connectors:
      description: The link's app connectors; empty when not linked.
      type: list
      elements: dict
      contains:
        id:
          description: App connector ID.
          type: str
        name:
          description: Its name (C(Rovo for Jira), ...).
          type: str
        type:
          description: Its type (C(rovo-jira), C(rovo-confluence), C(portfolio-insights)).
          type: str
  sample:
    linked: true
    status: Connected
    status_meaning: the connection is established
    org_id: 0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d
    connector_id: 7d1f0c2e-54a3-4b8e-9d0a-3c5e2f1a6b7c
    fingerprint: sha256:5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8
    connected_at: "2026-01-12T09:30:00.000Z"
    app_connectors: [{id: 0b6f0c1e-4d2a-4f3b-9e8d-7c6b5a4f3e2d, type: rovo-jira, name: Rovo for Jira}]
allowlist:
  description:
    - The instance's allowlist, as M(dcops.atlassian_cloud.dc_allowlist) returns it, and whether it holds
      O(allowlist_rules).
  returned: when O(allowlist_rules) is given
  type: dict
  contains:
    rules_present:
      description:
        - Whether M(dcops.atlassian_cloud.dc_allowlist) with O(allowlist_rules) and
          O(dcops.atlassian_cloud.dc_allowlist#module:state=present) would change nothing. V(false) when the read
          failed.
      type: bool
    enabled:
      description: Whether the allowlist is on.
      type: bool
      returned: when the read succeeded
    rules:
      description:
        - Every rule, sorted by type and expression, in the shape of O(allowlist_rules); application link rules have
          type C(application_link).
      type: list
      elements: dict
      returned: when the read succeeded
    error:
      description: Why the allowlist could not be read.
      type: str
      returned: when the read failed
  sample:
    rules_present: true
    enabled: true
    rules: [{expression: https://api.atlassian.com, type: domain, allow_inbound: false, allow_anonymous: false}]
cloud_connector_minimum_version:
  description: The minimum version of this product for cloud connectors.
  returned: success
  type: str
  sample: 11.3.0
"""

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.argspec import DATA_CENTER, create_ansible_module
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.client import ApiError
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.errors import fail_from_exception
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.module import (
    dc_client,
    fail_api,
)
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._connector.dc import DcConnector, read_link
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._dc import allowlist
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._dc.info import ProductError, connection_plan, gather, preconditions


def main():
    module = create_ansible_module(dict(
        require_cloud_connector=dict(type="bool", default=False),
        require_admin=dict(type="bool", default=False),
        apps=dict(type="list", elements="str", choices=["rovo", "portfolio_insights"]),
        private=dict(type="bool", default=False),
        expected_base_url=dict(type="str"),
        link=dict(type="bool", default=False),
        allowlist_rules=dict(type="list", elements="dict", options=allowlist.RULE_OPTIONS),
    ), DATA_CENTER)
    params = module.params
    if params["apps"] is not None and not params["apps"]:
        module.fail_json(msg="apps is empty: name the apps the instance connects, rovo, portfolio_insights or both")
    problems = allowlist.validate_rules(params["allowlist_rules"] or [])
    if problems:
        module.fail_json(msg="Invalid allowlist rules: %s" % "; ".join(problems))
    with dc_client(module) as client:
        try:
            facts = gather(client)
            plan = None
            if params["apps"] is not None:
                plan = connection_plan(facts, params["url"], params["apps"], params["private"])
                facts["plan"] = plan[0]
            facts["checks"] = preconditions(client, facts, params["url"], params["require_cloud_connector"],
                                            params["require_admin"], params["expected_base_url"], plan)
            if params["link"] and facts["cloud_connector_supported"]:
                facts["link"] = read_link(DcConnector(client))
            if params["allowlist_rules"] is not None:
                facts["allowlist"] = allowlist.report(client, params["allowlist_rules"])
        except ApiError as exc:
            fail_api(module, exc, msg="Cannot read the product at %s" % params["url"])
        except ProductError as exc:
            fail_from_exception(module, exc)

    failed = [c["detail"] for c in facts["checks"] if not c["ok"]]
    if failed:
        module.fail_json(msg="; ".join(failed), **facts)
    module.exit_json(changed=False, **facts)


if __name__ == "__main__":
    main()

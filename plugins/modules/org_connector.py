#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: org_connector
short_description: Create, read, rotate, disable or enable the organization connector of a Data Center instance in Atlassian Cloud
version_added: 0.1.0
description:
  - Manages the organization connector that links an Atlassian Cloud organization to one Jira or Confluence Data
    Center instance (Atlassian Administration > Data management > Data sources > Connected sources).
  - V(present) creates the connector for a base URL and instance name, once; V(rotated) issues new client
    credentials (the old key stops working until the DC applies the new one); V(disabled) disables it, which the
    product allows only once every app connector (Rovo for Jira, Rovo for Confluence, Portfolio Insights) is
    removed; V(enabled) enables a disabled connector again the guide's way, by rotating its client credentials
    (no separate enable operation is documented); V(query) only reads the connector and its app connectors. A
    connector cannot be deleted.
  - Before the first write (and in every state, check mode included) the module checks the cloud side's
    preconditions and reports every one that is not met in one failure, listed in RV(checks). The organization
    must exist and the API key must read it (Get an organization by ID, scope C(read:orgs:admin)), and the key must
    manage its connectors (those endpoints document no scope, so an organization admin's API key without scopes).
  - While the connector is Interrupted, its app connectors cannot be removed or updated (the guide's status
    table), so O(state=disabled) with app connectors to remove is refused, saying so.
  - New client credentials are shown only once. They are handed over only where asked for, in a 0600 file
    (O(credentials_dest)) or in the result of a C(no_log) task (O(return_credentials)), and never appear in
    normal output, diffs or C(-vvvv) logs.
  - B(No public API exists for organization connectors.) The module calls the UI-internal endpoints of the
    collection's contract table (C(cloud.org_connectors.*), C(cloud.app_connectors.*)); override them with
    O(api_overrides) when Atlassian serves them elsewhere. Where the cloud side cannot be automated, create the
    connector in Atlassian Administration and give the DC side the credentials with
    M(dcops.atlassian_cloud.dc_cloud_connector).
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
  state:
    description:
      - V(present) creates the connector when none exists for O(base_url).
      - V(rotated) issues new client credentials; changed on every run.
      - V(disabled) disables the connector; refused, naming every remaining app connector, unless
        O(remove_app_connectors=true).
      - V(enabled) enables a disabled (Disconnected) connector by rotating its client credentials, as the guide
        re-enables one; the DC side then applies them (M(dcops.atlassian_cloud.dc_cloud_connector)).
      - V(query) changes nothing and returns the connector (or V(null)), its app connectors in
        RV(app_connectors) and the preconditions in RV(checks).
    type: str
    choices: [present, rotated, disabled, enabled, query]
    default: present
  base_url:
    description:
      - Base URL of the Data Center instance as its administration shows it (Administration > General
        configuration), context path included. Identifies the connector unless O(connector_id) is given.
      - Required with O(state=present).
    type: str
  name:
    description:
      - Instance name shown in Atlassian Administration. Required with O(state=present); used only on creation.
    type: str
  connector_id:
    description:
      - ID of the connector, instead of finding it by O(base_url).
    type: str
  remove_app_connectors:
    description:
      - With O(state=disabled), remove every app connector of the connector first (Rovo for Jira, Rovo for
        Confluence, Portfolio Insights), each listed in RV(removed_app_connectors). Refused while the connector is
        Interrupted.
    type: bool
    default: false
  credentials_dest:
    description:
      - File to write new client credentials to, as JSON (C(client_id), C(client_secret), C(connector_id),
        C(base_url), C(name)), created with mode 0600 where the module runs (the controller, for this REST
        module). Missing directories are created 0700. Written only when this run issued credentials.
      - Checked before the first write (a directory, a read-only or missing parent fails the run with nothing
        changed), and the file is created before the credentials are issued, so credentials are never issued
        that cannot be delivered.
      - M(dcops.atlassian_cloud.dc_cloud_connector) reads it with its C(credentials_file) option.
    type: path
  return_credentials:
    description:
      - Return new client credentials in RV(credentials). Allowed only on a task with C(no_log=true), so they
        cannot reach the output; register the result to use them.
    type: bool
    default: false
  wait_for:
    description:
      - After the change, wait until the connector reports this status (V(connected) once the DC has applied the
        credentials). The result reports the status it ended in; the module fails when the time runs out.
    type: str
    choices: [connected]
  wait_timeout:
    description:
      - Seconds to wait for O(wait_for).
    type: int
    default: 120
  wait_interval:
    description:
      - Seconds between status reads while waiting.
    type: float
    default: 2
notes:
  - The status names (Initialized, Connected, Disconnected, Interrupted) follow the cloud connector guide's
    "Connection status" table; the UI-internal endpoint's exact spelling is not published. A status the guide does
    not name is returned as the product sent it, never mapped to a known one; RV(status_meaning) and
    RV(next_step) say what it means and what to do (for Initialized, the Data Center step that is missing).
  - Creating or enabling a connector, or rotating its credentials, needs one of O(credentials_dest) and
    O(return_credentials); the module refuses before changing anything otherwise, since credentials are shown
    only once.
  - With O(state=present), a connector that exists but is Initialized or Interrupted while O(credentials_dest)
    holds no credentials of it (for example, the answer that carried them was lost) is reported with
    RV(credentials_missing=true) and a warning that says to run O(state=rotated).
  - When O(state=disabled) with O(remove_app_connectors=true) fails after removing app connectors, the failure
    reports C(changed=true) and the removed ones in RV(removed_app_connectors).
seealso:
  - module: dcops.atlassian_cloud.dc_cloud_connector
  - name: Configure cloud connectors
    description: Atlassian's guide the lifecycle follows.
    link: https://confluence.atlassian.com/enterprise/configure-cloud-connectors-1671463000.html
"""

EXAMPLES = r"""
- name: Create the organization connector and keep its credentials in a 0600 file
  dcops.atlassian_cloud.org_connector:
    org_id: "{{ atlassian_org_id }}"
    api_key: "{{ vault_atlassian_org_api_key }}"
    base_url: https://jira.example.com
    name: Jira production
    credentials_dest: "{{ playbook_dir }}/.credentials/jira.json"
  register: connector
  delegate_to: localhost

- name: Rotate the credentials, returned to a registered variable only
  dcops.atlassian_cloud.org_connector:
    org_id: "{{ atlassian_org_id }}"
    api_key: "{{ vault_atlassian_org_api_key }}"
    base_url: https://jira.example.com
    state: rotated
    return_credentials: true
  register: rotated
  no_log: true
  delegate_to: localhost

- name: Wait until the DC side has applied them
  dcops.atlassian_cloud.org_connector:
    org_id: "{{ atlassian_org_id }}"
    api_key: "{{ vault_atlassian_org_api_key }}"
    base_url: https://jira.example.com
    name: Jira production
    credentials_dest: "{{ playbook_dir }}/.credentials/jira.json"
    wait_for: connected
    wait_timeout: 300
  delegate_to: localhost

- name: Disable the connector, removing its app connectors first
  dcops.atlassian_cloud.org_connector:
    org_id: "{{ atlassian_org_id }}"
    api_key: "{{ vault_atlassian_org_api_key }}"
    base_url: https://jira.example.com
    state: disabled
    remove_app_connectors: true
  delegate_to: localhost
"""

RETURN = r"""
id:
  description: ID of the connector; V(null) in check mode when it would be created.
  returned: always
  type: str
  sample: 7d1f0c2e-54a3-4b8e-9d0a-3c5e2f1a6b7c
status:
  description:
    - Status of the connector after the run (after waiting, with O(wait_for)), as the guide names it; a status
      the guide does not name is returned as the product sent it.
  returned: always
  type: str
  sample: Initialized
status_meaning:
  description: What the status means, from the guide's "Connection status" table.
  returned: when the connector exists
  type: str
  sample: the connection was started but Data Center has not completed it
next_step:
  description: What to do about the status (for Initialized, the Data Center step that is missing); V(null) when Connected.
  returned: when the connector exists
  type: str
  sample: "Data Center has not completed the connection: apply the client credentials on the Data Center instance: ..."
checks:
  description: The cloud side's preconditions, all evaluated before the first write.
  returned: always
  type: list
  elements: dict
  contains:
    check:
      description: V(cloud_org) (the organization exists and the key can read it) or V(connector_access).
      type: str
    ok:
      description: Whether it is met.
      type: bool
    detail:
      description: What was found, and what to do when it is not met.
      type: str
  sample: [{check: cloud_org, ok: true, detail: organization Example (0a1b...)}]
app_connectors:
  description: The connector's app connectors (Rovo for Jira, Rovo for Confluence, Portfolio Insights).
  returned: with O(state=query)
  type: list
  elements: dict
  contains:
    id:
      description: "App connector ID."
      type: str
    name:
      description: "Its name."
      type: str
    type:
      description: "Its type (C(rovo-jira), C(rovo-confluence), C(portfolio-insights))."
      type: str
  sample: [{"id": "0b6f...", "type": "portfolio-insights", "name": "Portfolio Insights"}]
connector:
  description: The connector after the run.
  returned: always
  type: dict
  contains:
    id:
      description: "Connector ID."
      type: str
    name:
      description: "Instance name shown in Atlassian Administration."
      type: str
    base_url:
      description: "Base URL of the instance."
      type: str
    status:
      description: "C(Initialized), C(Connected), C(Interrupted) or C(Disconnected)."
      type: str
    app_connector_count:
      description: "App connectors (Rovo, Portfolio Insights) on the connector."
      type: int
  sample: {"id": "7d1f0c2e-54a3-4b8e-9d0a-3c5e2f1a6b7c", "name": "Jira production",
           "base_url": "https://jira.example.com", "status": "Connected", "app_connector_count": 0}
actions:
  description: What the run did (or would do, in check mode).
  returned: always
  type: list
  elements: str
  sample: ["create the organization connector for https://jira.example.com"]
removed_app_connectors:
  description: App connectors removed before disabling.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: "App connector ID."
      type: str
    name:
      description: "Its name (C(Rovo for Jira), ...)."
      type: str
    type:
      description: "Its type (C(rovo-jira), C(rovo-confluence), C(portfolio-insights))."
      type: str
  sample: [{"id": "0b6f...", "type": "rovo-jira", "name": "Rovo for Jira"}]
credentials_issued:
  description: Whether this run issued new client credentials.
  returned: always
  type: bool
  sample: true
credentials_missing:
  description:
    - Whether the connector exists without credentials anyone holds, as far as the module can tell (Initialized
      or Interrupted, and no credentials of it in O(credentials_dest)). Run O(state=rotated) to issue new ones.
  returned: always
  type: bool
  sample: false
credentials_fingerprint:
  description:
    - C(sha256:) fingerprint of the new credentials, the form the DC side reports, to compare without the secret.
  returned: when credentials were issued
  type: str
  sample: sha256:5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8
credentials_file:
  description: Absolute path of the file the new credentials were written to.
  returned: when credentials were issued and O(credentials_dest) is set
  type: str
  sample: /home/admin/.credentials/jira.json
credentials:
  description: The new client credentials. Only with O(return_credentials=true) on a C(no_log) task.
  returned: when credentials were issued and O(return_credentials=true)
  type: dict
  contains:
    client_id:
      description: Client ID.
      type: str
    client_secret:
      description: Client secret.
      type: str
waited:
  description: Seconds spent waiting for O(wait_for).
  returned: when O(wait_for) is set and not in check mode
  type: float
  sample: 4.1
"""

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.argspec import CLOUD_ADMIN, create_ansible_module
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.client import ApiError
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.errors import CollectionError, fail_from_exception
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.module import (
    cloud_client,
    validate_base_url,
)
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._connector import credentials as creds
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._connector.cloud import (
    OrgConnectors,
    ensure,
    preconditions,
)
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._connector.status import (
    ASSIGNED,
    INITIALIZED,
    INTERRUPTED,
    await_connected,
    meaning,
    next_step,
)


def hand_over(module, result, credentials, connector, destination):
    """Put new credentials where the user asked, and nowhere else. In check mode, say what the run would hand
    over (the credentials themselves are the product's to invent)."""
    issues = result.pop("issues_credentials")
    result["credentials_issued"] = credentials is not None or (module.check_mode and issues)
    if module.check_mode and issues:
        result["credentials_fingerprint"] = ASSIGNED
        if destination is not None:
            result["credentials_file"] = destination.path
    if credentials is None:
        return
    result["credentials_fingerprint"] = creds.public_view(credentials)["fingerprint"]
    if module.params["return_credentials"]:
        # Not added to no_log_values: that would censor the very value the user registers. The task's
        # no_log (checked in main) keeps it out of the output instead.
        result["credentials"] = dict(credentials)
    else:
        module.no_log_values.add(credentials["client_secret"])
    if destination is not None:
        result["credentials_file"] = destination.write(credentials, connector)


def check_preconditions(module, destination):
    """Everything that can be known wrong before the first write."""
    params = module.params
    if params["return_credentials"] and not module.no_log:
        module.fail_json(msg="return_credentials=true needs no_log: true on the task, so the client credentials "
                             "cannot reach the output. Use credentials_dest to keep the task's output visible.")
    for name in ("name", "connector_id"):
        if params[name] is not None and not params[name].strip():
            module.fail_json(msg="%s is empty; expected a value or leave it out" % name)
    if params["wait_timeout"] < 0 or params["wait_interval"] <= 0:
        module.fail_json(msg="wait_timeout must be 0 or more and wait_interval more than 0 seconds, got %s and %s"
                             % (params["wait_timeout"], params["wait_interval"]))
    try:
        if params["base_url"] is not None:
            validate_base_url("base_url", params["base_url"])
        if destination is not None:
            destination.check()
    except CollectionError as exc:
        fail_from_exception(module, exc)


def credentials_missing(params, state, connector, credentials):
    """A connector nobody holds working credentials of (e.g. the answer that carried them was lost)."""
    if state != "present" or credentials is not None or not connector:
        return False
    if connector["status"] not in (INITIALIZED, INTERRUPTED):
        return False
    return not (params["credentials_dest"] and creds.held_for(params["credentials_dest"], connector["id"]))


ARGUMENT_SPEC = dict(
    state=dict(type="str", choices=["present", "rotated", "disabled", "enabled", "query"], default="present"),
    base_url=dict(type="str"),
    name=dict(type="str"),
    connector_id=dict(type="str"),
    remove_app_connectors=dict(type="bool", default=False),
    credentials_dest=dict(type="path", no_log=False),
    return_credentials=dict(type="bool", default=False, no_log=False),
    wait_for=dict(type="str", choices=["connected"]),
    wait_timeout=dict(type="int", default=120),
    wait_interval=dict(type="float", default=2.0),
)


def run(module, org, destination):
    """Preconditions, the plan (applied unless in check mode), the credentials' hand-over and the wait; returns
    the result, the connector after the run and the one before."""
    params = module.params
    checks = preconditions(org)
    unmet = [c["detail"] for c in checks if not c["ok"]]
    if unmet:
        module.fail_json(msg="Preconditions not met in Atlassian Cloud, nothing was changed: %s."
                             % "; ".join(unmet), checks=checks)
    result, credentials = ensure(
        org, params["state"], base_url=params["base_url"], name=params["name"],
        connector_id=params["connector_id"], remove_app_connectors=params["remove_app_connectors"],
        check_mode=module.check_mode,
        can_receive_credentials=bool(params["credentials_dest"] or params["return_credentials"]),
        before_issuing=destination.prepare if destination is not None else None)
    result["checks"] = checks
    connector = result.pop("connector")
    before = result.pop("before")
    hand_over(module, result, credentials, connector, destination)
    result["credentials_missing"] = not result["credentials_issued"] and credentials_missing(
        params, params["state"], connector, credentials)
    if result["credentials_missing"]:
        module.warn("The organization connector for %s is %s and no credentials of it were issued by this run "
                    "or are held in credentials_dest: if the answer that carried them was lost, nobody holds "
                    "them. Run org_connector with state=rotated and credentials_dest to issue new ones."
                    % (connector["base_url"], connector["status"]))
    if params["wait_for"] and connector and not module.check_mode:
        connector, result["waited"] = await_connected(
            lambda: org.get(connector["id"]), "The organization connector for %s" % connector["base_url"],
            params["wait_timeout"], params["wait_interval"])
    return result, connector, before


def main():
    module = create_ansible_module(
        ARGUMENT_SPEC, CLOUD_ADMIN,
        required_if=[("state", "present", ("base_url", "name"))],
        required_one_of=[("base_url", "connector_id")],
    )
    params = module.params
    destination = creds.CredentialsFile(params["credentials_dest"]) if params["credentials_dest"] else None
    check_preconditions(module, destination)
    try:
        with cloud_client(module) as client:
            result, connector, before = run(module, OrgConnectors(client, params["org_id"]), destination)
    except CollectionError as exc:
        fail_from_exception(module, exc, msg="Organization connector" if isinstance(exc, ApiError) else None)
    finally:
        if destination is not None:
            destination.discard()

    result.update(id=connector["id"] if connector else None, status=connector["status"] if connector else None,
                  connector=connector)
    if connector:
        result.update(status_meaning=meaning(connector["status"]), next_step=next_step(connector["status"]))
    if module._diff:
        result["diff"] = {"before": _diff_view(before), "after": _diff_view(connector)}
    module.exit_json(**result)


def _diff_view(connector):
    if not connector:
        return {}
    return {"id": connector["id"], "base_url": connector["base_url"], "status": connector["status"]}


if __name__ == "__main__":
    main()

#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: dc_cloud_connector
short_description: Apply organization connector credentials on a Jira or Confluence Data Center instance and read its status
version_added: 0.1.0
description:
  - The Data Center side of a cloud connector (Administration > Applications > Cloud connectors).
  - With credentials (O(client_id) and O(client_secret), or O(credentials_file)), applies client credentials issued
    by the organization connector in Atlassian Cloud, for a new connector or after rotating or re-enabling it.
    Credentials already in place are detected by comparing fingerprints (C(sha256:) of the client ID and
    secret), so applying them again is C(changed=false) and the secret is never shown.
  - Without credentials, only reads which organization the instance is linked to and the connection status.
  - With O(app_connectors=absent), removes the link's app connectors (Rovo for Jira, Rovo for Confluence, Portfolio
    Insights) from the Data Center side, as the guide allows, listing each; refused while the connector is
    Interrupted, when app connectors cannot be removed or updated.
  - B(No public API exists for the DC cloud connector page.) The module calls the UI-internal
    C(dc.cloud_connector.*) endpoints of the collection's contract table; override them with O(api_overrides)
    when a product version serves them elsewhere.
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
  client_id:
    description:
      - Client ID of the organization connector's credentials. Use with O(client_secret).
    type: str
  client_secret:
    description:
      - Client secret of the organization connector's credentials, for example from a vaulted variable when a cloud
        administrator sent them. Never returned or logged.
    type: str
  credentials_file:
    description:
      - JSON file with C(client_id) and C(client_secret), as written by M(dcops.atlassian_cloud.org_connector)'s
        C(credentials_dest), read where the module runs (the controller). Instead of O(client_id) and O(client_secret).
    type: path
  app_connectors:
    description:
      - V(ignore) does not look at the link's app connectors; V(read) returns them in RV(app_connectors);
        V(absent) removes each of them from the Data Center side (refused while the connector is Interrupted),
        listed in RV(removed_app_connectors).
    type: str
    choices: [ignore, read, absent]
    default: ignore
  wait_for:
    description:
      - After applying, wait until the instance reports this status; the module fails, naming the status it ended
        in, when the time runs out.
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
  - Status names follow the cloud connector guide (Connected, Disconnected, Interrupted; Initialized is cloud only);
    the UI-internal endpoint's exact spelling is not published. An instance that never applied credentials reports
    V(Not configured). A status the guide does not name is returned as the product sent it.
seealso:
  - module: dcops.atlassian_cloud.org_connector
"""

EXAMPLES = r"""
- name: Apply the credentials the organization connector wrote to a file
  dcops.atlassian_cloud.dc_cloud_connector:
    url: https://jira.example.com
    user: admin
    password: "{{ vault_jira_admin_password }}"
    credentials_file: "{{ playbook_dir }}/.credentials/jira.json"
    wait_for: connected
  delegate_to: localhost

- name: Apply credentials a cloud administrator sent, kept in the vault
  dcops.atlassian_cloud.dc_cloud_connector:
    url: https://wiki.example.com/confluence
    token: "{{ vault_confluence_pat }}"
    client_id: "{{ vault_confluence_connector.client_id }}"
    client_secret: "{{ vault_confluence_connector.client_secret }}"
  delegate_to: localhost

- name: Read the status
  dcops.atlassian_cloud.dc_cloud_connector:
    url: https://jira.example.com
    token: "{{ vault_jira_pat }}"
  register: link
  delegate_to: localhost

- name: Remove the app connectors from the Data Center side before disabling the connector
  dcops.atlassian_cloud.dc_cloud_connector:
    url: https://jira.example.com
    token: "{{ vault_jira_pat }}"
    app_connectors: absent
  delegate_to: localhost
"""

RETURN = r"""
linked:
  description: Whether the instance holds credentials of an organization connector.
  returned: always
  type: bool
  sample: true
status:
  description: Connection status (Connected, Disconnected, Interrupted), or V(Not configured).
  returned: always
  type: str
  sample: Connected
org_id:
  description: ID of the linked Atlassian Cloud organization.
  returned: when linked
  type: str
  sample: 0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d
connector_id:
  description: ID of the organization connector the instance is linked through.
  returned: when linked
  type: str
  sample: 7d1f0c2e-54a3-4b8e-9d0a-3c5e2f1a6b7c
fingerprint:
  description: C(sha256:) fingerprint of the credentials in place; never the secret.
  returned: when linked
  type: str
  sample: sha256:5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8
connected_at:
  description: When the credentials in place were applied.
  returned: when linked
  type: str
  sample: "2026-01-12T09:30:00.000Z"
status_meaning:
  description: What the status means, from the guide's "Connection status" table.
  returned: always
  type: str
  sample: the connection is established
app_connectors:
  description: The link's app connectors after the run.
  returned: with O(app_connectors=read) or O(app_connectors=absent)
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
  sample: []
removed_app_connectors:
  description: App connectors removed (in check mode, that would be removed) from the Data Center side.
  returned: with O(app_connectors=absent)
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
      description: "Its type."
      type: str
  sample: [{"id": "0b6f...", "type": "rovo-jira", "name": "Rovo for Jira"}]
waited:
  description: Seconds spent waiting for O(wait_for).
  returned: when O(wait_for) is set and not in check mode
  type: float
  sample: 0.0
"""

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.argspec import DATA_CENTER, create_ansible_module
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.client import ApiError
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.errors import fail_from_exception
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.module import (
    dc_client,
    fail_api,
)
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._connector import credentials as creds
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._connector.dc import (
    DcConnector,
    ensure_applied,
    link_report,
    remove_apps,
)
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._connector.status import (
    ASSIGNED,
    WHEN_ACCEPTED,
    StatusError,
    await_connected,
)


ARGUMENT_SPEC = dict(
    client_id=dict(type="str"),
    client_secret=dict(type="str", no_log=True),
    credentials_file=dict(type="path"),
    app_connectors=dict(type="str", choices=["ignore", "read", "absent"], default="ignore"),
    wait_for=dict(type="str", choices=["connected"]),
    wait_timeout=dict(type="int", default=120),
    wait_interval=dict(type="float", default=2.0),
)


def given_credentials(module):
    """The client credentials to apply, from the file or the two options; None when the run only reads."""
    params = module.params
    if params["credentials_file"]:
        try:
            credentials = creds.read_file(params["credentials_file"])
        except creds.CredentialsError as exc:
            fail_from_exception(module, exc)
        module.no_log_values.add(credentials["client_secret"])
        return credentials
    if params["client_id"]:
        return {"client_id": params["client_id"], "client_secret": params["client_secret"]}
    return None


def main():
    module = create_ansible_module(
        ARGUMENT_SPEC, DATA_CENTER,
        mutually_exclusive=[("client_id", "credentials_file"), ("client_secret", "credentials_file")],
        required_together=[("client_id", "client_secret")],
    )
    params = module.params
    credentials = given_credentials(module)
    with dc_client(module) as client:
        dc = DcConnector(client)
        result = {}
        try:
            if credentials is None:
                connection, before, changed = dc.get(), None, False
            else:
                applied = ensure_applied(dc, credentials, module.check_mode)
                connection, before, changed = applied["connection"], applied["before"], applied["changed"]
            if params["app_connectors"] == "absent":
                result["removed_app_connectors"] = remove_apps(dc, connection, module.check_mode)
                changed = changed or bool(result["removed_app_connectors"])
                result["app_connectors"] = [] if module.check_mode or connection is None else dc.apps()
            elif params["app_connectors"] == "read":
                result["app_connectors"] = dc.apps() if connection is not None else []
            if params["wait_for"] and connection is not None and not module.check_mode:
                connection, result["waited"] = await_connected(
                    dc.get, "The cloud connector of %s" % params["url"], params["wait_timeout"], params["wait_interval"])
        except ApiError as exc:
            fail_api(module, exc, msg="Cloud connector of %s" % params["url"])
        except StatusError as exc:
            fail_from_exception(module, exc, changed=changed, **result)

    if changed and module.check_mode and credentials is not None:
        connection = predicted_connection(connection, credentials, params["credentials_file"])
    result.update(link_report(connection))
    result["changed"] = changed
    if module._diff and (credentials is not None or params["app_connectors"] == "absent"):
        result["diff"] = {"before": _diff_view(link_report(before if credentials is not None else connection)),
                          "after": _diff_view(link_report(connection))}
        if params["app_connectors"] == "absent":
            result["diff"]["before"]["app_connectors"] = sorted(
                a["name"] or a["type"] for a in result["removed_app_connectors"] + result["app_connectors"])
            result["diff"]["after"]["app_connectors"] = sorted(a["name"] or a["type"] for a in result["app_connectors"])
    module.exit_json(**result)


def predicted_connection(connection, credentials, credentials_file):
    """What the instance reports once it has applied `credentials`: their fingerprint, the connector they
    belong to (the credentials file names it), and the status and link details the organization decides."""
    connector_id = creds.connector_of(credentials_file) if credentials_file else None
    before = connection or {}
    same_link = connector_id is not None and before.get("connector_id") == connector_id
    return {"status": WHEN_ACCEPTED,
            "org_id": before.get("org_id") if same_link else ASSIGNED,
            "connector_id": connector_id or ASSIGNED,
            "fingerprint": creds.fingerprint(credentials["client_id"], credentials["client_secret"]),
            "connected_at": ASSIGNED}


def _diff_view(shown):
    return dict((k, shown[k]) for k in ("linked", "status", "connector_id", "fingerprint") if k in shown)


if __name__ == "__main__":
    main()

# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The DC side of a cloud connector (Administration > Applications > Cloud connectors): which organization
the instance is linked to, its status, and applying client credentials.

No public REST contract exists: calls go through the UI-internal ``dc.cloud_connector.*`` entries of the
contract table. The endpoint reports a fingerprint of the credentials it holds, so the module can tell that
the credentials given are already in place without the secret ever being shown.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._connector.credentials import fingerprint
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._connector.status import (
    NOT_CONFIGURED,
    label,
    meaning,
    refuse_app_changes_while_interrupted,
)


def connection_view(body):
    return {"status": label(body.get("status")), "org_id": body.get("orgId"),
            "connector_id": body.get("connectorId"), "client_id": body.get("clientId"),
            "fingerprint": body.get("credentialFingerprint"), "connected_at": body.get("connectedAt")}


def link_report(connection):
    """What the modules report of the instance's link: never the client ID (the fingerprint says which
    credentials are held)."""
    if connection is None:
        return {"linked": False, "status": NOT_CONFIGURED, "status_meaning": meaning(NOT_CONFIGURED)}
    shown = dict((k, connection[k]) for k in ("status", "org_id", "connector_id", "fingerprint", "connected_at"))
    shown.update(linked=True, status_meaning=meaning(connection["status"]))
    return shown


def read_link(dc):
    """The instance's link and, when it is linked, its app connectors: what dc_cloud_connector reports without
    credentials and with app_connectors=read."""
    connection = dc.get()
    return dict(link_report(connection), app_connectors=dc.apps() if connection is not None else [])


class DcConnector:
    """The cloud connector page of one DC instance through an ApiClient."""

    def __init__(self, client):
        self.client = client

    def get(self):
        """The linked organization, or None when the instance has never applied credentials."""
        response = self.client.call("dc.cloud_connector.get", allow=(404,))
        return None if response.status_code == 404 else connection_view(response.json())

    def apps(self):
        """App connectors of the linked organization connector, as the DC Cloud connectors page lists them."""
        body = self.client.call("dc.cloud_connector.apps").json()
        return [{"id": a.get("id"), "type": a.get("type"), "name": a.get("name")} for a in body.get("apps") or []]

    def delete_app(self, app_id):
        self.client.call("dc.cloud_connector.apps.delete", path_params={"app_id": app_id}, expect=(200, 204))

    def apply(self, credentials):
        body = {"clientId": credentials["client_id"], "clientSecret": credentials["client_secret"]}
        return connection_view(self.client.call("dc.cloud_connector.apply", json=body).json())


def ensure_applied(dc, credentials, check_mode=False):
    """Apply `credentials` unless the instance already holds exactly these (same fingerprint).

    Returns ``{"changed", "before", "connection"}``; ``connection`` is None only in check mode on an
    instance that was never linked.
    """
    before = dc.get()
    wanted = fingerprint(credentials["client_id"], credentials["client_secret"])
    if before is not None and before["fingerprint"] == wanted:
        return {"changed": False, "before": before, "connection": before}
    if check_mode:
        return {"changed": True, "before": before, "connection": before}
    return {"changed": True, "before": before, "connection": dc.apply(credentials)}


def remove_apps(dc, connection, check_mode=False):
    """Remove every app connector of the link from the Data Center side, as the guide allows; returns the removed
    ones, in order. Refused while the connector is Interrupted (app connectors cannot be removed then)."""
    apps = dc.apps() if connection is not None else []
    if apps:
        refuse_app_changes_while_interrupted(connection["status"], "remove the app connectors %s" % ", ".join(
            "%s (%s)" % (a["name"] or a["type"], a["id"]) for a in apps))
    for app in apps:
        if not check_mode:
            dc.delete_app(app["id"])
    return apps

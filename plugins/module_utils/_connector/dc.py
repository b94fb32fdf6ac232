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
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._connector.status import label


def connection_view(body):
    return {"status": label(body.get("status")), "org_id": body.get("orgId"),
            "connector_id": body.get("connectorId"), "client_id": body.get("clientId"),
            "fingerprint": body.get("credentialFingerprint"), "connected_at": body.get("connectedAt")}


class DcConnector:
    """The cloud connector page of one DC instance through an ApiClient."""

    def __init__(self, client):
        self.client = client

    def get(self):
        """The linked organization, or None when the instance has never applied credentials."""
        response = self.client.call("dc.cloud_connector.get", allow=(404,))
        return None if response.status_code == 404 else connection_view(response.json())

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

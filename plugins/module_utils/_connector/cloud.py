# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The organization connector, cloud side (Atlassian Administration > Data management > Data sources >
Connected sources).

Atlassian publishes no REST contract for it: every call goes through the UI-internal
``cloud.org_connectors.*`` and ``cloud.app_connectors.*`` entries of the contract table, which users can
override. The lifecycle follows the cloud connector guide: a connector is created once per DC base URL and never
deleted; it can be disabled only after every app
connector is removed, and is enabled again the guide's way, by rotating its credentials and applying them on the DC
side (no separate enable operation is documented); rotating credentials replaces the key the DC holds. While a
connector is Interrupted its app connectors cannot be removed or updated.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._connector import credentials as creds
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._connector.status import (
    ASSIGNED,
    DISCONNECTED,
    INITIALIZED,
    after_issuing,
    label,
    refuse_app_changes_while_interrupted,
)
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.client import ApiError
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.errors import CollectionError
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.urls import normalize_base_url


class ConnectorError(CollectionError):
    """A request the product would refuse, or a connector that cannot be found; the text says what to do."""


def connector_view(body):
    """The API's connector representation -> the module's (snake case, status as the guide names it)."""
    return {"id": body.get("id"), "name": body.get("name"), "base_url": body.get("baseUrl"),
            "status": label(body.get("status")), "app_connector_count": body.get("appConnectorCount")}


def app_view(body):
    return {"id": body.get("id"), "type": body.get("type"), "name": body.get("name")}


class OrgConnectors:
    """The organization connectors of one org through an ApiClient on api.atlassian.com."""

    def __init__(self, client, org_id):
        self.client = client
        self.org_id = org_id
        self._listed = None  # the connector list, read once per run until something is written

    def _params(self, connector_id=None, **extra):
        params = {"org_id": self.org_id}
        if connector_id is not None:
            params["connector_id"] = connector_id
        params.update(extra)
        return params

    def list(self):
        if self._listed is None:
            self._listed = [connector_view(item) for item in
                            self.client.paginate_cursor("cloud.org_connectors.list", path_params=self._params())]
        return self._listed

    def organization(self):
        """``(status, name)`` of GET cloud.org: 200 with the org's name, or the status that refused it."""
        response = self.client.call("cloud.org", path_params=self._params(), allow=(401, 403, 404))
        if response.status_code != 200:
            return response.status_code, None
        return 200, ((response.json().get("data") or {}).get("attributes") or {}).get("name")

    def get(self, connector_id):
        response = self.client.call("cloud.org_connectors.get", path_params=self._params(connector_id),
                                    allow=(404,))
        return None if response.status_code == 404 else connector_view(response.json())

    def find(self, connector_id=None, base_url=None):
        if connector_id:
            return self.get(connector_id)
        wanted = normalize_base_url(base_url)
        for connector in self.list():
            if normalize_base_url(connector["base_url"]) == wanted:
                return connector
        return None

    def create(self, base_url, name):
        self._listed = None
        body = self.client.call("cloud.org_connectors.create", path_params=self._params(),
                                json={"baseUrl": base_url, "name": name}, expect=(200, 201)).json()
        return connector_view(body), creds.from_api(body.get("credentials"))

    def rotate(self, connector_id):
        body = self.client.call("cloud.org_connectors.rotate", path_params=self._params(connector_id)).json()
        return creds.from_api(body)

    def disable(self, connector_id):
        return connector_view(
            self.client.call("cloud.org_connectors.disable", path_params=self._params(connector_id)).json())

    def apps(self, connector_id):
        return [app_view(item) for item in
                self.client.paginate_cursor("cloud.app_connectors.list", path_params=self._params(connector_id))]

    def delete_app(self, connector_id, app_id):
        self.client.call("cloud.app_connectors.delete", path_params=self._params(connector_id, app_id=app_id),
                         expect=(200, 204))


ORG_REFUSALS = {
    401: "the organization API key was not accepted (HTTP 401): it is revoked, expired or mistyped; create one in "
         "Atlassian Administration > Settings > API keys",
    403: "the API key cannot read organization %s (HTTP 403): it was issued for another organization, or it has scopes "
         "without read:orgs:admin; use a key of this organization",
    404: "no organization %s is visible to this API key (HTTP 404): check org_id (it is in the Atlassian "
         "Administration URL) and that the key was issued for that organization",
}


def preconditions(org):
    """The cloud side's preconditions, each ``{"check", "ok", "detail"}``, all evaluated before any write: the
    organization exists and the key can read it (Get an organization by ID, scope read:orgs:admin), and the key can
    manage its organization connectors (UI-internal endpoints that document no scope: a key without scopes)."""
    status, name = org.organization()
    if status == 200:
        checks = [{"check": "cloud_org", "ok": True, "detail": "organization %s (%s)" % (name, org.org_id)}]
    else:
        refusal = ORG_REFUSALS[status]
        checks = [{"check": "cloud_org", "ok": False, "detail": refusal % org.org_id if "%s" in refusal else refusal}]
        if status == 401:
            return checks
    try:
        org.list()
        checks.append({"check": "connector_access", "ok": True,
                       "detail": "the API key can manage the organization's connectors"})
    except ApiError as exc:
        if exc.status not in (401, 403, 404):
            raise
        checks.append({"check": "connector_access", "ok": False, "detail": (
            "the API key cannot manage the organization's connectors (HTTP %s from Data management > Data sources): "
            "these endpoints document no scope, so use an organization admin's API key without scopes"
            % exc.status)})
    return checks


def describe_apps(apps):
    return ", ".join("%s (%s)" % (app["name"] or app["type"], app["id"]) for app in apps)


def ensure(org, state, base_url=None, name=None, connector_id=None, remove_app_connectors=False,
           check_mode=False, can_receive_credentials=True, before_issuing=None):
    """Bring the connector to `state`; returns ``(result, credentials)``.

    `result` holds changed, connector (after), before, actions and removed_app_connectors. `credentials` is
    the new ``{"client_id", "client_secret"}`` when this run issued some (create, rotate, enable), else None.
    With `state` query nothing is written; the result also lists the app connectors.
    In check mode nothing is written and no credentials are issued; `connector` is then the connector as the
    write would leave it (values the product assigns named as such), and ``issues_credentials`` says whether
    the real run would issue credentials. Unless `can_receive_credentials`, an
    action that would issue credentials is refused before anything changes (they are shown only once);
    `before_issuing()` runs just before such an action and raises when the credentials could not be delivered.
    """
    def issuing(what):
        if not can_receive_credentials:
            raise ConnectorError("Refusing to %s: the new client credentials would be lost. Set credentials_dest, "
                                 "or return_credentials=true on a no_log task." % what)
        if before_issuing is not None and not check_mode:
            before_issuing()

    connector = org.find(connector_id=connector_id, base_url=base_url)
    before = dict(connector) if connector else None
    result = {"changed": False, "before": before, "actions": [], "removed_app_connectors": [],
              "issues_credentials": False}

    if state == "query":
        result["connector"] = connector
        result["app_connectors"] = org.apps(connector["id"]) if connector else []
        return result, None
    if state == "present":
        return _present(org, connector, base_url, name, result, issuing, check_mode)
    if connector is None:
        raise ConnectorError("No organization connector %s exists in the organization; create it with "
                             "state=present first." % ("with id %s" % connector_id if connector_id
                                                       else "for %s" % base_url))
    credentials = None
    if state == "rotated":
        connector, credentials = _rotate(org, connector, result, issuing, check_mode, "rotate the client credentials",
                                         "rotate the client credentials")
    elif state == "enabled":
        # The guide re-enables a disabled connector by rotating its credentials and applying them on the DC side.
        if connector["status"] == DISCONNECTED:
            connector, credentials = _rotate(org, connector, result, issuing, check_mode, "enable the connector",
                                             "enable the connector by rotating its client credentials")
    elif state == "disabled":
        if connector["status"] != DISCONNECTED:
            connector = _disable_with_apps(org, connector, remove_app_connectors, result, check_mode)
    else:
        raise ValueError(state)

    if result["changed"] and not check_mode:
        connector = org.get(connector["id"]) or connector
    result["connector"] = connector
    return result, credentials


def _present(org, connector, base_url, name, result, issuing, check_mode):
    """Create the connector when there is none for `base_url`; an existing one is left as it is."""
    credentials = None
    if connector is None:
        issuing("create the organization connector for %s" % base_url)
        result["actions"].append("create the organization connector for %s" % base_url)
        result.update(changed=True, issues_credentials=True)
        if check_mode:
            connector = {"id": ASSIGNED, "name": name, "base_url": base_url, "status": INITIALIZED,
                         "app_connector_count": 0}
        else:
            connector, credentials = org.create(base_url, name)
    result["connector"] = connector
    return result, credentials


def _rotate(org, connector, result, issuing, check_mode, what, action):
    """Issue new client credentials (a rotation, or the guide's way to re-enable); check mode predicts the status.
    `what` names the step in a refusal, `action` in the result's actions."""
    issuing(what)
    result["actions"].append(action)
    result.update(changed=True, issues_credentials=True)
    if check_mode:
        return dict(connector, status=after_issuing(connector["status"])), None
    return connector, org.rotate(connector["id"])


def _disable_with_apps(org, connector, remove_app_connectors, result, check_mode):
    """Disable, refused while app connectors remain unless they may be removed first (never while Interrupted)."""
    apps = org.apps(connector["id"])
    if apps and not remove_app_connectors:
        raise ConnectorError(
            "The organization connector for %s cannot be disabled while app connectors remain: %s. "
            "Remove them first (Atlassian Administration > Data management > Data sources > Connected "
            "sources), or set remove_app_connectors=true." % (connector["base_url"], describe_apps(apps)))
    if apps:
        refuse_app_changes_while_interrupted(
            connector["status"], "remove the app connectors %s" % describe_apps(apps))
    _disable(org, connector, apps, result, check_mode)
    if check_mode:
        return dict(connector, status=DISCONNECTED, app_connector_count=0)
    return connector


def _disable(org, connector, apps, result, check_mode):
    """Remove the app connectors, then disable; a failure on the way says what was already removed."""
    removed = result["removed_app_connectors"]
    try:
        for app in apps:
            result["actions"].append("remove app connector %s (%s)" % (app["name"] or app["type"], app["id"]))
            if not check_mode:
                org.delete_app(connector["id"], app["id"])
            removed.append(app)
        result["actions"].append("disable the connector")
        result["changed"] = True
        if not check_mode:
            org.disable(connector["id"])
    except CollectionError as exc:
        if not removed:
            raise
        raise ConnectorError(
            "Disabling the organization connector for %s failed after removing %d app connector(s): %s. %s. "
            "Run again to finish; the removed app connectors must be added again by hand if they are wanted."
            % (connector["base_url"], len(removed), describe_apps(removed), exc),
            changed=True, removed_app_connectors=list(removed), actions=list(result["actions"]),
            id=connector["id"])

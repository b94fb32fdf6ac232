"""Cloud connectors, both sides, linked: the organization connector (cloud persona, Atlassian Administration >
Data management > Data sources > Connected sources) and the DC "Cloud connectors" page (jira, confluence).

Neither side has a public REST contract; the shapes here are the ones in the collection's contract table
(``cloud.org_connectors.*``, ``cloud.app_connectors.*``, ``dc.cloud_connector.*``). Behaviour follows the
cloud connector guide:

- a new connector is Initialized (cloud only) until a DC applies its client credentials: then both sides
  are Connected;
- rotating issues a new secret; a DC still holding the old one is Interrupted until it applies the new one;
- a connector cannot be deleted, only disabled (Disconnected on both sides), and only once every app
  connector is removed; the guide re-enables it by rotating its credentials and applying them on the DC side
  (no separate enable operation is documented, so none is served);
- while a connector is Interrupted its app connectors "may keep working but cannot be removed or updated": removing
  one answers 409, from either side;
- app connectors can be removed from the cloud or from Data Center, as the guide allows;
- ``POST /_sandbox/cloud-connectors/{id}/interrupt`` (cloud persona) forces Interrupted until credentials are
  applied again, standing in for a broken link; a ``reportedStatus`` in a connector's state (seeded by tests)
  replaces the status both sides report, standing in for a status the guide does not name.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
import uuid
from urllib.parse import urlsplit

from aiohttp import web

from ..auth import ADMIN, ORG, cloud_error, dc_error, requires
from ..personas import ORG_ID

KINDS = {"jira", "confluence", "cloud"}
AREA = "cloud_connector"
APP_TYPES = {"rovo-jira": "Rovo for Jira", "rovo-confluence": "Rovo for Confluence",
             "portfolio-insights": "Portfolio Insights"}


def initial_state(persona):
    if persona.kind == "cloud":
        return {"connectors": {}, "apps": {}}
    return {"connection": None}


def _now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _same(a, b):
    return hmac.compare_digest(str(a or ""), str(b or ""))


def _normal_url(url):
    """The instance a base URL names, as URLs compare (RFC 3986): scheme and host in any case, the scheme's default
    port or none, a trailing slash or none; the path as written (a context path is case-sensitive on Tomcat)."""
    parts = urlsplit((url or "").strip())
    try:
        port = parts.port
    except ValueError:  # a port that is not a number: compared as written
        return (url or "").strip().rstrip("/")
    port = port if port not in (None, {"https": 443, "http": 80}.get(parts.scheme.lower())) else None
    host = (parts.hostname or "") + (":%d" % port if port else "")
    return "%s://%s%s" % (parts.scheme.lower(), host, parts.path.rstrip("/"))


def _fingerprint(client_id, client_secret):
    return "sha256:" + hashlib.sha256(f"{client_id}:{client_secret}".encode()).hexdigest()


def _linked_dc(sandbox, connector_id):
    """(persona, connection) of every DC persona holding credentials of this connector."""
    found = []
    for persona in sandbox.personas:
        if persona.is_dc:
            connection = persona.state.get(AREA, {}).get("connection")
            if connection and connection["connectorId"] == connector_id:
                found.append((persona, connection))
    return found


def _credentials_current(connector, connection):
    return _same(connection["clientId"], connector["clientId"]) and _same(
        connection["clientSecret"], connector["clientSecret"])


def cloud_status(sandbox, connector):
    if connector.get("reportedStatus"):
        return connector["reportedStatus"]
    if not connector["enabled"]:
        return "DISCONNECTED"
    linked = _linked_dc(sandbox, connector["id"])
    if not linked:
        return "INITIALIZED"
    if connector.get("interrupted"):
        return "INTERRUPTED"
    if any(_credentials_current(connector, connection) for _p, connection in linked):
        return "CONNECTED"
    return "INTERRUPTED"


def dc_status(connector, connection):
    if connector is None:
        return "INTERRUPTED"
    if connector.get("reportedStatus"):
        return connector["reportedStatus"]
    if not connector["enabled"]:
        return "DISCONNECTED"
    if connector.get("interrupted") or not _credentials_current(connector, connection):
        return "INTERRUPTED"
    return "CONNECTED"


def remove_app(sandbox, connector, app_id):
    """Remove an app connector of `connector`; None, or the (status, message) the product refuses with."""
    apps = sandbox.cloud.state[AREA]["apps"][connector["id"]]
    if not any(a["id"] == app_id for a in apps):
        return 404, "App connector not found"
    if cloud_status(sandbox, connector) == "INTERRUPTED":
        return 409, ("The organization connector is Interrupted: its app connectors cannot be removed or updated "
                     "until the connection is restored.")
    sandbox.cloud.state[AREA]["apps"][connector["id"]] = [a for a in apps if a["id"] != app_id]
    return None


def routes(persona):
    if persona.kind == "cloud":
        return _cloud_routes(persona)
    return _dc_routes(persona)


def _cloud_routes(persona):
    base = "/admin/v1/orgs/{org_id}/connected-sources/connectors"

    def state():  # looked up on each call: the state dict is replaced on reset
        return persona.state[AREA]

    def connector_repr(connector):
        return {"id": connector["id"], "name": connector["name"], "baseUrl": connector["baseUrl"],
                "status": cloud_status(persona.sandbox, connector), "createdAt": connector["createdAt"],
                "appConnectorCount": len(state()["apps"].get(connector["id"], []))}

    def new_secret(connector):
        connector["clientSecret"] = "ccs_" + secrets.token_urlsafe(32)
        connector["interrupted"] = False
        return {"clientId": connector["clientId"], "clientSecret": connector["clientSecret"]}

    def lookup(request):
        """(connector, None) or (None, error response)."""
        if request.match_info["org_id"] != ORG_ID:
            return None, cloud_error(404, "Organization not found")
        connector = state()["connectors"].get(request.match_info.get("connector_id"))
        if connector is None:
            return None, cloud_error(404, "Connector not found")
        return connector, None

    @requires(ORG)
    async def list_connectors(request):
        if request.match_info["org_id"] != ORG_ID:
            return cloud_error(404, "Organization not found")
        data = [connector_repr(c) for c in sorted(state()["connectors"].values(), key=lambda c: c["createdAt"])]
        return web.json_response({"data": data, "links": {}})

    @requires(ORG)
    async def create(request):
        if request.match_info["org_id"] != ORG_ID:
            return cloud_error(404, "Organization not found")
        body = await request.json()
        base_url, name = (body.get("baseUrl") or "").strip(), (body.get("name") or "").strip()
        if not base_url.startswith(("https://", "http://")) or not name:
            return cloud_error(400, "Enter the instance's base URL (http:// or https://) and a name.")
        if any(_normal_url(c["baseUrl"]) == _normal_url(base_url) for c in state()["connectors"].values()):
            return cloud_error(409, f"A connector for {base_url} already exists in this organization.")
        connector = {"id": str(uuid.uuid4()), "name": name, "baseUrl": base_url.rstrip("/"), "enabled": True,
                     "clientId": "cc_" + secrets.token_hex(12), "createdAt": _now()}
        credentials = new_secret(connector)
        state()["connectors"][connector["id"]] = connector
        state()["apps"][connector["id"]] = []
        return web.json_response(dict(connector_repr(connector), credentials=credentials), status=201)

    @requires(ORG)
    async def get(request):
        connector, error = lookup(request)
        return error or web.json_response(connector_repr(connector))

    @requires(ORG)
    async def rotate(request):
        connector, error = lookup(request)
        if error:
            return error
        # The guide rotates credentials to reconnect a disabled connector, so rotation also re-enables.
        connector["enabled"] = True
        return web.json_response(new_secret(connector))

    @requires(ORG)
    async def disable(request):
        connector, error = lookup(request)
        if error:
            return error
        if state()["apps"].get(connector["id"]):
            return cloud_error(409, "Remove all app connectors from this organization connector before "
                                    "disabling it.")
        connector["enabled"] = False
        return web.json_response(connector_repr(connector))

    @requires(ORG)
    async def list_apps(request):
        connector, error = lookup(request)
        return error or web.json_response({"data": state()["apps"][connector["id"]], "links": {}})

    @requires(ORG)
    async def create_app(request):
        connector, error = lookup(request)
        if error:
            return error
        body = await request.json()
        app_type = body.get("type")
        if app_type not in APP_TYPES:
            return cloud_error(400, f"Unknown app type {app_type!r}; expected one of {sorted(APP_TYPES)}.")
        if cloud_status(persona.sandbox, connector) != "CONNECTED":
            return cloud_error(409, "Apps can be connected only through a Connected organization connector.")
        app = {"id": str(uuid.uuid4()), "type": app_type, "name": APP_TYPES[app_type], "createdAt": _now()}
        state()["apps"][connector["id"]].append(app)
        return web.json_response(app, status=201)

    @requires(ORG)
    async def delete_app(request):
        connector, error = lookup(request)
        if error:
            return error
        refusal = remove_app(persona.sandbox, connector, request.match_info["app_id"])
        return cloud_error(*refusal) if refusal else web.Response(status=204)

    async def interrupt(request):
        connector = state()["connectors"].get(request.match_info["connector_id"])
        if connector is None:
            return web.json_response({"message": "no such connector"}, status=404)
        connector["interrupted"] = True
        return web.json_response(connector_repr(connector))

    one = base + "/{connector_id}"
    return [
        web.get(base, list_connectors),
        web.post(base, create),
        web.get(one, get),
        web.post(one + "/credentials/rotate", rotate),
        web.post(one + "/disable", disable),
        web.get(one + "/apps", list_apps),
        web.post(one + "/apps", create_app),
        web.delete(one + "/apps/{app_id}", delete_app),
        web.post("/_sandbox/cloud-connectors/{connector_id}/interrupt", interrupt),
    ]


def _dc_routes(persona):
    def state():  # looked up on each call: the state dict is replaced on reset
        return persona.state[AREA]

    def cloud_connectors():
        return persona.sandbox.cloud.state[AREA]["connectors"]

    def connection_repr(connection):
        connector = cloud_connectors().get(connection["connectorId"])
        return {"status": dc_status(connector, connection), "orgId": connection["orgId"],
                "connectorId": connection["connectorId"], "clientId": connection["clientId"],
                "credentialFingerprint": _fingerprint(connection["clientId"], connection["clientSecret"]),
                "connectedAt": connection["appliedAt"]}

    @requires(ADMIN)
    async def get(request):
        connection = state()["connection"]
        if connection is None:
            return dc_error(404, "No cloud organization is linked to this instance.")
        return web.json_response(connection_repr(connection))

    @requires(ADMIN)
    async def apply(request):
        body = await request.json()
        client_id, client_secret = body.get("clientId"), body.get("clientSecret")
        if not client_id or not client_secret:
            return dc_error(400, "Paste the client credentials from Atlassian Administration.")
        connector = next((c for c in cloud_connectors().values() if _same(c["clientId"], client_id)), None)
        if connector is None or not _same(connector["clientSecret"], client_secret):
            return dc_error(400, "The client credentials are not valid. Copy them again from Atlassian "
                                 "Administration, or rotate them there.")
        if not connector["enabled"]:
            return dc_error(400, "The organization connector is disabled. Enable it or rotate its credentials "
                                 "in Atlassian Administration.")
        if _normal_url(connector["baseUrl"]) != _normal_url(persona.base_url):
            return dc_error(400, f"These client credentials were issued for {connector['baseUrl']}, not for this "
                                 f"instance ({persona.base_url}).")
        connector["interrupted"] = False
        state()["connection"] = {"orgId": ORG_ID, "connectorId": connector["id"], "clientId": client_id,
                                 "clientSecret": client_secret, "appliedAt": _now()}
        return web.json_response(connection_repr(state()["connection"]))

    def linked_connector():
        connection = state()["connection"]
        return cloud_connectors().get(connection["connectorId"]) if connection else None

    @requires(ADMIN)
    async def list_apps(request):
        connector = linked_connector()
        if connector is None:
            return dc_error(404, "No cloud organization is linked to this instance.")
        apps = persona.sandbox.cloud.state[AREA]["apps"].get(connector["id"], [])
        return web.json_response({"apps": apps})

    @requires(ADMIN)
    async def delete_app(request):
        connector = linked_connector()
        if connector is None:
            return dc_error(404, "No cloud organization is linked to this instance.")
        refusal = remove_app(persona.sandbox, connector, request.match_info["app_id"])
        return dc_error(*refusal) if refusal else web.Response(status=204)

    return [
        web.get(persona.path("/rest/cloud-connector/1.0/connection"), get),
        web.put(persona.path("/rest/cloud-connector/1.0/connection"), apply),
        web.get(persona.path("/rest/cloud-connector/1.0/connection/apps"), list_apps),
        web.delete(persona.path("/rest/cloud-connector/1.0/connection/apps/{app_id}"), delete_app),
    ]

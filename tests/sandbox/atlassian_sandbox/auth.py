"""Authentication as the products enforce it: 401 without valid credentials, 403 for non-admins."""

from __future__ import annotations

import base64
import functools

from aiohttp import web

from .personas import DC_ADMIN, DC_ADMIN_PAT, DC_USER, DIRECTORY_API_KEY, DIRECTORY_ID, ORG_API_KEY, ORG_ID

ANONYMOUS = "anonymous"
USER = "user"
ADMIN = "admin"
ORG = "org"
SCIM = "scim"

# Organization API keys as Atlassian Administration issues them (Settings > API keys). "API keys allow you to
# manage your organization through the admin APIs ... You can create an API key with or without scopes. Scopes
# allow you to choose the actions an API key can perform" (support.atlassian.com, manage-an-organization-with-the-
# admin-apis); an operation that supports no scope needs a key without scopes (AX-712). scopes None: without scopes.
OTHER_ORG_ID = "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a"
SCOPED_ORG_API_KEY = "sandbox-org-api-key-scoped"
UNREADABLE_ORG_API_KEY = "sandbox-org-api-key-no-org-scope"
OTHER_ORG_API_KEY = "sandbox-org-api-key-other-org"
ORG_API_KEYS = {
    ORG_API_KEY: {"org": ORG_ID, "scopes": None},
    SCOPED_ORG_API_KEY: {"org": ORG_ID, "scopes": {"read:orgs:admin", "read:directories:admin", "read:groups:admin",
                                                   "read:accounts:admin"}},
    UNREADABLE_ORG_API_KEY: {"org": ORG_ID, "scopes": {"read:directories:admin"}},
    OTHER_ORG_API_KEY: {"org": OTHER_ORG_ID, "scopes": None},
}
# The scope an operation needs, by route (the Organizations REST API reference names read:orgs:admin for Get an
# organization by ID). UNSCOPED: the operation supports no scope, so only a key without scopes reaches it (the
# connected-sources endpoints are UI-internal and document none). Routes not listed accept any key of the org.
UNSCOPED = "(no scope: API key without scopes)"
ROUTE_SCOPES = (
    ("GET", "/admin/v1/orgs/{org_id}", "read:orgs:admin"),
    (None, "/admin/v1/orgs/{org_id}/connected-sources/", UNSCOPED),
)


def _dc_identity(request):
    """'admin', 'user', None (no credentials) or False (bad credentials)."""
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _space, value = header.partition(" ")
    if scheme.lower() == "bearer":
        return ADMIN if value == DC_ADMIN_PAT else False
    if scheme.lower() == "basic":
        try:
            user, _colon, password = base64.b64decode(value).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return False
        if (user, password) == DC_ADMIN:
            return ADMIN
        if (user, password) == DC_USER:
            return USER
    return False


def dc_error(status, message):
    return web.json_response({"errorMessages": [message], "errors": {}}, status=status)


def cloud_error(status, message):
    # Organizations REST API error shape: {"code": <status>, "message": "..."}
    return web.json_response({"code": status, "message": message}, status=status)


async def cloud_json(request):
    """(body, None) for a JSON body; (None, the Organizations API's 400) for one that is not JSON."""
    try:
        return await request.json(), None
    except ValueError:
        return None, cloud_error(400, "Request body is not valid JSON")


def scim_error(status, detail):
    return web.json_response(
        {"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "status": str(status), "detail": detail},
        status=status, content_type="application/scim+json")


def requires(level):
    """Decorator for route handlers: enforce `level` on the request before the handler runs."""

    def wrap(handler):
        @functools.wraps(handler)
        async def checked(request):
            denial = check(request, level)
            if denial is not None:
                return denial
            return await handler(request)

        checked.auth_level = level
        return checked

    return wrap


def check(request, level):
    if level == ANONYMOUS:
        return None
    if level in (USER, ADMIN):
        who = _dc_identity(request)
        if who is None or who is False:
            response = dc_error(401, "You are not authenticated. Authentication required to perform this operation.")
            response.headers["WWW-Authenticate"] = 'Basic realm="protected-area"'
            return response
        if level == ADMIN and who != ADMIN:
            return dc_error(403, "You do not have the permission to perform this operation.")
        return None
    header = request.headers.get("Authorization", "")
    token = header[7:] if header.lower().startswith("bearer ") else None
    if level == ORG:
        return _check_org_key(request, ORG_API_KEYS.get(token))
    if level == SCIM:
        if token != DIRECTORY_API_KEY or request.match_info.get("directory_id") != DIRECTORY_ID:
            return scim_error(401, "Unauthorized")
        return None
    raise ValueError(level)


def _route_scope(request):
    route = request.match_info.route
    canonical = route.resource.canonical if route.resource is not None else ""
    for method, path, scope in ROUTE_SCOPES:
        if (method is None or method == request.method) and (
                canonical == path or (path.endswith("/") and canonical.startswith(path))):
            return scope
    return None


def _check_org_key(request, key):
    """401 for a key Atlassian does not know; 403 for a valid key asking for an organization it was not issued for
    (the reference is silent on this case; 403 "no permission to access resource" is what users report), or
    lacking the scope the operation needs. An organization ID no key belongs to is left to the handler (404)."""
    if key is None:
        return cloud_error(401, "Unauthorized")
    org_id = request.match_info.get("org_id")
    if org_id is not None and org_id != key["org"] and org_id in {k["org"] for k in ORG_API_KEYS.values()}:
        return cloud_error(403, "User has no permission to access resource.")
    scope = _route_scope(request)
    if key["scopes"] is not None and scope is not None and (scope == UNSCOPED or scope not in key["scopes"]):
        needed = "an API key without scopes" if scope == UNSCOPED else "the scope " + scope
        return cloud_error(403, "User has no permission to access resource: this operation needs %s." % needed)
    return None

"""Authentication as the products enforce it: 401 without valid credentials, 403 for non-admins."""

from __future__ import annotations

import base64
import functools

from aiohttp import web

from .personas import DC_ADMIN, DC_ADMIN_PAT, DC_USER, DIRECTORY_API_KEY, DIRECTORY_ID, ORG_API_KEY

ANONYMOUS = "anonymous"
USER = "user"
ADMIN = "admin"
ORG = "org"
SCIM = "scim"


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
        if token != ORG_API_KEY:
            return cloud_error(401, "Unauthorized")
        return None
    if level == SCIM:
        if token != DIRECTORY_API_KEY or request.match_info.get("directory_id") != DIRECTORY_ID:
            return scim_error(401, "Unauthorized")
        return None
    raise ValueError(level)

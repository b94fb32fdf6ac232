"""Atlassian Cloud organization directory: orgs, domains, directories, and the v2 users/groups API.

The shapes follow the Organizations REST API (https://developer.atlassian.com/cloud/admin/organization/rest/):
v1 list endpoints answer ``{"data": [...], "links": {"self", "next"}}`` with JSON:API style items
(``{"id", "type", "attributes"}``); v2 search endpoints take ``cursor``/``limit`` in the POST body and answer
``{"data": [...], "links": {"self", "next"}}``. Groups carry ``counts.users`` and ``externalSynced``; members of
IdP-synced groups (created through SCIM) cannot be changed through this API, as Atlassian documents.

The directory state is shared with the SCIM area (``areas/scim.py``): one user has an ``accountId`` (the v2 API)
and a ``scimId`` (the SCIM API); group members are stored as account ids.

``GET /admin/v1/orgs/{orgId}/users`` (managed accounts) is served by ``areas/auth_policies.py``.

Product access (app roles): the organization's app instances are ``resources`` (ARIs, as the workspaces API names
them); a group holds ``roles`` ({resourceId, roleId}) granted through ``.../groups/{groupId}/role-assignments/assign``
and ``/revoke`` (body ``{resourceId, roleId}``, no answer body) and read back, one item per resource with its
``roles``, from ``GET .../groups/{groupId}/role-assignments`` (jira.js ``admin/api/groups.ts``:
grantGroupAccess, revokeGroupAccess, getGroupRoleAssignments). A user's access is the union of the roles of the
groups they are in and their own ``roles``; the users search filters on it (``resourceIds``) and returns it under
``productAccess`` when ``expand`` asks for it.
"""

from __future__ import annotations

import base64
import functools
import inspect
import json
import uuid

from aiohttp import web

from ..auth import ORG, cloud_error, cloud_json, requires
from ..personas import DIRECTORY_ID, ORG_ID, ORG_NAME

KINDS = {"cloud"}
AREA = "org_directory"
V1_PAGE = 20
V2_DEFAULT_LIMIT = 20
V2_MAX_LIMIT = 100
JIRA_SITE = "ari:cloud:jira::site/6b2e1f0a-3c4d-4e5f-8a9b-0c1d2e3f4a5b"
CONFLUENCE_SITE = "ari:cloud:confluence::site/6b2e1f0a-3c4d-4e5f-8a9b-0c1d2e3f4a5b"
# The roleId values the reference lists for grantGroupAccess.
ROLE_IDS = ("atlassian/user", "atlassian/user-access-admin", "atlassian/admin", "atlassian/guest",
            "atlassian/contributor", "atlassian/customer", "atlassian/basic", "atlassian/stakeholder",
            "atlassian/viewer")


def make_user(email, name=None, active=True):
    """A directory user as this area stores it (tests use it to seed large directories)."""
    return {"accountId": uuid.uuid4().hex[:24], "scimId": str(uuid.uuid4()), "email": email,
            "name": name or email.split("@")[0].title(), "active": active}


def make_group(name, members=(), description="", scim=False, external_id=None):
    return {"id": str(uuid.uuid4()), "name": name, "description": description, "scim": scim,
            "externalId": external_id, "members": list(members)}


def initial_state(persona):
    users = [make_user(f"{name}@example.com", name.title()) for name in ("alice", "bob", "carol", "dave", "erin")]
    admins = make_group("site-admins", [users[0]["accountId"]], "Site administrators")
    return {
        "orgs": [{"id": ORG_ID, "name": ORG_NAME}],
        "domains": [
            {"id": "d-example-com", "name": "example.com", "claim": {"type": "DNS", "status": "VERIFIED"}},
            {"id": "d-example-org", "name": "example.org", "claim": {"type": "HTTPS", "status": "PENDING"}},
        ],
        "directories": [{"directoryId": DIRECTORY_ID, "name": "Sandbox identity provider directory"}],
        "resources": [{"id": JIRA_SITE, "key": "jira"}, {"id": CONFLUENCE_SITE, "key": "confluence"}],
        "users": users,
        "groups": [admins],
    }


def state(persona):
    return persona.state[AREA]


# -- helpers used by the SCIM area too -------------------------------------------------------------------
def find_group(persona, group_id):
    return next((g for g in state(persona)["groups"] if g["id"] == group_id), None)


def find_group_by_name(persona, name):
    folded = name.casefold()
    return next((g for g in state(persona)["groups"] if g["name"].casefold() == folded), None)


def users_by_account(persona):
    return {u["accountId"]: u for u in state(persona)["users"]}


def user_access(persona, account_id):
    """{resourceId: set of roleIds} the user holds, through their groups and directly."""
    access = {}
    user = users_by_account(persona).get(account_id) or {}
    grants = list(user.get("roles") or [])
    for group in state(persona)["groups"]:
        if account_id in group["members"]:
            grants.extend(group.get("roles") or [])
    for grant in grants:
        access.setdefault(grant["resourceId"], set()).add(grant["roleId"])
    return access


def _cursor_encode(offset):
    return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode()


def _cursor_decode(cursor):
    try:
        return int(json.loads(base64.urlsafe_b64decode(cursor.encode()).decode())["o"])
    except (ValueError, KeyError, TypeError):
        return None


def _page(request, items, offset, limit):
    chunk = items[offset:offset + limit]
    links = {"self": str(request.url)}
    if offset + limit < len(items):
        links["next"] = _cursor_encode(offset + limit)
    return {"data": chunk, "links": links}


def _bad_cursor():
    return cloud_error(400, "Invalid cursor")


def _limit(value):
    try:
        limit = int(value) if value is not None else V2_DEFAULT_LIMIT
    except (TypeError, ValueError):
        return None
    return limit if 1 <= limit <= V2_MAX_LIMIT else None


def _casefolded(values):
    return {v.casefold() for v in values}


def _narrow(rows, body, filters):
    """The rows that pass every filter the search body names. `filters` maps a body key to (prepare, match):
    prepare(the body's value) once, then match(prepared, row) per row."""
    rows = list(rows)
    for key, (prepare, match) in filters.items():
        if body.get(key):
            wanted = prepare(body[key])
            rows = [r for r in rows if match(wanted, r)]
    return rows


GROUP_FILTERS = {
    "groupNames": (_casefolded, lambda wanted, g: g["name"].casefold() in wanted),
    "groupIds": (set, lambda wanted, g: g["id"] in wanted),
    "searchTerm": (str.casefold, lambda term, g: term in g["name"].casefold()),
}


def _group_view(persona, group):
    return {
        "id": group["id"],
        "name": group["name"],
        "description": group.get("description") or "",
        "directoryId": DIRECTORY_ID,
        "externalSynced": bool(group.get("scim")),
        "managedBy": "external" if group.get("scim") else "admins",
        "counts": {"users": len(group["members"]),
                   "resources": len({g["resourceId"] for g in group.get("roles") or []})},
        "links": {"self": persona.base_url + f"/admin/v2/orgs/{ORG_ID}/directories/{DIRECTORY_ID}/groups/{group['id']}"},
    }


def _user_view(user, persona=None, expand=()):
    view = {"accountId": user["accountId"], "accountType": "atlassian", "name": user["name"],
            "email": user["email"], "accountStatus": "active" if user["active"] else "inactive",
            "membershipStatus": "active", "status": "active" if user["active"] else "deactivated"}
    if "productAccess" in expand:
        keys = {r["id"]: r["key"] for r in state(persona).get("resources", [])}
        view["productAccess"] = [{"key": keys.get(resource, "unknown"), "id": resource}
                                 for resource in sorted(user_access(persona, user["accountId"]))]
    return view


def routes(persona):
    def check_org(request):
        if request.match_info["org_id"] != ORG_ID:
            return cloud_error(404, "Organization not found")
        return None

    def check_directory(request):
        denial = check_org(request)
        if denial is not None:
            return denial
        if request.match_info["directory_id"] not in {d["directoryId"] for d in state(persona)["directories"]}:
            return cloud_error(404, "Directory not found")
        return None

    def members_of(group_ids):
        members = set()
        for group_id in group_ids:
            group = find_group(persona, group_id)
            members.update(group["members"] if group else ())
        return members

    user_filters = {
        "emails": (_casefolded, lambda wanted, u: u["email"].casefold() in wanted),
        "accountIds": (set, lambda wanted, u: u["accountId"] in wanted),
        "groupIds": (members_of, lambda members, u: u["accountId"] in members),
        "resourceIds": (set, lambda wanted, u: bool(wanted & set(user_access(persona, u["accountId"])))),
        "searchTerm": (str.casefold, lambda term, u: term in u["email"].casefold() or term in u["name"].casefold()),
    }

    def route(check, *readers):
        """Handler decorator: the org admin key, then the 404 `check` gives for another organization or
        directory, then each reader in turn (request -> (value, None) or (None, the answer that refuses it));
        the handler gets the readers' values after the request."""

        def wrap(handler):
            @functools.wraps(handler)
            async def checked(request):
                denial = check(request)
                if denial is not None:
                    return denial
                values = []
                for reader in readers:
                    read = reader(request)
                    value, refused = (await read) if inspect.isawaitable(read) else read
                    if refused is not None:
                        return refused
                    values.append(value)
                return await handler(request, *values)

            return requires(ORG)(checked)

        return wrap

    def v1_offset(request):
        cursor = request.query.get("cursor")
        return 0 if not cursor else _cursor_decode(cursor)

    @requires(ORG)
    async def list_orgs(request):
        offset = v1_offset(request)
        if offset is None:
            return _bad_cursor()
        items = [{"id": o["id"], "type": "orgs", "attributes": {"name": o["name"]},
                  "links": {"self": persona.base_url + "/admin/v1/orgs/" + o["id"]}} for o in state(persona)["orgs"]]
        return web.json_response(_page(request, items, offset, V1_PAGE))

    @requires(ORG)
    async def get_org(request):
        org = next((o for o in state(persona)["orgs"] if o["id"] == request.match_info["org_id"]), None)
        if org is None:
            return cloud_error(404, "Organization not found")
        return web.json_response({"data": {"id": org["id"], "type": "orgs", "attributes": {"name": org["name"]},
                                           "links": {"self": persona.base_url + "/admin/v1/orgs/" + org["id"]}}})

    @route(check_org)
    async def list_domains(request):
        offset = v1_offset(request)
        if offset is None:
            return _bad_cursor()
        items = [{"id": d["id"], "type": "domains", "attributes": {"name": d["name"], "claim": d["claim"]}}
                 for d in state(persona)["domains"]]
        return web.json_response(_page(request, items, offset, V1_PAGE))

    @route(check_org)
    async def list_directories(request):
        offset = v1_offset(request)
        limit = _limit(request.query.get("limit"))
        if offset is None or limit is None:
            return _bad_cursor()
        return web.json_response(_page(request, list(state(persona)["directories"]), offset, limit))

    async def search_body(request):
        body, error = await cloud_json(request)
        if error is not None:
            return None, error
        if not isinstance(body, dict):
            return None, cloud_error(400, "Request body must be an object")
        offset = _cursor_decode(body["cursor"]) if body.get("cursor") else 0
        limit = _limit(body.get("limit"))
        if offset is None or limit is None:
            return None, cloud_error(400, "Invalid cursor or limit (1 to 100)")
        body["_offset"], body["_limit"] = offset, limit
        return body, None

    @route(check_directory, search_body)
    async def search_users(request, body):
        if body.get("emails") and body.get("searchTerm"):
            return cloud_error(400, "emails and searchTerm cannot be used together")
        users = _narrow(state(persona)["users"], body, user_filters)
        expand = body.get("expand") or ()
        items = [_user_view(u, persona, expand) for u in users]
        return web.json_response(_page(request, items, body["_offset"], body["_limit"]))

    @route(check_directory, search_body)
    async def search_groups(request, body):
        groups = _narrow(state(persona)["groups"], body, GROUP_FILTERS)
        groups.sort(key=lambda g: g["name"].casefold())
        items = [_group_view(persona, g) for g in groups]
        return web.json_response(_page(request, items, body["_offset"], body["_limit"]))

    @route(check_directory, cloud_json)
    async def create_group(request, body):
        name = (body or {}).get("name")
        if not isinstance(name, str) or not name.strip():
            return cloud_error(400, "name is required")
        if find_group_by_name(persona, name) is not None:
            return cloud_error(409, f"A group named {name} already exists")
        group = make_group(name, description=body.get("description") or "")
        state(persona)["groups"].append(group)
        return web.json_response(_group_view(persona, group), status=201)

    def group_in_path(request):
        """(the group the path names, None), or (None, the 404 for no such group)."""
        group = find_group(persona, request.match_info["group_id"])
        if group is None:
            return None, cloud_error(404, "Group not found")
        return group, None

    @route(check_directory, group_in_path)
    async def get_group(request, group):
        return web.json_response(_group_view(persona, group))

    def writable_group(request):
        group, missing = group_in_path(request)
        if missing is not None:
            return None, missing
        if group.get("scim"):
            return None, cloud_error(400, "You can't add or remove members of groups synced from an identity provider")
        return group, None

    @route(check_directory, writable_group, cloud_json)
    async def add_member(request, group, body):
        account_id = (body or {}).get("accountId")
        if account_id not in users_by_account(persona):
            return cloud_error(404, "User not found in the directory")
        if account_id not in group["members"]:
            group["members"].append(account_id)
        return web.json_response({}, status=200)

    @route(check_directory, writable_group)
    async def remove_member(request, group):
        account_id = request.match_info["account_id"]
        if account_id not in group["members"]:
            return cloud_error(404, "User is not a member of the group")
        group["members"].remove(account_id)
        return web.Response(status=204)

    @route(check_directory, group_in_path)
    async def list_role_assignments(request, group):
        offset = v1_offset(request)
        limit = _limit(request.query.get("limit"))
        if offset is None or limit is None:
            return _bad_cursor()
        by_resource = {}
        for grant in group.get("roles") or []:
            by_resource.setdefault(grant["resourceId"], []).append(grant["roleId"])
        items = [{"resourceId": resource, "resourceOwner": resource.split("::", 1)[0].rsplit(":", 1)[-1],
                  "defaultRole": None, "roles": sorted(roles)} for resource, roles in sorted(by_resource.items())]
        return web.json_response(_page(request, items, offset, limit))

    async def role_body(request):
        group = find_group(persona, request.match_info["group_id"])
        if group is None:
            return None, None, cloud_error(404, "Group not found")
        body, error = await cloud_json(request)
        if error is not None:
            return None, None, error
        body = body if isinstance(body, dict) else {}
        resource_id, role_id = body.get("resourceId"), body.get("roleId")
        if resource_id not in {r["id"] for r in state(persona).get("resources", [])}:
            return None, None, cloud_error(400, "Cloud Resource is invalid")
        if role_id not in ROLE_IDS:
            return None, None, cloud_error(400, "Invalid role %s" % role_id)
        return group, {"resourceId": resource_id, "roleId": role_id}, None

    def role_change(assign):
        @route(check_directory)
        async def handler(request):
            group, grant, error = await role_body(request)
            if error is not None:
                return error
            roles = group.setdefault("roles", [])
            if assign and grant not in roles:
                roles.append(grant)
            elif not assign and grant in roles:
                roles.remove(grant)
            return web.Response(status=204)
        return handler

    v2 = "/admin/v2/orgs/{org_id}/directories/{directory_id}"
    return [
        web.get("/admin/v1/orgs", list_orgs),
        web.get("/admin/v1/orgs/{org_id}", get_org),
        web.get("/admin/v1/orgs/{org_id}/domains", list_domains),
        web.get("/admin/v2/orgs/{org_id}/directories", list_directories),
        web.post(v2 + "/users/search", search_users),
        web.post(v2 + "/groups/search", search_groups),
        web.post(v2 + "/groups", create_group),
        web.get(v2 + "/groups/{group_id}", get_group),
        web.post(v2 + "/groups/{group_id}/memberships", add_member),
        web.delete(v2 + "/groups/{group_id}/memberships/{account_id}", remove_member),
        web.get(v2 + "/groups/{group_id}/role-assignments", list_role_assignments),
        web.post(v2 + "/groups/{group_id}/role-assignments/assign", role_change(assign=True)),
        web.post(v2 + "/groups/{group_id}/role-assignments/revoke", role_change(assign=False)),
    ]

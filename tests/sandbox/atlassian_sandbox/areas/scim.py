"""Atlassian Cloud user provisioning (SCIM 2.0) at /scim/directory/{directoryId}: Users and Groups.

Follows https://developer.atlassian.com/cloud/admin/user-provisioning/rest/ and RFC 7644: bearer directory API key,
``application/scim+json``, 1-based ``startIndex``/``count`` list pages of at most 100 resources, the single
``displayName eq "x"`` (Groups) and ``userName eq "x"`` (Users) filters, POST /Groups answering 409 for an
existing name, PATCH with a PatchOp (``Operations``) answering 200 and the full group. Member removal accepts
both RFC 7644 forms (``path: members`` with a ``value`` list, and ``path: members[value eq "id"]``), because
which one Atlassian accepts is not documented.

Shares the directory of ``areas/org_directory.py``: a user's SCIM id is its ``scimId``; groups created here are
IdP-synced (``scim: true``), which the v2 groups API refuses to change.
"""

from __future__ import annotations

import re

from aiohttp import web

from ..auth import SCIM, requires, scim_error
from ..personas import DIRECTORY_ID
from .org_directory import find_group, find_group_by_name, make_group, state, users_by_account

KINDS = {"cloud"}
MAX_COUNT = 100
LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
FILTER = re.compile(r'^\s*(\w+)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$', re.IGNORECASE)
MEMBER_PATH = re.compile(r'^members\[\s*value\s+eq\s+"([^"]+)"\s*\]$', re.IGNORECASE)


CONTENT_TYPE = "application/scim+json"


def scim_json(data, status=200):
    return web.json_response(data, status=status, content_type=CONTENT_TYPE)


def _base(persona):
    return persona.base_url + f"/scim/directory/{DIRECTORY_ID}"


def _user_resource(persona, user):
    return {
        "schemas": [USER_SCHEMA],
        "id": user["scimId"],
        "userName": user["email"],
        "emails": [{"value": user["email"], "type": "work", "primary": True}],
        "displayName": user["name"],
        "active": user["active"],
        "meta": {"resourceType": "User", "location": _base(persona) + "/Users/" + user["scimId"]},
    }


def _group_resource(persona, group):
    accounts = users_by_account(persona)
    members = []
    for account_id in group["members"]:
        user = accounts.get(account_id)
        if user is not None:
            members.append({"type": "User", "value": user["scimId"], "display": user["email"],
                            "$ref": _base(persona) + "/Users/" + user["scimId"]})
    resource = {"schemas": [GROUP_SCHEMA], "id": group["id"], "displayName": group["name"], "members": members,
                "meta": {"resourceType": "Group", "location": _base(persona) + "/Groups/" + group["id"]}}
    if group.get("externalId"):
        resource["externalId"] = group["externalId"]
    return resource


def _list_params(request):
    """(startIndex, count) or an error response."""
    try:
        start = int(request.query.get("startIndex", 1))
        count = int(request.query.get("count", MAX_COUNT))
    except ValueError:
        return None, scim_error(400, "startIndex and count must be integers")
    return (max(start, 1), max(0, min(count, MAX_COUNT))), None


def _filter(request, attribute):
    """None (no filter), the value of `attribute eq "value"`, or an error response."""
    text = request.query.get("filter")
    if text is None:
        return None, None
    match = FILTER.match(text)
    if not match or match.group(1).casefold() != attribute.casefold():
        return None, scim_error(400, f'Only the filter {attribute} eq "value" is supported')
    return match.group(2).replace('\\"', '"'), None


def _list_response(resources, start, count):
    page = resources[start - 1:start - 1 + count]
    return {"schemas": [LIST_SCHEMA], "totalResults": len(resources), "startIndex": start,
            "itemsPerPage": len(page), "Resources": page}


def routes(persona):
    def scim_users_by_id():
        return {u["scimId"]: u for u in state(persona)["users"]}

    def listing(area, attribute, field, resource):
        """GET handler for a SCIM list: startIndex/count paging, and `filter=<attribute> eq "..."` matched
        case-insensitively on `field`."""

        @requires(SCIM)
        async def handler(request):
            paging, error = _list_params(request)
            if error is not None:
                return error
            wanted, error = _filter(request, attribute)
            if error is not None:
                return error
            rows = state(persona)[area]
            if wanted is not None:
                rows = [r for r in rows if r[field].casefold() == wanted.casefold()]
            return scim_json(_list_response([resource(persona, r) for r in rows], *paging))

        return handler

    list_users = listing("users", "userName", "email", _user_resource)
    list_groups = listing("groups", "displayName", "name", _group_resource)

    @requires(SCIM)
    async def get_group(request):
        group = find_group(persona, request.match_info["group_id"])
        if group is None:
            return scim_error(404, "Group not found")
        return scim_json(_group_resource(persona, group))

    async def read_body(request):
        if request.content_type not in (CONTENT_TYPE, "application/json"):
            return None, scim_error(415, f"Content-Type must be {CONTENT_TYPE}")
        try:
            body = await request.json()
        except ValueError:
            return None, scim_error(400, "The request body is not valid JSON")
        if not isinstance(body, dict):
            return None, scim_error(400, "The request body must be an object")
        return body, None

    @requires(SCIM)
    async def create_group(request):
        body, error = await read_body(request)
        if error is not None:
            return error
        name = body.get("displayName")
        if not isinstance(name, str) or not name.strip():
            return scim_error(400, "displayName is required")
        if find_group_by_name(persona, name) is not None:
            return scim_error(409, f"A group named {name} already exists in this directory")
        group = make_group(name, scim=True, external_id=body.get("externalId"))
        state(persona)["groups"].append(group)
        return scim_json(_group_resource(persona, group), status=201)

    def member_values(value):
        if not isinstance(value, list) or not all(isinstance(v, dict) and v.get("value") for v in value):
            return None
        return [v["value"] for v in value]

    @requires(SCIM)
    async def patch_group(request):
        group = find_group(persona, request.match_info["group_id"])
        if group is None:
            return scim_error(404, "Group not found")
        body, error = await read_body(request)
        if error is not None:
            return error
        if PATCH_SCHEMA not in (body.get("schemas") or []):
            return scim_error(400, f"schemas must contain {PATCH_SCHEMA}")
        operations = body.get("Operations", body.get("operations"))
        if not isinstance(operations, list) or not operations:
            return scim_error(400, "Operations must be a non-empty list")
        by_scim_id = scim_users_by_id()
        members = list(group["members"])
        for operation in operations:
            op = str(operation.get("op", "")).lower()
            path = operation.get("path") or ""
            if op == "add" and path.lower() == "members":
                values = member_values(operation.get("value"))
                if values is None:
                    return scim_error(400, "add members needs a value list of {\"value\": id}")
                unknown = [v for v in values if v not in by_scim_id]
                if unknown:
                    return scim_error(400, f"Unknown user id(s): {', '.join(unknown)}")
                for value in values:
                    account_id = by_scim_id[value]["accountId"]
                    if account_id not in members:
                        members.append(account_id)
            elif op == "remove" and path.lower() == "members" and operation.get("value") is not None:
                values = member_values(operation.get("value"))
                if values is None:
                    return scim_error(400, "remove members needs a value list of {\"value\": id}")
                gone = {by_scim_id[v]["accountId"] for v in values if v in by_scim_id}
                members = [m for m in members if m not in gone]
            elif op == "remove" and MEMBER_PATH.match(path):
                value = MEMBER_PATH.match(path).group(1)
                user = by_scim_id.get(value)
                members = [m for m in members if user is None or m != user["accountId"]]
            elif op == "replace" and path.lower() == "displayname":
                group["name"] = operation.get("value")
            else:
                return scim_error(400, f"Unsupported operation {op} on path {path or '(none)'}")
        group["members"] = members
        return scim_json(_group_resource(persona, group))

    @requires(SCIM)
    async def delete_group(request):
        group = find_group(persona, request.match_info["group_id"])
        if group is None:
            return scim_error(404, "Group not found")
        state(persona)["groups"].remove(group)
        return web.Response(status=204)

    # One line per resource, its methods side by side.
    users, groups, group = ("/scim/directory/{directory_id}" + p for p in ("/Users", "/Groups", "/Groups/{group_id}"))
    return [
        web.get(users, list_users),
        web.get(groups, list_groups), web.post(groups, create_group),
        web.get(group, get_group), web.patch(group, patch_group), web.delete(group, delete_group),
    ]

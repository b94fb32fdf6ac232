"""Users and groups of the Data Center personas (read by migration preflight).

Jira (REST API 2, https://developer.atlassian.com/server/jira/platform/rest/v11003/):
- ``GET /rest/api/2/user/search?username=.&startAt&maxResults&includeInactive`` answers a JSON list of users
  (``name``, ``key``, ``emailAddress``, ``displayName``, ``active``); ``username`` is required (400 without it),
  ``.`` matches everyone; ``maxResults`` defaults to 50 and is capped at 1000.
- ``GET /rest/api/2/groups/picker?query&maxResults`` answers ``{"header", "total", "groups": [{"name", "html",
  "labels"}]}``; ``maxResults`` defaults to 20.
- ``GET /rest/api/2/group/member?groupname&includeInactiveUsers&startAt&maxResults`` answers a page
  ``{"self", "nextPage", "maxResults", "startAt", "total", "isLast", "values": [user]}``; 404 for an unknown group.

Confluence (REST API, https://developer.atlassian.com/server/confluence/rest/v1002/), under the context path:
- ``GET /rest/api/group?start&limit`` answers ``{"results": [{"type": "group", "name"}], "start", "limit",
  "size", "_links": {"base", "context", "self", "next"?}}``.
- ``GET /rest/api/group/{groupName}/member?start&limit`` answers the same page shape of users
  (``type: known``, ``username``, ``userKey``, ``displayName``); ``email`` is included for administrators only.
"""

from __future__ import annotations

import hashlib
from urllib.parse import quote

from aiohttp import web

from ..auth import ADMIN, USER, _dc_identity, dc_error, requires

KINDS = {"jira", "confluence"}
AREA = "dc_directory"
JIRA_MAX_RESULTS = 1000
CONFLUENCE_MAX_LIMIT = 200


def make_user(name, email, display_name=None, active=True):
    return {"name": name, "email": email, "displayName": display_name or name.title(), "active": active}


def initial_state(persona):
    if persona.kind == "jira":
        users = [make_user("alice", "alice@example.com"), make_user("bob", "bob@example.com")]
        groups = {"jira-administrators": ["alice"], "jira-software-users": ["alice", "bob"]}
    else:
        users = [make_user("alice", "alice@example.com"), make_user("carol", "carol@example.com")]
        groups = {"confluence-administrators": ["alice"], "confluence-users": ["alice", "carol"]}
    return {"users": users, "groups": groups}


def _key(name):
    return "JIRAUSER" + str(int(hashlib.sha1(name.encode()).hexdigest()[:6], 16))


def routes(persona):
    def directory():
        return persona.state[AREA]

    def users_by_name():
        return {u["name"].casefold(): u for u in directory()["users"]}

    def group_named(name):
        for group, members in directory()["groups"].items():
            if group.casefold() == (name or "").casefold():
                return group, members
        return None, None

    def int_param(request, name, default, cap):
        try:
            value = int(request.query.get(name, default))
        except ValueError:
            return None
        return max(0, min(value, cap))

    def jira_user(user):
        return {"self": f"{persona.base_url}/rest/api/2/user?username={quote(user['name'])}",
                "key": _key(user["name"]), "name": user["name"], "emailAddress": user["email"],
                "displayName": user["displayName"], "active": user["active"], "deleted": False,
                "timeZone": "UTC", "locale": "en_US",
                "avatarUrls": {"48x48": f"{persona.base_url}/secure/useravatar?avatarId=10122"}}

    def bool_param(request, name, default):
        return request.query.get(name, str(default)).lower() == "true"

    @requires(USER)
    async def jira_user_search(request):
        term = request.query.get("username")
        if term is None:
            return dc_error(400, "The username query parameter was not provided")
        start = int_param(request, "startAt", 0, 1 << 30)
        size = int_param(request, "maxResults", 50, JIRA_MAX_RESULTS)
        if start is None or size is None:
            return dc_error(400, "startAt and maxResults must be numbers")
        include_active = bool_param(request, "includeActive", True)
        include_inactive = bool_param(request, "includeInactive", False)
        folded = term.casefold()
        found = []
        for user in sorted(directory()["users"], key=lambda u: u["name"].casefold()):
            if (user["active"] and not include_active) or (not user["active"] and not include_inactive):
                continue
            fields = (user["name"], user["displayName"], user["email"] or "")
            if term == "." or any(f.casefold().startswith(folded) for f in fields):
                found.append(jira_user(user))
        return web.json_response(found[start:start + size])

    @requires(USER)
    async def jira_groups_picker(request):
        query = request.query.get("query", "").casefold()
        size = int_param(request, "maxResults", 20, 1 << 30)
        if size is None:
            return dc_error(400, "maxResults must be a number")
        names = sorted((g for g in directory()["groups"] if query in g.casefold()), key=str.casefold)
        shown = names[:size]
        return web.json_response({
            "header": f"Showing {len(shown)} of {len(names)} matching groups",
            "total": len(names),
            "groups": [{"name": n, "html": n, "labels": []} for n in shown],
        })

    @requires(ADMIN)
    async def jira_group_members(request):
        group, members = group_named(request.query.get("groupname"))
        if group is None:
            return dc_error(404, f"Group with name '{request.query.get('groupname')}' does not exist.")
        start = int_param(request, "startAt", 0, 1 << 30)
        size = int_param(request, "maxResults", 50, 50)
        if start is None or size is None:
            return dc_error(400, "startAt and maxResults must be numbers")
        include_inactive = bool_param(request, "includeInactiveUsers", False)
        known = users_by_name()
        users = [known[m.casefold()] for m in members if m.casefold() in known]
        users = sorted((u for u in users if u["active"] or include_inactive), key=lambda u: u["name"].casefold())
        page = users[start:start + size]
        last = start + size >= len(users)
        base = f"{persona.base_url}/rest/api/2/group/member?groupname={quote(group)}"
        body = {"self": f"{base}&startAt={start}&maxResults={size}", "maxResults": size, "startAt": start,
                "total": len(users), "isLast": last, "values": [jira_user(u) for u in page]}
        if not last:
            body["nextPage"] = f"{base}&startAt={start + size}&maxResults={size}"
        return web.json_response(body)

    def confluence_page(request, items, start, limit, path):
        links = {"base": persona.base_url, "context": persona.context_path,
                 "self": f"{persona.base_url}{path}?start={start}&limit={limit}"}
        if start + limit < len(items):
            links["next"] = f"{path}?start={start + limit}&limit={limit}"
        page = items[start:start + limit]
        return {"results": page, "start": start, "limit": limit, "size": len(page), "_links": links}

    @requires(USER)
    async def confluence_groups(request):
        start = int_param(request, "start", 0, 1 << 30)
        limit = int_param(request, "limit", 200, CONFLUENCE_MAX_LIMIT)
        if start is None or limit is None:
            return dc_error(400, "start and limit must be numbers")
        names = sorted(directory()["groups"], key=str.casefold)
        items = [{"type": "group", "name": n,
                  "_links": {"self": f"{persona.base_url}/rest/api/group/{quote(n)}"}} for n in names]
        return web.json_response(confluence_page(request, items, start, limit, "/rest/api/group"))

    @requires(USER)
    async def confluence_group_members(request):
        group, members = group_named(request.match_info["group_name"])
        if group is None:
            return dc_error(404, f"No group found with name: {request.match_info['group_name']}")
        start = int_param(request, "start", 0, 1 << 30)
        limit = int_param(request, "limit", 200, CONFLUENCE_MAX_LIMIT)
        if start is None or limit is None:
            return dc_error(400, "start and limit must be numbers")
        admin = _dc_identity(request) == ADMIN
        known = users_by_name()
        items = []
        for member in sorted(members, key=str.casefold):
            user = known.get(member.casefold())
            if user is None:
                continue
            item = {"type": "known", "username": user["name"], "userKey": _key(user["name"]),
                    "displayName": user["displayName"],
                    "profilePicture": {"path": "/confluence/images/icons/profilepics/default.svg", "width": 48,
                                       "height": 48, "isDefault": True}}
            if admin:
                item["email"] = user["email"]
            items.append(item)
        return web.json_response(confluence_page(request, items, start, limit, f"/rest/api/group/{quote(group)}/member"))

    if persona.kind == "jira":
        return [
            web.get(persona.path("/rest/api/2/user/search"), jira_user_search),
            web.get(persona.path("/rest/api/2/groups/picker"), jira_groups_picker),
            web.get(persona.path("/rest/api/2/group/member"), jira_group_members),
        ]
    return [
        web.get(persona.path("/rest/api/group"), confluence_groups),
        web.get(persona.path("/rest/api/group/{group_name}/member"), confluence_group_members),
    ]

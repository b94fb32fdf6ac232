"""The Crowd source against a small Crowd REST server over HTTP on loopback.

The server (aiohttp) answers as Crowd's usermanagement REST API documents it: `GET /search?entity-type=group`
and `entity-type=user` (with `expand=user`), `group/child-group/direct` and `group/user/direct` (with
`expand=user`), paged with `start-index` and `max-results`, and `group/membership` (every membership in one XML
document, the only format that resource produces: CWD-3281), behind HTTP basic auth with an application name and
password; 401 otherwise, 404 for an unknown group.
"""

import asyncio
import base64
import threading
from xml.sax.saxutils import quoteattr

import pytest
from aiohttp import web

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._groups.flatten import flatten
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._groups.source_crowd import (
    CrowdSettings,
    CrowdSourceError,
    read_crowd,
)

API = "/crowd/rest/usermanagement/1"


class CrowdServer:
    def __init__(self, groups, users, application=("migration", "app-secret")):
        self.groups = groups  # {name: {"users": [...], "groups": [...]}}
        self.users = users  # {name: email}
        self.inactive = set()  # names whose user entity says active: false
        self.application = application
        self.requests = []
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.runner = None
        self.port = None

    def _authorized(self, request):
        expected = "Basic " + base64.b64encode(("%s:%s" % self.application).encode()).decode()
        return request.headers.get("Authorization") == expected

    @staticmethod
    def _page(request, items):
        start = int(request.query.get("start-index", 0))
        size = int(request.query.get("max-results", 1000))
        return items[start:start + size]

    def _group_entity(self, name):
        return {"name": name, "link": {"href": "%s/group?groupname=%s" % (API, name), "rel": "self"}}

    def _user_entity(self, name, expand):
        entity = {"name": name, "link": {"href": "%s/user?username=%s" % (API, name), "rel": "self"}}
        if expand:
            entity.update({"active": name not in self.inactive, "email": self.users[name], "display-name": name})
        return entity

    async def handle(self, request):
        self.requests.append((request.path, dict(request.query)))
        if not self._authorized(request):
            return web.json_response({"reason": "APPLICATION_ACCESS_DENIED", "message": "Application failed to authenticate"},
                                     status=401)
        path = request.path[len(API):]
        if path == "/search" and request.query.get("entity-type") == "group":
            return web.json_response({"expand": "group",
                                      "groups": [self._group_entity(n) for n in self._page(request, sorted(self.groups))]})
        if path == "/search" and request.query.get("entity-type") == "user":
            expand = request.query.get("expand") == "user"
            return web.json_response({"expand": "user",
                                      "users": [self._user_entity(n, expand) for n in self._page(request, sorted(self.users))]})
        if path == "/group/membership":
            return web.Response(text=self._memberships_xml(), content_type="application/xml")
        name = request.query.get("groupname")
        if name not in self.groups:
            return web.json_response({"reason": "GROUP_NOT_FOUND", "message": "Group <%s> does not exist" % name}, status=404)
        if path == "/group/child-group/direct":
            children = self._page(request, sorted(self.groups[name].get("groups", [])))
            return web.json_response({"expand": "group", "groups": [self._group_entity(n) for n in children]})
        if path == "/group/user/direct":
            members = self._page(request, sorted(self.groups[name].get("users", [])))
            expand = request.query.get("expand") == "user"
            return web.json_response({"expand": "user", "users": [self._user_entity(n, expand) for n in members]})
        return web.json_response({"reason": "NOT_FOUND"}, status=404)

    def _memberships_xml(self):
        parts = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?><memberships>']
        for name in sorted(self.groups):
            users = "".join("<user name=%s/>" % quoteattr(u) for u in sorted(self.groups[name].get("users", [])))
            groups = "".join("<group name=%s/>" % quoteattr(g) for g in sorted(self.groups[name].get("groups", [])))
            parts.append("<membership group=%s><users>%s</users><groups>%s</groups></membership>" % (quoteattr(name), users, groups))
        return "".join(parts) + "</memberships>"

    async def _start(self):
        app = web.Application()
        app.router.add_get(API + "/{tail:.*}", self.handle)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]

    def start(self):
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(timeout=10)
        return "http://127.0.0.1:%d/crowd" % self.port

    def stop(self):
        asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result(timeout=10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)


GROUPS = {
    "Atlassian": {"users": ["ceo"], "groups": ["Design", "Engineering", "Grads"]},
    "Design": {"users": ["dana"]},
    "Engineering": {"users": ["erin", "eve", "ed"], "groups": ["Platform"]},
    "Grads": {"users": ["gus"]},
    "Platform": {"users": ["pat"]},
}
USERS = {"ceo": "ceo@example.com", "dana": "dana@example.com", "erin": "erin@example.com", "eve": "eve@example.com",
         "ed": "ed@example.com", "gus": "gus@example.com", "pat": "pat@example.com"}


@pytest.fixture(scope="module")
def crowd():
    server = CrowdServer(GROUPS, USERS)
    url = server.start()
    yield server, url
    server.stop()


def test_nested_groups_read_page_by_page_and_flattened(crowd):
    server, url = crowd
    server.requests.clear()
    structure = read_crowd(CrowdSettings(url, "migration", "app-secret", page_size=2, read_mode="per_group"))
    flat = flatten(structure).flat()
    assert flat["Atlassian"] == ["ceo", "dana", "ed", "erin", "eve", "gus", "pat"]
    assert flat["Engineering"] == ["ed", "erin", "eve", "pat"]
    assert structure.users["eve"] == {"email": "eve@example.com"}
    # three pages of group names (2 + 2 + 1), and Engineering's three users took two pages
    searches = [q for path, q in server.requests if path.endswith("/search")]
    assert [q["start-index"] for q in searches] == ["0", "2", "4"]
    engineering_users = [q for path, q in server.requests
                         if path.endswith("/group/user/direct") and q["groupname"] == "Engineering"]
    assert [q["start-index"] for q in engineering_users] == ["0", "2"]


def test_wrong_application_password_is_reported_without_the_password(crowd):
    _server, url = crowd
    with pytest.raises(CrowdSourceError) as caught:
        read_crowd(CrowdSettings(url, "migration", "wrong-secret"))
    assert "401" in str(caught.value)
    assert "wrong-secret" not in str(caught.value)


def test_the_memberships_resource_gives_the_same_structure_in_fewer_requests(crowd):
    server, url = crowd
    server.requests.clear()
    per_group = read_crowd(CrowdSettings(url, "migration", "app-secret", page_size=2, read_mode="per_group"))
    per_group_requests = len(server.requests)
    server.requests.clear()
    memberships = read_crowd(CrowdSettings(url, "migration", "app-secret", page_size=2))
    assert memberships.groups == per_group.groups
    assert memberships.users == per_group.users
    assert flatten(memberships).flat() == flatten(per_group).flat()
    # 3 pages of group names + 1 memberships document + 4 pages of 7 users, against 3 + 2 per group and a
    # third for Atlassian's three child groups and Engineering's three users at two per page
    assert [path[len(API):] for path, _q in server.requests] == ["/search"] * 3 + ["/group/membership"] + ["/search"] * 4
    assert memberships.counters == {"http_requests": 8}
    assert per_group.counters == {"http_requests": per_group_requests} and per_group_requests == 15


def test_a_memberships_answer_that_is_not_xml_is_a_clear_error(crowd):
    server, url = crowd
    original = server._memberships_xml
    server._memberships_xml = lambda: "<memberships><membership"
    try:
        with pytest.raises(CrowdSourceError, match="no XML memberships document"):
            read_crowd(CrowdSettings(url, "migration", "app-secret"))
    finally:
        server._memberships_xml = original


@pytest.mark.parametrize("read_mode", ["memberships", "per_group"])
def test_inactive_users_are_excluded_by_default_or_kept_and_reported(crowd, read_mode):
    server, url = crowd
    server.inactive = {"eve", "pat"}
    try:
        excluded = read_crowd(CrowdSettings(url, "migration", "app-secret", read_mode=read_mode))
        reported = read_crowd(CrowdSettings(url, "migration", "app-secret", read_mode=read_mode,
                                            inactive_users="report"))
    finally:
        server.inactive = set()
    assert excluded.disabled == reported.disabled == ["eve", "pat"]
    flat = flatten(excluded).flat()
    assert flat["Atlassian"] == ["ceo", "dana", "ed", "erin", "gus"]
    assert flat["Platform"] == [] and "eve" not in excluded.users
    assert flatten(reported).flat()["Engineering"] == ["ed", "erin", "eve", "pat"]


def test_group_flatten_reports_crowd_inactive_users(crowd, run_module):
    from ansible_collections.dcops.atlassian_cloud.plugins.modules import group_flatten

    server, url = crowd
    server.inactive = {"gus"}
    try:
        result = run_module(group_flatten, {"source": "crowd", "report": ["flat"], "crowd": {
            "url": url, "application_name": "migration", "application_password": "app-secret"}})
    finally:
        server.inactive = set()
    assert result["disabled_users"] == {"handling": "exclude", "users": ["gus"]}
    assert result["flat"]["Grads"] == []

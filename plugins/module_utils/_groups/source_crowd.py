# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The `crowd` source: read nested groups through Crowd's usermanagement REST API.

Crowd authenticates the caller as an application (application name and password in HTTP basic auth).
Two ways to read the same structure (every group's direct users and direct child groups):

- `memberships` (default): every group name (`/search?entity-type=group`) and every user with its email
  (`/search?entity-type=user&expand=user`), both paged with `start-index`/`max-results`, and all
  memberships at once from `/group/membership` (Crowd REST 1.1+, CWD-2450; XML only, CWD-3281):
  pages of groups + pages of users + 1 requests;
- `per_group`: per group its direct nested groups (`/group/child-group/direct`) and direct users with
  their details (`/group/user/direct?expand=user`), each paged: 2 or more requests per group.

Crowd marks a deactivated user with `active: false` in its user entity (`expand=user`); such users are left out
of every group (`inactive_users=exclude`, the default, as Active Directory's disabled accounts are) or kept and
listed (`report`); both list them in the structure's `disabled`.

Crowd's `/group/user/nested` would answer a group's effective users in one request, but without the
structure the flattening reports on (cycles, depth, what a sync without flattening loses), so it is not used.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import dataclasses
from xml.etree import ElementTree

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.client import HAS_HTTPX, ApiClient, ApiError
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._groups.flatten import NestedGroups
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.errors import CollectionError

__all__ = ["HAS_HTTPX", "INACTIVE_USERS_CHOICES", "READ_MODES", "CrowdSettings", "CrowdSourceError", "read_crowd"]

READ_MODES = ("memberships", "per_group")
INACTIVE_USERS_CHOICES = ("exclude", "report")


class CrowdSourceError(CollectionError):
    """Crowd could not be read."""


@dataclasses.dataclass(eq=False, repr=False)  # no generated repr: it would show the application password
class CrowdSettings:
    """The `crowd` option of the module, with its defaults."""

    url: str
    application_name: str
    application_password: str
    validate_certs: bool = True
    ca_path: str = None
    page_size: int = 1000
    timeout: int = 30
    read_mode: str = "memberships"
    inactive_users: str = "exclude"


def _inactive(user):
    """Crowd's user entity says `active: false` (a missing field is read as active, as Crowd's default is)."""
    return user.get("active") is False


def _paged(client, operation, items_key, params, page_size):
    return client.paginate_offset(operation, params=params, style="crowd", page_size=page_size, items_key=items_key)


def _per_group(client, settings, names):
    groups = {}
    users = {}
    inactive = set()
    for name in names:
        children = [g["name"] for g in _paged(client, "crowd.group_child_groups", "groups",
                                              {"groupname": name}, settings.page_size)]
        members = []
        for user in _paged(client, "crowd.group_users", "users", {"groupname": name, "expand": "user"},
                           settings.page_size):
            members.append(user["name"])
            users[user["name"]] = {"email": user.get("email")}
            if _inactive(user):
                inactive.add(user["name"])
        groups[name] = (members, children)
    return groups, users, inactive


def _memberships(client, settings, names):
    response = client.call("crowd.memberships", headers={"Accept": "application/xml"})
    try:
        root = ElementTree.fromstring(response.content)
    except ElementTree.ParseError as exc:
        raise CrowdSourceError("Crowd at %s answered /group/membership with no XML memberships document: %s"
                               % (settings.url, exc))
    groups = dict((name, ([], [])) for name in names)
    for membership in root.iter("membership"):
        name = membership.get("group")
        if name not in groups:
            # a group the search did not list: the application sees it, so read it as Crowd returns it
            groups[name] = ([], [])
        groups[name][0].extend(user.get("name") for user in membership.findall("./users/user"))
        groups[name][1].extend(group.get("name") for group in membership.findall("./groups/group"))
    members = set()
    for direct_users, _children in groups.values():
        members.update(direct_users)
    users = {}
    inactive = set()
    for user in _paged(client, "crowd.users", "users", {"entity-type": "user", "expand": "user"}, settings.page_size):
        if user["name"] in members:
            users[user["name"]] = {"email": user.get("email")}
            if _inactive(user):
                inactive.add(user["name"])
    return groups, users, inactive


def read_crowd(settings, client=None):
    """Read every group with its direct nested groups and direct users; returns a NestedGroups.

    Its `counters` hold the HTTP requests sent (`http_requests`, retries included).
    """
    with contextlib.ExitStack() as owned:
        if client is None:  # a client of its own, closed here; a given one stays open for its owner
            client = owned.enter_context(ApiClient(
                settings.url, auth=("basic", settings.application_name, settings.application_password),
                validate_certs=settings.validate_certs, ca_path=settings.ca_path, timeout=settings.timeout))
        calls_before = client.calls
        try:
            names = [g["name"] for g in _paged(client, "crowd.groups", "groups", {"entity-type": "group"}, settings.page_size)]
            read = _memberships if settings.read_mode == "memberships" else _per_group
            groups, users, inactive = read(client, settings, names)
            requests = client.calls - calls_before
        except ApiError as exc:
            raise CrowdSourceError("cannot read nested groups from Crowd at %s: %s" % (settings.url, exc))
    if settings.inactive_users == "exclude":
        groups = dict((name, ([u for u in direct if u not in inactive], children))
                      for name, (direct, children) in groups.items())
        users = dict((name, attrs) for name, attrs in users.items() if name not in inactive)
    return NestedGroups(groups, users=users, disabled=sorted(inactive), counters={"http_requests": requests})

# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The `crowd` source: read nested groups through Crowd's usermanagement REST API.

Crowd authenticates the caller as an application (application name and password in HTTP basic auth).
Reads every group name (`/search?entity-type=group`), then per group its direct nested groups
(`/group/child-group/direct`) and direct users with their details (`/group/user/direct?expand=user`),
each paged with `start-index`/`max-results`.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.client import HAS_HTTPX, ApiClient, ApiError
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._groups.flatten import NestedGroups

__all__ = ["HAS_HTTPX", "CrowdSettings", "CrowdSourceError", "read_crowd"]


class CrowdSourceError(Exception):
    """Crowd could not be read."""


class CrowdSettings:
    """The `crowd` option of the module, with its defaults."""

    def __init__(self, url, application_name, application_password, validate_certs=True, ca_path=None,
                 page_size=1000, timeout=30):
        self.url = url
        self.application_name = application_name
        self.application_password = application_password
        self.validate_certs = validate_certs
        self.ca_path = ca_path
        self.page_size = page_size
        self.timeout = timeout


def _paged(client, operation, items_key, params, page_size):
    start = 0
    while True:
        query = dict(params, **{"start-index": start, "max-results": page_size})
        items = client.call(operation, params=query).json().get(items_key) or []
        yield from items
        if len(items) < page_size:
            return
        start += len(items)


def read_crowd(settings, client=None):
    """Read every group with its direct nested groups and direct users; returns a NestedGroups."""
    own_client = client is None
    if own_client:
        client = ApiClient(settings.url, auth=("basic", settings.application_name, settings.application_password),
                           validate_certs=settings.validate_certs, ca_path=settings.ca_path,
                           timeout=settings.timeout)
    try:
        names = [g["name"] for g in _paged(client, "crowd.groups", "groups", {"entity-type": "group"}, settings.page_size)]
        groups = {}
        users = {}
        for name in names:
            children = [g["name"] for g in _paged(client, "crowd.group_child_groups", "groups",
                                                  {"groupname": name}, settings.page_size)]
            members = []
            for user in _paged(client, "crowd.group_users", "users", {"groupname": name, "expand": "user"},
                               settings.page_size):
                members.append(user["name"])
                users[user["name"]] = {"email": user.get("email")}
            groups[name] = (members, children)
    except ApiError as exc:
        raise CrowdSourceError("cannot read nested groups from Crowd at %s: %s" % (settings.url, exc))
    finally:
        if own_client:
            client.close()
    return NestedGroups(groups, users=users)

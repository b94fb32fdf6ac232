# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A guard that keeps a client of the readiness collectors read-only, whatever the code calling it does.

GET and HEAD pass; a POST passes only for the contract operations that search or fetch without changing
anything. Any other request raises before it is sent.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.contract import resolve
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.errors import CollectionError

try:
    from urllib.parse import urlsplit
except ImportError:  # pragma: no cover - Python 2 is not supported by the collection
    from urlparse import urlsplit

READ_ONLY_POSTS = frozenset(("cloud.groups.search", "cloud.users.search", "cloud.auth_policy.bulk_fetch"))


class WriteRefused(CollectionError):
    """The collectors tried to send a request that could change something."""


def _pattern(path):
    """A contract path template (``/v1/orgs/{org_id}/...``) as a regular expression of the paths it makes."""
    parts = re.split(r"(\{[^}]+\})", path)
    return re.compile("^" + "".join("[^/]+" if part.startswith("{") else re.escape(part) for part in parts) + "$")


def guard(client):
    """Make `client` (an ApiClient) refuse writes; returns the same client. Every request, paginated ones
    included, goes through ``client.request``, so that is where the guard sits."""
    request = client.request
    searches = [(resolve(op, client.overrides).method, _pattern(resolve(op, client.overrides).path))
                for op in sorted(READ_ONLY_POSTS)]

    def guarded_request(method, path, *args, **kwargs):
        method = method.upper()
        if method not in ("GET", "HEAD"):
            bare = urlsplit(path).path if "://" in path else path.split("?")[0]
            if not any(method == m and (pattern.match(bare) or pattern.match(_relative(client, bare)))
                       for m, pattern in searches):
                raise WriteRefused("the readiness report never sends %s %s" % (method, bare))
        return request(method, path, *args, **kwargs)

    client.request = guarded_request
    return client


def _relative(client, path):
    """`path` without the base URL's own path (a context path such as /confluence)."""
    prefix = urlsplit(client.base_url).path.rstrip("/")
    return path[len(prefix):] if prefix and path.startswith(prefix) else path

# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one normal form of a base URL, so that an instance, its connector and the readiness report agree on
which addresses name the same instance."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from urllib.parse import urlsplit

DEFAULT_PORTS = {"https": 443, "http": 80}


def normalize_base_url(url):
    """A base URL as products compare it: scheme and host in lower case, the scheme's default port dropped
    (``https://jira.example.com:443/`` is ``https://jira.example.com``), no trailing slash, the path kept as
    written (a context path is case-sensitive). Query and fragment are not part of a base URL and are dropped.

    A text with no scheme (an allowlist expression such as ``*.atlassian.com``) is only stripped of white
    space and trailing slashes."""
    text = (url or "").strip()
    if "://" not in text:
        return text.rstrip("/")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:  # not a URL urllib can take apart (a port that is not a number, a broken IPv6 literal)
        return _as_written(text)
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = "[%s]" % host
    netloc = host if port in (None, DEFAULT_PORTS.get(scheme)) else "%s:%d" % (host, port)
    return "%s://%s%s" % (scheme, netloc, parts.path.rstrip("/"))


def _as_written(text):
    """Scheme and authority in lower case, no trailing slash: the comparison left for a text urllib refuses."""
    scheme, _sep, rest = text.rstrip("/").partition("://")
    authority, slash, path = rest.partition("/")
    return "%s://%s%s%s" % (scheme.lower(), authority.lower(), slash, path)

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
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:  # a port that is not a number: compare the address as written
        return "%s://%s%s" % (scheme, parts.netloc.lower(), parts.path.rstrip("/"))
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = "[%s]" % host
    netloc = host if port in (None, DEFAULT_PORTS.get(scheme)) else "%s:%d" % (host, port)
    return "%s://%s%s" % (scheme, netloc, parts.path.rstrip("/"))

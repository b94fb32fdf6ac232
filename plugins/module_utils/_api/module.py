# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The clients the REST modules build from their connection options, and the checks of those options.

The connection argument specs themselves live in `argspec.py`.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api import client as api_client
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.contract import validate_overrides
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.errors import (
    ConnectionOptionsError,
    fail_from_exception,
)

try:
    from urllib.parse import urlsplit
except ImportError:  # pragma: no cover - Python 2 is not supported by the collection
    from urlparse import urlsplit


def require_httpx(module):
    if not api_client.HAS_HTTPX:
        module.fail_json(msg=missing_required_lib("httpx"), exception=str(api_client.HTTPX_IMPORT_ERROR))


# A header value (token, API key) is printable ASCII without spaces; anything else is a copy-paste accident
# that httpx would reject with a traceback ("Illegal header value b'Bearer '").
_HEADER_SAFE = re.compile(r"^[\x21-\x7e]+\Z")
_OVERRIDE = re.compile(r"^(?:[A-Z]+ )?/\S*\Z")


def validate_base_url(name, url):
    """`url` is http(s)://host[:port][/path] without query or fragment; the text says what is wrong."""
    if not isinstance(url, str) or not url.strip():
        raise ConnectionOptionsError("%s is empty; expected an http(s):// URL" % name)
    if url != url.strip() or any(ch.isspace() for ch in url):
        raise ConnectionOptionsError("%s %r contains white space; expected an http(s):// URL" % (name, url))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ConnectionOptionsError("%s %r is not a valid URL (%s); expected http(s)://host[:port][/path]"
                                     % (name, url, exc))
    if parts.scheme not in ("http", "https"):
        raise ConnectionOptionsError("%s %r has scheme %r; expected http:// or https://" % (name, url, parts.scheme))
    if not parts.hostname:
        raise ConnectionOptionsError("%s %r names no host; expected http(s)://host[:port][/path]" % (name, url))
    if parts.username or parts.password:
        raise ConnectionOptionsError("%s carries credentials in the URL; pass them as options (no_log) instead"
                                     % name)
    if parts.query or parts.fragment:
        raise ConnectionOptionsError("%s %r has a query or fragment; expected the base URL only" % (name, url))
    if port == 0:
        raise ConnectionOptionsError("%s %r has port 0; expected a port from 1 to 65535" % (name, url))


def validate_ca_path(ca_path):
    if not ca_path:
        return
    if not os.path.exists(ca_path):
        raise ConnectionOptionsError("ca_path %s does not exist; expected a file of PEM CA certificates" % ca_path)
    if not os.path.isfile(ca_path):
        raise ConnectionOptionsError("ca_path %s is not a regular file; expected a file of PEM CA certificates"
                                     % ca_path)
    try:
        with open(ca_path, "rb") as stream:
            head = stream.read(1 << 20)
    except (IOError, OSError) as exc:
        raise ConnectionOptionsError("ca_path %s cannot be read: %s" % (ca_path, exc.strerror))
    if b"-----BEGIN CERTIFICATE-----" not in head:
        raise ConnectionOptionsError("ca_path %s holds no PEM certificate (no -----BEGIN CERTIFICATE----- line)"
                                     % ca_path)


def validate_common(params):
    """The HTTP options every REST module shares."""
    validate_ca_path(params.get("ca_path"))
    timeout = params.get("timeout")
    if timeout is not None and not timeout > 0:
        raise ConnectionOptionsError("timeout must be more than 0 seconds, got %s" % timeout)
    retry_max_time = params.get("retry_max_time")
    if retry_max_time is not None and not retry_max_time >= 0:
        raise ConnectionOptionsError("retry_max_time must be 0 (no retries) or more seconds, got %s" % retry_max_time)
    overrides = params.get("api_overrides") or {}
    unknown = validate_overrides(overrides)
    if unknown:
        raise ConnectionOptionsError("api_overrides names unknown operations: %s. See docs/api-contract.md for the "
                                     "operation names." % ", ".join(unknown))
    bad = sorted(name for name, value in overrides.items()
                 if not isinstance(value, str) or not _OVERRIDE.match(value.strip()))
    if bad:
        raise ConnectionOptionsError("api_overrides values must be a path starting with / or \"METHOD /path\"; "
                                     "not so for: %s" % ", ".join(bad))


def validate_identifier(name, value):
    """An ID that becomes one segment of an API path."""
    if not isinstance(value, str) or not value.strip():
        raise ConnectionOptionsError("%s is empty; expected the ID" % name)
    if value != value.strip() or "/" in value:
        raise ConnectionOptionsError("%s %r contains white space or '/'; expected a bare ID" % (name, value))


def validate_header_secret(name, value):
    """A token or API key sent in a header; the message never repeats the value."""
    if not isinstance(value, str) or not value:
        raise ConnectionOptionsError("%s is empty; expected the secret (set the option or its environment variable)"
                                     % name)
    if not _HEADER_SAFE.match(value):
        raise ConnectionOptionsError("%s contains white space, a line break or a non-ASCII character; expected "
                                     "the secret exactly as issued (check for a stray newline)" % name)


def validate_dc(params):
    validate_base_url("url", params.get("url"))
    validate_common(params)
    if params.get("token") is not None:
        validate_header_secret("token", params["token"])
    if params.get("user") is not None and not params["user"].strip():
        raise ConnectionOptionsError("user is empty; expected the Data Center user name")
    if params.get("user") and not params.get("password"):
        raise ConnectionOptionsError("password is empty for user %s; expected the user's password" % params["user"])


def validate_cloud(params):
    validate_base_url("api_url", params.get("api_url"))
    validate_common(params)
    validate_identifier("org_id", params.get("org_id"))
    validate_header_secret("api_key", params.get("api_key"))


def validate_scim(params):
    validate_base_url("api_url", params.get("api_url"))
    validate_common(params)
    validate_identifier("directory_id", params.get("directory_id"))
    validate_header_secret("directory_api_key", params.get("directory_api_key"))


def _client(module, base_url, auth, params, validate):
    require_httpx(module)
    try:
        validate(params)
        retry = api_client.RetryPolicy(max_total=params.get("retry_max_time", 120.0))
        return api_client.ApiClient(
            base_url,
            auth=auth,
            validate_certs=params["validate_certs"],
            ca_path=params.get("ca_path"),
            timeout=params["timeout"],
            retry=retry,
            overrides=params.get("api_overrides"),
            on_retry=module.debug,
        )
    except ConnectionOptionsError as exc:
        fail_from_exception(module, exc)


def dc_client(module, params=None):
    """Client for a DC base URL (context path included, e.g. https://host/confluence)."""
    params = params if params is not None else module.params
    if params.get("token"):
        auth = ("bearer", params["token"])
    elif params.get("user"):
        auth = ("basic", params["user"], params.get("password"))
    else:
        auth = None
    return _client(module, params["url"], auth, params, validate_dc)


def cloud_client(module, params=None):
    params = params if params is not None else module.params
    return _client(module, params["api_url"], ("bearer", params["api_key"]), params, validate_cloud)


def scim_client(module, params=None):
    params = params if params is not None else module.params
    return _client(module, params["api_url"], ("bearer", params["directory_api_key"]), params, validate_scim)


def fail_api(module, error, msg=None, **result):
    """Fail the module from an ApiError (kept for the modules that name it; the work is fail_from_exception's)."""
    fail_from_exception(module, error, msg=msg, **result)

# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one error path of the collection.

Every error a module_utils package raises derives from :class:`CollectionError`; a module turns any of them
into ``fail_json`` through :func:`fail_from_exception`, the only place that builds a failure message from an
exception. That place makes the message one line, bounded in length, and free of secrets: the module's
``no_log`` values and any credential-looking fragment of a server's answer are removed in every form a server
or a library could echo them (raw, base64, ``user:password`` in base64, URL-encoded, JSON-escaped).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import json
import re

try:
    from urllib.parse import quote, quote_plus
except ImportError:  # pragma: no cover - Python 2 is not supported by the collection
    from urllib import quote, quote_plus

MASK = "********"
# A failure message longer than this is cut: a server that echoes a whole page must not flood the output.
MAX_MESSAGE = 1000
# Values shorter than this are not scrubbed as free text: masking "a" or "no" would mangle every message.
MIN_SECRET = 4

# Credential-shaped fragments that are secrets whoever's they are: an Authorization header value, a query or
# form parameter, or a JSON/YAML field whose name says it holds a secret.
_SECRET_NAMES = (r"password|passwd|pass|secret|client_secret|clientSecret|token|access_token|refresh_token|"
                 r"api_key|apiKey|api-key|x-api-key|directory_api_key|session_token|SessionToken|"
                 r"aws_secret_access_key|SecretAccessKey|keystorePass|truststorePass|authorization|cookie")
_PATTERNS = (
    # Authorization: Basic dXNlcjpwYXNz / Bearer eyJ... / Token ..., in headers and in echoed header dumps
    re.compile(r"(?i)\b(basic|bearer|digest|negotiate|aws4-hmac-sha256)(?:\s+|%20|\+)([A-Za-z0-9._~+/=%:,-]{8,})"),
    # "password": "x", 'secret': 'x', \"token\":\"x\" (JSON, Python repr, JSON inside a JSON string)
    re.compile(r"(?i)((?:\\?[\"'])(?:%s)(?:\\?[\"'])\s*[:=]\s*(?:\\?[\"']))((?:(?!\\?[\"']).)+)" % _SECRET_NAMES),
    # password=x&... (query strings, form bodies)
    re.compile(r"(?i)(\b(?:%s)=)([^\s&\"',;}]+)" % _SECRET_NAMES),
)


class CollectionError(Exception):
    """Base of every error the collection's module_utils raise.

    ``details`` are result keys the failure returns next to ``msg`` (e.g. what was written before the error,
    so that a rerun and a human can pick up from there).
    """

    def __init__(self, message, **details):
        super(CollectionError, self).__init__(message)
        self.details = details


class ConnectionOptionsError(CollectionError):
    """A connection option (URL, CA file, timeout, credential, api_overrides) that cannot work."""


class FileTargetError(CollectionError):
    """A file the module must read or write that is missing, a directory, read-only, full or changed."""


def secret_forms(value):
    """Every form in which `value` may come back from a server or a library."""
    if value is None:
        return set()
    text = value if isinstance(value, str) else str(value)
    if len(text) < MIN_SECRET:
        return set()
    raw = text.encode("utf-8")
    forms = {text, quote(text, safe=""), quote_plus(text), json.dumps(text)[1:-1],
             base64.b64encode(raw).decode("ascii"), base64.urlsafe_b64encode(raw).decode("ascii")}
    # A base64 value embedded in a longer encoded string keeps its stem but not its padding.
    forms.update(f.rstrip("=") for f in list(forms) if f.endswith("="))
    return set(f for f in forms if len(f) >= MIN_SECRET)


def basic_auth_forms(user, password):
    """The forms of an HTTP Basic credential, ``base64(user:password)`` first of all."""
    if not password:
        return set()
    return secret_forms("%s:%s" % (user or "", password)) | secret_forms(password)


class Scrubber:
    """Removes known secrets (in all their forms) and credential-shaped fragments from text."""

    def __init__(self, secrets=(), forms=()):
        found = set(forms)
        for secret in secrets:
            found.update(secret_forms(secret))
        # Longest first, so that base64(user:password) goes before a shorter secret inside it.
        self._forms = sorted(found, key=len, reverse=True)

    def add(self, *forms):
        self._forms = sorted(set(self._forms).union(forms), key=len, reverse=True)

    def __call__(self, text):
        if text is None:
            return None
        text = text if isinstance(text, str) else str(text)
        for form in self._forms:
            text = text.replace(form, MASK)
        text = _PATTERNS[0].sub(_mask_credential, text)
        for pattern in _PATTERNS[1:]:
            text = pattern.sub(lambda m: m.group(1) + MASK, text)
        return text


def _mask_credential(match):
    """``Bearer <value>`` -> ``Bearer ********`` when the value looks like a credential, not like prose
    ("Bearer authentication failed" stays)."""
    value = match.group(2)
    looks_encoded = (re.search(r"[0-9+/=._%-]", value) or (value.lower() != value and value.upper() != value))
    return "%s %s" % (match.group(1), MASK) if looks_encoded else match.group(0)


def one_line(text, limit=MAX_MESSAGE):
    """`text` on one line (whitespace runs collapsed), cut to `limit` characters."""
    text = " ".join(str(text).split())
    if len(text) > limit:
        text = text[:limit - 3].rstrip() + "..."
    return text


def module_scrubber(module):
    """A scrubber for everything the module was told to keep secret (its no_log values)."""
    return Scrubber(secrets=getattr(module, "no_log_values", ()) or ())


def safe_message(module, text):
    return one_line(module_scrubber(module)(text))


def fail_from_exception(module, error, msg=None, **result):
    """Fail the module from any error: one line naming what failed, with the error's details, no secret.

    `msg` is the context ("Cannot read organization 123"); the error says what was found and expected.
    """
    if isinstance(error, CollectionError):
        details = dict(error.details)
    else:
        details = {}
    text = str(error) or type(error).__name__
    if isinstance(error, (OSError, IOError)) and getattr(error, "strerror", None):
        where = getattr(error, "filename", None)
        text = "%s: %s" % (where, error.strerror) if where else error.strerror
    if msg:
        text = "%s: %s" % (msg, text)
    details.update(result)
    module.fail_json(msg=safe_message(module, text), **details)

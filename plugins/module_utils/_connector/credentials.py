# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Client credentials of an organization connector: a fingerprint to compare them without showing them,
and the 0600 file they are handed over in."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json
import os
import tempfile

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.errors import CollectionError
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.files import unwritable_reason


class CredentialsError(CollectionError):
    """A credentials file that cannot be read or written; the text never carries the secret."""


def fingerprint(client_id, client_secret):
    """``sha256:<hex>`` of ``client_id:client_secret``, the form the DC cloud connector endpoint reports."""
    digest = hashlib.sha256(("%s:%s" % (client_id, client_secret)).encode("utf-8")).hexdigest()
    return "sha256:" + digest


def public_view(credentials):
    """What may be shown about credentials: the client id and the fingerprint."""
    return {"client_id": credentials["client_id"],
            "fingerprint": fingerprint(credentials["client_id"], credentials["client_secret"])}


def from_api(body):
    """``{"clientId", "clientSecret"}`` as the cloud answers -> ``{"client_id", "client_secret"}``."""
    try:
        return {"client_id": body["clientId"], "client_secret": body["clientSecret"]}
    except (KeyError, TypeError):
        raise CredentialsError("the organization connector response carries no client credentials")


class CredentialsFile:
    """The file new credentials are handed over in, readable by the owner only.

    :meth:`check` proves the path can be written without writing; :meth:`prepare` creates the 0600 temporary
    file next to it *before* the credentials are issued, so that a path that cannot be written costs nothing;
    :meth:`write` fills it and replaces the destination atomically. The secret is never in a file other users
    can read, not even for a moment.
    """

    def __init__(self, path):
        self.path = os.path.abspath(os.path.expanduser(path))
        self._handle = None
        self._tmp = None

    def check(self):
        """Raise CredentialsError when the destination cannot be written; writes nothing."""
        reason = unwritable_reason(self.path)
        if reason:
            raise CredentialsError("credentials_dest %s: %s; no credentials were issued" % (self.path, reason))

    def prepare(self):
        self.check()
        directory = os.path.dirname(self.path)
        try:
            if not os.path.isdir(directory):
                os.makedirs(directory, 0o700)
            self._handle, self._tmp = tempfile.mkstemp(prefix=".credentials-", dir=directory)
            os.fchmod(self._handle, 0o600)
        except OSError as exc:
            self.discard()
            raise CredentialsError("cannot create %s: %s; no credentials were issued" % (self.path, exc.strerror))

    def write(self, credentials, connector):
        """Write credentials (and which connector they belong to) as JSON; returns the absolute path."""
        if self._handle is None:
            self.prepare()
        document = {"client_id": credentials["client_id"], "client_secret": credentials["client_secret"],
                    "connector_id": connector.get("id"), "base_url": connector.get("base_url"),
                    "name": connector.get("name")}
        handle, self._handle = self._handle, None
        try:
            with os.fdopen(handle, "w") as stream:
                json.dump(document, stream, indent=2, sort_keys=True)
                stream.write("\n")
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(self._tmp, self.path)
            self._tmp = None
        except OSError as exc:
            self.discard()
            raise CredentialsError("new client credentials were issued but cannot be written to %s: %s. They are "
                                   "lost: free the space or fix the path, then run again with state=rotated to "
                                   "issue new ones." % (self.path, exc.strerror), changed=True, credentials_issued=True)
        return self.path

    def discard(self):
        if self._handle is not None:
            os.close(self._handle)
            self._handle = None
        if self._tmp and os.path.exists(self._tmp):
            os.unlink(self._tmp)
        self._tmp = None


def _document_or_none(path):
    """The JSON object a credentials file holds, or None when it cannot be read as one."""
    try:
        with open(os.path.expanduser(path)) as stream:
            document = json.load(stream)
    except (OSError, IOError, ValueError):
        return None
    return document if isinstance(document, dict) else None


def held_for(path, connector_id):
    """Whether the credentials file at `path` holds credentials of `connector_id` (nothing else is read)."""
    document = _document_or_none(path) or {}
    return (document.get("connector_id") == connector_id
            and bool(document.get("client_id")) and bool(document.get("client_secret")))


def connector_of(path):
    """The connector id a credentials file names, or None."""
    return (_document_or_none(path) or {}).get("connector_id")


def read_file(path):
    """Credentials from a file written by :func:`write_file` (or by hand with the same two keys)."""
    try:
        with open(os.path.expanduser(path)) as stream:
            document = json.load(stream)
    except (OSError, IOError) as exc:
        raise CredentialsError("cannot read %s: %s" % (path, getattr(exc, "strerror", exc)))
    except ValueError:
        raise CredentialsError("%s is not JSON with client_id and client_secret" % path)
    if not isinstance(document, dict) or not document.get("client_id") or not document.get("client_secret"):
        raise CredentialsError("%s does not hold client_id and client_secret" % path)
    return {"client_id": str(document["client_id"]), "client_secret": str(document["client_secret"])}

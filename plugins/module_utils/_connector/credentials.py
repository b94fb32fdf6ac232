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


def write_file(path, credentials, connector):
    """Write credentials (and which connector they belong to) as JSON, readable by the owner only.

    The file is created 0600 before anything is written to it and replaced atomically, so the secret is never
    in a file other users can read, not even for a moment. Returns the absolute path.
    """
    path = os.path.abspath(os.path.expanduser(path))
    directory = os.path.dirname(path)
    try:
        if not os.path.isdir(directory):
            os.makedirs(directory, 0o700)
        handle, tmp = tempfile.mkstemp(prefix=".credentials-", dir=directory)
    except OSError as exc:
        raise CredentialsError("cannot create %s: %s" % (path, exc.strerror))
    try:
        os.fchmod(handle, 0o600)
        document = {"client_id": credentials["client_id"], "client_secret": credentials["client_secret"],
                    "connector_id": connector.get("id"), "base_url": connector.get("base_url"),
                    "name": connector.get("name")}
        with os.fdopen(handle, "w") as stream:
            json.dump(document, stream, indent=2, sort_keys=True)
            stream.write("\n")
        os.replace(tmp, path)
    except OSError as exc:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise CredentialsError("cannot write %s: %s" % (path, exc.strerror))
    return path


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

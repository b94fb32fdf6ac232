# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Which app, and which version, an install URL serves: read from the app's own descriptor.

UPM learns what it installs by downloading the URL and reading ``atlassian-plugin.xml`` (the ``key``
attribute and ``plugin-info/version``), or the OSGi manifest headers ``Atlassian-Plugin-Key`` /
``Bundle-Version`` of a transformerless app. Reading the same descriptor on the controller lets ``dc_app``
decide before any write whether the URL serves the wanted app and a version it does not have yet, so a rerun
of ``state=latest`` sends nothing and check mode predicts the installed version exactly.

An OBR is a zip whose top-level jar is the app (dependencies sit in ``dependencies/``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import io
import ssl
import tempfile
import zipfile
from xml.etree import ElementTree

# httpx comes through the client, which imports it without its command-line client (see _api/client.py).
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.client import httpx
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.errors import CollectionError

try:
    import certifi
except ImportError:  # pragma: no cover - an httpx dependency; the module reports httpx through missing_required_lib first
    certifi = None

DESCRIPTOR = "atlassian-plugin.xml"
MANIFEST = "META-INF/MANIFEST.MF"
MAX_BYTES = 512 * 1024 * 1024  # Marketplace apps are far smaller; the bound keeps a wrong URL from filling the disk
_SPOOL_BYTES = 8 * 1024 * 1024


class ArtifactError(CollectionError):
    """The URL could not be read, or what it serves is not a Data Center app."""


def read_descriptor(archive):
    """``{"key", "version", "name"}`` of the app in a jar or OBR (bytes or a binary file object)."""
    if isinstance(archive, bytes):
        archive = io.BytesIO(archive)
    try:
        with zipfile.ZipFile(archive) as outer:
            found = _from_jar(outer)
            if found:
                return found
            for name in outer.namelist():
                if name.lower().endswith(".jar") and "/" not in name.strip("/"):
                    with zipfile.ZipFile(io.BytesIO(outer.read(name))) as inner:
                        found = _from_jar(inner)
                    if found:
                        return found
    except (zipfile.BadZipfile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError) as exc:
        raise ArtifactError("it is not a jar or OBR archive (%s)" % exc)
    raise ArtifactError("it has no %s and no Atlassian-Plugin-Key manifest header" % DESCRIPTOR)


def _from_jar(jar):
    names = set(jar.namelist())
    key = version = name = None
    if DESCRIPTOR in names:
        try:
            root = ElementTree.fromstring(jar.read(DESCRIPTOR))
        except ElementTree.ParseError as exc:
            raise ArtifactError("its %s is not well-formed XML (%s)" % (DESCRIPTOR, exc))
        key = (root.get("key") or "").strip() or None
        name = (root.get("name") or "").strip() or None
        version = (root.findtext("plugin-info/version") or "").strip() or None
    if MANIFEST in names and not (key and version):
        headers = _manifest(jar.read(MANIFEST))
        key = key or headers.get("Atlassian-Plugin-Key") or None
        version = version or headers.get("Bundle-Version") or None
        name = name or headers.get("Bundle-Name") or None
    if not key:
        return None
    if not version:
        raise ArtifactError("its descriptor names the app %s but no version" % key)
    return {"key": key, "version": version, "name": name or key}


def _manifest(raw):
    """Manifest headers; continuation lines start with one space (JAR File Specification)."""
    headers, last = {}, None
    for line in raw.decode("utf-8", "replace").splitlines():
        if line.startswith(" ") and last:
            headers[last] += line[1:]
        elif ":" in line:
            last, _sep, value = line.partition(":")
            last = last.strip()
            headers[last] = value.strip()
    return dict((k, v.strip()) for k, v in headers.items())


def download_client(validate_certs=True, ca_path=None, timeout=60.0):
    """An httpx client for app downloads: no credentials (the instance's never leave for a Marketplace or an
    artifact repository), public CAs plus `ca_path`."""
    verify = False
    if validate_certs:
        verify = ssl.create_default_context(cafile=certifi.where())
        if ca_path:
            verify.load_verify_locations(cafile=ca_path)
    return httpx.Client(verify=verify, timeout=httpx.Timeout(timeout, connect=10.0),
                        headers={"User-Agent": "dcops.atlassian_cloud"})


def describe_url(http, url, max_bytes=MAX_BYTES):
    """Download `url` with the httpx client `http` (redirects followed) and read its descriptor."""
    try:
        with tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES) as spool:
            with http.stream("GET", url, follow_redirects=True) as response:
                if response.status_code != 200:
                    raise ArtifactError("it answered HTTP %d" % response.status_code)
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise ArtifactError("it serves more than %d MiB" % (max_bytes // (1024 * 1024)))
                    spool.write(chunk)
            spool.seek(0)
            return read_descriptor(spool)
    except (httpx.HTTPError, httpx.InvalidURL, ValueError, OSError) as exc:
        raise ArtifactError("it cannot be downloaded from the controller (%s: %s)" % (type(exc).__name__, exc))

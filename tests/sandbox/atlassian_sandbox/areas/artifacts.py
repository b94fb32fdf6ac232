"""An app artifact repository (what a Marketplace download or a Nexus/Artifactory URL is to UPM).

``GET /artifacts/<key>-<version>.jar`` (or ``.obr``) on the cloud persona's port answers a real app archive:
a jar whose ``atlassian-plugin.xml`` carries ``key`` and ``plugin-info/version`` (an OBR wraps that jar at its
top level, as Atlassian's OBR files do). ``served`` in the state (``{file name: {"key", "version"}}``) makes a
file serve another app or version than its name says, for the tests of a URL that serves the wrong thing.
UPM (``areas/upm.py``) reads the same descriptor when it is asked to install one of these URLs.
"""

from __future__ import annotations

import io
import re
import zipfile

from aiohttp import web

KINDS = {"cloud"}
PATH = "/artifacts/"
_FILE = re.compile(r"^(?P<key>[^/]+?)-(?P<version>\d+(?:\.\d+)*(?:[-.][A-Za-z0-9]+)*)\.(?P<kind>jar|obr)$")


def initial_state(persona):
    return {"served": {}}


def descriptor(state, file_name):
    """{"key", "version", "name"} the file serves, or None for a name the repository does not hold."""
    if file_name in state["served"]:
        found = dict(state["served"][file_name])
        found.setdefault("name", found["key"])
        return found
    match = _FILE.match(file_name)
    if not match:
        return None
    return {"key": match.group("key"), "version": match.group("version"), "name": match.group("key")}


def _jar(app):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as jar:
        jar.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\nBundle-SymbolicName: %s\r\n" % app["key"])
        jar.writestr("atlassian-plugin.xml", (
            '<atlassian-plugin key="%s" name="%s" plugins-version="2">\n'
            '  <plugin-info>\n    <description>Sandbox app</description>\n    <version>%s</version>\n'
            '    <vendor name="dcops sandbox"/>\n  </plugin-info>\n</atlassian-plugin>\n'
        ) % (app["key"], app["name"], app["version"]))
    return buffer.getvalue()


def archive(app, kind):
    jar = _jar(app)
    if kind == "jar":
        return jar
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as obr:
        obr.writestr("obr.xml", "<repository/>\n")
        obr.writestr("%s-%s.jar" % (app["key"], app["version"]), jar)
    return buffer.getvalue()


def routes(persona):
    async def download(request):
        name = request.match_info["file"]
        app = descriptor(persona.state["artifacts"], name)
        if app is None:
            return web.Response(status=404, text="Not found")
        return web.Response(body=archive(app, "obr" if name.endswith(".obr") else "jar"),
                            content_type="application/java-archive")

    return [web.get(PATH + "{file}", download)]

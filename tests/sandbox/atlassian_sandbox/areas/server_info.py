"""Product and version: Jira's /rest/api/2/serverInfo, the Application Links manifest (XML by default,
JSON on request, as the products answer) and the node /status endpoint.

State: ``node_state``; ``version`` and ``build_number``, when seeded, replace the persona's own (a milestone such
as 11.3.0-m1, say)."""

from __future__ import annotations

import datetime
import re
from xml.sax.saxutils import escape

from aiohttp import web

from ..auth import ANONYMOUS, requires

KINDS = {"jira", "confluence"}


def initial_state(persona):
    return {"node_state": "RUNNING"}


def _version_numbers(version):
    # As Jira reports a milestone's: the numbers of its release (11.3.0-m1 -> [11, 3, 0]).
    return [int(part) for part in re.match(r"[\d.]*\d", version).group(0).split(".")]


def routes(persona):
    def version():
        state = persona.state["server_info"]
        return state.get("version") or persona.version, state.get("build_number") or persona.build_number

    @requires(ANONYMOUS)
    async def server_info(request):
        number, build = version()
        now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000+0000")
        return web.json_response({
            "baseUrl": persona.base_url,
            "version": number,
            "versionNumbers": _version_numbers(number),
            "deploymentType": "Server",
            "buildNumber": build,
            "buildDate": "2025-11-04T00:00:00.000+0000",
            "databaseBuildNumber": build,
            "serverTime": now,
            "scmInfo": "3f1b2c5d9e0a7b4c6d8e1f2a3b4c5d6e7f8a9b0c",
            "serverTitle": persona.display_name,
        })

    @requires(ANONYMOUS)
    async def manifest(request):
        number, build = version()
        data = {
            "id": f"sandbox-{persona.name}",
            "name": persona.display_name,
            "typeId": persona.kind,
            "version": number,
            "buildNumber": str(build),
            "applinksVersion": "10.0.6",
            "publicSignup": "false",
            "url": persona.base_url,
        }
        if "application/json" in request.headers.get("Accept", ""):
            return web.json_response(data)
        body = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>', "<manifest>"]
        body += [f"<{key}>{escape(str(value))}</{key}>" for key, value in data.items()]
        body.append("</manifest>")
        return web.Response(text="".join(body), content_type="application/xml")

    @requires(ANONYMOUS)
    async def status(request):
        return web.json_response({"state": persona.state["server_info"]["node_state"]})

    result = [
        web.get(persona.path("/rest/applinks/1.0/manifest"), manifest),
        web.get(persona.path("/status"), status),
    ]
    if persona.kind == "jira":
        result.append(web.get(persona.path("/rest/api/2/serverInfo"), server_info))
    return result

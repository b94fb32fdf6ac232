"""The Atlassian Marketplace REST API (v2) version look-ups, on the cloud persona's port.

As the Marketplace answers them (https://developer.atlassian.com/platform/marketplace/rest/v2/api-group-app-versions/
and public Marketplace clients): ``GET /rest/2/addons/{addonKey}/versions/latest`` filtered by ``application``,
``applicationBuild`` and ``hosting`` answers the newest public version compatible with them (404 when none is);
``GET /rest/2/addons/{addonKey}/versions/name/{name}`` answers one version, unfiltered. An ``AddonVersion`` is
``{"_links": {"self", "artifact": {"href", "type"}}, "name", "buildNumber", "status", "paymentModel",
"compatibilities": [{"application", "hosting": {"dataCenter": {"min": {"build", "version"}, "max": {...}}}}]}``.
Artifact links point at this sandbox's artifact repository (``areas/artifacts.py``), so UPM installs them.

State ``apps``: ``{key: [{"name", "buildNumber", "dataCenter": {"jira": [min build, max build], ...}}]}``.
"""

from __future__ import annotations

from aiohttp import web

from .artifacts import PATH as ARTIFACTS

KINDS = {"cloud"}
CLOUD_COMPANION = "com.atlassian.cloud-companion"


def initial_state(persona):
    # Placeholder versions of the placeholder Cloud Companion key: 1.4.x for Jira 10.x / Confluence 9.x,
    # 2.x for the releases that can host cloud connectors (Jira 11.3 build 110300, Confluence 10.2.1 build 10020100).
    older = {"jira": [100000, 110299], "confluence": [9000000, 10019999]}
    current = {"jira": [110300, 119999], "confluence": [10020000, 10999999]}
    return {"apps": {CLOUD_COMPANION: [
        {"name": "1.4.2", "buildNumber": 1400200, "dataCenter": older},
        {"name": "2.0.0", "buildNumber": 2000000, "dataCenter": current},
        {"name": "2.1.0", "buildNumber": 2010000, "dataCenter": current},
    ]}}


def _not_found(message):
    return web.json_response({"errors": [{"message": message}]}, status=404)


def routes(persona):
    def versions(key):
        return persona.state["marketplace"]["apps"].get(key, [])

    def represent(key, version):
        compat = [{"application": app, "hosting": {"dataCenter": {"min": {"build": low}, "max": {"build": high}}}}
                  for app, (low, high) in sorted(version["dataCenter"].items())]
        base = "/rest/2/addons/%s/versions/build/%d" % (key, version["buildNumber"])
        return {"_links": {"self": {"href": base},
                           "artifact": {"href": "%s%s%s-%s.jar" % (persona.base_url, ARTIFACTS, key, version["name"]),
                                        "type": "application/java-archive"}},
                "name": version["name"], "buildNumber": version["buildNumber"], "status": "public",
                "paymentModel": "free", "compatibilities": compat}

    async def latest(request):
        key = request.match_info["key"]
        application = request.query.get("application")
        build = request.query.get("applicationBuild")
        hosting = request.query.get("hosting", "any")
        found = []
        for version in versions(key):
            if hosting not in ("any", "datacenter"):
                continue
            if application:
                span = version["dataCenter"].get(application)
                if span is None or (build and not span[0] <= int(build) <= span[1]):
                    continue
            found.append(version)
        if not found:
            return _not_found("No matching version of %s" % key)
        return web.json_response(represent(key, max(found, key=lambda v: v["buildNumber"])))

    async def by_name(request):
        key = request.match_info["key"]
        for version in versions(key):
            if version["name"] == request.match_info["name"]:
                return web.json_response(represent(key, version))
        return _not_found("No version %s of %s" % (request.match_info["name"], key))

    return [web.get("/rest/2/addons/{key}/versions/latest", latest),
            web.get("/rest/2/addons/{key}/versions/name/{name}", by_name)]

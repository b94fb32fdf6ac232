"""Universal Plugin Manager REST (/rest/plugins/1.0/) on the DC personas.

As UPM answers: the installed list carries the one-time ``upm-token`` response header; an install is a POST
with ``?token=`` and ``Content-Type: application/vnd.atl.plugins.install.uri+json`` answered 202 with a task
representation whose ``links.self`` is polled (the 202 also carries it as ``Location``); the task is pending
on the first poll and then either complete or failed. Complete is answered as UPM answers it: ``303 See Other``
with ``Location`` set to the installed app and NO body (public UPM clients follow the Location or read the app
by key; nothing may be read from the redirect itself). Failed is ``200`` with ``status.done`` and
``errorMessage`` / ``subCode`` and an ``...install.err+json``-style content type.

What an install URI serves, as UPM learns it by downloading the URI and reading the app's descriptor: an app
jar of this sandbox's artifact repository (``areas/artifacts.py``: the same key and version the jar's
``atlassian-plugin.xml`` carries), a ``catalogue`` entry (URI -> key, name, version) seeded by tests, or a
file name of the form ``<key>-<version>.jar`` / ``.obr`` at the end of the URI.
"""

from __future__ import annotations

import re
import secrets
import uuid

from aiohttp import web

from ..auth import ADMIN, requires
from . import artifacts

KINDS = {"jira", "confluence"}

INSTALLED_TYPE = "application/vnd.atl.plugins.installed+json"
PLUGIN_TYPE = "application/vnd.atl.plugins.plugin+json"
INSTALL_URI_TYPE = "application/vnd.atl.plugins.install.uri+json"
INSTALLING_TYPE = "application/vnd.atl.plugins.install.installing+json"
ERROR_TYPE = "application/vnd.atl.plugins.task.install.err+json"
# Polls a task answers "pending" before it completes (UPM's pingAfter loop).
PENDING_POLLS = 1

_FILE_NAME = re.compile(r"/(?P<key>[^/]+?)-(?P<version>\d+(?:\.\d+)*(?:[-.][A-Za-z0-9]+)*)\.(?:jar|obr)$")


def initial_state(persona):
    return {
        "plugins": {
            "com.atlassian.upm.atlassian-universal-plugin-manager-plugin": {
                "key": "com.atlassian.upm.atlassian-universal-plugin-manager-plugin",
                "name": "Atlassian Universal Plugin Manager Plugin",
                "version": "7.1.6",
                "enabled": True,
                "userInstalled": False,
            },
        },
        "catalogue": {},
        "tasks": {},
        "token": None,
    }


def _json(body, status=200, content_type="application/json", headers=None):
    response = web.json_response(body, status=status, headers=headers)
    response.content_type = content_type
    return response


def _upm_error(status, sub_code, message):
    return web.json_response({"status-code": status, "subCode": sub_code, "message": message}, status=status)


# state()["plugins"] keyed by the path's {key}, and UPM's answer when there is none
PLUGIN_IN_PATH = ("plugins", "key", "upm.plugin.not.found", "Plugin not found.")


def routes(persona):
    def state():  # looked up on each call: the state dict is replaced on reset
        return persona.state["upm"]

    def named(request, collection, path_key, code, message):
        """(the entry of state()[collection] the path names, None), or (None, UPM's 404 with `code`)."""
        found = state()[collection].get(request.match_info[path_key])
        return (found, None) if found is not None else (None, _upm_error(404, code, message))

    def plugin_link(key):
        return persona.path(f"/rest/plugins/1.0/{key}-key")

    def plugin_repr(plugin):
        return dict(plugin, links={"self": plugin_link(plugin["key"])})

    def task_repr(task_id, task):
        body = {"type": "INSTALL", "pingAfter": 100, "id": task_id,
                "links": {"self": persona.path(f"/rest/plugins/1.0/pending/{task_id}")}}
        if task["state"] == "pending":
            body["status"] = {"done": False, "statusCode": 200, "contentType": INSTALLING_TYPE,
                              "source": task["uri"]}
        else:  # failed: a completed task is never represented, UPM redirects instead
            body["status"] = {"done": True, "statusCode": 200, "contentType": ERROR_TYPE, "source": task["uri"],
                              "subCode": "upm.pluginInstall.error.descriptor.not.found",
                              "errorMessage": task["error"]}
        return body

    def resolve_uri(uri):
        known = state()["catalogue"].get(uri)
        if known:
            return known
        cloud = persona.sandbox.cloud
        repository = "%s%s" % (cloud.base_url, artifacts.PATH)
        if uri.startswith(repository):
            return artifacts.descriptor(cloud.state["artifacts"], uri[len(repository):].split("?", 1)[0])
        match = _FILE_NAME.search(uri.split("?", 1)[0])
        if match:
            return {"key": match.group("key"), "name": match.group("key"), "version": match.group("version")}
        return None

    @requires(ADMIN)
    async def installed(request):
        token = secrets.token_hex(8)
        state()["token"] = token
        plugins = [plugin_repr(p) for p in sorted(state()["plugins"].values(), key=lambda p: p["key"])]
        return _json({"plugins": plugins, "links": {"self": persona.path("/rest/plugins/1.0/")}},
                     content_type=INSTALLED_TYPE, headers={"upm-token": token})

    @requires(ADMIN)
    async def install(request):
        token = request.query.get("token")
        if not token or token != state()["token"]:
            return _upm_error(403, "upm.error.invalid.token", "Invalid or missing UPM token.")
        state()["token"] = None  # one install per token
        if request.content_type != INSTALL_URI_TYPE:
            return _upm_error(415, "upm.error.unsupported.media.type",
                              f"Unsupported media type {request.content_type}.")
        body = await request.json()
        uri = body.get("pluginUri")
        if not uri:
            return _upm_error(400, "upm.error.invalid.request", "pluginUri is required.")
        task_id = str(uuid.uuid4())
        found = resolve_uri(uri)
        task = {"uri": uri, "state": "pending", "polls": 0}
        if found:
            task.update(key=found["key"], name=body.get("pluginName") or found.get("name") or found["key"],
                        version=found["version"])
        else:
            task["error"] = f"Could not find a plugin descriptor in {uri}."
        state()["tasks"][task_id] = task
        return _json(task_repr(task_id, task), status=202, content_type=INSTALLING_TYPE,
                     headers={"Location": persona.path(f"/rest/plugins/1.0/pending/{task_id}")})

    @requires(ADMIN)
    async def pending(request):
        task_id = request.match_info["task_id"]
        task, missing = named(request, "tasks", "task_id", "upm.error.task.not.found", "No such task.")
        if missing is not None:
            return missing
        if task["state"] == "pending":
            task["polls"] += 1
            if task["polls"] > PENDING_POLLS:
                if "error" in task:
                    task["state"] = "failed"
                else:
                    task["state"] = "complete"
                    state()["plugins"][task["key"]] = {"key": task["key"], "name": task["name"],
                                                       "version": task["version"], "enabled": True,
                                                       "userInstalled": True}
        if task["state"] == "complete":
            # UPM's redirect to the installed app: a Location and no entity
            return web.Response(status=303, headers={
                "Location": f"{persona.sandbox.scheme}://localhost:{persona.port}" + plugin_link(task["key"])})
        body = task_repr(task_id, task)
        return _json(body, content_type=body["status"]["contentType"])

    @requires(ADMIN)
    async def get_plugin(request):
        plugin, missing = named(request, *PLUGIN_IN_PATH)
        if missing is not None:
            return missing
        return _json(plugin_repr(plugin), content_type=PLUGIN_TYPE)

    @requires(ADMIN)
    async def delete_plugin(request):
        key = request.match_info["key"]
        plugin, missing = named(request, *PLUGIN_IN_PATH)
        if missing is not None:
            return missing
        if not plugin.get("userInstalled"):
            return _upm_error(403, "upm.pluginUninstall.error.system.plugin", "System apps cannot be uninstalled.")
        del state()["plugins"][key]
        return web.Response(status=204)

    return [
        web.get(persona.path("/rest/plugins/1.0/"), installed),
        web.post(persona.path("/rest/plugins/1.0/"), install),
        web.get(persona.path("/rest/plugins/1.0/pending/{task_id}"), pending),
        web.get(persona.path("/rest/plugins/1.0/{key}-key"), get_plugin),
        web.delete(persona.path("/rest/plugins/1.0/{key}-key"), delete_plugin),
    ]

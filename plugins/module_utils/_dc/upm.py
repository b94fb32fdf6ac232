# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Data Center apps through the Universal Plugin Manager (UPM) REST API: versions, the plan, install by URI
with the one-time ``upm-token``, task polling and uninstall."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import time

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._dc.artifact import ArtifactError
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.errors import CollectionError

INSTALLED_TYPE = "application/vnd.atl.plugins.installed+json"
PLUGIN_TYPE = "application/vnd.atl.plugins.plugin+json"
INSTALL_URI_TYPE = "application/vnd.atl.plugins.install.uri+json"

_VERSION = re.compile(r"^\s*v?(\d+(?:\.\d+)*)(.*)$")


class UpmError(CollectionError):
    """An install that UPM reported as failed, or that did not finish in time."""


def version_key(text):
    """A sort key that orders versions as people mean them.

    Numbers compare as numbers (1.10.0 > 1.9.2), missing parts count as zero (1.2 == 1.2.0), and a release
    sorts after its own pre-releases (1.4.0-beta2 < 1.4.0 < 1.4.1). Text parts of a qualifier compare as
    text, number parts as numbers.
    """
    match = _VERSION.match(str(text or ""))
    if not match:
        raise ValueError("%r is not a version number" % (text,))
    numbers = [int(part) for part in match.group(1).split(".")]
    while len(numbers) > 1 and numbers[-1] == 0:
        numbers.pop()
    qualifier = match.group(2).strip("-._ +")
    if not qualifier:
        return (tuple(numbers), 1, ())
    parts = tuple((0, int(p), "") if p.isdigit() else (1, 0, p.lower())
                  for p in re.findall(r"\d+|[A-Za-z]+", qualifier))
    return (tuple(numbers), 0, parts)


def compare_versions(left, right):
    """-1, 0 or 1."""
    a, b = version_key(left), version_key(right)
    return (a > b) - (a < b)


UNKNOWN_VERSION = "(the version the URL serves, unknown until UPM installs it)"


class AppPlan(object):
    """What ``dc_app`` will do about one app, decided before any write.

    `action` is None, "install" or "uninstall"; `after` the version the app will have (None when it will
    not be installed, `UNKNOWN_VERSION` when the URL could not be read ahead); `served` the descriptor of the
    URL's app when it was read; `note` why the prediction is limited, if it is.
    """

    def __init__(self, action, reason, after, served=None, note=None):
        self.action = action
        self.reason = reason
        self.after = after
        self.served = served
        self.note = note


def plan_app(key, installed, state, version=None, version_match="minimum", app_url=None, describe=None):
    """Decide the action for `key` (installed version `installed` or None).

    `app_url` names where the app comes from (a URL, or the Atlassian Marketplace). `describe()` returns
    ``{"key", "version", "name"}`` of the app it serves (and ``url`` when that differs from `app_url`), or
    raises ``ArtifactError`` (a URL that cannot be read ahead) or ``UpmError``; it is only called when an
    install is in question. Raises ``UpmError`` for a request that cannot be met (no source, the source serves
    another app or an unsuitable version), before any write.
    """
    if state == "absent":
        if installed:
            return AppPlan("uninstall", "installed", None)
        return AppPlan(None, "not installed", None)
    if state == "latest" and version is not None and satisfies(installed, version, "minimum"):
        return AppPlan(None, "%s installed satisfies at least %s" % (installed, version), installed)
    if state == "present":
        if installed is not None and satisfies(installed, version, version_match):
            if version is None:
                return AppPlan(None, "installed (%s)" % installed, installed)
            return AppPlan(None, "%s installed satisfies %s %s" % (installed, version_match, version), installed)
        if installed is None:
            reason = "not installed"
        elif version_match == "exact":
            reason = "%s installed, %s wanted" % (installed, version)
        else:
            reason = "%s installed, at least %s wanted" % (installed, version)
    else:
        reason = "not installed" if installed is None else None
    if not app_url:
        raise UpmError("%s, and no app_url is given to install it from" % (reason or "state=latest"))
    served, note = _read_served(key, app_url, describe, required=(state == "latest"))
    if served is None:
        return AppPlan("install", reason, UNKNOWN_VERSION, note=note)
    offered = served["version"]
    if state == "present" and not satisfies(offered, version, version_match):
        raise UpmError("%s serves %s %s, but %s %s is wanted: nothing was installed" % (
            app_url, key, offered, version_match, version))
    if state == "latest" and installed is not None:
        if compare_versions(offered, installed) <= 0:
            return AppPlan(None, "%s installed is not older than the %s %s serves" % (installed, offered, app_url),
                           installed, served)
        reason = "%s installed, %s serves %s" % (installed, app_url, offered)
    return AppPlan("install", reason, offered, served)


def _read_served(key, app_url, describe, required):
    try:
        served = describe()
    except ArtifactError as exc:
        if required:
            raise UpmError("state=latest reads which version %s serves before installing, but %s. Pin the "
                           "version with state=present and version, or make the URL readable from the "
                           "controller" % (app_url, exc))
        return None, "%s could not be read ahead (%s): UPM decides which version it installs" % (app_url, exc)
    if served["key"] != key:
        raise UpmError("%s serves the app %s, not %s: nothing was installed" % (app_url, served["key"], key))
    return served, None


def satisfies(installed, version, version_match):
    if installed is None:
        return False
    if version is None:
        return True
    order = compare_versions(installed, version)
    return order == 0 if version_match == "exact" else order >= 0


class Upm:
    """UPM operations on one DC base URL through an ApiClient."""

    def __init__(self, client, sleep=time.sleep, clock=time.monotonic):
        self.client = client
        self._sleep = sleep
        self._clock = clock

    def plugin(self, key):
        """The installed app as UPM describes it, or None."""
        response = self.client.call("upm.plugin", path_params={"plugin_key": key},
                                    headers={"Accept": PLUGIN_TYPE + ", application/json"}, allow=(404,))
        if response.status_code == 404:
            return None
        return response.json()

    def token(self):
        """A fresh one-time install token (the ``upm-token`` header of the installed list)."""
        response = self.client.call("upm.plugins", params={"os_authType": "basic"},
                                    headers={"Accept": INSTALLED_TYPE})
        token = response.headers.get("upm-token")
        if not token:
            raise UpmError("UPM did not return an upm-token header; is the user a system administrator?")
        return token

    def install(self, uri, name=None, timeout=300.0):
        """Install or upgrade from `uri` and wait for UPM's task to end (one token per install)."""
        body = {"pluginUri": uri}
        if name:
            body["pluginName"] = name
        response = self.client.call(
            "upm.install", params={"token": self.token()}, json=body,
            headers={"Content-Type": INSTALL_URI_TYPE, "Accept": "application/json",
                     "X-Atlassian-Token": "no-check"},
            expect=(200, 201, 202))
        task = _json_or_none(response)
        if not isinstance(task, dict):
            raise UpmError("UPM accepted the install of %s but answered no task to follow" % uri)
        self.wait(task, timeout, response.headers.get("Location"))

    def wait(self, task, timeout, location=None):
        """Poll a UPM task until it ends.

        UPM ends a successful task by answering the poll with ``303 See Other`` whose ``Location`` is the
        installed app, and no body to rely on; a failed task answers 200 with ``status.done`` and an error.
        Nothing is read from the 303: the caller reads the app by key afterwards.
        """
        deadline = self._clock() + timeout
        pending = task_id(task, location)
        while True:
            status = task.get("status") or {}
            if status.get("done"):
                _raise_task_error(status)
                return
            if self._clock() >= deadline:
                raise UpmError("the UPM install task did not finish within %.0f s" % timeout)
            self._sleep(min(max(_number(task.get("pingAfter"), 100) / 1000.0, 0.1), 5.0))
            response = self.client.call("upm.task", path_params={"task_id": pending}, expect=(200, 303))
            if response.status_code == 303:
                return
            task = _json_or_none(response)
            if not isinstance(task, dict):
                raise UpmError("UPM answered the task poll with no task representation")

    def uninstall(self, key):
        self.client.call("upm.uninstall", path_params={"plugin_key": key}, expect=(200, 204))


def _json_or_none(response):
    try:
        return response.json()
    except ValueError:
        return None


def _number(value, default):
    try:
        return float(value)
    except (TypeError, ValueError):
        return float(default)


def _raise_task_error(status):
    if status.get("errorMessage") or status.get("subCode") or "err" in str(status.get("contentType") or ""):
        raise UpmError("UPM could not install %s: %s" % (
            status.get("source") or "the app",
            status.get("errorMessage") or status.get("subCode") or status.get("contentType")))


def task_id(task, location=None):
    """The pending task's id: the last segment of ``links.self`` (or of the install response's
    ``Location``). The link carries the context path, so it is not requested as-is: the contract's
    ``upm.task`` path is."""
    for link in (((task.get("links") or {}).get("self")), location, task.get("id") and "/pending/" + task["id"]):
        link = (link or "").split("?", 1)[0].rstrip("/")
        if "/pending/" in link:
            return link.rsplit("/", 1)[1]
    raise UpmError("the UPM task has no pending link to poll")

# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Data Center apps through the Universal Plugin Manager (UPM) REST API: versions, the plan, install by URI
with the one-time ``upm-token``, task polling and uninstall."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import time

INSTALLED_TYPE = "application/vnd.atl.plugins.installed+json"
PLUGIN_TYPE = "application/vnd.atl.plugins.plugin+json"
INSTALL_URI_TYPE = "application/vnd.atl.plugins.install.uri+json"

_VERSION = re.compile(r"^\s*v?(\d+(?:\.\d+)*)(.*)$")


class UpmError(Exception):
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


def plan(installed, state, version=None, version_match="minimum"):
    """What to do about one app: ``(action, reason)`` where action is None, "install" or "uninstall".

    `installed` is the installed version or None. For ``latest`` the URL decides the version, so the app is
    (re)installed from it and the caller compares versions afterwards.
    """
    if state == "absent":
        return ("uninstall", "installed") if installed else (None, "not installed")
    if installed is None:
        return "install", "not installed"
    if state == "latest":
        return "install", "installing the URL's version over %s" % installed
    if version is None:
        return None, "installed (%s)" % installed
    order = compare_versions(installed, version)
    if version_match == "exact" and order != 0:
        return "install", "%s installed, %s wanted" % (installed, version)
    if version_match == "minimum" and order < 0:
        return "install", "%s installed, at least %s wanted" % (installed, version)
    return None, "%s installed satisfies %s %s" % (installed, version_match, version)


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
        """Install or upgrade from `uri` and wait for the task; returns the final task representation."""
        body = {"pluginUri": uri}
        if name:
            body["pluginName"] = name
        response = self.client.call(
            "upm.install", params={"token": self.token()}, json=body,
            headers={"Content-Type": INSTALL_URI_TYPE, "Accept": "application/json",
                     "X-Atlassian-Token": "no-check"},
            expect=(200, 201, 202))
        return self.wait(response.json(), timeout)

    def wait(self, task, timeout):
        """Poll a UPM task until it is done: UPM answers 303 See Other (or ``status.done``) when it is."""
        deadline = self._clock() + timeout
        while True:
            status = task.get("status") or {}
            if status.get("done"):
                if status.get("errorMessage") or status.get("subCode"):
                    raise UpmError("UPM could not install %s: %s" % (
                        status.get("source") or "the app", status.get("errorMessage") or status.get("subCode")))
                return task
            if self._clock() >= deadline:
                raise UpmError("the UPM install task did not finish within %.0f s" % timeout)
            self._sleep(min(max(float(task.get("pingAfter") or 100) / 1000.0, 0.1), 5.0))
            response = self.client.call("upm.task", path_params={"task_id": task_id(task)},
                                        expect=(200, 303))
            task = response.json()
            if response.status_code == 303:
                task.setdefault("status", {})["done"] = True
                return task

    def uninstall(self, key):
        self.client.call("upm.uninstall", path_params={"plugin_key": key}, expect=(200, 204))


def task_id(task):
    """The task id is the last segment of ``links.self`` (which carries the context path, so it is not
    requested as-is: the contract's ``upm.task`` path is)."""
    link = ((task.get("links") or {}).get("self") or "").rstrip("/")
    if "/pending/" not in link:
        raise UpmError("the UPM task has no pending link to poll")
    return link.rsplit("/", 1)[1]

# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Readiness of one Data Center instance, read over REST: version gate, base URL, allowlist, Cloud Companion app,
the DC side of the cloud connector, and (for the preflight) its users and groups.

Everything is read through the modules' own readers (``_dc.info``, ``_dc.allowlist``, ``_dc.upm``,
``_connector.dc``, ``_preflight.sources``); the client is guarded read-only (``readonly.guard``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import fnmatch
import re

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.client import ApiError
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.urls import normalize_base_url
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._connector.dc import DcConnector
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._connector.status import CONNECTED, INTERRUPTED
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._dc import allowlist, info
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._dc.upm import Upm, compare_versions
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._preflight import sources
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._readiness.checks import DONE, MISSING, RISK, UNKNOWN, check, unknown, unknown_from_error

CLOUD_URL = "https://api.atlassian.com"
COMPANION_KEY = "com.atlassian.cloud-companion"
INSTANCE_CHECKS = ("version", "base_url", "allowlist", "companion", "dc_connector")


def _covers(rule, url=CLOUD_URL):
    """Whether an allowlist rule lets the instance reach `url`."""
    expression = rule["expression"]
    if rule["type"] in ("domain", "exact"):
        return normalize_base_url(expression) == normalize_base_url(url)
    if rule["type"] == "wildcard":
        return fnmatch.fnmatchcase(url, expression) or fnmatch.fnmatchcase(url + "/", expression)
    if rule["type"] == "regex":
        try:
            return re.match(expression, url) is not None
        except re.error:
            return False
    return False


def _version(facts, url, name):
    message = info.gate_message(facts, url)
    details = {"product": facts["product"], "version": facts["version"],
               "minimum": facts["cloud_connector_minimum_version"]}
    if message:
        return check("version", RISK, message, name, **details)
    return check("version", DONE, "%s %s can host a cloud connector (minimum %s)" % (
        info.PRODUCT_NAMES[facts["product"]], facts["version"], facts["cloud_connector_minimum_version"]),
        name, **details)


def _base_url(facts, expected, name):
    reported = facts.get("base_url")
    details = {"reported": reported, "expected": expected}
    if not reported:
        return check("base_url", UNKNOWN, "the instance did not report its base URL", name, **details)
    if normalize_base_url(reported) == normalize_base_url(expected):
        return check("base_url", DONE, "the instance reports the base URL the organization connector uses (%s)"
                     % expected, name, **details)
    return check("base_url", RISK, "the instance reports %s but the connector is set up for %s: links and the "
                                   "connector would point at different addresses" % (reported, expected),
                 name, **details)


def _allowlist(client, name):
    try:
        rules, enabled = allowlist.read(client)
    except (ApiError, allowlist.AllowlistError) as exc:
        return unknown_from_error("allowlist", exc, "The allowlist", name)
    covering = [allowlist.describe([r], enabled)["rules"][0] for r in rules if _covers(r)]
    details = {"enabled": enabled, "rules": len(rules), "covering": covering}
    if not covering:
        return check("allowlist", MISSING, "no allowlist rule lets the instance reach %s" % CLOUD_URL, name, **details)
    if not enabled:
        return check("allowlist", RISK, "the allowlist is turned off: the instance may reach any URL", name, **details)
    return check("allowlist", DONE, "the allowlist allows %s" % CLOUD_URL, name, **details)


def _companion(client, name, wanted, key, version):
    try:
        app = Upm(client).plugin(key)
    except ApiError as exc:
        return unknown_from_error("companion", exc, "The Cloud Companion app (UPM)", name)
    installed = app.get("version") if app else None
    enabled = bool(app.get("enabled", True)) if app else False
    details = {"key": key, "installed": installed, "enabled": enabled, "wanted": wanted, "version": version or None}
    if not app:
        if wanted:
            return check("companion", MISSING, "the Cloud Companion app is not installed", name, **details)
        return check("companion", DONE, "not installed, and not asked for (dc_apps has no portfolio_insights)",
                     name, **details)
    if not enabled:
        return check("companion", MISSING, "the Cloud Companion app %s is installed but disabled" % installed,
                     name, **details)
    if version and compare_versions(installed, version) < 0:
        return check("companion", MISSING, "the Cloud Companion app is %s, older than %s" % (installed, version),
                     name, **details)
    return check("companion", DONE, "the Cloud Companion app %s is installed and enabled" % installed, name, **details)


def _dc_connector(client, name):
    try:
        connection = DcConnector(client).get()
    except ApiError as exc:
        return unknown_from_error("dc_connector", exc, "The cloud connector page", name)
    if connection is None:
        return check("dc_connector", MISSING, "the instance holds no cloud connector credentials", name)
    details = dict((k, connection[k]) for k in ("status", "org_id", "connector_id", "connected_at"))
    status = connection["status"]
    if status == CONNECTED:
        return check("dc_connector", DONE, "Connected to organization %s" % connection["org_id"], name, **details)
    if status == INTERRUPTED:
        return check("dc_connector", RISK, "Interrupted: the connection stopped unexpectedly (rotated or revoked "
                                           "credentials)", name, **details)
    return check("dc_connector", MISSING, "%s: the connection is not active" % status, name, **details)


def blocked(check_id, product, version, name):
    """A connector check on an instance below the cloud connector minimum: the connector path does not apply."""
    item = check(check_id, RISK, "%s %s cannot host a cloud connector: below the minimum the path is the Cloud "
                 "Companion app, application links or in-product integrations" % (
                     info.PRODUCT_NAMES.get(product, product), version), name)
    item["fix"] = check("version", RISK, "", name)["fix"]
    return item


def _directory(client, facts, name):
    """Users and groups for the preflight, in the shape analysis.analyze reads back (sets become lists)."""
    if facts["product"] == "jira":
        instance = sources.read_jira(client, name)
    else:
        instance = sources.read_confluence(client, name)
    return {"name": name, "product": instance.product, "users": instance.users,
            "groups": dict((group, sorted(members)) for group, members in instance.groups.items()),
            "warnings": instance.warnings}


def collect(client, name, url, base_url=None, portfolio_insights=False, companion_key=COMPANION_KEY,
            companion_version=None, directory=False):
    """The readiness of one instance: ``{"name", "url", "product", "version", "checks": [...], "directory"}``."""
    expected = base_url or url
    result = {"name": name, "url": url, "base_url": expected, "product": None, "version": None, "reachable": True,
              "checks": [], "directory": None}
    try:
        facts = info.gather(client)
    except (ApiError, info.ProductError) as exc:
        result["reachable"] = False
        reason = "the instance did not answer as Jira or Confluence: %s" % exc
        result["checks"] = [unknown(c, reason, "Check dc_url (context path included), dc_ca_path and that the "
                                               "controller reaches the instance") for c in INSTANCE_CHECKS]
        return result
    result.update({"product": facts["product"], "version": facts["version"],
                   "cloud_connector_supported": facts["cloud_connector_supported"]})
    result["checks"] = [
        _version(facts, url, name),
        _base_url(facts, expected, name),
        _allowlist(client, name),
        _companion(client, name, portfolio_insights, companion_key, companion_version),
        _dc_connector(client, name) if facts["cloud_connector_supported"]
        else blocked("dc_connector", facts["product"], facts["version"], name),
    ]
    if directory:
        try:
            result["directory"] = _directory(client, facts, name)
        except ApiError as exc:
            result["directory_error"] = unknown_from_error("preflight", exc, "The users and groups", name)["reason"]
    return result

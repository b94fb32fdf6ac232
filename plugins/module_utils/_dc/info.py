# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Which product and version a Data Center base URL serves, and whether it can host a cloud connector."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from xml.etree import ElementTree

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.errors import CollectionError
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.urls import normalize_base_url

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.client import ApiError
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._dc.upm import version_key

# Cloud connectors need Jira 11.3 or later and Confluence 10.2 or later (Atlassian's cloud connector guide).
CLOUD_CONNECTOR_MINIMUM = {"jira": (11, 3, 0), "confluence": (10, 2, 0)}
PRODUCT_NAMES = {"jira": "Jira", "confluence": "Confluence"}

# The apps an instance connects to, in the guide's order of steps: the app decides which steps run.
APPS = ("rovo", "portfolio_insights")
APP_NAMES = {"rovo": "Rovo", "portfolio_insights": "Portfolio Insights"}


class ProductError(CollectionError):
    """The URL does not serve a Jira or Confluence this collection understands."""


def parse_version(text):
    """'11.3.0' -> (11, 3, 0); '10.2.1-m0004' -> (10, 2, 1). Padded to three numbers."""
    match = re.match(r"^\s*(\d+(?:\.\d+)*)", str(text or ""))
    if not match:
        raise ProductError("cannot read a version number from %r" % (text,))
    numbers = [int(part) for part in match.group(1).split(".")]
    return tuple((numbers + [0, 0, 0])[:3])


def format_version(numbers):
    return ".".join(str(n) for n in numbers)


def parse_manifest(text):
    """The Application Links manifest, as XML (the default) or JSON text, to a dict of its fields."""
    stripped = text.lstrip()
    if stripped.startswith("{"):
        import json

        return json.loads(stripped)
    try:
        root = ElementTree.fromstring(stripped)
    except ElementTree.ParseError as exc:
        raise ProductError("the Application Links manifest is not XML: %s" % exc)
    if root.tag != "manifest":
        raise ProductError("expected an Application Links <manifest>, got <%s>" % root.tag)
    return dict((child.tag, (child.text or "").strip()) for child in root)


def gather(client):
    """Product facts from a DC base URL. Jira answers serverInfo; other products answer 404 there and are
    read from the Application Links manifest, which every DC product serves."""
    response = client.call("jira.server_info", allow=(404,))
    if response.status_code == 200:
        data = response.json()
        if not isinstance(data, dict) or "version" not in data:
            raise ProductError("serverInfo did not return a Jira version")
        facts = {
            "product": "jira",
            "version": data["version"],
            "build_number": data.get("buildNumber"),
            "base_url": data.get("baseUrl"),
            "deployment_type": data.get("deploymentType"),
            "server_title": data.get("serverTitle"),
        }
    else:
        response = client.call("dc.applinks_manifest", headers={"Accept": "application/xml"}, allow=(404,))
        if response.status_code == 404:
            raise ProductError("%s serves neither Jira's serverInfo nor an Application Links manifest: is it a "
                               "Jira or Confluence Data Center base URL (with its context path)?" % client.base_url)
        manifest = parse_manifest(response.text)
        product = (manifest.get("typeId") or "").lower()
        if product not in PRODUCT_NAMES:
            raise ProductError("%s is a %r application; this collection supports Jira and Confluence"
                               % (client.base_url, manifest.get("typeId")))
        build = manifest.get("buildNumber")
        facts = {
            "product": product,
            "version": manifest.get("version"),
            "build_number": int(build) if build and build.isdigit() else build,
            "base_url": manifest.get("url"),
            # The manifest does not carry a deployment type; Confluence 9 and later exist only as Data Center.
            "deployment_type": None,
            "server_title": manifest.get("name"),
        }
    numbers = parse_version(facts["version"])
    minimum = CLOUD_CONNECTOR_MINIMUM[facts["product"]]
    facts.update({
        "version_numbers": list(numbers),
        "pre_release": is_pre_release(facts["version"]),
        "cloud_connector_minimum_version": format_version(minimum),
        "cloud_connector_supported": meets_minimum(facts["version"], minimum),
    })
    return facts


def is_pre_release(version):
    """Whether `version` carries a qualifier (11.3.0-m0004, 10.2.0-rc1, 11.3.0-beta2)."""
    return version_key(version)[1] == 0


def meets_minimum(version, minimum):
    """Whether `version` is at least the release `minimum`.

    A milestone, beta or release candidate comes before its release (11.3.0-m1 < 11.3.0), so a pre-release of
    the minimum release does not pass the gate: the cloud connector arrived in the release, and a milestone may
    not carry it. A pre-release of a later version passes (11.3.1-rc1 > 11.3.0).
    """
    return version_key(version) >= version_key(format_version(minimum))


def gate_message(facts, url):
    """Why this instance cannot host a cloud connector (None when it can)."""
    if facts["cloud_connector_supported"]:
        return None
    name = PRODUCT_NAMES[facts["product"]]
    return ("%s at %s is version %s; cloud connectors need %s %s or later. Upgrade the instance, or connect it "
            "with the Cloud Companion app, application links or in-product integrations instead."
            % (name, url, facts["version"], name, facts["cloud_connector_minimum_version"]))


def app_choice(apps):
    """The declared apps, validated and in the guide's order (duplicates dropped)."""
    values = [apps] if isinstance(apps, str) else list(apps or [])
    unknown = [str(a) for a in values if a not in APPS]
    if unknown or not values:
        raise ProductError("the apps to connect must be %s or both, as a list; got %s"
                           % (", ".join(APPS), ", ".join(unknown) if unknown else "none"))
    return [a for a in APPS if a in values]


def connection_plan(facts, url, apps, private=False):
    """Which of the guide's steps run for the apps an instance connects, and why the others do not.

    Returns ``(plan, refusal)``. Step 1 (Cloud Companion) is for Portfolio Insights; step 2 (the application
    tunnel) for Rovo on a private instance; step 3 (the organization connector) for both, from the cloud
    connector minimum on. Below it Portfolio Insights still goes through the Cloud Companion app, so the
    connector is skipped; Rovo has no path there and ``refusal`` says so, naming the guide's alternatives.
    """
    apps = app_choice(apps)
    name = PRODUCT_NAMES[facts["product"]]
    supported = facts["cloud_connector_supported"]
    below = "%s %s is below %s %s, the cloud connector minimum" % (
        name, facts["version"], name, facts["cloud_connector_minimum_version"])
    plan = {"apps": apps, "cloud_companion": "portfolio_insights" in apps,
            "application_tunnel": "rovo" in apps and bool(private) and supported,
            "org_connector": supported, "skipped": []}
    if not plan["cloud_companion"]:
        plan["skipped"].append({"step": "cloud_companion", "reason": "only for Portfolio Insights"})
    if not plan["application_tunnel"]:
        plan["skipped"].append({"step": "application_tunnel", "reason": (
            "only for Rovo" if "rovo" not in apps else "the instance is public" if supported else below)})
    if not supported:
        plan["skipped"].append({"step": "org_connector", "reason": "%s: Portfolio Insights connects through the "
                                                                   "Cloud Companion app only" % below})
    refusal = None
    if not supported and "rovo" in apps:
        refusal = ("Rovo needs a cloud connector, and %s at %s is version %s (cloud connectors need %s %s or later): "
                   "upgrade the instance, or connect it with the Cloud Companion app (Portfolio Insights: dc_apps "
                   "[portfolio_insights]), application links or in-product integrations instead"
                   % (name, url, facts["version"], name, facts["cloud_connector_minimum_version"]))
    return plan, refusal


def is_system_admin(client):
    """Whether the client's user administers the instance: UPM hands its upm-token header only to system
    administrators (a read; the token is one-time and unused here)."""
    response = client.call("upm.plugins", params={"os_authType": "basic"},
                           headers={"Accept": "application/vnd.atl.plugins.installed+json"}, allow=(401, 403))
    return response.status_code == 200 and bool(response.headers.get("upm-token"))


def preconditions(client, facts, url, require_cloud_connector=False, require_admin=False, expected_base_url=None,
                  plan=None):
    """Every precondition asked for, each ``{"check", "ok", "detail"}``; all are evaluated, none stops the rest.

    With ``plan`` (``connection_plan``'s answer), the version check is the apps' own: below the minimum,
    Portfolio Insights alone passes (through the Cloud Companion app) and Rovo is refused."""
    checks = []
    if require_cloud_connector:
        if plan is None:
            message = gate_message(facts, url)
            note = None
        else:
            message = plan[1]
            note = None if facts["cloud_connector_supported"] else [
                s["reason"] for s in plan[0]["skipped"] if s["step"] == "org_connector"][0]
        checks.append({"check": "version", "ok": message is None,
                       "detail": message or note or "%s %s can host a cloud connector" % (
                           PRODUCT_NAMES[facts["product"]], facts["version"])})
    if require_admin:
        admin = is_system_admin(client)
        checks.append({"check": "system_administrator", "ok": admin, "detail": (
            "the user is a system administrator" if admin else
            "the user is not a system administrator of %s (UPM answers its install token only to them); connect "
            "with a system administrator's credentials" % url)})
    if expected_base_url is not None:
        reported = facts.get("base_url")
        same = normalize_base_url(reported) == normalize_base_url(expected_base_url)
        checks.append({"check": "base_url", "ok": same, "expected": expected_base_url, "detail": (
            "the product reports the base URL %s" % reported if same else
            "the product reports the base URL %s in its general configuration, not %s: register the one users "
            "reach (set it as the expected base URL) or correct the product's base URL first"
            % (reported, expected_base_url))})
    return checks


__all__ = ["APPS", "ApiError", "ProductError", "app_choice", "connection_plan", "gather", "gate_message", "is_pre_release",
           "is_system_admin", "meets_minimum", "parse_version", "parse_manifest", "preconditions"]

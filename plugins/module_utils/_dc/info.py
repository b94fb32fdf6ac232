# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Which product and version a Data Center base URL serves, and whether it can host a cloud connector."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from xml.etree import ElementTree

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.client import ApiError

# Cloud connectors need Jira 11.3 or later and Confluence 10.2 or later (Atlassian's cloud connector guide).
CLOUD_CONNECTOR_MINIMUM = {"jira": (11, 3, 0), "confluence": (10, 2, 0)}
PRODUCT_NAMES = {"jira": "Jira", "confluence": "Confluence"}


class ProductError(Exception):
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
        "cloud_connector_minimum_version": format_version(minimum),
        "cloud_connector_supported": numbers >= minimum,
    })
    return facts


def gate_message(facts, url):
    """Why this instance cannot host a cloud connector (None when it can)."""
    if facts["cloud_connector_supported"]:
        return None
    name = PRODUCT_NAMES[facts["product"]]
    return ("%s at %s is version %s; cloud connectors need %s %s or later. Upgrade the instance, or connect it "
            "with the Cloud Companion app, application links or in-product integrations instead."
            % (name, url, facts["version"], name, facts["cloud_connector_minimum_version"]))


__all__ = ["ApiError", "ProductError", "gather", "gate_message", "parse_version", "parse_manifest"]

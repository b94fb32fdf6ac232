# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Which version of a Data Center app fits an instance, from the Atlassian Marketplace REST API (v2, public).

``GET /rest/2/addons/{addonKey}/versions/latest`` with ``application``, ``applicationBuild`` and
``hosting=datacenter`` answers the newest version compatible with that product build (the query UPM itself
makes); ``GET /rest/2/addons/{addonKey}/versions/name/{name}`` answers one version by its display name. An
``AddonVersion`` carries ``name`` (the version), ``buildNumber``, ``_links.artifact.href`` (the installable
file) and ``compatibilities``: ``[{application, hosting: {dataCenter: {min: {build}, max: {build}}}}]``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._dc.upm import UpmError, compare_versions

PRODUCT_APPLICATIONS = {"jira": "jira", "confluence": "confluence"}


def _link(doc, name):
    link = ((doc.get("_links") or {}).get(name) or {})
    return link.get("href") if isinstance(link, dict) else link


def compatibility(doc, application, build):
    """(True, None) when `doc` says it runs on Data Center `application` `build`; (False, why) otherwise.

    A version whose compatibilities do not mention the application's Data Center hosting is not compatible.
    """
    for entry in doc.get("compatibilities") or []:
        if not isinstance(entry, dict) or entry.get("application") != application:
            continue
        hosting = entry.get("hosting") or {}
        data_center = hosting.get("dataCenter") if isinstance(hosting, dict) else None
        if not isinstance(data_center, dict):
            continue
        low = (data_center.get("min") or {}).get("build")
        high = (data_center.get("max") or {}).get("build")
        if (low is None or build >= int(low)) and (high is None or build <= int(high)):
            return True, None
        return False, "it supports %s Data Center builds %s to %s" % (
            application, low if low is not None else "any", high if high is not None else "any")
    return False, "it lists no %s Data Center compatibility" % application


class Marketplace:
    """Version look-ups through an ApiClient on the Marketplace base URL (no credentials)."""

    def __init__(self, client):
        self.client = client

    def latest(self, key, application, build):
        response = self.client.call("marketplace.version_latest", path_params={"addon_key": key},
                                    params={"application": application, "applicationBuild": build,
                                            "hosting": "datacenter"}, allow=(404,))
        return None if response.status_code == 404 else response.json()

    def by_name(self, key, name):
        response = self.client.call("marketplace.version_by_name",
                                    path_params={"addon_key": key, "version_name": name}, allow=(404,))
        return None if response.status_code == 404 else response.json()


def resolve(marketplace, key, product, build, state, version=None, version_match="minimum"):
    """``{"key", "version", "name", "url"}`` of the version to install on a `product` instance of `build`.

    Raises UpmError naming what Marketplace offers when nothing compatible meets the request.
    """
    application = PRODUCT_APPLICATIONS[product]
    where = "%s Data Center build %s" % (product.capitalize(), build)
    if state == "present" and version and version_match == "exact":
        doc = marketplace.by_name(key, version)
        if doc is None:
            raise UpmError("the Atlassian Marketplace has no version %s of %s" % (version, key))
        fits, why = compatibility(doc, application, int(build))
        if not fits:
            raise UpmError("%s %s is not compatible with %s: %s" % (key, version, where, why))
    else:
        doc = marketplace.latest(key, application, build)
        if doc is None:
            raise UpmError("the Atlassian Marketplace has no version of %s compatible with %s" % (key, where))
        if version and compare_versions(doc.get("name"), version) < 0:
            raise UpmError("the newest version of %s compatible with %s is %s, below the %s %s wanted" % (
                key, where, doc.get("name"), "minimum" if state == "present" else "version", version))
    url = _link(doc, "artifact")
    if not url or not doc.get("name"):
        raise UpmError("the Atlassian Marketplace answered version %s of %s without an installable artifact "
                       "(a Connect or cloud-only version?)" % (doc.get("name"), key))
    return {"key": key, "version": doc["name"], "name": key, "url": url}

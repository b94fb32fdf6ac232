# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Facts about an Atlassian Cloud organization: orgs, directories, domains, groups with member counts, and
authentication policies.

Everything comes from the public organizations API except the policy list, which only the admin UI reads
(``cloud.auth_policy.list`` is UI-internal): when it answers 404 or 403 the facts carry ``auth_policies: None``
and a warning instead of failing.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.client import ApiError

SUBSETS = ("orgs", "directories", "domains", "groups", "auth_policies")
PAGE_SIZE = 100


def _orgs(client):
    return [{"id": o["id"], "name": (o.get("attributes") or {}).get("name")}
            for o in client.paginate_cursor("cloud.orgs")]


def _directories(client, org_id):
    return [{"id": d.get("directoryId") or d.get("id"), "name": d.get("name")}
            for d in client.paginate_cursor("cloud.directories", {"org_id": org_id}, params={"limit": PAGE_SIZE})]


def _domains(client, org_id):
    result = []
    for item in client.paginate_cursor("cloud.domains", {"org_id": org_id}):
        attributes = item.get("attributes") or {}
        claim = attributes.get("claim") or {}
        result.append({"id": item.get("id"), "name": attributes.get("name"), "claim_type": claim.get("type"),
                       "status": claim.get("status")})
    return sorted(result, key=lambda d: d["name"] or "")


def _groups(client, org_id, directory_id):
    result = []
    path = {"org_id": org_id, "directory_id": directory_id}
    for item in client.paginate_cursor("cloud.groups.search", path, json={"limit": PAGE_SIZE}):
        result.append({"id": item["id"], "name": item["name"], "directory_id": directory_id,
                       "description": item.get("description") or "",
                       "members": (item.get("counts") or {}).get("users"),
                       "external_synced": bool(item.get("externalSynced"))})
    return result


def _auth_policies(client, org_id, warnings):
    try:
        policies = list(client.paginate_cursor("cloud.auth_policy.list", {"org_id": org_id}))
    except ApiError as exc:
        if exc.status in (403, 404):
            warnings.append("Authentication policies are not readable (HTTP %s from %s): this list is UI-internal "
                            "(cloud.auth_policy.list); set api_overrides if its path changed" % (exc.status, exc.path))
            return None
        raise
    return [{"id": p.get("id"), "name": p.get("name"), "type": p.get("type"), "is_default": bool(p.get("isDefault")),
             "members": p.get("memberCount")} for p in policies]


def gather(client, org_id, subsets=SUBSETS):
    """The facts of `subsets` for `org_id`; `warnings` lists what could not be read without being an error."""
    facts = {"warnings": []}
    if "orgs" in subsets:
        facts["orgs"] = _orgs(client)
        facts["org"] = next((o for o in facts["orgs"] if o["id"] == org_id), None)
        if facts["org"] is None:
            data = client.call("cloud.org", {"org_id": org_id}).json().get("data") or {}
            facts["org"] = {"id": data.get("id"), "name": (data.get("attributes") or {}).get("name")}
    directories = None
    if "directories" in subsets or "groups" in subsets:
        directories = _directories(client, org_id)
        if "directories" in subsets:
            facts["directories"] = directories
    if "domains" in subsets:
        facts["domains"] = _domains(client, org_id)
    if "groups" in subsets:
        facts["groups"] = []
        for directory in directories:
            facts["groups"].extend(_groups(client, org_id, directory["id"]))
    if "auth_policies" in subsets:
        facts["auth_policies"] = _auth_policies(client, org_id, facts["warnings"])
    return facts

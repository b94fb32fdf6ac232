# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Authentication policies: read them, plan a declared policy against the current one, apply the plan.

Listing, creating, changing and deleting policies and listing their members use the admin UI's internal
endpoints (contract entries ``cloud.auth_policy.list/create/update/delete/members``): Atlassian publishes no
API for them, so their paths can be replaced with ``api_overrides``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._auth_policy import settings as policy_settings
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.errors import CollectionError

API_TYPES = {"billable": "billable", "non_billable": "non-billable"}
MODULE_TYPES = dict((v, k) for k, v in API_TYPES.items())
LOCKOUT_SAMPLE = 20


class PolicyError(CollectionError):
    """A declared policy the product cannot reach (message names what was found and what is expected)."""


class Org(object):
    """The organization's policies and whether it has Atlassian Guard Standard."""

    def __init__(self, policies, guard_standard):
        self.policies = policies
        self.guard_standard = guard_standard

    def find(self, name_or_id):
        """The policy with this id, or this name (case-insensitive), or None."""
        for policy in self.policies:
            if policy["id"] == name_or_id:
                return policy
        wanted = (name_or_id or "").strip().lower()
        for policy in self.policies:
            if policy["name"].strip().lower() == wanted:
                return policy
        return None

    def require(self, name_or_id, role="policy"):
        policy = self.find(name_or_id)
        if policy is None:
            raise PolicyError("%s %r is not an authentication policy of the organization; found: %s" % (
                role, name_or_id, ", ".join(sorted(p["name"] for p in self.policies)) or "none"))
        return policy


def read_org(client, org_id):
    """All policies (cursor pages) and the Guard flag the policy list carries in ``meta.guardStandard``."""
    policies = []
    guard = None
    for page in client.cursor_pages("cloud.auth_policy.list", path_params={"org_id": org_id}):
        policies.extend(page.get("data") or [])
        meta = page.get("meta") or {}
        if guard is None and isinstance(meta, dict) and "guardStandard" in meta:
            guard = bool(meta["guardStandard"])
    return Org(policies, guard)


def describe(policy):
    """The module's view of a policy from its API form."""
    return {
        "id": policy["id"],
        "name": policy["name"],
        "type": MODULE_TYPES.get(policy.get("type"), policy.get("type")),
        "default": bool(policy.get("isDefault")),
        "member_count": policy.get("memberCount"),
        "settings": policy_settings.from_api(policy.get("settings")),
    }


def iter_members(client, org_id, policy_id, page_size=1000):
    """Members of a policy from the UI-internal member listing (the export columns)."""
    return client.paginate_cursor("cloud.auth_policy.members", path_params={"org_id": org_id, "policy_id": policy_id},
                                  params={"limit": page_size})


def lockout_risk(client, org_id, policy_id):
    """Members who are not known to the identity provider (they could not log in once SSO is enforced)."""
    unknown = [m.get("email") for m in iter_members(client, org_id, policy_id) if not m.get("idpLinked")]
    return {"count": len(unknown), "sample": sorted(unknown)[:LOCKOUT_SAMPLE]}


def unknown_to_idp(client, org_id, source_policy_ids, account_ids):
    """Of `account_ids`, those the identity provider does not know: not C(idpLinked) in the member listing of the
    policy they are in now (`source_policy_ids`), or not found in any of them (nothing says the IdP knows them)."""
    known = set()
    for policy_id in sorted(source_policy_ids):
        for member in iter_members(client, org_id, policy_id):
            if member.get("accountId") in account_ids and member.get("idpLinked"):
                known.add(member["accountId"])
    return set(account_ids) - known


ASSIGNED_BY_PRODUCT = "(assigned by the product)"


class Plan(object):
    """What `auth_policy` will do: action (none, create, update, delete), the changed fields, before/after."""

    def __init__(self, action, before, after, changed_fields=(), enforces_sso=False, settings=None):
        self.action = action
        self.settings = settings or {}
        self.before = before
        self.after = after
        self.changed_fields = list(changed_fields)
        self.enforces_sso = enforces_sso

    @property
    def changed(self):
        return self.action != "none"


def plan(org, name, state, policy_type=None, settings=None, guard_standard=None):
    """Plan one declared policy. Raises SettingsConflict or PolicyError before anything is written."""
    current = org.find(name)
    guard = org.guard_standard if guard_standard is None else guard_standard
    if state == "absent":
        if current is None:
            return Plan("none", None, None)
        if current.get("isDefault"):
            raise PolicyError("policy %r is the organization's default policy, which cannot be deleted" % name)
        if current.get("memberCount"):
            raise PolicyError(
                "policy %r still has %d members: move them to another policy first (auth_policy_members with "
                "exclusive and fallback_policy, or add them to the other policy)" % (name, current["memberCount"]))
        return Plan("delete", describe(current), None)

    before = describe(current) if current else None
    sso_now = bool(before and before["settings"]["sso"]["enforced"])
    normalised = policy_settings.validate(settings, guard_standard=guard, new_policy=current is None,
                                          sso_enforced_now=sso_now, policy_name=name)
    if current is None:
        after_settings = policy_settings.predicted(policy_settings.new_policy_settings(), normalised)
        after = {"id": ASSIGNED_BY_PRODUCT, "name": name, "type": policy_type or "billable", "default": False, "member_count": 0,
                 "settings": after_settings}
        fields = ["name", "type"] + ["settings.%s" % key for key in sorted(normalised)]
        return Plan("create", None, after, fields, enforces_sso=after_settings["sso"]["enforced"],
                    settings=normalised)

    delta = policy_settings.changes(before["settings"], normalised)
    fields = ["settings.%s" % key for key in sorted(delta)]
    after = dict(before, settings=policy_settings.predicted(before["settings"], delta))
    if policy_type and policy_type != before["type"]:
        fields.insert(0, "type")
        after["type"] = policy_type
    if current["name"] != name and current["id"] != name:
        fields.insert(0, "name")
        after["name"] = name
    if not fields:
        return Plan("none", before, before)
    return Plan("update", before, after, fields, enforces_sso=after["settings"]["sso"]["enforced"] and not sso_now,
                settings=delta)


def request_body(plan_):
    """JSON body of the create/update call for a plan: name, type and the settings that change."""
    return {"name": plan_.after["name"], "type": API_TYPES[plan_.after["type"]],
            "settings": policy_settings.to_api(plan_.settings)}

# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Readiness of the cloud organization: organization connectors (joined to the instances by base URL),
authentication policies with their member counts and coverage, SSO policies with members the identity provider
may not know, the BYOK role stack, nested-group loss and the migration preflight.

Readers are the modules' own: ``_connector.cloud``, ``_auth_policy.policies`` / ``members``, ``_cloud.org``,
``_groups`` (flattening), ``_byok.role`` (its read-only ``verified`` state, in check mode) and ``_preflight``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.client import ApiError
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.urls import normalize_base_url
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._auth_policy import policies as auth_policies
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._auth_policy.members import managed_accounts
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._cloud import org as cloud_org
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._connector.cloud import OrgConnectors
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._connector.status import CONNECTED, INTERRUPTED
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._groups.flatten import CycleError, flatten
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._preflight import analysis, sources
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._readiness.checks import DONE, MISSING, RISK, UNKNOWN, check, unknown, unknown_from_error

ORG_CHECKS = ("auth_policies", "policy_coverage", "sso_idp", "byok", "nested_groups", "preflight")
SAMPLE = 10


# -- organization connectors -------------------------------------------------------------------------------------
def read_connectors(client, org_id):
    """``{"connectors": [...with "apps"], "error": None}``; the error text when the list is not readable."""
    org = OrgConnectors(client, org_id)
    try:
        connectors = org.list()
        for connector in connectors:
            connector["apps"] = org.apps(connector["id"])
    except ApiError as exc:
        return {"connectors": None, "error": unknown_from_error("org_connector", exc, "The organization connectors")}
    return {"connectors": connectors, "error": None}


def connector_check(connectors, base_url, name):
    """The org_connector check of one instance from the organization's connector list."""
    if connectors["connectors"] is None:
        return dict(connectors["error"])
    wanted = normalize_base_url(base_url)
    found = next((c for c in connectors["connectors"] if normalize_base_url(c["base_url"]) == wanted), None)
    if found is None:
        return check("org_connector", MISSING, "the organization has no connector for %s" % base_url, name)
    apps = found.get("apps") or []
    details = {"connector_id": found["id"], "status": found["status"], "name": found["name"],
               "app_connectors": [a["name"] or a["type"] for a in apps]}
    apps_text = ("app connectors: %s" % ", ".join(details["app_connectors"])) if apps else (
        "no app connectors yet: pending: finish step 4 in the browser (the instance's Cloud connectors page > Connect "
        "cloud apps)")
    if found["status"] == CONNECTED:
        return check("org_connector", DONE, "Connected (%s)" % apps_text, name, **details)
    if found["status"] == INTERRUPTED:
        return check("org_connector", RISK, "Interrupted: the instance no longer holds the current credentials (%s)"
                     % apps_text, name, **details)
    return check("org_connector", MISSING, "%s: the instance has not completed the link (%s)"
                 % (found["status"], apps_text), name, **details)


# -- authentication policies ---------------------------------------------------------------------------------------
def _policies(client, org_id, intended):
    try:
        found = [auth_policies.describe(p) for p in auth_policies.read_org(client, org_id).policies]
    except ApiError as exc:
        error = unknown_from_error("auth_policies", exc, "The authentication policies")
        return None, [error, dict(error, id="policy_coverage"), dict(error, id="sso_idp")]
    names = [p["name"] for p in found]
    absent = [name for name in intended if name not in names]
    summary = [{"name": p["name"], "default": p["default"], "type": p["type"], "members": p["member_count"],
                "sso": bool((p["settings"].get("sso") or {}).get("enforced")), "two_step": p["settings"]["two_step"]}
               for p in found]
    if absent:
        first = check("auth_policies", MISSING, "intended policies not created: %s" % ", ".join(absent),
                      policies=summary)
    else:
        first = check("auth_policies", DONE, "%d %s%s" % (len(found), "policy" if len(found) == 1 else "policies",
                                                          ", every intended one present" if intended else ""),
                      policies=summary)
    return found, [first]


def _coverage(client, org_id, found, intended):
    """Members per policy (the chart) and the managed accounts in no intended policy."""
    try:
        accounts = managed_accounts(client, org_id)
        members = {}
        for policy in found:
            members[policy["id"]] = [m.get("email") or m.get("accountId") for m in
                                     auth_policies.iter_members(client, org_id, policy["id"])]
    except ApiError as exc:
        return unknown_from_error("policy_coverage", exc, "The policy members")
    intended_ids = set(p["id"] for p in found if (p["name"] in intended if intended else not p["default"]))
    placed = set()
    for policy_id in intended_ids:
        placed.update(e.lower() for e in members[policy_id] if e)
    uncovered = sorted(e for e in (str(a).lower() for a in accounts) if e not in placed)
    per_policy = [{"name": p["name"], "members": len(members[p["id"]]), "intended": p["id"] in intended_ids}
                  for p in found]
    details = {"managed_accounts": len(accounts), "uncovered": len(uncovered), "uncovered_sample": uncovered[:SAMPLE],
               "per_policy": per_policy}
    what = "an intended policy" if intended else "a policy other than the default"
    if uncovered:
        return check("policy_coverage", MISSING, "%d of %d managed accounts are in no %s" % (
            len(uncovered), len(accounts), "intended policy" if intended else "policy but the default"), **details)
    return check("policy_coverage", DONE, "all %d managed accounts are in %s" % (len(accounts), what), **details)


def _sso(client, org_id, found):
    enforcing = [p for p in found if (p["settings"].get("sso") or {}).get("enforced")]
    if not enforcing:
        return check("sso_idp", DONE, "no policy enforces SSO yet")
    risky = []
    try:
        for policy in enforcing:
            risk = auth_policies.lockout_risk(client, org_id, policy["id"])
            if risk["count"]:
                risky.append({"policy": policy["name"], "count": risk["count"], "sample": risk["sample"][:SAMPLE]})
    except ApiError as exc:
        return unknown_from_error("sso_idp", exc, "The SSO policies' members")
    if risky:
        return check("sso_idp", RISK, "; ".join("%s: %d members not linked to the identity provider" % (
            r["policy"], r["count"]) for r in risky), policies=risky)
    return check("sso_idp", DONE, "every member of the %d SSO policies is linked to the identity provider"
                 % len(enforcing))


# -- BYOK -----------------------------------------------------------------------------------------------------------
def byok_check(run_verified):
    """The BYOK check from `run_verified()`, which runs the role stack's read-only verification in check mode and
    returns (result, warnings), or None when no AWS connection was given."""
    from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._byok.aws import (
        HAS_BOTO3,
        AwsConnectionError,
        BotoCoreError,
        ClientError,
        error_message,
    )
    from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._byok.stack import StackError

    if run_verified is None:
        return unknown("byok", "no AWS connection given: the BYOK role stack was not read",
                       "Set readiness_report_byok_aws (profile, region or keys) to read it")
    if not HAS_BOTO3:
        return unknown("byok", "boto3 is not installed on the controller", "Install boto3 (requirements.txt)")
    try:
        result, warnings = run_verified()
    except StackError as exc:
        state = MISSING if "does not exist" in str(exc) else RISK
        return check("byok", state, str(exc))
    except AwsConnectionError as exc:
        return unknown("byok", "the AWS connection cannot be set up: %s" % exc,
                       "Check readiness_report_byok_aws (profile, region, keys)")
    except (ClientError, BotoCoreError) as exc:
        return unknown("byok", "AWS refused a read of the BYOK stack: %s" % error_message(exc),
                       "Grant the read permissions byok_role's verification needs (docs/byok.md)")
    keys = ("stack_name", "stack_status", "termination_protection", "account_mfa_enabled", "drift")
    details = dict((k, result.get(k)) for k in keys)
    if warnings:
        return check("byok", RISK, "; ".join(warnings), **details)
    return check("byok", DONE, "stack %s is %s, MFA on, no drift" % (result["stack_name"], result["stack_status"]),
                 **details)


# -- nested groups ----------------------------------------------------------------------------------------------------
def nested_check(client, org_id, structure, structure_error=None):
    """Memberships a flat sync would drop: those a group has only through nesting and the cloud group lacks."""
    if structure is None:
        return unknown("nested_groups", structure_error or "no group structure given",
                       "Set readiness_report_nested_groups_source to the YAML group structure")
    try:
        flattening = flatten(structure, on_cycle="merge")
    except CycleError as exc:
        return check("nested_groups", RISK, str(exc))
    counts = flattening.counts()
    lost = flattening.lost_by_group()
    cloud_counts = None
    if client is not None:
        try:
            facts = cloud_org.gather(client, org_id, subsets=("groups",))
            cloud_counts = dict((g["name"], g["members"]) for g in facts["groups"])
        except ApiError as exc:
            return unknown_from_error("nested_groups", exc, "The cloud groups")
    flat = flattening.flat()
    at_risk = {}
    for group, users in lost.items():
        have = (cloud_counts or {}).get(group)
        if have is None or have < len(flat[group]):
            at_risk[group] = len(users)
    details = {"groups": counts["groups"], "direct_memberships": counts["direct_memberships"],
               "inherited_memberships": counts["inherited_memberships"],
               "lost_memberships": sum(at_risk.values()),
               "lost_by_group": dict(sorted(at_risk.items(), key=lambda item: (-item[1], item[0]))[:SAMPLE])}
    if not lost:
        return check("nested_groups", DONE, "no group has members only through nesting", **details)
    if at_risk:
        return check("nested_groups", MISSING, "%d memberships in %d groups exist only through nesting and are not "
                     "in the cloud groups: a flat sync drops them" % (details["lost_memberships"], len(at_risk)),
                     **details)
    return check("nested_groups", DONE, "the cloud groups hold the %d memberships inherited through nesting"
                 % counts["inherited_memberships"], **details)


# -- preflight --------------------------------------------------------------------------------------------------------
def preflight_check(directories, errors=()):
    """The migration preflight over the instances' users and groups (read by the instance collector)."""
    if not directories:
        return unknown("preflight", "; ".join(errors) or "no instance's users and groups were read",
                       "Give administrator credentials and keep readiness_report_preflight true")
    instances = []
    for directory in directories:
        instance = sources.Instance(directory["name"], directory["product"])
        instance.users = dict(directory["users"])
        instance.groups = dict((g, set(m)) for g, m in directory["groups"].items())
        instances.append(instance)
    findings = analysis.analyze(instances)
    summary = dict((k, findings["summary"][k]) for k in ("invalid_email", "duplicate_email", "group_collision"))
    details = dict(summary, collisions=[c["group"] for c in findings["group_collision"]][:SAMPLE],
                   invalid=["%s/%s" % (u["instance"], u["username"]) for u in findings["invalid_email"]][:SAMPLE],
                   skipped=list(errors))
    problems = ["%d %s" % (n, kind.replace("_", " ")) for kind, n in sorted(summary.items()) if n]
    if problems:
        return check("preflight", RISK, "across %d instances: %s" % (len(instances), ", ".join(problems)), **details)
    return check("preflight", DONE if not errors else UNKNOWN, "no invalid or duplicate emails, no group collisions"
                 + ("; not read: %s" % "; ".join(errors) if errors else ""), **details)


def collect(client, org_id, intended_policies=(), run_verified=None, structure=None, structure_error=None):
    """The organization's checks and connector list; `client` None means no cloud credentials."""
    if client is None:
        reason = "no organization API key: the cloud side was not read"
        remedy = "Set atlassian_org_id and atlassian_org_api_key (vault the key)"
        return {"connectors": {"connectors": None, "error": unknown("org_connector", reason, remedy)},
                "checks": [unknown(c, reason, remedy) for c in ORG_CHECKS[:3]]
                + [byok_check(run_verified), nested_check(None, org_id, structure, structure_error)]}
    connectors = read_connectors(client, org_id)
    found, policy_checks = _policies(client, org_id, list(intended_policies))
    if found is not None:
        policy_checks.append(_coverage(client, org_id, found, list(intended_policies)))
        policy_checks.append(_sso(client, org_id, found))
    nested = nested_check(client, org_id, structure, structure_error)
    return {"connectors": connectors, "checks": policy_checks + [byok_check(run_verified), nested]}

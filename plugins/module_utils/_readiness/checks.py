# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""One readiness check: its state, why, and what to run to fix it.

States, from best to worst for ordering a summary: ``done`` (nothing to do), ``unknown`` (could not be checked,
the reason says why), ``missing`` (a step of the collection has not run or not finished), ``risk`` (something
the collection cannot fix by running a step, or that would break users).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.client import ApiError

DONE = "done"
MISSING = "missing"
RISK = "risk"
UNKNOWN = "unknown"
STATES = (DONE, MISSING, RISK, UNKNOWN)
# A cell that aggregates several checks (the nodes of an instance) shows the worst of them.
SEVERITY = {DONE: 0, UNKNOWN: 1, MISSING: 2, RISK: 3}

# What fixes each check: the playbook and its tag (docs/inventory.md names the tags).
FIXES = {
    "version": (None, None, "Upgrade the instance to Jira 11.3 / Confluence 10.2 or later, or connect it with the "
                            "Cloud Companion app or application links"),
    "base_url": (None, None, "Set the base URL in the product's General configuration, or dc_base_url in the "
                             "inventory, so both name the address users reach"),
    "allowlist": ("connect_data_center.yml", "prereqs", None),
    "companion": ("connect_data_center.yml", "companion", None),
    "dc_connector": ("connect_data_center.yml", "connector", None),
    "org_connector": ("connect_data_center.yml", "connector", None),
    "app_connectors": (None, None, "Add the app connectors in Atlassian Administration > Data management > "
                                   "Connected sources"),
    "egress": ("connect_data_center.yml", "egress", None),
    "tunnel": ("connect_data_center.yml", "tunnel", None),
    "tomcat": (None, None, "Start the node's service, then check its logs"),
    "auth_policies": ("auth_policies.yml", "policies", None),
    "policy_coverage": ("auth_policies.yml", "policies", None),
    "sso_idp": (None, None, "Provision the members in the identity provider before SSO is enforced"),
    "byok": ("byok.yml", "byok", None),
    "nested_groups": ("flatten_groups.yml", "groups", None),
    "preflight": (None, None, "Fix the users' emails and rename colliding groups in the instances before the "
                              "migration; ansible-playbook dcops.atlassian_cloud.migration_preflight lists them all"),
}


def fix_for(check_id, limit=None):
    """The fix of a check as text: the command to run, or what to do by hand."""
    playbook, tag, text = FIXES[check_id]
    if playbook is None:
        return text
    command = "ansible-playbook -i inventory dcops.atlassian_cloud.%s" % playbook[:-len(".yml")]
    if tag:
        command += " --tags %s" % tag
    if limit:
        command += " --limit %s" % limit
    return command + ("; %s" % text if text else "")


def check(check_id, state, reason, limit=None, **details):
    """A check result; the fix is given for every state but done."""
    if state not in STATES:
        raise ValueError(state)
    return {"id": check_id, "state": state, "reason": reason,
            "fix": None if state == DONE else fix_for(check_id, limit), "details": details}


def unknown(check_id, reason, remedy):
    """An `unknown` check: its fix is what makes the check possible, not the step it checks."""
    item = check(check_id, UNKNOWN, reason)
    item["fix"] = remedy
    return item


def unknown_from_error(check_id, exc, what, limit=None):
    """An `unknown` check from an error that kept the check from being made."""
    remedy = None
    if isinstance(exc, ApiError) and exc.status in (401, 403):
        reason = "%s needs administrator credentials (HTTP %s from %s)" % (what, exc.status, exc.path)
        remedy = ("Give a system administrator (dc_user and dc_password, or dc_token) or an organization admin API "
                  "key (atlassian_org_api_key)")
    elif isinstance(exc, ApiError) and exc.status == 404:
        reason = "%s is not readable: %s answered 404 (a UI-internal endpoint)" % (what, exc.path)
        remedy = "Set api_overrides for this operation if its path differs on this version (docs/api-contract.md)"
    elif isinstance(exc, ApiError) and exc.status is None:
        reason = "%s could not be read: %s" % (what, exc.detail)
    else:
        reason = "%s could not be read: %s" % (what, exc)
    item = check(check_id, UNKNOWN, reason, limit)
    if remedy:
        item["fix"] = remedy
    return item


def worst(states):
    """The worst state of an aggregate, `unknown` for nothing to aggregate."""
    states = list(states)
    if not states:
        return UNKNOWN
    return max(states, key=lambda s: SEVERITY[s])


def counts(checks):
    result = dict((state, 0) for state in STATES)
    for item in checks:
        result[item["state"]] += 1
    return result


def failing(checks, fail_on):
    """The checks whose state is in `fail_on`."""
    return [item for item in checks if item["state"] in fail_on]

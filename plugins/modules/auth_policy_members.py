#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: auth_policy_members
short_description: Put managed accounts in an Atlassian Cloud authentication policy
version_added: 0.1.0
description:
  - Makes the listed managed accounts members of an authentication policy, moving them from whatever policy
    they are in (a member is in exactly one policy at a time).
  - With O(exclusive=true), members of the policy who are not listed are moved to O(fallback_policy), since the
    product has no "remove", a member only leaves a policy by joining another one.
  - Addresses are validated and de-duplicated first. Each account's current policy is read through the
    public C(bulk-fetch) operation, so members already in place cost no write and a rerun makes no write.
  - Writes use the public C(add-users) operation (C(POST /admin/control/v1/orgs/{orgId}/auth-policy/{policyId}/add-users)),
    which answers with a task that the module polls until it finishes. The addresses of a task that does not
    report a clean success (its status body is not documented by Atlassian) are confirmed by reading their
    policies again, and reported one by one.
  - Resolving policy names uses the admin UI's internal policy list (C(cloud.auth_policy.list)). Give
    O(policy) and O(fallback_policy) as policy IDs and the module calls public endpoints only (add-users,
    task status, bulk-fetch and the Organizations API users list).
  - A failure after a write (an API error on a later batch) fails the task with C(changed=true), the tasks
    sent and every address's outcome, so a rerun and a human can pick up from there.
  - "Lockout guard: adding members to a policy that enforces single sign-on runs the guard M(dcops.atlassian_cloud.auth_policy)
    runs when it switches SSO on. Members the identity provider does not know (C(idpLinked) false in their current
    policy's member listing) could no longer log in; the module refuses, in check mode as in the real run and
    before any write, unless O(allow_lockout=true), and reports them in RV(lockout_risk). The guard needs the
    policy list (UI-internal) to see the target's SSO setting: with policy IDs and O(resolve_names) unset or
    V(false) it does not run and the module warns."
  - Members can be moved to a policy of another directory, as the admin UI allows (the C(add-users) operation
    takes email addresses at the organization level). When the policy list names each policy's directory
    (C(directoryId)), such moves are counted in RV(cross_directory_moves) and named in a warning.
author:
  - dcops engineers (@dcops)
requirements:
  - httpx >= 0.27
extends_documentation_fragment:
  - dcops.atlassian_cloud.cloud_connection
  - dcops.atlassian_cloud.http_options
  - dcops.atlassian_cloud.attributes
  - dcops.atlassian_cloud.attributes.ACTIONGROUP_CLOUD_ADMIN
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
options:
  policy:
    description:
      - The policy the members belong in, by name (case-insensitive) or ID.
    type: str
    required: true
  members:
    description:
      - Email addresses of managed accounts.
    type: list
    elements: str
  members_csv:
    description:
      - A CSV file of email addresses, as the admin UI's bulk upload takes it, on the controller. The column
        headed C(email) is used, or the first column when no header names one.
    type: path
  state:
    description:
      - V(present) makes the listed accounts members of the policy.
    type: str
    choices: [present]
    default: present
  exclusive:
    description:
      - Move members of O(policy) who are not listed to O(fallback_policy).
    type: bool
    default: false
  fallback_policy:
    description:
      - Where O(exclusive=true) moves unlisted members, by name or ID. Required with O(exclusive=true).
    type: str
  mode:
    description:
      - V(bulk) sends up to 10,000 addresses per C(add-users) task (the admin UI's CSV upload limit).
      - V(individual) sends at most 20 per task, as the admin UI adds members one by one; a failure then touches
        fewer addresses.
    type: str
    choices: [bulk, individual]
    default: bulk
  batch_size:
    description:
      - Addresses per C(add-users) request. Defaults to 10,000 in V(bulk) mode and 20 in V(individual) mode,
        which are also the largest values accepted. Atlassian documents no limit for the API itself; the two
        limits are the admin UI's.
    type: int
  lookup_batch_size:
    description:
      - Account IDs per C(bulk-fetch) request when reading current policies.
    type: int
    default: 100
  resolve_names:
    description:
      - Read the policy list (UI-internal endpoint) to resolve O(policy) and O(fallback_policy) names and to tell
        the default policy apart. With V(false), both must be policy IDs and only public endpoints are called.
      - When not set, the list is read only when O(policy) or O(fallback_policy) is a name rather than a policy
        ID (a UUID).
    type: bool
  task_timeout:
    description:
      - Seconds to wait for one C(add-users) task to finish.
    type: float
    default: 900
  report_unchanged:
    description:
      - Also list the addresses that were already members in RV(results). Off by default because a large policy
        would return one entry per member on every run; RV(summary) always counts them.
    type: bool
    default: false
  allow_lockout:
    description:
      - Add members to a policy that enforces SSO even when the identity provider does not know some of them
        (they could no longer log in).
    type: bool
    default: false
  fail_on_address_errors:
    description:
      - Fail the task when any address could not be placed (not a managed account, or refused by a task).
        Everything that could be done is done first.
    type: bool
    default: true
notes:
  - Changes apply at each member's next login; user API token settings can take up to 10 minutes.
seealso:
  - module: dcops.atlassian_cloud.auth_policy
  - module: dcops.atlassian_cloud.auth_policy_export
"""

EXAMPLES = r"""
- name: Employees from the HR export, everyone else back to the contractors policy
  dcops.atlassian_cloud.auth_policy_members:
    org_id: "{{ atlassian_org_id }}"
    api_key: "{{ vault_atlassian_org_api_key }}"
    policy: Employees
    members_csv: files/employees.csv
    exclusive: true
    fallback_policy: Contractors

- name: A few bots, added the way the admin UI adds them one by one
  dcops.atlassian_cloud.auth_policy_members:
    org_id: "{{ atlassian_org_id }}"
    api_key: "{{ vault_atlassian_org_api_key }}"
    policy: Bots
    members:
      - bot-ci@example.com
      - bot-sync@example.com
    mode: individual

- name: Public endpoints only, with policy IDs copied from the admin UI
  dcops.atlassian_cloud.auth_policy_members:
    org_id: "{{ atlassian_org_id }}"
    api_key: "{{ vault_atlassian_org_api_key }}"
    policy: 5d1f0c8e-7a43-4a8e-9d7b-2f6c1e0a9b31
    members:
      - alice@example.com
"""

RETURN = r"""
results:
  description:
    - One entry per address, in input order, then the members O(exclusive) moves out. Addresses already in
      the policy are left out unless O(report_unchanged=true).
    - C(result) is V(added) (from the default policy), V(moved) (from another policy), V(already_present),
      V(moved_to_fallback) or V(failed) (with C(reason)).
  returned: always
  type: list
  elements: dict
  contains:
    email:
      description: "The address."
      type: str
    result:
      description: "V(added), V(moved), V(already_present), V(moved_to_fallback) or V(failed)."
      type: str
    to_policy:
      description: "The policy the address is (or would be) in after the run."
      type: str
    from_policy:
      description: "The policy it was moved out of (results V(moved) and V(moved_to_fallback))."
      type: str
    reason:
      description: "Why the address could not be placed (result V(failed))."
      type: str
  sample:
    - {email: alice@example.com, result: moved, from_policy: Contractors, to_policy: Employees}
    - {email: bob@example.com, result: already_present, to_policy: Employees}
    - {email: nobody@example.org, result: failed, reason: not a managed account of the organization}
summary:
  description: Number of addresses per result.
  returned: always
  type: dict
  contains:
    added:
      description: "Addresses added from the default policy."
      type: int
    moved:
      description: "Addresses moved from another policy."
      type: int
    already_present:
      description: "Addresses already in the policy."
      type: int
    moved_to_fallback:
      description: "Members moved out to O(fallback_policy) (O(exclusive=true))."
      type: int
    failed:
      description: "Addresses that could not be placed."
      type: int
  sample: {added: 10, moved: 2, already_present: 1200, moved_to_fallback: 1, failed: 0}
lockout_risk:
  description:
    - Per policy that enforces SSO and receives members, the members being added whom the identity provider
      does not know.
  returned: success (empty when no receiving policy enforces SSO or the guard did not run)
  type: list
  elements: dict
  contains:
    policy:
      description: "Policy name."
      type: str
    count:
      description: "Members not known to the identity provider."
      type: int
    sample:
      description: "Up to 20 of their addresses."
      type: list
      elements: str
  sample: [{"policy": "Employees (SSO)", "count": 1, "sample": ["frank@example.com"]}]
cross_directory_moves:
  description: Members moved from a policy of one directory to a policy of another.
  returned: when the policy list names the policies' directories
  type: int
  sample: 0
tasks:
  description:
    - The C(add-users) tasks sent, with their final status (V(SUCCEEDED), V(FINISHED_WITH_FAILURES),
      V(TIMED_OUT (...)), or the word an undocumented status body carried) and the task's own counts.
  returned: always
  type: list
  elements: dict
  contains:
    task_id:
      description: The task's ID.
      type: str
    policy_id:
      description: The policy the task adds to.
      type: str
    users:
      description: Addresses sent in the task.
      type: int
    status:
      description: How the task ended.
      type: str
    succeeded:
      description: The task's C(successCount); V(null) when its status body has no documented counts.
      type: int
    failed:
      description: Addresses the task reported failed (C(failureCount), at least the addresses in C(failureReasons)).
      type: int
  sample: [{task_id: 3f0c, policy_id: 5d1f, users: 10000, status: SUCCEEDED, succeeded: 10000, failed: 0}]
invalid:
  description: Entries that are not email addresses (the module fails when there are any, before any call).
  returned: always
  type: list
  elements: str
duplicates:
  description: Addresses listed more than once (each is handled once).
  returned: always
  type: list
  elements: str
"""

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.argspec import CLOUD_ADMIN, create_ansible_module
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.client import ApiError
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.module import (
    cloud_client,
    fail_api,
)
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._auth_policy import guard
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._auth_policy import members as policy_members
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._auth_policy import policies

LIMITS = {"bulk": policy_members.BULK_LIMIT, "individual": policy_members.INDIVIDUAL_LIMIT}


def argument_spec():
    """The module's own options; CLOUD_ADMIN brings the connection."""
    return dict(
        policy=dict(type="str", required=True),
        members=dict(type="list", elements="str"),
        members_csv=dict(type="path"),
        state=dict(type="str", choices=["present"], default="present"),
        exclusive=dict(type="bool", default=False),
        fallback_policy=dict(type="str"),
        mode=dict(type="str", choices=["bulk", "individual"], default="bulk"),
        batch_size=dict(type="int"),
        lookup_batch_size=dict(type="int", default=policy_members.LOOKUP_BATCH),
        resolve_names=dict(type="bool"),
        task_timeout=dict(type="float", default=900.0),
        report_unchanged=dict(type="bool", default=False),
        fail_on_address_errors=dict(type="bool", default=True),
        allow_lockout=dict(type="bool", default=False),
    )


def needs_policy_list(params):
    """Whether the UI-internal policy list must be read: to resolve a name (not an ID), or when asked."""
    if params["resolve_names"] is not None:
        return params["resolve_names"]
    named = [params["policy"]] + ([params["fallback_policy"]] if params["exclusive"] else [])
    return not all(policy_members.UUID.match(value or "") for value in named)


def resolve_policies(client, params):
    """(target id, fallback id or None, id -> name, default policy id or None, the Org or None when the policy list
    was not read)."""
    fallback = params["fallback_policy"] if params["exclusive"] else None
    if not needs_policy_list(params):
        if fallback is not None and fallback == params["policy"]:
            raise policies.PolicyError("fallback_policy must be another policy than %s" % params["policy"])
        return params["policy"], fallback, {}, None, None
    org = policies.read_org(client, params["org_id"])
    target = org.require(params["policy"])
    fallback = org.require(params["fallback_policy"], "fallback_policy") if params["exclusive"] else None
    if fallback is not None and fallback["id"] == target["id"]:
        raise policies.PolicyError("fallback_policy must be another policy than %s" % target["name"])
    names = dict((p["id"], p["name"]) for p in org.policies)
    default = [p["id"] for p in org.policies if p.get("isDefault")]
    return target["id"], fallback["id"] if fallback else None, names, default[0] if default else None, org


def lockout_guard(module, client, org, plan, accounts, policy_of):
    """The SSO lockout guard for the members `plan` adds: [{policy, count, sample}] (empty when no receiving
    policy enforces SSO). Without the policy list (org is None) the guard cannot see SSO and says so."""
    if not plan.adds:
        return []
    if org is None:
        module.warn("The SSO lockout guard did not run: it needs the policy list (UI-internal) to see whether the "
                    "policy enforces SSO; set resolve_names=true to run it")
        return []
    risks = []
    for policy_id in sorted(plan.adds):
        policy = org.find(policy_id) or {}
        if not ((policy.get("settings") or {}).get("sso") or {}).get("enforced"):
            continue
        moving = dict((accounts[email], email) for email in plan.adds[policy_id])
        sources = set(policy_of.get(account_id) for account_id in moving) - set([None, policy_id])
        unknown = policies.unknown_to_idp(client, module.params["org_id"], sources, set(moving))
        if unknown:
            emails = sorted(moving[account_id] for account_id in unknown)
            risks.append({"policy": policy.get("name", policy_id), "count": len(emails),
                          "sample": emails[:policies.LOCKOUT_SAMPLE]})
    return risks


def cross_directory_moves(org, plan, accounts, policy_of):
    """Members moving between policies of different directories, or None when the list names no directories."""
    if org is None or not any(p.get("directoryId") for p in org.policies):
        return None
    directory = dict((p["id"], p.get("directoryId")) for p in org.policies)
    moves = []
    for email, target in sorted(plan.expected.items()):
        source = policy_of.get(accounts.get(email))
        if source in directory and directory[source] != directory.get(target):
            moves.append(email)
    return moves


def read_and_plan(module, client, emails):
    params = module.params
    org_id = params["org_id"]
    target, fallback, names, default_id, org = resolve_policies(client, params)
    accounts = policy_members.managed_accounts(client, org_id)
    # exclusive needs every account's policy (who is in the target now); otherwise only the listed ones
    listed = sorted(accounts.items()) if fallback else [(e, accounts[e]) for e in emails if e in accounts]
    policy_of = policy_members.current_policies(client, org_id, listed, params["lookup_batch_size"], names)
    unknown = sum(1 for value in policy_of.values() if value == policy_members.UNKNOWN_POLICY)
    if unknown:
        module.warn("bulk-fetch named no policy this module can read for %d accounts; they are sent to the "
                    "policy again on every run (the reference does not document the item's policy field)" % unknown)
    plan = policy_members.plan_members(target, emails, accounts, policy_of, names, default_id, fallback)
    guard = {"lockout_risk": lockout_guard(module, client, org, plan, accounts, policy_of)}
    moves = cross_directory_moves(org, plan, accounts, policy_of)
    if moves is not None:
        guard["cross_directory_moves"] = len(moves)
        if moves:
            module.warn("%d member(s) move to a policy of another directory: %s" % (len(moves), ", ".join(moves[:20])))
    if guard["lockout_risk"] and not params["allow_lockout"]:
        text = "; ".join("%s enforces SSO and %d member(s) being added are not known to the identity provider "
                         "(they could no longer log in): %s" % (r["policy"], r["count"], ", ".join(r["sample"]))
                         for r in guard["lockout_risk"])
        module.fail_json(msg="Refused to add members to authentication policy %s: %s. Add them to the identity "
                             "provider first, or set allow_lockout=true." % (params["policy"], text),
                         changed=False, **guard)
    return plan, accounts, names, guard


def task_report(runner):
    return [dict(task_id=t["task_id"], policy_id=t["policy_id"], users=t["users"], status=t["status"],
                 succeeded=t["succeeded"], failed=t["failed"]) for t in runner.tasks]


def run(module, client, emails):
    params = module.params
    plan, accounts, names, guard = read_and_plan(module, client, emails)
    tasks, error = [], None
    if plan.adds and not module.check_mode:
        batch_size = params["batch_size"] or LIMITS[params["mode"]]
        runner = policy_members.TaskRunner(client, params["org_id"], timeout=params["task_timeout"],
                                           progress=module.debug)
        applied = policy_members.apply_plan(plan, runner, batch_size, error_types=(ApiError,))
        error = applied.error
        after = {}
        if applied.unconfirmed:
            after = policy_members.current_policies(client, params["org_id"],
                                                    [(email, accounts[email]) for email in applied.unconfirmed],
                                                    params["lookup_batch_size"], names)
        policy_members.confirm(plan, accounts, after, names, applied)
        tasks = task_report(runner)

    reported = plan.results if params["report_unchanged"] else [
        e for e in plan.results if e["result"] != policy_members.PRESENT]
    result = dict(changed=bool(tasks) or (module.check_mode and bool(plan.adds)), results=reported,
                  summary=plan.summary(), tasks=tasks, **guard)
    if module._diff:
        moving = [e for e in plan.results if e["email"] in plan.expected and e["result"] != policy_members.FAILED]
        result["diff"] = dict(
            before="".join("%s: %s\n" % (e["email"], e.get("from_policy")) for e in moving),
            after="".join("%s: %s\n" % (e["email"], e.get("to_policy")) for e in moving),
        )
    return result, error


def main():
    module = create_ansible_module(
        argument_spec(), CLOUD_ADMIN,
        mutually_exclusive=[("members", "members_csv")],
        required_one_of=[("members", "members_csv")],
        required_if=[("exclusive", True, ("fallback_policy",))],
    )
    params = module.params
    limit = LIMITS[params["mode"]]
    if params["lookup_batch_size"] < 1:
        module.fail_json(msg="lookup_batch_size must be 1 or more, got %d" % params["lookup_batch_size"])
    if params["batch_size"] is not None and not 1 <= params["batch_size"] <= limit:
        module.fail_json(msg="batch_size must be 1 to %d in %s mode, got %d"
                             % (limit, params["mode"], params["batch_size"]))
    try:
        raw = params["members"] if params["members"] is not None else policy_members.read_csv(params["members_csv"])
    except policy_members.MembersError as exc:
        module.fail_json(msg=str(exc))
    emails, invalid, duplicates = policy_members.normalise_emails(raw)
    if invalid:
        module.fail_json(msg="%d entries are not email addresses: %s" % (len(invalid), ", ".join(invalid[:20])),
                         invalid=invalid, duplicates=duplicates)

    with cloud_client(module) as client:
        try:
            result, error = run(module, client, emails)
        except policies.PolicyError as exc:
            module.fail_json(msg=str(exc))
        except ApiError as exc:
            fail_api(module, exc, msg=guard.hint(exc, "Placing members in an authentication policy other than the default one")
                     or "Cannot place members in authentication policy %s" % params["policy"])
    result.update(invalid=invalid, duplicates=duplicates)
    if error is not None:
        placed = sum(t["succeeded"] or 0 for t in result["tasks"])
        stopped = ("Stopped placing members in authentication policy %s after %d add-users tasks (%d addresses placed, "
                   "listed in results; a rerun sends the rest)" % (params["policy"], len(result["tasks"]), placed))
        needed = guard.hint(error, "Placing members in an authentication policy other than the default one")
        fail_api(module, error, msg="%s. %s" % (needed, stopped) if needed else stopped, **result)
    if duplicates:
        module.warn("%d addresses were listed more than once and handled once: %s"
                    % (len(duplicates), ", ".join(sorted(set(duplicates))[:20])))
    failed = [e for e in result["results"] if e["result"] == policy_members.FAILED]
    if failed:
        text = "%d of %d addresses could not be placed: %s" % (
            len(failed), sum(result["summary"].values()),
            "; ".join("%s (%s)" % (e["email"], e["reason"]) for e in failed[:20]))
        if params["fail_on_address_errors"]:
            module.fail_json(msg=text, **result)
        module.warn(text)
    module.exit_json(**result)


if __name__ == "__main__":
    main()

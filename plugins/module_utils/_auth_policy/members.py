# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Members of an authentication policy, through the public Control API.

Reads: managed accounts from the Organizations API (``cloud.users``: email -> account id) and each account's
current policy from ``bulk-fetch`` (``cloud.auth_policy.bulk_fetch``), so nothing is written for a member
who is already where they belong. Writes: ``add-users`` (``cloud.auth_policy.add_users``), which moves each
address from whatever policy it is in (a member is in exactly one policy) and answers 202 with a task that is
polled until it finishes. The product has no "remove": members leave a policy by being added to another one.

The bodies of the task status and of bulk-fetch are not documented by Atlassian, so both are read
defensively, and every outcome is confirmed by reading the members' policies again after the tasks end.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import csv
import re
import time

from urllib.parse import urlsplit

EMAIL = re.compile(r"^[^@\s,;<>\"']+@[^@\s,;<>\"']+\.[^@\s,;<>\"'.]+$")
BULK_LIMIT = 10000  # the admin UI's CSV upload limit, also applied to one add-users request
INDIVIDUAL_LIMIT = 20  # the admin UI's limit for adding members one by one
LOOKUP_BATCH = 100
_DONE_WORDS = ("COMPLETE", "SUCCE", "DONE", "FINISH", "FAIL", "ERROR", "CANCEL", "ABORT")
_SUCCESS_WORDS = ("COMPLETE", "SUCCE", "DONE", "FINISH")
_TROUBLE_WORDS = ("FAIL", "ERROR", "PARTIAL", "CANCEL", "ABORT", "TIMED_OUT")
_FAILURE_KEYS = ("failedUsers", "failures", "failed", "errors", "failedEmails")

ADDED = "added"
MOVED = "moved"
PRESENT = "already_present"
FAILED = "failed"
TO_FALLBACK = "moved_to_fallback"


class MembersError(Exception):
    """Input the module cannot work with (message names what was found and what is expected)."""


# -- input ------------------------------------------------------------------------------------------------
def read_csv(path):
    """Emails from a CSV file: the column headed 'email' (or 'email address'), else the first column."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            rows = [row for row in csv.reader(handle) if any(cell.strip() for cell in row)]
    except (IOError, OSError, UnicodeDecodeError) as exc:
        raise MembersError("cannot read members_csv %s: %s" % (path, exc))
    if not rows:
        return []
    header = [cell.strip().lower() for cell in rows[0]]
    column = 0
    for index, cell in enumerate(header):
        if cell in ("email", "email address", "e-mail", "emails"):
            column = index
            rows = rows[1:]
            break
    return [row[column].strip() for row in rows if len(row) > column and row[column].strip()]


def normalise_emails(values):
    """(unique lower-cased valid addresses in input order, invalid entries, repeated addresses)."""
    seen = set()
    emails, invalid, repeated = [], [], []
    for value in values:
        email = str(value).strip().lower()
        if not EMAIL.match(email):
            invalid.append(str(value))
            continue
        if email in seen:
            repeated.append(email)
            continue
        seen.add(email)
        emails.append(email)
    return emails, invalid, repeated


def chunks(items, size):
    for start in range(0, len(items), size):
        yield items[start:start + size]


# -- reads ------------------------------------------------------------------------------------------------
def managed_accounts(client, org_id):
    """email (lower case) -> account id of every managed account (Organizations API v1, cursor pages)."""
    accounts = {}
    for user in client.paginate_cursor("cloud.users", path_params={"org_id": org_id}):
        email = user.get("email")
        account_id = user.get("account_id") or user.get("accountId")
        if email and account_id:
            accounts[email.strip().lower()] = account_id
    return accounts


def _policy_id_of(item):
    for key in ("policyId", "authPolicyId"):
        if item.get(key):
            return item[key]
    for key in ("authPolicy", "policy"):
        if isinstance(item.get(key), dict) and item[key].get("id"):
            return item[key]["id"]
    policies = item.get("authPolicies") or item.get("policies")
    if isinstance(policies, list) and policies and isinstance(policies[0], dict):
        return policies[0].get("id")
    return None


def current_policies(client, org_id, account_ids, batch_size=LOOKUP_BATCH, names=None):
    """account id -> id of the policy it is in now (bulk-fetch, read-only); None when not reported.

    Policy names the answer carries are added to `names` (id -> name) when given.
    """
    found = dict((account_id, None) for account_id in account_ids)
    for batch in chunks(list(account_ids), batch_size):
        body = client.call("cloud.auth_policy.bulk_fetch", path_params={"org_id": org_id},
                           json={"userIds": batch}).json()
        items = body
        if isinstance(body, dict):
            for key in ("data", "results", "users", "values"):
                if isinstance(body.get(key), list):
                    items = body[key]
                    break
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict):
                continue
            account_id = item.get("userId") or item.get("accountId") or item.get("id")
            if account_id in found:
                found[account_id] = _policy_id_of(item)
                policy = item.get("authPolicy") or item.get("policy")
                if names is not None and isinstance(policy, dict) and policy.get("id") and policy.get("name"):
                    names.setdefault(policy["id"], policy["name"])
    return found


# -- plan -------------------------------------------------------------------------------------------------
class MembersPlan(object):
    """Per-address outcome (planned, later confirmed) and the adds to send, per target policy."""

    def __init__(self):
        self.results = []
        self.adds = {}  # policy id -> [emails], in input order
        self.expected = {}  # email -> policy id it should end in

    def record(self, email, result, from_policy=None, to_policy=None, reason=None):
        entry = {"email": email, "result": result}
        if from_policy is not None:
            entry["from_policy"] = from_policy
        if to_policy is not None:
            entry["to_policy"] = to_policy
        if reason:
            entry["reason"] = reason
        self.results.append(entry)
        return entry

    @property
    def writes_needed(self):
        return sum(len(emails) for emails in self.adds.values())

    def summary(self):
        counts = dict((key, 0) for key in (ADDED, MOVED, PRESENT, TO_FALLBACK, FAILED))
        for entry in self.results:
            counts[entry["result"]] += 1
        return counts


def plan_members(target, wanted, accounts, policy_of, policy_names, default_policy_id=None, fallback=None):
    """Plan `wanted` (normalised emails) into policy `target` (id).

    `accounts`: email -> account id; `policy_of`: account id -> current policy id; `policy_names`: id -> name;
    `fallback`: policy id that receives the target's members who are not wanted (exclusive), or None.
    """
    result = MembersPlan()
    wanted_set = set(wanted)
    target_name = policy_names.get(target, target)
    for email in wanted:
        account_id = accounts.get(email)
        if account_id is None:
            result.record(email, FAILED, reason="not a managed account of the organization")
            continue
        now = policy_of.get(account_id)
        if now == target:
            result.record(email, PRESENT, to_policy=target_name)
            continue
        kind = ADDED if now is None or now == default_policy_id else MOVED
        result.record(email, kind, from_policy=policy_names.get(now, now), to_policy=target_name)
        result.adds.setdefault(target, []).append(email)
        result.expected[email] = target
    if fallback is not None:
        fallback_name = policy_names.get(fallback, fallback)
        for email in sorted(accounts):
            if email not in wanted_set and policy_of.get(accounts[email]) == target:
                result.record(email, TO_FALLBACK, from_policy=target_name, to_policy=fallback_name)
                result.adds.setdefault(fallback, []).append(email)
                result.expected[email] = fallback
    return result


# -- writes -----------------------------------------------------------------------------------------------
def task_state(body):
    """(finished, {email: reason}) from a task status body whose field names Atlassian does not document."""
    body = body if isinstance(body, dict) else {}
    status = ""
    for key in ("status", "state", "taskStatus"):
        if body.get(key):
            status = str(body[key]).upper()
            break
    finished = any(word in status for word in _DONE_WORDS)
    failures = {}
    for key in _FAILURE_KEYS:
        items = body.get(key)
        if not isinstance(items, list):
            continue
        for item in items:
            if isinstance(item, str):
                failures[item.strip().lower()] = "the task reported a failure"
            elif isinstance(item, dict):
                email = item.get("email") or item.get("user") or item.get("emailAddress")
                if email:
                    reason = item.get("reason") or item.get("message") or item.get("error") or item.get("code")
                    failures[str(email).strip().lower()] = str(reason or "the task reported a failure")
    return finished, status or "UNKNOWN", failures


class TaskRunner(object):
    """Sends add-users requests and waits for their tasks."""

    def __init__(self, client, org_id, timeout=900.0, first_poll=0.1, max_poll=5.0, sleep=time.sleep,
                 clock=time.monotonic):
        self.client = client
        self.org_id = org_id
        self.timeout = timeout
        self.first_poll = first_poll
        self.max_poll = max_poll
        self._sleep = sleep
        self._clock = clock
        self.tasks = []

    def add(self, policy_id, emails):
        """One add-users request; returns the finished task record."""
        response = self.client.call("cloud.auth_policy.add_users",
                                    path_params={"org_id": self.org_id, "policy_id": policy_id},
                                    json={"users": emails}, expect=(200, 201, 202))
        body = response.json() if response.content else {}
        task = {"task_id": body.get("taskId") or body.get("id"), "policy_id": policy_id, "users": len(emails),
                "emails": emails, "status": None, "failures": {}}
        self.tasks.append(task)
        if not task["task_id"]:
            task["status"] = "NO_TASK"
            return task
        self._wait(task, body.get("taskLink"))
        return task

    def _same_origin(self, link):
        if not link or not link.startswith(("http://", "https://")):
            return False
        theirs, ours = urlsplit(link), urlsplit(self.client.base_url)
        return (theirs.scheme, theirs.netloc) == (ours.scheme, ours.netloc)

    def _wait(self, task, link):
        started = self._clock()
        delay = self.first_poll
        while True:
            self._sleep(delay)
            if self._same_origin(link):
                # the API's own link wins; links to another host are ignored so the key never leaves it
                response = self.client.request("GET", link)
            else:
                response = self.client.call("cloud.auth_policy.task",
                                            path_params={"org_id": self.org_id, "task_id": task["task_id"]})
            finished, status, failures = task_state(response.json())
            task["status"] = status
            task["failures"] = failures
            if finished:
                return
            if self._clock() - started + delay > self.timeout:
                task["status"] = "TIMED_OUT (%s)" % status
                return
            delay = min(self.max_poll, delay * 2)


def clean_success(task):
    """Whether a task says it finished with no failure, in words we recognise."""
    status = task["status"] or ""
    return (not task["failures"] and any(word in status for word in _SUCCESS_WORDS)
            and not any(word in status for word in _TROUBLE_WORDS))


def apply_plan(plan, runner, batch_size):
    """Send the plan's adds in batches.

    Returns ({email: reason} for addresses a task reported failed, [emails to confirm by reading again]): the
    addresses of every task that did not report a clean success, since the status body is undocumented.
    """
    failures = {}
    unconfirmed = []
    for policy_id, emails in plan.adds.items():
        for batch in chunks(emails, batch_size):
            task = runner.add(policy_id, batch)
            failures.update(task["failures"])
            if not clean_success(task):
                unconfirmed.extend(batch)
    return failures, unconfirmed


def confirm(plan, accounts, policy_after, policy_names, task_failures):
    """Turn planned outcomes into confirmed ones from the policies read after the tasks ended
    (`policy_after`: account id -> policy id, for the addresses that needed a second look)."""
    for entry in plan.results:
        if entry["email"] not in plan.expected or accounts[entry["email"]] not in policy_after:
            continue
        now = policy_after[accounts[entry["email"]]]
        if now == plan.expected[entry["email"]]:
            continue
        reason = task_failures.get(entry["email"])
        if not reason:
            reason = "still in policy %s after the task finished" % policy_names.get(now, now)
        entry["planned"] = entry["result"]
        entry["result"] = FAILED
        entry["reason"] = reason
    return plan

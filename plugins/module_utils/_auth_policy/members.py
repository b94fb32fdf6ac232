# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Members of an authentication policy, through the public Control API.

Reads: managed accounts from the Organizations API (``cloud.users``: email -> account id) and each account's
current policy from ``bulk-fetch`` (``cloud.auth_policy.bulk_fetch``), so nothing is written for a member
who is already where they belong. Writes: ``add-users`` (``cloud.auth_policy.add_users``), which moves each
address from whatever policy it is in (a member is in exactly one policy) and answers 202 with a task that is
polled until it finishes. The product has no "remove": members leave a policy by being added to another one.

Shapes, as the Control REST API reference (api-group-authentication-policies) and Atlassian's auth-policy
cookbook document them:
- bulk-fetch takes ``{"accountIds": [...]}`` (required) and answers a JSON array of ``UserPolicyInfo``
  items whose first field is ``email``; the reference does not show the rest of the item, so an item is
  matched by account id where it carries one and by email otherwise, and its policy is read from the field
  names a policy reference can plausibly have. An item that matches an account but names no policy is
  "unknown", never "not in the policy".
- the task status is counts: ``inProgressCount`` (0 when the task has finished), ``successCount``,
  ``failureCount`` and ``failureReasons: [{emails: [...], details: {status, title, detail}}]``. Older,
  undocumented shapes (a ``status`` word, ``failedUsers``) are read only when no documented field is present.
Addresses a finished task did not account for are confirmed by reading their policies again.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import csv
import re
import time

from urllib.parse import urlsplit

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._groups_sync.identity import (
    is_valid_email,
    normalize_email,
)
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.errors import CollectionError

BULK_LIMIT = 10000  # the admin UI's CSV upload limit, also applied to one add-users request
INDIVIDUAL_LIMIT = 20  # the admin UI's limit for adding members one by one
LOOKUP_BATCH = 100
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
UNKNOWN_POLICY = "(policy not reported)"  # bulk-fetch matched the account but named no policy we can read
_DONE_WORDS = ("COMPLETE", "SUCCE", "DONE", "FINISH", "FAIL", "ERROR", "CANCEL", "ABORT")
_SUCCESS_WORDS = ("COMPLETE", "SUCCE", "DONE", "FINISH")
_TROUBLE_WORDS = ("FAIL", "ERROR", "PARTIAL", "CANCEL", "ABORT", "TIMED_OUT")
_FAILURE_KEYS = ("failedUsers", "failures", "failed", "errors", "failedEmails")

ADDED = "added"
MOVED = "moved"
PRESENT = "already_present"
FAILED = "failed"
TO_FALLBACK = "moved_to_fallback"


class MembersError(CollectionError):
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
    """(unique valid addresses in input order, invalid entries, repeated addresses). Validity and the compared
    form (lower case, the domain in IDNA form) are the collection's one email rule (_groups_sync/identity.py)."""
    seen = set()
    emails, invalid, repeated = [], [], []
    for value in values:
        if not is_valid_email(str(value).strip()):
            invalid.append(str(value))
            continue
        email = normalize_email(str(value))
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
            accounts[normalize_email(email)] = account_id
    return accounts


_POLICY_ID_KEYS = ("policyId", "authPolicyId", "authenticationPolicyId")
_POLICY_NAME_KEYS = ("policyName", "authPolicyName", "authenticationPolicyName")
_POLICY_OBJECT_KEYS = ("authPolicy", "authenticationPolicy", "policy")
_POLICY_LIST_KEYS = ("authPolicies", "authenticationPolicies", "policies")


def _policy_of_item(item):
    """(policy id, policy name) an item names, each None when absent."""
    for key in _POLICY_ID_KEYS:
        if item.get(key):
            name = [item[k] for k in _POLICY_NAME_KEYS if item.get(k)]
            return item[key], name[0] if name else None
    for key in _POLICY_OBJECT_KEYS:
        if isinstance(item.get(key), dict) and item[key].get("id"):
            return item[key]["id"], item[key].get("name")
    for key in _POLICY_LIST_KEYS:
        policies = item.get(key)
        if isinstance(policies, list) and policies and isinstance(policies[0], dict) and policies[0].get("id"):
            return policies[0]["id"], policies[0].get("name")
    return None, None


def _items(body):
    """The UserPolicyInfo items: the documented array, or a list under a wrapper key."""
    if isinstance(body, dict):
        for key in ("data", "results", "users", "values"):
            if isinstance(body.get(key), list):
                return body[key]
        return []
    return body if isinstance(body, list) else []


def current_policies(client, org_id, accounts, batch_size=LOOKUP_BATCH, names=None):
    """account id -> id of the policy it is in now, through bulk-fetch (read-only).

    `accounts` is a list of (email, account id). An account bulk-fetch does not report maps to None; one it
    reports without a readable policy maps to `UNKNOWN_POLICY`. Policy names the answer carries are added to
    `names` (id -> name) when given.
    """
    found = dict((account_id, None) for _email, account_id in accounts)
    for batch in chunks(list(accounts), batch_size):
        by_email = dict((email, account_id) for email, account_id in batch)
        ids = set(account_id for _email, account_id in batch)
        body = client.call("cloud.auth_policy.bulk_fetch", path_params={"org_id": org_id},
                           json={"accountIds": [account_id for _email, account_id in batch]}).json()
        for item in _items(body):
            if not isinstance(item, dict):
                continue
            account_id = item.get("accountId") or item.get("account_id") or item.get("userId")
            if account_id not in ids:
                account_id = by_email.get(normalize_email(str(item.get("email") or "")))
            if account_id is None:
                continue
            policy_id, policy_name = _policy_of_item(item)
            found[account_id] = policy_id or UNKNOWN_POLICY
            if names is not None and policy_id and policy_name:
                names.setdefault(policy_id, policy_name)
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
    default_name = policy_names.get(default_policy_id) if default_policy_id else None
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
        result.record(email, kind, from_policy=policy_names.get(now, now or default_name),
                      to_policy=target_name)
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
def _count(body, key):
    try:
        return int(body.get(key) or 0)
    except (TypeError, ValueError):
        return 0


def task_state(body):
    """What a task status body says: ``{"finished", "status", "failures": {email: reason}, "succeeded",
    "failed", "documented"}``. ``documented`` is false when the body had none of the documented counts."""
    body = body if isinstance(body, dict) else {}
    if "inProgressCount" in body:
        failures = {}
        for reason in body.get("failureReasons") or []:
            if not isinstance(reason, dict):
                continue
            details = reason.get("details") if isinstance(reason.get("details"), dict) else {}
            text = ": ".join(str(details[k]) for k in ("title", "detail") if details.get(k))
            if details.get("status"):
                text = "%s (%s)" % (text or "refused", details["status"])
            for email in reason.get("emails") or []:
                failures[str(email).strip().lower()] = text or "the task reported a failure"
        finished = _count(body, "inProgressCount") == 0
        failed = _count(body, "failureCount")
        if not finished:
            status = "IN_PROGRESS"
        else:
            status = "SUCCEEDED" if not failed and not failures else "FINISHED_WITH_FAILURES"
        return {"finished": finished, "status": status, "failures": failures, "documented": True,
                "succeeded": _count(body, "successCount"), "failed": max(failed, len(failures))}
    return _legacy_task_state(body)


def _legacy_task_state(body):
    """A status body in none of the documented fields: a status word and a list of failed users."""
    status = ""
    for key in ("status", "state", "taskStatus"):
        if body.get(key):
            status = str(body[key]).upper()
            break
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
    return {"finished": any(word in status for word in _DONE_WORDS), "status": status or "UNKNOWN",
            "failures": failures, "documented": False, "succeeded": None, "failed": len(failures)}


class TaskRunner(object):
    """Sends add-users requests and waits for their tasks."""

    def __init__(self, client, org_id, timeout=900.0, first_poll=0.1, max_poll=5.0, sleep=time.sleep,
                 clock=time.monotonic, progress=None):
        self.client = client
        self.org_id = org_id
        self.timeout = timeout
        self.first_poll = first_poll
        self.max_poll = max_poll
        self._sleep = sleep
        self._clock = clock
        self._progress = progress
        self.tasks = []

    def add(self, policy_id, emails):
        """One add-users request; returns the finished task record."""
        response = self.client.call("cloud.auth_policy.add_users",
                                    path_params={"org_id": self.org_id, "policy_id": policy_id},
                                    json={"users": emails}, expect=(200, 201, 202))
        try:
            body = response.json() if response.content else {}
        except ValueError:
            body = {}
        body = body if isinstance(body, dict) else {}
        task = {"task_id": body.get("taskId") or body.get("id"), "policy_id": policy_id, "users": len(emails),
                "emails": emails, "status": None, "failures": {}, "documented": False, "succeeded": None,
                "failed": 0, "polls": 0}
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
            try:
                body = response.json()
            except ValueError:
                body = {}
            task["polls"] += 1
            state = task_state(body)
            finished = state.pop("finished")
            task.update(state)
            if finished:
                return
            if self._progress:
                self._progress("add-users task %s: %s after %.0f s" % (
                    task["task_id"], task["status"], self._clock() - started))
            if self._clock() - started + delay > self.timeout:
                task["status"] = "TIMED_OUT (%s)" % task["status"]
                return
            delay = min(self.max_poll, delay * 2)


def clean_success(task):
    """Whether a task finished and accounted for every address it was sent without a failure."""
    status = task["status"] or ""
    if task["documented"]:
        return status == "SUCCEEDED" and task["succeeded"] == task["users"]
    return (not task["failures"] and any(word in status for word in _SUCCESS_WORDS)
            and not any(word in status for word in _TROUBLE_WORDS))


class ApplyResult(object):
    """What the add-users tasks did: per-address failures they reported, addresses to confirm by reading
    again, the batches sent, and the error that stopped the run early, if one did."""

    def __init__(self):
        self.failures = {}
        self.unconfirmed = []
        self.sent = []
        self.error = None


def apply_plan(plan, runner, batch_size, error_types=()):
    """Send the plan's adds in batches. An error of `error_types` (the API client's) stops the sending and
    is kept in the result, so the caller can report what was written before it."""
    applied = ApplyResult()
    for policy_id, emails in plan.adds.items():
        for batch in chunks(emails, batch_size):
            try:
                task = runner.add(policy_id, batch)
            except error_types as exc:
                applied.error = exc
                return applied
            applied.sent.extend(batch)
            applied.failures.update(task["failures"])
            if not clean_success(task):
                applied.unconfirmed.extend(e for e in batch if e not in task["failures"])
    return applied


def confirm(plan, accounts, policy_after, policy_names, applied):
    """Turn planned outcomes into what happened: an address a task reported failed is failed; one a task did
    not account for is confirmed from `policy_after` (account id -> policy id, read after the tasks ended);
    one never sent (the run stopped before its batch) is failed with "not sent"."""
    sent = set(applied.sent)
    for entry in plan.results:
        email = entry["email"]
        if email not in plan.expected:
            continue
        if email not in sent:
            reason = "not sent: the run stopped at an earlier error"
        elif email in applied.failures:
            reason = applied.failures[email]
        elif accounts[email] in policy_after and policy_after[accounts[email]] != plan.expected[email]:
            now = policy_after[accounts[email]]
            reason = "still in policy %s after the task ended" % policy_names.get(now, now)
        else:
            continue
        entry["planned"] = entry["result"]
        entry["result"] = FAILED
        entry["reason"] = reason
    return plan

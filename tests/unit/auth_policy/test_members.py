"""Unit tests of member planning, CSV input and the defensive task/bulk-fetch readers (no network)."""

import pytest

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._auth_policy import members as m


def test_emails_are_validated_lower_cased_and_de_duplicated_in_order():
    emails, invalid, repeated = m.normalise_emails(
        [" Alice@Example.com", "bob@example.com", "alice@example.com", "nope", "x@y", "a b@example.com"])
    assert emails == ["alice@example.com", "bob@example.com"]
    assert invalid == ["nope", "x@y", "a b@example.com"]
    assert repeated == ["alice@example.com"]


def test_csv_uses_the_email_column_or_the_first_one(tmp_path):
    headed = tmp_path / "headed.csv"
    headed.write_text("\ufeffName,Email Address\nA,a@example.com\n,\nB,b@example.com\n", encoding="utf-8")
    assert m.read_csv(str(headed)) == ["a@example.com", "b@example.com"]
    bare = tmp_path / "bare.csv"
    bare.write_text("c@example.com\nd@example.com,extra\n", encoding="utf-8")
    assert m.read_csv(str(bare)) == ["c@example.com", "d@example.com"]
    with pytest.raises(m.MembersError):
        m.read_csv(str(tmp_path / "missing.csv"))


def test_plan_classifies_every_address_and_batches_only_the_writes():
    accounts = {"a@x.com": "A", "b@x.com": "B", "c@x.com": "C", "d@x.com": "D"}
    policy_of = {"A": "default", "B": "other", "C": "target", "D": "target"}
    names = {"default": "Default", "other": "Other", "target": "Target", "fb": "Fallback"}
    plan = m.plan_members("target", ["a@x.com", "b@x.com", "c@x.com", "z@x.com"], accounts, policy_of, names,
                          default_policy_id="default", fallback="fb")
    assert [(e["email"], e["result"]) for e in plan.results] == [
        ("a@x.com", "added"), ("b@x.com", "moved"), ("c@x.com", "already_present"), ("z@x.com", "failed"),
        ("d@x.com", "moved_to_fallback")]
    assert plan.adds == {"target": ["a@x.com", "b@x.com"], "fb": ["d@x.com"]}
    assert plan.summary() == {"added": 1, "moved": 1, "already_present": 1, "moved_to_fallback": 1, "failed": 1}


# The documented body (Control REST API reference, AddUsersToPolicyTaskStatus; the auth-policy cookbook).
COOKBOOK_DONE = {"inProgressCount": 0, "successCount": 2, "failureCount": 0, "failureReasons": []}


@pytest.mark.parametrize("body, finished, status, failures", [
    (COOKBOOK_DONE, True, "SUCCEEDED", {}),
    ({"inProgressCount": 3, "successCount": 0, "failureCount": 0, "failureReasons": []}, False, "IN_PROGRESS", {}),
    ({"inProgressCount": 0, "successCount": 1, "failureCount": 2, "failureReasons": [
        {"emails": ["A@x.com", "b@x.com"], "details": {"status": 400, "title": "USER_NOT_MANAGED",
                                                       "detail": "Not a managed account."}}]},
     True, "FINISHED_WITH_FAILURES",
     {"a@x.com": "USER_NOT_MANAGED: Not a managed account. (400)",
      "b@x.com": "USER_NOT_MANAGED: Not a managed account. (400)"}),
    # a documented field wins over an undocumented one
    ({"inProgressCount": 1, "status": "COMPLETED"}, False, "IN_PROGRESS", {}),
])
def test_the_documented_task_status_is_counts(body, finished, status, failures):
    state = m.task_state(body)
    assert (state["finished"], state["status"], state["failures"], state["documented"]) == (
        finished, status, failures, True)


@pytest.mark.parametrize("body, finished, failures", [
    ({"status": "IN_PROGRESS"}, False, {}),
    ({"state": "completed"}, True, {}),
    ({"taskStatus": "COMPLETED_WITH_ERRORS", "failedUsers": [{"email": "A@x.com", "reason": "NOPE"}]}, True,
     {"a@x.com": "NOPE"}),
    ({"status": "FAILED", "errors": ["b@x.com"]}, True, {"b@x.com": "the task reported a failure"}),
    ({}, False, {}),
])
def test_other_task_bodies_are_read_defensively(body, finished, failures):
    state = m.task_state(body)
    assert (state["finished"], state["failures"], state["documented"]) == (finished, failures, False)


def _task(users=2, **state):
    task = {"users": users, "failures": {}, "documented": True, "succeeded": users, "status": "SUCCEEDED"}
    task.update(state)
    return task


def test_only_clean_successes_skip_confirmation():
    assert m.clean_success(_task())
    assert not m.clean_success(_task(succeeded=1))  # an address the counts do not account for
    assert not m.clean_success(_task(status="FINISHED_WITH_FAILURES"))
    assert not m.clean_success(_task(status="TIMED_OUT (IN_PROGRESS)"))
    assert m.clean_success(_task(documented=False, status="COMPLETED", succeeded=None))
    assert not m.clean_success(_task(documented=False, status="UNKNOWN", succeeded=None))


class _BulkFetch:
    def __init__(self, items):
        self.items = items
        self.bodies = []

    def call(self, operation, path_params=None, json=None, **_kwargs):
        self.bodies.append(json)
        return _Response(self.items)


@pytest.mark.parametrize("item, expected", [
    ({"email": "a@x.com", "accountId": "A", "policyId": "p"}, "p"),
    ({"email": "A@X.com", "authPolicyId": "p"}, "p"),  # no account id: matched by email
    ({"accountId": "A", "authPolicy": {"id": "p", "name": "P"}}, "p"),
    ({"userId": "A", "policies": [{"id": "p"}]}, "p"),
    ({"email": "a@x.com"}, m.UNKNOWN_POLICY),  # matched, but no policy field we can read
    ({"email": "other@x.com", "policyId": "p"}, None),  # not one of ours
])
def test_bulk_fetch_sends_account_ids_and_matches_by_id_then_email(item, expected):
    client = _BulkFetch([item])
    assert m.current_policies(client, "o", [("a@x.com", "A")]) == {"A": expected}
    assert client.bodies == [{"accountIds": ["A"]}]


def test_bulk_fetch_collects_policy_names_and_reads_a_wrapped_list():
    names = {}
    client = _BulkFetch({"data": [{"email": "a@x.com", "accountId": "A", "policyId": "p", "policyName": "P"}]})
    assert m.current_policies(client, "o", [("a@x.com", "A"), ("b@x.com", "B")], names=names) == {"A": "p", "B": None}
    assert names == {"p": "P"}


def _applied(sent, failures=None):
    applied = m.ApplyResult()
    applied.sent = list(sent)
    applied.failures = dict(failures or {})
    return applied


def test_confirm_turns_unplaced_addresses_into_failures_with_a_reason():
    accounts = {"a@x.com": "A", "b@x.com": "B", "c@x.com": "C", "d@x.com": "D"}
    names = {"t": "T", "d": "D"}
    plan = m.plan_members("t", sorted(accounts), accounts, dict.fromkeys("ABCD", "d"), names, "d")
    m.confirm(plan, accounts, {"B": "d"}, names,
              _applied(["a@x.com", "b@x.com", "c@x.com"], {"c@x.com": "USER_NOT_MANAGED"}))
    by_email = dict((e["email"], e) for e in plan.results)
    assert by_email["a@x.com"]["result"] == "added"
    assert by_email["b@x.com"] == {"email": "b@x.com", "result": "failed", "planned": "added", "from_policy": "D",
                                   "to_policy": "T", "reason": "still in policy D after the task ended"}
    # a failure the task reported is a failure, whatever a later read says
    assert by_email["c@x.com"]["result"] == "failed" and by_email["c@x.com"]["reason"] == "USER_NOT_MANAGED"
    assert by_email["d@x.com"]["result"] == "failed" and by_email["d@x.com"]["reason"].startswith("not sent")


class _Response:
    def __init__(self, body):
        self._body = body
        self.content = b"x"

    def json(self):
        return self._body


class _RecordingClient:
    """Answers add-users with a task and the task with IN_PROGRESS once, then COMPLETED."""

    base_url = "https://api.atlassian.com"

    def __init__(self, link):
        self.link = link
        self.requests = []
        self.polls = 0

    def call(self, operation, path_params=None, json=None, expect=None, **_kwargs):
        self.requests.append((operation, path_params))
        if operation == "cloud.auth_policy.add_users":
            return _Response({"taskId": "t1", "taskLink": self.link})
        return self._poll()

    def request(self, method, url):
        self.requests.append((method, url))
        return self._poll()

    def _poll(self):
        self.polls += 1
        return _Response({"inProgressCount": 1 if self.polls == 1 else 0, "successCount": self.polls - 1,
                          "failureCount": 0, "failureReasons": []})


def test_task_links_are_followed_only_on_the_api_host():
    sleeps = []
    same = _RecordingClient("https://api.atlassian.com/admin/control/v1/orgs/o/auth-policy/task/t1")
    task = m.TaskRunner(same, "o", sleep=sleeps.append).add("p", ["a@x.com"])
    assert task["status"] == "SUCCEEDED" and sleeps == [0.1, 0.2] and task["polls"] == 2
    assert same.requests[1] == ("GET", same.link)

    elsewhere = _RecordingClient("https://collector.example.net/task/t1")
    m.TaskRunner(elsewhere, "o", sleep=lambda _s: None).add("p", ["a@x.com"])
    assert all(r[0] != "GET" for r in elsewhere.requests)
    assert elsewhere.requests[1] == ("cloud.auth_policy.task", {"org_id": "o", "task_id": "t1"})


def test_a_task_that_never_finishes_times_out_and_is_confirmed_by_reading():
    class Stuck(_RecordingClient):
        def _poll(self):
            return _Response({"inProgressCount": 2, "successCount": 0, "failureCount": 0, "failureReasons": []})

    clock = iter(range(0, 10000, 100))
    runner = m.TaskRunner(Stuck(None), "o", timeout=250, sleep=lambda _s: None, clock=lambda: next(clock))
    plan = m.MembersPlan()
    plan.adds = {"p": ["a@x.com", "b@x.com"]}
    applied = m.apply_plan(plan, runner, batch_size=10)
    assert runner.tasks[0]["status"].startswith("TIMED_OUT") and applied.failures == {}
    assert applied.unconfirmed == ["a@x.com", "b@x.com"] and applied.error is None


def test_an_error_on_a_later_batch_keeps_what_was_sent():
    class Refused(Exception):
        pass

    class SecondFails(_RecordingClient):
        def call(self, operation, path_params=None, json=None, expect=None, **kwargs):
            if operation == "cloud.auth_policy.add_users" and len([r for r in self.requests if r[0] == operation]):
                raise Refused("HTTP 500")
            return super().call(operation, path_params, json, expect, **kwargs)

    runner = m.TaskRunner(SecondFails(None), "o", sleep=lambda _s: None)
    plan = m.MembersPlan()
    plan.adds = {"p": ["a@x.com", "b@x.com", "c@x.com"]}
    applied = m.apply_plan(plan, runner, batch_size=2, error_types=(Refused,))
    assert applied.sent == ["a@x.com", "b@x.com"] and isinstance(applied.error, Refused)


def test_members_follow_the_collections_one_email_rule():
    emails, invalid, _repeated = m.normalise_emails(["o'brien@example.com", "a+tag@Example.COM", "x@example.com."])
    assert emails == ["o'brien@example.com", "a+tag@example.com"] and invalid == ["x@example.com."]

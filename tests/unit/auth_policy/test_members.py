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


@pytest.mark.parametrize("body, finished, failures", [
    ({"status": "IN_PROGRESS"}, False, {}),
    ({"state": "completed"}, True, {}),
    ({"taskStatus": "COMPLETED_WITH_ERRORS", "failedUsers": [{"email": "A@x.com", "reason": "NOPE"}]}, True,
     {"a@x.com": "NOPE"}),
    ({"status": "FAILED", "errors": ["b@x.com"]}, True, {"b@x.com": "the task reported a failure"}),
    ({"status": "SUCCESS", "failures": [{"user": "c@x.com", "message": "locked"}]}, True, {"c@x.com": "locked"}),
    ({}, False, {}),
])
def test_task_status_is_read_defensively(body, finished, failures):
    done, _status, found = m.task_state(body)
    assert (done, found) == (finished, failures)


def test_only_clean_successes_skip_confirmation():
    assert m.clean_success({"status": "COMPLETED", "failures": {}})
    assert not m.clean_success({"status": "COMPLETED_WITH_ERRORS", "failures": {}})
    assert not m.clean_success({"status": "DONE", "failures": {"a@x.com": "x"}})
    assert not m.clean_success({"status": "UNKNOWN", "failures": {}})
    assert not m.clean_success({"status": "TIMED_OUT (IN_PROGRESS)", "failures": {}})


@pytest.mark.parametrize("item", [
    {"userId": "A", "authPolicy": {"id": "p", "name": "P"}},
    {"accountId": "A", "policyId": "p"},
    {"id": "A", "policies": [{"id": "p"}]},
    {"userId": "A", "policy": {"id": "p"}},
])
def test_bulk_fetch_items_are_read_defensively(item):
    assert m._policy_id_of(item) == "p"


def test_confirm_turns_unplaced_addresses_into_failures_with_a_reason():
    accounts = {"a@x.com": "A", "b@x.com": "B"}
    plan = m.plan_members("t", ["a@x.com", "b@x.com"], accounts, {"A": "d", "B": "d"}, {"t": "T", "d": "D"}, "d")
    m.confirm(plan, accounts, {"A": "t", "B": "d"}, {"t": "T", "d": "D"}, {})
    assert plan.results[0]["result"] == "added"
    assert plan.results[1] == {"email": "b@x.com", "result": "failed", "planned": "added", "from_policy": "D",
                               "to_policy": "T", "reason": "still in policy D after the task finished"}


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
        return _Response({"status": "IN_PROGRESS" if self.polls == 1 else "COMPLETED"})


def test_task_links_are_followed_only_on_the_api_host():
    sleeps = []
    same = _RecordingClient("https://api.atlassian.com/admin/control/v1/orgs/o/auth-policy/task/t1")
    task = m.TaskRunner(same, "o", sleep=sleeps.append).add("p", ["a@x.com"])
    assert task["status"] == "COMPLETED" and sleeps == [0.1, 0.2]
    assert same.requests[1] == ("GET", same.link)

    elsewhere = _RecordingClient("https://collector.example.net/task/t1")
    m.TaskRunner(elsewhere, "o", sleep=lambda _s: None).add("p", ["a@x.com"])
    assert all(r[0] != "GET" for r in elsewhere.requests)
    assert elsewhere.requests[1] == ("cloud.auth_policy.task", {"org_id": "o", "task_id": "t1"})


def test_a_task_that_never_finishes_times_out_and_is_confirmed_by_reading():
    class Stuck(_RecordingClient):
        def _poll(self):
            return _Response({"status": "IN_PROGRESS"})

    clock = iter(range(0, 10000, 100))
    runner = m.TaskRunner(Stuck(None), "o", timeout=250, sleep=lambda _s: None, clock=lambda: next(clock))
    plan = m.MembersPlan()
    plan.adds = {"p": ["a@x.com", "b@x.com"]}
    failures, unconfirmed = m.apply_plan(plan, runner, batch_size=10)
    assert runner.tasks[0]["status"].startswith("TIMED_OUT") and failures == {}
    assert unconfirmed == ["a@x.com", "b@x.com"]

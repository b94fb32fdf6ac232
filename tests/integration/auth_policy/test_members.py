"""auth_policy_members against the sandbox: moves, exclusive with a fallback, batching limits, CSV input,
per-address results, partial task failures, 429 storms, and a 25,000-member sync."""

import ssl
import time

import httpx

from atlassian_sandbox.areas.auth_policies import DEFAULT_POLICY_ID, build_state, generated_accounts
from auth_policy.ap_support import area_state, policy_of, writes

SSO = {"enforced": True, "provider": "saml"}
EMPLOYEES = ["alice@example.com", "bob@example.com", "carol@example.com"]


def _policies(run_module, *names):
    for name in names:
        assert run_module("auth_policy", connection="cloud", name=name)["changed"]


def _by_email(result):
    return {entry["email"]: entry for entry in result["results"]}


def test_present_adds_moves_and_reports_every_address(run_module, sandbox):
    _policies(run_module, "Employees", "Contractors")
    run_module("auth_policy_members", connection="cloud", policy="Contractors", members=["carol@example.com"])
    result = run_module("auth_policy_members", connection="cloud", policy="Employees", fail_on_address_errors=False,
                        members=["Alice@Example.com", "bob@example.com", "carol@example.com", "bob@example.com",
                                 "nobody@example.org"])
    assert result["changed"]
    entries = _by_email(result)
    assert entries["alice@example.com"] == {"email": "alice@example.com", "result": "added",
                                            "from_policy": "Default policy", "to_policy": "Employees"}
    assert entries["carol@example.com"]["result"] == "moved"
    assert entries["carol@example.com"]["from_policy"] == "Contractors"
    assert entries["nobody@example.org"]["result"] == "failed"
    assert "not a managed account" in entries["nobody@example.org"]["reason"]
    assert result["duplicates"] == ["bob@example.com"]
    assert result["summary"] == {"added": 2, "moved": 1, "already_present": 0, "moved_to_fallback": 0, "failed": 1}
    assert len(result["tasks"]) == 1 and result["tasks"][0]["users"] == 3
    for email in EMPLOYEES:
        assert policy_of(sandbox, email) == "Employees"
    # one policy per member: carol left Contractors
    assert area_state(sandbox)["policies"]  # still there
    sandbox.clear_log()
    rerun = run_module("auth_policy_members", connection="cloud", policy="Employees", members=EMPLOYEES)
    assert not rerun["changed"] and rerun["summary"]["already_present"] == 3 and rerun["results"] == []
    listed = run_module("auth_policy_members", connection="cloud", policy="Employees", members=EMPLOYEES, report_unchanged=True)
    assert [e["result"] for e in listed["results"]] == ["already_present"] * 3
    assert writes(sandbox) == []


def test_unmanaged_addresses_fail_the_task_by_default_after_placing_the_rest(run_module, sandbox):
    _policies(run_module, "Employees")
    result = run_module("auth_policy_members", connection="cloud", policy="Employees", members=["alice@example.com", "x@elsewhere.org"])
    assert result["failed"] and "x@elsewhere.org (not a managed account" in result["msg"]
    assert policy_of(sandbox, "alice@example.com") == "Employees"


def test_invalid_addresses_fail_before_any_call(run_module, sandbox):
    result = run_module("auth_policy_members", connection="cloud", policy="Employees", members=["alice@example.com", "not-an-email", "a@b"])
    assert result["failed"] and result["invalid"] == ["not-an-email", "a@b"]
    assert sandbox.log("cloud") == []


def test_check_mode_plans_without_writing(run_module, sandbox):
    _policies(run_module, "Employees")
    sandbox.clear_log()
    result = run_module("auth_policy_members", connection="cloud", check_mode=True, diff=True, policy="Employees", members=EMPLOYEES)
    assert result["changed"] and result["summary"]["added"] == 3 and result["tasks"] == []
    assert "alice@example.com: Employees" in result["diff"]["after"]
    assert writes(sandbox) == [] and policy_of(sandbox, "alice@example.com") == "Default policy"


def test_exclusive_moves_unlisted_members_to_the_fallback_policy(run_module, sandbox):
    _policies(run_module, "Employees", "Contractors")
    run_module("auth_policy_members", connection="cloud", policy="Employees", members=EMPLOYEES + ["frank@example.com"])
    result = run_module("auth_policy_members", connection="cloud", policy="Employees", members=EMPLOYEES, exclusive=True,
                        fallback_policy="Contractors")
    assert result["changed"]
    assert _by_email(result)["frank@example.com"] == {
        "email": "frank@example.com", "result": "moved_to_fallback", "from_policy": "Employees",
        "to_policy": "Contractors"}
    assert policy_of(sandbox, "frank@example.com") == "Contractors"
    assert result["summary"]["already_present"] == 3
    same = run_module("auth_policy_members", connection="cloud", policy="Employees", members=EMPLOYEES, exclusive=True,
                      fallback_policy="contractors")
    assert not same["changed"]
    refused = run_module("auth_policy_members", connection="cloud", policy="Employees", members=EMPLOYEES, exclusive=True,
                         fallback_policy="Employees")
    assert refused["failed"] and "another policy" in refused["msg"]
    unknown = run_module("auth_policy_members", connection="cloud", policy="Employees", members=EMPLOYEES, exclusive=True,
                         fallback_policy="Nope")
    assert unknown["failed"] and "fallback_policy 'Nope'" in unknown["msg"]


def test_individual_mode_sends_at_most_20_per_request(run_module, sandbox):
    sandbox.seed("cloud", "auth_policies", build_state(generated_accounts(45)))
    _policies(run_module, "Bots")
    sandbox.clear_log()
    emails = ["user%05d@example.com" % i for i in range(1, 46)]
    result = run_module("auth_policy_members", connection="cloud", policy="Bots", members=emails, mode="individual")
    assert result["summary"]["added"] == 45
    assert [t["users"] for t in result["tasks"]] == [20, 20, 5]
    assert len(writes(sandbox)) == 3, "one add-users request per task: the product takes 20 at a time in individual mode"
    too_big = run_module("auth_policy_members", connection="cloud", policy="Bots", members=emails, mode="individual", batch_size=21)
    assert too_big["failed"] and "1 to 20 in individual mode" in too_big["msg"]
    assert run_module("auth_policy_members", connection="cloud", policy="Bots", members=emails, batch_size=10001)["failed"]


def test_members_from_a_csv_file(run_module, sandbox, tmp_path):
    _policies(run_module, "Contractors")
    path = tmp_path / "contractors.csv"
    path.write_text("Name,Email\nGrace,grace@contractors.example.net\nHeidi,HEIDI@contractors.example.net\n\n",
                    encoding="utf-8")
    result = run_module("auth_policy_members", connection="cloud", policy="Contractors", members_csv=str(path))
    assert result["summary"]["added"] == 2
    assert policy_of(sandbox, "heidi@contractors.example.net") == "Contractors"
    missing = run_module("auth_policy_members", connection="cloud", policy="Contractors", members_csv=str(tmp_path / "none.csv"))
    assert missing["failed"] and "cannot read members_csv" in missing["msg"]


def _ui_internal_calls(sandbox):
    ui_internal = "/admin/control/v1/orgs/%s/auth-policies" % sandbox.persona("cloud")["org_id"]
    return [e for e in sandbox.log("cloud") if e["path"].startswith(ui_internal)]


def test_a_policy_named_by_id_needs_only_public_endpoints(run_module, sandbox):
    created = run_module("auth_policy", connection="cloud", name="Employees")["policy"]
    sandbox.clear_log()
    result = run_module("auth_policy_members", connection="cloud", policy=created["id"], members=EMPLOYEES)
    assert result["summary"]["moved"] == 3 and result["results"][0]["from_policy"] == "Default policy"
    assert _ui_internal_calls(sandbox) == [], "no UI-internal call"
    assert policy_of(sandbox, "bob@example.com") == "Employees"
    # a name needs the (UI-internal) list; resolve_names=false refuses nothing but reads nothing either
    sandbox.clear_log()
    assert not run_module("auth_policy_members", connection="cloud", policy="Employees", members=EMPLOYEES)["changed"]
    assert _ui_internal_calls(sandbox)


def test_bulk_fetch_items_without_an_account_id_are_matched_by_email(run_module, sandbox):
    created = run_module("auth_policy", connection="cloud", name="Employees")["policy"]
    state = area_state(sandbox)
    state["bulk_fetch_fields"] = ["email", "policyId"]
    sandbox.seed("cloud", "auth_policies", state)
    assert run_module("auth_policy_members", connection="cloud", policy=created["id"], members=EMPLOYEES)["changed"]
    sandbox.clear_log()
    rerun = run_module("auth_policy_members", connection="cloud", policy=created["id"], members=EMPLOYEES)
    assert not rerun["changed"] and rerun["summary"]["already_present"] == 3
    assert writes(sandbox) == []


def test_bulk_fetch_is_sent_the_documented_account_ids(sandbox):
    cloud = sandbox.persona("cloud")
    url = "%s/admin/control/v1/orgs/%s/users/auth-policies/bulk-fetch" % (cloud["url"], cloud["org_id"])
    headers = {"Authorization": "Bearer " + cloud["api_key"]}
    with httpx.Client(verify=ssl.create_default_context(cafile=sandbox.ca_path), headers=headers) as client:
        assert client.post(url, json={"userIds": ["acct-000001"]}).status_code == 400
        items = client.post(url, json={"accountIds": ["acct-000001"]}).json()
        assert isinstance(items, list) and list(items[0])[0] == "email"


def test_12000_members_two_tasks_polled_to_the_end_rerun_and_check_write_nothing(run_module, sandbox):
    sandbox.seed("cloud", "auth_policies", build_state(generated_accounts(12000)))
    policy_id = run_module("auth_policy", connection="cloud", name="Employees")["policy"]["id"]
    emails = ["user%05d@example.com" % i for i in range(1, 12001)]

    sandbox.clear_log()
    planned = run_module("auth_policy_members", connection="cloud", policy=policy_id, members=emails, check_mode=True, diff=True)
    # named by id, the policy list is not read, so the default policy is not told apart: "moved" from it
    assert planned["changed"] and planned["summary"]["moved"] == 12000 and planned["tasks"] == []
    assert [e for e in sandbox.log("cloud") if e["method"] != "GET" and not e["path"].endswith("/bulk-fetch")] == []

    first = run_module("auth_policy_members", connection="cloud", policy=policy_id, members=emails, diff=True)
    assert not first.get("failed"), first.get("msg")
    assert [t["users"] for t in first["tasks"]] == [10000, 2000]
    assert len(writes(sandbox)) == 2, "one add-users request per bulk task of at most 10,000"
    assert _ui_internal_calls(sandbox) == []
    assert [t["status"] for t in first["tasks"]] == ["SUCCEEDED", "SUCCEEDED"]
    # each task was polled until inProgressCount was 0, and not once more
    assert [task.get("pollsAfterDone") for task in area_state(sandbox)["tasks"].values()] == [1, 1]
    assert first["diff"] == planned["diff"]

    sandbox.clear_log()
    for check_mode in (True, False):
        rerun = run_module("auth_policy_members", connection="cloud", policy=policy_id, members=emails, check_mode=check_mode)
        assert not rerun["changed"] and rerun["summary"]["already_present"] == 12000
    assert writes(sandbox) == []


def test_failure_reasons_are_failures_never_moves(run_module, sandbox):
    sandbox.seed("cloud", "auth_policies", build_state(generated_accounts(12000)))
    policy_id = run_module("auth_policy", connection="cloud", name="Employees")["policy"]["id"]
    emails = ["user%05d@example.com" % i for i in range(1, 12001)]
    first = run_module("auth_policy_members", connection="cloud", policy=policy_id, members=emails[:10000])
    assert not first.get("failed") and first["tasks"][0]["status"] == "SUCCEEDED"
    # the next task (the 2,000 addresses left) refuses every 1,000th address
    seeded = area_state(sandbox)
    seeded["task_faults"] = {"fail_fraction": 0.001, "tasks": 1, "reason": "USER_LOCKED"}
    sandbox.seed("cloud", "auth_policies", seeded)
    result = run_module("auth_policy_members", connection="cloud", policy=policy_id, members=emails, diff=True,
                        fail_on_address_errors=False)
    assert result["changed"] and [t["users"] for t in result["tasks"]] == [2000]
    failed = [e for e in result["results"] if e["result"] == "failed"]
    assert len(failed) == 2 and all(e["reason"].startswith("USER_LOCKED") for e in failed)
    assert all(e["email"] + ":" not in result["diff"]["after"] for e in failed)
    assert result["diff"]["after"].count("\n") == 1998
    assert result["tasks"][0]["status"] == "FINISHED_WITH_FAILURES" and result["tasks"][0]["failed"] == 2
    assert {policy_of(sandbox, e["email"]) for e in failed} == {"Default policy"}


def test_an_error_on_the_second_batch_reports_what_the_first_wrote(run_module, sandbox):
    sandbox.seed("cloud", "auth_policies", build_state(generated_accounts(30)))
    policy_id = run_module("auth_policy", connection="cloud", name="Bots")["policy"]["id"]
    sandbox.fault("cloud", path="/add-users$", status=500, calls=[2])
    emails = ["user%05d@example.com" % i for i in range(1, 31)]
    result = run_module("auth_policy_members", connection="cloud", policy=policy_id, members=emails, batch_size=20)
    assert result["failed"] and result["changed"] is True
    assert "after 1 add-users tasks (20 addresses placed" in result["msg"]
    assert len(result["tasks"]) == 1 and result["tasks"][0]["succeeded"] == 20
    outcome = _by_email(result)
    assert outcome["user00001@example.com"]["result"] == "moved"
    assert outcome["user00030@example.com"]["result"] == "failed"
    assert outcome["user00030@example.com"]["reason"].startswith("not sent")
    rerun = run_module("auth_policy_members", connection="cloud", policy=policy_id, members=emails, batch_size=20)
    assert rerun["changed"] and rerun["summary"] == {"added": 0, "moved": 10, "already_present": 20,
                                                     "moved_to_fallback": 0, "failed": 0}


def test_a_task_that_fails_half_its_addresses_converges_on_rerun(run_module, sandbox):
    state = build_state(generated_accounts(40))
    state["task_faults"] = {"fail_fraction": 0.5, "tasks": 1, "reason": "INTERNAL_ERROR"}
    sandbox.seed("cloud", "auth_policies", state)
    _policies(run_module, "Bots")
    emails = ["user%05d@example.com" % i for i in range(1, 41)]
    first = run_module("auth_policy_members", connection="cloud", policy="Bots", members=emails)
    assert first["failed"]
    assert first["summary"]["failed"] == 20 and first["summary"]["added"] == 20
    failed = [e for e in first["results"] if e["result"] == "failed"]
    assert {e["reason"] for e in failed} == {"INTERNAL_ERROR: The user could not be added to the policy. (400)"}
    assert all(e["planned"] == "added" for e in failed)
    assert first["tasks"][0]["status"] == "FINISHED_WITH_FAILURES" and first["tasks"][0]["failed"] == 20
    assert first["tasks"][0]["succeeded"] == 20

    second = run_module("auth_policy_members", connection="cloud", policy="Bots", members=emails)
    assert second["changed"] and not second.get("failed")
    assert second["summary"]["added"] == 20 and second["summary"]["already_present"] == 20
    third = run_module("auth_policy_members", connection="cloud", policy="Bots", members=emails)
    assert not third["changed"]
    assert len(area_state(sandbox)["accounts"]) == 40
    assert {policy_of(sandbox, e) for e in emails} == {"Bots"}


def test_a_429_storm_is_ridden_out_and_nothing_is_lost(run_module, sandbox):
    sandbox.seed("cloud", "auth_policies", build_state(generated_accounts(300)))
    _policies(run_module, "Bots")
    sandbox.fault("cloud", path="/add-users$", status=429, headers={"Retry-After": "0"}, times=3)
    sandbox.fault("cloud", path="/bulk-fetch$", status=429, headers={"Retry-After": "0"}, calls=[2, 3, 5])
    sandbox.fault("cloud", path="/users$", status=429, headers={"Retry-After": "0"}, times=2)
    emails = ["user%05d@example.com" % i for i in range(1, 301)]
    result = run_module("auth_policy_members", connection="cloud", policy="Bots", members=emails, batch_size=100)
    assert not result.get("failed"), result.get("msg")
    assert result["summary"]["added"] == 300 and len(result["tasks"]) == 3
    injected = [e for e in sandbox.log("cloud") if e.get("injected")]
    assert len(injected) == 8
    # the 429s were not processed, so each batch became exactly one task
    assert len(area_state(sandbox)["tasks"]) == 3
    assert not run_module("auth_policy_members", connection="cloud", policy="Bots", members=emails)["changed"]


def test_the_sandbox_rate_limit_is_honoured(run_module, sandbox):
    state = build_state(generated_accounts(30), rate_limit={"requests": 4, "window_seconds": 1})
    sandbox.seed("cloud", "auth_policies", state)
    emails = ["user%05d@example.com" % i for i in range(1, 31)]
    _policies(run_module, "Bots")
    result = run_module("auth_policy_members", connection="cloud", policy="Bots", members=emails, lookup_batch_size=10)
    assert not result.get("failed"), result.get("msg")
    assert result["summary"]["added"] == 30
    assert any(e["status"] == 429 for e in sandbox.log("cloud"))


def test_25000_members_take_exactly_3_bulk_tasks_and_a_rerun_writes_nothing(run_module, sandbox):
    sandbox.seed("cloud", "auth_policies", build_state(generated_accounts(25000)))
    _policies(run_module, "Employees")
    emails = ["user%05d@example.com" % i for i in range(1, 25001)]
    sandbox.clear_log()
    started = time.monotonic()
    first = run_module("auth_policy_members", connection="cloud", policy="Employees", members=emails)
    elapsed = time.monotonic() - started
    assert not first.get("failed"), first.get("msg")
    assert first["summary"]["added"] == 25000
    assert [t["users"] for t in first["tasks"]] == [10000, 10000, 5000]
    assert len(writes(sandbox)) == 3, "one add-users request per bulk task of at most 10,000"
    assert not [e for e in sandbox.log("cloud") if e["path"].endswith("/users/acct-00001")], "no per-user GET"
    state = area_state(sandbox)
    assert sum(1 for a in state["accounts"].values() if a["policy"] != DEFAULT_POLICY_ID) == 25000
    sandbox.clear_log()
    rerun = run_module("auth_policy_members", connection="cloud", policy="Employees", members=emails)
    assert not rerun["changed"] and rerun["summary"]["already_present"] == 25000
    assert writes(sandbox) == []
    assert elapsed < 60


def test_the_sandbox_refuses_more_than_10000_addresses_per_add_users_request(sandbox):
    cloud = sandbox.persona("cloud")
    url = "%s/admin/control/v1/orgs/%s/auth-policy/%s/add-users" % (cloud["url"], cloud["org_id"], DEFAULT_POLICY_ID)
    headers = {"Authorization": "Bearer " + cloud["api_key"]}
    with httpx.Client(verify=ssl.create_default_context(cafile=sandbox.ca_path), headers=headers) as client:
        too_many = client.post(url, json={"users": ["u%05d@example.com" % i for i in range(10001)]})
        assert too_many.status_code == 400 and "10000" in too_many.json()["message"]
        accepted = client.post(url, json={"users": ["alice@example.com"]})
        assert accepted.status_code == 202 and set(accepted.json()) == {"taskId", "taskLink"}
        assert client.post(url, json={"users": []}).status_code == 400
        assert client.post(url.replace(DEFAULT_POLICY_ID, "nope"), json={"users": ["a@x.com"]}).status_code == 404

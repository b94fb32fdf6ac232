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
        assert run_module("auth_policy", name=name)["changed"]


def _by_email(result):
    return {entry["email"]: entry for entry in result["results"]}


def test_present_adds_moves_and_reports_every_address(run_module, sandbox):
    _policies(run_module, "Employees", "Contractors")
    run_module("auth_policy_members", policy="Contractors", members=["carol@example.com"])
    result = run_module("auth_policy_members", policy="Employees", fail_on_address_errors=False,
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
    rerun = run_module("auth_policy_members", policy="Employees", members=EMPLOYEES)
    assert not rerun["changed"] and rerun["summary"]["already_present"] == 3 and rerun["results"] == []
    listed = run_module("auth_policy_members", policy="Employees", members=EMPLOYEES, report_unchanged=True)
    assert [e["result"] for e in listed["results"]] == ["already_present"] * 3
    assert writes(sandbox) == []


def test_unmanaged_addresses_fail_the_task_by_default_after_placing_the_rest(run_module, sandbox):
    _policies(run_module, "Employees")
    result = run_module("auth_policy_members", policy="Employees", members=["alice@example.com", "x@elsewhere.org"])
    assert result["failed"] and "x@elsewhere.org (not a managed account" in result["msg"]
    assert policy_of(sandbox, "alice@example.com") == "Employees"


def test_invalid_addresses_fail_before_any_call(run_module, sandbox):
    result = run_module("auth_policy_members", policy="Employees", members=["alice@example.com", "not-an-email", "a@b"])
    assert result["failed"] and result["invalid"] == ["not-an-email", "a@b"]
    assert sandbox.log("cloud") == []


def test_check_mode_plans_without_writing(run_module, sandbox):
    _policies(run_module, "Employees")
    sandbox.clear_log()
    result = run_module("auth_policy_members", check_mode=True, diff=True, policy="Employees", members=EMPLOYEES)
    assert result["changed"] and result["summary"]["added"] == 3 and result["tasks"] == []
    assert "alice@example.com: Employees" in result["diff"]["after"]
    assert writes(sandbox) == [] and policy_of(sandbox, "alice@example.com") == "Default policy"


def test_exclusive_moves_unlisted_members_to_the_fallback_policy(run_module, sandbox):
    _policies(run_module, "Employees", "Contractors")
    run_module("auth_policy_members", policy="Employees", members=EMPLOYEES + ["frank@example.com"])
    result = run_module("auth_policy_members", policy="Employees", members=EMPLOYEES, exclusive=True,
                        fallback_policy="Contractors")
    assert result["changed"]
    assert _by_email(result)["frank@example.com"] == {
        "email": "frank@example.com", "result": "moved_to_fallback", "from_policy": "Employees",
        "to_policy": "Contractors"}
    assert policy_of(sandbox, "frank@example.com") == "Contractors"
    assert result["summary"]["already_present"] == 3
    same = run_module("auth_policy_members", policy="Employees", members=EMPLOYEES, exclusive=True,
                      fallback_policy="contractors")
    assert not same["changed"]
    refused = run_module("auth_policy_members", policy="Employees", members=EMPLOYEES, exclusive=True,
                         fallback_policy="Employees")
    assert refused["failed"] and "another policy" in refused["msg"]
    unknown = run_module("auth_policy_members", policy="Employees", members=EMPLOYEES, exclusive=True,
                         fallback_policy="Nope")
    assert unknown["failed"] and "fallback_policy 'Nope'" in unknown["msg"]


def test_individual_mode_sends_at_most_20_per_request(run_module, sandbox):
    sandbox.seed("cloud", "auth_policies", build_state(generated_accounts(45)))
    _policies(run_module, "Bots")
    sandbox.clear_log()
    emails = ["user%05d@example.com" % i for i in range(1, 46)]
    result = run_module("auth_policy_members", policy="Bots", members=emails, mode="individual")
    assert result["summary"]["added"] == 45
    assert [t["users"] for t in result["tasks"]] == [20, 20, 5]
    assert len(writes(sandbox)) == 3
    too_big = run_module("auth_policy_members", policy="Bots", members=emails, mode="individual", batch_size=21)
    assert too_big["failed"] and "1 to 20 in individual mode" in too_big["msg"]
    assert run_module("auth_policy_members", policy="Bots", members=emails, batch_size=10001)["failed"]


def test_members_from_a_csv_file(run_module, sandbox, tmp_path):
    _policies(run_module, "Contractors")
    path = tmp_path / "contractors.csv"
    path.write_text("Name,Email\nGrace,grace@contractors.example.net\nHeidi,HEIDI@contractors.example.net\n\n",
                    encoding="utf-8")
    result = run_module("auth_policy_members", policy="Contractors", members_csv=str(path))
    assert result["summary"]["added"] == 2
    assert policy_of(sandbox, "heidi@contractors.example.net") == "Contractors"
    missing = run_module("auth_policy_members", policy="Contractors", members_csv=str(tmp_path / "none.csv"))
    assert missing["failed"] and "cannot read members_csv" in missing["msg"]


def test_public_endpoints_only_with_policy_ids(run_module, sandbox):
    created = run_module("auth_policy", name="Employees")["policy"]
    sandbox.clear_log()
    result = run_module("auth_policy_members", policy=created["id"], resolve_names=False, members=EMPLOYEES)
    assert result["summary"]["moved"] == 3 and result["results"][0]["from_policy"] == "Default policy"
    ui_internal = "/admin/control/v1/orgs/%s/auth-policies" % sandbox.persona("cloud")["org_id"]
    assert not [e for e in sandbox.log("cloud") if e["path"].startswith(ui_internal)], "no UI-internal call"
    assert policy_of(sandbox, "bob@example.com") == "Employees"


def test_a_task_that_fails_half_its_addresses_converges_on_rerun(run_module, sandbox):
    state = build_state(generated_accounts(40))
    state["task_faults"] = {"fail_fraction": 0.5, "tasks": 1, "reason": "INTERNAL_ERROR"}
    sandbox.seed("cloud", "auth_policies", state)
    _policies(run_module, "Bots")
    emails = ["user%05d@example.com" % i for i in range(1, 41)]
    first = run_module("auth_policy_members", policy="Bots", members=emails)
    assert first["failed"]
    assert first["summary"]["failed"] == 20 and first["summary"]["added"] == 20
    failed = [e for e in first["results"] if e["result"] == "failed"]
    assert {e["reason"] for e in failed} == {"INTERNAL_ERROR"} and all(e["planned"] == "added" for e in failed)
    assert first["tasks"][0]["status"] == "COMPLETED_WITH_ERRORS" and first["tasks"][0]["failed"] == 20

    second = run_module("auth_policy_members", policy="Bots", members=emails)
    assert second["changed"] and not second.get("failed")
    assert second["summary"]["added"] == 20 and second["summary"]["already_present"] == 20
    third = run_module("auth_policy_members", policy="Bots", members=emails)
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
    result = run_module("auth_policy_members", policy="Bots", members=emails, batch_size=100)
    assert not result.get("failed"), result.get("msg")
    assert result["summary"]["added"] == 300 and len(result["tasks"]) == 3
    injected = [e for e in sandbox.log("cloud") if e.get("injected")]
    assert len(injected) == 8
    # the 429s were not processed, so each batch became exactly one task
    assert len(area_state(sandbox)["tasks"]) == 3
    assert not run_module("auth_policy_members", policy="Bots", members=emails)["changed"]


def test_the_sandbox_rate_limit_is_honoured(run_module, sandbox):
    state = build_state(generated_accounts(30), rate_limit={"requests": 4, "window_seconds": 1})
    sandbox.seed("cloud", "auth_policies", state)
    emails = ["user%05d@example.com" % i for i in range(1, 31)]
    _policies(run_module, "Bots")
    result = run_module("auth_policy_members", policy="Bots", members=emails, lookup_batch_size=10)
    assert not result.get("failed"), result.get("msg")
    assert result["summary"]["added"] == 30
    assert any(e["status"] == 429 for e in sandbox.log("cloud"))


def test_25000_members_take_exactly_3_bulk_tasks_and_a_rerun_writes_nothing(run_module, sandbox):
    sandbox.seed("cloud", "auth_policies", build_state(generated_accounts(25000)))
    _policies(run_module, "Employees")
    emails = ["user%05d@example.com" % i for i in range(1, 25001)]
    sandbox.clear_log()
    started = time.monotonic()
    first = run_module("auth_policy_members", policy="Employees", members=emails)
    elapsed = time.monotonic() - started
    assert not first.get("failed"), first.get("msg")
    assert first["summary"]["added"] == 25000
    assert [t["users"] for t in first["tasks"]] == [10000, 10000, 5000]
    assert len(writes(sandbox)) == 3
    assert not [e for e in sandbox.log("cloud") if e["path"].endswith("/users/acct-00001")], "no per-user GET"
    state = area_state(sandbox)
    assert sum(1 for a in state["accounts"].values() if a["policy"] != DEFAULT_POLICY_ID) == 25000
    sandbox.clear_log()
    rerun = run_module("auth_policy_members", policy="Employees", members=emails)
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

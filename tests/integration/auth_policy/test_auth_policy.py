"""auth_policy against the sandbox: declarative settings, conflicts refused before any call, the Guard
rules, the SSO lockout guard, idle-session normalisation, deletion rules."""

from atlassian_sandbox.areas.auth_policies import account, build_state
from auth_policy.ap_support import area_state

SSO = {"enforced": True, "provider": "saml"}


def _calls(sandbox):
    return [e for e in sandbox.log("cloud") if "/auth-polic" in e["path"]]


def test_create_is_declarative_with_check_mode_diff_and_idempotent_rerun(run_module, sandbox):
    settings = {"sso": SSO, "api_tokens": "block", "idle_session": "12h"}
    checked = run_module("auth_policy", connection="cloud", check_mode=True, diff=True, name="Employees", settings=settings)
    assert checked["changed"] and checked["diff"]["before"] == {}
    assert checked["diff"]["after"]["settings"]["sso"] == SSO
    assert {e["method"] for e in _calls(sandbox)} == {"GET"}, "check mode only reads"

    created = run_module("auth_policy", connection="cloud", diff=True, name="Employees", type="billable", settings=settings)
    assert created["changed"]
    policy = created["policy"]
    assert policy["id"] and policy["type"] == "billable"
    assert policy["settings"]["idle_session"] == "12h" and policy["settings"]["api_tokens"] == "block"
    # the identity provider owns these once SSO is enforced
    assert policy["settings"]["two_step"] is None and policy["settings"]["password"] is None

    sandbox.clear_log()
    again = run_module("auth_policy", connection="cloud", name="Employees", type="billable", settings=settings)
    assert not again["changed"] and again["changed_fields"] == []
    assert all(e["method"] == "GET" for e in _calls(sandbox))


def test_update_touches_only_the_settings_given_and_reports_the_diff(run_module, sandbox):
    run_module("auth_policy", connection="cloud", name="Contractors",
               settings={"two_step": "required", "password": {"min_strength": "strong", "expiry_days": 90}})
    changed = run_module("auth_policy", connection="cloud", diff=True, name="contractors", settings={"idle_session": "1440m"})
    assert changed["changed"] and changed["changed_fields"] == ["name", "settings.idle_session"]
    assert changed["diff"]["before"]["settings"]["idle_session"] == "30d"
    after = changed["policy"]["settings"]
    assert after["idle_session"] == "1d"
    assert after["two_step"] == "required" and after["password"] == {"min_strength": "strong", "expiry_days": 90}
    # '24h' is the same duration as the stored '1d'
    assert not run_module("auth_policy", connection="cloud", name="contractors", settings={"idle_session": "24h"})["changed"]


def test_idp_owned_settings_under_sso_fail_before_any_call_naming_every_field(run_module, sandbox):
    result = run_module("auth_policy", connection="cloud", name="Employees", settings={
        "sso": SSO, "two_step": "required", "third_party_login": "block",
        "password": {"min_strength": "good"}})
    assert result["failed"]
    assert [c.split(":")[0] for c in result["conflicts"]] == [
        "settings.two_step", "settings.third_party_login", "settings.password"]
    assert sandbox.log("cloud") == []


def test_unknown_strength_and_bad_durations_fail_before_any_call(run_module, sandbox):
    result = run_module("auth_policy", connection="cloud", name="Employees", settings={
        "password": {"min_strength": "medium", "expiry_days": 400}, "idle_session": "3 fortnights"})
    assert result["failed"]
    fields = [c.split(":")[0] for c in result["conflicts"]]
    assert fields == ["settings.password.min_strength", "settings.password.expiry_days", "settings.idle_session"]
    assert "medium" in result["msg"]
    assert sandbox.log("cloud") == []
    too_short = run_module("auth_policy", connection="cloud", name="Employees", settings={"idle_session": "1m"})
    assert too_short["failed"] and "settings.idle_session" in too_short["msg"]


def test_idp_owned_settings_on_a_policy_already_under_sso_are_refused_before_writing(run_module, sandbox):
    run_module("auth_policy", connection="cloud", name="Employees", settings={"sso": SSO})
    sandbox.clear_log()
    result = run_module("auth_policy", connection="cloud", name="Employees", settings={"two_step": "optional"})
    assert result["failed"] and "SSO is enforced on policy Employees" in result["msg"]
    assert all(e["method"] == "GET" for e in sandbox.log("cloud"))


def test_guard_only_settings_without_guard_are_refused(run_module, sandbox):
    sandbox.seed("cloud", "auth_policies", build_state([], guard=False))
    # known up front: no call at all
    known = run_module("auth_policy", connection="cloud", name="Default policy", guard_standard=False,
                       settings={"sso": SSO, "api_tokens": "block"})
    assert known["failed"]
    assert [c.split(":")[0] for c in known["conflicts"]] == ["settings.sso", "settings.api_tokens"]
    two_step = run_module("auth_policy", connection="cloud", name="Default policy", guard_standard=False, settings={"two_step": "required"})
    assert two_step["conflicts"] == [
        "settings.two_step: requiring two-step verification needs Atlassian Guard Standard"]
    assert sandbox.log("cloud") == []
    # learnt from the policy list: refused before any write, and an additional policy is refused too
    learnt = run_module("auth_policy", connection="cloud", name="Engineers", settings={"api_tokens": "block"})
    assert learnt["failed"]
    assert [c.split(":")[0] for c in learnt["conflicts"]] == ["policy", "settings.api_tokens"]
    assert all(e["method"] == "GET" for e in sandbox.log("cloud"))
    # what the free tier allows still works
    ok = run_module("auth_policy", connection="cloud", name="Default policy", settings={"two_step": "optional", "idle_session": "7d"})
    assert ok["changed"] and ok["policy"]["settings"]["idle_session"] == "7d"


def _seed_policy_with_members(sandbox, linked, unlinked):
    state = build_state([])
    state["policies"]["p-eng"] = {"id": "p-eng", "name": "Engineering", "type": "billable", "isDefault": False,
                                  "settings": dict(state["policies"]["00000000-0000-4000-8000-000000000001"]["settings"])}
    accounts = [account(i, "linked%d@example.com" % i, "Linked %d" % i, True, policy="p-eng") for i in range(linked)]
    accounts += [account(100 + i, "local%d@example.com" % i, "Local %d" % i, False, policy="p-eng")
                 for i in range(unlinked)]
    state["accounts"] = {a["account_id"]: a for a in accounts}
    sandbox.seed("cloud", "auth_policies", state)


def test_enforcing_sso_refuses_when_members_would_be_locked_out(run_module, sandbox):
    _seed_policy_with_members(sandbox, linked=3, unlinked=2)
    refused = run_module("auth_policy", connection="cloud", name="Engineering", settings={"sso": SSO})
    assert refused["failed"]
    assert refused["lockout_risk"] == {"count": 2, "sample": ["local0@example.com", "local1@example.com"]}
    assert "2 member(s) are not known to the identity provider" in refused["msg"]
    assert not [e for e in sandbox.log("cloud") if e["method"] == "PUT"]
    assert not area_state(sandbox)["policies"]["p-eng"]["settings"]["sso"]["enforced"]

    allowed = run_module("auth_policy", connection="cloud", name="Engineering", settings={"sso": SSO}, allow_lockout=True)
    assert allowed["changed"] and allowed["policy"]["settings"]["sso"]["enforced"]
    assert any("2 member(s) are not known" in w for w in allowed["warnings"])


def test_enforcing_sso_when_every_member_is_known_needs_no_override(run_module, sandbox):
    _seed_policy_with_members(sandbox, linked=3, unlinked=0)
    result = run_module("auth_policy", connection="cloud", name="Engineering", settings={"sso": {"enforced": True, "provider": "google"}})
    assert result["changed"] and result["lockout_risk"] == {"count": 0, "sample": []}
    assert not result.get("warnings")


def test_absent_deletes_only_empty_non_default_policies(run_module, sandbox):
    _seed_policy_with_members(sandbox, linked=1, unlinked=0)
    busy = run_module("auth_policy", connection="cloud", name="Engineering", state="absent")
    assert busy["failed"] and "still has 1 members" in busy["msg"]
    default = run_module("auth_policy", connection="cloud", name="Default policy", state="absent")
    assert default["failed"] and "default policy" in default["msg"]
    run_module("auth_policy", connection="cloud", name="Empty")
    gone = run_module("auth_policy", connection="cloud", name="Empty", state="absent", diff=True)
    assert gone["changed"] and gone["policy"] is None and gone["diff"]["before"]["name"] == "Empty"
    assert not run_module("auth_policy", connection="cloud", name="Empty", state="absent")["changed"]


def test_ui_internal_paths_can_be_overridden(run_module, sandbox):
    result = run_module("auth_policy", connection="cloud", name="Employees",
                        api_overrides={"cloud.auth_policy.list": "/admin/control/v2/orgs/{org_id}/auth-policies"})
    assert result["failed"] and result["status"] == 404
    assert result["api_path"].startswith("/admin/control/v2/")


def test_two_step_off_is_refused_before_any_call_with_what_the_product_offers(run_module, sandbox):
    for value in ("off", False):  # False: YAML's unquoted off
        result = run_module("auth_policy", connection="cloud", name="Default policy", settings={"two_step": value})
        assert result["failed"]
        assert result["conflicts"] == ["settings.two_step: the product has no 'off'; two-step verification is required "
                                       "or optional (optional lets each member choose), got %r" % str(value)]
    assert sandbox.log("cloud") == []


def test_an_api_token_change_says_it_takes_up_to_ten_minutes_and_can_be_waited_for(run_module, sandbox):
    import time

    checked = run_module("auth_policy", connection="cloud", check_mode=True, name="Default policy", settings={"api_tokens": "block"})
    assert checked["api_tokens_pending"]["applies_within_seconds"] == 600
    assert checked["api_tokens_pending"]["waited_seconds"] == 0
    started = time.monotonic()
    changed = run_module("auth_policy", connection="cloud", name="Default policy", settings={"api_tokens": "block"}, api_tokens_wait=2)
    assert changed["changed"] and time.monotonic() - started >= 2
    pending = changed["api_tokens_pending"]
    assert pending["waited_seconds"] == 2 and "up to 10 minutes" in pending["message"]
    assert pending["applied_by"].endswith("Z")
    again = run_module("auth_policy", connection="cloud", name="Default policy", settings={"api_tokens": "block"}, api_tokens_wait=2)
    assert not again["changed"] and "api_tokens_pending" not in again
    too_long = run_module("auth_policy", connection="cloud", name="Default policy", settings={"api_tokens": "allow"}, api_tokens_wait=601)
    assert too_long["failed"] and "api_tokens_wait must be 0 to 600 seconds" in too_long["msg"]

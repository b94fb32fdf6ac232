"""dc_allowlist against the sandbox's Jira and Confluence personas over HTTPS: the module runs in-process
(patch_module_args), the HTTP traffic is real."""

from __future__ import annotations

import json
import ssl

import httpx
import pytest

from ansible_collections.dcops.atlassian_cloud.plugins.modules import dc_allowlist, dc_info

CLOUD = {"expression": "https://api.atlassian.com", "type": "domain"}
# The same rule as the product stores it.
CLOUD_WIRE = {"expression": CLOUD["expression"], "type": "DOMAIN_NAME", "allowInbound": False,
              "authenticationRequired": True}


def rules_on(sandbox, persona):
    return sandbox.state()[persona]["allowlist"]["rules"]


def writes(sandbox, persona):
    return [e for e in sandbox.log(persona) if e["method"] in ("POST", "PUT", "DELETE")]


@pytest.mark.parametrize("persona", ["jira", "confluence"])
def test_adds_the_cloud_rule_once(sandbox, run_module, persona):
    params = sandbox.dc_params(persona, rules=[CLOUD])
    first = run_module(dc_allowlist, params, diff=True)
    assert first["changed"] is True, first
    assert first["rules"] == [dict(CLOUD, allow_inbound=False, allow_anonymous=False)]
    assert first["diff"]["before"]["rules"] == []
    assert first["diff"]["after"]["rules"] == first["rules"]
    assert [e["method"] for e in writes(sandbox, persona)] == ["POST"], "one rule created, nothing else written"
    stored = rules_on(sandbox, persona)
    assert [(r["type"], r["expression"], r["authenticationRequired"]) for r in stored] == [
        ("DOMAIN_NAME", "https://api.atlassian.com", True)]
    # The Confluence persona answers under its context path only.
    if persona == "confluence":
        assert all(e["path"].startswith("/confluence/") for e in sandbox.log(persona))

    sandbox.clear_log()
    second = run_module(dc_allowlist, params)
    assert second["changed"] is False and second["actions"] == []
    assert writes(sandbox, persona) == []
    # The rerun cost: a converged run reads the rules and the allowlist's status, once each.
    assert len(sandbox.log(persona)) == 2


def test_check_mode_predicts_without_writing(sandbox, run_module):
    result = run_module(dc_allowlist, connection="jira", rules=[CLOUD], check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["diff"]["after"]["rules"][0]["expression"] == "https://api.atlassian.com"
    assert rules_on(sandbox, "jira") == []
    assert writes(sandbox, "jira") == []


def test_updates_options_and_inverts_anonymous(sandbox, run_module):
    run_module(dc_allowlist, connection="jira", rules=[CLOUD])
    result = run_module(dc_allowlist, connection="jira", rules=[dict(CLOUD, allow_anonymous=True, allow_inbound=True)],
                        diff=True)
    assert [a["action"] for a in result["actions"]] == ["update"]
    (stored,) = rules_on(sandbox, "jira")
    assert stored["allowInbound"] is True and stored["authenticationRequired"] is False
    assert result["diff"]["before"]["rules"][0]["allow_anonymous"] is False
    assert result["diff"]["after"]["rules"][0]["allow_anonymous"] is True


def seed_rules(sandbox, rules, enabled=True):
    stored = [dict(rule, id=index + 1) for index, rule in enumerate(rules)]
    sandbox.seed("jira", "allowlist", {"enabled": enabled, "next_id": len(stored) + 1, "rules": stored})


APPLINK = {"expression": "https://wiki.example.com", "type": "APPLICATION_LINK", "allowInbound": False,
           "authenticationRequired": True}
OLD = {"expression": "https://old.example.com", "type": "EXACT_URL", "allowInbound": False,
       "authenticationRequired": True}
UNKNOWN = {"expression": "https://x.example.com", "type": "SOMETHING_NEW", "allowInbound": False,
           "authenticationRequired": True}


def test_exclusive_keeps_application_links_and_unknown_types(sandbox, run_module):
    seed_rules(sandbox, [APPLINK, OLD, UNKNOWN])
    result = run_module(dc_allowlist, connection="jira", rules=[CLOUD], exclusive=True)
    assert sorted(a["action"] for a in result["actions"]) == ["create", "delete"]
    stored = sorted((r["type"], r["expression"]) for r in rules_on(sandbox, "jira"))
    assert stored == [("APPLICATION_LINK", "https://wiki.example.com"),
                      ("DOMAIN_NAME", "https://api.atlassian.com"),
                      ("SOMETHING_NEW", "https://x.example.com")]
    assert {"expression": "https://wiki.example.com", "type": "application_link", "allow_inbound": False,
            "allow_anonymous": False} in result["rules"]


def test_absent_removes_every_copy(sandbox, run_module):
    cloud_wire = {"expression": CLOUD["expression"], "type": "DOMAIN_NAME", "allowInbound": False,
                  "authenticationRequired": True}
    seed_rules(sandbox, [cloud_wire, OLD, cloud_wire])
    result = run_module(dc_allowlist, connection="jira", rules=[CLOUD], state="absent")
    assert [a["action"] for a in result["actions"]] == ["delete", "delete"]
    assert [r["expression"] for r in rules_on(sandbox, "jira")] == ["https://old.example.com"]


def test_present_collapses_copies(sandbox, run_module):
    seed_rules(sandbox, [CLOUD_WIRE, CLOUD_WIRE])
    result = run_module(dc_allowlist, connection="jira", rules=[CLOUD])
    assert [a["action"] for a in result["actions"]] == ["delete"]
    assert [r["id"] for r in rules_on(sandbox, "jira")] == [1]


def test_disable_needs_confirmation_and_enable_converges(sandbox, run_module):
    refused = run_module(dc_allowlist, connection="jira", enabled=False)
    assert refused["failed"] is True and "allow_disable=true" in refused["msg"]
    assert sandbox.state()["jira"]["allowlist"]["enabled"] is True
    assert writes(sandbox, "jira") == []

    disabled = run_module(dc_allowlist, connection="jira", enabled=False, allow_disable=True, diff=True)
    assert disabled["changed"] is True and disabled["enabled"] is False
    assert disabled["diff"]["before"]["enabled"] is True
    assert sandbox.state()["jira"]["allowlist"]["enabled"] is False

    enabled = run_module(dc_allowlist, connection="jira", enabled=True)
    assert enabled["changed"] is True and sandbox.state()["jira"]["allowlist"]["enabled"] is True
    assert run_module(dc_allowlist, connection="jira", enabled=True)["changed"] is False


@pytest.mark.parametrize("rule, reason", [
    ({"expression": "https://(unclosed", "type": "regex"}, "not a valid regular expression"),
    ({"expression": "https://portal.example.com/", "type": "exact", "allow_inbound": True},
     "scheme://host[:port]"),
    ({"expression": "portal.example.com", "type": "exact"}, "absolute URL"),
])
def test_module_rejects_what_the_form_rejects_before_calling(sandbox, run_module, rule, reason):
    result = run_module(dc_allowlist, connection="jira", rules=[rule])
    assert result["failed"] is True and reason in result["msg"]
    assert sandbox.log("jira") == []


def test_module_rejects_a_rule_listed_twice_before_calling(sandbox, run_module):
    result = run_module(dc_allowlist, connection="jira", rules=[CLOUD, dict(CLOUD, allow_anonymous=True)])
    assert result["failed"] is True and "listed twice" in result["msg"]
    assert sandbox.log("jira") == []


@pytest.mark.parametrize("body, field", [
    ({"expression": "https://(unclosed", "type": "REGULAR_EXPRESSION"}, "expression"),
    ({"expression": "https://portal.example.com/", "type": "EXACT_URL", "allowInbound": True}, "allowInbound"),
])
def test_sandbox_form_rejects_the_same_rules(sandbox, body, field):
    """The persona's own validation, for rules that reach it without the module (e.g. through an override)."""
    persona = sandbox.persona("jira")
    response = httpx.post(persona["url"] + "/rest/whitelist/latest/whitelist", json=body,
                          verify=ssl.create_default_context(cafile=sandbox.ca_path),
                          auth=(persona["user"], persona["password"]))
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_rides_out_429_and_503(sandbox, run_module):
    sandbox.fault("jira", path="/rest/whitelist/latest/whitelist$", method="GET", status=429,
                  headers={"Retry-After": "0"}, times=1)
    sandbox.fault("jira", path="/rest/whitelist/latest/whitelist$", method="POST", status=503, times=1)
    result = run_module(dc_allowlist, connection="jira", rules=[CLOUD])
    assert result["changed"] is True, result
    assert len(rules_on(sandbox, "jira")) == 1
    posts = [e for e in sandbox.log("jira") if e["method"] == "POST"]
    assert [e["status"] for e in posts] == [503, 201]


def test_rerun_after_failure_midway_converges_without_duplicates(sandbox, run_module):
    wanted = [CLOUD,
              {"expression": "https://portal.example.com", "type": "exact", "allow_inbound": True},
              {"expression": "https://*.example.com/*", "type": "wildcard"}]
    # The second create gets a 502: a POST the server may have processed is not resent, so the run fails.
    sandbox.fault("jira", path="/rest/whitelist/latest/whitelist$", method="POST", status=502, calls=[2])
    failed = run_module(dc_allowlist, connection="jira", rules=wanted)
    assert failed["failed"] is True and failed["status"] == 502
    assert "Cannot manage the allowlist" in failed["msg"]
    assert failed["changed"] is True and [a["rule"]["expression"] for a in failed["actions"]] == [
        "https://api.atlassian.com"]
    assert len(rules_on(sandbox, "jira")) == 1

    rerun = run_module(dc_allowlist, connection="jira", rules=wanted)
    assert rerun["changed"] is True
    assert [a["action"] for a in rerun["actions"]] == ["create", "create"]
    keys = sorted((r["type"], r["expression"]) for r in rules_on(sandbox, "jira"))
    assert keys == sorted(set(keys)) and len(keys) == 3
    assert run_module(dc_allowlist, connection="jira", rules=wanted)["changed"] is False


def test_non_admin_gets_a_clear_error(sandbox, run_module):
    persona = sandbox.persona("jira")
    params = sandbox.dc_params("jira", rules=[CLOUD], user=persona["non_admin_user"],
                               password=persona["non_admin_password"])
    result = run_module(dc_allowlist, params)
    assert result["failed"] is True and result["status"] == 403
    assert persona["non_admin_password"] not in json.dumps(result)


def test_api_override_redirects_the_ui_internal_path(sandbox, run_module):
    overrides = {"dc.allowlist.list": "/rest/whitelist/1.0/whitelist"}
    result = run_module(dc_allowlist, connection="jira", rules=[CLOUD], api_overrides=overrides)
    assert result["failed"] is True and result["api_path"] == "/rest/whitelist/1.0/whitelist"
    assert result["status"] == 404


# dc_info's allowlist_rules: the version read says whether dc_allowlist would change anything, so a converged run
# can skip dc_allowlist. Its answer must be dc_allowlist's own: compared with dc_allowlist's check mode in each state.
@pytest.mark.parametrize("seeded, desired", [
    ([], [CLOUD]),
    ([CLOUD_WIRE], [CLOUD]),
    # Present with other options: dc_allowlist would update it.
    ([CLOUD_WIRE], [dict(CLOUD, allow_anonymous=True)]),
    # Two copies: dc_allowlist would collapse them.
    ([CLOUD_WIRE] * 2, [CLOUD]),
    # The same expression as an exact rule is another rule.
    ([dict(CLOUD_WIRE, type="EXACT_URL")], [CLOUD]),
])
def test_dc_info_says_what_dc_allowlist_would_do(sandbox, run_module, seeded, desired):
    seed_rules(sandbox, seeded)
    info = run_module(dc_info, connection="jira", allowlist_rules=desired)
    predicted = run_module(dc_allowlist, connection="jira", rules=desired, check_mode=True)
    assert info["allowlist"]["rules_present"] is (not predicted["changed"]), (info["allowlist"], predicted["actions"])
    # What it read is what dc_allowlist read (dc_allowlist's check mode shows the rules it would leave).
    described = run_module(dc_allowlist, connection="jira", rules=[], check_mode=True)
    assert {k: info["allowlist"][k] for k in ("enabled", "rules")} == {k: described[k] for k in ("enabled", "rules")}
    assert writes(sandbox, "jira") == []


def test_dc_info_reads_the_allowlist_only_when_asked(sandbox, run_module):
    plain = run_module(dc_info, connection="jira")
    assert "allowlist" not in plain
    assert not [e for e in sandbox.log("jira") if "whitelist" in e["path"]]
    sandbox.clear_log()
    asked = run_module(dc_info, connection="jira", allowlist_rules=[CLOUD])
    assert asked["allowlist"] == {"enabled": True, "rules": [], "rules_present": False}
    # The reads dc_allowlist makes, once each.
    assert sorted(e["path"] for e in sandbox.log("jira") if "whitelist" in e["path"]) == [
        "/rest/whitelist/latest/whitelist", "/rest/whitelist/latest/whitelist/status"]


def test_dc_info_reports_a_failed_allowlist_read_without_failing(sandbox, run_module):
    persona = sandbox.persona("jira")
    result = run_module(dc_info, sandbox.dc_params("jira", user=persona["non_admin_user"],
                                                   password=persona["non_admin_password"]), allowlist_rules=[CLOUD])
    assert result.rc == 0 and result["version"] == "11.3.0"
    assert result["allowlist"]["rules_present"] is False and "403" in result["allowlist"]["error"]
    assert persona["non_admin_password"] not in json.dumps(result)


def test_dc_info_rejects_bad_allowlist_rules_before_calling(sandbox, run_module):
    result = run_module(dc_info, connection="jira", allowlist_rules=[{"expression": "portal.example.com", "type": "exact"}])
    assert result["failed"] is True and result["msg"].startswith("Invalid allowlist rules:") and "absolute URL" in result["msg"]
    assert sandbox.log("jira") == []

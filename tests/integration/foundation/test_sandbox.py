"""The sandbox itself: state that survives a restart, plain HTTP, and fault-rule selection."""

import ssl

import httpx

from atlassian_sandbox.faults import FaultRule
from sandbox_fixtures import start_sandbox

RULE = {"expression": "https://api.atlassian.com", "type": "WILDCARD_EXPRESSION", "allowInbound": False,
        "authenticationRequired": True}
ADMIN = ("sandbox-admin", "sandbox-admin-password")


def test_state_file_survives_a_restart(tmp_path):
    state_file = tmp_path / "state.json"
    env, stop = start_sandbox(tmp_path / "first", "--plain-http", "--state-file", str(state_file))
    try:
        jira = env["personas"]["jira"]["url"]
        created = httpx.post(jira + "/rest/whitelist/latest/whitelist", json=RULE, auth=ADMIN)
        assert created.status_code in (200, 201), created.text
    finally:
        stop()
    env, stop = start_sandbox(tmp_path / "second", "--plain-http", "--state-file", str(state_file))
    try:
        jira = env["personas"]["jira"]["url"]
        assert jira.startswith("http://")
        rules = httpx.get(jira + "/rest/whitelist/latest/whitelist", auth=ADMIN).json()
        assert [r["expression"] for r in rules] == ["https://api.atlassian.com"]
    finally:
        stop()


def test_auth_is_enforced_like_the_products(sandbox):
    jira = sandbox.url("jira")
    with httpx.Client(verify=ssl.create_default_context(cafile=sandbox.ca_path)) as client:
        anonymous = client.get(jira + "/rest/whitelist/latest/whitelist")
        assert anonymous.status_code == 401
        assert anonymous.json() == {"errorMessages": [
            "You are not authenticated. Authentication required to perform this operation."], "errors": {}}
        user = sandbox.persona("jira")
        non_admin = client.get(jira + "/rest/whitelist/latest/whitelist",
                               auth=(user["non_admin_user"], user["non_admin_password"]))
        assert non_admin.status_code == 403
        cloud = sandbox.persona("cloud")
        bad_key = client.get("%s/admin/v1/orgs" % cloud["url"], headers={"Authorization": "Bearer nope"})
        assert (bad_key.status_code, bad_key.json()) == (401, {"code": 401, "message": "Unauthorized"})


def _selected(spec, calls=10):
    rule = FaultRule(dict(spec, path="/x"))
    return [n for n in range(1, calls + 1) if rule.fires()]


def test_fault_rule_selection():
    assert _selected({"calls": [2, 5]}) == [2, 5]
    assert _selected({"times": 3}) == [1, 2, 3]
    assert _selected({}) == list(range(1, 11))
    half = _selected({"fraction": 0.5, "seed": 7}, calls=1000)
    assert 400 < len(half) < 600
    assert half == _selected({"fraction": 0.5, "seed": 7}, calls=1000)  # repeatable with a seed

"""The readiness modules against the sandbox over HTTPS, in process: partial access shown as unknown with the
reason (no credentials, a UI-internal 404, an instance that does not answer, a version below the minimum), the
organization's policy, SSO and nested-group checks, and the report module's check mode, idempotence, file mode
and fail_on. Every run's sandbox log holds reads only."""

from __future__ import annotations

import json
import os

from atlassian_sandbox.areas import auth_policies as policies_area
from helpers import ROOT, run_playbook
from readiness_page import assert_no_write

from ansible_collections.dcops.atlassian_cloud.plugins.modules import (
    readiness_instance,
    readiness_org,
    readiness_report,
)

SSO_POLICY = "00000000-0000-4000-8000-0000000000aa"
PLAYBOOK = ROOT / "playbooks" / "readiness_report.yml"
WRITE = "dcops.atlassian_cloud.readiness_report : Write the readiness report"


def _instance(run_module, sandbox, persona, name, **extra):
    params = dict(sandbox.dc_params(persona), name=name, **extra)
    return run_module(readiness_instance, params)["readiness"]


def _states(readiness):
    return {c["id"]: c["state"] for c in readiness["checks"]}


def test_partial_access_is_unknown_with_the_reason(sandbox, run_module):
    anonymous = run_module(readiness_instance, {"name": "jira", "url": sandbox.url("jira"),
                                                "ca_path": sandbox.ca_path})["readiness"]
    assert _states(anonymous) == {"version": "done", "base_url": "done", "allowlist": "unknown",
                                  "companion": "unknown", "dc_connector": "unknown"}
    allowlist = anonymous["checks"][2]
    assert "needs administrator credentials (HTTP 401" in allowlist["reason"]
    assert "dc_user and dc_password" in allowlist["fix"]

    sandbox.fault("confluence", path="/confluence/rest/whitelist/latest/whitelist$", method="GET", kind="status",
                  status=404)
    confluence = _instance(run_module, sandbox, "confluence", "confluence")
    assert _states(confluence)["allowlist"] == "unknown"
    assert "answered 404 (a UI-internal endpoint)" in confluence["checks"][2]["reason"]

    old = _instance(run_module, sandbox, "jira-old", "jira-old")
    assert _states(old)["version"] == "risk" and _states(old)["dc_connector"] == "risk"
    assert "Cloud Companion app, application links" in old["checks"][0]["reason"]

    gone = run_module(readiness_instance, {"name": "gone", "url": "https://127.0.0.1:9", "timeout": 2,
                                           "retry_max_time": 0})["readiness"]
    assert gone["reachable"] is False and set(_states(gone).values()) == {"unknown"}
    assert "Check dc_url" in gone["checks"][0]["fix"]
    assert_no_write(sandbox.log())


def test_organization_policies_sso_and_nested_groups(sandbox, run_module, tmp_path):
    accounts = [policies_area.account(1, "ann@example.com", "Ann", True, policy=SSO_POLICY),
                policies_area.account(2, "ben@example.com", "Ben", False, policy=SSO_POLICY),
                policies_area.account(3, "cat@example.com", "Cat", True)]
    sso = {"id": SSO_POLICY, "name": "Employees", "type": "billable", "isDefault": False,
           "settings": dict(policies_area.default_settings(), sso={"enforced": True, "provider": "saml"})}
    sandbox.seed("cloud", "auth_policies", policies_area.build_state(accounts, extra_policies=[sso]))
    structure = tmp_path / "groups.yml"
    structure.write_text(json.dumps({"groups": {"all": {"groups": ["team"]}, "team": {"users": ["ann", "ben"]}}}))
    result = run_module(readiness_org, dict(sandbox.cloud_params(), nested_groups_source=str(structure),
                                            intended_policies=["Employees", "Contractors"]))["readiness"]
    checks = {c["id"]: c for c in result["checks"]}
    assert {k: c["state"] for k, c in checks.items()} == {
        "auth_policies": "missing", "policy_coverage": "missing", "sso_idp": "risk", "byok": "unknown",
        "nested_groups": "missing"}
    assert checks["auth_policies"]["reason"] == "intended policies not created: Contractors"
    assert checks["policy_coverage"]["details"]["uncovered_sample"] == ["cat@example.com"]
    assert checks["sso_idp"]["details"]["policies"] == [{"policy": "Employees", "count": 1,
                                                         "sample": ["ben@example.com"]}]
    assert checks["nested_groups"]["details"]["lost_by_group"] == {"all": 2}
    assert result["connectors"] == {"connectors": [], "error": None}

    sandbox.fault("cloud", path="/auth-policies$", method="GET", kind="status", status=404)
    hidden = run_module(readiness_org, sandbox.cloud_params())["readiness"]
    states = {c["id"]: (c["state"], c["reason"]) for c in hidden["checks"]}
    for check_id in ("auth_policies", "policy_coverage", "sso_idp"):
        assert states[check_id][0] == "unknown" and "404" in states[check_id][1], states
    assert_no_write(sandbox.log())


def test_report_check_mode_idempotence_mode_and_fail_on(sandbox, run_module, tmp_path):
    instances = [_instance(run_module, sandbox, "jira", "jira", preflight=True),
                 _instance(run_module, sandbox, "jira-old", "jira-old", preflight=True)]
    nodes = [{"name": "jira-1", "instance": "jira", "unreached": "ssh: connect to host 10.0.0.1 port 22: timed out"}]
    org = run_module(readiness_org, sandbox.cloud_params())["readiness"]
    dest = tmp_path / "report"
    args = {"dest": str(dest), "instances": instances, "nodes": nodes, "organization": org}

    checked = run_module(readiness_report, args, check_mode=True, diff=True)
    assert checked["changed"] is True and not dest.exists()
    assert [d["after_header"] for d in checked["diff"]] == [checked["files"][k] for k in ("markdown", "html", "json")]
    first = run_module(readiness_report, args)
    assert first["changed"] is True
    assert sorted(os.listdir(dest)) == ["readiness.html", "readiness.json", "readiness.md"]
    assert {oct(os.stat(dest / f).st_mode & 0o777) for f in os.listdir(dest)} == {"0o600"}
    assert oct(os.stat(dest).st_mode & 0o777) == "0o700"
    assert run_module(readiness_report, args)["changed"] is False
    assert run_module(readiness_report, args, check_mode=True)["changed"] is False

    document = json.loads((dest / "readiness.json").read_text())
    jira = {c["id"]: c for c in document["instances"][0]["cells"]}
    assert jira["egress"]["state"] == "unknown" and "not reached: ssh: connect" in jira["egress"]["reason"]
    assert {c["id"]: c["state"] for c in document["instances"][1]["cells"]}["org_connector"] == "risk"
    assert document["schema"] == "dcops.atlassian_cloud/readiness-report/1"

    failed = run_module(readiness_report, dict(args, fail_on=["risk"], mode="0640"))
    assert failed["failed"] is True and failed["msg"].startswith("3 checks are risk (fail_on): jira-old version")
    assert oct(os.stat(dest / "readiness.md").st_mode & 0o777) == "0o640"
    assert_no_write(sandbox.log())


def test_the_console_check_sees_a_console_error(chromium, tmp_path):
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><html><body><p>x</p><script>console.error('broken page')</script></body></html>")
    assert any("broken page" in line for line in chromium(page, tmp_path / "broken.png").console)


def test_the_playbook_goes_on_past_an_unreachable_node_and_missing_credentials(sandbox, tmp_path):
    """No credentials for the instance, no organization key, a node nobody answers for: a report full of
    unknowns with their reasons, and a run that does not fail (fail_on is empty)."""
    inventory = tmp_path / "hosts.yml"
    inventory.write_text(json.dumps({"all": {"children": {
        "dc_instances": {"hosts": {"jira-prod": {
            "dc_url": sandbox.url("jira"), "dc_ca_path": sandbox.ca_path, "ansible_connection": "local",
            "ansible_python_interpreter": "{{ ansible_playbook_python }}"}}},
        "dc_nodes": {"hosts": {"jira-prod-1": {
            "dc_instance": "jira-prod", "ansible_host": "127.0.0.1", "ansible_port": 9, "ansible_user": "nobody",
            "ansible_ssh_common_args": "-o ConnectTimeout=5 -o BatchMode=yes"}}}}}}))
    dest = tmp_path / "report"
    run = run_playbook(PLAYBOOK, inventory=inventory, extra_vars={"readiness_report_dest": str(dest)})
    assert run.returncode == 0, run.failures()
    document = json.loads((dest / "readiness.json").read_text())
    cells = {c["id"]: c for c in document["instances"][0]["cells"]}
    assert cells["version"]["state"] == "done"
    assert cells["allowlist"]["state"] == "unknown" and "HTTP 401" in cells["allowlist"]["reason"]
    assert cells["egress"]["state"] == "unknown" and "jira-prod-1: the node was not reached" in \
        cells["egress"]["reason"]
    assert cells["org_connector"]["fix"] == "Set atlassian_org_id and atlassian_org_api_key (vault the key)"
    assert {c["state"] for c in document["organization"]["checks"]} == {"unknown"}
    assert run.task(WRITE, "localhost")["result"]["counts"] == document["counts"]
    assert_no_write(sandbox.log())

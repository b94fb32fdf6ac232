"""Issue 17, points 4 to 9, against the linked sandbox personas: preconditions before the first write (cloud and
DC reported together), Agree to connect, step 4 (apps) pending and picked up, status semantics, re-enabling the
guide's way (rotate + apply, no enable call) and removing app connectors from the Data Center side."""

import sys
from pathlib import Path

import pytest

from helpers import ROOT, run_playbook

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_role_connection import _environment, _play  # noqa: E402  (the role's play and environment, one copy)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "checkmode"))
from harness import assert_check_predicts_real  # noqa: E402  (the check-versus-real rule, in one place)
sys.path.insert(0, str(ROOT / "tests" / "sandbox"))
from atlassian_sandbox.auth import OTHER_ORG_API_KEY, SCOPED_ORG_API_KEY, UNREADABLE_ORG_API_KEY  # noqa: E402

ENABLE = ROOT / "playbooks" / "enable_connector.yml"
INVENTORY = ROOT / "playbooks" / "demo" / "inventory.yml"


def _task(run, name):
    """The last result of the role task `name` (the recorder prefixes role tasks with the role)."""
    return run.task("dcops.atlassian_cloud.org_connector : " + name)


def _connectors(sandbox):
    return sandbox.state()["cloud"]["cloud_connector"]["connectors"]


def _link(run_module, sandbox, tmp_path, persona="jira"):
    dest = tmp_path / "c.json"
    created = run_module("org_connector", connection="cloud", base_url=sandbox.url(persona), name=persona,
                         credentials_dest=str(dest))
    assert created.rc == 0, created
    applied = run_module("dc_cloud_connector", connection=persona, credentials_file=str(dest))
    assert applied.rc == 0 and applied["status"] == "Connected", applied
    return created["id"]


# -- point 4: preconditions, cloud side, before the first write ----------------------------------------------------
@pytest.mark.parametrize("api_key, org_id, expected", [
    (SCOPED_ORG_API_KEY, None, {"cloud_org": True, "connector_access": False}),
    (UNREADABLE_ORG_API_KEY, None, {"cloud_org": False, "connector_access": False}),
    (OTHER_ORG_API_KEY, None, {"cloud_org": False, "connector_access": False}),
    ("sandbox-org-api-key-revoked", None, {"cloud_org": False}),
    (None, "00000000-0000-4000-8000-000000000000", {"cloud_org": False, "connector_access": False}),
], ids=["scoped", "no-org-scope", "other-org", "revoked", "no-such-org"])
@pytest.mark.parametrize("check_mode", [False, True], ids=["real", "check"])
def test_cloud_preconditions_are_all_named_before_any_write(run_module, sandbox, api_key, org_id, expected,
                                                            check_mode):
    args = dict(base_url=sandbox.url("jira"), name="j", credentials_dest="/tmp/connector-unused.json")
    if api_key:
        args["api_key"] = api_key
    if org_id:
        args["org_id"] = org_id
    result = run_module("org_connector", connection="cloud", check_mode=check_mode, **args)
    assert result.rc != 0
    assert {c["check"]: c["ok"] for c in result["checks"]} == expected
    assert "Preconditions not met in Atlassian Cloud, nothing was changed" in result["msg"]
    for check in result["checks"]:
        if not check["ok"]:
            assert check["detail"] in result["msg"]
    assert _connectors(sandbox) == {}
    assert not [e for e in sandbox.log("cloud") if e["method"] != "GET"]


def test_the_role_reports_dc_and_cloud_preconditions_together(sandbox, tmp_path):
    jira = sandbox.persona("jira")
    env = dict(_environment(sandbox), ATLASSIAN_DC_USER=jira["non_admin_user"],
               ATLASSIAN_DC_PASSWORD=jira["non_admin_password"], ATLASSIAN_ORG_API_KEY=SCOPED_ORG_API_KEY)
    run = run_playbook(_play(sandbox, tmp_path, org_connector_base_url=jira["url"] + "/jira"), env=env)
    assert run.returncode != 0
    message = _task(run, "Stop, naming every precondition that is not met")["result"]["msg"]
    assert "not a system administrator" in message
    assert "the product reports the base URL %s" % jira["url"] in message
    assert "cannot manage the organization's connectors" in message
    assert _connectors(sandbox) == {} and sandbox.state()["jira"]["cloud_connector"]["connection"] is None


# -- point 5: Agree to connect ---------------------------------------------------------------------------------------
def test_creating_a_connector_needs_the_data_sharing_agreed_and_prints_what_is_shared(sandbox, tmp_path, run_module):
    refused = run_playbook(_play(sandbox, tmp_path, org_connector_accept_data_sharing=False),
                           env=_environment(sandbox))
    assert refused.returncode != 0
    message = _task(refused, "Stop unless the data sharing is agreed to")["result"]["msg"]
    assert "accept_data_sharing: true" in message and "base URL and name" in message
    shown = _task(refused, "Show what connecting the instance shares (Agree to connect)")["result"]["msg"]
    assert any("base URL and name" in line for line in shown)
    assert _connectors(sandbox) == {}

    # An existing connector needs no agreement: nothing is created, nothing is refused.
    _link(run_module, sandbox, tmp_path)
    rerun = run_playbook(_play(sandbox, tmp_path, org_connector_accept_data_sharing=False),
                         env=_environment(sandbox))
    assert rerun.returncode == 0, rerun.failures()
    assert rerun.changed_tasks == [] and len(_connectors(sandbox)) == 1


# -- point 6: step 4, connecting the apps ----------------------------------------------------------------------------
def test_step_4_prints_the_clicks_ends_pending_and_the_next_run_picks_it_up(sandbox, tmp_path, cloud_admin):
    first = run_playbook(_play(sandbox, tmp_path), env=_environment(sandbox))
    assert first.returncode == 0, first.failures()
    steps = "\n".join(_task(first, "Show the link and clicks of step 4 for the apps still to connect")["result"]["msg"])
    assert sandbox.url("jira") + "/plugins/servlet/applinks/listApplicationLinks" in steps
    assert "Connect cloud apps" in steps and "Rovo (Jira)" in steps and "Review request > Accept" in steps
    summary = _task(first, "Keep the instance's link for summaries")["result"]["ansible_facts"]["org_connector_summary"]
    assert summary["apps"] == "pending: finish step 4 in the browser (rovo, portfolio_insights)"

    connector_id = sandbox.state()["jira"]["cloud_connector"]["connection"]["connectorId"]
    cloud_admin.add_app(connector_id, "rovo-jira")
    cloud_admin.add_app(connector_id, "portfolio-insights")
    second = run_playbook(_play(sandbox, tmp_path), env=_environment(sandbox))
    assert second.returncode == 0 and second.changed_tasks == []
    summary = _task(second, "Keep the instance's link for summaries")["result"]["ansible_facts"]["org_connector_summary"]
    assert summary["apps"] == "connected: rovo, portfolio_insights"


# -- point 7: status semantics ---------------------------------------------------------------------------------------
def test_interrupted_refuses_removing_app_connectors_on_both_sides(run_module, sandbox, tmp_path, cloud_admin):
    connector_id = _link(run_module, sandbox, tmp_path)
    cloud_admin.add_app(connector_id, "rovo-jira")
    cloud_admin.interrupt(connector_id)
    cloud = run_module("org_connector", connection="cloud", connector_id=connector_id, state="disabled",
                       remove_app_connectors=True)
    assert cloud.rc != 0 and "is Interrupted" in cloud["msg"] and "cannot be removed or updated" in cloud["msg"]
    dc = run_module("dc_cloud_connector", connection="jira", app_connectors="absent")
    assert dc.rc != 0 and "is Interrupted" in dc["msg"] and "cannot be removed or updated" in dc["msg"]
    assert len(sandbox.state()["cloud"]["cloud_connector"]["apps"][connector_id]) == 1
    # Refused by the modules before trying, not by the product.
    assert not [e for e in sandbox.log() if e["method"] == "DELETE"]


def test_initialized_names_the_missing_dc_step(run_module, sandbox, tmp_path):
    created = run_module("org_connector", connection="cloud", base_url=sandbox.url("jira"), name="j",
                         credentials_dest=str(tmp_path / "c.json"))
    assert created.rc == 0 and created["status"] == "Initialized"
    assert created["next_step"].startswith("Data Center has not completed the connection: apply the client credentials")
    waited = run_module("org_connector", connection="cloud", connector_id=created["id"], state="query",
                        wait_for="connected", wait_timeout=0)
    assert waited.rc != 0 and waited["status"] == "Initialized"
    assert "Administration > Applications > Cloud connectors" in waited["msg"]


def test_a_status_the_guide_does_not_name_is_reported_as_sent(run_module, sandbox, tmp_path):
    connector_id = _link(run_module, sandbox, tmp_path)
    cloud = sandbox.state()["cloud"]["cloud_connector"]
    cloud["connectors"][connector_id]["reportedStatus"] = "SUSPENDED_BY_ATLASSIAN"
    sandbox.seed("cloud", "cloud_connector", cloud)
    result = run_module("org_connector", connection="cloud", connector_id=connector_id, state="query")
    assert result.rc == 0 and result["status"] == "SUSPENDED_BY_ATLASSIAN"
    assert "not a status the cloud connector guide names" in result["status_meaning"]
    dc = run_module("dc_cloud_connector", connection="jira")
    assert dc.rc == 0 and dc["status"] == "SUSPENDED_BY_ATLASSIAN"


def test_disconnected_means_ended_by_hand(run_module, sandbox, tmp_path):
    connector_id = _link(run_module, sandbox, tmp_path)
    disabled = run_module("org_connector", connection="cloud", connector_id=connector_id, state="disabled")
    assert disabled.rc == 0 and disabled["status"] == "Disconnected"
    assert "ended by hand" in disabled["status_meaning"] and "enable_connector.yml" in disabled["next_step"]


# -- point 8: re-enabling follows the guide ------------------------------------------------------------------------
def test_enabled_rotates_and_no_enable_call_exists(run_module, sandbox, tmp_path):
    from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.contract import ENDPOINTS

    assert "cloud.org_connectors.enable" not in ENDPOINTS
    connector_id = _link(run_module, sandbox, tmp_path)
    assert run_module("org_connector", connection="cloud", connector_id=connector_id, state="disabled").rc == 0
    sandbox.clear_log()
    enabled = run_module("org_connector", connection="cloud", connector_id=connector_id, state="enabled",
                         credentials_dest=str(tmp_path / "e.json"))
    assert enabled.rc == 0 and enabled["changed"] and enabled["credentials_issued"]
    writes = [e["path"] for e in sandbox.log("cloud") if e["method"] == "POST"]
    assert writes == ["/admin/v1/orgs/%s/connected-sources/connectors/%s/credentials/rotate"
                      % (sandbox.persona("cloud")["org_id"], connector_id)]


def test_enable_connector_playbook_reconnects_a_disabled_connector(run_module, sandbox, tmp_path):
    import json

    env_file = tmp_path / "sandbox.json"
    env_file.write_text(json.dumps(sandbox.env))
    env = {"DCOPS_SANDBOX_ENV": str(env_file)}
    connector_id = _link(run_module, sandbox, tmp_path)
    assert run_module("org_connector", connection="cloud", connector_id=connector_id, state="disabled").rc == 0
    enabled = run_playbook(ENABLE, inventory=INVENTORY, env=env, args=["--limit", "jira-sandbox"])
    assert enabled.returncode == 0, enabled.failures()
    summary = enabled.task("Show the result per instance")["result"]["org_connector_summary"]
    assert summary["dc_status"] == "Connected" and summary["cloud_status"] == "Connected"
    assert "credentials rotated" in summary["changes"]
    again = run_playbook(ENABLE, inventory=INVENTORY, env=env, args=["--limit", "jira-sandbox"])
    assert again.returncode == 0 and again.changed_tasks == []


# -- point 9: app connectors removed from the Data Center side -----------------------------------------------------
def test_app_connectors_removed_from_the_dc_side_check_mode_exact(run_module, sandbox, tmp_path, cloud_admin):
    connector_id = _link(run_module, sandbox, tmp_path)
    cloud_admin.add_app(connector_id, "rovo-jira")
    cloud_admin.add_app(connector_id, "portfolio-insights")

    def run(check_mode):
        result = run_module("dc_cloud_connector", connection="jira", app_connectors="absent", check_mode=check_mode,
                            diff=True)
        return result

    def observe():
        return sandbox.state()["cloud"]["cloud_connector"]["apps"]

    planned, done = assert_check_predicts_real(run, observe, fields=("removed_app_connectors", "app_connectors"))
    assert [a["name"] for a in done["removed_app_connectors"]] == ["Rovo for Jira", "Portfolio Insights"]
    assert observe()[connector_id] == []
    disabled = run_module("org_connector", connection="cloud", connector_id=connector_id, state="disabled")
    assert disabled.rc == 0 and disabled["status"] == "Disconnected" and len(_connectors(sandbox)) == 1


def test_disable_lists_each_app_connector_removes_them_from_the_dc_side_then_disables(sandbox, tmp_path, cloud_admin):
    linked = run_playbook(_play(sandbox, tmp_path), env=_environment(sandbox))
    assert linked.returncode == 0, linked.failures()
    connector_id = sandbox.state()["jira"]["cloud_connector"]["connection"]["connectorId"]
    for app_type in ("rovo-jira", "rovo-confluence", "portfolio-insights"):
        cloud_admin.add_app(connector_id, app_type)
    disabled = run_playbook(_play(sandbox, tmp_path, tasks_from="disable", org_connector_remove_app_connectors=True,
                                  org_connector_remove_app_connectors_from="data_center"), env=_environment(sandbox))
    assert disabled.returncode == 0, disabled.failures()
    listed = _task(disabled, "List the app connectors to remove before disabling")["result"]["msg"]
    assert listed[1:] == ["Rovo for Jira", "Rovo for Confluence", "Portfolio Insights"]
    removed = _task(disabled, "Remove the app connectors from the Data Center side")["result"]["removed_app_connectors"]
    assert [a["type"] for a in removed] == ["rovo-jira", "rovo-confluence", "portfolio-insights"]
    deletes = [e["persona"] for e in sandbox.log() if e["method"] == "DELETE"]
    assert deletes == ["jira"] * 3
    connector = _connectors(sandbox)[connector_id]
    assert connector["enabled"] is False and len(_connectors(sandbox)) == 1


def _changed(run):
    return sorted(r["task"].split(" : ")[-1] for r in run.results if r["result"].get("changed"))


def test_the_role_in_check_mode_predicts_the_first_run_and_writes_nothing(sandbox, tmp_path):
    before = sandbox.state()
    checked = run_playbook(_play(sandbox, tmp_path), env=_environment(sandbox), check=True, diff=True)
    assert checked.returncode == 0, checked.failures()
    after = sandbox.state()
    for state in (before, after):  # reading UPM (the administrator check) hands out a one-time token: not a write
        for persona in state.values():
            persona.get("upm", {}).pop("token", None)
    assert after == before
    done = run_playbook(_play(sandbox, tmp_path), env=_environment(sandbox), diff=True)
    assert done.returncode == 0, done.failures()
    assert sorted(_changed(checked)) == _changed(done)
    apps = [_task(run, "Keep the instance's link for summaries")["result"]["ansible_facts"]["org_connector_summary"]
            ["apps"] for run in (checked, done)]
    assert apps[0] == apps[1]
    # Without the agreement, check mode refuses as the real run does, and neither writes.
    confluence = dict(_environment(sandbox), ATLASSIAN_DC_URL=sandbox.url("confluence"))
    refusals = [run_playbook(_play(sandbox, tmp_path / "r", org_connector_accept_data_sharing=False),
                             env=confluence, check=check) for check in (True, False)]
    assert [r.returncode != 0 for r in refusals] == [True, True]
    assert len({_task(r, "Stop unless the data sharing is agreed to")["result"]["msg"] for r in refusals}) == 1
    assert len(_connectors(sandbox)) == 1

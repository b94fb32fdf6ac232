"""The organization connector end to end against the linked sandbox personas: statuses, rotation, disable
refusal, re-enable, and where credentials may and may not appear."""

import json
import os
import stat


def _create(run_module, sandbox, tmp_path, persona="jira", **extra):
    dest = tmp_path / ("%s.json" % persona)
    result = run_module("org_connector", connection="cloud", base_url=sandbox.url(persona),
                        name="%s sandbox" % persona, credentials_dest=str(dest), **extra)
    assert result.rc == 0, result
    return result, dest


def _apply(run_module, dest, persona="jira", **extra):
    return run_module("dc_cloud_connector", connection=persona, credentials_file=str(dest), **extra)


def test_status_moves_from_initialized_to_connected(run_module, sandbox, tmp_path):
    created, dest = _create(run_module, sandbox, tmp_path)
    assert created["changed"] and created["status"] == "Initialized" and created["credentials_issued"]
    assert stat.S_IMODE(os.stat(dest).st_mode) == 0o600
    secret = json.loads(dest.read_text())["client_secret"]

    before = run_module("dc_cloud_connector", connection="jira")
    assert before.rc == 0 and before == dict(before, linked=False, status="Not configured")

    applied = _apply(run_module, dest, wait_for="connected", wait_timeout=5, wait_interval=0.2)
    assert applied.rc == 0, applied
    assert applied["changed"] and applied["status"] == "Connected"
    assert applied["connector_id"] == created["id"]
    assert applied["fingerprint"] == created["credentials_fingerprint"]
    assert secret not in applied.output

    again = _apply(run_module, dest)
    assert again.rc == 0 and again["changed"] is False

    cloud = run_module("org_connector", connection="cloud", base_url=sandbox.url("jira"), name="x",
                       credentials_dest=str(dest), wait_for="connected", wait_timeout=5)
    assert cloud.rc == 0 and cloud["changed"] is False and cloud["status"] == "Connected"
    assert cloud["credentials_issued"] is False


def test_rotation_interrupts_until_the_new_key_is_applied(run_module, sandbox, tmp_path):
    created, dest = _create(run_module, sandbox, tmp_path)
    old = tmp_path / "old.json"
    old.write_text(dest.read_text())
    assert _apply(run_module, dest).rc == 0

    rotated = run_module("org_connector", connection="cloud", connector_id=created["id"], state="rotated",
                         credentials_dest=str(dest))
    assert rotated.rc == 0 and rotated["changed"] and rotated["credentials_issued"]
    new_secret = json.loads(dest.read_text())["client_secret"]
    assert new_secret not in rotated.output
    assert run_module("dc_cloud_connector", connection="jira")["status"] == "Interrupted"
    assert run_module("org_connector", connection="cloud", connector_id=created["id"], state="enabled")["status"] == \
        "Interrupted"

    # The old key is what the instance holds: nothing to apply, and the status says it no longer works.
    kept = _apply(run_module, old)
    assert kept.rc == 0 and kept["changed"] is False and kept["status"] == "Interrupted"
    # Anywhere else the product refuses it.
    stale = _apply(run_module, old, persona="confluence")
    assert stale.rc == 1 and "not valid" in stale["msg"]
    assert json.loads(old.read_text())["client_secret"] not in stale.output

    fresh = _apply(run_module, dest, wait_for="connected", wait_timeout=5)
    assert fresh.rc == 0 and fresh["changed"] and fresh["status"] == "Connected"


def test_forced_interruption_is_reported_by_a_bounded_wait(run_module, sandbox, cloud_admin, tmp_path):
    created, dest = _create(run_module, sandbox, tmp_path)
    _apply(run_module, dest)
    cloud_admin.interrupt(created["id"])

    waited = run_module("org_connector", connection="cloud", connector_id=created["id"], state="enabled",
                        wait_for="connected", wait_timeout=1, wait_interval=0.3)
    assert waited.rc == 1
    assert waited["status"] == "Interrupted" and "Interrupted after" in waited["msg"]
    assert 1 <= waited["waited"] < 3

    # Applying credentials again repairs the link.
    repaired = run_module("org_connector", connection="cloud", connector_id=created["id"], state="rotated",
                          credentials_dest=str(dest))
    assert repaired.rc == 0 and repaired["changed"], repaired
    assert _apply(run_module, dest)["status"] == "Connected"


def test_disable_is_refused_while_app_connectors_remain(run_module, sandbox, cloud_admin, tmp_path):
    created, dest = _create(run_module, sandbox, tmp_path)
    _apply(run_module, dest)
    rovo = cloud_admin.add_app(created["id"], "rovo-jira")
    insights = cloud_admin.add_app(created["id"], "portfolio-insights")

    refused = run_module("org_connector", connection="cloud", connector_id=created["id"], state="disabled")
    assert refused.rc == 1
    assert "Rovo for Jira (%s)" % rovo["id"] in refused["msg"]
    assert "Portfolio Insights (%s)" % insights["id"] in refused["msg"]
    assert run_module("dc_cloud_connector", connection="jira")["status"] == "Connected"

    planned = run_module("org_connector", connection="cloud", connector_id=created["id"], state="disabled",
                         remove_app_connectors=True, check_mode=True)
    # the plan: what the real run below then reports
    assert planned.rc == 0 and planned["changed"] and planned["status"] == "Disconnected"
    assert len(cloud_admin.http.get("%s/%s/apps" % (cloud_admin.base, created["id"])).json()["data"]) == 2

    disabled = run_module("org_connector", connection="cloud", connector_id=created["id"], state="disabled",
                          remove_app_connectors=True)
    assert disabled.rc == 0 and disabled["changed"] and disabled["status"] == "Disconnected"
    assert {a["id"] for a in disabled["removed_app_connectors"]} == {rovo["id"], insights["id"]}
    assert run_module("dc_cloud_connector", connection="jira")["status"] == "Disconnected"

    again = run_module("org_connector", connection="cloud", connector_id=created["id"], state="disabled")
    assert again.rc == 0 and again["changed"] is False

    # The product's own refusal is reported too, should the app connectors appear between list and disable.
    present = run_module("org_connector", connection="cloud", base_url=sandbox.url("jira"), name="x",
                         credentials_dest=str(dest))
    assert present.rc == 0 and present["changed"] is False and present["status"] == "Disconnected"


def test_reenable_issues_new_credentials_the_dc_applies(run_module, sandbox, tmp_path):
    created, dest = _create(run_module, sandbox, tmp_path)
    _apply(run_module, dest)
    assert run_module("org_connector", connection="cloud", connector_id=created["id"], state="disabled").rc == 0

    refused = run_module("org_connector", connection="cloud", connector_id=created["id"], state="enabled")
    assert refused.rc == 1 and "credentials would be lost" in refused["msg"]

    enabled = run_module("org_connector", connection="cloud", connector_id=created["id"], state="enabled",
                         credentials_dest=str(dest))
    assert enabled.rc == 0 and enabled["changed"] and enabled["credentials_issued"]
    applied = _apply(run_module, dest, wait_for="connected", wait_timeout=5)
    assert applied.rc == 0 and applied["status"] == "Connected"
    again = run_module("org_connector", connection="cloud", connector_id=created["id"], state="enabled")
    assert again.rc == 0 and again["changed"] is False


def test_credentials_of_another_instance_are_rejected(run_module, sandbox, tmp_path):
    _created, dest = _create(run_module, sandbox, tmp_path, persona="confluence")
    result = _apply(run_module, dest, persona="jira")
    assert result.rc == 1 and "issued for %s" % sandbox.url("confluence") in result["msg"]


def test_returned_credentials_need_a_no_log_task(run_module, sandbox):
    url = sandbox.url("jira")
    refused = run_module("org_connector", connection="cloud", base_url=url, name="j", return_credentials=True)
    assert refused.rc == 1 and "no_log" in refused["msg"]
    assert sandbox.state()["cloud"]["cloud_connector"]["connectors"] == {}

    result = run_module("org_connector", connection="cloud", base_url=url, name="j", return_credentials=True,
                        no_log=True)
    assert result.rc == 0
    secret = result["credentials"]["client_secret"]
    assert [c["clientSecret"] for c in sandbox.state()["cloud"]["cloud_connector"]["connectors"].values()] == \
        [secret]

    applied = run_module("dc_cloud_connector", connection="jira", client_id=result["credentials"]["client_id"],
                         client_secret=secret, diff=True)
    assert applied.rc == 0 and applied["status"] == "Connected" and secret not in applied.output


def test_check_mode_creates_nothing_and_issues_nothing(run_module, sandbox, tmp_path):
    dest = tmp_path / "c.json"
    result = run_module("org_connector", connection="cloud", base_url=sandbox.url("jira"), name="j",
                        credentials_dest=str(dest), check_mode=True, diff=True)
    # the prediction: a new Initialized connector whose id and credentials the product will assign
    assert result.rc == 0 and result["changed"] and result["id"] == "(assigned by the product)"
    assert result["status"] == "Initialized" and result["credentials_issued"] is True
    assert result["credentials_fingerprint"] == "(assigned by the product)" and "credentials" not in result
    assert not dest.exists()
    assert sandbox.state()["cloud"]["cloud_connector"]["connectors"] == {}


def test_unknown_connector_is_named(run_module, sandbox, tmp_path):
    result = run_module("org_connector", connection="cloud", base_url=sandbox.url("jira"), state="disabled")
    assert result.rc == 1 and "No organization connector for %s" % sandbox.url("jira") in result["msg"]


def test_dc_info_reads_the_link_as_dc_cloud_connector_does(run_module, sandbox, cloud_admin, tmp_path):
    # The version gate's read brings the link to the connector step (link=true): it must be what
    # dc_cloud_connector's read returns, unlinked and linked with app connectors, or the step would decide on another.
    def reads():
        link = run_module("dc_cloud_connector", connection="jira", app_connectors="read")
        gate = run_module("dc_info", {"link": True}, connection="jira")
        assert link.rc == 0 and gate.rc == 0, (link, gate)
        return {k: v for k, v in link.items() if k not in ("changed", "invocation")}, gate["link"]

    link, gate = reads()
    assert gate == link == dict(link, linked=False, status="Not configured", app_connectors=[])

    created, dest = _create(run_module, sandbox, tmp_path)
    _apply(run_module, dest)
    cloud_admin.add_app(created["id"], "rovo-jira")
    link, gate = reads()
    assert gate == link
    assert gate["status"] == "Connected" and gate["connector_id"] == created["id"]
    assert [a["type"] for a in gate["app_connectors"]] == ["rovo-jira"]

    # Below the cloud connector minimum there is no such page to read: no link, and no request for one.
    old = run_module("dc_info", {"link": True}, connection="jira-old")
    assert old.rc == 0 and "link" not in old
    assert not [e for e in sandbox.log("jira-old") if "cloud-connector" in e["path"]]

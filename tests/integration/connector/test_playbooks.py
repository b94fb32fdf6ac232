"""The playbooks end to end against the sandbox with the demo inventory: connect (and rerun with zero changes),
rotate, disable; the manual hand-over path; and no secret anywhere in -vvvv output."""

import json

from helpers import ROOT, run_playbook

INVENTORY = ROOT / "playbooks" / "demo" / "inventory.yml"
CONNECT = ROOT / "playbooks" / "connect_data_center.yml"
ROTATE = ROOT / "playbooks" / "rotate_connector_credentials.yml"
DISABLE = ROOT / "playbooks" / "disable_connector.yml"


def _env(sandbox, tmp_path):
    env_file = tmp_path / "sandbox.json"
    env_file.write_text(json.dumps(sandbox.env))
    return {"DCOPS_SANDBOX_ENV": str(env_file)}


def _fixed_secrets(sandbox):
    jira, cloud = sandbox.persona("jira"), sandbox.persona("cloud")
    return {jira["password"], jira["token"], cloud["api_key"], cloud["directory_api_key"]}


def _client_secrets(sandbox):
    state = sandbox.state()
    found = {c["clientSecret"] for c in state["cloud"]["cloud_connector"]["connectors"].values()}
    for persona in ("jira", "confluence"):
        connection = state[persona]["cloud_connector"]["connection"]
        if connection:
            found.add(connection["clientSecret"])
    return found


def _role_task(run, name, host=None):
    """The last result of a role task called `name` (the recorder prefixes role tasks with the role)."""
    found = [r for r in run.results if r["task"].split(" : ")[-1] == name and (host is None or r["host"] == host)]
    assert found, name
    return found[-1]


def _assert_no_leak(run, secrets):
    text = run.stdout + run.stderr
    leaked = sorted(s for s in secrets if s in text)
    assert not leaked, "secrets in -vvvv output: %d" % len(leaked)


def test_connect_rotate_disable_end_to_end_without_leaking(sandbox, tmp_path):
    env = _env(sandbox, tmp_path)
    first = run_playbook(CONNECT, inventory=INVENTORY, env=env, verbosity=4)
    assert first.returncode == 0, first.failures()
    state = sandbox.state()
    for persona in ("jira", "confluence"):
        connection = state[persona]["cloud_connector"]["connection"]
        assert connection, persona
    assert state["jira"]["upm"]["plugins"]["com.atlassian.cloud-companion"]["version"] == "1.4.2"
    assert "com.atlassian.cloud-companion" not in state["confluence"]["upm"]["plugins"]
    summary = first.task("Summarise the instances")["result"]["msg"]
    assert [line.split("|")[2].strip() for line in summary[1:]] == ["Connected", "Connected"]
    secrets_after_connect = _client_secrets(sandbox)
    assert len(secrets_after_connect) == 2

    rerun = run_playbook(CONNECT, inventory=INVENTORY, env=env, verbosity=4)
    assert rerun.returncode == 0
    assert rerun.changed_tasks == []

    rotated = run_playbook(ROTATE, inventory=INVENTORY, env=env, verbosity=4, args=["--limit", "jira-sandbox"])
    assert rotated.returncode == 0, rotated.failures()
    assert rotated.task("Show the result per instance")["result"]["org_connector_summary"]["dc_status"] == \
        "Connected"
    all_secrets = secrets_after_connect | _client_secrets(sandbox)
    assert len(all_secrets) == 3

    admin = sandbox.persona("cloud")
    connector_id = state["jira"]["cloud_connector"]["connection"]["connectorId"]
    import httpx
    import ssl

    with httpx.Client(verify=ssl.create_default_context(cafile=sandbox.ca_path),
                      headers={"Authorization": "Bearer " + admin["api_key"]}) as http:
        http.post("%s/admin/v1/orgs/%s/connected-sources/connectors/%s/apps" % (
            admin["url"], admin["org_id"], connector_id), json={"type": "rovo-jira"}).raise_for_status()
    refused = run_playbook(DISABLE, inventory=INVENTORY, env=env, verbosity=4, args=["--limit", "jira-sandbox"])
    assert refused.returncode != 0
    assert "Rovo for Jira" in _role_task(refused, "Disable the organization connector")["result"]["msg"]
    disabled = run_playbook(DISABLE, inventory=INVENTORY, env=env, verbosity=4,
                            args=["--limit", "jira-sandbox"], extra_vars={"org_connector_remove_app_connectors": True})
    assert disabled.returncode == 0
    assert disabled.task("Show the result per instance")["result"]["org_connector_summary"]["dc_status"] == \
        "Disconnected"

    for run in (first, rerun, rotated, refused, disabled):
        _assert_no_leak(run, _fixed_secrets(sandbox) | all_secrets)


def test_manual_hand_over_prints_the_steps_then_applies_vaulted_credentials(sandbox, tmp_path, run_module):
    env = _env(sandbox, tmp_path)
    manual = {"org_connector_cloud_automation": False, "dc_portfolio_insights": False}
    waiting = run_playbook(CONNECT, inventory=INVENTORY, env=env, extra_vars=manual,
                           args=["--limit", "confluence-sandbox"])
    assert waiting.returncode != 0
    steps = "\n".join(_role_task(waiting, "Show the admin-hub steps for the cloud administrator")["result"]["msg"])
    assert "Base URL: %s" % sandbox.url("confluence") in steps and "Instance name: Confluence sandbox" in steps
    assert "Data management > Data sources > Connected sources" in steps

    # The cloud administrator creates the connector and sends the credentials; they go in the vault.
    created = run_module("org_connector", connection="cloud", base_url=sandbox.url("confluence"),
                         name="Confluence sandbox", return_credentials=True, no_log=True)
    assert created.rc == 0
    handed = dict(manual, org_connector_client_credentials=created["credentials"])
    applied = run_playbook(CONNECT, inventory=INVENTORY, env=env, extra_vars=handed, verbosity=4,
                           args=["--limit", "confluence-sandbox"])
    assert applied.returncode == 0, applied.failures()
    assert sandbox.state()["confluence"]["cloud_connector"]["connection"]["connectorId"] == created["id"]
    _assert_no_leak(applied, _fixed_secrets(sandbox) | {created["credentials"]["client_secret"]})
    rerun = run_playbook(CONNECT, inventory=INVENTORY, env=env, extra_vars=handed,
                         args=["--limit", "confluence-sandbox"])
    assert rerun.returncode == 0 and rerun.changed_tasks == []

"""Every connection path of the cloud connector guide through connect_data_center.yml, on the sandbox: the apps an
instance connects (dc_apps) and its version decide the steps. Each path: --check --diff on the fresh state predicts
the changes, the run makes them, a rerun changes nothing and a converged check predicts nothing."""

from __future__ import annotations

import pytest
from helpers import ROOT, run_playbook

CONNECT = ROOT / "playbooks" / "connect_data_center.yml"
COMPANION = "com.atlassian.cloud-companion"
DECIDE = "Decide each instance's steps from its apps and version"
TUNNEL_EDIT = "Set the application tunnel attributes on the connector"


def _short(task):
    return task.split(" : ")[-1]


def _changed(run):
    """(task, host) of every change; check mode predicts the steps it cannot run under the real run's names."""
    return {(_short(r["task"]), r["host"]) for r in run.changed_tasks}


def _summary(run):
    lines = run.task("Summarise the instances")["result"]["msg"]
    head = [cell.strip() for cell in lines[0].split("|")]
    rows = {}
    notes = []
    for line in lines[1:]:
        if "|" in line:
            cells = [cell.strip() for cell in line.split("|")]
            rows[cells[0]] = dict(zip(head, cells))
        else:
            notes.append(line)
    return rows, notes


def _writes(sandbox):
    return [entry for entry in sandbox.log() if entry["method"] not in ("GET", "HEAD")]


def _companion(state, persona):
    plugin = state[persona]["upm"]["plugins"].get(COMPANION)
    return plugin["version"] if plugin else None


def _converges(sandbox, inventory, plan):
    """The real run makes what the check predicted; a rerun and a check of the result change nothing."""
    first = run_playbook(CONNECT, inventory=inventory)
    assert first.returncode == 0, first.failures()
    assert _changed(plan) == _changed(first), "check mode mispredicted the run"
    rerun = run_playbook(CONNECT, inventory=inventory)
    assert rerun.returncode == 0 and rerun.changed_tasks == [], [t["task"] for t in rerun.changed_tasks]
    check = run_playbook(CONNECT, inventory=inventory, check=True, diff=True)
    assert check.returncode == 0 and check.changed_tasks == [], [t["task"] for t in check.changed_tasks]
    return first


@pytest.mark.slow
def test_portfolio_insights_gets_the_companion_on_every_version_and_the_connector_from_its_minimum(
        sandbox, path_inventory):
    pi = {"dc_apps": ["portfolio_insights"]}
    inventory = path_inventory.write({"jira-10": ("jira-old", pi), "confluence-9": ("confluence-old", pi),
                                      "jira-pi": ("jira", pi)})
    plan = run_playbook(CONNECT, inventory=inventory, check=True, diff=True)
    assert plan.returncode == 0, plan.failures()
    assert _writes(sandbox) == [], "check mode wrote to the sandbox"
    rows, notes = _summary(plan)
    assert {name: (row["DC status"], row["Cloud Companion"]) for name, row in rows.items()} == {
        "jira-10": ("skipped", "would install 1.4.2"), "confluence-9": ("skipped", "would install 1.4.2"),
        "jira-pi": ("would be Connected (now Not configured)", "would install 2.1.0")}

    first = _converges(sandbox, inventory, plan)
    state = sandbox.state()
    # The Marketplace picked the version each product build runs.
    assert (_companion(state, "jira-old"), _companion(state, "confluence-old"), _companion(state, "jira")) == (
        "1.4.2", "1.4.2", "2.1.0")
    assert state["jira-old"]["cloud_connector"]["connection"] in (None, {})
    assert state["confluence-old"]["cloud_connector"]["connection"] in (None, {})
    assert state["jira"]["cloud_connector"]["connection"]["connectorId"]
    assert len(state["cloud"]["cloud_connector"]["connectors"]) == 1

    # The skip is said in the summary, with its reason.
    rows, notes = _summary(first)
    assert {name: row["DC status"] for name, row in rows.items()} == {
        "jira-10": "skipped", "confluence-9": "skipped", "jira-pi": "Connected"}
    assert notes == [
        "jira-10: organization connector skipped - Jira 10.2.0 is below Jira 11.3.0, the cloud connector minimum: "
        "Portfolio Insights connects through the Cloud Companion app only",
        "confluence-9: organization connector skipped - Confluence 9.2.4 is below Confluence 10.2.0, the cloud "
        "connector minimum: Portfolio Insights connects through the Cloud Companion app only"]
    assert {row["apps"] for row in rows.values()} == {"portfolio_insights"}


@pytest.mark.slow
def test_rovo_on_a_private_instance_gets_the_tunnel_and_no_companion(sandbox, path_inventory, tomcat_node):
    port = int(sandbox.url("jira").rsplit(":", 1)[1])
    node_vars = dict(tomcat_node.inventory_vars(), dc_instance="jira-rovo", dc_manage_firewall=False,
                     app_tunnel_proxy_name="localhost", app_tunnel_proxy_port=port, app_tunnel_health_interval=1)
    instances = {"jira-rovo": ("jira", {"dc_apps": ["rovo"], "dc_private": True})}
    original = tomcat_node.server_xml.read_bytes()
    before = tomcat_node.probe()

    # What the tunnel presents must be the base URL: a wrong port stops the node before server.xml is touched.
    wrong = path_inventory.write(instances, {"jira-rovo-1": dict(node_vars, app_tunnel_proxy_port=443)}, "wrong.json")
    refused = run_playbook(CONNECT, inventory=wrong, check=True, args=["--tags", "tunnel"])
    assert refused.returncode != 0
    assert refused.failed_tasks[-1]["result"]["msg"] == (
        "jira-rovo-1: the connector on port %d in %s would present proxyPort 443 but the base URL %s has the "
        "port %d: set app_tunnel_proxy_port %d" % (tomcat_node.http_port, tomcat_node.server_xml,
                                                   sandbox.url("jira"), port, port))

    inventory = path_inventory.write(instances, {"jira-rovo-1": node_vars})
    plan = run_playbook(CONNECT, inventory=inventory, check=True, diff=True)
    assert plan.returncode == 0, plan.failures()
    assert (TUNNEL_EDIT, "jira-rovo-1") in _changed(plan)
    assert not [t for t, _host in _changed(plan) if "Cloud Companion" in t]
    assert tomcat_node.server_xml.read_bytes() == original and tomcat_node.probe()["pid"] == before["pid"]
    assert _writes(sandbox) == []

    _converges(sandbox, inventory, plan)
    after = tomcat_node.probe()
    assert (after["secure"], after["scheme"], after["serverName"], after["serverPort"]) == (
        True, "https", "localhost", port)
    state = sandbox.state()
    assert _companion(state, "jira") is None, "Rovo alone needs no Cloud Companion"
    assert state["jira"]["cloud_connector"]["connection"]["connectorId"]

    # The tunnel forwards to a port the node listens on: a stopped node fails the check run, saying so.
    tomcat_node.stop()
    stopped = run_playbook(CONNECT, inventory=inventory, check=True, args=["--tags", "tunnel"],
                           extra_vars={"app_tunnel_listener_timeout": 1})
    assert stopped.returncode != 0
    message = stopped.failed_tasks[-1]["result"]["msg"]
    assert message.startswith("jira-rovo-1: the connector on port %d in %s is not listening on 127.0.0.1 (" % (
        tomcat_node.http_port, tomcat_node.server_xml)), message


def test_the_apps_and_the_version_refuse_what_has_no_path(sandbox, path_inventory):
    sandbox.seed("jira", "server_info", {"node_state": "RUNNING", "version": "11.3.0-m1"})
    sandbox.seed("confluence", "server_info", {"node_state": "RUNNING", "version": "10.2.0-beta2"})
    inventory = path_inventory.write({
        "jira-milestone": ("jira", {"dc_apps": ["rovo"]}),
        "confluence-beta": ("confluence", {"dc_apps": ["portfolio_insights"]}),
        "confluence-9": ("confluence-old", {"dc_apps": ["rovo", "portfolio_insights"]}),
        "jira-typo": ("jira-old", {"dc_apps": ["rovo", "confluence"]}),
    })
    run = run_playbook(CONNECT, inventory=inventory, check=True, args=["--tags", "prereqs"])
    assert run.returncode != 0
    failed = {r["host"]: r["result"]["msg"] for r in run.failed_tasks}
    jira, confluence_old = sandbox.url("jira"), sandbox.url("confluence-old")
    assert failed == {
        # A milestone of the minimum release is older than the release: Rovo has no path on it.
        "jira-milestone": "Rovo needs a cloud connector, and Jira at %s is version 11.3.0-m1 (cloud connectors need "
                          "Jira 11.3.0 or later): upgrade the instance, or connect it with the Cloud Companion app "
                          "(Portfolio Insights: dc_apps [portfolio_insights]), application links or in-product "
                          "integrations instead" % jira,
        "confluence-9": "Rovo needs a cloud connector, and Confluence at %s is version 9.2.4 (cloud connectors need "
                        "Confluence 10.2.0 or later): upgrade the instance, or connect it with the Cloud Companion "
                        "app (Portfolio Insights: dc_apps [portfolio_insights]), application links or in-product "
                        "integrations instead" % confluence_old,
        "jira-typo": 'jira-typo: dc_apps must be rovo, portfolio_insights or both, as a list; got ["rovo", '
                     '"confluence"]',
    }
    # Portfolio Insights on a pre-release of the minimum takes the older path.
    beta = run.task(DECIDE, "confluence-beta")["result"]["ansible_facts"]["dc_connection_plan"]
    assert (beta["cloud_companion"], beta["application_tunnel"], beta["org_connector"]) == (True, False, False)
    assert _writes(sandbox) == []


def test_a_pre_release_after_the_minimum_passes_and_the_tags_keep_the_older_path(sandbox, path_inventory):
    sandbox.seed("jira", "server_info", {"node_state": "RUNNING", "version": "11.3.1-rc1"})
    inventory = path_inventory.write({
        "jira-rc": ("jira", {"dc_apps": ["rovo"]}),
        # The deprecated variable keeps its meaning: Rovo, plus Portfolio Insights when true.
        "jira-10": ("jira-old", {"dc_portfolio_insights": True}),
    })
    # Without the prereqs step the version is still read, so the older instance still skips the connector.
    run = run_playbook(CONNECT, inventory=inventory, check=True, args=["--tags", "connector"])
    assert run.returncode != 0, "jira-10 connects Rovo through dc_portfolio_insights' default: refused"
    rc = run.task(DECIDE, "jira-rc")["result"]["ansible_facts"]["dc_connection_plan"]
    assert (rc["apps"], rc["org_connector"]) == (["rovo"], True)
    assert run.task("Summarise the instances")["result"]["msg"][1].split("|")[2].strip() == \
        "would be Connected (now Not configured)"
    assert run.failed_tasks[0]["host"] == "jira-10"
    assert run.failed_tasks[0]["result"]["msg"].startswith("Rovo needs a cloud connector, and Jira at ")

    older = path_inventory.write({"jira-10": ("jira-old", {"dc_apps": ["portfolio_insights"]})}, name="older.json")
    skipped = run_playbook(CONNECT, inventory=older, check=True, args=["--tags", "connector"])
    assert skipped.returncode == 0, skipped.failures()
    assert _summary(skipped)[1][0].startswith(
        "jira-10: organization connector skipped - Jira 10.2.0 is below Jira 11.3.0")
    assert _writes(sandbox) == []

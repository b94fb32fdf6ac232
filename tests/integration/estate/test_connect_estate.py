"""connect_data_center.yml over SSH on the lab estate: every step on, egress proven with real packets, the
tunnel rolled one node at a time with request.isSecure() served, then a rerun and --check --diff with zero
changes; and the estate's own life cycle (a crashed run cleaned by the next start, stop leaves nothing)."""

from __future__ import annotations

import subprocess

import pytest
from helpers import ROOT, run_playbook
from lab_estate.estate import Estate

CONNECT = ROOT / "playbooks" / "connect_data_center.yml"
TUNNEL_TASK = "dcops.atlassian_cloud.app_tunnel : Set the application tunnel attributes on the connector"
HEALTH_TASK = "dcops.atlassian_cloud.app_tunnel : Wait until the node reports RUNNING"


def _probes(estate):
    return {n["name"]: (estate.probe_egress(n), estate.probe_tomcat(n) if n["tomcat"] else None)
            for n in estate.load()["nodes"]}


def _run(estate, **kwargs):
    env = {"ANSIBLE_HOST_KEY_CHECKING": "True", "ANSIBLE_VAULT_PASSWORD_FILE": str(estate.dir / "vault-password")}
    return run_playbook(CONNECT, inventory=estate.dir / "inventory", env=env, **kwargs)


def _changed(run, names):
    return {(r["task"].split(" : ")[-1], r["host"]) for r in run.changed_tasks
            if r["task"].split(" : ")[-1].startswith(names)}


def _table(run, task):
    return [[cell.strip() for cell in line.split("|")] for line in run.task(task)["result"]["msg"]]


@pytest.mark.slow
@pytest.mark.usefixtures("sandbox")  # reset: the first run links from scratch
def test_connect_data_center_over_ssh_opens_only_443_and_rolls_the_tunnel(lab_estate, sandbox):
    sandbox_base_port = sandbox.url("jira").rsplit(":", 1)[1]
    before = _probes(lab_estate)
    for name, (reaches, tomcat) in before.items():
        assert list(reaches.values()) == [False, False, False], name
        assert tomcat is None or not tomcat["secure"], name

    # Check mode first: the plan (every node's rule would open, the tunnel would be set), nothing touched.
    plan = _run(lab_estate, check=True, diff=True)
    assert plan.returncode == 0, plan.failures()
    planned_nodes = {row[0]: (row[4], row[6]) for row in _table(plan, "Summarise the nodes")[1:]}
    assert planned_nodes == {"jira-lab-1": ("would open", "would set secure, restart"),
                             "jira-lab-2": ("would open", "would set secure, restart"),
                             "confluence-lab-1": ("would open", "-"), "confluence-lab-2": ("would open", "-")}
    assert {row[7] for row in _table(plan, "Summarise the instances")[1:]} == {"would add"}
    assert _probes(lab_estate) == before, "check mode changed a node"

    first = _run(lab_estate)
    assert first.returncode == 0, first.failures()
    after = _probes(lab_estate)
    for name, (reaches, tomcat) in after.items():
        # 443 to api.atlassian.com (the cloud peer) opens; the same peer on 8443 and another address stay dropped.
        assert list(reaches.values()) == [True, False, False], (name, reaches)
        if tomcat is not None:
            # The connector presents the instance's base URL (the sandbox's Jira), as the tunnel step checks.
            assert (tomcat["secure"], tomcat["scheme"], tomcat["serverName"], tomcat["serverPort"]) == \
                (True, "https", "localhost", int(sandbox_base_port)), name
            assert tomcat["pid"] != before[name][1]["pid"], "%s was not restarted" % name

    # Rolling: the second node's server.xml is touched only once the first one is back RUNNING.
    order = [(r["task"], r["host"]) for r in first.results if r["task"] in (TUNNEL_TASK, HEALTH_TASK)]
    assert order == [(TUNNEL_TASK, "jira-lab-1"), (HEALTH_TASK, "jira-lab-1"),
                     (TUNNEL_TASK, "jira-lab-2"), (HEALTH_TASK, "jira-lab-2")], order

    instances = _table(first, "Summarise the instances")
    assert [(row[0], row[2], row[3]) for row in instances[1:]] == [
        ("jira-lab (lab)", "Connected", "Connected"), ("confluence-lab (lab)", "Connected", "Connected")]
    nodes = {row[0]: row for row in _table(first, "Summarise the nodes")[1:]}
    assert {name: (row[3], row[4], row[6]) for name, row in nodes.items()} == {
        "jira-lab-1": ("nftables", "opened", "set secure, restarted"),
        "jira-lab-2": ("nftables", "opened", "set secure, restarted"),
        "confluence-lab-1": ("nftables", "opened", "-"),
        "confluence-lab-2": ("iptables", "opened", "-"),
    }

    node_steps = ("Allow outbound TCP to api.atlassian.com on the node", "Set the application tunnel attributes")
    assert _changed(plan, node_steps) == _changed(first, node_steps) != set(), "check mode mispredicted the nodes"

    # What the rule sets persisted comes back at boot: each node reloads its distribution's firewall file.
    nodes_by_name = {n["name"]: n for n in lab_estate.load()["nodes"]}
    for name, reload in (("confluence-lab-1", "nft -f /etc/nftables.conf"),
                         ("confluence-lab-2", "iptables-restore -w < /etc/iptables/rules.v4")):
        assert lab_estate.ssh(nodes_by_name[name], reload).returncode == 0, name
        assert list(lab_estate.probe_egress(nodes_by_name[name]).values()) == [True, False, False], name

    rerun = _run(lab_estate)
    assert rerun.returncode == 0 and rerun.changed_tasks == [], [t["task"] for t in rerun.changed_tasks]
    assert _probes(lab_estate)["jira-lab-1"][1]["pid"] == after["jira-lab-1"][1]["pid"], "a rerun restarted a node"
    check = _run(lab_estate, check=True, diff=True)
    assert check.returncode == 0 and check.changed_tasks == [], [t["task"] for t in check.changed_tasks]
    assert {row[4] for row in _table(check, "Summarise the nodes")[1:]} == {"open"}

    # Nodes limited away from their instance are stopped with the reason, before touching anything.
    alone = _run(lab_estate, check=True, args=["--limit", "confluence_lab_nodes", "--tags", "egress"])
    assert alone.returncode != 0
    assert {(r["host"], r["result"]["msg"]) for r in alone.failed_tasks} == {
        (name, "%s: its instance confluence-lab failed or was left out (--limit) before this step" % name)
        for name in ("confluence-lab-1", "confluence-lab-2")}

    # Tags select steps: only the nodes' egress step (and the always-on checks and summaries) runs.
    egress_only = _run(lab_estate, check=True, args=["--tags", "egress"])
    assert egress_only.returncode == 0 and egress_only.changed_tasks == []
    ran = {r["task"].split(" : ")[-1] for r in egress_only.results if r["status"] != "skipped"}
    assert "Allow outbound TCP to api.atlassian.com on the node" in ran
    assert not ran & {"Read the instance's connection status", "Set the application tunnel attributes on the connector",
                      "Add https://api.atlassian.com to the instance's allowlist"}, ran


@pytest.mark.usefixtures("estate_tools")
def test_a_new_start_cleans_a_crashed_run_and_stop_leaves_nothing(tmp_path):
    estate = Estate(tmp_path / "lab")
    try:
        first = estate.start(nodes=1, private_nodes=0)
        # A crash leaves the state file and everything it lists; the next start must remove them first.
        second = estate.start(nodes=1, private_nodes=0)
        namespaces = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=True).stdout
        assert not [ns for ns in first["namespaces"] if ns in namespaces.split()]
        assert all(ns in namespaces for ns in second["namespaces"])
    finally:
        assert estate.stop()
    namespaces = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=True).stdout
    links = subprocess.run(["ip", "link"], capture_output=True, text=True, check=True).stdout
    assert not [ns for ns in second["namespaces"] if ns in namespaces.split()]
    assert second["bridge"] not in links
    assert list(estate.dir.iterdir()) == []

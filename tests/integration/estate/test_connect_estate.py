"""connect_data_center.yml over SSH on the lab estate: every step on, egress proven with real packets, the
tunnel rolled one node at a time with request.isSecure() served, then a rerun and --check --diff with zero
changes; and the estate's own life cycle (a crashed run cleaned by the next start, stop leaves nothing)."""

from __future__ import annotations

import subprocess

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


def _table(run, task):
    return [[cell.strip() for cell in line.split("|")] for line in run.task(task)["result"]["msg"]]


def test_connect_data_center_over_ssh_opens_only_443_and_rolls_the_tunnel(lab_estate, sandbox):
    before = _probes(lab_estate)
    for name, (reaches, tomcat) in before.items():
        assert list(reaches.values()) == [False, False, False], name
        assert tomcat is None or not tomcat["secure"], name

    first = _run(lab_estate)
    assert first.returncode == 0, first.stdout[-4000:]
    after = _probes(lab_estate)
    for name, (reaches, tomcat) in after.items():
        # 443 to api.atlassian.com (the cloud peer) opens; the same peer on 8443 and another address stay dropped.
        assert list(reaches.values()) == [True, False, False], (name, reaches)
        if tomcat is not None:
            assert (tomcat["secure"], tomcat["scheme"], tomcat["serverName"], tomcat["serverPort"]) == \
                (True, "https", "jira-lab.example.com", 443), name
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

    rerun = _run(lab_estate)
    assert rerun.returncode == 0 and rerun.changed_tasks == [], [t["task"] for t in rerun.changed_tasks]
    assert _probes(lab_estate)["jira-lab-1"][1]["pid"] == after["jira-lab-1"][1]["pid"], "a rerun restarted a node"
    check = _run(lab_estate, check=True, diff=True)
    assert check.returncode == 0 and check.changed_tasks == [], [t["task"] for t in check.changed_tasks]
    assert {row[4] for row in _table(check, "Summarise the nodes")[1:]} == {"open"}


def test_a_new_start_cleans_a_crashed_run_and_stop_leaves_nothing(estate_tools, tmp_path):
    estate = Estate(tmp_path / "lab")
    first = estate.start(nodes=1, private_nodes=0)
    # A crash leaves the state file and everything it lists; the next start must remove them first.
    second = estate.start(nodes=1, private_nodes=0)
    namespaces = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=True).stdout
    assert not [ns for ns in first["namespaces"] if ns in namespaces.split()]
    assert all(ns in namespaces for ns in second["namespaces"])
    assert estate.stop()
    namespaces = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=True).stdout
    links = subprocess.run(["ip", "link"], capture_output=True, text=True, check=True).stdout
    assert not [ns for ns in second["namespaces"] if ns in namespaces.split()]
    assert second["bridge"] not in links
    assert list(estate.dir.iterdir()) == []

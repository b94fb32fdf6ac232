"""The cloud_connector_prereqs playbook over several nodes of several instances, against the sandbox: the
instance-wide steps run once per instance, and every node of an instance that fails the version check stops.
The firewall part is off here; the molecule scenario covers it inside a network namespace."""

from __future__ import annotations

import json
import sys

from helpers import ROOT, run_playbook

PLAYBOOK = ROOT / "playbooks" / "cloud_connector_prereqs.yml"
ROLE = "dcops.atlassian_cloud.cloud_connector_prereqs : "
NODES = {"jira-node-1": "jira", "jira-node-2": "jira", "wiki-node-1": "confluence",
         "old-node-1": "jira-old", "old-node-2": "jira-old"}


def inventory(sandbox, tmp_path):
    """The shared layout: one dc_instances host per instance, every node in dc_nodes naming its instance."""
    instances = {}
    for persona in sorted(set(NODES.values())):
        info = sandbox.persona(persona)
        instances[persona] = {"dc_url": info["url"], "dc_token": info["token"], "dc_ca_path": sandbox.ca_path}
    nodes = {node: {"ansible_connection": "local", "dc_instance": persona, "dc_manage_firewall": False}
             for node, persona in NODES.items()}
    data = {
        "all": {
            "hosts": {"localhost": {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}},
            "vars": {"ansible_python_interpreter": sys.executable},
            "children": {"dc_instances": {"hosts": instances}, "dc_nodes": {"hosts": nodes}},
        }
    }
    path = tmp_path / "inventory.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def calls(sandbox, persona, method, suffix):
    return [e for e in sandbox.log(persona) if e["method"] == method and e["path"].endswith(suffix)]


def test_once_per_instance_and_the_gate_stops_every_node_of_an_old_instance(sandbox, tmp_path):
    run = run_playbook(str(PLAYBOOK), inventory=inventory(sandbox, tmp_path))
    assert run.returncode != 0  # the old instance's nodes fail

    gate = ROLE + "Stop every node of an instance that failed the check"
    failed = sorted(r["host"] for r in run.failed_tasks if r["task"] == gate)
    assert failed == ["old-node-1", "old-node-2"], run.stdout
    for host in failed:
        message = run.task(gate, host=host)["result"]["msg"]
        assert "is version 10.2.0; cloud connectors need Jira 11.3.0 or later" in message

    # Instance-wide steps: one allowlist change per healthy instance, none on the old one.
    assert len(calls(sandbox, "jira", "POST", "/whitelist")) == 1
    assert len(calls(sandbox, "confluence", "POST", "/whitelist")) == 1
    assert calls(sandbox, "jira-old", "POST", "/whitelist") == []
    assert len(calls(sandbox, "jira", "GET", "/serverInfo")) == 1
    assert len(calls(sandbox, "jira-old", "GET", "/serverInfo")) == 1
    state = sandbox.state()
    for persona in ("jira", "confluence"):
        assert [(r["type"], r["expression"]) for r in state[persona]["allowlist"]["rules"]] == [
            ("DOMAIN_NAME", "https://api.atlassian.com")]

    allowlist_task = ROLE + "Add https://api.atlassian.com to the instance's allowlist"
    ran = sorted(r["host"] for r in run.results if r["task"] == allowlist_task and r["status"] == "ok")
    assert ran == ["jira-node-1", "wiki-node-1"]
    # No credential reaches the output.
    assert sandbox.persona("jira")["token"] not in run.stdout + run.stderr


def test_rerun_reads_the_allowlist_once_per_instance_and_skips_dc_allowlist(sandbox, tmp_path):
    """The version read says whether the allowlist holds the rule (cloud_connector_prereqs_read_allowlist): a
    converged instance makes dc_allowlist's reads once, in dc_info, and dc_allowlist does not run."""
    limit = ("--limit", "jira-node-1,jira-node-2,wiki-node-1,localhost")
    first = run_playbook(str(PLAYBOOK), args=limit, inventory=inventory(sandbox, tmp_path))
    assert first.returncode == 0, first.failures()
    allowlist_task = ROLE + "Add https://api.atlassian.com to the instance's allowlist"
    added = sorted(r["host"] for r in first.changed_tasks if r["task"] == allowlist_task)
    assert added == ["jira-node-1", "wiki-node-1"]

    for mode in ({}, {"check": True, "diff": True}):
        sandbox.clear_log()
        again = run_playbook(str(PLAYBOOK), args=limit, inventory=inventory(sandbox, tmp_path), **mode)
        assert again.returncode == 0, again.failures()
        assert again.changed_tasks == [], mode
        ran = [r["host"] for r in again.results if r["task"] == allowlist_task and r["status"] != "skipped"]
        assert ran == [], mode
        for persona in ("jira", "confluence"):
            reads = sorted(e["path"].rsplit("/rest/", 1)[1] for e in sandbox.log(persona) if "/whitelist" in e["path"])
            assert reads == ["whitelist/latest/whitelist", "whitelist/latest/whitelist/status"], (persona, mode)
            assert [e for e in sandbox.log(persona) if e["method"] != "GET"] == []

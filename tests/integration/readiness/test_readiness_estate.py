"""playbooks/readiness_report.yml on the lab estate (tests/estate) in three states - fresh, half connected
(prereqs and egress run), fully connected (the whole main job) - with the JSON asserted for each, proof that the
report wrote nothing (sandbox request log, server.xml hashes, firewall rule sets and their persisted files), and the
HTML opened in headless Chromium: no console message, the matrix cells as in the JSON, a screenshot."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from atlassian_sandbox.areas.dc_directory import make_user
from readiness_page import assert_no_write, assert_self_contained
from helpers import ROOT, run_playbook

from estate.conftest import running_estate

ROLE = "dcops.atlassian_cloud.readiness_report : "
READINESS = ROOT / "playbooks" / "readiness_report.yml"
CONNECT = ROOT / "playbooks" / "connect_data_center.yml"
# Set to a directory (docs/images) to keep the screenshots: READINESS_SCREENSHOTS=docs/images pytest ...
SCREENSHOTS = os.environ.get("READINESS_SCREENSHOTS")
NESTED = {"groups": {"engineering": {"groups": ["backend", "frontend"]}, "backend": {"users": ["alice", "bob"]},
                     "frontend": {"users": ["carol"]}, "everyone": {"groups": ["engineering"], "users": ["dave"]}}}
# What every node-side snapshot reads: the connector's file, the live rule sets, their persisted files.
SNAPSHOT = ("sha256sum /opt/atlassian/*/conf/server.xml; nft -s list ruleset; "
            "iptables-save | grep -v '^#' | sed -E 's/\\[[0-9]+:[0-9]+\\]//'; "
            "find /etc/nftables.d /etc/iptables -type f -exec sha256sum {} + 2>/dev/null; true")

JIRA_FRESH = {"version": "done", "base_url": "done", "allowlist": "missing", "egress": "missing",
              "tunnel": "missing", "tomcat": "done", "companion": "missing", "org_connector": "missing",
              "dc_connector": "missing"}
CONFLUENCE_FRESH = dict(JIRA_FRESH, tunnel="done", tomcat="unknown", companion="done")
HALF = {"allowlist": "done", "egress": "done"}
FULL = {"allowlist": "done", "egress": "done", "tunnel": "done", "companion": "done", "org_connector": "done",
        "dc_connector": "done"}
STATES = {
    "fresh": {"jira-lab": JIRA_FRESH, "confluence-lab": CONFLUENCE_FRESH},
    "half": {"jira-lab": dict(JIRA_FRESH, **HALF), "confluence-lab": dict(CONFLUENCE_FRESH, **HALF)},
    "connected": {"jira-lab": dict(JIRA_FRESH, **FULL), "confluence-lab": dict(CONFLUENCE_FRESH, **FULL)},
}
ORG = {"auth_policies": "done", "policy_coverage": "missing", "sso_idp": "done", "byok": "unknown",
       "nested_groups": "missing", "preflight": "risk"}


@pytest.fixture(scope="session")
def readiness_estate(sandbox_session, tmp_path_factory):
    with running_estate(sandbox_session, tmp_path_factory.mktemp("readiness-estate"), nodes=3, private_nodes=2,
                        node_backends={"confluence-lab-1": "iptables"}) as estate:
        yield estate


def _env(estate):
    return {"ANSIBLE_HOST_KEY_CHECKING": "True", "ANSIBLE_VAULT_PASSWORD_FILE": str(estate.dir / "vault-password")}


def _snapshot(estate):
    out = {}
    for node in estate.load()["nodes"]:
        proc = estate.ssh(node, SNAPSHOT)
        assert proc.returncode == 0, proc.stderr
        out[node["name"]] = proc.stdout
    return out


def _report(estate, sandbox, dest, nested):
    before = _snapshot(estate)
    sandbox.clear_log()
    run = run_playbook(READINESS, inventory=estate.dir / "inventory", env=_env(estate),
                       extra_vars={"readiness_report_dest": str(dest), "readiness_report_nested_groups_source": nested})
    assert run.returncode == 0, run.failures()
    assert_no_write(sandbox.log())
    after = _snapshot(estate)
    assert after == before, "the readiness report changed a node"
    return run, after


def _cells(document):
    return {row["name"]: {cell["id"]: cell["state"] for cell in row["cells"]} for row in document["instances"]}


def _look(chromium, dest, document, name):
    page_file = dest / "readiness.html"
    assert_self_contained(page_file.read_text())
    shot = Path(SCREENSHOTS) / f"readiness_{name}.png" if SCREENSHOTS else dest / "readiness.png"
    page = chromium(page_file, shot)
    assert shot.stat().st_size > 20000, "the screenshot is blank"
    assert page.console == []
    assert page.matrix() == {(row["name"], cell["id"]): cell["state"]
                             for row in document["instances"] for cell in row["cells"]}
    counts = {span.get("data-state"): int(span.xpath("./b")[0].text) for span in page.tree.xpath('//span[@class]'
                                                                                                 '[@data-state]')}
    assert counts == document["counts"]


@pytest.mark.slow
def test_the_report_tells_fresh_half_and_fully_connected_apart_and_writes_nothing(
        readiness_estate, sandbox, chromium, tmp_path):
    estate = readiness_estate
    # A group both products have, with other members: the preflight's group collision.
    sandbox.seed("confluence", "dc_directory", {
        "users": [make_user("alice", "alice@example.com"), make_user("carol", "carol@example.com")],
        "groups": {"confluence-users": ["alice", "carol"], "jira-software-users": ["carol"]}})
    nested = tmp_path / "groups.yml"
    nested.write_text(json.dumps(NESTED))

    snapshots = []
    for name in ("fresh", "half", "connected"):
        if name == "half":
            run = run_playbook(CONNECT, inventory=estate.dir / "inventory", env=_env(estate),
                               args=["--tags", "prereqs,egress"])
            assert run.returncode == 0, run.failures()
        elif name == "connected":
            run = run_playbook(CONNECT, inventory=estate.dir / "inventory", env=_env(estate))
            assert run.returncode == 0, run.failures()
        dest = tmp_path / name
        run, snapshot = _report(estate, sandbox, dest, str(nested))
        # The snapshot sees what the main job writes (rule sets, server.xml), so "unchanged" above means something.
        assert snapshot not in snapshots
        snapshots.append(snapshot)
        document = json.loads((dest / "readiness.json").read_text())
        assert _cells(document) == STATES[name], name
        assert {c["id"]: c["state"] for c in document["organization"]["checks"]} == ORG
        for row in document["instances"]:
            for cell in row["cells"]:
                assert cell["reason"] and (cell["fix"] is None) == (cell["state"] == "done"), cell
        assert oct((dest / "readiness.json").stat().st_mode & 0o777) == "0o600"
        summary = run.task(ROLE + "Summarise the readiness")["result"]["msg"]
        assert summary[0] == "Readiness: %(done)d done, %(missing)d missing, %(risk)d risk, %(unknown)d unknown" \
            % document["counts"]
        _look(chromium, dest, document, name)

    # Fully connected, the per-node details say why: the rule is there and the connection opens.
    nodes = {n["name"]: {c["id"]: c for c in n["checks"]} for row in document["instances"] for n in row["nodes"]}
    assert nodes["confluence-lab-1"]["egress"]["details"]["backend"] == "iptables"
    assert nodes["jira-lab-2"]["egress"]["details"]["proven"] is True
    assert nodes["jira-lab-1"]["tunnel"]["details"]["attributes"]["secure"] == "true"

"""The readiness modules: check mode predicts the real run, and "no write" is measured from outside.

readiness_instance and readiness_org only read: check and real report the same readiness, changed=false, whatever
the estate's state, and the sandbox's request log holds reads only. readiness_node reads a real node (a network
namespace with nftables, a real server.xml): the rule set and the file stay as they were. readiness_report writes
three files: check mode predicts which change (content or mode), the real run writes exactly those, a rerun changes
nothing (the files carry no timestamp), and a destination the real run cannot make fails in check mode too.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import shutil
from pathlib import Path

from checkmode.harness import assert_both_refuse, assert_check_predicts_real, assert_converged
from checkmode.test_rest_modules import Harness
from firewall.conftest import API_HOST, egress_lab, tls_ca  # noqa: F401 pylint: disable=unused-import
from firewall.test_checkmode import module_runner
from firewall.test_nftables import nft_node  # noqa: F401 pylint: disable=unused-import
from readiness.readiness_page import assert_no_write

from ansible_collections.dcops.atlassian_cloud.plugins.modules import readiness_report

SERVER_XML = Path(__file__).resolve().parents[2] / "unit" / "tomcat" / "files" / "jira_server.xml"
CLOUD_RULE = {"expression": "https://api.atlassian.com", "type": "domain"}


def test_readiness_instance_reads_only_whatever_the_state(sandbox, run_module, tmp_path):
    harness = Harness(sandbox, run_module, tmp_path)
    fields = ("readiness",)
    for persona in ("jira", "confluence", "jira-old"):
        assert_converged(harness.runner("readiness_instance", persona, name=persona, preflight=True),
                         harness.observe, fields)
    # A changed estate (the allowlist rule added) changes what is read, never what is written.
    assert harness.runner("dc_allowlist", "jira", rules=[CLOUD_RULE])(False)["changed"]
    sandbox.clear_log()
    assert_converged(harness.runner("readiness_instance", "jira", name="jira"), harness.observe, fields)
    assert_no_write(sandbox.log())
    assert_both_refuse(harness.runner("readiness_instance", "jira", name="jira", password=None), harness.observe,
                       "user")


def test_readiness_org_reads_only(sandbox, run_module, tmp_path):
    harness = Harness(sandbox, run_module, tmp_path)
    structure = tmp_path / "groups.yml"
    structure.write_text(json.dumps({"groups": {"all": {"groups": ["team"]}, "team": {"users": ["ann"]}}}))
    harness.watch(structure)
    fields = ("readiness",)
    org = harness.runner("readiness_org", "cloud", nested_groups_source=str(structure),
                         intended_policies=["Employees"])
    assert_converged(org, harness.observe, fields)
    assert harness.runner("auth_policy", "cloud", name="Employees")(False)["changed"]
    sandbox.clear_log()
    assert_converged(org, harness.observe, fields)
    assert_no_write(sandbox.log())
    assert_both_refuse(harness.runner("readiness_org", "cloud", api_key=None), harness.observe, "api_key")


def test_readiness_node_reads_a_real_node_only(nft_node, tmp_path):  # noqa: F811
    node = tmp_path / "node"  # the lab keeps its own files in tmp_path
    node.mkdir()
    conf = node / "server.xml"
    shutil.copy(SERVER_XML, conf)
    persist = node / "dcops-egress-atlassian-cloud.nft"

    def observe():
        return (nft_node.run("nft", "list", "ruleset").stdout, hashlib.sha256(conf.read_bytes()).hexdigest(),
                sorted(os.listdir(node)))

    run = module_runner(nft_node, "readiness_node", name="jira-1", instance="jira", private=True,
                        backend="nftables", destinations=[API_HOST], persist_path=str(persist), server_xml=str(conf),
                        probe_timeout=0.5)

    def states():
        return {c["id"]: c["state"] for c in run(False)["readiness"]["checks"]}

    assert_converged(run, observe, ("readiness",))
    assert states()["egress"] == "missing"
    nft_node.module(destinations=[API_HOST], backend="nftables", persist_path=str(persist))
    assert_converged(run, observe, ("readiness",))
    assert states()["egress"] == "done"


def _report_args(sandbox, run_module, dest, persona="jira"):
    harness = Harness(sandbox, run_module, dest.parent)
    instance = harness.runner("readiness_instance", persona, name=persona)(False)["readiness"]
    return {"dest": str(dest), "instances": [instance], "nodes": [], "organization": None}


def _report_runner(run_module, args):
    def run(check_mode):
        return run_module(readiness_report, copy.deepcopy(args), check_mode=check_mode, diff=True)
    return run


def _files(top):
    def observe():
        return sorted((str(p), hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir",
                       p.stat().st_mode & 0o7777) for p in Path(top).rglob("*"))
    return observe


def test_readiness_report_create_update_mode_converged_refuse(sandbox, run_module, tmp_path):
    dest = tmp_path / "reports" / "readiness"
    args = _report_args(sandbox, run_module, dest)
    observe = _files(tmp_path)
    fields = ("files", "counts", "summary", "failing", "report")
    assert_check_predicts_real(_report_runner(run_module, args), observe, fields)

    # A changed input (another instance) changes the report; the prediction follows.
    grown = dict(args, instances=args["instances"] + _report_args(sandbox, run_module, dest, "jira-old")["instances"])
    planned, _done = assert_check_predicts_real(_report_runner(run_module, grown), observe, fields)
    names = ("readiness.md", "readiness.html", "readiness.json")
    assert [d["after_header"] for d in planned["diff"]] == [str(dest / n) for n in names]
    # Only the mode: every file is predicted changed, and the real run changes exactly that.
    assert_check_predicts_real(_report_runner(run_module, dict(grown, mode="0640")), observe, fields)

    # Refusals: a destination that is a file, one under a file, and results that are not readiness results.
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    assert_both_refuse(_report_runner(run_module, dict(args, dest=str(blocker))), observe, "not a directory")
    assert_both_refuse(_report_runner(run_module, dict(args, dest=str(blocker / "readiness"))), observe,
                       "a-file is not a directory")
    assert_both_refuse(_report_runner(run_module, dict(args, instances=[{"name": "jira"}])), observe,
                       "not what readiness_instance")
    assert_both_refuse(_report_runner(run_module, dict(args, mode="rw")), observe, "octal")
    assert_no_write(sandbox.log())

"""A real read-only mount (a private mount namespace with a read-only bind mount): tomcat_connector and
egress_rule's persist check fail with one line, the file unchanged and no backup or temporary file left."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from helpers import ModuleProcess

SERVER_XML = Path(__file__).resolve().parents[2] / "unit" / "tomcat" / "files" / "jira_server.xml"

pytestmark = pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("unshare"),
                                reason="needs root and unshare for a private read-only mount")


def run_on_read_only(directory, module, args, check=False):
    """Run `module` in a private mount namespace where `directory` is mounted read-only."""
    script = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"'
    started = ModuleProcess(module, args, check_mode=check,
                            prefix=["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh", str(directory)])
    result = started.result(timeout=60)
    assert "Traceback" not in result.output + started.stderr, started.stderr
    return result


def listing(directory):
    return sorted((p.name, p.read_bytes()) for p in directory.iterdir())


def test_tomcat_connector_on_a_read_only_mount(tmp_path):
    conf = tmp_path / "conf"
    conf.mkdir()
    shutil.copy(SERVER_XML, conf / "server.xml")
    before = listing(conf)
    params = {"path": str(conf / "server.xml"), "backup": True, "attributes": {"secure": True}}
    result = run_on_read_only(conf, "tomcat_connector", params)
    assert result["failed"] and "Read-only file system" in result["msg"] and "\n" not in result["msg"]
    assert listing(conf) == before


def test_egress_rule_persist_path_on_a_read_only_mount(tmp_path):
    # Check mode: the check runs there too, and nothing can reach this host's own firewall.
    persist = tmp_path / "nftables.d"
    persist.mkdir()
    result = run_on_read_only(persist, "egress_rule", {
        "name": "ro", "destinations": ["192.0.2.10"], "backend": "nftables",
        "persist_path": str(persist / "ro.nft")}, check=True)
    assert result["failed"] and "not writable" in result["msg"] and "nothing was applied" in result["msg"]
    assert list(persist.iterdir()) == []


def test_org_connector_credentials_dest_on_a_read_only_mount(sandbox, tmp_path):
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    args = sandbox.cloud_params(base_url=sandbox.url("jira"), name="ro", credentials_dest=str(secrets / "c.json"))
    result = run_on_read_only(secrets, "org_connector", args)
    assert result["failed"] and "not writable" in result["msg"] and "no credentials were issued" in result["msg"]
    assert sandbox.state()["cloud"]["cloud_connector"]["connectors"] == {}
    assert list(secrets.iterdir()) == []

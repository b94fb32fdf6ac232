"""tomcat_connector: check mode predicts the real edit of a real server.xml, runs its validation, writes nothing.

"No write" is the file's bytes, mode and the directory's listing (no backup, no temporary file left).
"""

from __future__ import annotations

import copy
import hashlib
import shutil
from pathlib import Path

import pytest
from checkmode.harness import assert_both_refuse, assert_check_predicts_real

from ansible_collections.dcops.atlassian_cloud.plugins.modules import tomcat_connector

SERVER_XML = Path(__file__).resolve().parents[2] / "unit" / "tomcat" / "files" / "jira_server.xml"
TUNNEL = {"secure": True, "scheme": "https", "proxyName": "jira.example.com", "proxyPort": 443}
FIELDS = ("connector", "line", "port")


@pytest.fixture
def conf(tmp_path):
    path = tmp_path / "conf" / "server.xml"
    path.parent.mkdir()
    shutil.copy(SERVER_XML, path)
    return path


def _observe(path):
    def observe():
        return sorted((p.name, hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mode)
                      for p in path.parent.iterdir())
    return observe


def _runner(run_module, **params):
    def run(check_mode):
        return run_module(tomcat_connector, copy.deepcopy(params), check_mode=check_mode, diff=True)
    return run


def test_tunnel_attributes_then_an_update(run_module, conf):
    observe = _observe(conf)
    assert_check_predicts_real(_runner(run_module, path=str(conf), attributes=TUNNEL), observe, FIELDS)
    assert_check_predicts_real(_runner(run_module, path=str(conf), attributes=dict(TUNNEL, proxyName="jira.example.org"),
                                       absent_attributes=["maxThreads"]), observe, FIELDS)


def test_a_failing_validation_fails_in_check_mode_too(run_module, conf):
    refused = _runner(run_module, path=str(conf), attributes=TUNNEL, validate="/bin/false %s")
    assert_both_refuse(refused, _observe(conf), "validat")

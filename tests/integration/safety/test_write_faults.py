"""Fault tests per write path: a lost answer (the server processes the request, then cuts the connection), a 429
storm with Retry-After, 5xx; the failure is one line, and the rerun converges with nothing lost or duplicated."""

from __future__ import annotations

import time

import pytest

from ansible_collections.dcops.atlassian_cloud.plugins.modules import auth_policy, dc_allowlist

FAULTS = [
    pytest.param({"kind": "lost_answer", "times": 1}, False, id="lost-answer"),
    pytest.param({"kind": "status", "status": 502, "times": 1}, False, id="502"),
    pytest.param({"kind": "status", "status": 500, "times": 1}, False, id="500"),
    pytest.param({"kind": "status", "status": 429, "headers": {"Retry-After": "0.3"}, "times": 4}, True,
                 id="429-storm"),
]


def _allowlist_rules(sandbox, expression):
    return [r for r in sandbox.state()["jira"]["allowlist"]["rules"] if r["expression"] == expression]


@pytest.mark.parametrize("fault, survives", FAULTS)
def test_allowlist_create(sandbox, run_module, fault, survives):
    expression = "https://faults.example.com"
    args = sandbox.dc_params("jira", rules=[{"expression": expression}], retry_max_time=10)
    sandbox.fault("jira", path=r"/rest/whitelist/latest/whitelist$", method="POST", **fault)
    started = time.monotonic()
    first = run_module(dc_allowlist, args)
    if survives:
        assert not first.get("failed") and first["changed"], first
        assert time.monotonic() - started >= 4 * 0.3  # the server's Retry-After was honoured, not the backoff
    else:
        assert first["failed"] and "\n" not in first["msg"] and "POST" in first["msg"], first
    rerun = run_module(dc_allowlist, args)
    assert not rerun.get("failed"), rerun
    assert len(_allowlist_rules(sandbox, expression)) == 1
    assert run_module(dc_allowlist, args)["changed"] is False


def _policies(sandbox, name):
    state = sandbox.state()["cloud"]["auth_policies"]
    return [p for p in state["policies"].values() if p["name"] == name] if isinstance(state["policies"], dict) \
        else [p for p in state["policies"] if p["name"] == name]


@pytest.mark.parametrize("fault, survives", FAULTS)
def test_auth_policy_create(sandbox, run_module, fault, survives):
    args = sandbox.cloud_params(name="Faults", retry_max_time=10)
    sandbox.fault("cloud", path=r"/auth-policies$", method="POST", **fault)
    first = run_module(auth_policy, args)
    if survives:
        assert not first.get("failed") and first["changed"], first
    else:
        assert first["failed"] and "\n" not in first["msg"], first
    rerun = run_module(auth_policy, args)
    assert not rerun.get("failed"), rerun
    assert len(_policies(sandbox, "Faults")) == 1
    assert run_module(auth_policy, args)["changed"] is False

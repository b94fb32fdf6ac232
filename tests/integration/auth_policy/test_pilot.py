"""auth_policy_pilot.yml: the policy is applied to the pilot set first; without a confirmation (a non-interactive
run answers the pause with nothing) the run stops there, and with auth_policy_pilot_confirmed=true it goes on to
everyone."""

from pathlib import Path

import pytest

from auth_policy.ap_support import policy_of
from helpers import run_playbook

ROOT = Path(__file__).resolve().parents[3]
PLAYBOOK = str(ROOT / "playbooks/auth_policy_pilot.yml")
EVERYONE = ["alice@example.com", "bob@example.com", "carol@example.com", "dave@example.com"]


def _vars(sandbox, **extra):
    cloud = sandbox.persona("cloud")
    return dict({"auth_policies_api_url": cloud["url"], "auth_policies_org_id": cloud["org_id"],
                 "auth_policies_api_key": cloud["api_key"], "auth_policies_ca_path": sandbox.ca_path,
                 "auth_policies_task_wait_interval": 0.2,
                 "auth_policy_pilot_policy": {"name": "Employees", "settings": {"idle_session": "12h"},
                                              "members": EVERYONE},
                 "auth_policy_pilot_members": ["Bob@example.com"]}, **extra)


@pytest.mark.slow
def test_the_pilot_set_first_then_everyone_once_confirmed(sandbox):
    pilot = run_playbook(PLAYBOOK, extra_vars=_vars(sandbox))
    assert pilot.returncode == 0, pilot.stdout + pilot.stderr
    assert "Stopped after the pilot: 1 member(s) are in Employees" in pilot.stdout
    assert [policy_of(sandbox, e) for e in EVERYONE] == ["Default policy", "Employees", "Default policy",
                                                         "Default policy"]

    rollout = run_playbook(PLAYBOOK, extra_vars=_vars(sandbox, auth_policy_pilot_confirmed=True))
    assert rollout.returncode == 0, rollout.stdout + rollout.stderr
    assert [policy_of(sandbox, e) for e in EVERYONE] == ["Employees"] * 4


def test_a_pilot_outside_the_policy_members_is_refused_before_any_request(sandbox):
    run = run_playbook(PLAYBOOK, extra_vars=_vars(sandbox, auth_policy_pilot_members=["zed@example.com"]))
    assert run.returncode != 0
    assert "all among the policy's members" in run.stdout
    assert sandbox.log("cloud") == []

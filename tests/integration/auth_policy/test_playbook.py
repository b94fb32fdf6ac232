"""The auth_policies playbook and role with the example vars file, end to end through ansible-playbook."""

from pathlib import Path

import pytest

from auth_policy.ap_support import area_state, policy_of
from helpers import run_playbook

ROOT = Path(__file__).resolve().parents[3]


def _vars(sandbox):
    cloud = sandbox.persona("cloud")
    return {"auth_policies_api_url": cloud["url"], "auth_policies_org_id": cloud["org_id"],
            "auth_policies_api_key": cloud["api_key"], "auth_policies_ca_path": sandbox.ca_path}


@pytest.mark.slow
def test_example_vars_converge_and_rerun_without_changes(sandbox):
    args = ("-e", "@" + str(ROOT / "playbooks/vars/auth_policies.example.yml"))
    first = run_playbook(str(ROOT / "playbooks/auth_policies.yml"), extra_vars=_vars(sandbox), args=args)
    assert first.returncode == 0, first.stdout + first.stderr
    state = area_state(sandbox)
    names = {p["name"]: p for p in state["policies"].values()}
    assert names["Bots"]["type"] == "non-billable"
    assert names["Employees"]["settings"]["sso"] == {"enforced": True, "provider": "saml"}
    assert policy_of(sandbox, "alice@example.com") == "Employees"
    assert policy_of(sandbox, "svc-deploy@example.com") == "Contractors"
    assert policy_of(sandbox, "bot-sync@example.com") == "Bots"
    assert "sandbox-org-api-key" not in first.stdout

    second = run_playbook(str(ROOT / "playbooks/auth_policies.yml"), extra_vars=_vars(sandbox), args=args)
    assert second.returncode == 0, second.stdout
    assert second.changed_tasks == []

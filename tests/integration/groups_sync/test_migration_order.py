"""migration_order.yml, the runbook: the external directory flattened, a stop at the Migration Assistant step with
its checklist (nothing written), a refusal naming the users without a cloud account, then the directory sync."""

from pathlib import Path

import pytest
from groups_sync.cloud_directory import cloud_groups, seed_directory, writes

from helpers import run_playbook

ROOT = Path(__file__).resolve().parents[3]
PLAYBOOK = str(ROOT / "playbooks/migration_order.yml")
SOURCE = {"source": "yaml", "yaml_data": {
    "groups": {"engineering": {"groups": ["backend"], "users": ["erin"]}, "backend": {"users": ["bob", "fred@example.com"]}},
    "users": {"erin": {"email": "Erin@example.com"}, "bob": {"email": "bob@example.com"}}}}


def _vars(sandbox, **extra):
    scim, cloud = sandbox.scim_params(), sandbox.cloud_params()
    return dict({"migration_order_flatten": SOURCE, "group_sync_target": "scim", "group_sync_api_url": scim["api_url"],
                 "group_sync_directory_id": scim["directory_id"], "group_sync_directory_api_key": scim["directory_api_key"],
                 "group_sync_ca_path": sandbox.ca_path, "group_sync_org_id": cloud["org_id"],
                 "group_sync_api_key": cloud["api_key"]}, **extra)


@pytest.mark.slow
def test_the_runbook_stops_at_the_migration_assistant_refuses_missing_accounts_then_syncs(sandbox):
    seed_directory(sandbox, users=["erin@example.com", "bob@example.com"])
    stopped = run_playbook(PLAYBOOK, extra_vars=_vars(sandbox))
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr
    assert "Stopped at the Migration Assistant step" in stopped.stdout and "3. The Migration Assistant" in stopped.stdout
    assert writes(sandbox) == []

    # fred (a member given by email) was not migrated: the sync does not run
    refused = run_playbook(PLAYBOOK, extra_vars=_vars(sandbox, migration_order_migration_assistant_done=True))
    assert refused.returncode != 0
    assert "1 address(es) have no cloud account: fred@example.com" in refused.stdout
    assert writes(sandbox) == []

    seed_directory(sandbox, users=["erin@example.com", "bob@example.com", "fred@example.com"])
    synced = run_playbook(PLAYBOOK, extra_vars=_vars(sandbox, migration_order_migration_assistant_done=True))
    assert synced.returncode == 0, synced.stdout + synced.stderr
    assert cloud_groups(sandbox) == {"backend": ["bob@example.com", "fred@example.com"],
                                     "engineering": ["bob@example.com", "erin@example.com", "fred@example.com"]}

"""Every playbook follows the shared inventory layout (docs/inventory.md): plays target the groups dc_instances or
dc_nodes, or the controller, never a host-selector variable; and each step carries its tag, so --tags and
--skip-tags select it."""

import re

import pytest
import yaml
from helpers import ROOT, run_playbook

# playbook -> the step tags it must offer (connect_data_center.yml and app_tunnel.yml have their own tests).
STEP_TAGS = {
    "auth_policies.yml": {"policies"},
    "auth_policy_pilot.yml": {"policies"},
    "byok.yml": {"byok"},
    "cloud_connector_prereqs.yml": {"prereqs", "egress"},
    "dc_info.yml": {"prereqs"},
    "disable_connector.yml": {"connector"},
    "enable_connector.yml": {"connector"},
    "flatten_groups.yml": {"groups"},
    "migration_order.yml": {"groups"},
    "migration_preflight.yml": {"preflight"},
    "product_access.yml": {"groups"},
    # read only, and whole or not at all: its reads run under any --tags
    "readiness_report.yml": {"always"},
    "rotate_connector_credentials.yml": {"connector"},
    "schedule_group_sync.yml": {"groups"},
    "sync_groups.yml": {"groups"},
}
TARGETS = {"dc_instances", "dc_nodes", "localhost"}


@pytest.mark.parametrize("name", sorted(STEP_TAGS))
def test_plays_target_the_shared_groups(name):
    plays = yaml.safe_load((ROOT / "playbooks" / name).read_text(encoding="utf-8"))
    assert {play["hosts"] for play in plays} <= TARGETS


@pytest.mark.parametrize("name", sorted(STEP_TAGS))
def test_steps_are_tagged(name):
    listed = run_playbook(ROOT / "playbooks" / name, args=["--list-tags"], timeout=120)
    assert listed.returncode == 0, listed.stderr
    tags = set()
    for found in re.findall(r"TAGS: \[([^\]]*)\]", listed.stdout):
        tags |= {t.strip() for t in found.split(",") if t.strip()}
    assert STEP_TAGS[name] <= tags, listed.stdout


def test_every_playbook_is_covered():
    owned_elsewhere = {"connect_data_center.yml", "app_tunnel.yml"}
    assert {p.name for p in (ROOT / "playbooks").glob("*.yml")} - owned_elsewhere == set(STEP_TAGS)

"""Unit tests of the group_flatten module's argument handling and result shape (yaml source, no services)."""

import json

from helpers import run_module_in_process

from ansible_collections.dcops.atlassian_cloud.plugins.modules import group_flatten

SEED = {
    "groups": {
        "Atlassian": {"users": ["ceo"], "groups": ["Design", "Engineering", "Grads"]},
        "Design": {"users": ["dana"]},
        "Engineering": {"users": ["erin"]},
        "Grads": {"users": ["gus"]},
    },
    "users": {"dana": {"email": "dana@example.com"}},
}


def run_module(capsys, args):
    return run_module_in_process(group_flatten, args, capsys)[1]


def test_yaml_data_is_flattened_and_reported(capsys):
    result = run_module(capsys, {"source": "yaml", "yaml_data": SEED, "google_workspace_selected": ["Design"]})
    assert result["changed"] is False
    assert result["flat"]["Atlassian"] == ["ceo", "dana", "erin", "gus"]
    assert result["lost_memberships"]["by_user"] == {"dana": ["Atlassian"], "erin": ["Atlassian"], "gus": ["Atlassian"]}
    assert result["depth"]["histogram"] == {"0": 3, "1": 1}
    assert result["google_workspace"]["missing_from_selection"] == ["Atlassian"]
    assert result["users"] == {"dana": {"email": "dana@example.com"}}


def test_report_limits_the_large_lists(capsys):
    result = run_module(capsys, {"source": "yaml", "yaml_data": SEED, "report": ["lost_by_group"]})
    assert "flat" not in result and "users" not in result
    assert result["lost_memberships"] == {"by_group": {"Atlassian": ["dana", "erin", "gus"]}}
    assert result["summary"]["inherited_memberships"] == 3


def test_cycle_fails_with_the_path_and_the_cycles(capsys):
    cyclic = {"groups": {"A": {"groups": ["B"]}, "B": {"groups": ["A"]}}}
    result = run_module(capsys, {"source": "yaml", "yaml_data": cyclic})
    assert result["failed"] is True
    assert "A -> B -> A" in result["msg"]
    assert result["cycles"] == [{"path": ["A", "B", "A"], "groups": ["A", "B"]}]


def test_malformed_yaml_source_names_the_problem(capsys, tmp_path):
    path = tmp_path / "groups.yml"
    path.write_text("groups:\n  A: {members: [x]}\n")
    result = run_module(capsys, {"source": "yaml", "yaml_file": str(path)})
    assert result["failed"] is True
    assert result["msg"] == "Cannot read the yaml source: group 'A' has unknown keys members; expected users and groups"


def test_ldap_source_requires_the_ldap_option(capsys):
    result = run_module(capsys, {"source": "ldap"})
    assert result["failed"] is True
    assert "ldap" in result["msg"]


def test_state_synced_requires_a_target_and_a_directory(capsys):
    result = run_module(capsys, {"source": "yaml", "yaml_data": SEED, "state": "synced"})
    assert result["failed"] is True
    assert result["msg"] == "state is synced but all of the following are missing: target, directory_id"


def test_state_synced_with_scim_requires_the_directory_key(capsys):
    result = run_module(capsys, {"source": "yaml", "yaml_data": SEED, "state": "synced", "target": "scim",
                                 "directory_id": "d-1"})
    assert result["failed"] is True
    assert result["msg"] == "target is scim but all of the following are missing: directory_api_key"


def test_flattened_ignores_a_target_with_a_warning_and_syncs_nothing(capsys):
    result = run_module(capsys, {"source": "yaml", "yaml_data": SEED, "target": "groups_api", "org_id": "o-1",
                                 "api_key": "secret-key"})
    assert result["changed"] is False and "sync" not in result
    assert [w["event"]["msg"] for w in result["warnings"]] == [
        "target is ignored with state=flattened; set state=synced to sync to the cloud"]
    assert "secret-key" not in json.dumps(result)

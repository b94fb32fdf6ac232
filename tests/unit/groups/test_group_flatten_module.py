"""Unit tests of the group_flatten module's argument handling and result shape (yaml source, no services)."""

import json

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


def test_yaml_data_is_flattened_and_reported(run_module):
    result = run_module(group_flatten, {"source": "yaml", "yaml_data": SEED, "google_workspace_selected": ["Design"]})
    assert result["changed"] is False
    assert result["flat"]["Atlassian"] == ["ceo", "dana", "erin", "gus"]
    assert result["lost_memberships"]["by_user"] == {"dana": ["Atlassian"], "erin": ["Atlassian"], "gus": ["Atlassian"]}
    assert result["depth"]["histogram"] == {"0": 3, "1": 1}
    assert result["google_workspace"]["missing_from_selection"] == ["Atlassian"]
    assert result["users"] == {"dana": {"email": "dana@example.com"}}


def test_report_limits_the_large_lists(run_module):
    result = run_module(group_flatten, {"source": "yaml", "yaml_data": SEED, "report": ["lost_by_group"]})
    assert "flat" not in result and "users" not in result
    assert result["lost_memberships"] == {"by_group": {"Atlassian": ["dana", "erin", "gus"]}}
    assert result["summary"]["inherited_memberships"] == 3


def test_cycle_fails_with_the_path_and_the_cycles(run_module):
    cyclic = {"groups": {"A": {"groups": ["B"]}, "B": {"groups": ["A"]}}}
    result = run_module(group_flatten, {"source": "yaml", "yaml_data": cyclic})
    assert result["failed"] is True
    assert "A -> B -> A" in result["msg"]
    assert result["cycles"] == [{"path": ["A", "B", "A"], "groups": ["A", "B"]}]


def test_malformed_yaml_source_names_the_problem(run_module, tmp_path):
    path = tmp_path / "groups.yml"
    path.write_text("groups:\n  A: {members: [x]}\n")
    result = run_module(group_flatten, {"source": "yaml", "yaml_file": str(path)})
    assert result["failed"] is True
    assert result["msg"] == "Cannot read the yaml source: group 'A' has unknown keys members; expected users and groups"


def test_ldap_source_requires_the_ldap_option(run_module):
    result = run_module(group_flatten, {"source": "ldap"})
    assert result["failed"] is True
    assert "ldap" in result["msg"]


def test_state_synced_requires_a_target_and_a_directory(run_module):
    result = run_module(group_flatten, {"source": "yaml", "yaml_data": SEED, "state": "synced"})
    assert result["failed"] is True
    assert result["msg"] == "state is synced but all of the following are missing: target, directory_id"


def test_state_synced_with_scim_requires_the_directory_key(run_module):
    result = run_module(group_flatten, {"source": "yaml", "yaml_data": SEED, "state": "synced", "target": "scim",
                                        "directory_id": "d-1"})
    assert result["failed"] is True
    assert result["msg"] == "target is scim but all of the following are missing: directory_api_key"


def test_flattened_ignores_a_target_with_a_warning_and_syncs_nothing(run_module):
    result = run_module(group_flatten, {"source": "yaml", "yaml_data": SEED, "target": "groups_api", "org_id": "o-1",
                                        "api_key": "secret-key"})
    assert result["changed"] is False and "sync" not in result
    assert result["warnings"] == [
        "target is ignored with state=flattened; set state=synced to sync to the cloud"]
    assert "secret-key" not in json.dumps(result)

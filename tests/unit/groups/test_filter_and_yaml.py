"""Unit tests of the flatten_groups filter and the YAML source."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.dcops.atlassian_cloud.plugins.filter.flatten_groups import FilterModule
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._groups.source_yaml import (
    read_yaml_data,
    read_yaml_file,
)

flatten_groups = FilterModule().filters()["flatten_groups"]


def test_filter_returns_sorted_effective_users_per_group():
    nested = {"Atlassian": {"users": ["zed"], "groups": ["Design"]}, "Design": {"users": ["bea", "amy"]}}
    assert flatten_groups(nested) == {"Atlassian": ["amy", "bea", "zed"], "Design": ["amy", "bea"]}


def test_filter_fails_on_a_cycle_unless_merging():
    nested = {"A": {"users": ["a"], "groups": ["B"]}, "B": {"users": ["b"], "groups": ["A"]}}
    with pytest.raises(AnsibleFilterError, match="A -> B -> A"):
        flatten_groups(nested)
    assert flatten_groups(nested, on_cycle="merge") == {"A": ["a", "b"], "B": ["a", "b"]}


def test_filter_rejects_input_that_is_not_a_mapping():
    with pytest.raises(AnsibleFilterError, match="must be a mapping"):
        flatten_groups(["A"])


def test_yaml_file_with_users(tmp_path):
    path = tmp_path / "groups.yml"
    path.write_text("groups:\n  P: {groups: [C]}\n  C: {users: [amy]}\nusers:\n  amy: {email: amy@example.com}\n")
    structure = read_yaml_file(str(path))
    assert structure.groups == {"P": ([], ["C"]), "C": (["amy"], [])}
    assert structure.users == {"amy": {"email": "amy@example.com"}}


def test_yaml_data_must_hold_a_groups_mapping():
    with pytest.raises(ValueError, match="'groups' mapping"):
        read_yaml_data({"Atlassian": {"groups": ["Design"]}})
    with pytest.raises(ValueError, match="unknown top-level keys extra"):
        read_yaml_data({"groups": {}, "extra": 1})

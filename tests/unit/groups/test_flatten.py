"""Unit tests of the flattening core: effective members, cycles, depth, lost memberships, Google Workspace."""

import random

import networkx as nx
import pytest

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._groups.flatten import (
    CycleError,
    NestedGroups,
    flatten,
    strongly_connected_components,
)

SEED = {
    "Atlassian": {"users": ["ceo"], "groups": ["Design", "Engineering", "Grads"]},
    "Design": {"users": ["dana"]},
    "Engineering": {"users": ["erin"], "groups": ["Backend", "Frontend"]},
    "Grads": {"users": ["gus", "erin"]},
    "Backend": {"users": ["bob"], "groups": ["Platform"]},
    "Frontend": {"users": ["fay"], "groups": ["Platform"]},
    "Platform": {"users": ["pat"]},
}


def test_seed_example_every_member_of_a_nested_group_is_in_each_ancestor():
    result = flatten(NestedGroups.from_mapping(SEED))
    flat = result.flat()
    assert flat["Atlassian"] == ["bob", "ceo", "dana", "erin", "fay", "gus", "pat"]
    assert flat["Engineering"] == ["bob", "erin", "fay", "pat"]
    assert flat["Backend"] == ["bob", "pat"]
    assert flat["Platform"] == ["pat"]
    assert result.cycles == []


def test_lost_memberships_are_the_inherited_ones_per_group_and_per_user():
    result = flatten(NestedGroups.from_mapping(SEED))
    by_group = result.lost_by_group()
    assert by_group["Atlassian"] == ["bob", "dana", "erin", "fay", "gus", "pat"]
    assert "Platform" not in by_group and "Design" not in by_group
    by_user = result.lost_by_user()
    # the diamond (Backend and Frontend both nest Platform) gives pat each ancestor once
    assert by_user["pat"] == ["Atlassian", "Backend", "Engineering", "Frontend"]
    assert by_user["erin"] == ["Atlassian"]
    assert "ceo" not in by_user


def test_depth_statistics_count_the_longest_chain_below_each_group():
    depth = flatten(NestedGroups.from_mapping(SEED)).depth()
    assert depth["max"] == 3
    assert depth["deepest_groups"] == ["Atlassian"]
    assert depth["histogram"] == {0: 3, 1: 2, 2: 1, 3: 1}
    assert depth["top_level_groups"] == 1


def test_counts_report_direct_and_effective_memberships():
    counts = flatten(NestedGroups.from_mapping(SEED)).counts()
    assert counts["groups"] == 7
    assert counts["users"] == 7
    assert counts["direct_memberships"] == 8
    assert counts["effective_memberships"] == 7 + 4 + 2 + 2 + 1 + 1 + 2
    assert counts["inherited_memberships"] == counts["effective_memberships"] - 8
    assert counts["nesting_links"] == 7


CYCLIC = {
    "A": {"users": ["a"], "groups": ["B"]},
    "B": {"users": ["b"], "groups": ["C"]},
    "C": {"users": ["c"], "groups": ["A", "D"]},
    "D": {"users": ["d"]},
    "Top": {"groups": ["B"]},
}


def test_cycle_fails_by_default_naming_the_path():
    with pytest.raises(CycleError) as caught:
        flatten(NestedGroups.from_mapping(CYCLIC))
    assert "A -> B -> C -> A" in str(caught.value)
    assert caught.value.cycles == [{"path": ["A", "B", "C", "A"], "groups": ["A", "B", "C"]}]


def test_cycle_merge_gives_every_group_of_the_cycle_the_union():
    result = flatten(NestedGroups.from_mapping(CYCLIC), on_cycle="merge")
    flat = result.flat()
    assert flat["A"] == flat["B"] == flat["C"] == ["a", "b", "c", "d"]
    assert flat["Top"] == ["a", "b", "c", "d"]
    assert flat["D"] == ["d"]
    assert result.cycles[0]["path"] == ["A", "B", "C", "A"]
    assert result.depth()["max"] == 2


def test_self_membership_is_ignored_and_undefined_nested_groups_are_empty():
    data = {"Empty": {"users": [], "groups": ["Empty"]}, "P": {"users": ["x"], "groups": ["Ghost"]}}
    flat = flatten(NestedGroups.from_mapping(data)).flat()
    assert flat == {"Empty": [], "Ghost": [], "P": ["x"]}


def test_unknown_on_cycle_and_malformed_input_are_rejected_with_the_reason():
    with pytest.raises(ValueError, match="on_cycle"):
        flatten(NestedGroups.from_mapping(SEED), on_cycle="ignore")
    with pytest.raises(ValueError, match="unknown keys members"):
        NestedGroups.from_mapping({"G": {"members": ["x"]}})
    with pytest.raises(ValueError, match="users must be a list"):
        NestedGroups.from_mapping({"G": {"users": "alice"}})


def test_google_workspace_lists_parents_nested_groups_and_what_a_selection_misses():
    report = flatten(NestedGroups.from_mapping(SEED)).google_workspace(["Engineering", "Nope"])
    assert report["parent_groups"] == ["Atlassian", "Backend", "Engineering", "Frontend"]
    assert report["nested_groups"] == ["Backend", "Design", "Engineering", "Frontend", "Grads", "Platform"]
    assert report["missing_from_selection"] == ["Atlassian", "Backend", "Frontend", "Platform"]
    assert report["unknown_selected_groups"] == ["Nope"]


def test_deep_chain_does_not_hit_the_recursion_limit():
    depth = 3000  # well past the default recursion limit of 1000
    data = dict(("g%05d" % i, {"users": ["u%05d" % i], "groups": ["g%05d" % (i + 1)]}) for i in range(depth))
    result = flatten(NestedGroups.from_mapping(data))
    assert result.depth()["max"] == depth
    assert len(result.flat()["g00000"]) == depth


def test_tarjan_components_come_in_reverse_topological_order():
    children = [(1,), (2,), (0, 3), (), (3,)]
    components = strongly_connected_components(children)
    assert sorted(map(sorted, components)) == [[0, 1, 2], [3], [4]]
    position = dict((node, i) for i, comp in enumerate(components) for node in comp)
    assert position[3] < position[0]


@pytest.mark.parametrize("seed", range(5))
def test_random_graphs_match_the_networkx_transitive_closure(seed):
    rng = random.Random(seed)
    groups = ["g%d" % i for i in range(60)]
    data = {}
    for name in groups:
        data[name] = {
            "users": rng.sample(["u%d" % i for i in range(40)], rng.randint(0, 4)),
            "groups": rng.sample(groups, rng.randint(0, 3)),
        }
    result = flatten(NestedGroups.from_mapping(data), on_cycle="merge")
    graph = nx.DiGraph()
    graph.add_nodes_from(groups)
    graph.add_edges_from((g, c) for g, spec in data.items() for c in spec["groups"] if c != g)
    flat = result.flat()
    for name in groups:
        expected = set(data[name]["users"])
        for below in nx.descendants(graph, name):
            expected.update(data[below]["users"])
        assert flat[name] == sorted(expected), name
    assert len(result.cycles) == sum(1 for c in nx.strongly_connected_components(graph) if len(c) > 1)


def test_groups_sharing_a_member_set_get_independent_lists():
    flat = flatten(NestedGroups.from_mapping({"Outer": {"groups": ["Inner"]}, "Inner": {"users": ["x"]}})).flat()
    flat["Outer"].append("y")
    assert flat["Inner"] == ["x"]

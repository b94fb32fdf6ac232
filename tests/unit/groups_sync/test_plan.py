"""Unit tests of the sync plan: creates, adds and removes from (flat source, current cloud)."""

import pytest

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._groups_sync.plan import plan_sync

DESIRED = {"Atlassian": ["a", "b", "c"], "Design": ["a"], "New": ["c"]}
CURRENT = {"Atlassian": ["a", "x", "y"], "Design": ["a"], "CloudOnly": ["z"]}


def test_plan_creates_missing_groups_and_adds_missing_members():
    plan = plan_sync(DESIRED, CURRENT)
    assert plan.create_groups == ["New"]
    assert plan.add == {"Atlassian": ["b", "c"], "New": ["c"]}
    assert plan.counts() == {"groups_to_create": 1, "memberships_to_add": 3, "memberships_to_remove": 0}


def test_without_prune_only_members_the_collection_put_there_are_removed():
    plan = plan_sync(DESIRED, CURRENT, managed={"Atlassian": ["x"]})
    assert plan.remove == {"Atlassian": ["x"]}


def test_prune_removes_every_member_the_source_does_not_have_and_leaves_other_groups_alone():
    plan = plan_sync(DESIRED, CURRENT, prune=True)
    assert plan.remove == {"Atlassian": ["x", "y"]}
    assert "CloudOnly" not in plan.add and "CloudOnly" not in plan.remove


def test_plan_after_applying_it_is_empty():
    current = {group: list(members) for group, members in CURRENT.items()}
    plan = plan_sync(DESIRED, current, prune=True)
    for group in plan.create_groups:
        current[group] = []
    for group, members in plan.add.items():
        current[group] = sorted(set(current[group]) | set(members))
    for group, members in plan.remove.items():
        current[group] = sorted(set(current[group]) - set(members))
    again = plan_sync(DESIRED, current, prune=True)
    assert again.empty
    assert list(again.batches(10)) == []


def test_batches_split_each_group_and_op_into_bounded_chunks():
    plan = plan_sync({"G": ["u%02d" % i for i in range(5)]}, {"G": ["old"]}, prune=True)
    assert list(plan.batches(2)) == [
        ("G", "add", ["u00", "u01"]), ("G", "add", ["u02", "u03"]), ("G", "add", ["u04"]), ("G", "remove", ["old"]),
    ]
    with pytest.raises(ValueError):
        list(plan.batches(0))

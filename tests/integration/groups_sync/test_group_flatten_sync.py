"""group_flatten state=synced: a nested YAML source flattened and synced to the sandbox's cloud directory over
HTTPS, through SCIM (batched PATCH) and the organizations API; writes proportional to the differences, zero on a
rerun, check mode predicting without writing, and members the sync did not put there kept without prune."""

import math

from groups_sync.cloud_directory import MARKER, cloud_groups, seed_directory, writes

from ansible_collections.dcops.atlassian_cloud.plugins.modules import group_flatten

NESTED = {
    "groups": {
        "Atlassian": {"users": ["ceo"], "groups": ["Design", "Engineering"]},
        "Design": {"users": ["dana", "eve"]},
        "Engineering": {"users": ["erin"], "groups": ["Backend"]},
        "Backend": {"users": ["bob", "fred@example.com"]},
    },
    # ceo has no email: reported as unusable, not synced. fred is a member given by email.
    "users": {"dana": {"email": "Dana@Example.com"}, "eve": {"email": "eve@example.com"},
              "erin": {"email": "erin@example.com"}, "bob": {"email": "bob@example.com"}},
}
CLOUD_USERS = ["dana@example.com", "eve@example.com", "erin@example.com", "bob@example.com", "fred@example.com",
               "root@example.com"]
EXPECTED = {
    "Atlassian": ["bob@example.com", "dana@example.com", "erin@example.com", "eve@example.com", "fred@example.com"],
    "Backend": ["bob@example.com", "fred@example.com"],
    "Design": ["dana@example.com", "eve@example.com"],
    # Engineering exists in the cloud, unmarked, with a member an admin added: the sync only adds to it.
    "Engineering": ["bob@example.com", "erin@example.com", "fred@example.com", "root@example.com"],
}


def flatten_args(sandbox, **extra):
    return dict(sandbox.scim_params(), source="yaml", yaml_data=NESTED, state="synced", target="scim") | extra


def seed(sandbox):
    seed_directory(sandbox, users=CLOUD_USERS, groups=[("Engineering", ["root@example.com"], {"scim": True})])


def test_check_mode_predicts_the_first_sync_which_batches_and_a_rerun_writes_nothing(sandbox, run_module):
    seed(sandbox)
    predicted = run_module(group_flatten, flatten_args(sandbox, batch_size=2), check_mode=True, diff=True)
    assert writes(sandbox) == []
    assert cloud_groups(sandbox) == {"Engineering": ["root@example.com"]}
    assert predicted["changed"] is True
    assert predicted["diff"]["before"] == {"Engineering": ["root@example.com"]}
    assert predicted["diff"]["after"] == EXPECTED

    result = run_module(group_flatten, flatten_args(sandbox, batch_size=2), diff=True)
    assert result["changed"] is True
    assert cloud_groups(sandbox) == EXPECTED
    # the flatten results are all there, the sync's are under "sync"
    assert result["flat"]["Atlassian"] == ["bob", "ceo", "dana", "erin", "eve", "fred@example.com"]
    assert result["lost_memberships"]["by_user"]["bob"] == ["Atlassian", "Engineering"]
    assert result["summary"]["groups"] == 4
    sync = result["sync"]
    assert sync["target"] == "scim"
    assert sorted(sync["groups_created"]) == ["Atlassian", "Backend", "Design"]
    assert sync["unusable_members"] == [{"group": "Atlassian", "member": "ceo", "reason": "no email"}]
    assert sync["kept"] == {"Engineering": ["root@example.com"]}
    assert sync["removed"] == {}
    assert result["diff"] == predicted["diff"]
    for key in ("groups_created", "added", "removed", "kept", "missing_in_cloud", "unusable_members"):
        assert sorted(sync[key]) == sorted(predicted["sync"][key]), key

    added = sync["added"]
    assert added["Engineering"] == ["bob@example.com", "erin@example.com", "fred@example.com"]
    # one POST per new group, one PATCH per batch of 2 members
    made = writes(sandbox)
    assert [(e["method"], e["path"].rsplit("/", 1)[-1]) for e in made if e["method"] == "POST"] == [("POST", "Groups")] * 3
    patches = [e for e in made if e["method"] == "PATCH"]
    assert len(patches) == sum(math.ceil(len(members) / 2) for members in added.values())
    assert len(made) == 3 + len(patches) == sync["summary"]["write_calls"]

    sandbox.clear_log()
    again = run_module(group_flatten, flatten_args(sandbox, batch_size=2), diff=True)
    assert again["changed"] is False
    assert writes(sandbox) == []
    assert again["sync"]["summary"]["write_calls"] == 0
    assert again["diff"] == {"before": {}, "after": {}}


def test_a_source_change_writes_only_the_difference_and_keeps_foreign_members(sandbox, run_module):
    seed(sandbox)
    run_module(group_flatten, flatten_args(sandbox))
    sandbox.clear_log()

    # eve leaves Design; erin leaves Engineering (unmarked: without prune only the sync's own groups lose members)
    changed = {"groups": dict(NESTED["groups"], Design={"users": ["dana"]}, Engineering={"groups": ["Backend"]}),
               "users": NESTED["users"]}
    result = run_module(group_flatten, flatten_args(sandbox, yaml_data=changed))
    assert result["changed"] is True
    assert result["sync"]["removed"] == {"Atlassian": ["erin@example.com", "eve@example.com"],
                                         "Design": ["eve@example.com"]}
    assert result["sync"]["kept"] == {"Engineering": ["erin@example.com", "root@example.com"]}
    assert [e["method"] for e in writes(sandbox)] == ["PATCH", "PATCH"]
    got = cloud_groups(sandbox)
    assert got["Engineering"] == EXPECTED["Engineering"]
    assert got["Design"] == ["dana@example.com"]

    pruned = run_module(group_flatten, flatten_args(sandbox, yaml_data=changed, prune=True))
    assert pruned["sync"]["removed"] == {"Engineering": ["erin@example.com", "root@example.com"]}
    assert cloud_groups(sandbox)["Engineering"] == ["bob@example.com", "fred@example.com"]


def test_groups_api_target_syncs_with_one_write_per_membership(sandbox, run_module):
    seed_directory(sandbox, users=CLOUD_USERS, groups=[("Design", ["root@example.com"], {"description": MARKER})])
    args = dict(sandbox.cloud_params(), directory_id=sandbox.persona("cloud")["directory_id"], source="yaml",
                yaml_data=NESTED, state="synced", target="groups_api", report=["lost_by_group"])
    # Design's only member goes: more than the default max_removal_share, so the removal must be confirmed.
    refused = run_module(group_flatten, args)
    assert refused["failed"] and refused["removals_over_limit"] == {"Design": ["root@example.com"]}
    assert writes(sandbox) == []
    args["confirm_removals"] = True
    result = run_module(group_flatten, args)
    assert result["changed"] is True
    assert "flat" not in result and result["lost_memberships"]["by_group"]["Atlassian"]
    sync = result["sync"]
    assert sync["target"] == "groups_api"
    assert sync["removed"] == {"Design": ["root@example.com"]}  # a managed group: the sync owns its members
    memberships = sum(len(m) for m in sync["added"].values()) + 1
    assert sync["summary"]["write_calls"] == len(sync["groups_created"]) + memberships == len(writes(sandbox))
    assert cloud_groups(sandbox) == dict(EXPECTED, Engineering=EXPECTED["Engineering"][:-1])

    sandbox.clear_log()
    assert run_module(group_flatten, args)["changed"] is False
    assert writes(sandbox) == []


def test_a_failed_write_fails_with_the_flatten_result_and_what_was_written(sandbox, run_module):
    seed(sandbox)
    sandbox.fault("cloud", path=r"/Groups/[^/]+$", method="PATCH", status=500, calls=[1])
    failed = run_module(group_flatten, flatten_args(sandbox))
    assert failed["failed"] is True and failed["changed"] is True
    assert "stopped part-way" in failed["msg"]
    assert failed["flat"]["Design"] == ["dana", "eve"]
    assert sorted(failed["sync"]["groups_created"]) == ["Atlassian", "Backend", "Design"]
    assert failed["sync"]["added"] == {}

    assert run_module(group_flatten, flatten_args(sandbox))["changed"] is True
    assert cloud_groups(sandbox) == EXPECTED

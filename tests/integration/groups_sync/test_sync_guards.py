"""Nothing lost by a typo: an unknown nested group reference is an error, and a sync that would empty a group
stops with the list of members unless confirmed (issue: `Eng: {groups: [Backend, Frontnd]}`)."""

from groups_sync.cloud_directory import MARKER, cloud_groups, seed_directory, writes

from ansible_collections.dcops.atlassian_cloud.plugins.modules import group_flatten

FRONTEND = ["fay@example.com", "finn@example.com", "flo@example.com"]
TYPO = {"groups": {"Eng": {"groups": ["Backend", "Frontnd"]}, "Backend": {"users": ["bob@example.com"]},
                   "Frontend": {"users": FRONTEND}}}


def args(sandbox, **extra):
    return dict(sandbox.scim_params(), source="yaml", yaml_data=TYPO, state="synced", target="scim") | extra


def seed(sandbox):
    seed_directory(sandbox, users=FRONTEND + ["bob@example.com"],
                   groups=[("Eng", FRONTEND + ["bob@example.com"], {"scim": True, "external_id": MARKER}),
                           ("Frontend", FRONTEND, {"scim": True, "external_id": MARKER}),
                           ("Backend", ["bob@example.com"], {"scim": True, "external_id": MARKER})])


def test_unknown_nested_group_is_an_error_and_nothing_is_written(sandbox, run_module):
    seed(sandbox)
    before = cloud_groups(sandbox)
    for check_mode in (True, False):
        result = run_module(group_flatten, args(sandbox), check_mode=check_mode)
        assert result["failed"] and "Eng -> Frontnd" in result["msg"] and "allow_unknown_groups" in result["msg"]
    assert writes(sandbox) == [] and cloud_groups(sandbox) == before


def test_a_sync_that_would_empty_most_of_a_group_stops_with_the_list(sandbox, run_module):
    seed(sandbox)
    before = cloud_groups(sandbox)
    for check_mode in (True, False):
        result = run_module(group_flatten, args(sandbox, allow_unknown_groups=True), check_mode=check_mode)
        assert result["failed"] and result["removals_over_limit"] == {"Eng": FRONTEND}
        assert "3 of 4" in result["msg"] and "confirm_removals" in result["msg"]
    assert writes(sandbox) == [] and cloud_groups(sandbox) == before

    confirmed = run_module(group_flatten, args(sandbox, allow_unknown_groups=True, confirm_removals=True))
    assert confirmed["changed"] and cloud_groups(sandbox)["Eng"] == ["bob@example.com"]

"""group_sync against the sandbox's SCIM and organizations API over HTTPS: pagination at 100 a page, batched
PATCH writes proportional to the differences, 429 with backoff, and a failure part-way whose rerun converges."""

import math
import time

import pytest

from groups_sync.cloud_directory import MARKER, USERS, cloud_groups, seed_directory, writes

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.client import ApiClient
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._groups_sync.targets import ScimTarget
from ansible_collections.dcops.atlassian_cloud.plugins.modules import group_sync


def scim_args(sandbox, groups, **extra):
    return dict(sandbox.scim_params(), groups=groups, **extra)


DESIRED = {"eng": USERS[:230], "all-staff": USERS, "ops": USERS[240:245]}


def test_scim_sync_creates_pages_batches_and_reruns_with_zero_writes(sandbox, run_module):
    seed_directory(sandbox)
    result = run_module(group_sync, scim_args(sandbox, DESIRED))
    assert result["changed"] is True
    assert sorted(result["groups_created"]) == ["all-staff", "eng", "ops"]
    got = cloud_groups(sandbox)
    for name, members in DESIRED.items():
        assert got[name] == sorted(members)
    log = sandbox.log("cloud")
    user_pages = [int(e["query"]["startIndex"]) for e in log if e["path"].endswith("/Users")]
    assert user_pages == [1, 101, 201]
    assert all(e["query"]["count"] == "100" for e in log if e["path"].endswith("/Users"))
    patches = [e for e in log if e["method"] == "PATCH"]
    assert len(patches) == sum(math.ceil(len(m) / 100) for m in DESIRED.values())
    assert result["summary"]["write_calls"] == 3 + len(patches)

    sandbox.clear_log()
    again = run_module(group_sync, scim_args(sandbox, DESIRED))
    assert again["changed"] is False
    assert writes(sandbox) == []
    assert again["summary"]["write_calls"] == 0


def test_removals_only_in_managed_groups_unless_prune(sandbox, run_module):
    seed_directory(sandbox, users=USERS[:20], groups=[
        ("eng", USERS[:10], {"scim": True, "external_id": MARKER}),
        ("site-admins", USERS[:3], {"description": "kept by hand"}),
    ])
    desired = {"eng": USERS[:5] + USERS[15:17], "site-admins": [USERS[0], USERS[19]]}
    result = run_module(group_sync, scim_args(sandbox, desired, batch_size=4), diff=True)
    assert result["diff"]["before"]["eng"] == sorted(USERS[:10])
    assert result["diff"]["after"] == {"eng": sorted(desired["eng"]), "site-admins": sorted(USERS[:3] + [USERS[19]])}
    assert result["removed"] == {"eng": sorted(USERS[5:10])}
    assert result["added"] == {"eng": sorted(USERS[15:17]), "site-admins": [USERS[19]]}
    assert result["kept"] == {"site-admins": sorted(USERS[1:3])}
    # batch_size=4 bounds each PATCH: eng's 2 additions in one, its 5 removals in 4 + 1, site-admins' one
    assert len(writes(sandbox)) == 4, "one PATCH per batch of at most 4 member operations"
    got = cloud_groups(sandbox)
    assert got["eng"] == sorted(desired["eng"])
    assert got["site-admins"] == sorted([USERS[0], USERS[1], USERS[2], USERS[19]])

    pruned = run_module(group_sync, scim_args(sandbox, desired, prune=True))
    assert pruned["removed"] == {"site-admins": sorted(USERS[1:3])}
    assert cloud_groups(sandbox)["site-admins"] == sorted(desired["site-admins"])


def test_check_mode_reports_the_plan_and_writes_nothing(sandbox, run_module):
    seed_directory(sandbox, users=USERS[:5])
    result = run_module(group_sync, scim_args(sandbox, {"eng": USERS[:5] + ["ghost@example.com", "nomail"]}),
                        check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["groups_created"] == ["eng"]
    assert result["added"] == {"eng": sorted(USERS[:5])}
    assert result["missing_in_cloud"] == ["ghost@example.com"]
    assert result["unusable_members"] == [{"group": "eng", "member": "nomail", "reason": "no email"}]
    assert result["diff"] == {"before": {}, "after": {"eng": sorted(USERS[:5])}}
    assert writes(sandbox) == []
    assert "eng" not in cloud_groups(sandbox)


def test_rate_limits_are_waited_out(sandbox, run_module):
    seed_directory(sandbox)
    sandbox.fault("cloud", path=r"/Users$", status=429, headers={"Retry-After": "0.2"}, calls=[2])
    sandbox.fault("cloud", path=r"/Groups/[^/]+$", method="PATCH", status=429, headers={"Retry-After": "0.2"},
                  calls=[1, 2])
    result = run_module(group_sync, scim_args(sandbox, DESIRED))
    assert result["changed"] is True
    got = cloud_groups(sandbox)
    assert all(got[name] == sorted(members) for name, members in DESIRED.items())
    statuses = [e["status"] for e in sandbox.log("cloud") if e["method"] == "PATCH"]
    assert statuses[:3] == [429, 429, 200]


@pytest.mark.parametrize("fault", [
    {"kind": "status", "status": 500},
    # the server applies the PATCH after the client gave up waiting: the answer is lost, the write is not
    {"kind": "slow", "delay": 2.0},
], ids=["error", "lost-answer"])
def test_failure_mid_batch_then_rerun_converges_without_loss_or_duplicates(sandbox, run_module, fault):
    seed_directory(sandbox)
    sandbox.fault("cloud", path=r"/Groups/[^/]+$", method="PATCH", calls=[4], **fault)
    failed = run_module(group_sync, scim_args(sandbox, DESIRED, timeout=1.0))
    assert failed["failed"] is True
    assert "stopped part-way" in failed["msg"]
    assert failed["changed"] is True
    partial = cloud_groups(sandbox)
    assert any(partial.get(name) != sorted(members) for name, members in DESIRED.items())
    if fault["kind"] == "slow":
        time.sleep(fault["delay"])  # let the abandoned PATCH land before the rerun reads

    rerun = run_module(group_sync, scim_args(sandbox, DESIRED))
    assert rerun["changed"] is True
    got = cloud_groups(sandbox)
    for name, members in DESIRED.items():
        assert got[name] == sorted(members)
    sandbox.clear_log()
    assert run_module(group_sync, scim_args(sandbox, DESIRED))["changed"] is False
    assert writes(sandbox) == []


def test_groups_api_target_adds_removes_and_skips_idp_synced_groups(sandbox, run_module):
    seed_directory(sandbox, users=USERS[:8], groups=[
        ("okta-admins", USERS[:2], {"scim": True}),
        ("designers", USERS[:4], {"description": MARKER}),
    ])
    desired = {"designers": USERS[2:6], "okta-admins": USERS[:3], "new-team": USERS[6:8]}
    args = dict(sandbox.cloud_params(), directory_id=sandbox.persona("cloud")["directory_id"], target="groups_api",
                groups=desired)
    result = run_module(group_sync, args)
    assert result["groups_created"] == ["new-team"]
    assert result["added"] == {"designers": sorted(USERS[4:6]), "new-team": sorted(USERS[6:8])}
    assert result["removed"] == {"designers": sorted(USERS[:2])}
    assert [s["group"] for s in result["skipped_groups"]] == ["okta-admins"]
    # one write per membership change plus the group creation
    assert result["summary"]["write_calls"] == 1 + 2 + 2 + 2
    got = cloud_groups(sandbox)
    assert got["designers"] == sorted(desired["designers"]) and got["new-team"] == sorted(desired["new-team"])
    assert got["okta-admins"] == sorted(USERS[:2])

    sandbox.clear_log()
    assert run_module(group_sync, args)["changed"] is False
    assert writes(sandbox) == []


def test_group_names_match_case_insensitively_and_a_lost_create_answer_is_recovered(sandbox, run_module):
    seed_directory(sandbox, users=USERS[:4], groups=[("Engineering", USERS[:1], {"scim": True, "external_id": MARKER})])
    result = run_module(group_sync, scim_args(sandbox, {"engineering": USERS[:2]}))
    assert result["groups_created"] == [] and result["added"] == {"Engineering": [USERS[1]]}

    # The directory already has the group although the sync did not see it: POST answers 409 and the sync
    # looks the group up instead of failing.
    target = ScimTarget(client_for(sandbox), sandbox.persona("cloud")["directory_id"], MARKER)
    group = target.create_group("ENGINEERING")
    assert group.name == "Engineering" and group.managed and len(group.members) == 2


def test_sandbox_scim_accepts_both_rfc7644_removal_forms_and_caps_pages(sandbox):
    seed_directory(sandbox, users=USERS[:150], groups=[("g", USERS[:3], {"scim": True})])
    client = client_for(sandbox)
    path = {"directory_id": sandbox.persona("cloud")["directory_id"]}
    page = client.call("scim.users", path, params={"startIndex": 1, "count": 500}).json()
    assert page["itemsPerPage"] == 100 and page["totalResults"] == 150
    group = client.call("scim.groups", path, params={"filter": 'displayName eq "g"'}).json()["Resources"][0]
    ids = [m["value"] for m in group["members"]]
    patch = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [
        {"op": "remove", "path": f'members[value eq "{ids[0]}"]'},
        {"op": "remove", "path": "members", "value": [{"value": ids[1]}]}]}
    answer = client.call("scim.groups.patch", dict(path, group_id=group["id"]), json=patch).json()
    assert [m["value"] for m in answer["members"]] == ids[2:]
    conflict = client.call("scim.groups.create", path, json={"displayName": "G"}, allow=(409,))
    assert conflict.status_code == 409
    assert conflict.headers["Content-Type"].startswith("application/scim+json")


def client_for(sandbox):
    cloud = sandbox.persona("cloud")
    return ApiClient(cloud["url"], auth=("bearer", cloud["directory_api_key"]), ca_path=sandbox.ca_path)

"""org_info against the sandbox's organizations API over HTTPS, including the degraded auth-policy list."""

from atlassian_sandbox.areas.org_directory import initial_state, make_group, make_user

from ansible_collections.dcops.atlassian_cloud.plugins.modules import org_info


def test_org_facts_with_group_member_counts_over_several_pages(sandbox, run_module):
    state = initial_state(None)
    state["users"] = [make_user(f"u{i}@example.com") for i in range(3)]
    ids = [u["accountId"] for u in state["users"]]
    state["groups"] = [make_group(f"team-{i:03d}", ids[: i % 4]) for i in range(130)]
    state["groups"].append(make_group("okta-admins", ids, scim=True))
    sandbox.seed("cloud", "org_directory", state)

    result = run_module(org_info, sandbox.cloud_params())
    assert result["changed"] is False
    assert result["org"] == {"id": sandbox.persona("cloud")["org_id"], "name": "Sandbox Org"}
    assert [d["id"] for d in result["directories"]] == [sandbox.persona("cloud")["directory_id"]]
    domains = [(d["name"], d["status"]) for d in result["domains"]]
    assert domains == [("example.com", "VERIFIED"), ("example.org", "PENDING")]
    counts = {g["name"]: g["members"] for g in result["groups"]}
    assert len(counts) == 131 and counts["team-003"] == 3 and counts["team-004"] == 0
    assert [g["name"] for g in result["groups"] if g["external_synced"]] == ["okta-admins"]
    searches = [e for e in sandbox.log("cloud") if e["path"].endswith("/groups/search")]
    assert len(searches) == 2  # 131 groups in pages of 100, no per-group reads
    assert isinstance(result["auth_policies"], list) and result["auth_policies"]


def test_auth_policies_degrade_to_null_with_a_warning(sandbox, run_module):
    sandbox.fault("cloud", path=r"/auth-policies$", method="GET", status=404,
                  body={"code": 404, "message": "Not Found"})
    result = run_module(org_info, dict(sandbox.cloud_params(), gather=["auth_policies", "domains"]))
    assert result["auth_policies"] is None
    assert "UI-internal (cloud.auth_policy.list)" in str(result["warnings"])
    assert "groups" not in result and result["domains"]


def test_wrong_key_fails_without_showing_it(sandbox, run_module):
    result = run_module(org_info, dict(sandbox.cloud_params(), api_key="not-the-key"))
    assert result["failed"] is True and result["status"] == 401
    assert "not-the-key" not in result["msg"]

"""No public API shows the organization's subscriptions, so a missing Atlassian Guard Standard shows up as the
product refusing the call: the modules that need Guard translate that refusal into what is needed instead of the
bare HTTP status (the refusals are injected as the product's answers: 403, and 401 for a SCIM key)."""

from groups_sync.cloud_directory import seed_directory

from ansible_collections.dcops.atlassian_cloud.plugins.modules import auth_policy, auth_policy_members, group_sync


def test_a_refused_scim_sync_says_it_needs_guard_standard(sandbox, run_module):
    seed_directory(sandbox, users=["alice@example.com"])
    for status in (403, 401):
        sandbox.reset()
        sandbox.fault("cloud", path="/scim/directory/.*/Users", method="GET", status=status, times=1)
        result = run_module(group_sync, dict(sandbox.scim_params(), groups={"engineering": ["alice@example.com"]},
                                             target="scim", retry_max_time=0))
        assert result["failed"]
        assert result["msg"].startswith("SCIM user provisioning (target scim) needs Atlassian Guard Standard"), result["msg"]
        assert "HTTP %d" % status in result["msg"] and "\n" not in result["msg"]
        assert ("key is wrong or revoked" in result["msg"]) == (status == 401)


def test_a_refused_policy_write_says_it_needs_guard_standard(sandbox, run_module):
    sandbox.fault("cloud", path="/admin/control/v1/orgs/.*/auth-policies", method="POST", status=403, times=1)
    created = run_module(auth_policy, dict(sandbox.cloud_params(), name="Contractors"))
    assert created["failed"] and "needs Atlassian Guard Standard" in created["msg"], created["msg"]
    sandbox.reset()
    assert run_module(auth_policy, dict(sandbox.cloud_params(), name="Contractors"))["changed"]
    sandbox.fault("cloud", path="/admin/control/v1/orgs/.*/add-users", method="POST", status=403, times=1)
    placed = run_module(auth_policy_members, dict(sandbox.cloud_params(), policy="Contractors",
                                                  members=["alice@example.com"]))
    assert placed["failed"] and "needs Atlassian Guard Standard" in placed["msg"], placed["msg"]
    assert "Stopped placing members" in placed["msg"]


def test_other_errors_are_not_blamed_on_guard(sandbox, run_module):
    sandbox.fault("cloud", path="/scim/directory/.*/Users", method="GET", status=500, times=10)
    result = run_module(group_sync, dict(sandbox.scim_params(), groups={"engineering": ["alice@example.com"]},
                                         target="scim", retry_max_time=0))
    assert result["failed"] and "Guard" not in result["msg"]

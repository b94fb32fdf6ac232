"""auth_policy_members: adding members to a policy that enforces SSO runs the lockout guard auth_policy runs when it
switches SSO on (check mode refuses as the real run does, nothing written), and moves between policies of two
directories are counted and named."""

from checkmode.harness import assert_both_refuse
from auth_policy.ap_support import area_state, policy_of, writes

SSO = {"enforced": True, "provider": "saml"}


def _sso_policy(run_module):
    assert run_module("auth_policy", connection="cloud", name="Employees SSO", settings={"sso": SSO})["changed"]


def _placements(sandbox):
    return sorted((a["email"], a["policy"]) for a in area_state(sandbox)["accounts"].values())


def test_members_the_idp_does_not_know_are_refused_from_an_sso_policy(run_module, sandbox):
    _sso_policy(run_module)
    # frank is not linked to the identity provider (the sandbox's initial accounts), alice is
    members = ["alice@example.com", "frank@example.com"]
    assert_both_refuse(lambda check: run_module("auth_policy_members", connection="cloud", check_mode=check, policy="Employees SSO",
                                                members=members),
                       lambda: _placements(sandbox),
                       "Employees SSO enforces SSO and 1 member(s) being added are not known to the identity provider")
    refused = run_module("auth_policy_members", connection="cloud", policy="Employees SSO", members=members)
    assert refused["lockout_risk"] == [{"policy": "Employees SSO", "count": 1, "sample": ["frank@example.com"]}]
    assert "allow_lockout=true" in refused["msg"]
    assert writes(sandbox) == []

    known = run_module("auth_policy_members", connection="cloud", policy="Employees SSO", members=["alice@example.com"])
    assert known["changed"] and known["lockout_risk"] == []
    assert policy_of(sandbox, "alice@example.com") == "Employees SSO"

    forced = run_module("auth_policy_members", connection="cloud", policy="Employees SSO", members=members, allow_lockout=True)
    assert forced["changed"] and forced["lockout_risk"][0]["sample"] == ["frank@example.com"]
    assert policy_of(sandbox, "frank@example.com") == "Employees SSO"


def test_without_the_policy_list_the_guard_says_it_did_not_run(run_module, sandbox):
    _sso_policy(run_module)
    policy_id = next(p["id"] for p in area_state(sandbox)["policies"].values() if p["name"] == "Employees SSO")
    result = run_module("auth_policy_members", connection="cloud", check_mode=True, policy=policy_id, members=["frank@example.com"])
    assert result["changed"] and result["lockout_risk"] == []
    assert any("lockout guard did not run" in w for w in result["warnings"])


def test_moves_to_a_policy_of_another_directory_are_counted(run_module, sandbox):
    assert run_module("auth_policy", connection="cloud", name="Contractors")["changed"]
    assert run_module("auth_policy", connection="cloud", name="Employees")["changed"]
    run_module("auth_policy_members", connection="cloud", policy="Contractors", members=["carol@example.com"])
    state = area_state(sandbox)
    for policy in state["policies"].values():
        policy["directoryId"] = "dir-contractors" if policy["name"] == "Contractors" else "dir-staff"
    sandbox.seed("cloud", "auth_policies", state)

    result = run_module("auth_policy_members", connection="cloud", policy="Employees", members=["carol@example.com", "bob@example.com"])
    assert result["changed"] and result["cross_directory_moves"] == 1
    assert any("1 member(s) move to a policy of another directory: carol@example.com" in w for w in result["warnings"])
    assert policy_of(sandbox, "carol@example.com") == "Employees"

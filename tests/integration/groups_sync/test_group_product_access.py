"""group_product_access against the sandbox's organizations API: group role assignments read before they are
written, the billing change (who starts counting) and the users left without product access, identical in check
mode and the real run (the check-versus-real harness), the billing limit refused before any write, and revoking."""

from checkmode.harness import assert_both_refuse, assert_check_predicts_real, assert_converged
from groups_sync.cloud_directory import seed_directory

from atlassian_sandbox.areas.org_directory import CONFLUENCE_SITE, JIRA_SITE
from ansible_collections.dcops.atlassian_cloud.plugins.modules import group_product_access

USERS = ["alice@example.com", "bob@example.com", "carol@example.com", "dave@example.com", "erin@example.com"]


def seed(sandbox):
    """jira-users (alice, bob, carol) and confluence-users (carol, dave) exist; only confluence-users has access
    (to Confluence), and alice already uses Jira through a role of her own."""
    state = seed_directory(sandbox, users=USERS, groups=[
        ("jira-users", USERS[:3], {}), ("confluence-users", USERS[2:4], {}), ("jira-admins", USERS[:1], {})])
    for group in state["groups"]:
        group["roles"] = ([{"resourceId": CONFLUENCE_SITE, "roleId": "atlassian/user"}]
                          if group["name"] == "confluence-users" else [])
    state["users"][0]["roles"] = [{"resourceId": JIRA_SITE, "roleId": "atlassian/user"}]
    sandbox.seed("cloud", "org_directory", state)


def group_roles(sandbox):
    state = sandbox.state()["cloud"]["org_directory"]
    return {g["name"]: sorted((r["resourceId"], r["roleId"]) for r in g.get("roles") or []) for g in state["groups"]}


def runner(sandbox, run_module, access, **extra):
    def run(check_mode):
        return run_module(group_product_access, dict(sandbox.cloud_params(), access=access, **extra),
                          check_mode=check_mode, diff=True)
    return run


JIRA_GRANTS = [{"group": "Jira-Users", "resource_id": JIRA_SITE},
               {"group": "jira-admins", "resource_id": JIRA_SITE, "role": "atlassian/admin"}]
FIELDS = ("assigned", "revoked", "billing", "without_product_access", "summary", "directory_id")


def test_check_mode_shows_who_starts_counting_and_the_real_run_matches(sandbox, run_module):
    seed(sandbox)
    planned, done = assert_check_predicts_real(runner(sandbox, run_module, JIRA_GRANTS), lambda: group_roles(sandbox),
                                               FIELDS)
    # bob and carol start counting on Jira; alice already has Jira access (her own role), so she does not
    assert done["billing"] == {JIRA_SITE: {"count": 2, "users": ["bob@example.com", "carol@example.com"]}}
    assert done["summary"]["users_starting_to_count"] == 2
    # erin is in no group with access; dave has Confluence through his group
    assert done["without_product_access"] == ["erin@example.com"]
    assert done["diff"]["before"] == {"jira-admins": [], "jira-users": []}
    assert done["diff"]["after"] == {"jira-admins": [JIRA_SITE + " atlassian/admin"],
                                     "jira-users": [JIRA_SITE + " atlassian/user"]}
    assert group_roles(sandbox)["jira-users"] == [(JIRA_SITE, "atlassian/user")]
    assert group_roles(sandbox)["jira-admins"] == [(JIRA_SITE, "atlassian/admin")]
    # the writes are the two documented assign calls with {resourceId, roleId}
    writes = [e for e in sandbox.log("cloud") if e["method"] == "POST" and "role-assignments" in e["path"]]
    assert [e["path"].rsplit("/", 1)[-1] for e in writes] == ["assign", "assign"]


def test_the_billing_limit_refuses_in_check_mode_as_in_the_real_run_and_nothing_is_written(sandbox, run_module):
    seed(sandbox)
    assert_both_refuse(runner(sandbox, run_module, JIRA_GRANTS, max_new_billable_users=1),
                       lambda: group_roles(sandbox), "would make 2 user(s) start counting toward the subscription")
    # the same change within the limit goes through
    assert runner(sandbox, run_module, JIRA_GRANTS, max_new_billable_users=2)(False)["changed"] is True


def test_revoking_and_a_converged_state(sandbox, run_module):
    seed(sandbox)
    revoke = [{"group": "confluence-users", "resource_id": CONFLUENCE_SITE, "state": "absent"}]
    planned, done = assert_check_predicts_real(runner(sandbox, run_module, revoke), lambda: group_roles(sandbox),
                                               FIELDS)
    assert done["revoked"] == [{"group": "confluence-users", "resource_id": CONFLUENCE_SITE, "role": "atlassian/user"}]
    assert done["billing"] == {}
    assert group_roles(sandbox)["confluence-users"] == []
    # carol and dave lost their only access with it: reported for the next run, which is converged
    assert_converged(runner(sandbox, run_module, revoke), lambda: group_roles(sandbox), FIELDS)
    again = runner(sandbox, run_module, revoke)(True)
    assert again["without_product_access"] == ["bob@example.com", "carol@example.com", "dave@example.com",
                                               "erin@example.com"]


def test_bad_inputs_are_one_line_errors(sandbox, run_module):
    seed(sandbox)
    missing = runner(sandbox, run_module, [{"group": "nobody", "resource_id": JIRA_SITE}])(False)
    assert missing["failed"] and "group(s) not found in directory" in missing["msg"] and "nobody" in missing["msg"]
    not_ari = runner(sandbox, run_module, [{"group": "jira-users", "resource_id": "jira"}])(False)
    assert not_ari["failed"] and "is not an Atlassian resource identifier" in not_ari["msg"]
    unknown_site = runner(sandbox, run_module, [{"group": "jira-users", "resource_id": "ari:cloud:jira::site/x"}])(False)
    assert unknown_site["failed"] and "HTTP 400" in unknown_site["msg"] and "\n" not in unknown_site["msg"]

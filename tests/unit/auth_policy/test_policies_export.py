"""Unit tests of policy planning and the export table (no network)."""

import pytest

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._auth_policy import export, policies
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._auth_policy.settings import SettingsConflict

BASE = {"sso": {"enforced": False, "provider": None}, "twoStepVerification": "optional", "apiTokens": "allow",
        "thirdPartyLogin": "allow", "password": {"minimumStrength": "fair", "expiryDays": None},
        "idleSessionMinutes": 43200}


def _org(guard=True, members=0):
    return policies.Org([
        {"id": "d", "name": "Default policy", "type": "billable", "isDefault": True, "memberCount": 5,
         "settings": dict(BASE)},
        {"id": "e", "name": "Employees", "type": "billable", "isDefault": False, "memberCount": members,
         "settings": dict(BASE)},
    ], guard)


def test_create_update_and_no_change_plans():
    created = policies.plan(_org(), "Bots", "present", "non_billable", {"api_tokens": "block"})
    assert created.action == "create" and created.after["type"] == "non_billable"
    assert policies.request_body(created) == {"name": "Bots", "type": "non-billable",
                                              "settings": {"apiTokens": "block"}}
    updated = policies.plan(_org(), "Employees", "present", None, {"sso": {"enforced": True, "provider": "saml"}})
    assert updated.action == "update" and updated.enforces_sso and updated.changed_fields == ["settings.sso"]
    same = policies.plan(_org(), "Employees", "present", "billable", {"idle_session": "30d"})
    assert same.action == "none" and not same.changed


def test_guard_missing_refuses_new_policies():
    with pytest.raises(SettingsConflict) as err:
        policies.plan(_org(guard=False), "Bots", "present")
    assert err.value.problems[0].startswith("policy:")


def test_deletion_rules():
    assert policies.plan(_org(), "Gone", "absent").action == "none"
    assert policies.plan(_org(), "Employees", "absent").action == "delete"
    with pytest.raises(policies.PolicyError, match="default policy"):
        policies.plan(_org(), "Default policy", "absent")
    with pytest.raises(policies.PolicyError, match="still has 3 members"):
        policies.plan(_org(members=3), "Employees", "absent")


def test_export_rows_follow_the_policy_and_the_member():
    policy = {"name": "Staff", "type": "non-billable",
              "settings": dict(BASE, password={"minimumStrength": "very_strong", "expiryDays": 30},
                               idleSessionMinutes=720, twoStepVerification="required")}
    member = {"name": "A", "email": "a@x.com", "lastActive": None, "status": "inactive", "billable": False,
              "samlSso": False, "products": [{"name": "Jira", "site": "x.atlassian.net"}, {"name": "Trello"}]}
    row = next(export.rows(policy, [member]))
    assert row["Last active"] == "Never" and row["Status"] == "Inactive" and row["Billable"] == "No"
    assert row["Two-step verification"] == "Yes", "required by the policy when the member field is absent"
    assert row["Password requirements"] == "Very strong, expires after 30 days"
    assert row["Idle session duration"] == "12h"
    assert row["Products"] == "Jira (x.atlassian.net); Trello"
    text = export.to_csv([row])
    assert text.splitlines()[0] == ",".join(export.COLUMNS) and text.endswith("\r\n")

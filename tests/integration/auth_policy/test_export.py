"""auth_policy_export against the sandbox: the seed's columns, one row per member, idempotent file writes."""

import csv
import os

from atlassian_sandbox.areas.auth_policies import build_state, generated_accounts

COLUMNS = ["Name", "Email", "Last active", "Status", "Billable", "Policy name", "Policy type", "SAML single sign-on",
           "Two-step verification", "Password requirements", "Idle session duration", "Products"]


def _read(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_export_writes_the_seed_columns_for_every_member(run_module, sandbox, tmp_path):
    run_module("auth_policy", connection="cloud", name="Employees", settings={"sso": {"enforced": True, "provider": "saml"},
                                                                              "idle_session": "12h"})
    run_module("auth_policy", connection="cloud", name="Bots", type="non_billable",
               settings={"password": {"min_strength": "strong", "expiry_days": 90}})
    # frank is not linked to the IdP: the export shows him as such, so the lockout guard is waived for him
    run_module("auth_policy_members", connection="cloud", policy="Employees", members=["alice@example.com", "frank@example.com"],
               allow_lockout=True)
    run_module("auth_policy_members", connection="cloud", policy="Bots", members=["bot-ci@example.com"])

    dest = tmp_path / "employees.csv"
    result = run_module("auth_policy_export", connection="cloud", policy="employees", dest=str(dest), mode="0640")
    assert result["changed"] and result["members"] == 2 and result["columns"] == COLUMNS
    assert oct(os.stat(dest).st_mode & 0o777) == "0o640"
    with open(dest, newline="", encoding="utf-8") as handle:
        assert next(csv.reader(handle)) == COLUMNS
    rows = {row["Email"]: row for row in _read(dest)}
    alice = rows["alice@example.com"]
    assert alice == {
        "Name": "Alice Adams", "Email": "alice@example.com", "Last active": "2026-11-20T09:00:00Z",
        "Status": "Active", "Billable": "Yes", "Policy name": "Employees", "Policy type": "Billable",
        "SAML single sign-on": "Yes", "Two-step verification": "Yes",
        "Password requirements": "Managed by identity provider", "Idle session duration": "12h",
        "Products": "Jira (acme.atlassian.net); Confluence (acme.atlassian.net)"}
    # frank is not known to the identity provider: no SAML login
    assert rows["frank@example.com"]["SAML single sign-on"] == "No"

    assert run_module("auth_policy_export", connection="cloud", policy="Bots", dest=str(tmp_path / "bots.csv"))["members"] == 1
    bots = _read(tmp_path / "bots.csv")
    assert [(b["Email"], b["Billable"], b["Policy type"], b["Password requirements"]) for b in bots] == [
        ("bot-ci@example.com", "No", "Non-billable", "Strong, expires after 90 days")]

    again = run_module("auth_policy_export", connection="cloud", policy="Employees", dest=str(dest), mode="0640")
    assert not again["changed"]
    run_module("auth_policy_members", connection="cloud", policy="Employees", members=["bob@example.com"])
    checked = run_module("auth_policy_export", connection="cloud", check_mode=True, policy="Employees", dest=str(dest), mode="0640")
    assert checked["changed"] and len(_read(dest)) == 2, "check mode leaves the file alone"


def test_export_pages_through_large_policies(run_module, sandbox, tmp_path):
    sandbox.seed("cloud", "auth_policies", build_state(generated_accounts(2500)))
    dest = tmp_path / "default.csv"
    result = run_module("auth_policy_export", connection="cloud", policy="Default policy", dest=str(dest), page_size=1000)
    assert result["members"] == 2500 and len(_read(dest)) == 2500
    member_pages = [e for e in sandbox.log("cloud") if e["path"].endswith("/members")]
    assert len(member_pages) == 3


def test_export_of_an_unknown_policy_names_the_ones_found(run_module, sandbox, tmp_path):
    result = run_module("auth_policy_export", connection="cloud", policy="Nope", dest=str(tmp_path / "x.csv"))
    assert result["failed"] and "found: Default policy" in result["msg"]

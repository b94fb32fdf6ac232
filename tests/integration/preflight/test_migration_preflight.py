"""migration_preflight against the sandbox's Jira and Confluence personas over HTTPS, seeded with colliding groups
and bad emails; the HTML report is opened in headless Chromium and its tables are read from the DOM."""

import os
import shutil
import subprocess

import pytest
from atlassian_sandbox.areas.dc_directory import make_user
from lxml import html as lxml_html

from ansible_collections.dcops.atlassian_cloud.plugins.modules import migration_preflight

CHROMIUM = "/usr/bin/chromium"

JIRA = {
    "users": [make_user("alice", "alice@example.com"), make_user("bob", "bob@example.com"),
              make_user("nomail", ""), make_user("broken", "broken@localhost"),
              make_user("team1", "team@example.com"), make_user("team2", "TEAM@example.com", active=False),
              *[make_user(f"dev{i:02d}", f"dev{i:02d}@example.com") for i in range(60)]],
    "groups": {"admins": ["alice", "bob"], "developers": [f"dev{i:02d}" for i in range(60)],
               "same-everywhere": ["alice"]},
}
CONFLUENCE = {
    "users": [make_user("alice", "Alice@Example.com"), make_user("carol", "carol@example.com"),
              make_user("robert", "bob@example.com")],
    "groups": {"admins": ["alice", "carol"], "same-everywhere": ["alice"], "confluence-users": ["alice", "carol", "robert"]},
}


@pytest.fixture
def seeded(sandbox):
    sandbox.seed("jira", "dc_directory", JIRA)
    sandbox.seed("confluence", "dc_directory", CONFLUENCE)
    return sandbox


def instances(sandbox):
    return [dict(sandbox.dc_params("jira"), name="jira", product="jira"),
            dict(sandbox.dc_params("confluence"), name="confluence", product="confluence")]


def test_findings_from_rest(seeded, run_module, tmp_path):
    result = run_module(migration_preflight, {"instances": instances(seeded)})
    assert result["changed"] is False
    assert [(u["instance"], u["username"], u["reason"]) for u in result["invalid_email"]] == [
        ("jira", "broken", "invalid"), ("jira", "nomail", "missing")]
    assert result["duplicate_email"] == [
        {"email": "bob@example.com", "users": [{"instance": "jira", "username": "bob"},
                                               {"instance": "confluence", "username": "robert"}]},
        {"email": "team@example.com", "users": [{"instance": "jira", "username": "team1"},
                                                {"instance": "jira", "username": "team2"}]},
    ]
    assert [m["email"] for m in result["merged_users"]] == ["alice@example.com", "bob@example.com"]
    assert len(result["group_collision"]) == 1
    collision = result["group_collision"][0]
    assert collision["group"] == "admins"
    assert collision["users_gaining_access"] == ["bob@example.com", "carol@example.com"]
    gains = {i["instance"]: i["gain_access"] for i in collision["instances"]}
    assert gains == {"jira": ["carol@example.com"], "confluence": ["bob@example.com"]}
    summary = {i["name"]: (i["users"], i["groups"]) for i in result["summary"]["instances"]}
    assert summary == {"jira": (66, 3), "confluence": (3, 3)}
    # group member pages of 50 (Jira's cap) were followed
    pages = [e["query"].get("startAt") for e in seeded.log("jira")
             if e["path"].endswith("/group/member") and e["query"].get("groupname") == "developers"]
    assert pages == ["0", "50"]


def test_truncated_group_picker_and_missing_confluence_emails_are_warned(seeded, run_module):
    jira, confluence = instances(seeded)
    confluence.update(user=seeded.persona("confluence")["non_admin_user"],
                      password=seeded.persona("confluence")["non_admin_password"])
    result = run_module(migration_preflight, {"instances": [dict(jira, group_limit=2), confluence]})
    text = str(result["warnings"])
    assert "listed 2 of 3 groups" in text
    assert "emails to administrators only" in text
    assert {u["instance"] for u in result["invalid_email"]} == {"jira", "confluence"}


def test_fail_on_stops_after_writing_the_report(seeded, run_module, tmp_path):
    markdown = tmp_path / "preflight.md"
    result = run_module(migration_preflight, {"instances": instances(seeded), "fail_on": ["group_collision"],
                                              "report_markdown": str(markdown)})
    assert result["failed"] is True
    assert "1 group_collision" in result["msg"]
    assert "| admins |" in markdown.read_text()


def csv_instance(tmp_path, name, product, users, memberships):
    """An instance read from CSV exports: its users (with a header row) and its group memberships."""
    users_csv, memberships_csv = tmp_path / (name + "-users.csv"), tmp_path / (name + "-members.csv")
    users_csv.write_text(users, encoding="utf-8")
    memberships_csv.write_text(memberships, encoding="utf-8")
    return {"name": name, "product": product, "users_csv": str(users_csv), "memberships_csv": str(memberships_csv)}


def test_csv_exports(run_module, tmp_path):
    result = run_module(migration_preflight, {"instances": [
        csv_instance(tmp_path, "a", "jira", "Username,Email Address,Active\nann,ann@example.com,true\nben,,false\n",
                     "group,username\nadmins,ann\nadmins,ben\n"),
        csv_instance(tmp_path, "b", "jira", "username,email\nann,ann@example.com\n", "group,username\nadmins,ann\n"),
    ]})
    assert result["invalid_email"] == [{"instance": "a", "username": "ben", "email": None, "reason": "missing",
                                        "active": False}]
    assert result["group_collision"][0]["users_gaining_access"] == ["ben (a, no valid email)"]


def test_reports_written_only_when_content_changes(seeded, run_module, tmp_path):
    args = {"instances": instances(seeded), "report_markdown": str(tmp_path / "r.md"),
            "report_html": str(tmp_path / "r.html")}
    first = run_module(migration_preflight, args)
    assert first["changed"] is True and sorted(first["reports"]["changed"]) == ["html", "markdown"]
    assert oct(os.stat(tmp_path / "r.html").st_mode & 0o777) == "0o600"
    assert run_module(migration_preflight, args)["changed"] is False
    seeded.seed("confluence", "dc_directory", dict(CONFLUENCE, groups=dict(CONFLUENCE["groups"], admins=["alice"])))
    assert run_module(migration_preflight, args, check_mode=True)["changed"] is True
    assert "carol" in (tmp_path / "r.md").read_text()  # check mode left the file alone


@pytest.mark.skipif(not shutil.which(CHROMIUM), reason="needs Debian's chromium")
def test_html_report_renders_its_tables_in_headless_chromium(seeded, run_module, tmp_path):
    page = tmp_path / "report.html"
    run_module(migration_preflight, {"instances": instances(seeded), "report_html": str(page),
                                     "sso_domains": ["example.com"], "verified_domains": ["example.org"]})
    dom = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
         "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=60, check=True).stdout
    tree = lxml_html.fromstring(dom)

    def rows(section):
        return [[cell.text_content() for cell in row.xpath("./td")]
                for row in tree.xpath(f'//section[@id="{section}"]//table/tbody/tr')]

    # instances, invalid email, duplicates, merged, collision, unverified domain (no password resets, no
    # Confluence no-group rows: everyone is in the SSO domain, Confluence was read through REST)
    assert len(tree.xpath("//table")) == 6
    assert "example.com" in [r[1] for r in rows("unverified-domain")]
    assert tree.xpath('//span[@data-kind="password_reset"]')[0].text_content() == "0"
    notices = [n.get("data-notice") for n in tree.xpath('//section[@id="notices"]//li')]
    assert notices == ["avatars", "global_permissions", "confluence_no_group"]
    assert "global permissions are not migrated" in tree.xpath('//li[@data-notice="global_permissions"]')[0].text_content()
    assert "carol (confluence)" in rows("group-collision")[0][4]
    assert rows("invalid-email") == [["jira", "broken", "broken@localhost", "invalid", "yes"],
                                     ["jira", "nomail", "", "missing", "yes"]]
    assert rows("group-collision")[0][0] == "admins"
    assert "carol@example.com" in rows("group-collision")[0][3]
    assert [r[0] for r in rows("duplicate-email")] == ["bob@example.com", "team@example.com"]
    assert tree.xpath('//span[@data-kind="group_collision"]')[0].text_content() == "1"


def test_migration_gaps_password_resets_unverified_domains_no_group_and_merges_by_name(run_module, tmp_path):
    markdown = tmp_path / "report.md"
    result = run_module(migration_preflight, {
        "instances": [
            csv_instance(tmp_path, "jira", "jira", "username,email\nann,ann@corp.example\nbo,bo@partner.example\n",
                         "group,username\nadmins,ann\n"),
            csv_instance(tmp_path, "wiki", "confluence", "username,email,active\nann,Ann@Corp.Example,true\n"
                         "cy,cy@corp.example,true\nold,old@corp.example,false\n", "group,username\nadmins,cy\n"),
        ],
        "sso_domains": ["Corp.Example"], "verified_domains": ["corp.example"], "report_markdown": str(markdown),
        "fail_on": ["confluence_no_group"]})
    # bo is outside the SSO domain: the only password reset, and outside the verified domains
    assert result["password_reset"] == [{"email": "bo@partner.example", "users": [{"instance": "jira", "username": "bo"}]}]
    assert [(r["email"], r["domain"]) for r in result["unverified_domain"]] == [("bo@partner.example", "partner.example")]
    # ann is in Confluence's export but in no Confluence group; so is the deactivated old
    assert [(r["username"], r["active"]) for r in result["confluence_no_group"]] == [("ann", True), ("old", False)]
    assert result["confluence_no_group_checked"] == ["wiki"]
    collision = result["group_collision"][0]
    assert collision["merged_membership"] == ["ann@corp.example", "cy@corp.example"]
    assert collision["users_gaining_access_by_name"] == ["ann (jira)", "ann (wiki)", "cy (wiki)"]
    assert result["failed"] and "2 confluence_no_group" in result["msg"]
    text = markdown.read_text(encoding="utf-8")
    for heading in ("## Users who will have to reset their password", "## Users whose email domain is not verified",
                    "## Confluence users in no group", "## Notices"):
        assert heading in text
    assert "| wiki | old | old@corp.example | no |" in text
    assert "Avatars are not migrated" in text and "Most global permissions are not migrated" in text
    assert "| admins | jira (1), wiki (1) | 2: ann@corp.example, cy@corp.example |" in text

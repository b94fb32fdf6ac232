"""Preflight findings and their rendering, from in-memory instances."""

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._preflight import report
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._preflight.analysis import analyze, failures
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._preflight.sources import Instance


def instance(name, users, groups):
    result = Instance(name, "jira")
    for username, email in users.items():
        result.add_user(username, email)
    result.groups = {g: set(m) for g, m in groups.items()}
    return result


JIRA = instance("jira", {"alice": "alice@example.com", "bob": "bob@example.com", "x": None},
                {"admins": ["alice", "bob"], "users": ["alice", "bob"]})
WIKI = instance("wiki", {"Alice": "ALICE@example.com", "eve": "eve@example.com", "bob2": "bob@example.com"},
                {"Admins": ["Alice", "eve"], "users": ["Alice", "bob2"]})


def test_group_collision_names_who_gains_access_where():
    findings = analyze([JIRA, WIKI])
    assert [c["group"] for c in findings["group_collision"]] == ["admins"]
    collision = findings["group_collision"][0]
    assert {i["instance"]: i["gain_access"] for i in collision["instances"]} == {
        "jira": ["eve@example.com"], "wiki": ["bob@example.com"]}
    # "users" has the same cloud identities on both sides (bob2 shares bob's email): no collision


def test_duplicates_merges_and_invalid_emails():
    findings = analyze([JIRA, WIKI])
    assert [d["email"] for d in findings["duplicate_email"]] == ["bob@example.com"]
    assert [m["email"] for m in findings["merged_users"]] == ["alice@example.com", "bob@example.com"]
    assert findings["invalid_email"] == [{"instance": "jira", "username": "x", "email": None, "reason": "missing",
                                          "active": True}]
    assert failures(findings, ["invalid_email", "group_collision"]) == [("invalid_email", 1), ("group_collision", 1)]


def test_reports_are_deterministic_and_escaped():
    evil = instance("j<1>", {"a|b": "not-an-email"}, {})
    findings = analyze([evil, JIRA])
    assert report.render_html(findings) == report.render_html(analyze([evil, JIRA]))
    page = report.render_html(findings)
    assert "j&lt;1&gt;" in page and "<1>" not in page
    assert "a\\|b" in report.render_markdown(findings)


def test_write_only_when_content_differs(tmp_path):
    path = str(tmp_path / "r.md")
    assert report.needs_write(path, "x")
    report.write_file(path, "x")
    assert not report.needs_write(path, "x") and report.needs_write(path, "y")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.md"]

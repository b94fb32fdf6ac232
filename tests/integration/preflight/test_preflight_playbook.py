"""The preflight playbook run by its collection name, as users run it: the reports land in the directory the run
was started from (never inside the installed collection), and the end of the run names both files."""

from helpers import COLLECTIONS, run_playbook

PLAYBOOK = "dcops.atlassian_cloud.migration_preflight"


def _instances(tmp_path):
    users = tmp_path / "users.csv"
    users.write_text("username,email,display_name,active\nann,ann@example.com,Ann,true\n", encoding="utf-8")
    members = tmp_path / "members.csv"
    members.write_text("group,username\nadmins,ann\n", encoding="utf-8")
    return [{"name": "a", "product": "jira", "users_csv": str(users), "memberships_csv": str(members)}]


def test_reports_default_to_the_directory_the_run_started_in(tmp_path):
    started_in = tmp_path / "operator"
    started_in.mkdir()
    run = run_playbook(PLAYBOOK, extra_vars={"migration_preflight_instances": _instances(tmp_path)},
                       env={"PWD": str(started_in)})
    assert run.returncode == 0, run.failures()
    reports = started_in / "migration-preflight-reports"
    assert sorted(p.name for p in reports.iterdir()) == ["migration-preflight.html", "migration-preflight.md"]
    assert not list(COLLECTIONS.resolve().rglob("migration-preflight.md"))
    said = run.task("dcops.atlassian_cloud.migration_preflight : Summarize the findings and say where the reports are")
    assert str(reports / "migration-preflight.md") in said["result"]["msg"]
    assert str(reports / "migration-preflight.html") in said["result"]["msg"]


def test_a_report_directory_inside_the_collection_is_refused(tmp_path):
    inside = COLLECTIONS / "ansible_collections" / "dcops" / "atlassian_cloud" / "playbooks" / "reports"
    run = run_playbook(PLAYBOOK, extra_vars={"migration_preflight_instances": _instances(tmp_path),
                                             "migration_preflight_report_dir": str(inside)})
    assert run.returncode != 0
    assert "outside the installed collection" in run.stdout
    assert not inside.exists()

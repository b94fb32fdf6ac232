"""The module, the filter, the role and the playbook run by ansible-playbook (LDAP source: real slapd)."""

from pathlib import Path

import yaml
from helpers import ROOT, run_playbook, task_play

ROLE = "dcops.atlassian_cloud.nested_groups : "

MODULE_PLAY = task_play("group_flatten", {"source": "ldap", "on_cycle": "{{ on_cycle }}", "ldap": "{{ ldap }}",
                                          "google_workspace_selected": ["Engineering"]}, name="flatten")


def test_module_reads_slapd_and_reports_flat_lost_cycles_and_selection(slapd):
    run = run_playbook(MODULE_PLAY, extra_vars={"ldap": slapd.settings(), "on_cycle": "merge"})
    assert run.returncode == 0, run.stdout + run.stderr
    result = run.task("flatten")["result"]
    assert result["changed"] is False
    assert result["flat"]["Atlassian"] == ["bob", "ceo", "dana", "erin", "fay", "gus", "ivan", "olga", "pat"]
    assert result["lost_memberships"]["by_group"]["Engineering"] == ["bob", "fay", "ivan", "olga", "pat"]
    assert result["lost_memberships"]["by_user"]["gus"] == ["Atlassian"]
    assert result["cycles"][0]["path"] == ["CycleA", "CycleB", "CycleC", "CycleA"]
    assert result["depth"]["max"] == 5
    assert result["users"]["dana"]["email"] == "dana@example.com"
    assert result["google_workspace"]["missing_from_selection"] == [
        "Atlassian", "Backend", "Frontend", "Infra", "Oncall", "Platform"]
    assert result["unresolved_members"] == [{"group": "Design", "member": "uid=ghost,ou=people,dc=example,dc=com"}]
    assert "reader-secret" not in run.stdout + run.stderr + str(run.results)


def test_module_fails_on_a_cycle_naming_its_path(slapd):
    run = run_playbook(MODULE_PLAY, extra_vars={"ldap": slapd.settings(), "on_cycle": "fail"})
    failed = run.task("flatten")
    assert failed["status"] == "failed"
    assert "CycleA -> CycleB -> CycleC -> CycleA" in failed["result"]["msg"]


def test_module_fails_clearly_when_the_directory_refuses_the_bind(slapd):
    run = run_playbook(MODULE_PLAY, extra_vars={"ldap": slapd.settings(bind_password="not-it"), "on_cycle": "merge"})
    failed = run.task("flatten")
    assert failed["status"] == "failed"
    assert slapd.uri in failed["result"]["msg"] and "invalidCredentials" in failed["result"]["msg"]


def test_filter_flattens_inline_structures_and_fails_on_cycles():
    play = """
- hosts: localhost
  gather_facts: false
  vars:
    nested:
      Atlassian: {users: [ceo], groups: [Design, Engineering]}
      Design: {users: [dana]}
      Engineering: {users: [erin], groups: [Design]}
  tasks:
    - name: flat
      ansible.builtin.set_fact:
        flat: "{{ nested | dcops.atlassian_cloud.flatten_groups }}"
    - name: cycle
      ansible.builtin.debug:
        msg: "{{ {'A': {'groups': ['B']}, 'B': {'groups': ['A']}} | dcops.atlassian_cloud.flatten_groups }}"
"""
    run = run_playbook(play)
    assert run.task("flat")["result"]["ansible_facts"]["flat"] == {
        "Atlassian": ["ceo", "dana", "erin"], "Design": ["dana"], "Engineering": ["dana", "erin"]}
    cycle = run.task("cycle")
    assert cycle["status"] == "failed"
    assert "A -> B -> A" in cycle["result"]["msg"]


def test_playbook_writes_the_report_and_a_rerun_changes_nothing(slapd, tmp_path):
    report = tmp_path / "report.yml"
    extra_vars = {
        "nested_groups_source": "ldap",
        "nested_groups_ldap": slapd.settings(),
        "nested_groups_on_cycle": "merge",
        "nested_groups_report_file": str(report),
    }
    playbook = ROOT / "playbooks" / "flatten_groups.yml"
    first = run_playbook(playbook, extra_vars=extra_vars)
    assert first.returncode == 0, first.stdout + first.stderr
    assert [t["task"] for t in first.changed_tasks] == [ROLE + "Write the flattening report"]
    written = yaml.safe_load(report.read_text())
    assert written["flat"]["Grads"] == ["erin", "gus"]
    assert written["summary"]["groups"] == 13
    assert oct(report.stat().st_mode & 0o777) == "0o640"
    second = run_playbook(playbook, extra_vars=extra_vars)
    assert second.returncode == 0
    assert second.changed_tasks == []


def test_playbook_reads_a_yaml_file_source(tmp_path):
    source = tmp_path / "groups.yml"
    source.write_text(yaml.safe_dump({
        "groups": {"Atlassian": {"groups": ["Design", "Grads"]}, "Design": {"users": ["dana"]}, "Grads": {"users": ["gus"]}},
        "users": {"dana": {"email": "dana@example.com"}},
    }))
    run = run_playbook(Path(ROOT / "playbooks" / "flatten_groups.yml"),
                       extra_vars={"nested_groups_yaml_file": str(source)})
    assert run.returncode == 0, run.stdout + run.stderr
    result = run.task(ROLE + "Flatten the nested groups of the source")["result"]
    assert result["flat"] == {"Atlassian": ["dana", "gus"], "Design": ["dana"], "Grads": ["gus"]}
    assert result["google_workspace"]["parent_groups"] == ["Atlassian"]

"""The scheduled flatten-and-sync (role group_sync_schedule): the staged wrapper runs the sync playbook against the
sandbox and writes what each run changed; a second run started while one is going refuses on the lock (exit 75) and
sends nothing; the units are valid systemd units."""

import fcntl
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from groups_sync.cloud_directory import cloud_groups, seed_directory

from helpers import ansible_env, run_playbook

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[3]


def _stage(tmp_path, sandbox, lock_wait=0):
    scim = sandbox.scim_params()
    sync_vars = {"group_sync_groups": {"engineering": ["alice@example.com", "bob@example.com"]},
                 "group_sync_target": "scim", "group_sync_api_url": scim["api_url"],
                 "group_sync_directory_id": scim["directory_id"],
                 "group_sync_directory_api_key": scim["directory_api_key"], "group_sync_ca_path": sandbox.ca_path}
    (tmp_path / "group-sync.yml").write_text(yaml.safe_dump(sync_vars), encoding="utf-8")
    playbook = """
- hosts: localhost
  gather_facts: false
  roles:
    - role: dcops.atlassian_cloud.group_sync_schedule
"""
    staged = run_playbook(playbook, extra_vars={
        "group_sync_schedule_root": str(tmp_path / "root"), "group_sync_schedule_enable": False,
        "group_sync_schedule_vars_file": str(tmp_path / "group-sync.yml"),
        "group_sync_schedule_ansible_playbook": str(BIN / "ansible-playbook"),
        "group_sync_schedule_lock_file": str(tmp_path / "sync.lock"),
        "group_sync_schedule_lock_wait": lock_wait,
        "group_sync_schedule_report_dir": str(tmp_path / "reports")})
    assert staged.returncode == 0, staged.stdout + staged.stderr
    return tmp_path / "root" / "usr/local/bin/dcops-group-sync"


def _run(wrapper, **popen):
    env = ansible_env()
    env.pop("RECORD_RESULTS_FILE", None)
    return subprocess.Popen([str(wrapper)], env=env, cwd=str(ROOT), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, **popen)


def _locked(path):
    """Whether another process holds the lock (tries it without waiting, and lets go at once)."""
    with open(path, "a") as stream:
        try:
            fcntl.flock(stream, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(stream, fcntl.LOCK_UN)
        return False


def _units_are_valid(tmp_path, wrapper):
    units = tmp_path / "root" / "etc/systemd/system"
    service = (units / "dcops-group-sync.service").read_text(encoding="utf-8")
    assert "ExecStart=/usr/local/bin/dcops-group-sync" in service and "SuccessExitStatus=75" in service
    if shutil.which("systemd-analyze") is None:
        return
    # verify resolves ExecStart on this machine: point a copy at the staged wrapper
    check = tmp_path / "verify"
    check.mkdir()
    (check / "dcops-group-sync.service").write_text(service.replace("/usr/local/bin/dcops-group-sync", str(wrapper)),
                                                    encoding="utf-8")
    shutil.copy(units / "dcops-group-sync.timer", check / "dcops-group-sync.timer")
    checked = subprocess.run(["systemd-analyze", "verify", str(check / "dcops-group-sync.service"),
                              str(check / "dcops-group-sync.timer")], capture_output=True, text=True, timeout=60,
                             check=False, env=dict(os.environ, SYSTEMD_LOG_LEVEL="warning"))
    problems = [line for line in (checked.stdout + checked.stderr).splitlines() if "dcops-group-sync" in line]
    assert checked.returncode == 0 and problems == [], checked.stdout + checked.stderr


@pytest.mark.slow
def test_two_runs_never_overlap_and_each_run_reports_what_it_changed(tmp_path, sandbox):
    seed_directory(sandbox, users=["alice@example.com", "bob@example.com"])
    wrapper = _stage(tmp_path, sandbox)
    _units_are_valid(tmp_path, wrapper)

    # a run that finds the lock taken refuses at once and sends nothing
    sandbox.clear_log()
    with open(tmp_path / "sync.lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        refused = _run(wrapper)
        _out, err = refused.communicate(timeout=30)
    assert refused.returncode == 75 and "not starting a second one" in err
    assert sandbox.log("cloud") == []
    assert not (tmp_path / "reports" / "last.json").exists()

    # two runs started together: the second refuses while the first works
    first = _run(wrapper)
    deadline = time.monotonic() + 30
    while not _locked(tmp_path / "sync.lock"):
        assert first.poll() is None, first.communicate()
        assert time.monotonic() < deadline, "the first run never took the lock"
        time.sleep(0.02)
    second = _run(wrapper)
    _out, err = second.communicate(timeout=30)
    assert second.returncode == 75, err
    assert "another run holds" in err
    out, err = first.communicate(timeout=300)
    assert first.returncode == 0, out + err
    assert cloud_groups(sandbox) == {"engineering": ["alice@example.com", "bob@example.com"]}
    report = json.loads((tmp_path / "reports" / "last.json").read_text(encoding="utf-8"))
    assert report["changed"] is True and report["groups_created"] == ["engineering"]
    assert report["added"] == {"engineering": ["alice@example.com", "bob@example.com"]}

    # the next run finds nothing to do, and says so in its report
    again = _run(wrapper)
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, out + err
    report = json.loads((tmp_path / "reports" / "last.json").read_text(encoding="utf-8"))
    assert report["changed"] is False and report["write_calls"] == 0
    assert len(list((tmp_path / "reports").glob("group-sync-*.json"))) >= 1

"""Every shell block of README.md and docs/*.md says whether it runs on the built-in sandbox, and the ones that do
run verbatim, from the top of a checkout after set-up, as a user would paste them.

Convention (docs/development.md): the line before a ```bash (or sh, shell, console) fence is one of
  <!-- runnable: sandbox -->           the block runs as it stands against the sandbox; this test runs it
  <!-- not-runnable: <reason> -->      it needs a real product, a controller, the whole suite... (say which)
"""

from __future__ import annotations

import os
import re
import subprocess

import pytest

from helpers import ROOT

FENCE = re.compile(r"^```(bash|sh|shell|console)\s*$")
MARKER = re.compile(r"^<!-- (runnable: sandbox|not-runnable: .+) -->$")
PAGES = [ROOT / "README.md"] + sorted((ROOT / "docs").glob("*.md"))


def shell_blocks():
    """(page, line number, marker or None, text) of every shell block."""
    found = []
    for page in PAGES:
        lines = page.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines):
            if not FENCE.match(line):
                continue
            end = next(i for i in range(number + 1, len(lines)) if lines[i].startswith("```"))
            previous = lines[number - 1].strip() if number else ""
            marker = MARKER.match(previous)
            found.append((page.relative_to(ROOT), number + 1, marker.group(1) if marker else None,
                          "\n".join(lines[number + 1:end])))
    return found


RUNNABLE = [(str(page), line, text) for page, line, marker, text in shell_blocks() if marker == "runnable: sandbox"]


def test_every_shell_block_says_whether_it_runs_on_the_sandbox():
    unmarked = ["%s:%d" % (page, line) for page, line, marker, _text in shell_blocks() if marker is None]
    assert unmarked == [], "shell blocks without a runnable/not-runnable marker: %s" % unmarked


def test_there_is_something_to_run():
    assert any(page == "README.md" for page, _line, _text in RUNNABLE)


@pytest.mark.parametrize("page,line,text", RUNNABLE, ids=["%s:%d" % (p, n) for p, n, _t in RUNNABLE])
def test_runnable_block_runs_verbatim(page, line, text):
    # As in a user's shell: none of the test run's own Ansible settings, only plain output to read.
    env = {name: value for name, value in os.environ.items() if not name.startswith("ANSIBLE_")}
    env.update(ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0")
    script = "set -euo pipefail\n" + text + "\n"
    try:
        done = subprocess.run(["bash", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=900, check=False)
    finally:
        # A block that failed half-way must not leave its sandbox running.
        subprocess.run(["bash", "-c", "PYTHONPATH=tests/sandbox .venv/bin/python -m atlassian_sandbox stop "
                        "--dir .sandbox"], cwd=ROOT, capture_output=True, timeout=60, check=False)
    assert done.returncode == 0, "%s:%d failed:\n%s\n%s" % (page, line, done.stdout[-3000:], done.stderr[-2000:])
    recaps = re.findall(r"^\S+\s+: ok=\d+\s+changed=(\d+)", done.stdout, re.M)
    if "# rerun: changed=0" in text:
        # The block promises an idempotent rerun: the last play recap of every host shows it.
        hosts = len(set(re.findall(r"^(\S+)\s+: ok=", done.stdout, re.M)))
        assert recaps[-hosts:] == ["0"] * hosts, done.stdout[-3000:]

"""Benchmark: sync 25,000 members into an authentication policy through ansible-playbook, then rerun.

Starts its own sandbox (HTTPS on loopback), seeds 25,000 managed accounts, writes them to a CSV file and
runs `auth_policy_members` with `members_csv` twice: the first sync (3 bulk add-users tasks) and the rerun
(zero writes). For each run it prints wall time, the module's HTTP requests by endpoint (from the sandbox
request log) and the number of writes. Wall time includes ansible-playbook start-up (about 2-3 s).

    .venv/bin/python tests/benchmarks/auth_policy/bench_sync.py [--members 25000]
"""

import argparse
import collections
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "tests" / "sandbox"))
sys.path.insert(0, str(ROOT / "tests" / "integration"))

from atlassian_sandbox.areas.auth_policies import build_state, generated_accounts  # noqa: E402
from helpers import run_playbook  # noqa: E402
from sandbox_fixtures import SandboxHandle, start_sandbox  # noqa: E402

PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Policy
      dcops.atlassian_cloud.auth_policy: "{{ conn | combine({'name': 'Employees'}) }}"
    - name: Members
      dcops.atlassian_cloud.auth_policy_members: "{{ conn | combine({'policy': 'Employees', 'members_csv': csv}) }}"
"""


def endpoint(path):
    tail = path.rstrip("/").split("/")
    if tail[-1] in ("users", "add-users", "bulk-fetch", "auth-policies"):
        return tail[-1]
    return "task" if "/task/" in path else path


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=25000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-ap-") as tmp:
        tmp = Path(tmp)
        info, stop = start_sandbox(tmp / "sandbox")
        try:
            sandbox = SandboxHandle(info)
            sandbox.seed("cloud", "auth_policies", build_state(generated_accounts(args.members)))
            csv_path = tmp / "members.csv"
            csv_path.write_text("email\n" + "".join("user%05d@example.com\n" % i for i in range(1, args.members + 1)),
                                encoding="utf-8")
            extra = {"conn": sandbox.cloud_params(), "csv": str(csv_path)}
            figures = []
            for label in ("first sync", "rerun"):
                sandbox.clear_log()
                started = time.perf_counter()
                run = run_playbook(PLAYBOOK, extra_vars=extra)
                seconds = time.perf_counter() - started
                if run.returncode:
                    raise SystemExit(run.stdout + run.stderr)
                log = sandbox.log("cloud")
                members = run.task("Members")["result"]
                figures.append({
                    "run": label, "seconds": round(seconds, 2), "requests": len(log),
                    "by_endpoint": dict(collections.Counter(endpoint(e["path"]) for e in log)),
                    "add_users_tasks": len(members["tasks"]), "summary": members["summary"],
                })
            print(json.dumps({"members": args.members, "runs": figures}, indent=2))
        finally:
            stop()


if __name__ == "__main__":
    main()

"""AWS requests of a converged check: byok_role (state=verified) against amazon.aws.cloudformation.

Runs both against moto's server (tests/integration/byok/moto_byok.py) and counts the requests the server logged
during each run (werkzeug writes one line per request), so both modules are measured the same way. byok_role's own
count (its `aws_api_calls` result, from boto3's before-send hook) is printed beside it as a cross-check.

    .venv/bin/python tests/benchmarks/byok/bench_verify_calls.py --bench-venv .build/bench-venv

--bench-venv is a separate venv with the `ansible` package (amazon.aws inside); modules of both collections run
under this venv's Python (boto3 is here), driven by the bench venv's ansible-playbook.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "tests" / "integration" / "byok"))

import moto_byok  # noqa: E402

CONNECTION = {"region": "us-east-1", "access_key": "AKIDBENCH", "secret_key": "bench-secret"}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def requests_logged(log):
    return log.read_bytes().count(b' HTTP/1.1" ')


def run_task(ansible_playbook, module, args, check, workdir):
    playbook = workdir / "play.yml"
    playbook.write_text(json.dumps([{
        "name": "bench", "hosts": "localhost", "gather_facts": False,
        "tasks": [{"name": "check", module: args, "register": "out"},
                  {"name": "show", "ansible.builtin.debug": {"var": "out"}}]}]))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(ROOT / ".build" / "collections"),
               ANSIBLE_STDOUT_CALLBACK="ansible.posix.json", ANSIBLE_LOCALHOST_WARNING="False")
    cmd = [ansible_playbook, str(playbook), "-i", "localhost,", "-c", "local",
           "-e", "ansible_python_interpreter=" + sys.executable] + (["--check"] if check else [])
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if proc.returncode:
        raise SystemExit(f"{module} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    plays = json.loads(proc.stdout)["plays"]
    return plays[0]["tasks"][0]["hosts"]["localhost"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench-venv", required=True, type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    ansible_playbook = str(args.bench_venv.resolve() / "bin" / "ansible-playbook")

    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="bench-byok-") as tmp:
        workdir = Path(tmp)
        log = workdir / "moto.log"
        with open(log, "wb") as out:
            server = subprocess.Popen([sys.executable, str(ROOT / "tests/integration/byok/moto_byok.py"), "serve",
                                       "-H", "127.0.0.1", "-p", str(port)], stdout=out, stderr=subprocess.STDOUT)
        try:
            if not moto_byok.wait_until_up(endpoint, alive=lambda: server.poll() is None):
                raise SystemExit("moto server did not start")
            moto_byok.seed(endpoint, mfa=True)
            connection = dict(CONNECTION, endpoint_url=endpoint)
            run_task(ansible_playbook, "dcops.atlassian_cloud.byok_role", connection, False, workdir)

            cases = [
                ("dcops.atlassian_cloud.byok_role state=verified detect_drift=false", "dcops.atlassian_cloud.byok_role",
                 dict(connection, state="verified", detect_drift=False), False),
                ("dcops.atlassian_cloud.byok_role state=present (converged)", "dcops.atlassian_cloud.byok_role",
                 dict(connection, state="present"), False),
                ("amazon.aws.cloudformation state=present (converged)", "amazon.aws.cloudformation",
                 dict(connection, stack_name="atlassian-key-management-role", state="present",
                      template_url=moto_byok.TEMPLATE_URL, termination_protection=True,
                      template_parameters={"AtlassianKeyManagementAccount": "709587835243"}), False),
                ("amazon.aws.cloudformation state=present --check", "amazon.aws.cloudformation",
                 dict(connection, stack_name="atlassian-key-management-role", state="present",
                      template_url=moto_byok.TEMPLATE_URL, termination_protection=True,
                      template_parameters={"AtlassianKeyManagementAccount": "709587835243"}), True),
            ]
            print("| run | requests seen by the server | module's own count | changed |")
            print("|---|---|---|---|")
            for label, module, module_args, check in cases:
                counts, own, changed = [], set(), set()
                for _attempt in range(args.repeat):
                    before = requests_logged(log)
                    result = run_task(ansible_playbook, module, module_args, check, workdir)
                    time.sleep(0.2)  # let the server flush its log line
                    counts.append(requests_logged(log) - before)
                    own.add(result.get("aws_api_calls", {}).get("count", "-"))
                    changed.add(result.get("changed"))
                print(f"| {label} | {'/'.join(map(str, counts))} | {'/'.join(map(str, sorted(own, key=str)))} | "
                      f"{'/'.join(map(str, changed))} |")
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()

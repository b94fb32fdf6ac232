"""Benchmark of sync_to_cloud against the sandbox (SCIM): first sync, rerun, and a small change.

Run: .venv/bin/python tests/benchmarks/groups_sync/bench_group_sync.py [users] [groups]
(not collected by pytest; figures go to docs/performance.md).
"""

import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path[:0] = [str(ROOT / "tests" / "sandbox"), str(ROOT / ".build" / "collections")]

from atlassian_sandbox.areas.org_directory import initial_state, make_user  # noqa: E402
from sandbox_fixtures import SandboxHandle, start_sandbox  # noqa: E402

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.client import ApiClient  # noqa: E402
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._groups_sync.sync import sync_to_cloud  # noqa: E402


def run(handle, flat):
    cloud = handle.persona("cloud")
    client = ApiClient(cloud["url"], auth=("bearer", cloud["directory_api_key"]), ca_path=handle.ca_path)
    started = time.monotonic()
    result = sync_to_cloud(client, flat, "scim", directory_id=cloud["directory_id"])
    elapsed = time.monotonic() - started
    client.close()
    return elapsed, result["summary"]


def main(users=5000, groups=50):
    info, stop = start_sandbox(tempfile.mkdtemp(prefix="bench-sync-"))
    try:
        handle = SandboxHandle(info)
        state = initial_state(None)
        emails = [f"user{i:05d}@example.com" for i in range(users)]
        state["users"] = [make_user(e) for e in emails]
        handle.seed("cloud", "org_directory", state)
        rng = random.Random(7)
        flat = {f"group-{g:03d}": sorted(rng.sample(emails, rng.randint(10, users // 5))) for g in range(groups)}
        memberships = sum(len(m) for m in flat.values())
        print(f"{users} users, {groups} groups, {memberships} memberships")
        for label, data in (("first sync", flat), ("rerun, nothing changed", flat)):
            elapsed, summary = run(handle, data)
            print(f"{label}: {elapsed:.2f} s, {summary['write_calls']} writes, {summary['http_requests']} requests")
        changed = {g: m[: len(m) - 5] + emails[-3:] for g, m in flat.items()}
        elapsed, summary = run(handle, changed)
        print(f"1% change ({summary['memberships_to_add']} adds, {summary['memberships_to_remove']} removes): "
              f"{elapsed:.2f} s, {summary['write_calls']} writes, {summary['http_requests']} requests")
    finally:
        stop()


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))

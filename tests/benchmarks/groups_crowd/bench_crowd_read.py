"""Benchmark: reading a Crowd directory per group versus with the memberships resource.

The Crowd simulator of tests/integration/groups/test_crowd_source.py (aiohttp, loopback), loaded with a
generated tree (tests/benchmarks/groups/generate.py); both read modes must give the same structure.

    .venv/bin/python tests/benchmarks/groups_crowd/bench_crowd_read.py [users]   # 20,000 groups, 10,000 users by default
"""

import importlib.util
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path[:0] = [str(ROOT / "tests" / "benchmarks" / "groups"), str(ROOT / ".build" / "collections")]

from generate import generate  # noqa: E402

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._groups.source_crowd import CrowdSettings, read_crowd  # noqa: E402

_SPEC = importlib.util.spec_from_file_location("crowd_simulator", ROOT / "tests" / "integration" / "groups" / "test_crowd_source.py")
crowd_simulator = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(crowd_simulator)


def main(users=10000):
    data = generate(users=users)
    names = set()
    for spec in data.values():
        names.update(spec.get("users", []))
    server = crowd_simulator.CrowdServer(data, dict((name, "%s@example.com" % name) for name in names))
    url = server.start()
    try:
        results = {}
        print("| read_mode | requests | seconds |")
        print("|---|---|---|")
        for mode in ("per_group", "memberships"):
            started = time.perf_counter()
            structure = read_crowd(CrowdSettings(url, "migration", "app-secret", read_mode=mode))
            seconds = time.perf_counter() - started
            results[mode] = structure
            print("| %s | %d | %.1f s |" % (mode, structure.counters["http_requests"], seconds))
        assert results["per_group"].groups == results["memberships"].groups
        print("%d groups, %d users: same structure from both" % (len(data), len(names)))
    finally:
        server.stop()


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))

"""Benchmark: flatten 100,000 users in 20,000 nested groups (depth 12, diamonds, cycles).

Wall time ("seconds") and the process's CPU time ("cpu_seconds": what the machine's other load cannot
inflate) are both reported; each of `--repeat` runs starts a fresh interpreter, and the fastest run is printed.
Each measurement runs in a fresh interpreter so peak RSS (resource.getrusage maxrss, the whole process:
interpreter, input and result) belongs to that measurement alone.

    .venv/bin/python tests/benchmarks/groups/bench_flatten.py            # collection, networkx, sync plan
    .venv/bin/python tests/benchmarks/groups/bench_flatten.py --only collection
"""

import argparse
import gc
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / ".build" / "collections"))

from generate import generate  # noqa: E402


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_collection(data):
    from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._groups.flatten import NestedGroups, flatten

    started, cpu_started = time.perf_counter(), time.process_time()
    result = flatten(NestedGroups.from_mapping(data), on_cycle="merge")
    flat = result.flat()
    flatten_seconds, flatten_cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak_after_flatten = peak_rss_mib()
    started = time.process_time()
    lost_groups = result.lost_by_group()
    lost_users = result.lost_by_user()
    lost_cpu = time.process_time() - started
    counts = result.counts()
    return flat, {
        "seconds": round(flatten_seconds, 3),
        "cpu_seconds": round(flatten_cpu, 3),
        "lost_report_cpu_seconds": round(lost_cpu, 3),
        "peak_rss_mib_after_flatten": round(peak_after_flatten),
        "cycles": len(result.cycles),
        "max_depth": result.depth()["max"],
        "groups_with_lost_members": len(lost_groups),
        "users_with_lost_memberships": len(lost_users),
        **counts,
    }


def run_networkx(data):
    import networkx as nx

    started, cpu_started = time.perf_counter(), time.process_time()
    graph = nx.DiGraph()
    graph.add_nodes_from(data)
    graph.add_edges_from((group, child) for group, spec in data.items() for child in spec["groups"])
    closure = nx.transitive_closure(graph, reflexive=False)
    flat = {}
    for group in data:
        members = set(data[group]["users"])
        for below in closure.successors(group):
            members.update(data[below]["users"])
        flat[group] = sorted(members)
    return flat, {"seconds": round(time.perf_counter() - started, 3),
                  "cpu_seconds": round(time.process_time() - cpu_started, 3),
                  "effective_memberships": sum(len(v) for v in flat.values())}


def run_plan(data):
    """Plan a sync of the flat result against a cloud that differs in 1% of the memberships of 10% of groups."""
    import random

    from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._groups.flatten import NestedGroups, flatten
    from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._groups_sync.plan import plan_sync

    flat = flatten(NestedGroups.from_mapping(data), on_cycle="merge").flat()
    rng = random.Random(7)
    current = dict(flat)
    for group in rng.sample(sorted(flat), len(flat) // 10):
        members = flat[group]
        current[group] = [m for m in members if rng.random() >= 0.01] + ["stray-%s" % group]
    missing_group = sorted(flat)[0]
    del current[missing_group]
    managed = dict((group, ["stray-%s" % group]) for group in current)
    started = time.process_time()
    plan = plan_sync(flat, current, managed=managed)
    figures = dict(plan.counts(), cpu_seconds=round(time.process_time() - started, 3))
    figures["patch_requests_at_100_members"] = sum(1 for batch in plan.batches(100))
    return flat, figures


def measure(which):
    data = generate()
    gc.collect()
    before = peak_rss_mib()
    flat, figures = {"collection": run_collection, "networkx": run_networkx, "plan": run_plan}[which](data)
    figures["peak_rss_mib_input_only"] = round(before)
    figures["peak_rss_mib"] = round(peak_rss_mib())  # after everything, lost-membership reports included
    figures["checksum"] = sum(len(v) for v in flat.values()) + len(flat)
    print(json.dumps(figures))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", choices=("collection", "networkx", "plan"))
    parser.add_argument("--measure", choices=("collection", "networkx", "plan"), help=argparse.SUPPRESS)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure)
        return
    print("cpu: %s cores; python %s; load average before: %s"
          % (os.cpu_count(), sys.version.split()[0], " ".join("%.1f" % x for x in os.getloadavg())))
    for which in (args.only,) if args.only else ("collection", "networkx", "plan"):
        runs = []
        for attempt in range(args.repeat if which == "collection" else 1):
            out = subprocess.run([sys.executable, __file__, "--measure", which], capture_output=True, text=True, check=True)
            runs.append(json.loads(out.stdout))
        best = min(runs, key=lambda r: r["cpu_seconds"])
        print(which, json.dumps(best, sort_keys=True))


if __name__ == "__main__":
    main()

"""playbooks/readiness_report.yml against the converged rerun of connect_data_center.yml on the same lab estate
(tests/estate), forks 20, with the estate benchmark's runner (wall, controller CPU, peak memory).

For each size: a fresh estate and a reset sandbox, the main job once (first run), then its converged rerun and the
readiness report on the converged estate, each timed; the target is the report within 1.5x of the rerun.

    sudo .venv/bin/python tests/benchmarks/readiness/bench_readiness.py [SIZES...]   # default 10 100
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "tests" / "benchmarks" / "estate"))

import bench_estate  # noqa: E402  (the estate benchmark's runner and sandbox reset)
from lab_estate.estate import Estate  # noqa: E402

CONNECT = ROOT / "playbooks" / "connect_data_center.yml"
READINESS = ROOT / "playbooks" / "readiness_report.yml"
SANDBOX_ENV = dict(os.environ, PYTHONPATH=str(ROOT / "tests" / "sandbox"))


def main(sizes):
    work = Path(tempfile.mkdtemp(prefix="bench-readiness-"))
    sandbox_dir = work / "sandbox"
    subprocess.run([sys.executable, "-m", "atlassian_sandbox", "start", "--dir", str(sandbox_dir)], check=True,
                   capture_output=True, env=SANDBOX_ENV)
    env = json.loads((sandbox_dir / "sandbox.json").read_text())
    rows = []
    try:
        for size in sizes:
            bench_estate.reset_sandbox(env)
            estate = Estate(work / ("estate-%d" % size))
            started = time.monotonic()
            try:
                # Inside the try: a start that fails half-way leaves namespaces that stop() removes.
                estate.start(nodes=size, private_nodes=2 if size >= 10 else 0,
                             sandbox_env=sandbox_dir / "sandbox.json", timeout=600)
                build = time.monotonic() - started
                bench_estate.run(CONNECT, estate)
                rerun = bench_estate.run(CONNECT, estate)
                report = bench_estate.run(READINESS, estate, extra=["-e", "readiness_report_dest=%s" % (work / "r")])
            finally:
                estate.stop()
            row = {"nodes": size, "build_s": round(build, 1), "rerun": rerun, "report": report,
                   "report_vs_rerun_wall": round(report["wall"] / rerun["wall"], 2),
                   "report_vs_rerun_cpu": round(report["cpu"] / rerun["cpu"], 2)}
            rows.append(row)
            print(json.dumps(row), flush=True)
    finally:
        subprocess.run([sys.executable, "-m", "atlassian_sandbox", "stop", "--dir", str(sandbox_dir)],
                       capture_output=True, env=SANDBOX_ENV, check=False)
    print("| nodes | rerun wall s | rerun CPU s | report wall s | report CPU s | report peak MiB | "
          "report/rerun wall | report/rerun CPU |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print("| %d | %.1f | %.1f | %.1f | %.1f | %.0f | %.2fx | %.2fx |" % (
            r["nodes"], r["rerun"]["wall"], r["rerun"]["cpu"], r["report"]["wall"], r["report"]["cpu"],
            r["report"]["peak_mib"], r["report_vs_rerun_wall"], r["report_vs_rerun_cpu"]))


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [10, 100])

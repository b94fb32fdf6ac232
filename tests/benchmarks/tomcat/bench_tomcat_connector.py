"""Edit the stock Jira server.xml for an application tunnel with tomcat_connector and with community.general.xml.

Records, for each tool: the size of the unified diff of the file, whether anything outside the Connector start
tag moved, whether Jira's `&#x5c;&#x60;` character references survived, whether a rerun reports a change, and
the CPU time (user + system, of all child processes) of `ansible-playbook` for the change run and the rerun
(median of ROUNDS), and the CPU time of the module processes alone for the change (one tomcat_connector call, or one community.general.xml call per attribute;
median of MODULE_ROUNDS), which leaves out ansible-playbook's own start-up.

community.general.xml comes from the `ansible` PyPI package in a separate venv (never the project's .venv):

    python3 -m venv .build/bench-venv && .build/bench-venv/bin/pip install 'ansible>=12,<13' lxml
    .build/bench-venv/bin/python tests/benchmarks/tomcat/bench_tomcat_connector.py
"""

from __future__ import annotations

import difflib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
STOCK = ROOT / "tests" / "unit" / "tomcat" / "files" / "jira_server.xml"
ROUNDS = 3
MODULE_ROUNDS = 10
TUNNEL = {"secure": "true", "scheme": "https", "proxyName": "jira.example.com", "proxyPort": "443"}

OURS = """
- hosts: localhost
  gather_facts: false
  tasks:
    - dcops.atlassian_cloud.tomcat_connector:
        path: "{{ file }}"
        port: 8080
        attributes: %s
""" % TUNNEL

# community.general.xml sets one attribute per task.
THEIRS = """
- hosts: localhost
  gather_facts: false
  tasks:
""" + "".join(
    """    - community.general.xml:
        path: "{{ file }}"
        xpath: "/Server/Service/Connector[@port='8080']"
        attribute: %s
        value: "%s"
""" % item for item in TUNNEL.items()
)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(playbook: Path, target: Path) -> tuple[float, str]:
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(ROOT / ".build" / "collections"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_LOCALHOST_WARNING="False", ANSIBLE_INVENTORY_UNPARSED_WARNING="False")
    command = [str(Path(sys.executable).parent / "ansible-playbook"), "-i", "localhost,", "-c", "local",
               "-e", f"ansible_python_interpreter={sys.executable}", "-e", f"file={target}", str(playbook)]
    started = children_cpu()
    completed = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    return children_cpu() - started, completed.stdout


def module_calls(name: str, target: Path) -> list[tuple[Path, dict]]:
    """The module file and its arguments for each call the change needs."""
    if name == "tomcat_connector":
        return [(ROOT / "plugins" / "modules" / "tomcat_connector.py", {"path": str(target), "port": 8080, "attributes": TUNNEL})]
    import ansible_collections.community.general.plugins.modules as general_modules

    xml_module = Path(general_modules.__path__[0]) / "xml.py"
    return [
        (xml_module, {"path": str(target), "xpath": "/Server/Service/Connector[@port='8080']", "attribute": key, "value": value})
        for key, value in TUNNEL.items()
    ]


def time_module(name: str, workdir: Path) -> float:
    """CPU seconds spent in the module processes that make the change on a fresh copy of the stock file."""
    target = workdir / f"{name}-module-server.xml"
    shutil.copy(STOCK, target)
    env = dict(os.environ, PYTHONPATH=str(ROOT / ".build" / "collections"))
    elapsed = 0.0
    for index, (module, arguments) in enumerate(module_calls(name, target)):
        args_file = workdir / f"args-{index}.json"
        args_file.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": arguments}))
        # runpy keeps the module's directory off sys.path (community.general has a module named pkgutil).
        code = "import runpy, sys; path = sys.argv[2]; sys.argv = ['module', sys.argv[1]]; runpy.run_path(path, run_name='__main__')"
        started = children_cpu()
        subprocess.run([sys.executable, "-c", code, str(args_file), str(module)], check=True, capture_output=True, env=env)
        elapsed += children_cpu() - started
    return elapsed


def measure(name: str, playbook_text: str, workdir: Path) -> dict:
    playbook = workdir / f"{name}.yml"
    playbook.write_text(playbook_text)
    original = STOCK.read_text()
    change_times, rerun_times = [], []
    for _round in range(ROUNDS):
        target = workdir / f"{name}-server.xml"
        shutil.copy(STOCK, target)
        elapsed, _stdout = run(playbook, target)
        change_times.append(elapsed)
        after = target.read_text()
        elapsed, stdout = run(playbook, target)
        rerun_times.append(elapsed)
    module_times = [time_module(name, workdir) for _round in range(MODULE_ROUNDS)]
    diff = [line for line in difflib.unified_diff(original.splitlines(), after.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    start = original.index('<Connector port="8080" relaxedPathChars')
    end = original.index("/>", start) + 2
    return {
        "tool": name,
        "diff_lines": len(diff),
        "outside_tag_unchanged": after.startswith(original[:start]) and after.endswith(original[end:]),
        "char_refs_kept": after.count("&#x5c;&#x60;") == original.count("&#x5c;&#x60;"),
        "rerun_changed": "changed=0" not in stdout,
        "change_s": statistics.median(change_times),
        "rerun_s": statistics.median(rerun_times),
        "module_s": statistics.median(module_times),
    }


def main():
    with tempfile.TemporaryDirectory(prefix="bench-tomcat-") as tmp:
        rows = [measure("tomcat_connector", OURS, Path(tmp)), measure("community.general.xml", THEIRS, Path(tmp))]
    print("| tool | diff lines (+/-) | bytes outside the tag unchanged | `&#x5c;&#x60;` kept | rerun reports a change "
          "| playbook change run (CPU s) | playbook rerun (CPU s) | module processes for the change (CPU s) |")
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        print("| {tool} | {diff_lines} | {outside_tag_unchanged} | {char_refs_kept} | {rerun_changed} "
              "| {change_s:.2f} | {rerun_s:.2f} | {module_s:.3f} |".format(**row))
    print(f"\nMedians of {ROUNDS} playbook rounds and {MODULE_ROUNDS} module rounds; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs.")


if __name__ == "__main__":
    main()

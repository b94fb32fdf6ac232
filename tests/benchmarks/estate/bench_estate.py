"""connect_data_center.yml on lab estates of growing size (tests/estate), forks 20.

For each size: a fresh estate (2 Tomcat nodes on the private Jira instance from 10 nodes up, the rest on the
Confluence instance; 1 node: one Confluence node) and a reset sandbox, then
  - the first run of connect_data_center.yml, step 4 of the guide done as an administrator does it in the browser
    (the apps connected on each connector), and the converged rerun (wall, controller CPU, changed=0 checked);
  - in the same converged estate, hand-written playbooks that only read (the rerun and the first of them alternate
    BENCH_PAIRS times, 3 by default, and their medians are compared):
    - the same-reads playbook (READ_SAME): every request the rerun makes, checked against the sandbox's request log
      (the run stops when the two differ), with ansible.builtin.uri loops, and on each node what the node's steps
      read (rule set, persisted rules, the destination's addresses; server.xml, the JVM's tunnel port, the
      listener) with one ansible.builtin.shell;
    - the read-only subset of runs 1 to 6 (READ_ONLY): one uri or command task per thing, 9 of the rerun's 20
      requests at 10 nodes, and the same playbook with ansible.builtin.debug tasks instead;
    their ratios to the rerun;
  - controller peak memory (sum of the PSS of ansible-playbook and all its descendants, sampled every 0.1 s),
    and the peak of ansible-playbook's own process (what holds hostvars and results);
  - the rerun's slowest tasks and its controller CPU per role (tests/benchmarks/estate/callback_plugins/task_times.py),
    from a profiled rerun and same-reads run made after the measured ones: the callback slows what it times.
CPU is user + system of ansible-playbook and every process it waited for (workers, module processes, ssh
clients), split into ansible-playbook's own process and the rest; the nodes' own sshd and Python run in the
estate's namespaces on the same machine and are not counted.
Every measured run starts without SSH connections to the nodes (its own ControlPath directory), as a rerun
made later does, and its ControlMaster processes are closed after it: a master left from an earlier run would
hand the next playbook its connections for free (a new connection costs the controller about 0.1 s of CPU), so
which playbook reused them would depend on how long the one before took.

    sudo .venv/bin/python tests/benchmarks/estate/bench_estate.py [SIZES...]   # default 1 10 50 100
    BENCH_RERUN_TASKS=/tmp/rerun-%d.json ...                                   # also every rerun task, per size
    BENCH_SAME_TASKS=/tmp/same-%d.json ...                                     # and every same-reads task
    BENCH_PAIRS=5 ...                                                          # rerun / same-reads pairs (3)
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "tests" / "estate"))
sys.path.insert(0, str(ROOT / "tests" / "sandbox"))

from lab_estate.estate import Estate  # noqa: E402

PLAYBOOK = ROOT / "playbooks" / "connect_data_center.yml"
CALLBACKS = Path(__file__).resolve().parent / "callback_plugins"
FORKS = 20
# The rerun and the same-reads playbook alternate this many times per size; their medians are compared. One pair
# alone swings by 5-8 % between repeats at 10 nodes (run 11), as much as the gap it measures.
PAIRS = int(os.environ.get("BENCH_PAIRS", "3"))

# The read-only subset of runs 1 to 6: one task per thing read, fewer things than the rerun reads (9 of its 20 requests at
# 10 nodes: no administrator check, allowlist status, organization read or app connectors; no persisted rules).
READ_ONLY = """
- name: Read the instances
  hosts: dc_instances
  gather_facts: false
  tasks:
    - name: Version
      ansible.builtin.uri:
        url: "{{ dc_url }}{{ '/rest/applinks/1.0/manifest' if 'confluence' in dc_url else '/rest/api/2/serverInfo' }}"
        url_username: "{{ dc_user }}"
        url_password: "{{ dc_password }}"
        force_basic_auth: true
        ca_path: "{{ dc_ca_path }}"
        headers: {Accept: application/json}
    - name: Allowlist
      ansible.builtin.uri:
        url: "{{ dc_url }}/rest/whitelist/latest/whitelist"
        url_username: "{{ dc_user }}"
        url_password: "{{ dc_password }}"
        force_basic_auth: true
        ca_path: "{{ dc_ca_path }}"
    - name: Cloud Companion app
      ansible.builtin.uri:
        url: "{{ dc_url }}/rest/plugins/1.0/com.atlassian.cloud-companion-key"
        url_username: "{{ dc_user }}"
        url_password: "{{ dc_password }}"
        force_basic_auth: true
        ca_path: "{{ dc_ca_path }}"
        status_code: [200, 404]
      when: "'portfolio_insights' in dc_apps"
    - name: Connector, DC side
      ansible.builtin.uri:
        url: "{{ dc_url }}/rest/cloud-connector/1.0/connection"
        url_username: "{{ dc_user }}"
        url_password: "{{ dc_password }}"
        force_basic_auth: true
        ca_path: "{{ dc_ca_path }}"
    - name: Connectors, cloud side
      ansible.builtin.uri:
        url: "{{ atlassian_api_url }}/admin/v1/orgs/{{ atlassian_org_id }}/connected-sources/connectors"
        headers: {Authorization: "Bearer {{ atlassian_org_api_key }}"}
        ca_path: "{{ atlassian_ca_path }}"

- name: Read the nodes
  hosts: dc_nodes
  gather_facts: false
  tasks:
    - name: Firewall ruleset
      ansible.builtin.command: "{{ 'iptables -S OUTPUT' if dc_firewall_backend == 'iptables' else 'nft -j list ruleset' }}"
      changed_when: false
    - name: server.xml
      ansible.builtin.command: cat {{ app_tunnel_install_dir }}/conf/server.xml
      changed_when: false
      when: app_tunnel_install_dir is defined
    - name: Health
      ansible.builtin.uri:
        url: "{{ app_tunnel_health_url }}"
      when: app_tunnel_health_url is defined
"""


# What a converged rerun reads, request for request (the benchmark checks it against the sandbox's request log) and
# file for file, written the way a careful user would write a read-only playbook: one `uri` task with a loop per
# service and instance (one worker, one module build), one `shell` per node for what the node's steps read.
READ_SAME = """
- name: Read the instances
  hosts: dc_instances
  gather_facts: false
  vars:
    confluence: "{{ 'confluence' in dc_url }}"
  tasks:
    - name: Data Center reads (version, administrator, allowlist, app, connection and its apps)
      ansible.builtin.uri:
        url: "{{ dc_url }}{{ item }}"
        url_username: "{{ dc_user }}"
        url_password: "{{ dc_password }}"
        force_basic_auth: true
        ca_path: "{{ dc_ca_path }}"
        headers: {Accept: application/json}
        status_code: [200, 404]
      loop: >-
        {{ ['/rest/api/2/serverInfo'] + (['/rest/applinks/1.0/manifest'] if confluence else [])
           + ['/rest/plugins/1.0/?os_authType=basic', '/rest/whitelist/latest/whitelist',
              '/rest/whitelist/latest/whitelist/status']
           + (['/rest/plugins/1.0/com.atlassian.cloud-companion-key'] if 'portfolio_insights' in dc_apps else [])
           + ['/rest/cloud-connector/1.0/connection', '/rest/cloud-connector/1.0/connection/apps'] }}
    - name: Organization reads (the organization, its connectors)
      ansible.builtin.uri:
        url: "{{ atlassian_api_url }}/admin/v1/orgs/{{ atlassian_org_id }}{{ item }}"
        headers: {Authorization: "Bearer {{ atlassian_org_api_key }}", Accept: application/json}
        ca_path: "{{ atlassian_ca_path }}"
      loop: ['', /connected-sources/connectors]
      register: org_reads
    - name: The instance's connector's apps
      ansible.builtin.uri:
        url: "{{ atlassian_api_url }}/admin/v1/orgs/{{ atlassian_org_id }}/connected-sources/connectors/{{ connector.id }}/apps"
        headers: {Authorization: "Bearer {{ atlassian_org_api_key }}", Accept: application/json}
        ca_path: "{{ atlassian_ca_path }}"
      vars:
        connector: "{{ org_reads.results[1].json.data | selectattr('baseUrl', 'equalto', dc_base_url | default(dc_url)) | first }}"

- name: Read the nodes
  hosts: dc_nodes
  gather_facts: false
  tasks:
    - name: Firewall (the rule set, the persisted rules, the main configuration, the destination's addresses)
      ansible.builtin.shell: >-
        nft -j list ruleset && cat /etc/nftables.d/dcops-egress-atlassian-cloud.nft /etc/nftables.conf
        && getent ahosts api.atlassian.com
      changed_when: false
    - name: Tunnel (server.xml, the JVM's tunnel upstream port, the connector's listener)
      ansible.builtin.shell:
        cmd: >-
          cat {{ app_tunnel_install_dir }}/conf/server.xml
          && { pgrep -a -f -- '-Dsecure[.]tunnel[.]upstream[.]port=' || [ $? -eq 1 ]; }
          && (exec 3<>/dev/tcp/{{ app_tunnel_health_url | urlsplit('hostname') }}/{{ app_tunnel_health_url | urlsplit('port') }})
        executable: /bin/bash
      changed_when: false
      when: app_tunnel_install_dir is defined
"""


def debug_only(text):
    """The read-only playbook with every task a debug task (same hosts, same conditions)."""
    out, skip = [], False
    for line in text.splitlines():
        if re.match(r"^      ansible\.builtin\.(uri|command):", line):
            out.append("      ansible.builtin.debug: {msg: read}")
            skip = True
            continue
        if skip and (line.startswith("        ") or re.match(r"^      changed_when", line)):
            continue
        skip = False
        out.append(line)
    return "\n".join(out) + "\n"


def tree_pss(pid):
    """Proportional set size in bytes of pid and all its descendants (from /proc): the forks share most of their
    pages with ansible-playbook, which a sum of RSS would count once per fork."""
    children = {}
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry, encoding="utf-8") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
        except (OSError, IndexError):
            continue
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            with open("/proc/%d/smaps_rollup" % current, encoding="utf-8") as rollup:
                total += next(int(line.split()[1]) for line in rollup if line.startswith("Pss:")) * 1024
        except (OSError, StopIteration):
            pass
        todo.extend(children.get(current, []))
    return total


def own_pss_and_cpu(pid):
    """(PSS bytes, user + system CPU seconds) of the process itself, without its children."""
    with open("/proc/%d/smaps_rollup" % pid, encoding="utf-8") as rollup:
        pss = next(int(line.split()[1]) for line in rollup if line.startswith("Pss:")) * 1024
    with open("/proc/%d/stat" % pid, encoding="utf-8") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return pss, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def close_masters(control_dir):
    """Stop the SSH ControlMaster processes a run left in control_dir (they would live 60 s more)."""
    for socket_path in control_dir.glob("*"):
        subprocess.run(["ssh", "-o", "ControlPath=%s" % socket_path, "-O", "exit", "lab-node"], capture_output=True,
                       timeout=30, check=False)
    for leftover in control_dir.glob("*"):
        # A master told to exit removes its own socket, possibly between the glob and the unlink.
        leftover.unlink(missing_ok=True)
    control_dir.rmdir()


def run(playbook, estate, extra=(), times_file=None):
    control_dir = Path(tempfile.mkdtemp(prefix="cp-", dir=estate.dir))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(ROOT / ".build" / "collections"), ANSIBLE_FORKS=str(FORKS),
               ANSIBLE_VAULT_PASSWORD_FILE=str(estate.dir / "vault-password"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_LOCALHOST_WARNING="False", ANSIBLE_SSH_CONTROL_PATH_DIR=str(control_dir))
    if times_file:
        # Only in the profiled runs: the callback waits for each task's workers to exit before the next task starts,
        # which a playbook with more tasks pays more often, so the measured runs go without it.
        env.update(ANSIBLE_CALLBACK_PLUGINS=str(CALLBACKS), ANSIBLE_CALLBACKS_ENABLED="task_times",
                   TASK_TIMES_FILE=str(times_file))
    load_before = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    proc = subprocess.Popen([str(Path(sys.executable).parent / "ansible-playbook"), "-i", str(estate.dir / "inventory"),
                             str(playbook), *extra], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    peak = [0]
    own = {"peak": 0, "cpu": 0.0}
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], tree_pss(proc.pid))
            try:
                pss, cpu = own_pss_and_cpu(proc.pid)
                own["peak"], own["cpu"] = max(own["peak"], pss), cpu
            except (OSError, StopIteration):
                pass
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output = proc.communicate()[0]
    wall = time.monotonic() - started
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    close_masters(control_dir)
    if proc.returncode != 0:
        failures = "\n".join(line for line in output.splitlines() if line.startswith(("fatal:", "failed:")))
        raise SystemExit("%s failed (%d):\n%s" % (playbook, proc.returncode, failures or output[-4000:]))
    changed = sum(int(n) for n in re.findall(r"changed=(\d+)", output))
    # The last sample of ansible-playbook's own CPU is at most 0.1 s old: its final summary is not in it.
    return {"wall": round(wall, 2), "cpu": round(cpu, 2), "cpu_playbook_process": round(own["cpu"], 2),
            "peak_mib": round(peak[0] / 2 ** 20, 1), "playbook_process_peak_mib": round(own["peak"] / 2 ** 20, 1),
            "changed": changed, "load_before": round(load_before, 1), "load_after": round(os.getloadavg()[0], 1)}


def median_run(runs):
    """One run's figures from repeated runs of a playbook: the median of each (the most changes for `changed`), and
    the walls of all of them."""
    merged = {key: (max(r[key] for r in runs) if key == "changed" else statistics.median(r[key] for r in runs))
              for key in runs[0]}
    merged["walls"] = [r["wall"] for r in runs]
    return merged


def by_role(tasks):
    """Host-tasks (one per host a task ran or skipped on: what a run pays a worker fork for) and controller CPU
    seconds of a run, per role and for the playbook's own tasks."""
    counts, cpu = {}, {}
    for name, _seconds, hosts, task_cpu in tasks:
        role = name.split(" : ", 1)[0].rsplit(".", 1)[-1] if " : " in name else "playbook"
        counts[role] = counts.get(role, 0) + hosts
        cpu[role] = round(cpu.get(role, 0.0) + task_cpu, 2)
    return (dict(sorted(counts.items()), total=sum(counts.values())),
            dict(sorted(cpu.items()), total=round(sum(cpu.values()), 2)))


def sandbox_call(env, method, path, body=None, headers=None):
    """A call to the sandbox (its control API on any persona's port, or the cloud persona's API), its JSON answer."""
    import ssl
    import urllib.request

    context = ssl.create_default_context(cafile=env["ca_path"])
    request = urllib.request.Request("https://localhost:%d%s" % (env["personas"]["cloud"]["port"], path), method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers=dict(headers or {}, **({"Content-Type": "application/json"} if body else {})))
    with urllib.request.urlopen(request, context=context, timeout=10) as answer:
        body = answer.read()
    return json.loads(body) if body.strip() else None


def finish_step_4(env):
    """Step 4 of the guide, which an administrator does in the browser: connect the apps each instance connects (the
    lab inventory's dc_apps: Rovo on both, Portfolio Insights on Jira), so the rerun meets a fully linked estate and
    not one still pending step 4."""
    cloud = env["personas"]["cloud"]
    products = {persona["url"].rstrip("/"): persona.get("product") for persona in env["personas"].values()}
    connectors = sandbox_call(env, "GET", "/_sandbox/state")["cloud"]["cloud_connector"]["connectors"]
    for connector in connectors.values():
        product = products.get(connector["baseUrl"].rstrip("/"))
        for app_type in ["rovo-" + product] + (["portfolio-insights"] if product == "jira" else []):
            sandbox_call(env, "POST", "/admin/v1/orgs/%s/connected-sources/connectors/%s/apps" % (
                cloud["org_id"], connector["id"]), body={"type": app_type},
                headers={"Authorization": "Bearer " + cloud["api_key"]})


def requests_made(env):
    """The requests the sandbox answered since its log was last cleared (persona, method, path, query, status),
    sorted, and the log cleared again."""
    entries = sandbox_call(env, "GET", "/_sandbox/log") or []
    sandbox_call(env, "DELETE", "/_sandbox/log")
    return sorted("%s %s %s %s %s" % (e["persona"], e["method"], e["path"], json.dumps(e.get("query") or {}, sort_keys=True),
                                      e["status"]) for e in entries)


def main(sizes):
    work = Path(tempfile.mkdtemp(prefix="bench-estate-"))
    sandbox_dir = work / "sandbox"
    subprocess.run([sys.executable, "-m", "atlassian_sandbox", "start", "--dir", str(sandbox_dir), "--timeout", "120"], check=True,
                   capture_output=True, env=dict(os.environ, PYTHONPATH=str(ROOT / "tests" / "sandbox")))
    env = json.loads((sandbox_dir / "sandbox.json").read_text())
    read_only, read_same, debug = work / "read_only.yml", work / "read_same.yml", work / "debug_only.yml"
    read_only.write_text(READ_ONLY)
    read_same.write_text(READ_SAME)
    debug.write_text(debug_only(READ_ONLY))
    results = []
    try:
        for size in sizes:
            sandbox_call(env, "POST", "/_sandbox/reset")
            estate = Estate(work / ("estate-%d" % size))
            started = time.monotonic()
            state = estate.start(nodes=size, private_nodes=2 if size >= 10 else 0,
                                 sandbox_env=sandbox_dir / "sandbox.json", timeout=600)
            build = time.monotonic() - started
            try:
                first = run(PLAYBOOK, estate)
                finish_step_4(env)
                times = work / ("rerun-times-%d.json" % size)
                same_times = work / ("same-times-%d.json" % size)
                sandbox_call(env, "DELETE", "/_sandbox/log")
                reruns, sames = [run(PLAYBOOK, estate)], []
                rerun_requests = requests_made(env)
                sames.append(run(read_same, estate))
                same_requests = requests_made(env)
                if same_requests != rerun_requests:
                    raise SystemExit("the same-reads playbook does not make the rerun's requests:\n  only the rerun: %s\n"
                                     "  only the same-reads playbook: %s" % (
                                         sorted(set(rerun_requests) - set(same_requests)),
                                         sorted(set(same_requests) - set(rerun_requests))))
                for _pair in range(PAIRS - 1):
                    reruns.append(run(PLAYBOOK, estate))
                    sames.append(run(read_same, estate))
                if any(r["changed"] for r in reruns):
                    raise SystemExit("a rerun changed things: %s" % [r["changed"] for r in reruns])
                rerun, ours_same = median_run(reruns), median_run(sames)
                ours_read = run(read_only, estate)
                ours_debug = run(debug, estate)
                # The profile: where the rerun and the same-reads playbook spend their time, task by task.
                profiled = run(PLAYBOOK, estate, times_file=times)
                if profiled["changed"]:
                    raise SystemExit("the profiled rerun changed %d things" % profiled["changed"])
                run(read_same, estate, times_file=same_times)
            finally:
                estate.stop()
            rerun_tasks = json.loads(times.read_text())
            rerun_host_tasks, rerun_cpu = by_role(rerun_tasks)
            same_host_tasks, _same_cpu = by_role(json.loads(same_times.read_text()))
            if os.environ.get("BENCH_RERUN_TASKS"):
                # Every task of the rerun with the hosts it ran or skipped on, for reading where the host-tasks are.
                Path(os.environ["BENCH_RERUN_TASKS"] % size).write_text(json.dumps(rerun_tasks, indent=0))
            if os.environ.get("BENCH_SAME_TASKS"):
                shutil.copyfile(same_times, os.environ["BENCH_SAME_TASKS"] % size)
            slowest = sorted(rerun_tasks, key=lambda t: -t[1])[:10]
            row = {"nodes": size, "hosts": size + len(state["instances"]),
                   "build_s": round(build, 1), "first": first, "rerun": rerun, "read_same": ours_same,
                   "read_only": ours_read, "debug_only": ours_debug, "rerun_requests": len(rerun_requests),
                   "rerun_cpu_per_node": round(rerun["cpu"] / size, 3),
                   "rerun_wall_per_node": round(rerun["wall"] / size, 3),
                   "rerun_vs_read_same_wall": round(rerun["wall"] / ours_same["wall"], 2),
                   "rerun_vs_read_same_wall_pairs": sorted(round(r["wall"] / m["wall"], 2) for r, m in zip(reruns, sames)),
                   "rerun_vs_read_same_cpu": round(rerun["cpu"] / ours_same["cpu"], 2),
                   "rerun_vs_read_only_wall": round(rerun["wall"] / ours_read["wall"], 2),
                   "rerun_vs_read_only_cpu": round(rerun["cpu"] / ours_read["cpu"], 2),
                   "rerun_vs_debug_wall": round(rerun["wall"] / ours_debug["wall"], 2),
                   "rerun_vs_debug_cpu": round(rerun["cpu"] / ours_debug["cpu"], 2),
                   "rerun_host_tasks": rerun_host_tasks, "rerun_cpu_by_role": rerun_cpu,
                   "read_same_host_tasks": same_host_tasks["total"],
                   "slowest_rerun_tasks": slowest}
            results.append(row)
            print(json.dumps(row), flush=True)
    finally:
        subprocess.run([sys.executable, "-m", "atlassian_sandbox", "stop", "--dir", str(sandbox_dir)],
                       capture_output=True, check=False, env=dict(os.environ, PYTHONPATH=str(ROOT / "tests" / "sandbox")))
        shutil.rmtree(work, ignore_errors=True)
    print("| nodes | first wall / CPU s | rerun wall / CPU s | rerun CPU per node s | rerun CPU in ansible-playbook s | "
          "peak MiB (ansible-playbook alone) | same-reads wall / CPU s | rerun / same-reads (wall (each pair), CPU) | "
          "read-only subset wall / CPU s | rerun / read-only subset (wall, CPU) | debug wall / CPU s | "
          "rerun / debug (wall, CPU) | load | rerun changed | host-tasks rerun / same-reads |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        first, rerun, same, ro, dbg = r["first"], r["rerun"], r["read_same"], r["read_only"], r["debug_only"]
        loads = [v for run_ in (first, rerun, same, ro, dbg) for v in (run_["load_before"], run_["load_after"])]
        print("| %d | %.1f / %.1f | %.1f / %.1f | %.3f | %.1f | %.0f (%.0f) | %.1f / %.1f | %.2fx (%s), %.2fx | %.1f / %.1f "
              "| %.2fx, %.2fx | %.1f / %.1f | %.1fx, %.1fx | %.1f-%.1f | %d | %d / %d |" % (
                  r["nodes"], first["wall"], first["cpu"], rerun["wall"], rerun["cpu"], r["rerun_cpu_per_node"],
                  rerun["cpu_playbook_process"], rerun["peak_mib"], rerun["playbook_process_peak_mib"], same["wall"],
                  same["cpu"], r["rerun_vs_read_same_wall"], " ".join("%.2f" % x for x in r["rerun_vs_read_same_wall_pairs"]),
                  r["rerun_vs_read_same_cpu"], ro["wall"], ro["cpu"],
                  r["rerun_vs_read_only_wall"], r["rerun_vs_read_only_cpu"], dbg["wall"], dbg["cpu"],
                  r["rerun_vs_debug_wall"], r["rerun_vs_debug_cpu"], min(loads), max(loads), rerun["changed"],
                  r["rerun_host_tasks"]["total"], r["read_same_host_tasks"]))
    for r in results:
        print("rerun CPU by role at %d nodes (s, from the task callback): %s" % (
            r["nodes"], ", ".join("%s %.2f" % item for item in r["rerun_cpu_by_role"].items())))
    # Memory per host: growth of the rerun's peak between two sizes, for the whole tree and for ansible-playbook.
    pairs = list(zip(results, results[1:])) + ([(results[1], results[-1])] if len(results) > 3 else [])
    for small, large in pairs:
        hosts = large["hosts"] - small["hosts"]
        print("rerun peak memory from %d to %d nodes: %+.2f MiB a host (ansible-playbook alone %+.3f MiB a host)" % (
            small["nodes"], large["nodes"], (large["rerun"]["peak_mib"] - small["rerun"]["peak_mib"]) / hosts,
            (large["rerun"]["playbook_process_peak_mib"] - small["rerun"]["playbook_process_peak_mib"]) / hosts))


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1, 10, 50, 100])

"""Network-namespace labs for the egress tests: a "DC node" that drops output and a "cloud" TLS peer.

Nothing outside loopback and the namespaces made here is ever a target. Each lab holds a process
(`holder`) inside the DC namespace with a private mount namespace, so config directories the firewall
tools write (/etc/ufw, /etc/firewalld, /etc/default/ufw, /run/dbus) are temporary copies and the host's
are never modified. Everything (the module included) runs in the DC node through
`nsenter -t <holder> -m -n`, which also gives it the namespace's /etc/hosts (bind-mounted by
`ip netns exec` when the holder started).
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import trustme
import yaml

from helpers import ModuleProcess, run_playbook

HERE = Path(__file__).resolve().parent
COLLECTIONS = HERE.parents[2] / ".build" / "collections"
PYTHON = sys.executable
API_HOST = "api.atlassian.com"
DC_V4, CLOUD_V4, ALT_V4 = "10.77.0.1", "10.77.0.2", "10.77.0.3"
DC_V6, CLOUD_V6, ALT_V6 = "fd77::1", "fd77::2", "fd77::3"
_counter = itertools.count()


def sh(*args, check=True, **kwargs):
    return subprocess.run(list(args), check=check, capture_output=True, text=True, **kwargs)


def require_root_and_tools(*tools):
    if os.geteuid() != 0:
        pytest.skip("network namespaces need root")
    missing = [tool for tool in ("ip", "nsenter", "unshare") + tools if shutil.which(tool) is None]
    if missing:
        pytest.skip("missing tools: %s" % ", ".join(missing))


@pytest.fixture(scope="session")
def tls_ca(tmp_path_factory):
    """A CA and a certificate for api.atlassian.com, only trusted by the probes."""
    ca = trustme.CA()
    cert = ca.issue_cert(API_HOST)
    directory = tmp_path_factory.mktemp("tls")
    ca.cert_pem.write_to_path(str(directory / "ca.pem"))
    cert.private_key_pem.write_to_path(str(directory / "key.pem"))
    cert.cert_chain_pems[0].write_to_path(str(directory / "cert.pem"))
    return directory


class EgressLab:
    """One DC-node namespace and one cloud namespace joined by a veth pair."""

    def __init__(self, tmp: Path, tls: Path, private_dirs=(), private_files=()):
        tag = "%d%d" % (os.getpid() % 100000, next(_counter))
        self.dc, self.cloud = "egdc%s" % tag, "egcl%s" % tag
        self.tmp, self.tls = tmp, tls
        self.private_dirs, self.private_files = private_dirs, private_files
        self.processes = []
        self.holder = None

    # -- life cycle ------------------------------------------------------------------------------------------
    def start(self):
        veth_dc, veth_cloud = "ve%sd" % self.dc[4:], "ve%sc" % self.dc[4:]
        sh("ip", "netns", "add", self.dc)
        sh("ip", "netns", "add", self.cloud)
        sh("ip", "link", "add", veth_dc, "netns", self.dc, "type", "veth", "peer", "name", veth_cloud,
           "netns", self.cloud)
        for ns, dev, addrs in ((self.dc, veth_dc, [DC_V4 + "/24", DC_V6 + "/64"]),
                               (self.cloud, veth_cloud, [CLOUD_V4 + "/24", ALT_V4 + "/24", CLOUD_V6 + "/64",
                                                         ALT_V6 + "/64"])):
            sh("ip", "-n", ns, "link", "set", "lo", "up")
            for addr in addrs:
                sh("ip", "-n", ns, "addr", "add", addr, "dev", dev, *(["nodad"] if ":" in addr else []))
            sh("ip", "-n", ns, "link", "set", dev, "up")
        Path("/etc/netns", self.dc).mkdir(parents=True, exist_ok=True)
        self.point(CLOUD_V4, CLOUD_V6)
        peer = subprocess.Popen(["ip", "netns", "exec", self.cloud, PYTHON, str(HERE / "tls_peer.py"),
                                 str(self.tls / "cert.pem"), str(self.tls / "key.pem"), "443", "8443"],
                                stdout=subprocess.PIPE, text=True)
        self.processes.append(peer)
        assert peer.stdout.readline().strip() == "ready"
        self.holder = self._start_holder()
        return self

    def _start_holder(self):
        mounts = []
        for index, path in enumerate(self.private_dirs + self.private_files):
            copy = self.tmp / ("private%d" % index)
            if path in self.private_dirs:
                shutil.copytree(path, copy, symlinks=True)
            else:
                shutil.copy2(path, copy)
            mounts.append("mount --bind %s %s" % (copy, path))
        script = "; ".join(mounts + ["mount -t tmpfs tmpfs /run/dbus", "mkdir -p /run/firewalld",
                                     "mount -t tmpfs tmpfs /run/firewalld", "echo ready", "exec sleep infinity"])
        holder = subprocess.Popen(["ip", "netns", "exec", self.dc, "unshare", "-m", "--propagation", "private",
                                   "sh", "-c", script], stdout=subprocess.PIPE, text=True)
        self.processes.append(holder)
        assert holder.stdout.readline().strip() == "ready"
        return holder.pid

    def stop(self):
        for process in reversed(self.processes):
            process.kill()
            process.wait()
        for ns in (self.dc, self.cloud):
            sh("ip", "netns", "del", ns, check=False)
        shutil.rmtree(Path("/etc/netns", self.dc), ignore_errors=True)

    # -- inside the DC node ----------------------------------------------------------------------------------------
    @property
    def prefix(self):
        return ["nsenter", "-t", str(self.holder), "-m", "-n"]

    def run(self, *args, check=True, **kwargs):
        """Run a command inside the DC node (its netns and private mounts)."""
        return sh(*self.prefix, *args, check=check, **kwargs)

    def spawn(self, *args):
        process = subprocess.Popen(self.prefix + list(args), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.processes.append(process)
        return process

    def point(self, *addresses):
        """Map api.atlassian.com to `addresses` in the DC node's hosts file (written in place: it is bind-mounted)."""
        lines = ["127.0.0.1 localhost"] + ["%s %s" % (addr, API_HOST) for addr in addresses]
        with open(Path("/etc/netns", self.dc, "hosts"), "w", encoding="utf-8") as stream:
            stream.write("\n".join(lines) + "\n")

    def probe(self, *targets):
        """TLS results for (host, port) targets, dialled from the DC node."""
        out = self.run(PYTHON, str(HERE / "tls_probe.py"), str(self.tls / "ca.pem"),
                       json.dumps([[host, port, API_HOST] for host, port in targets])).stdout
        return json.loads(out)

    def reachable(self, host, port=443):
        return self.probe((host, port))[0] == "ok"

    # -- the module -----------------------------------------------------------------------------------------------------
    def inventory(self):
        path = self.tmp / "inventory.yml"
        # Ansible quotes the interpreter as one word, so the nsenter prefix goes into a wrapper script.
        interpreter = self.tmp / "python-in-dc-node"
        interpreter.write_text('#!/bin/sh\nexec %s "$@"\n' % " ".join(self.prefix + [PYTHON]))
        interpreter.chmod(0o755)
        path.write_text(yaml.safe_dump({"all": {"hosts": {"dcnode": {
            "ansible_connection": "local", "ansible_python_interpreter": str(interpreter)}}}}))
        return path

    def _egress_task(self, check, diff, params):
        """dcops.atlassian_cloud.egress_rule run once in the DC node by ansible-playbook: the task's entry."""
        params.setdefault("name", "atlassian-cloud")
        playbook = yaml.safe_dump([{"hosts": "dcnode", "gather_facts": False, "tasks": [
            {"name": "egress", "dcops.atlassian_cloud.egress_rule": params}]}])
        return run_playbook(playbook, inventory=self.inventory(), check=check, diff=diff).task("egress")

    def egress(self, check=False, diff=True, **params):
        """Run egress_rule once in the DC node; return the task result (the task must succeed)."""
        result = self._egress_task(check, diff, params)
        details = {k: result["result"].get(k) for k in ("msg", "module_stderr", "module_stdout", "exception")}
        assert result["status"] == "ok", details
        return result["result"]

    def module(self, check=False, diff=True, **params):
        """Run the module file directly in the DC node (no ansible-playbook start-up): the same code path
        the playbook runs, used for the many intermediate steps of a scenario."""
        params.setdefault("name", "atlassian-cloud")
        result = ModuleProcess("egress_rule", params, check_mode=check, diff=diff, prefix=self.prefix).result()
        assert not result.get("failed"), result
        return result

    def egress_fails(self, **params):
        """Run egress_rule once in the DC node; return the task result (the task must fail)."""
        result = self._egress_task(False, False, params)
        assert result["status"] == "failed", result
        return result["result"]


@pytest.fixture
def egress_lab(tmp_path, tls_ca):
    """Factory: `egress_lab(tools=[...], private_dirs=[...], private_files=[...])` starts a lab (skipping when a
    tool is missing), stopped after the test."""
    labs = []

    def make(tools=(), private_dirs=(), private_files=()):
        require_root_and_tools(*tools)
        lab = EgressLab(tmp_path, tls_ca, tuple(private_dirs), tuple(private_files))
        labs.append(lab)
        return lab.start()

    yield make
    for lab in labs:
        lab.stop()


# -- the proof every backend goes through ----------------------------------------------------------------
def blocked(lab, *targets):
    return [result != "ok" for result in lab.probe(*targets)]


def run_scenario(lab, backend, **extra):
    """Before/after/idempotence/check mode/re-point/absent for one backend; returns the last results."""
    params = dict(backend=backend, destinations=[API_HOST], **extra)
    assert blocked(lab, (API_HOST, 443), (CLOUD_V6, 443)) == [True, True], "the DC node must start closed"

    planned = lab.module(check=True, **params)
    assert planned["changed"] and planned["backend"] == backend
    assert planned["addresses"] == [CLOUD_V4 + "/32", CLOUD_V6 + "/128"]
    assert CLOUD_V4 in planned["diff"][0]["after"] and planned["diff"][0]["before"] == ""
    assert blocked(lab, (API_HOST, 443)) == [True], "check mode must not open anything"

    applied = lab.egress(**params)
    assert applied["changed"]
    assert applied["rules"] == planned["rules"]
    assert applied["resolved"] == {API_HOST: [CLOUD_V4, CLOUD_V6]}
    # 443 to the name (IPv4 and IPv6) opens; another port and another address of the same peer stay closed.
    assert lab.probe((API_HOST, 443), (CLOUD_V4, 443), (CLOUD_V6, 443)) == ["ok", "ok", "ok"]
    assert blocked(lab, (CLOUD_V4, 8443), (CLOUD_V6, 8443), (ALT_V4, 443), (ALT_V6, 443)) == [True] * 4

    again = lab.egress(**params)
    assert not again["changed"], again.get("diff")
    assert not lab.module(check=True, **params)["changed"]

    # The name moves (as CloudFront addresses do): a rerun moves the rule set with it.
    lab.point(ALT_V4, ALT_V6)
    moving = lab.module(check=True, **params)
    assert moving["changed"]
    assert CLOUD_V4 in moving["diff"][0]["before"] and CLOUD_V4 not in moving["diff"][0]["after"]
    assert ALT_V4 in moving["diff"][0]["after"]
    assert lab.reachable(CLOUD_V4), "check mode must not move anything"
    moved = lab.module(**params)
    assert moved["changed"] and moved["addresses"] == [ALT_V4 + "/32", ALT_V6 + "/128"]
    assert lab.probe((API_HOST, 443), (ALT_V6, 443)) == ["ok", "ok"]
    assert blocked(lab, (CLOUD_V4, 443), (CLOUD_V6, 443)) == [True, True]
    assert not lab.module(**params)["changed"]

    removing = lab.module(check=True, name="atlassian-cloud", backend=backend, state="absent",
                          **{k: v for k, v in extra.items() if k != "ip_version"})
    assert removing["changed"] and removing["diff"][0]["after"] == ""
    assert lab.reachable(API_HOST)
    removed = lab.module(name="atlassian-cloud", backend=backend, state="absent",
                         **{k: v for k, v in extra.items() if k != "ip_version"})
    assert removed["changed"] and removed["rules"] == []
    assert blocked(lab, (API_HOST, 443), (ALT_V6, 443)) == [True, True]
    assert not lab.module(name="atlassian-cloud", backend=backend, state="absent",
                          **{k: v for k, v in extra.items() if k != "ip_version"})["changed"]
    return applied, removed


@pytest.fixture
def egress_scenario():
    """`egress_scenario(lab, backend, **extra_params)`: the full before/after/move/absent proof."""
    return run_scenario

"""Build and tear down a lab estate of Data Center nodes, each its own network namespace reached over SSH.

Layout of one run (every name carries the run id: the pid of the `start` that made it and a count):

- a bridge `estb<run>` in the controller's (root) namespace holding 10.213.X.1/24, X being the first /24 of
  10.213.0.0/16 no route of the controller uses yet; nothing else of the controller's network is touched, and the
  namespaces get no default route, so a node can reach nothing but the bridge's subnet;
- a "cloud" namespace `est<run>-cloud` on the bridge at .2 (what api.atlassian.com resolves to on every node)
  and .3 (another address, which must stay unreachable), with a TLS peer on 443 and 8443;
- per node a namespace `est<run>-<node>` on the bridge at .10 and up, holding one process tree: a private mount
  namespace where /etc, /opt and /var are overlays (so firewall configuration, the product's layout and the
  DC home the node writes are its own and the controller's files are never modified) and /run is a tmpfs, with
  the node's base firewall (output dropped except loopback and answers) and Debian's sshd on port 22;
- on the private instance's nodes a real Tomcat 10 (tests/integration/tomcat/files/tomcat_instance.sh) as
  CATALINA_BASE /opt/atlassian/jira.

Everything made is recorded in DIR/estate.json before it is made, so `stop` (and the next `start`, when an
earlier run crashed) removes exactly that.
"""

from __future__ import annotations

import itertools
import json
import os
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
FILES = Path(__file__).resolve().parent / "files"
FIREWALL_LAB = REPO / "tests" / "integration" / "firewall"
TLS_PEER, TLS_PROBE = FIREWALL_LAB / "tls_peer.py", FIREWALL_LAB / "tls_probe.py"
TOMCAT_FILES = REPO / "tests" / "integration" / "tomcat" / "files"
TOMCAT_SCRIPT = TOMCAT_FILES / "tomcat_instance.sh"
STATE_NAME = "estate.json"
API_HOST = "api.atlassian.com"
BACKENDS = ("nftables", "iptables")
NODE_PYTHON = "/usr/bin/python3"
SSHD = "/usr/sbin/sshd"
TOMCAT_HTTP_PORT, TOMCAT_SHUTDOWN_PORT = 8080, 8005
PRODUCTS = {
    # product: (install dir, home dir, web application directory inside the install dir)
    "jira": ("/opt/atlassian/jira", "/var/atlassian/application-data/jira", "atlassian-jira"),
    "confluence": ("/opt/atlassian/confluence", "/var/atlassian/application-data/confluence", "confluence"),
}

BASE_RULES = {
    # The node's own firewall before the collection touches it: output dropped except loopback and answers to
    # connections the node accepted (SSH from the controller). Inbound stays open, as on a node behind a
    # load balancer. Written where the distribution keeps it (the node's own /etc), so what the egress rule
    # persists is restored the way a boot would.
    "nftables": """#!/usr/sbin/nft -f
flush ruleset

table inet filter {
  chain output {
    type filter hook output priority filter; policy drop;
    oif "lo" accept comment "loopback"
    ct state established,related accept comment "answers to inbound connections"
  }
}

include "/etc/nftables.d/*.nft"
""",
    "iptables": """*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT DROP [0:0]
-A OUTPUT -o lo -m comment --comment loopback -j ACCEPT
-A OUTPUT -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment answers -j ACCEPT
COMMIT
""",
}
BASE_RULES_FILES = {"nftables": ["nftables.conf"], "iptables": ["iptables/rules.v4", "iptables/rules.v6"]}
BASE_RULES_LOAD = {
    "nftables": "nft -f /etc/nftables.conf",
    "iptables": "iptables-restore -w < /etc/iptables/rules.v4 && ip6tables-restore -w < /etc/iptables/rules.v6",
}


_STARTS = itertools.count()


class EstateError(Exception):
    pass


def sh(*args, check=True, timeout=60, **kwargs):
    proc = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=timeout, check=False,
                          **kwargs)
    if check and proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip()[-500:]
        raise EstateError("%s failed (%d): %s" % (" ".join(map(str, args)), proc.returncode, detail))
    return proc


@dataclass
class Node:
    name: str
    instance: str
    product: str
    address: str
    backend: str
    tomcat: bool
    netns: str
    veth: str
    pid: int = 0

    @property
    def install_dir(self):
        return PRODUCTS[self.product][0]

    @property
    def home_dir(self):
        return PRODUCTS[self.product][1]


@dataclass
class Instance:
    name: str
    persona: str
    private: bool
    nodes: list


def plan_instances(nodes, private_nodes):
    """The estate's instances: a private Jira (sandbox persona jira) with `private_nodes` Tomcat nodes, and a
    Confluence (persona confluence) with the remaining nodes."""
    if nodes < 1:
        raise EstateError("--nodes must be at least 1")
    private_nodes = min(private_nodes, nodes)
    plan = []
    if private_nodes:
        plan.append(("jira-lab", "jira", True, private_nodes))
    if nodes - private_nodes:
        plan.append(("confluence-lab", "confluence", False, nodes - private_nodes))
    return plan


class Estate:
    def __init__(self, workdir):
        self.dir = Path(workdir).resolve()
        self.state_file = self.dir / STATE_NAME

    # -- state ----------------------------------------------------------------------------------------------------
    def load(self):
        return json.loads(self.state_file.read_text()) if self.state_file.exists() else None

    def _save(self, state):
        tmp = self.state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(state, indent=2))
        tmp.replace(self.state_file)

    # -- start ----------------------------------------------------------------------------------------------------
    def start(self, nodes=2, private_nodes=2, backend="nftables", node_backends=None, sandbox_env=None,
              tomcat=True, timeout=120):
        for tool in ("ip", "nsenter", "unshare", SSHD, "ssh-keygen", "ssh"):
            if shutil.which(tool) is None:
                raise EstateError("missing tool: %s (scripts/setup.sh installs it)" % tool)
        if os.geteuid() != 0:
            raise EstateError("the lab estate needs root (network namespaces, mounts, firewalls)")
        if self.load() is not None:
            self.stop()
        node_backends = dict(node_backends or {})
        for chosen in [backend] + list(node_backends.values()):
            if chosen not in BACKENDS:
                raise EstateError("firewall backend %r: the lab supports %s" % (chosen, ", ".join(BACKENDS)))
        self.dir.mkdir(parents=True, exist_ok=True)
        # Names must be unique on the machine and short (an interface name has at most 15 characters).
        run = "%d%d" % (os.getpid() % 100000, next(_STARTS) % 10)
        state = {"run": run, "dir": str(self.dir), "bridge": None, "subnet": None, "namespaces": [],
                 "instances": [], "nodes": [], "cloud": None, "started": time.time()}
        self._save(state)

        subnet = self._free_subnet()
        state["subnet"] = subnet
        bridge = "estb" + run
        state["bridge"] = bridge
        self._save(state)
        sh("ip", "link", "add", bridge, "type", "bridge")
        sh("ip", "addr", "add", subnet + ".1/24", "dev", bridge)
        sh("ip", "link", "set", bridge, "up")

        self._keys()
        self._tls()
        state["cloud"] = self._cloud(state, run, subnet, bridge)
        self._save(state)

        all_nodes, index = [], 10
        for name, persona, private, count in plan_instances(nodes, private_nodes):
            members = []
            for number in range(1, count + 1):
                node_name = "%s-%d" % (name, number)
                chosen = node_backends.get(node_name, backend)
                members.append(Node(node_name, name, persona, "%s.%d" % (subnet, index), chosen,
                                    tomcat and private, "est%s-%s" % (run, node_name), "este%sn%d" % (run, index)))
                index += 1
            if index > 250:
                raise EstateError("at most 240 nodes fit the estate's /24")
            state["instances"].append({"name": name, "persona": persona, "private": private,
                                       "nodes": [n.name for n in members]})
            all_nodes.extend(members)
        state["namespaces"].extend(n.netns for n in all_nodes)
        state["nodes"] = [asdict(n) for n in all_nodes]
        self._save(state)

        with ThreadPoolExecutor(8) as pool:
            started = list(pool.map(lambda n: self._node(n, bridge), all_nodes))
        state["nodes"] = [asdict(n) for n in started]
        self._save(state)
        self._known_hosts(started)
        deadline = time.monotonic() + timeout
        for node in started:
            self._wait_port(node.address, 22, deadline, node.name + " sshd")
        tomcats = [n for n in started if n.tomcat]
        with ThreadPoolExecutor(max(len(tomcats), 1)) as pool:
            list(pool.map(lambda n: self._start_tomcat(n, deadline), tomcats))
        if sandbox_env:
            from .inventory import write_inventory

            write_inventory(self, state, json.loads(Path(sandbox_env).read_text(encoding="utf-8")))
        state["ready"] = time.time()
        self._save(state)
        return state

    @staticmethod
    def _free_subnet():
        used = sh("ip", "-4", "route", "show", "table", "all").stdout + sh("ip", "-4", "addr").stdout
        for third in range(256):
            candidate = "10.213.%d" % third
            if candidate + "." not in used:
                return candidate
        raise EstateError("no free /24 left in 10.213.0.0/16")

    def _keys(self):
        ssh_dir = self.dir / "ssh"
        ssh_dir.mkdir(mode=0o700, exist_ok=True)
        key = ssh_dir / "id_ed25519"
        sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "lab-estate-controller", "-f", key)
        (ssh_dir / "authorized_keys").write_text(Path(str(key) + ".pub").read_text(encoding="utf-8"))
        (ssh_dir / "authorized_keys").chmod(0o600)

    def _tls(self):
        import trustme

        tls = self.dir / "tls"
        tls.mkdir(exist_ok=True)
        ca = trustme.CA()
        cert = ca.issue_cert(API_HOST)
        ca.cert_pem.write_to_path(str(tls / "ca.pem"))
        cert.private_key_pem.write_to_path(str(tls / "key.pem"))
        cert.cert_chain_pems[0].write_to_path(str(tls / "cert.pem"))

    def _cloud(self, state, run, subnet, bridge):
        netns, veth = "est%s-cloud" % run, "estc" + run
        state["namespaces"].append(netns)
        self._save(state)
        self._attach(netns, veth, bridge, [subnet + ".2/24", subnet + ".3/24"])
        log = self.dir / "cloud-peer.log"
        with open(log, "w", encoding="utf-8") as out:
            peer = subprocess.Popen(["ip", "netns", "exec", netns, sys.executable, str(TLS_PEER),
                                     str(self.dir / "tls" / "cert.pem"), str(self.dir / "tls" / "key.pem"),
                                     "443", "8443"], stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 15
        while "ready" not in log.read_text():
            if peer.poll() is not None or time.monotonic() > deadline:
                raise EstateError("the cloud peer did not start: " + log.read_text()[-500:])
            time.sleep(0.05)
        return {"netns": netns, "address": subnet + ".2", "other_address": subnet + ".3", "pid": peer.pid}

    @staticmethod
    def _attach(netns, veth, bridge, addresses):
        sh("ip", "netns", "add", netns)
        sh("ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", netns)
        sh("ip", "link", "set", veth, "master", bridge, "up")
        for address in addresses:
            sh("ip", "-n", netns, "addr", "add", address, "dev", "eth0")
        sh("ip", "-n", netns, "link", "set", "lo", "up")
        sh("ip", "-n", netns, "link", "set", "eth0", "up")

    def node_dir(self, node):
        return self.dir / "nodes" / node.name

    def _node(self, node, bridge):
        root = self.node_dir(node)
        for part in ("etc", "opt", "var"):
            (root / "upper" / part).mkdir(parents=True, exist_ok=True)
            (root / "work" / part).mkdir(parents=True, exist_ok=True)
        etc = root / "upper" / "etc"
        (etc / "hosts").write_text("127.0.0.1 localhost\n%s %s\n" % (self._cloud_address(), API_HOST))
        (etc / "hostname").write_text(node.name + "\n")
        self._layout(node, root / "upper")
        sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", node.name, "-f", root / "ssh_host_ed25519_key")
        (root / "sshd_config").write_text(self._sshd_config(node, root))
        (etc / "nftables.d").mkdir(exist_ok=True)
        for name in BASE_RULES_FILES[node.backend]:
            (etc / name).parent.mkdir(parents=True, exist_ok=True)
            (etc / name).write_text(BASE_RULES[node.backend])
        self._attach(node.netns, node.veth, bridge, [node.address + "/24"])
        mounts = ["mount -t overlay overlay -o lowerdir=/{p},upperdir={u}/{p},workdir={w}/{p} /{p}".format(
            p=part, u=root / "upper", w=root / "work") for part in ("etc", "opt", "var")]
        script = " && ".join(mounts + [
            "mount -t tmpfs -o mode=0755 tmpfs /run", "mkdir -p /run/sshd /run/lock",
            BASE_RULES_LOAD[node.backend],
            "exec %s -D -f %s -E %s" % (SSHD, root / "sshd_config", root / "sshd.log")])
        with open(root / "holder.log", "w", encoding="utf-8") as out:
            holder = subprocess.Popen(["ip", "netns", "exec", node.netns, "unshare", "-m", "--propagation", "private",
                                       "sh", "-c", script], stdout=out, stderr=subprocess.STDOUT,
                                      start_new_session=True)
        # ip netns exec, unshare and sh all exec the next program: the pid is sshd's, the node's anchor.
        node.pid = holder.pid
        return node

    def _cloud_address(self):
        return self.load()["cloud"]["address"]

    @staticmethod
    def _layout(node, upper):
        """The product's layout: install directory with conf/server.xml and the web application, DC home with
        the node's cluster identity."""
        install, home, webapp = PRODUCTS[node.product]
        install_dir, home_dir = upper / install.lstrip("/"), upper / home.lstrip("/")
        home_dir.mkdir(parents=True, exist_ok=True)
        if node.tomcat:
            install_dir.parent.mkdir(parents=True, exist_ok=True)
            sh(TOMCAT_SCRIPT, "create", install_dir, TOMCAT_HTTP_PORT, TOMCAT_SHUTDOWN_PORT)
            restart = install_dir / "bin" / ("restart-%s.sh" % node.product)
            restart.write_text("#!/bin/sh\n# Stops the node's Tomcat and starts it again (the lab's service manager).\n"
                               "exec %s restart %s\n" % (TOMCAT_SCRIPT, install))
            restart.chmod(0o755)
        else:
            (install_dir / "conf").mkdir(parents=True, exist_ok=True)
            (install_dir / webapp).mkdir(exist_ok=True)
            template = (TOMCAT_FILES / "jira_node_server.xml") if node.product == "jira" else \
                (FILES / "confluence_server.xml")
            text = template.read_text().replace("@HTTP_PORT@", str(TOMCAT_HTTP_PORT)) \
                .replace("@SHUTDOWN_PORT@", str(TOMCAT_SHUTDOWN_PORT))
            (install_dir / "conf" / "server.xml").write_text(text)
        if node.product == "jira":
            (home_dir / "cluster.properties").write_text(
                "jira.node.id = %s\njira.shared.home = /var/atlassian/application-data/jira-shared\n" % node.name)
        else:
            (home_dir / "confluence.cfg.xml").write_text(
                '<?xml version="1.0" encoding="UTF-8"?>\n<confluence-configuration>\n  <setupStep>complete</setupStep>\n'
                '  <properties>\n    <property name="confluence.cluster.node.name">%s</property>\n'
                '    <property name="shared-home">/var/atlassian/application-data/confluence-shared</property>\n'
                '  </properties>\n</confluence-configuration>\n' % node.name)

    def _sshd_config(self, node, root):
        return "\n".join([
            "ListenAddress %s:22" % node.address,
            "HostKey %s" % (root / "ssh_host_ed25519_key"),
            "AuthorizedKeysFile %s" % (self.dir / "ssh" / "authorized_keys"),
            "PermitRootLogin prohibit-password",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "UsePAM no",
            "PrintMotd no",
            # DIR may sit under a world-writable parent (/tmp); the key files themselves are 0600.
            "StrictModes no",
            "PidFile /run/sshd.pid",
            # forks 20 opens many sessions at once through one multiplexed connection per node.
            "MaxStartups 100:30:200",
            "MaxSessions 50",
            "LogLevel ERROR",
            "Subsystem sftp /usr/lib/openssh/sftp-server",
            "",
        ])

    def _known_hosts(self, nodes):
        lines = []
        for node in nodes:
            key = (self.node_dir(node) / "ssh_host_ed25519_key.pub").read_text().split()[:2]
            lines.append("%s %s" % (node.address, " ".join(key)))
        (self.dir / "ssh" / "known_hosts").write_text("\n".join(lines) + "\n")

    @staticmethod
    def _wait_port(address, port, deadline, what):
        while True:
            try:
                with socket.create_connection((address, port), timeout=1) as conn:
                    # sshd speaks first: its banner means it is serving, not just bound.
                    if conn.recv(4).startswith(b"SSH-"):
                        conn.sendall(b"SSH-2.0-lab-estate-ready\r\n")
                        return
            except OSError:
                if time.monotonic() > deadline:
                    raise EstateError("%s did not answer on %s:%d" % (what, address, port)) from None
                time.sleep(0.1)

    def _start_tomcat(self, node, deadline):
        enter = ["nsenter", "-t", str(node.pid), "-n", "-m"]
        sh(*enter, TOMCAT_SCRIPT, "start", node.install_dir)
        check = ("import json, urllib.request\n"
                 "try:\n print(json.load(urllib.request.urlopen('http://127.0.0.1:%d/status', timeout=2))['state'])\n"
                 "except Exception as exc:\n print(type(exc).__name__)\n" % TOMCAT_HTTP_PORT)
        while sh(*enter, NODE_PYTHON, "-c", check, check=False).stdout.strip() != "RUNNING":
            if time.monotonic() > deadline:
                raise EstateError("%s: Tomcat did not report RUNNING" % node.name)
            time.sleep(0.5)

    # -- stop -----------------------------------------------------------------------------------------------------
    def stop(self):
        """Remove everything the recorded run made; safe on a half-made or crashed run."""
        state = self.load()
        if state is None:
            return False
        namespaces = list(state.get("namespaces", []))
        for _round in range(50):
            alive = []
            for netns in namespaces:
                proc = sh("ip", "netns", "pids", netns, check=False)
                alive.extend(int(p) for p in proc.stdout.split())
            if not alive:
                break
            for pid in alive:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.1)
        else:
            raise EstateError("processes in the estate's namespaces would not end")
        for netns in namespaces:
            sh("ip", "netns", "del", netns, check=False)
        if state.get("bridge"):
            sh("ip", "link", "del", state["bridge"], check=False)
        for part in ("nodes", "ssh", "tls", "inventory", "connector-credentials"):
            shutil.rmtree(self.dir / part, ignore_errors=True)
        for name in ("cloud-peer.log", "vault-password", STATE_NAME):
            (self.dir / name).unlink(missing_ok=True)
        return True

    # -- looking at it --------------------------------------------------------------------------------------------
    def ssh(self, node, command, timeout=30):
        """Run a shell command on a node over SSH, as the controller does."""
        ssh_dir = self.dir / "ssh"
        return subprocess.run(
            ["ssh", "-i", str(ssh_dir / "id_ed25519"), "-o", "UserKnownHostsFile=%s" % (ssh_dir / "known_hosts"),
             "-o", "StrictHostKeyChecking=yes", "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
             "-o", "ConnectTimeout=10", "root@" + node["address"], command],
            capture_output=True, text=True, timeout=timeout, check=False)

    def probe_egress(self, node):
        """TLS from the node: api.atlassian.com:443 (what the egress rule opens), the same peer on 8443 and
        another address on 443 (both must stay dropped). Real packets, dialled on the node over SSH."""
        state = self.load()
        cloud = state["cloud"]
        targets = [[API_HOST, 443, API_HOST], [cloud["address"], 8443, API_HOST], [cloud["other_address"], 443, API_HOST]]
        proc = self.ssh(node, "%s %s %s %s" % (NODE_PYTHON, TLS_PROBE, self.dir / "tls" / "ca.pem",
                                               shlex.quote(json.dumps(targets))))
        if proc.returncode != 0:
            raise EstateError("%s: probe failed: %s" % (node["name"], proc.stderr.strip()))
        results = json.loads(proc.stdout)
        return {"%s:%d" % (host, port): result == "ok" for (host, port, _sni), result in zip(targets, results)}

    def probe_tomcat(self, node):
        """What the node's Tomcat reports for a request (request.isSecure(), scheme, proxy name and port, JVM pid),
        asked on the node over SSH."""
        code = ("import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:%d/probe', timeout=5)"
                ".read().decode())" % TOMCAT_HTTP_PORT)
        proc = self.ssh(node, "%s -c %s" % (NODE_PYTHON, shlex.quote(code)))
        if proc.returncode != 0:
            raise EstateError("%s: Tomcat probe failed: %s" % (node["name"], proc.stderr.strip()))
        return json.loads(proc.stdout)


def new_vault_password():
    return secrets.token_urlsafe(24)

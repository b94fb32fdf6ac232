"""Real Tomcat 10 instances that play Jira Data Center nodes.

Each node is a CATALINA_BASE made by files/tomcat_instance.sh (the same script the molecule scenarios use):
a Jira-shaped server.xml bound to loopback, and a tiny webapp with /status (the node's health answer) and
/probe (isSecure, scheme, server name and port as Tomcat sees them, plus the JVM's pid and start time).
"""

from __future__ import annotations

import json
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from helpers import free_port

FILES = Path(__file__).resolve().parent / "files"
INSTANCE_SCRIPT = FILES / "tomcat_instance.sh"


class TomcatNode:
    def __init__(self, name, base):
        self.name = name
        self.base = base
        self.http_port = free_port()
        self.shutdown_port = free_port()
        self.server_xml = base / "conf" / "server.xml"
        self.url = f"http://127.0.0.1:{self.http_port}"
        self.health_url = f"{self.url}/status"
        self.restart_command = f"{INSTANCE_SCRIPT} restart {base}"

    def _script(self, *args):
        subprocess.run([str(INSTANCE_SCRIPT), *args], check=True, capture_output=True, timeout=60)

    def create(self):
        self._script("create", str(self.base), str(self.http_port), str(self.shutdown_port))

    def start(self):
        self._script("start", str(self.base))

    def stop(self):
        self._script("stop", str(self.base))

    def status(self, timeout=1.0):
        """The node's health state, or None when it does not answer."""
        try:
            response = httpx.get(self.health_url, timeout=timeout)
            return response.json().get("state") if response.status_code == 200 else None
        except (httpx.HTTPError, ValueError):
            return None

    def wait_running(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.status() == "RUNNING":
                return
            time.sleep(0.1)
        log = (self.base / "logs" / "catalina.out").read_text(errors="replace")[-3000:]
        raise AssertionError(f"{self.name} did not report RUNNING within {timeout}s; catalina.out tail:\n{log}")

    def probe(self):
        return httpx.get(f"{self.url}/probe", timeout=5).json()

    def force_health_state(self, state):
        (self.base / "health-state").write_text(state)

    def inventory_vars(self):
        return {
            "ansible_connection": "local",
            "app_tunnel_server_xml": str(self.server_xml),
            "app_tunnel_restart_command": self.restart_command,
            "app_tunnel_health_url": self.health_url,
        }


def write_inventory(path, nodes, **group_vars):
    """A YAML (JSON) inventory with the nodes in group dc_nodes, in the given order."""
    inventory = {
        "dc_nodes": {
            "hosts": {node.name: node.inventory_vars() for node in nodes},
            "vars": group_vars,
        }
    }
    path.write_text(json.dumps(inventory), encoding="utf-8")
    return path


@pytest.fixture
def node_inventory(tmp_path):
    """Writes an inventory of nodes (group dc_nodes) and returns its path."""
    return lambda nodes, **group_vars: write_inventory(tmp_path / "inventory.json", nodes, **group_vars)


@pytest.fixture
def availability_poller():
    return AvailabilityPoller


class AvailabilityPoller(threading.Thread):
    """Asks every node's health URL every `interval` seconds and records who answered RUNNING."""

    def __init__(self, nodes, interval=0.05):
        super().__init__(daemon=True)
        self.nodes = nodes
        self.interval = interval
        self.samples = []
        self._stop_event = threading.Event()

    def run(self):
        with ThreadPoolExecutor(len(self.nodes)) as pool:
            while not self._stop_event.is_set():
                # A stopped or starting node refuses the connection or answers non-RUNNING at once, so the timeout
                # only decides how long a busy but serving node may take; 2 s is shorter than a load balancer waits,
                # and long enough for a healthy JVM on two loaded cores.
                states = list(pool.map(lambda node: node.status(timeout=2.0) == "RUNNING", self.nodes))
                self.samples.append((time.monotonic(), dict(zip((n.name for n in self.nodes), states))))
                time.sleep(self.interval)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self._stop_event.set()
        self.join()


@pytest.fixture
def tomcat_nodes(tmp_path):
    """A factory of started Tomcat nodes; every node made is stopped at the end of the test."""
    made = []

    def make(count, prefix="node"):
        nodes = [TomcatNode(f"{prefix}{index + 1}", tmp_path / f"{prefix}{index + 1}") for index in range(count)]
        made.extend(nodes)
        with ThreadPoolExecutor(count) as pool:
            list(pool.map(lambda node: (node.create(), node.start(), node.wait_running()), nodes))
        return nodes

    yield make
    with ThreadPoolExecutor(max(len(made), 1)) as pool:
        list(pool.map(lambda node: node.stop(), made))

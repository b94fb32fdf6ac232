"""Inventories of the sandbox's personas for each connection path of the cloud connector guide, and a real Tomcat
node for the private Rovo instance (the Tomcat nodes of tests/integration/tomcat, made by the same script)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

_TOMCAT = Path(__file__).resolve().parents[1] / "tomcat" / "conftest.py"
_spec = importlib.util.spec_from_file_location("paths_tomcat_nodes", _TOMCAT)
tomcat_nodes_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tomcat_nodes_module)
TomcatNode = tomcat_nodes_module.TomcatNode


class PathInventory:
    """Writes an inventory in the layout of docs/inventory.md: one dc_instances host per instance (a sandbox
    persona), optional dc_nodes; the organization and the Marketplace are the sandbox's cloud persona."""

    def __init__(self, sandbox, workdir):
        self.sandbox = sandbox
        self.workdir = workdir

    def write(self, instances, nodes=None, name="inventory.json"):
        env = self.sandbox.env
        cloud = env["personas"]["cloud"]
        hosts = {}
        for host, (persona, extra) in instances.items():
            p = env["personas"][persona]
            hosts[host] = dict({"dc_url": p["url"], "dc_user": p["user"], "dc_password": p["password"]}, **extra)
        inventory = {"all": {
            "vars": {
                "atlassian_api_url": cloud["url"], "atlassian_org_id": cloud["org_id"],
                "atlassian_org_api_key": cloud["api_key"], "atlassian_ca_path": env["ca_path"],
                # the guide's Agree to connect, given for the estate
                "accept_data_sharing": True,
            },
            "children": {
                "dc_instances": {"hosts": hosts, "vars": {
                    "ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}",
                    "dc_ca_path": env["ca_path"],
                    # The Cloud Companion version is resolved for each product build, as on a real estate.
                    "cloud_companion_marketplace_url": cloud["url"], "cloud_companion_marketplace_ca_path": env["ca_path"],
                    "org_connector_credentials_dir": str(self.workdir / "connector-credentials"),
                    "org_connector_wait_interval": 0.5,
                }},
                "dc_nodes": {"hosts": nodes or {}},
            },
        }}
        path = self.workdir / name
        path.write_text(json.dumps(inventory, indent=1), encoding="utf-8")
        return path


@pytest.fixture
def path_inventory(sandbox, tmp_path):
    return PathInventory(sandbox, tmp_path)


@pytest.fixture
def tomcat_node(tmp_path):
    """One started Tomcat node that plays a Jira node; stopped at the end of the test."""
    node = TomcatNode("jira-rovo-1", tmp_path / "jira-rovo-1")
    node.create()
    node.start()
    try:
        node.wait_running()
        yield node
    finally:
        node.stop()

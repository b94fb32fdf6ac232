"""The app_tunnel playbook against a real Tomcat that plays a Jira node: check mode, apply, rerun."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import ROOT, run_playbook

PLAYBOOK = ROOT / "playbooks" / "app_tunnel.yml"
EDIT_TASK = "dcops.atlassian_cloud.app_tunnel : Set the application tunnel attributes on the connector"
TUNNEL = {"app_tunnel_proxy_name": "jira.example.com", "app_tunnel_proxy_port": 443, "app_tunnel_health_interval": 1}


def _outside_connector(text: bytes, connector_start: bytes) -> tuple[bytes, bytes]:
    """The bytes before the active connector's start tag and after its end."""
    start = text.index(connector_start)
    return text[:start], text[text.index(b"/>", start) + 2:]


@pytest.mark.slow
def test_role_makes_tomcat_see_the_tunnel_and_reruns_change_nothing(tomcat_nodes, node_inventory):
    (node,) = tomcat_nodes(1)
    inventory = node_inventory([node])
    original = node.server_xml.read_bytes()
    before = node.probe()
    assert (before["secure"], before["scheme"], before["serverName"], before["serverPort"]) == (
        False, "http", "127.0.0.1", node.http_port
    )

    checked = run_playbook(PLAYBOOK, inventory=inventory, extra_vars=TUNNEL, check=True, diff=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    edit = checked.task(EDIT_TASK)["result"]
    assert edit["changed"] is True
    assert '+                   secure="true"' in checked.stdout
    assert node.server_xml.read_bytes() == original
    assert node.probe()["pid"] == before["pid"], "check mode must not restart the node"

    applied = run_playbook(PLAYBOOK, inventory=inventory, extra_vars=TUNNEL)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    edit = applied.task(EDIT_TASK)["result"]
    assert edit["changed"] is True
    assert edit["connector"]["relaxedQueryChars"] == '[]|{}^\\`"<>'
    after = node.probe()
    assert (after["secure"], after["scheme"], after["serverName"], after["serverPort"]) == (
        True, "https", "jira.example.com", 443
    )
    assert after["pid"] != before["pid"] and after["startTime"] > before["startTime"], "Tomcat was not restarted"

    patched = node.server_xml.read_bytes()
    connector_start = b'<Connector port="%d" address="127.0.0.1"' % node.http_port
    assert _outside_connector(patched, connector_start) == _outside_connector(original, connector_start)
    assert b'relaxedQueryChars="[]|{}^&#x5c;&#x60;&quot;&lt;&gt;"' in patched
    assert Path(edit["backup_file"]).read_bytes() == original

    mtime = node.server_xml.stat().st_mtime_ns
    rerun = run_playbook(PLAYBOOK, inventory=inventory, extra_vars=TUNNEL)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert rerun.changed_tasks == []
    assert node.server_xml.read_bytes() == patched
    assert node.server_xml.stat().st_mtime_ns == mtime
    assert node.probe()["pid"] == after["pid"], "a rerun without change must not restart the node"

    # A restart mechanism that fails is rolled back like a node that stays unhealthy.
    broken = run_playbook(
        PLAYBOOK, inventory=inventory,
        extra_vars={**TUNNEL, "app_tunnel_proxy_name": "other.example.com", "app_tunnel_restart_command": "/bin/false"},
    )
    assert broken.returncode != 0
    message = broken.failed_tasks[-1]["result"]["msg"]
    assert message.startswith(f"Node {node.name} was rolled back after the connector change: the restart failed")
    assert f"Restored {node.server_xml} from " in message and "could not be restarted" in message
    assert node.server_xml.read_bytes() == patched
    assert node.probe()["pid"] == after["pid"]

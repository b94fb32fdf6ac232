"""ufw backend: ufw enabled in the DC node with a private /etc/ufw and /etc/default/ufw, outgoing denied."""

from __future__ import annotations

import pytest


@pytest.fixture
def ufw_node(egress_lab):
    lab = egress_lab(tools=["ufw"], private_dirs=["/etc/ufw"], private_files=["/etc/default/ufw"])
    lab.run("ufw", "default", "deny", "outgoing")
    lab.run("ufw", "allow", "out", "53/udp", "comment", "admin-dns")
    lab.run("ufw", "--force", "enable")
    return lab


def test_ufw_egress_follows_the_name_and_deletes_only_its_rules(ufw_node, egress_scenario):
    assert ufw_node.module(check=True, destinations=["api.atlassian.com"])["backend"] == "ufw", \
        "backend=auto must pick an active ufw"
    applied, _removed = egress_scenario(ufw_node, "ufw")
    assert "allow out to 10.77.0.2 port 443 proto tcp comment dcops.egress_rule:atlassian-cloud" in applied["rules"]
    added = ufw_node.run("ufw", "show", "added").stdout
    assert "admin-dns" in added and "dcops.egress_rule" not in added

"""firewalld backend: the daemon in the DC node (own D-Bus, private /etc/firewalld), and offline mode.

firewalld never runs in the host namespace: the lab's holder process has a private mount namespace
with a tmpfs on /run/dbus and a temporary copy of /etc/firewalld, and the daemon runs inside it.
"""

from __future__ import annotations

import time

import pytest

# The admin's default-drop for traffic the node sends, as firewalld expresses it: a HOST -> ANY policy.
DENY_POLICY = """<?xml version="1.0" encoding="utf-8"?>
<policy target="DROP">
  <ingress-zone name="HOST"/>
  <egress-zone name="ANY"/>
  <protocol value="ipv6-icmp"/>
</policy>
"""


def start_daemon(lab):
    lab.spawn("dbus-daemon", "--system", "--nofork", "--nopidfile")
    deadline = time.monotonic() + 10
    while lab.run("test", "-S", "/run/dbus/system_bus_socket", check=False).returncode:
        assert time.monotonic() < deadline, "dbus-daemon did not start"
        time.sleep(0.05)
    lab.spawn("firewalld", "--nofork", "--nopid", "--log-target", "file", "--log-file", str(lab.tmp / "firewalld.log"))
    deadline = time.monotonic() + 60
    while lab.run("firewall-cmd", "--state", check=False).stdout.strip() != "running":
        assert time.monotonic() < deadline, (lab.tmp / "firewalld.log").read_text()
        time.sleep(0.2)


@pytest.fixture
def firewalld_node(egress_lab):
    lab = egress_lab(tools=["firewalld", "firewall-cmd", "firewall-offline-cmd", "dbus-daemon"],
                     private_dirs=["/etc/firewalld"])
    (lab.tmp / "dcdenyout.xml").write_text(DENY_POLICY)
    lab.run("firewall-offline-cmd", "--new-policy-from-file=%s" % (lab.tmp / "dcdenyout.xml"), "--name=dcdenyout")
    return lab


def policies(lab, tool="firewall-offline-cmd"):
    return lab.run(tool, *(["--permanent"] if tool == "firewall-cmd" else []), "--get-policies").stdout.split()


def test_firewalld_offline_then_daemon_egress_follows_the_name(firewalld_node, egress_scenario):
    """Offline configuration first (no daemon), then the full proof with the daemon running.

    One lab for both phases: starting firewalld is the slowest step of the firewall tests.
    """
    node, params = firewalld_node, dict(backend="firewalld", destinations=["api.atlassian.com"])
    planned = node.module(check=True, **params)
    assert planned["changed"] and "offline" in planned["diff"][0]["after_header"]
    assert "eg_atlassian_cloud" not in policies(node)
    assert node.module(**params)["changed"]
    assert not node.module(**params)["changed"]
    ipset_xml = node.run("cat", "/etc/firewalld/ipsets/eg_atlassian_cloud_v4.xml").stdout
    assert "<entry>10.77.0.2</entry>" in ipset_xml

    # The offline-written configuration takes effect when the daemon starts, and reads back unchanged.
    start_daemon(node)
    assert node.probe(("api.atlassian.com", 443), ("fd77::2", 443)) == ["ok", "ok"]
    assert node.probe(("10.77.0.3", 443))[0] != "ok"
    assert not node.module(**params)["changed"]
    assert node.module(name="atlassian-cloud", backend="firewalld", state="absent")["changed"]

    assert node.module(check=True, destinations=["api.atlassian.com"])["backend"] == "firewalld", \
        "backend=auto must pick a running firewalld"
    applied, _removed = egress_scenario(node, "firewalld")
    assert 'policy eg_atlassian_cloud: rule family="ipv4" destination ipset="eg_atlassian_cloud_v4" ' \
           'port port="443" protocol="tcp" accept' in applied["rules"]
    names = policies(node, "firewall-cmd")
    assert "dcdenyout" in names and "eg_atlassian_cloud" not in names
    assert "eg_atlassian_cloud_v4" not in node.run("firewall-cmd", "--permanent", "--get-ipsets").stdout

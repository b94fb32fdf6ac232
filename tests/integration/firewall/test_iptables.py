"""iptables backend (iptables and ip6tables) against a real DC-node namespace with OUTPUT policy DROP."""

from __future__ import annotations

import pytest

ADMIN_V4 = [["-P", "OUTPUT", "DROP"], ["-N", "ADMIN_AUDIT"],
            ["-A", "OUTPUT", "-p", "udp", "--dport", "53", "-m", "comment", "--comment", "admin-dns", "-j", "ACCEPT"]]
ADMIN_V6 = [["-P", "OUTPUT", "DROP"], ["-A", "OUTPUT", "-p", "ipv6-icmp", "-j", "ACCEPT"]]


@pytest.fixture
def iptables_node(egress_lab):
    lab = egress_lab(tools=["iptables", "ip6tables", "iptables-restore"])
    for words in ADMIN_V4:
        lab.run("iptables", "-w", *words)
    for words in ADMIN_V6:
        lab.run("ip6tables", "-w", *words)
    return lab


def saved(lab):
    return {cmd: lab.run(cmd, "-w", "-S").stdout for cmd in ("iptables", "ip6tables")}


def test_iptables_egress_follows_the_name_and_removes_only_its_chain(iptables_node, egress_scenario, tmp_path):
    admin = saved(iptables_node)
    applied, _removed = egress_scenario(iptables_node, "iptables", persist_path=str(tmp_path / "iptables"))
    assert "iptables -A EGRESS_ATLASSIAN_CLOUD -d 10.77.0.2/32 -p tcp -m tcp --dport 443 -j ACCEPT" in applied["rules"]
    assert "ip6tables -A EGRESS_ATLASSIAN_CLOUD -d fd77::2/128 -p tcp -m tcp --dport 443 -j ACCEPT" in applied["rules"]
    assert saved(iptables_node) == admin
    # Nothing was there before, so absent leaves no rules files behind.
    assert list((tmp_path / "iptables").iterdir()) == []


def test_iptables_persist_edits_only_its_lines_and_survives_a_restore(iptables_node, tmp_path):
    admin_files = {}
    for cmd, name in (("iptables-save", "rules.v4"), ("ip6tables-save", "rules.v6")):
        admin_files[name] = iptables_node.run(cmd).stdout
        (tmp_path / name).write_text(admin_files[name])
    result = iptables_node.egress(backend="iptables", destinations=["api.atlassian.com"], persist_path=str(tmp_path))
    assert sorted(result["files"]) == [str(tmp_path / "rules.v4"), str(tmp_path / "rules.v6")]
    rules_v4 = (tmp_path / "rules.v4").read_text()
    assert "-A EGRESS_ATLASSIAN_CLOUD -d 10.77.0.2/32 -p tcp -m tcp --dport 443 -j ACCEPT" in rules_v4
    assert "admin-dns" in rules_v4
    # A boot: empty tables, then netfilter-persistent's restore of the two files.
    for cmd in ("iptables", "ip6tables"):
        iptables_node.run(cmd, "-w", "-F")
        iptables_node.run(cmd, "-w", "-X")
    iptables_node.run("iptables-restore", str(tmp_path / "rules.v4"))
    iptables_node.run("ip6tables-restore", str(tmp_path / "rules.v6"))
    assert iptables_node.probe(("api.atlassian.com", 443), ("fd77::2", 443)) == ["ok", "ok"]
    again = iptables_node.module(backend="iptables", destinations=["api.atlassian.com"], persist_path=str(tmp_path))
    assert not again["changed"], again["diff"]
    # Absent restores the files to exactly what the admin had.
    assert iptables_node.module(backend="iptables", state="absent", persist_path=str(tmp_path))["changed"]
    assert {name: (tmp_path / name).read_text() for name in admin_files} == admin_files


def test_iptables_ipv4_only_leaves_ip6tables_alone(iptables_node, tmp_path):
    result = iptables_node.module(backend="iptables", destinations=["api.atlassian.com"], ip_version="ipv4",
                                  persist=False)
    assert result["addresses"] == ["10.77.0.2/32"]
    assert all(rule.startswith("iptables ") for rule in result["rules"])
    assert iptables_node.probe(("10.77.0.2", 443), ("fd77::2", 443))[0] == "ok"
    assert iptables_node.probe(("fd77::2", 443))[0] != "ok"
    assert "EGRESS" not in iptables_node.run("ip6tables", "-w", "-S").stdout

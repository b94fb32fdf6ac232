"""nftables backend against a real DC-node namespace whose own table drops all output."""

from __future__ import annotations

import json

import pytest

ADMIN_RULESET = """
table inet filter {
  chain output {
    type filter hook output priority filter; policy drop;
    udp dport 53 accept comment "admin dns"
    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept comment "admin ipv6 neighbour discovery"
  }
}
table inet admin {
  set blocked { type ipv4_addr; elements = { 192.0.2.1 } }
}
"""


@pytest.fixture
def nft_node(egress_lab):
    lab = egress_lab(tools=["nft"])
    lab.run("nft", "-f", "-", input=ADMIN_RULESET)
    return lab


def ruleset(lab):
    return json.loads(lab.run("nft", "-j", "list", "ruleset").stdout)["nftables"]


def test_nftables_egress_follows_the_name_and_removes_only_its_objects(nft_node, egress_scenario, tmp_path):
    persist = tmp_path / "nftables.d" / "dcops-egress-atlassian-cloud.nft"
    applied, _removed = egress_scenario(nft_node, "nftables", persist_path=str(persist))
    assert "set egress_atlassian_cloud_v4: 10.77.0.2/32" in applied["rules"]
    assert "chain output: jump egress_atlassian_cloud" in applied["rules"]
    # Absent removed the boot file and every object of the rule set, and kept the admin's.
    assert not persist.exists()
    items = ruleset(nft_node)
    assert not [i for i in items if "egress_atlassian_cloud" in json.dumps(i)]
    assert [i["rule"]["comment"] for i in items if "rule" in i] == ["admin dns", "admin ipv6 neighbour discovery"]
    assert {"family": "inet", "name": "blocked", "table": "admin"}.items() <= \
        next(i["set"] for i in items if "set" in i).items()
    assert [i["chain"]["policy"] for i in items if "chain" in i] == ["drop"]


def test_nftables_persist_file_restores_the_rule_set(nft_node, tmp_path):
    persist = tmp_path / "dcops-egress-atlassian-cloud.nft"
    result = nft_node.egress(backend="nftables", destinations=["api.atlassian.com", "198.51.100.0/24"],
                             persist_path=str(persist))
    assert result["files"] == [str(persist)]
    text = persist.read_text()
    assert "elements = { 10.77.0.2, 198.51.100.0/24 }" in text or "10.77.0.2/32" in text
    # Simulate a boot: the admin's configuration, then the module's file, in a fresh ruleset.
    nft_node.run("nft", "flush", "ruleset")
    nft_node.run("nft", "-f", "-", input="flush ruleset\n" + ADMIN_RULESET + 'include "%s"\n' % persist)
    assert nft_node.reachable("api.atlassian.com")
    # The restored ruleset is exactly what the module manages: a rerun changes nothing.
    assert not nft_node.module(backend="nftables", destinations=["api.atlassian.com", "198.51.100.0/24"],
                               persist_path=str(persist))["changed"]


def test_nftables_own_table_when_nothing_drops(egress_lab, tmp_path):
    lab = egress_lab(tools=["nft"])
    first = lab.module(backend="nftables", destinations=["10.77.0.2"], persist=False)
    assert first["changed"] and first["rules"][0].startswith("chain output: type filter hook output")
    assert "dcops_egress_atlassian_cloud" in lab.run("nft", "list", "tables").stdout
    assert not lab.module(backend="nftables", destinations=["10.77.0.2"], persist=False)["changed"]
    assert lab.module(backend="nftables", state="absent")["changed"]
    assert lab.run("nft", "list", "tables").stdout.strip() == ""

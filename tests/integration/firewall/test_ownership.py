"""Never adopt what the module did not create, and never report a path open that the other netfilter front end
keeps closed: real namespaces, real nft, ufw and iptables."""

from __future__ import annotations

ADMIN_RULESET = """
table inet filter {
  chain output {
    type filter hook output priority filter; policy drop;
    udp dport 53 accept comment "admin dns"
  }
}
"""


def test_a_hand_made_nftables_chain_with_our_name_is_refused(egress_lab):
    lab = egress_lab(tools=["nft"])
    lab.run("nft", "-f", "-", input=ADMIN_RULESET)
    lab.run("nft", "add", "chain", "inet", "filter", "egress_atlassian_cloud")
    lab.run("nft", "add", "rule", "inet", "filter", "egress_atlassian_cloud", "ip", "daddr", "192.0.2.7", "accept")
    before = lab.run("nft", "-j", "list", "ruleset").stdout
    for state in ("present", "absent"):
        failed = lab.egress_fails(backend="nftables", destinations=["api.atlassian.com"], state=state,
                                  persist_path=str(lab.tmp / "x.nft"))
        assert "not created by egress_rule" in failed["msg"] and "chain egress_atlassian_cloud" in failed["msg"]
    assert lab.run("nft", "-j", "list", "ruleset").stdout == before


def test_our_own_nftables_objects_are_still_ours_on_a_rerun(egress_lab):
    lab = egress_lab(tools=["nft"])
    lab.run("nft", "-f", "-", input=ADMIN_RULESET)
    params = dict(backend="nftables", destinations=["api.atlassian.com"], persist_path=str(lab.tmp / "x.nft"))
    assert lab.module(**params)["changed"]
    assert not lab.module(**params)["changed"]
    assert lab.module(state="absent", **params)["changed"]


def test_a_hand_made_ufw_rule_identical_to_ours_is_not_adopted(egress_lab):
    lab = egress_lab(tools=["ufw"], private_dirs=["/etc/ufw"], private_files=["/etc/default/ufw"])
    lab.run("ufw", "default", "deny", "outgoing")
    lab.run("ufw", "allow", "out", "to", "10.77.0.2", "port", "443", "proto", "tcp")
    lab.run("ufw", "--force", "enable")
    before = lab.run("ufw", "show", "added").stdout
    failed = lab.egress_fails(backend="ufw", destinations=["api.atlassian.com"], ip_version="ipv4")
    assert "not made by egress_rule" in failed["msg"] and "10.77.0.2" in failed["msg"]
    assert lab.run("ufw", "show", "added").stdout == before


def test_iptables_under_an_nftables_table_that_drops_output_is_refused(egress_lab):
    lab = egress_lab(tools=["nft", "iptables", "ip6tables"])
    lab.run("nft", "-f", "-", input=ADMIN_RULESET)
    failed = lab.egress_fails(backend="iptables", destinations=["api.atlassian.com"],
                              persist_path=str(lab.tmp / "iptables"))
    assert "inet filter" in failed["msg"] and "backend=nftables" in failed["msg"]
    assert not lab.reachable("api.atlassian.com")
    saved = lab.run("iptables", "-w", "-S").stdout
    assert "EGRESS_" not in saved

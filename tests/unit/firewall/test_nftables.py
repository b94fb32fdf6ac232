"""nftables backend: table choice, reading `nft -j` output, the script it applies and the boot file."""

from __future__ import annotations

import json

import pytest

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._firewall.common import (
    CommandRunner,
    FirewallError,
    RuleSet,
)
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._firewall.nftables import (
    NftablesBackend,
    element_networks,
    rule_text,
)

META = {"metainfo": {"version": "1.0.6", "json_schema_version": 1}}


def table(family, name):
    return {"table": {"family": family, "name": name, "handle": 1}}


def base_chain(family, tname, name="output", policy="drop"):
    return {"chain": {"family": family, "table": tname, "name": name, "handle": 1, "type": "filter",
                      "hook": "output", "prio": 0, "policy": policy}}


def managed(family="inet", tname="filter", v4=("10.0.0.2",), v6=(), port=443):
    items = [
        {"set": {"family": family, "table": tname, "name": "egress_x_v4", "type": "ipv4_addr", "handle": 3,
                 "flags": ["interval"], "elem": list(v4)}},
        {"set": {"family": family, "table": tname, "name": "egress_x_v6", "type": "ipv6_addr", "handle": 4,
                 "flags": ["interval"], **({"elem": list(v6)} if v6 else {})}},
        {"chain": {"family": family, "table": tname, "name": "egress_x", "handle": 2}},
        {"rule": {"family": family, "table": tname, "chain": "output", "handle": 7, "comment": "dcops.egress_rule:x",
                  "expr": [{"jump": {"target": "egress_x"}}]}},
    ]
    for proto, sname in (("ip", "egress_x_v4"), ("ip6", "egress_x_v6")):
        items.append({"rule": {"family": family, "table": tname, "chain": "egress_x", "handle": 5, "expr": [
            {"match": {"op": "==", "left": {"payload": {"protocol": proto, "field": "daddr"}}, "right": "@" + sname}},
            {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": port}},
            {"accept": None}]}})
    return items


def backend_for(fake_commands, items, **kwargs):
    commands = fake_commands({("nft", "-j", "list"): (0, json.dumps({"nftables": [META] + items}), "")})
    return NftablesBackend(CommandRunner(commands), "x", **kwargs), commands


def test_rule_text_recognises_only_the_shapes_the_module_writes():
    assert rule_text([{"jump": {"target": "egress_x"}}]) == "jump egress_x"
    assert rule_text(managed()[4]["rule"]["expr"]) == "ip daddr @egress_x_v4 tcp dport 443 accept"
    assert rule_text([{"counter": None}, {"drop": None}]) is None


def test_elements_in_every_form_nft_prints():
    nets = element_networks(["10.0.0.2", {"prefix": {"addr": "10.1.0.0", "len": 16}},
                             {"elem": {"val": "fd00::1", "timeout": 5}}])
    assert [str(n) for n in nets] == ["10.0.0.2/32", "10.1.0.0/16", "fd00::1/128"]
    assert element_networks([{"range": ["10.0.0.1", "10.0.0.9"]}]) == ["10.0.0.1-10.0.0.9"]


def test_the_table_whose_output_chain_drops_is_chosen(fake_commands):
    backend, _commands = backend_for(fake_commands, [table("inet", "filter"), base_chain("inet", "filter"),
                                                     table("inet", "other"), base_chain("inet", "other", policy="accept")])
    assert backend.table() == ("inet", "filter") and not backend.owns_table()


def test_an_own_table_when_nothing_drops(fake_commands):
    backend, _commands = backend_for(fake_commands, [table("inet", "other"), base_chain("inet", "other", policy="accept")])
    assert backend.table() == ("inet", "dcops_egress_x") and backend.owns_table()


def test_several_dropping_tables_need_nftables_table(fake_commands):
    items = [table("inet", "a"), base_chain("inet", "a"), table("ip", "b"), base_chain("ip", "b")]
    backend, _commands = backend_for(fake_commands, items)
    with pytest.raises(FirewallError, match="several tables drop output traffic .inet a, ip b."):
        backend.table()
    backend, _commands = backend_for(fake_commands, items, table="ip b")
    assert backend.table() == ("ip", "b")
    backend, _commands = backend_for(fake_commands, items, removing=True)
    assert backend.read() == [] and backend.render(None, "both") == []


def test_the_table_already_holding_the_rule_set_wins(fake_commands):
    items = [table("inet", "a"), base_chain("inet", "a"), table("inet", "filter"), base_chain("inet", "filter")]
    backend, _commands = backend_for(fake_commands, items + managed())
    assert backend.table() == ("inet", "filter")


def test_reading_the_live_objects_matches_the_rendered_desired_state(fake_commands):
    backend, _commands = backend_for(fake_commands, [table("inet", "filter"), base_chain("inet", "filter")]
                                     + managed(v6=["fd00::2"]))
    desired = RuleSet("x", ["10.0.0.2", "fd00::2"])
    assert backend.read() == backend.render(desired, "both")
    assert backend.read() == [
        "set egress_x_v4: 10.0.0.2/32", "set egress_x_v6: fd00::2/128",
        "chain egress_x: ip daddr @egress_x_v4 tcp dport 443 accept",
        "chain egress_x: ip6 daddr @egress_x_v6 tcp dport 443 accept",
        "chain output: jump egress_x"]
    assert backend.read() != backend.render(RuleSet("x", ["10.0.0.3", "fd00::2"]), "both")
    assert backend.read() != backend.render(RuleSet("x", ["10.0.0.2", "fd00::2"], port=8443), "both")


def test_the_script_replaces_sets_and_chain_atomically_and_adds_the_jump_once(fake_commands):
    backend, commands = backend_for(fake_commands, [table("inet", "filter"), base_chain("inet", "filter")])
    backend.apply(RuleSet("x", ["10.0.0.2", "10.0.0.4", "fd00::2"]), "both")
    (args, script), = [call for call in commands.calls if call[0][:2] == ["nft", "-f"]]
    assert "add element inet filter egress_x_v4 { 10.0.0.2/32, 10.0.0.4/32 }" in script
    assert "flush chain inet filter egress_x" in script
    assert 'insert rule inet filter output jump egress_x comment "dcops.egress_rule:x"' in script
    backend, commands = backend_for(fake_commands, [table("inet", "filter"), base_chain("inet", "filter")] + managed())
    backend.apply(RuleSet("x", ["10.0.0.2"]), "ipv4")
    script = commands.calls[-1][1]
    assert "insert rule" not in script and "delete set inet filter egress_x_v6" in script


def test_an_ip_family_table_leaves_ipv6_out_with_a_warning(fake_commands):
    backend, _commands = backend_for(fake_commands, [table("ip", "filter"), base_chain("ip", "filter")])
    lines = backend.render(RuleSet("x", ["10.0.0.2", "fd00::2"]), "both")
    assert not [line for line in lines if "v6" in line]
    assert "cannot hold IPv6 rules" in backend.warnings[0]


def test_absent_deletes_only_the_rule_sets_objects(fake_commands):
    backend, commands = backend_for(fake_commands, [table("inet", "filter"), base_chain("inet", "filter")] + managed())
    backend.apply(None, "both")
    assert commands.calls[-1][1].splitlines() == [
        "delete rule inet filter output handle 7", "delete chain inet filter egress_x",
        "delete set inet filter egress_x_v4", "delete set inet filter egress_x_v6"]
    backend, commands = backend_for(fake_commands, [table("inet", "dcops_egress_x")] + managed("inet", "dcops_egress_x"))
    backend.apply(None, "both")
    assert commands.calls[-1][1] == "delete table inet dcops_egress_x\n"


def test_boot_file_and_include_warning(fake_commands, tmp_path):
    path = tmp_path / "nftables.d" / "x.nft"
    backend, _commands = backend_for(fake_commands, [table("inet", "filter"), base_chain("inet", "filter")],
                                     persist_path=str(path))
    change, = backend.file_changes(RuleSet("x", ["10.0.0.2"]), "ipv4")
    assert change.before is None and "elements = { 10.0.0.2/32 }" in change.after
    assert change.after.rstrip().endswith('insert rule inet filter output jump egress_x comment "dcops.egress_rule:x"')
    main = tmp_path / "nftables.conf"
    main.write_text("flush ruleset\n")
    assert "does not include" in backend.persist_warnings(str(main))[0]
    main.write_text('flush ruleset\ninclude "%s/nftables.d/*.nft"\n' % tmp_path)
    assert backend.persist_warnings(str(main)) == []
    assert backend.file_changes(None, "both")[0].after is None

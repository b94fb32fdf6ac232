"""The module's glue: argument handling, check mode writes nothing, errors are plain messages."""

from __future__ import annotations

import json

from ansible.module_utils import basic
from helpers import run_module_in_process

from ansible_collections.dcops.atlassian_cloud.plugins.modules import egress_rule

EMPTY_RULESET = json.dumps({"nftables": [{"metainfo": {"version": "1.0.6"}}]})


def run_module(args, fake, monkeypatch, capsys):
    monkeypatch.setattr(basic.AnsibleModule, "run_command", lambda self, cmd, **kw: fake(cmd, **kw))
    monkeypatch.setattr(basic.AnsibleModule, "get_bin_path", lambda self, cmd, required=False, opt_dirs=None: "/usr/sbin/" + cmd)
    check, diff = args.pop("_ansible_check_mode", False), args.pop("_ansible_diff", False)
    return run_module_in_process(egress_rule, args, capsys, check_mode=check, diff=diff)[1]


def test_check_mode_plans_without_writing(fake_commands, monkeypatch, capsys, tmp_path):
    fake = fake_commands({("nft", "-j", "list"): (0, EMPTY_RULESET, "")})
    result = run_module({"name": "atlassian-cloud", "destinations": ["192.0.2.10"], "backend": "nftables",
                         "persist_path": str(tmp_path / "x.nft"), "_ansible_check_mode": True, "_ansible_diff": True},
                        fake, monkeypatch, capsys)
    assert result["changed"] and result["addresses"] == ["192.0.2.10/32"]
    assert result["files"] == [str(tmp_path / "x.nft")] and not (tmp_path / "x.nft").exists()
    # Reads only: the ruleset, and the legacy tables whose OUTPUT policy would keep the path closed.
    assert fake.commands() == ["nft -j list ruleset", "iptables-legacy -w -S OUTPUT", "ip6tables-legacy -w -S OUTPUT"]
    assert "192.0.2.10/32" in result["diff"][0]["after"] and "192.0.2.10/32" in result["diff"][1]["after"]


def test_user_errors_fail_with_a_message(fake_commands, monkeypatch, capsys):
    result = run_module({"name": "atlassian-cloud", "destinations": ["10.0.0.1/8"], "backend": "nftables"},
                        fake_commands(), monkeypatch, capsys)
    assert result["failed"] and "10.0.0.1/8" in result["msg"] and "host bits set" in result["msg"]


def test_present_needs_destinations(fake_commands, monkeypatch, capsys):
    result = run_module({"name": "atlassian-cloud"}, fake_commands(), monkeypatch, capsys)
    assert result["failed"] and "destinations" in result["msg"]


def test_a_legacy_output_drop_policy_is_named(fake_commands, monkeypatch, capsys, tmp_path):
    fake = fake_commands({("nft", "-j", "list"): (0, EMPTY_RULESET, ""),
                          ("iptables-legacy", "-w", "-S"): (0, "-P INPUT ACCEPT\n-P OUTPUT DROP\n", "")})
    result = run_module({"name": "atlassian-cloud", "destinations": ["192.0.2.10"], "backend": "nftables",
                         "persist_path": str(tmp_path / "x.nft")}, fake, monkeypatch, capsys)
    assert result["failed"] and "iptables-legacy has OUTPUT policy DROP" in result["msg"]
    assert not [c for c in fake.commands() if c.startswith("nft -f")] and not (tmp_path / "x.nft").exists()


def test_an_nftables_table_dropping_output_is_named_for_iptables(fake_commands, monkeypatch, capsys, tmp_path):
    chains = json.dumps({"nftables": [{"chain": {"family": "inet", "table": "filter", "name": "output",
                                                 "type": "filter", "hook": "output", "policy": "drop"}}]})
    fake = fake_commands({("nft", "-j", "list"): (0, chains, ""), ("iptables", "-w", "-S"): (1, "", "no chain")})
    result = run_module({"name": "atlassian-cloud", "destinations": ["192.0.2.10"], "backend": "iptables",
                         "persist_path": str(tmp_path / "ipt")}, fake, monkeypatch, capsys)
    assert result["failed"] and "nftables table inet filter (chain output) drops output" in result["msg"]
    assert not [c for c in fake.commands() if "-A" in c.split() or "-N" in c.split()]

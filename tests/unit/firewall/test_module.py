"""The module's glue: argument handling, check mode writes nothing, errors are plain messages."""

from __future__ import annotations

import json

import pytest
from ansible.module_utils import basic

from ansible_collections.dcops.atlassian_cloud.plugins.modules import egress_rule

EMPTY_RULESET = json.dumps({"nftables": [{"metainfo": {"version": "1.0.6"}}]})


@pytest.fixture
def host_commands(fake_commands, monkeypatch):
    """host_commands(answers) -> the FakeCommands that egress_rule's run_command and get_bin_path reach."""

    def install(answers=None):
        fake = fake_commands(answers)
        monkeypatch.setattr(basic.AnsibleModule, "run_command", lambda self, cmd, **kw: fake(cmd, **kw))
        monkeypatch.setattr(basic.AnsibleModule, "get_bin_path",
                            lambda self, cmd, required=False, opt_dirs=None: "/usr/sbin/" + cmd)
        return fake

    return install


def test_check_mode_plans_without_writing(host_commands, run_module, tmp_path):
    fake = host_commands({("nft", "-j", "list"): (0, EMPTY_RULESET, "")})
    result = run_module(egress_rule, {"name": "atlassian-cloud", "destinations": ["192.0.2.10"], "backend": "nftables",
                                      "persist_path": str(tmp_path / "x.nft")}, check_mode=True, diff=True)
    assert result["changed"] and result["addresses"] == ["192.0.2.10/32"]
    assert result["files"] == [str(tmp_path / "x.nft")] and not (tmp_path / "x.nft").exists()
    # Reads only: the ruleset, and the legacy tables whose OUTPUT policy would keep the path closed.
    assert fake.commands() == ["nft -j list ruleset", "iptables-legacy -w -S OUTPUT", "ip6tables-legacy -w -S OUTPUT"]
    assert "192.0.2.10/32" in result["diff"][0]["after"] and "192.0.2.10/32" in result["diff"][1]["after"]


def test_user_errors_fail_with_a_message(host_commands, run_module):
    host_commands()
    result = run_module(egress_rule, {"name": "atlassian-cloud", "destinations": ["10.0.0.1/8"], "backend": "nftables"})
    assert result["failed"] and "10.0.0.1/8" in result["msg"] and "host bits set" in result["msg"]


def test_present_needs_destinations(host_commands, run_module):
    host_commands()
    result = run_module(egress_rule, {"name": "atlassian-cloud"})
    assert result["failed"] and "destinations" in result["msg"]


def test_a_legacy_output_drop_policy_is_named(host_commands, run_module, tmp_path):
    fake = host_commands({("nft", "-j", "list"): (0, EMPTY_RULESET, ""),
                          ("iptables-legacy", "-w", "-S"): (0, "-P INPUT ACCEPT\n-P OUTPUT DROP\n", "")})
    result = run_module(egress_rule, {"name": "atlassian-cloud", "destinations": ["192.0.2.10"], "backend": "nftables",
                                      "persist_path": str(tmp_path / "x.nft")})
    assert result["failed"] and "iptables-legacy has OUTPUT policy DROP" in result["msg"]
    assert not [c for c in fake.commands() if c.startswith("nft -f")] and not (tmp_path / "x.nft").exists()


def test_an_nftables_table_dropping_output_is_named_for_iptables(host_commands, run_module, tmp_path):
    chains = json.dumps({"nftables": [{"chain": {"family": "inet", "table": "filter", "name": "output",
                                                 "type": "filter", "hook": "output", "policy": "drop"}}]})
    fake = host_commands({("nft", "-j", "list"): (0, chains, ""), ("iptables", "-w", "-S"): (1, "", "no chain")})
    result = run_module(egress_rule, {"name": "atlassian-cloud", "destinations": ["192.0.2.10"], "backend": "iptables",
                                      "persist_path": str(tmp_path / "ipt")})
    assert result["failed"] and "nftables table inet filter (chain output) drops output" in result["msg"]
    assert not [c for c in fake.commands() if "-A" in c.split() or "-N" in c.split()]

"""Destination resolution, the rule-set model and the plan/diff every backend shares."""

from __future__ import annotations

import ipaddress
import socket

import pytest

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._firewall.common import (
    FileChange,
    FirewallError,
    Plan,
    RuleSet,
    compact,
    resolve_destinations,
)

HOSTS = {"api.atlassian.com": ["104.192.136.2", "2401:1d80:3000::2", "104.192.136.2"],
         "v6only.example": ["2001:db8::5"]}


def fake_resolver(host):
    if host not in HOSTS:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    return HOSTS[host]


def test_names_addresses_and_networks_become_collapsed_sorted_networks():
    networks, resolved = resolve_destinations(
        ["api.atlassian.com", "10.0.0.0/25", "10.0.0.128/25", "2001:db8::/64", "192.0.2.7"], resolver=fake_resolver)
    assert [str(n) for n in networks] == ["10.0.0.0/24", "104.192.136.2/32", "192.0.2.7/32",
                                          "2001:db8::/64", "2401:1d80:3000::2/128"]
    assert resolved == {"api.atlassian.com": ["104.192.136.2", "2401:1d80:3000::2"]}


def test_ip_version_keeps_one_family():
    networks, resolved = resolve_destinations(["api.atlassian.com", "2001:db8::/64"], "ipv4", resolver=fake_resolver)
    assert [str(n) for n in networks] == ["104.192.136.2/32"]
    assert resolved == {"api.atlassian.com": ["104.192.136.2"]}


def test_an_unresolvable_name_fails_instead_of_emptying_the_rule_set():
    with pytest.raises(FirewallError, match="cannot resolve nowhere.invalid.*left unchanged"):
        resolve_destinations(["api.atlassian.com", "nowhere.invalid"], resolver=fake_resolver)


def test_a_name_without_an_address_of_the_wanted_family_fails():
    with pytest.raises(FirewallError, match="v6only.example resolved to 2001:db8::5, none of which is IPv4"):
        resolve_destinations(["v6only.example"], "ipv4", resolver=fake_resolver)


@pytest.mark.parametrize("bad", ["10.0.0.1/24", "300.1.1.1", "2001:db8::/200", "bad host!", "-x.example"])
def test_malformed_destinations_are_rejected(bad):
    with pytest.raises(FirewallError, match="destination"):
        resolve_destinations([bad], resolver=fake_resolver)


def test_the_system_resolver_reads_the_hosts_file():
    networks, resolved = resolve_destinations(["localhost"], "ipv4")
    assert str(networks[0]) == "127.0.0.1/32" and resolved["localhost"] == ["127.0.0.1"]


@pytest.mark.parametrize("name", ["", "a" * 16, "-lead", "with space", "dot.ted"])
def test_rule_set_names_must_fit_every_backend(name):
    with pytest.raises(FirewallError, match="name"):
        RuleSet(name, [])


def test_rule_set_ident_marker_and_port_checks():
    ruleset = RuleSet("Atlassian-Cloud", ["10.0.0.1"], 443)
    assert ruleset.ident == "atlassian_cloud" and ruleset.marker == "dcops.egress_rule:Atlassian-Cloud"
    with pytest.raises(FirewallError, match="port 70000"):
        RuleSet("x", [], 70000)


def test_compact_prints_hosts_without_prefix():
    assert compact(ipaddress.ip_network("10.0.0.2/32")) == "10.0.0.2"
    assert compact("2001:db8::/64") == "2001:db8::/64"


class _Backend:
    def describe(self):
        return "test backend"


def test_plan_reports_changes_and_diffs_only_files_that_change(tmp_path):
    same = FileChange(str(tmp_path / "same"), "x\n", "x\n")
    new = FileChange(str(tmp_path / "d" / "new"), None, "rule\n")
    plan = Plan(_Backend(), ["a"], ["a"], [same, new])
    assert not plan.rules_changed and plan.changed
    diff = plan.diff()
    assert [d["before_header"] for d in diff] == ["test backend (managed objects)", str(tmp_path / "d" / "new")]
    new.write()
    assert (tmp_path / "d" / "new").read_text() == "rule\n"
    assert oct((tmp_path / "d" / "new").stat().st_mode & 0o777) == "0o644"
    FileChange(str(tmp_path / "d" / "new"), "rule\n", None).write()
    assert not (tmp_path / "d" / "new").exists()
    assert not Plan(_Backend(), ["a"], ["a"]).changed


def test_only_other_family_destinations_is_an_error_not_an_empty_rule_set():
    with pytest.raises(FirewallError, match="none of the destinations 10.0.0.1, 10.2.0.0/16 is IPv6"):
        resolve_destinations(["10.0.0.1", "10.2.0.0/16"], "ipv6", resolver=fake_resolver)


def test_an_ipv6_zone_id_is_refused_not_dropped():
    with pytest.raises(FirewallError, match="zone id"):
        resolve_destinations(["fe80::1%eth0"], "ipv6", resolver=fake_resolver)
    with pytest.raises(FirewallError, match="zoned address"):
        resolve_destinations(["linklocal.example"], "ipv6", resolver=lambda host: ["fe80::1%eth0"])


def test_an_unwritable_persist_path_is_found_before_anything_is_applied(tmp_path):
    from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._firewall.common import FileChange

    with pytest.raises(FirewallError, match="is a directory"):
        FileChange(str(tmp_path), None, "x").check()
    (tmp_path / "file").write_text("")
    with pytest.raises(FirewallError, match="is not a directory"):
        FileChange(str(tmp_path / "file" / "rules.nft"), None, "x").check()
    FileChange(str(tmp_path / "new" / "rules.nft"), None, "x").check()
    assert not (tmp_path / "new").exists()

"""backend=auto, and filtering Atlassian's IP-range document."""

from __future__ import annotations

import pytest

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._firewall.backends import choose_backend
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._firewall.common import (
    CommandRunner,
    FirewallError,
)
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._firewall.ip_ranges import (
    IpRangesError,
    select_cidrs,
)

RUNNING = {("firewall-cmd", "--state"): (0, "running\n", ""), ("ufw", "status"): (0, "Status: active\n", "")}
STOPPED = {("firewall-cmd", "--state"): (252, "not running\n", ""), ("ufw", "status"): (0, "Status: inactive\n", "")}


@pytest.mark.parametrize("answers, installed, expected", [
    (RUNNING, {"firewall-cmd", "ufw", "nft", "iptables"}, ("firewalld", True)),
    ({**STOPPED, ("ufw", "status"): (0, "Status: active\n", "")}, {"firewall-cmd", "ufw", "nft"}, ("ufw", None)),
    (STOPPED, {"firewall-cmd", "ufw", "nft", "iptables"}, ("nftables", None)),
    (STOPPED, {"iptables"}, ("iptables", None)),
])
def test_auto_prefers_the_manager_that_owns_the_ruleset(fake_commands, answers, installed, expected):
    assert choose_backend(CommandRunner(fake_commands(answers)), installed.__contains__) == expected


def test_auto_without_any_tool_fails(fake_commands):
    with pytest.raises(FirewallError, match="no firewall tool"):
        choose_backend(CommandRunner(fake_commands(STOPPED)), lambda cmd: False)


DOCUMENT = {"creationDate": "x", "syncToken": 1, "items": [
    {"cidr": "104.192.136.0/22", "product": ["jira"], "direction": ["ingress"], "region": ["us-east-1"]},
    {"cidr": "104.192.140.0/22", "product": ["jira", "confluence"], "direction": ["ingress"], "region": ["global"]},
    {"cidr": "2401:1d80::/32", "product": ["confluence"], "direction": ["ingress", "egress"], "region": ["global"]},
    {"cidr": "13.52.5.96/28", "product": ["jira"], "direction": ["egress"], "region": ["us-west-1"]},
]}


def test_filters_combine_and_adjacent_networks_collapse():
    assert select_cidrs(DOCUMENT, products=["jira"], directions=["ingress"]) == ["104.192.136.0/21"]
    assert select_cidrs(DOCUMENT, products=["Confluence"]) == ["104.192.140.0/22", "2401:1d80::/32"]
    assert select_cidrs(DOCUMENT, directions=["egress"], ip_version="ipv4") == ["13.52.5.96/28"]
    assert select_cidrs(DOCUMENT, regions=["global"], ip_version="ipv6") == ["2401:1d80::/32"]
    assert len(select_cidrs(DOCUMENT)) == 3


@pytest.mark.parametrize("document, message", [
    ({"prefixes": []}, "'items' list"),
    ({"items": [{"network": "1.2.3.0"}]}, "item 0 has no 'cidr'"),
    ({"items": [{"cidr": "1.2.3.0/33"}]}, "item 0:"),
])
def test_malformed_documents_are_rejected(document, message):
    with pytest.raises(IpRangesError, match=message):
        select_cidrs(document)

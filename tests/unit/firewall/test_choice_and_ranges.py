"""backend=auto, and filtering Atlassian's IP-range document."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

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
def test_auto_prefers_the_manager_that_owns_the_ruleset(fake_commands, fake_proc, answers, installed, expected):
    proc = fake_proc({"1": b"/sbin/init\0", "812": b"/usr/bin/python3\0-s\0/usr/sbin/firewalld\0--nofork\0"})
    assert choose_backend(CommandRunner(fake_commands(answers)), installed.__contains__, proc) == expected


def test_auto_asks_neither_python_tool_when_firewalld_does_not_run_and_ufw_has_no_chain(fake_commands, fake_proc):
    # firewall-cmd and ufw are Python programs: a converged run on a node with both installed, neither in use, runs
    # neither. Without a firewalld process firewall-cmd could only say "not running"; iptables exiting 1 on ufw's
    # chain is what makes ufw itself answer "inactive".
    commands = fake_commands({("iptables", "-L", "ufw-user-input", "-n"): (1, "", "No chain/target/match by that name.")})
    proc = fake_proc({"1": b"/sbin/init\0", "40": b"/usr/sbin/sshd\0-D\0", "41": b"bash\0-c\0firewalld\0"})
    installed = {"firewall-cmd", "ufw", "nft", "iptables"}
    assert choose_backend(CommandRunner(commands), installed.__contains__, proc) == ("nftables", None)
    assert commands.commands() == ["iptables -L ufw-user-input -n"]


@pytest.mark.parametrize("chain_rc, status, expected", [
    (0, "Status: active\n", ("ufw", None)),
    (0, "Status: inactive\n", ("nftables", None)),
    # Not root, or iptables failing otherwise: ufw's own answer decides, as before the shortcut.
    (4, "Status: active\n", ("ufw", None)),
])
def test_ufw_decides_whenever_its_chain_may_be_loaded(fake_commands, fake_proc, chain_rc, status, expected):
    commands = fake_commands({("iptables", "-L", "ufw-user-input", "-n"): (chain_rc, "", ""), ("ufw", "status"): (0, status, "")})
    installed = {"ufw", "nft", "iptables"}
    assert choose_backend(CommandRunner(commands), installed.__contains__, fake_proc({})) == expected
    assert commands.commands() == ["iptables -L ufw-user-input -n", "ufw status"]


def test_auto_without_any_tool_fails(fake_commands):
    with pytest.raises(FirewallError, match="no firewall tool"):
        choose_backend(CommandRunner(fake_commands(STOPPED)), lambda cmd: False, "/nonexistent")


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


LOADED_BACKENDS = textwrap.dedent("""
    import sys
    from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._firewall.backends import choose_backend
    from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._firewall.common import CommandRunner

    answers = {("firewall-cmd", "--state"): (252, "not running\\n", ""),
               ("iptables", "-L", "ufw-user-input", "-n"): (1, "", "")}
    runner = CommandRunner(lambda args, **_kw: answers[tuple(args)])
    installed = {"firewall-cmd", "ufw", "nft", "iptables"}
    print(choose_backend(runner, installed.__contains__, sys.argv[1])[0])
    print(",".join(sorted(m.rpartition(".")[2] for m in sys.modules if m.startswith(
        "ansible_collections.dcops.atlassian_cloud.plugins.module_utils._firewall.") and not m.endswith("backends"))))
""")


@pytest.mark.parametrize("cmdlines, loaded", [
    # firewall-cmd installed, the daemon stopped: firewalld's code (and its XML parser) stays out of the run.
    ({"1": b"/sbin/init\0"}, "common,ufw"),
    # A firewalld process: firewall-cmd is asked, so the backend's code is loaded.
    ({"1": b"/sbin/init\0", "812": b"/usr/bin/python3\0-s\0/usr/sbin/firewalld\0--nofork\0"}, "common,firewalld,ufw"),
])
def test_auto_loads_firewalld_code_only_where_its_daemon_runs(fake_proc, cmdlines, loaded):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    out = subprocess.run([sys.executable, "-c", LOADED_BACKENDS, fake_proc(cmdlines)], capture_output=True, text=True,
                         check=True, timeout=60, env=env).stdout.split()
    assert out == ["nftables", loaded]

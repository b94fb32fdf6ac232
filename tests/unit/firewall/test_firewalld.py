"""firewalld backend: reading the permanent XML, the policy it builds, and the tool calls a change needs."""

from __future__ import annotations

from pathlib import Path

import pytest

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._firewall.common import CommandRunner, RuleSet
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._firewall.firewalld import (
    FirewalldBackend,
    daemon_running,
)

# As firewall-offline-cmd writes them (indentation, XML declaration, host entries without a prefix).
POLICY = """<?xml version="1.0" encoding="utf-8"?>
<policy target="CONTINUE" priority="-1000">
  <ingress-zone name="HOST"/>
  <egress-zone name="ANY"/>
  <rule family="ipv4">
    <destination ipset="eg_x_v4"/>
    <port port="443" protocol="tcp"/>
    <accept/>
  </rule>
</policy>
"""
IPSET = """<?xml version="1.0" encoding="utf-8"?>
<ipset type="hash:net">
  <option name="family" value="inet"/>
  <entry>10.0.0.2</entry>
  <entry>10.1.0.0/16</entry>
</ipset>
"""


def config(tmp_path, policy=POLICY, ipset=IPSET):
    for kind, name, text in (("policies", "eg_x", policy), ("ipsets", "eg_x_v4", ipset)):
        (tmp_path / kind).mkdir(exist_ok=True)
        if text is not None:
            (tmp_path / kind / (name + ".xml")).write_text(text)
    return tmp_path


def backend_for(fake_commands, config_dir, online=False):
    commands = fake_commands()
    return FirewalldBackend(CommandRunner(commands), "x", online=online, config_dir=str(config_dir)), commands


def test_the_written_configuration_reads_back_as_the_desired_state(fake_commands, tmp_path):
    backend, _commands = backend_for(fake_commands, config(tmp_path))
    assert backend.read() == backend.render(RuleSet("x", ["10.0.0.2", "10.1.0.0/16"]), "ipv4")
    assert backend.read()[0] == "policy eg_x: priority -1000, target CONTINUE, ingress HOST, egress ANY"


def test_foreign_edits_show_up_as_differences(fake_commands, tmp_path):
    edited = POLICY.replace("<accept/>", "<accept/>\n  </rule>\n  <rule><service name='ssh'/><accept/>")
    backend, _commands = backend_for(fake_commands, config(tmp_path, policy=edited))
    assert any(line.startswith("policy eg_x: foreign rule <rule>") for line in backend.read())


def test_offline_creation_uses_files_and_no_reload(fake_commands, tmp_path):
    backend, commands = backend_for(fake_commands, config(tmp_path, policy=None, ipset=None))
    backend.apply(RuleSet("x", ["10.0.0.2", "fd00::2"]), "both")
    made = commands.commands()
    assert [c.split("=")[0] for c in made] == ["firewall-offline-cmd --new-ipset-from-file",
                                               "firewall-offline-cmd --new-ipset-from-file",
                                               "firewall-offline-cmd --new-policy-from-file"]
    assert made[2].endswith("--name=eg_x")


def test_moving_addresses_changes_entries_only_and_reloads_the_daemon(fake_commands, tmp_path):
    backend, commands = backend_for(fake_commands, config(tmp_path), online=True)
    backend.apply(RuleSet("x", ["10.0.0.3", "10.1.0.0/16"]), "ipv4")
    made = [c.split("=")[0] for c in commands.commands()]
    assert made == ["firewall-cmd --permanent --ipset", "firewall-cmd --permanent --ipset", "firewall-cmd --reload"]
    assert "--remove-entries-from-file" in commands.calls[0][0][-1]


def test_absent_deletes_the_policy_before_its_ipsets(fake_commands, tmp_path):
    backend, commands = backend_for(fake_commands, config(tmp_path))
    backend.apply(None, "both")
    assert commands.commands() == ["firewall-offline-cmd --delete-policy=eg_x", "firewall-offline-cmd --delete-ipset=eg_x_v4"]


@pytest.mark.parametrize("cmdline", [b"/usr/bin/python3\0-s\0/usr/sbin/firewalld\0--nofork\0--nopid\0",
                                     b"/usr/sbin/firewalld\0--nofork\0"])
def test_daemon_state(fake_commands, fake_proc, cmdline):
    proc = fake_proc({"1": b"/sbin/init\0", "700": cmdline})
    assert daemon_running(CommandRunner(fake_commands({("firewall-cmd", "--state"): (0, "running\n", "")})), proc)
    assert not daemon_running(CommandRunner(fake_commands({("firewall-cmd", "--state"): (252, "not running\n", "")})), proc)
    assert not daemon_running(CommandRunner(fake_commands({("firewall-cmd", "--state"): (36, "", "DBUS_ERROR")})), proc)


def test_without_a_firewalld_process_firewall_cmd_is_not_asked(fake_commands, fake_proc):
    commands = fake_commands({("firewall-cmd", "--state"): (0, "running\n", "")})
    # A process ended between the listing and the read (no cmdline) and an editor on firewalld's unit file.
    proc = fake_proc({"1": b"/sbin/init\0", "52": b"vi\0/usr/lib/systemd/system/firewalld.service\0"})
    (Path(proc) / "53").mkdir()
    assert not daemon_running(CommandRunner(commands), proc)
    assert commands.commands() == []

"""ufw backend: only rules carrying the rule set's comment are read, added or deleted."""

from __future__ import annotations

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._firewall.common import CommandRunner, RuleSet
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._firewall.ufw import UfwBackend, is_active

ADDED = """Added user rules (see 'ufw status' for running firewall):
ufw allow out 53/udp comment 'admin-dns'
ufw allow out to 10.0.0.2 port 443 proto tcp comment 'dcops.egress_rule:x'
ufw allow out to 10.0.0.9 port 443 proto tcp comment 'dcops.egress_rule:x'
ufw allow out to 10.0.0.7 port 443 proto tcp comment 'dcops.egress_rule:other'
"""


def backend_for(fake_commands):
    commands = fake_commands({("ufw", "show", "added"): (0, ADDED, "")})
    return UfwBackend(CommandRunner(commands), "x", "dcops.egress_rule:x"), commands


def test_reads_only_its_own_rules_in_the_rendered_form(fake_commands):
    backend, _commands = backend_for(fake_commands)
    assert backend.read() == backend.render(RuleSet("x", ["10.0.0.2", "10.0.0.9"]), "both")


def test_reconciles_with_deletes_and_adds(fake_commands):
    backend, commands = backend_for(fake_commands)
    backend.apply(RuleSet("x", ["10.0.0.2", "2001:db8::/64"]), "both")
    assert commands.commands()[1:] == [
        "ufw delete allow out to 10.0.0.9 port 443 proto tcp",
        "ufw allow out to 2001:db8::/64 port 443 proto tcp comment dcops.egress_rule:x"]


def test_no_change_runs_no_ufw_command(fake_commands):
    backend, commands = backend_for(fake_commands)
    backend.apply(RuleSet("x", ["10.0.0.2", "10.0.0.9"]), "both")
    assert commands.commands() == ["ufw show added"]


def test_active_state(fake_commands):
    assert is_active(CommandRunner(fake_commands({("ufw", "status"): (0, "Status: active\n", "")})))
    assert not is_active(CommandRunner(fake_commands({("ufw", "status"): (0, "Status: inactive\n", "")})))

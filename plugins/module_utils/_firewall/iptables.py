# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""iptables backend: a dedicated chain per family (iptables and ip6tables), jumped from OUTPUT.

The module changes only its chain `EGRESS_<NAME>` and the one OUTPUT rule that jumps to it (tagged
with the rule set's marker comment). Persistence edits only those lines inside the `*filter` section
of the netfilter-persistent files `rules.v4` / `rules.v6`, leaving everything else in them untouched.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import shlex

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._firewall.common import (
    FileChange,
    FirewallError,
    read_text,
)

COMMANDS = {4: "iptables", 6: "ip6tables"}
RULES_FILES = {4: "rules.v4", 6: "rules.v6"}
DEFAULT_PERSIST_DIR = "/etc/iptables"


def chain_name(ident):
    return "EGRESS_%s" % ident.upper()


def accept_rule(chain, network, protocol, port):
    """The rule as `iptables -S` prints it, so reading and rendering compare as text."""
    return "-A %s -d %s -p %s -m %s --dport %d -j ACCEPT" % (chain, network, protocol, protocol, port)


def jump_rule(chain, marker):
    return "-A OUTPUT -m comment --comment %s -j %s" % (marker, chain)


def normalise(line):
    """Re-join `iptables -S` output so quoting does not matter."""
    return " ".join(shlex.split(line))


def is_jump_to(line, chain):
    words = shlex.split(line)
    return words[:2] == ["-A", "OUTPUT"] and words[-2:] == ["-j", chain]


class IptablesBackend(object):
    name = "iptables"

    def __init__(self, runner, ident, persist=True, persist_path=None, which=None):
        self.runner = runner
        self.ident = ident
        self.chain = chain_name(ident)
        self.persist = persist
        self.persist_dir = persist_path or DEFAULT_PERSIST_DIR
        self.which = which
        self.warnings = []

    def describe(self):
        return "iptables/ip6tables chain %s" % self.chain

    def check_other_backend(self):
        """Native nftables tables are evaluated next to iptables' own: one whose output chain drops keeps blocking
        what iptables accepts (iptables-nft's tables ip/ip6 filter are iptables' own and are left to it)."""
        if not (self.which and self.which("nft")):
            return
        rc, out, _err = self.runner.run(["nft", "-j", "list", "chains"], ok_rcs=None)
        if rc != 0:
            return
        try:
            items = json.loads(out or "{}").get("nftables", [])
        except ValueError:
            return
        blocking = sorted("%s %s (chain %s)" % (c["family"], c["table"], c["name"]) for c in
                          (i["chain"] for i in items if "chain" in i)
                          if c.get("hook") == "output" and c.get("policy") == "drop"
                          and (c.get("family"), c.get("table")) not in (("ip", "filter"), ("ip6", "filter")))
        if blocking:
            raise FirewallError(
                "nftables table %s drops output traffic: rules added through iptables cannot open a path it blocks. "
                "Use backend=nftables (it adds the rule set to that table), or accept the traffic there."
                % ", ".join(blocking))

    # -- reading -----------------------------------------------------------------------------------------
    def _listing(self, version, chain):
        rc, out, _err = self.runner.run([COMMANDS[version], "-w", "-S", chain], ok_rcs=(0, 1))
        return out.splitlines() if rc == 0 else None

    def read_family(self, version):
        """Managed lines of one family: the jump(s) from OUTPUT and the chain's rules."""
        lines = [normalise(line) for line in self._listing(version, "OUTPUT") or [] if is_jump_to(line, self.chain)]
        chain_lines = self._listing(version, self.chain)
        if chain_lines is not None:
            lines.append("-N %s" % self.chain)
            lines.extend(sorted(normalise(line) for line in chain_lines if line.startswith("-A ")))
        return lines

    def read(self):
        return ["%s %s" % (COMMANDS[v], line) for v in (4, 6) for line in self.read_family(v)]

    # -- desired state ---------------------------------------------------------------------------------------
    def render_family(self, ruleset, version, ip_version):
        if ruleset is None or version not in {"ipv4": (4,), "ipv6": (6,), "both": (4, 6)}[ip_version]:
            return []
        lines = [jump_rule(self.chain, ruleset.marker), "-N %s" % self.chain]
        lines.extend(sorted(accept_rule(self.chain, net, ruleset.protocol, ruleset.port)
                            for net in ruleset.networks_of(version)))
        return lines

    def render(self, ruleset, ip_version):
        return ["%s %s" % (COMMANDS[v], line) for v in (4, 6) for line in self.render_family(ruleset, v, ip_version)]

    # -- applying ------------------------------------------------------------------------------------------------
    def apply(self, ruleset, ip_version):
        for version in (4, 6):
            current = self.read_family(version)
            desired = self.render_family(ruleset, version, ip_version)
            if current != desired:
                self._apply_family(version, current, desired)

    def _apply_family(self, version, current, desired):
        command = COMMANDS[version]

        def run(words):
            self.runner.run([command, "-w"] + words)

        chain_exists = "-N %s" % self.chain in current
        if not desired:
            for line in current:
                if is_jump_to(line, self.chain):
                    run(["-D"] + shlex.split(line)[1:])
            if chain_exists:
                run(["-F", self.chain])
                run(["-X", self.chain])
            return
        if not chain_exists:
            run(["-N", self.chain])
        rules = [line for line in desired if line.startswith("-A %s " % self.chain)]
        for line in current:
            if line.startswith("-A %s " % self.chain) and line not in rules:
                run(["-D"] + shlex.split(line)[1:])
        for line in rules:
            if line not in current:
                run(shlex.split(line))
        if not any(is_jump_to(line, self.chain) for line in current):
            # First in OUTPUT, so it comes before the rules that drop.
            run(["-I", "OUTPUT", "1"] + shlex.split(desired[0])[2:])

    # -- persistence ------------------------------------------------------------------------------------------------
    def file_changes(self, ruleset, ip_version):
        if not self.persist:
            return []
        changes = []
        for version in (4, 6):
            path = os.path.join(self.persist_dir, RULES_FILES[version])
            before = read_text(path)
            desired = self.render_family(ruleset, version, ip_version)
            after = merge_rules_file(before, self.chain, desired)
            changes.append(FileChange(path, before, after))
        return changes


def merge_rules_file(content, chain, desired):
    """`content` (an iptables-save file, or None) with this chain's lines replaced by `desired`.

    Only the chain declaration, the chain's rules and the OUTPUT jump to it are touched. The jump goes
    before any other OUTPUT rule so it is evaluated first after a restore, as it is at run time.
    """
    if content is None and not desired:
        return None
    lines = (content or "").splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip() == "*filter"), None)
    if start is None:
        if not desired:
            return content
        lines += ["*filter"] + _section_lines(chain, desired) + ["COMMIT"]
        return "\n".join(lines) + "\n"
    end = next((i for i in range(start + 1, len(lines)) if lines[i].strip() == "COMMIT"), len(lines))
    body = [line for line in lines[start + 1:end] if not _owned(line, chain)]
    position = next((i for i, line in enumerate(body) if not line.startswith((":", "#"))), len(body))
    declarations, rest = body[:position], body[position:]
    owned = _section_lines(chain, desired)
    new_body = declarations + [line for line in owned if line.startswith(":")] + \
        [line for line in owned if not line.startswith(":")] + rest
    lines = lines[:start + 1] + new_body + lines[end:]
    if [line.strip() for line in lines if line.strip()] == ["*filter", "COMMIT"]:
        # Only the section the module once created is left: the file was the module's alone.
        return None
    return "\n".join(lines) + "\n"


def _section_lines(chain, desired):
    if not desired:
        return []
    lines = [":%s - [0:0]" % chain]
    lines.extend(line for line in desired if is_jump_to(line, chain))
    lines.extend(line for line in desired if line.startswith("-A %s " % chain))
    return lines


def _owned(line, chain):
    stripped = line.strip()
    return (stripped.startswith(":%s " % chain) or stripped.startswith("-A %s " % chain)
            or (stripped.startswith("-A OUTPUT") and is_jump_to(stripped, chain)))

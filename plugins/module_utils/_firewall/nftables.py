# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""nftables backend: two interval sets, one regular chain and one tagged jump, applied in one transaction.

An accept verdict in nftables ends only the base chain it was reached from: a drop policy in another
table's output chain still drops the packet. So the managed objects go into the table whose output
chain carries the drop policy (found automatically, or named with `nftables_table`); when no table
drops output traffic, the module creates and owns a table of its own. Inside a foreign table the module
adds only objects named after the rule set plus one jump rule tagged with the rule set's marker comment.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import fnmatch
import json
import re

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._firewall.common import (
    FileChange,
    FirewallError,
    parse_network,
    read_text,
)

FAMILY_VERSIONS = {"inet": (4, 6), "ip": (4,), "ip6": (6,)}
SET_TYPES = {4: ("ip", "ipv4_addr"), 6: ("ip6", "ipv6_addr")}
DEFAULT_PERSIST_DIR = "/etc/nftables.d"


def set_name(ruleset, version):
    return "egress_%s_v%d" % (ruleset.ident, version)


def chain_name(ident):
    return "egress_%s" % ident


def own_table(ident):
    return ("inet", "dcops_egress_%s" % ident)


def rule_text(expr):
    """A rule's JSON expression list as the canonical text the module compares, or None if foreign.

    Only the shapes the module writes are recognised: `<ip|ip6> daddr @set <proto> dport N accept`
    and `jump chain`.
    """
    if len(expr) == 1 and "jump" in expr[0]:
        return "jump %s" % expr[0]["jump"]["target"]
    if len(expr) != 3 or "accept" not in expr[2]:
        return None
    words = []
    for item in expr[:2]:
        match = item.get("match") or {}
        payload = (match.get("left") or {}).get("payload") or {}
        if match.get("op") != "==" or not payload:
            return None
        words.append("%s %s %s" % (payload.get("protocol"), payload.get("field"), match.get("right")))
    return "%s accept" % " ".join(words)


def element_networks(elements):
    """Set elements from `nft -j` (plain addresses, prefixes, ranges) as networks."""
    networks = []
    for element in elements or []:
        if isinstance(element, dict) and "elem" in element:
            element = element["elem"]["val"]
        if isinstance(element, dict) and "prefix" in element:
            networks.append(parse_network("%s/%s" % (element["prefix"]["addr"], element["prefix"]["len"])))
        elif isinstance(element, dict) and "range" in element:
            # The module never writes ranges; show them verbatim so the diff reveals foreign edits.
            networks.append("%s-%s" % tuple(element["range"]))
        else:
            networks.append(parse_network(str(element)))
    return networks


class Ruleset(object):
    """`nft -j list ruleset`, indexed."""

    def __init__(self, document):
        items = document.get("nftables", [])
        self.tables = [(i["table"]["family"], i["table"]["name"]) for i in items if "table" in i]
        self.sets = {(i["set"]["family"], i["set"]["table"], i["set"]["name"]): i["set"] for i in items if "set" in i}
        self.chains = [i["chain"] for i in items if "chain" in i]
        self.rules = [i["rule"] for i in items if "rule" in i]

    def output_chains(self, table=None):
        return [c for c in self.chains if c.get("hook") == "output" and c.get("type") == "filter"
                and (table is None or (c["family"], c["table"]) == table)]

    def chain_rules(self, table, chain):
        return [r for r in self.rules if (r["family"], r["table"], r["chain"]) == (table[0], table[1], chain)]

    def has_chain(self, table, chain):
        return any((c["family"], c["table"], c["name"]) == (table[0], table[1], chain) for c in self.chains)


class NftablesBackend(object):
    name = "nftables"

    def __init__(self, runner, ident, table=None, persist=True, persist_path=None, removing=False, marker=None,
                 which=None):
        self.runner = runner
        self.marker = marker
        self.which = which
        self.removing = removing
        self.ident = ident
        self.requested_table = _parse_table(table) if table else None
        self.persist = persist
        self.persist_path = persist_path or "%s/dcops-egress-%s.nft" % (DEFAULT_PERSIST_DIR, ident.replace("_", "-"))
        self.warnings = []
        self._ruleset = None
        self._table = None

    # -- reading ---------------------------------------------------------------------------------------
    def ruleset(self):
        if self._ruleset is None:
            _rc, out, _err = self.runner.run(["nft", "-j", "list", "ruleset"])
            self._ruleset = Ruleset(json.loads(out or "{}"))
        return self._ruleset

    def table(self):
        """Where the managed objects live: named, already there, the output drop table, or an own table."""
        if self._table is not None:
            return self._table
        ruleset = self.ruleset()
        chain = chain_name(self.ident)
        if self.requested_table:
            self._table = self.requested_table
        else:
            existing = [t for t in ruleset.tables if ruleset.has_chain(t, chain)]
            dropping = sorted({(c["family"], c["table"]) for c in ruleset.output_chains() if c.get("policy") == "drop"})
            dropping = [t for t in dropping if t[0] in FAMILY_VERSIONS]
            if existing:
                self._table = existing[0]
            elif self.removing:
                # Nothing of the rule set exists anywhere: the own table (absent too) makes removal a no-op.
                self._table = own_table(self.ident)
            elif len(dropping) > 1:
                raise FirewallError(
                    "several tables drop output traffic (%s); set nftables_table to the one the rule set belongs in"
                    % ", ".join(" ".join(t) for t in dropping))
            elif dropping:
                self._table = dropping[0]
            else:
                self._table = own_table(self.ident)
        if self._table[0] not in FAMILY_VERSIONS:
            raise FirewallError("nftables table %s: family must be one of inet, ip, ip6" % " ".join(self._table))
        return self._table

    def owns_table(self):
        return self.table() == own_table(self.ident)

    def describe(self):
        return "nftables table %s" % " ".join(self.table())

    def hook_chain(self):
        """The table's output base chain (the drop-policy one when there are several)."""
        chains = self.ruleset().output_chains(self.table())
        chains.sort(key=lambda c: c.get("policy") != "drop")
        return chains[0]["name"] if chains else "output"

    def read(self):
        ruleset = self.ruleset()
        table = self.table()
        chain = chain_name(self.ident)
        lines = []
        for (family, tname, sname), body in sorted(ruleset.sets.items()):
            if (family, tname) == table and sname.startswith(chain + "_v"):
                lines.append("set %s: %s" % (sname, " ".join(str(n) for n in element_networks(body.get("elem")))))
        if ruleset.has_chain(table, chain):
            rules = [rule_text(r["expr"]) or "(foreign rule, handle %s)" % r["handle"]
                     for r in ruleset.chain_rules(table, chain)]
            lines.extend("chain %s: %s" % (chain, text) for text in sorted(rules))
        lines.extend("chain %s: jump %s" % (rule["chain"], chain) for rule in self._jump_rules())
        if self.owns_table() and ruleset.output_chains(table):
            lines.insert(0, "chain output: type filter hook output priority filter; policy accept")
        return lines

    def _jump_rules(self):
        chain = chain_name(self.ident)
        found = []
        for base in self.ruleset().output_chains(self.table()):
            for rule in self.ruleset().chain_rules(self.table(), base["name"]):
                if rule_text(rule["expr"]) == "jump %s" % chain:
                    found.append(rule)
        return found

    def check_ownership(self):
        """Refuse a chain or set named like the rule set's that this module did not create.

        Ours are unambiguous: the module always creates them together with a jump from the output chain that
        carries the rule set's marker comment, in one atomic script. Objects of that name without the marked
        jump were made by hand (or by something else) and are never flushed, adopted or deleted.
        """
        if self.owns_table() or self.marker is None:
            return
        ruleset, table, chain = self.ruleset(), self.table(), chain_name(self.ident)
        named = ["chain %s" % chain] if ruleset.has_chain(table, chain) else []
        named += ["set %s" % name for (family, tname, name) in sorted(ruleset.sets)
                  if (family, tname) == table and name.startswith(chain + "_v")]
        if named and not any(rule.get("comment") == self.marker for rule in self._jump_rules()):
            raise FirewallError(
                "nftables table %s already has %s, not created by egress_rule (no jump commented %r): refusing to "
                "take it over. Rename this rule set (name) or remove those objects by hand."
                % (" ".join(table), " and ".join(named), self.marker))

    def check_other_backend(self):
        """iptables-legacy rules are evaluated next to nftables: an OUTPUT policy DROP there keeps blocking."""
        for command in ("iptables-legacy", "ip6tables-legacy"):
            if not (self.which and self.which(command)):
                continue
            rc, out, _err = self.runner.run([command, "-w", "-S", "OUTPUT"], ok_rcs=None)
            if rc == 0 and "-P OUTPUT DROP" in out.splitlines():
                raise FirewallError(
                    "%s has OUTPUT policy DROP: traffic nftables accepts is still dropped there. Use backend=iptables "
                    "on this node, or open the path in the legacy tables first." % command)

    # -- desired state ------------------------------------------------------------------------------------
    def versions(self, ruleset, ip_version):
        wanted = {"ipv4": (4,), "ipv6": (6,), "both": (4, 6)}[ip_version]
        family_versions = FAMILY_VERSIONS[self.table()[0]]
        skipped = [v for v in wanted if v not in family_versions and ruleset.networks_of(v)]
        if skipped:
            self.warnings.append(
                "table %s cannot hold IPv%s rules; those destinations are left out (that family is not "
                "filtered by this table)" % (" ".join(self.table()), "/".join(str(v) for v in skipped)))
        return [v for v in wanted if v in family_versions]

    def render(self, ruleset, ip_version):
        if ruleset is None:
            return []
        chain = chain_name(self.ident)
        versions = self.versions(ruleset, ip_version)
        lines = []
        if self.owns_table():
            lines.append("chain output: type filter hook output priority filter; policy accept")
        for version in versions:
            elements = " ".join(str(n) for n in ruleset.networks_of(version))
            lines.append("set %s: %s" % (set_name(ruleset, version), elements))
        lines.extend(sorted("chain %s: %s" % (chain, self._accept_rule(ruleset, v)) for v in versions))
        lines.append("chain %s: jump %s" % (self.hook_chain(), chain))
        return lines

    def _accept_rule(self, ruleset, version):
        return "%s daddr @%s %s dport %d accept" % (
            SET_TYPES[version][0], set_name(ruleset, version), ruleset.protocol, ruleset.port)

    def script(self, ruleset, ip_version, for_boot=False):
        """An `nft -f` script that creates the managed objects (idempotently at run time)."""
        family, tname = self.table()
        chain = chain_name(self.ident)
        versions = self.versions(ruleset, ip_version)
        lines = ["table %s %s {" % (family, tname)]
        if self.owns_table():
            lines += ["  chain output {", "    type filter hook output priority filter; policy accept;", "  }"]
        for version in versions:
            networks = ruleset.networks_of(version)
            lines += ["  set %s {" % set_name(ruleset, version),
                      "    type %s;" % SET_TYPES[version][1],
                      "    flags interval;"]
            if networks and for_boot:
                lines.append("    elements = { %s }" % ", ".join(str(n) for n in networks))
            lines.append("  }")
        lines += ["  chain %s {" % chain]
        if for_boot:
            lines += ["    %s" % self._accept_rule(ruleset, v) for v in versions]
        lines += ["  }", "}"]
        if not for_boot:
            for version in versions:
                networks = ruleset.networks_of(version)
                lines.append("flush set %s %s %s" % (family, tname, set_name(ruleset, version)))
                if networks:
                    lines.append("add element %s %s %s { %s }" % (
                        family, tname, set_name(ruleset, version), ", ".join(str(n) for n in networks)))
            lines.append("flush chain %s %s %s" % (family, tname, chain))
            lines += ["add rule %s %s %s %s" % (family, tname, chain, self._accept_rule(ruleset, v)) for v in versions]
            for version in (4, 6):
                if version not in versions and (family, tname, set_name(ruleset, version)) in self.ruleset().sets:
                    lines.append("delete set %s %s %s" % (family, tname, set_name(ruleset, version)))
        if for_boot or not self._jump_rules():
            lines.append('insert rule %s %s %s jump %s comment "%s"' % (
                family, tname, self.hook_chain(), chain, ruleset.marker))
        return "\n".join(lines) + "\n"

    # -- applying ----------------------------------------------------------------------------------------------
    def apply(self, ruleset, ip_version):
        if ruleset is not None:
            self._nft_script(self.script(ruleset, ip_version))
            return
        family, tname = self.table()
        if self.owns_table():
            if (family, tname) in self.ruleset().tables:
                self._nft_script("delete table %s %s\n" % (family, tname))
            return
        lines = []
        for rule in self._jump_rules():
            lines.append("delete rule %s %s %s handle %s" % (family, tname, rule["chain"], rule["handle"]))
        chain = chain_name(self.ident)
        if self.ruleset().has_chain(self.table(), chain):
            lines.append("delete chain %s %s %s" % (family, tname, chain))
        for (sfamily, stable, sname) in sorted(self.ruleset().sets):
            if (sfamily, stable) == (family, tname) and sname.startswith(chain + "_v"):
                lines.append("delete set %s %s %s" % (family, tname, sname))
        if lines:
            self._nft_script("\n".join(lines) + "\n")

    def _nft_script(self, script):
        self.runner.run(["nft", "-f", "-"], data=script)

    # -- persistence ---------------------------------------------------------------------------------------------
    def file_changes(self, ruleset, ip_version):
        """The boot-time file: loaded after the main configuration (see the module documentation)."""
        if not self.persist:
            return []
        before = read_text(self.persist_path)
        if ruleset is None:
            after = None
        else:
            after = ("# Managed by dcops.atlassian_cloud.egress_rule (rule set %s). Do not edit.\n"
                     "# Load after the table %s is defined, e.g. include it at the end of /etc/nftables.conf.\n"
                     % (ruleset.name, " ".join(self.table())) + self.script(ruleset, ip_version, for_boot=True))
        return [FileChange(self.persist_path, before, after)]

    def persist_warnings(self, main_config="/etc/nftables.conf"):
        """Warn when the main configuration does not include the boot-time file."""
        content = read_text(main_config)
        if content is None:
            return []
        patterns = re.findall(r'^\s*include\s+"([^"]+)"', content, re.M)
        if any(fnmatch.fnmatch(self.persist_path, p) for p in patterns):
            return []
        return ['%s does not include %s: add `include "%s"` at its end so the rule set is restored at boot'
                % (main_config, self.persist_path, self.persist_path)]


def _parse_table(text):
    words = text.split()
    if len(words) == 1:
        words = ["inet"] + words
    if len(words) != 2:
        raise FirewallError("nftables_table %r: expected '<family> <name>', for example 'inet filter'" % text)
    return (words[0], words[1])

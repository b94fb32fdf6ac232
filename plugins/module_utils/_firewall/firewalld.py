# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""firewalld backend: a policy object (HOST -> ANY) whose rich rules accept traffic to two ipsets.

Zones only filter inbound traffic; outbound filtering needs a policy (firewalld >= 0.9). Policies and
ipsets exist only in the permanent configuration, so the module always writes there: with
`firewall-cmd --permanent` and a reload when the daemon runs, with `firewall-offline-cmd` when it does
not. The module owns the policy `eg_<name>` and the ipsets `eg_<name>_v4` / `_v6`, nothing else.

The current state is read from those objects' XML files in the permanent configuration directory
(firewalld writes them on every permanent change); writes go through firewalld's own tools, which
validate them. One tool call per object keeps a run fast: each call starts a Python process.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import tempfile
from xml.etree import ElementTree

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.processes import runs_program
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._firewall.common import (
    FirewallError,
    compact,
    parse_network,
)

IPSET_FAMILIES = {4: "inet", 6: "inet6"}
DEFAULT_PRIORITY = -1000
CONFIG_DIR = "/etc/firewalld"


def daemon_running(runner, proc="/proc"):
    # firewall-cmd is a Python program that loads the D-Bus bindings, the dearest command of a converged run:
    # without a firewalld process it can only answer "not running", so it is asked only when there is one.
    return runs_program(b"firewalld", proc) and daemon_answers_running(runner)


def daemon_answers_running(runner):
    """What `firewall-cmd --state` says, asked only of a node where a firewalld process runs."""
    # Not running answers 252, and 36 (D-Bus error) when there is no system bus at all.
    rc, out, _err = runner.run(["firewall-cmd", "--state"], ok_rcs=None)
    return rc == 0 and out.strip() == "running"


def rule_from_xml(rule):
    """The rich-rule text of a `<rule>` element of the shape the module writes; the raw XML otherwise."""
    destination, port = rule.find("destination"), rule.find("port")
    children = [child.tag for child in rule]
    if (children == ["destination", "port", "accept"] and rule.get("family") in ("ipv4", "ipv6")
            and destination.get("ipset") and set(destination.attrib) == {"ipset"}):
        return 'rule family="%s" destination ipset="%s" port port="%s" protocol="%s" accept' % (
            rule.get("family"), destination.get("ipset"), port.get("port"), port.get("protocol"))
    return "foreign rule %s" % ElementTree.tostring(rule, encoding="unicode").strip()


def policy_lines(name, root):
    """Canonical lines for a `<policy>` document."""
    ingress = " ".join(e.get("name") for e in root.findall("ingress-zone")) or "-"
    egress = " ".join(e.get("name") for e in root.findall("egress-zone")) or "-"
    lines = ["policy %s: priority %s, target %s, ingress %s, egress %s" % (
        name, root.get("priority", "-1"), root.get("target", "CONTINUE"), ingress, egress)]
    lines.extend(sorted("policy %s: %s" % (name, rule_from_xml(rule)) for rule in root.findall("rule")))
    others = sorted({child.tag for child in root} - {"ingress-zone", "egress-zone", "rule"})
    lines.extend("policy %s: foreign element %s" % (name, tag) for tag in others)
    return lines


def policy_xml(priority, rules):
    root = ElementTree.Element("policy", target="CONTINUE", priority=str(priority))
    ElementTree.SubElement(root, "ingress-zone", name="HOST")
    ElementTree.SubElement(root, "egress-zone", name="ANY")
    for version, ipset, protocol, port in rules:
        rule = ElementTree.SubElement(root, "rule", family="ipv%d" % version)
        ElementTree.SubElement(rule, "destination", ipset=ipset)
        ElementTree.SubElement(rule, "port", port=str(port), protocol=protocol)
        ElementTree.SubElement(rule, "accept")
    return ElementTree.tostring(root, encoding="unicode")


def ipset_xml(version, networks):
    root = ElementTree.Element("ipset", type="hash:net")
    ElementTree.SubElement(root, "option", name="family", value=IPSET_FAMILIES[version])
    for network in networks:
        ElementTree.SubElement(root, "entry").text = compact(network)
    return ElementTree.tostring(root, encoding="unicode")


class FirewalldBackend(object):
    name = "firewalld"

    def __init__(self, runner, ident, priority=DEFAULT_PRIORITY, online=None, config_dir=CONFIG_DIR):
        self.runner = runner
        self.ident = ident
        self.policy = "eg_%s" % ident  # firewalld policy names have at most 18 characters
        self.priority = priority
        self.online = daemon_running(runner) if online is None else online
        self.config_dir = config_dir
        self.warnings = []

    def describe(self):
        return "firewalld policy %s (%s)" % (self.policy, "permanent, daemon running" if self.online else "offline")

    def ipset(self, version):
        return "%s_v%d" % (self.policy, version)

    def cmd(self, *words):
        if self.online:
            return ["firewall-cmd", "--permanent"] + list(words)
        return ["firewall-offline-cmd"] + list(words)

    # -- reading ---------------------------------------------------------------------------------------------
    def _document(self, kind, name):
        path = os.path.join(self.config_dir, kind, name + ".xml")
        if not os.path.exists(path):
            return None
        try:
            return ElementTree.parse(path).getroot()
        except ElementTree.ParseError as exc:
            raise FirewallError("cannot read firewalld configuration %s: %s" % (path, exc))

    def ipset_entries(self, version):
        root = self._document("ipsets", self.ipset(version))
        if root is None:
            return None
        return sorted((parse_network(e.text) for e in root.findall("entry")),
                      key=lambda n: (n.network_address, n.prefixlen))

    def read(self):
        lines = []
        root = self._document("policies", self.policy)
        if root is not None:
            lines.extend(policy_lines(self.policy, root))
        for version in (4, 6):
            entries = self.ipset_entries(version)
            if entries is not None:
                lines.append("ipset %s: %s" % (self.ipset(version), " ".join(str(n) for n in entries)))
        return lines

    # -- desired state ------------------------------------------------------------------------------------------
    def versions(self, ip_version):
        return {"ipv4": (4,), "ipv6": (6,), "both": (4, 6)}[ip_version]

    def _rules(self, ruleset, ip_version):
        return [(v, self.ipset(v), ruleset.protocol, ruleset.port) for v in self.versions(ip_version)]

    def render(self, ruleset, ip_version):
        if ruleset is None:
            return []
        lines = policy_lines(self.policy, ElementTree.fromstring(policy_xml(self.priority, self._rules(ruleset, ip_version))))
        for version in self.versions(ip_version):
            lines.append("ipset %s: %s" % (self.ipset(version), " ".join(str(n) for n in ruleset.networks_of(version))))
        return lines

    # -- applying --------------------------------------------------------------------------------------------------
    def apply(self, ruleset, ip_version):
        prefix = "policy %s: " % self.policy
        current = [line for line in self.read() if line.startswith(prefix)]
        desired = [line for line in self.render(ruleset, ip_version) if line.startswith(prefix)]
        rebuild_policy = current != desired
        tmp = tempfile.mkdtemp(prefix="egress_rule-")
        try:
            if rebuild_policy and current:
                self.runner.run(self.cmd("--delete-policy=%s" % self.policy))
            wanted = self.versions(ip_version) if ruleset is not None else ()
            for version in (4, 6):
                self._sync_ipset(version, ruleset.networks_of(version) if version in wanted else None, tmp)
            if rebuild_policy and ruleset is not None:
                path = self._write(tmp, "policy.xml", policy_xml(self.priority, self._rules(ruleset, ip_version)))
                self.runner.run(self.cmd("--new-policy-from-file=%s" % path, "--name=%s" % self.policy))
        finally:
            for name in os.listdir(tmp):
                os.unlink(os.path.join(tmp, name))
            os.rmdir(tmp)
        if self.online:
            self.runner.run(["firewall-cmd", "--reload"])

    def _sync_ipset(self, version, networks, tmp):
        """Make ipset `version` hold `networks` (None: no ipset), with at most two tool calls."""
        name = self.ipset(version)
        have = self.ipset_entries(version)
        if networks is None:
            if have is not None:
                self.runner.run(self.cmd("--delete-ipset=%s" % name))
            return
        if have is None:
            path = self._write(tmp, name + ".xml", ipset_xml(version, networks))
            self.runner.run(self.cmd("--new-ipset-from-file=%s" % path, "--name=%s" % name))
            return
        for option, entries in (("--remove-entries-from-file", set(have) - set(networks)),
                                ("--add-entries-from-file", set(networks) - set(have))):
            if entries:
                path = self._write(tmp, name + option, "".join(compact(n) + "\n" for n in sorted(entries, key=str)))
                self.runner.run(self.cmd("--ipset=%s" % name, "%s=%s" % (option, path)))

    @staticmethod
    def _write(directory, name, content):
        path = os.path.join(directory, name)
        with open(path, "w") as stream:
            stream.write(content)
        return path

    def file_changes(self, ruleset, ip_version):
        # firewalld's permanent configuration is its persistence; nothing else to write.
        return []

# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""ufw backend: one `allow out` rule per destination network, each tagged with the rule set's comment.

The rules are read back from `ufw show added`, so a second run with the same destinations runs no
ufw command and reports no change. Only rules carrying the rule set's comment are ever deleted. ufw
keeps added rules in its own files (`/etc/ufw/user.rules`, `user6.rules`), so they always persist,
and rules added while ufw is inactive take effect when it is enabled.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import shlex

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._firewall.common import FirewallError, compact


def is_active(runner, which=None):
    """Whether `ufw status` says active. `which(command)` says whether a command exists (None: ask ufw alone)."""
    # ufw is a Python program. Its status answers "inactive" when `iptables -L ufw-user-input -n` exits 1 (its
    # chain is not loaded; ufw's backend_iptables.get_status): that test, made first, spares a converged run
    # the Python start-up on every node where ufw is installed and not enabled.
    if which is not None and which("iptables"):
        rc, _out, _err = runner.run(["iptables", "-L", "ufw-user-input", "-n"], ok_rcs=None)
        if rc == 1:
            return False
    rc, out, _err = runner.run(["ufw", "status"], ok_rcs=(0, 1))
    return rc == 0 and "Status: active" in out


def rule_words(network, protocol, port, marker):
    """A rule as `ufw show added` prints it (minus the leading `ufw`)."""
    return ["allow", "out", "to", compact(network), "port", str(port), "proto", protocol, "comment", marker]


class UfwBackend(object):
    name = "ufw"

    def __init__(self, runner, ident, marker):
        self.runner = runner
        self.ident = ident
        self.marker = marker
        self.warnings = []

    def describe(self):
        return "ufw rules commented %s" % self.marker

    def _added(self):
        """Every added rule as (words without the comment, its comment or None), from `ufw show added`."""
        _rc, out, _err = self.runner.run(["ufw", "show", "added"])
        for line in out.splitlines():
            if line.startswith("ufw "):
                words = shlex.split(line)[1:]
                if len(words) >= 2 and words[-2] == "comment":
                    yield words[:-2], words[-1]
                else:
                    yield words, None

    def read(self):
        return sorted(" ".join(shlex.quote(w) for w in words + ["comment", comment])
                      for words, comment in self._added() if comment == self.marker)

    def check_ownership(self, desired):
        """Refuse when a rule identical to one of ours but without our comment exists: `ufw allow` would put our
        comment on it (adopting it) and state=absent would then delete a rule someone else made."""
        foreign = [words for words, comment in self._added() if comment != self.marker]
        clashes = [" ".join(shlex.split(line)[:-2]) for line in desired if shlex.split(line)[:-2] in foreign]
        if clashes:
            raise FirewallError(
                "ufw already has rule(s) not made by egress_rule for %s: refusing to adopt them (ufw would move our "
                "comment onto them and state=absent would delete them). Delete them by hand, or give them the "
                "comment %r to hand them over." % ("; ".join(clashes), self.marker))

    def render(self, ruleset, ip_version):
        if ruleset is None:
            return []
        versions = {"ipv4": (4,), "ipv6": (6,), "both": (4, 6)}[ip_version]
        return sorted(" ".join(shlex.quote(w) for w in rule_words(net, ruleset.protocol, ruleset.port, self.marker))
                      for net in ruleset.networks if net.version in versions)

    def apply(self, ruleset, ip_version):
        current = self.read()
        desired = self.render(ruleset, ip_version)
        for line in current:
            if line not in desired:
                words = shlex.split(line)
                # `ufw delete` matches the rule without its comment.
                self.runner.run(["ufw", "delete"] + words[:-2])
        for line in desired:
            if line not in current:
                self.runner.run(["ufw"] + shlex.split(line))

    def file_changes(self, ruleset, ip_version):
        return []

# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Choosing a backend and building the plan every backend shares.

`auto` order and why: a running firewalld or an active ufw owns the ruleset and rewrites it on its
next reload, so rules must go through it; otherwise nftables when `nft` is installed (the native
interface of current kernels); otherwise iptables.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.processes import runs_program
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._firewall.common import FirewallError, Plan

BACKENDS = ("nftables", "iptables", "firewalld", "ufw")
COMMANDS = {"nftables": "nft", "iptables": "iptables", "firewalld": "firewall-cmd", "ufw": "ufw"}


def choose_backend(runner, which, proc="/proc"):
    """The backend `auto` stands for on this node, and whether firewalld's daemon runs (None: not asked).

    `which(command)` says whether a command exists; `proc` is where the node's processes are listed.
    """
    # Each backend's code is imported only when asked for: a module run compiles what it imports from the
    # AnsiballZ payload, and a node that runs one backend would pay for four (about 10 ms a node, run 10 of
    # docs/performance.md). firewalld's own code (and its XML parser) is not even loaded without a firewalld
    # process, the case of every node that has firewall-cmd installed and the daemon stopped (5 ms a node, run 12).
    if which("firewall-cmd") and runs_program(b"firewalld", proc):
        from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._firewall import firewalld
        if firewalld.daemon_answers_running(runner):
            return "firewalld", True
    if which("ufw"):
        from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._firewall import ufw
        if ufw.is_active(runner, which):
            return "ufw", None
    if which("nft"):
        return "nftables", None
    if which("iptables"):
        return "iptables", None
    raise FirewallError("backend=auto found no firewall tool: install nftables or iptables (or firewalld / ufw)")


def make_backend(kind, runner, ruleset_ident, marker, params, firewalld_running=None, which=None):
    """`which(command)` says whether a command exists (for the other-backend checks; None skips them)."""
    if kind == "nftables":
        from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._firewall.nftables import NftablesBackend
        return NftablesBackend(runner, ruleset_ident, table=params.get("nftables_table"),
                               persist=params.get("persist", True), persist_path=params.get("persist_path"),
                               removing=params.get("state") == "absent", marker=marker, which=which)
    if kind == "iptables":
        from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._firewall.iptables import IptablesBackend
        return IptablesBackend(runner, ruleset_ident, persist=params.get("persist", True),
                               persist_path=params.get("persist_path"), which=which)
    if kind == "firewalld":
        from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._firewall import firewalld
        return firewalld.FirewalldBackend(runner, ruleset_ident, online=firewalld_running,
                                          priority=params.get("firewalld_priority", firewalld.DEFAULT_PRIORITY))
    if kind == "ufw":
        from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._firewall import ufw
        return ufw.UfwBackend(runner, ruleset_ident, marker)
    raise FirewallError("unknown backend %r; expected one of %s" % (kind, ", ".join(BACKENDS)))


def plan(backend, ruleset, ip_version):
    """What the live objects and owned files are, and what they will be. `ruleset` None means absent.

    Objects named like ours that the module did not create are refused (ufw, nftables) before anything, and so
    is a blocking policy of the other netfilter front end that would keep the path closed.
    """
    if backend.name == "nftables":
        backend.check_ownership()
    before = backend.read()
    after = backend.render(ruleset, ip_version)
    if backend.name == "ufw" and ruleset is not None:
        backend.check_ownership([line for line in after if line not in before])
    if ruleset is not None and hasattr(backend, "check_other_backend"):
        backend.check_other_backend()
    the_plan = Plan(backend, before, after, backend.file_changes(ruleset, ip_version))
    for change in the_plan.files:
        change.check()
    return the_plan


def apply(backend, the_plan, ruleset, ip_version):
    if the_plan.rules_changed:
        backend.apply(ruleset, ip_version)
    for change in the_plan.files:
        change.write()

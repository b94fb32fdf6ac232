#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: egress_rule
short_description: Allow outbound traffic from a node to named destinations, re-resolved on every run
version_added: 0.1.0
description:
  - Manages one named egress rule set on a Data Center node, for example TCP 443 to C(api.atlassian.com)
    for the cloud connector.
  - Host names are resolved (A and AAAA, through the system resolver, so C(/etc/hosts) applies) on every
    run and the rule set is reconciled; new addresses are added, stale ones removed.
  - The module only touches objects it created. nftables - the sets C(egress_<name>_v4), C(egress_<name>_v6),
    the chain C(egress_<name>) and one jump rule commented C(dcops.egress_rule:<name>). iptables - the chain
    C(EGRESS_<NAME>) in iptables and ip6tables and the OUTPUT rule that jumps to it. firewalld - the policy
    C(eg_<name>) and the ipsets C(eg_<name>_v4) and C(eg_<name>_v6). ufw - the rules commented
    C(dcops.egress_rule:<name>). In object names C(<name>) is lower-cased with C(-) turned into C(_)
    (C(<NAME>) upper-cased for iptables).
  - "O(backend=auto) picks, in this order: firewalld when its daemon is running, ufw when it is active (both own
    the ruleset and would overwrite rules added behind their back), nftables when C(nft) is installed,
    otherwise iptables."
  - A host name that does not resolve fails the task; the rule set is never reconciled to nothing because
    of a DNS outage.
author:
  - dcops engineers (@dcops)
options:
  name:
    description:
      - The rule set's name, for example C(atlassian-cloud). 1 to 15 letters, digits, C(-) or C(_) (firewalld
        limits policy names, which are C(eg_<name>), to 18 characters).
      - It names the objects the module creates, so different names are independent rule sets.
    type: str
    required: true
  destinations:
    description:
      - Host names, IP addresses and CIDR networks (IPv4 or IPv6) traffic may go to.
      - CIDRs from the P(dcops.atlassian_cloud.ip_ranges#lookup) lookup can be passed directly.
      - Required (and not empty) when O(state=present).
    type: list
    elements: str
  port:
    description: Destination port.
    type: int
    default: 443
  protocol:
    description: Transport protocol.
    type: str
    choices: [tcp, udp]
    default: tcp
  backend:
    description:
      - Which firewall to configure. See the description for how V(auto) decides.
      - V(firewalld) works with the daemon running (C(firewall-cmd --permanent) and a reload) and without it
        (C(firewall-offline-cmd)); it needs firewalld 0.9 or later (policy objects).
    type: str
    choices: [auto, nftables, iptables, firewalld, ufw]
    default: auto
  state:
    description: V(present) makes the rule set match; V(absent) removes the module's objects for O(name).
    type: str
    choices: [present, absent]
    default: present
  persist:
    description:
      - Make the rule set survive a reboot with the backend's own mechanism.
      - nftables - writes O(persist_path) (default C(/etc/nftables.d/dcops-egress-<name>.nft)); it must be
        included at the end of C(/etc/nftables.conf) (C(include "/etc/nftables.d/*.nft")), after the table it
        extends is defined. The module warns when the include is missing and never edits C(/etc/nftables.conf).
      - iptables - edits only the rule set's lines in the C(*filter) section of C(rules.v4) and C(rules.v6) in
        O(persist_path) (default C(/etc/iptables)), the files C(netfilter-persistent) restores at boot.
      - firewalld and ufw always persist (policies, ipsets and ufw rules live in their permanent
        configuration); V(false) is ignored for them with a warning.
    type: bool
    default: true
  persist_path:
    description:
      - nftables - the file to write. iptables - the directory holding C(rules.v4) and C(rules.v6).
      - Ignored by firewalld and ufw.
      - Checked before any rule is applied, in check mode too. A directory, or a parent that is not writable,
        fails the run with nothing changed.
    type: path
  ip_version:
    description:
      - Which address families to allow. Addresses of the other family are left out; a host name that resolves
        to no address of the family is an error, and so are O(destinations) that leave no address at all.
      - An IPv6 address with a zone id (C(fe80::1%eth0)) is an error, since a rule cannot carry the zone.
    type: str
    choices: [ipv4, ipv6, both]
    default: both
  nftables_table:
    description:
      - nftables table (C(<family> <name>), family C(inet), C(ip) or C(ip6)) that holds the rule set.
      - An accept in one nftables table does not override a drop in another, so the rule set must live in
        the table whose output chain drops. When not set - the table already holding the rule set, else the
        only table with an output chain whose policy is drop, else a table C(inet dcops_egress_<name>) the
        module creates and owns.
      - Set it when the output chain drops with a final rule instead of its policy.
    type: str
  firewalld_priority:
    description:
      - Priority of the firewalld policy. Lower runs earlier; it must be lower than the priority of any
        policy that drops outbound traffic.
    type: int
    default: -1000
extends_documentation_fragment:
  - dcops.atlassian_cloud.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
notes:
  - Requires root (or CAP_NET_ADMIN) and the chosen backend's command-line tool on the node.
  - The jump rule (nftables, iptables) is inserted first in the output chain when created; later runs only
    check it exists, they do not move it.
seealso:
  - plugin: dcops.atlassian_cloud.ip_ranges
    plugin_type: lookup
"""

EXAMPLES = r"""
- name: Allow the cloud connector to reach api.atlassian.com on 443
  dcops.atlassian_cloud.egress_rule:
    name: atlassian-cloud
    destinations:
      - api.atlassian.com

- name: Allow Atlassian's published Jira ranges through ip6tables and iptables only
  dcops.atlassian_cloud.egress_rule:
    name: atlassian-ranges
    backend: iptables
    destinations: "{{ query('dcops.atlassian_cloud.ip_ranges', products=['jira'], directions=['ingress']) }}"

- name: Put the rule set into the table whose output chain ends with a drop rule
  dcops.atlassian_cloud.egress_rule:
    name: atlassian-cloud
    backend: nftables
    nftables_table: inet filter
    destinations:
      - api.atlassian.com

- name: Remove the rule set and nothing else
  dcops.atlassian_cloud.egress_rule:
    name: atlassian-cloud
    state: absent
"""

RETURN = r"""
backend:
  description: The backend used (what V(auto) resolved to).
  returned: always
  type: str
  sample: nftables
addresses:
  description: The networks the rule set allows after the run, IPv4 first. Empty for O(state=absent).
  returned: always
  type: list
  elements: str
  sample: ["104.192.136.2/32", "2401:1d80:3000::2/128"]
resolved:
  description: What each host name in O(destinations) resolved to on this run.
  returned: always
  type: dict
  sample: {"api.atlassian.com": ["104.192.136.2", "2401:1d80:3000::2"]}
rules:
  description: The managed objects after the run, one canonical line each (the same lines the diff shows).
  returned: always
  type: list
  elements: str
  sample: ["set egress_atlassian_cloud_v4: 104.192.136.2/32", "chain output: jump egress_atlassian_cloud"]
files:
  description: Files the module wrote (or would write in check mode) to persist the rule set.
  returned: always
  type: list
  elements: str
  sample: ["/etc/nftables.d/dcops-egress-atlassian-cloud.nft"]
"""


from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.argspec import create_ansible_module
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.errors import CollectionError, fail_from_exception
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._firewall import backends
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._firewall.common import (
    CommandRunner,
    RuleSet,
    resolve_destinations,
)


ARGUMENT_SPEC = dict(
    name=dict(type="str", required=True),
    destinations=dict(type="list", elements="str"),
    port=dict(type="int", default=443),
    protocol=dict(type="str", choices=["tcp", "udp"], default="tcp"),
    backend=dict(type="str", choices=["auto"] + list(backends.BACKENDS), default="auto"),
    state=dict(type="str", choices=["present", "absent"], default="present"),
    persist=dict(type="bool", default=True),
    persist_path=dict(type="path"),
    ip_version=dict(type="str", choices=["ipv4", "ipv6", "both"], default="both"),
    nftables_table=dict(type="str"),
    firewalld_priority=dict(type="int", default=-1000),
)


def _warnings(backend, kind, params, desired):
    warnings = list(backend.warnings)
    if kind in ("firewalld", "ufw") and not params["persist"]:
        warnings.append("%s keeps rules in its permanent configuration; persist=false is ignored" % kind)
    if kind == "nftables" and params["persist"] and desired is not None:
        warnings.extend(backend.persist_warnings())
    return warnings


def main():
    module = create_ansible_module(ARGUMENT_SPEC)
    params = module.params
    if params["state"] == "present" and not params["destinations"]:
        module.fail_json(msg="state=present needs at least one entry in destinations")
    runner = CommandRunner(module.run_command)

    def which(command):
        return module.get_bin_path(command) is not None

    try:
        if params["state"] == "present":
            networks, resolved = resolve_destinations(params["destinations"], params["ip_version"])
        else:
            networks, resolved = [], {}
        ruleset = RuleSet(params["name"], networks, params["port"], params["protocol"])
        kind, firewalld_running = params["backend"], None
        if kind == "auto":
            kind, firewalld_running = backends.choose_backend(runner, which)
        module.get_bin_path(backends.COMMANDS[kind], required=True)
        backend = backends.make_backend(kind, runner, ruleset.ident, ruleset.marker, params, firewalld_running,
                                        which=which)
        desired = ruleset if params["state"] == "present" else None
        the_plan = backends.plan(backend, desired, params["ip_version"])
        if not module.check_mode and the_plan.changed:
            backends.apply(backend, the_plan, desired, params["ip_version"])
    except CollectionError as exc:
        fail_from_exception(module, exc)
    for warning in _warnings(backend, kind, params, desired):
        module.warn(warning)
    result = dict(
        changed=the_plan.changed,
        backend=kind,
        addresses=[str(net) for net in networks],
        resolved=resolved,
        rules=the_plan.after,
        files=[change.path for change in the_plan.files],
    )
    if module._diff:
        result["diff"] = the_plan.diff()
    module.exit_json(**result)


if __name__ == "__main__":
    main()

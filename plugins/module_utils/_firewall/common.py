# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What every backend shares: the desired rule set, destination resolution, commands and owned files.

A backend describes the objects it manages as canonical text lines (one line per rule, set element,
jump...). Reading the live objects and rendering the desired ones into the same lines makes "changed"
a plain comparison and gives the diff for free.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import dataclasses
import ipaddress
import os
import re
import socket
import tempfile

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.errors import CollectionError
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.files import unwritable_reason

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,14}$")
# RFC 1123 host names: labels of letters, digits and inner hyphens.
HOSTNAME_PATTERN = re.compile(r"^(?=.{1,253}\.?$)([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?\.?)+$")
MARKER_PREFIX = "dcops.egress_rule:"


class FirewallError(CollectionError):
    """A user-facing failure: the message says what was found and what was expected."""


class RuleSet(object):
    """The desired state of one managed rule set: allow `protocol`/`port` to `networks`."""

    def __init__(self, name, networks, port=443, protocol="tcp"):
        if not NAME_PATTERN.match(name or ""):
            raise FirewallError(
                "name %r is not valid: use 1 to 15 letters, digits, '-' or '_', starting with a letter or digit "
                "(the name becomes part of chain, set and policy names; firewalld allows 18 characters for a policy name)" % (name,)
            )
        if not 1 <= int(port) <= 65535:
            raise FirewallError("port %s is out of range 1-65535" % port)
        self.name = name
        self.networks = sorted_networks(networks)
        self.port = int(port)
        self.protocol = protocol

    @property
    def ident(self):
        """`name` as it appears in object names: lower case, '_' for '-'."""
        return self.name.lower().replace("-", "_")

    @property
    def marker(self):
        """The comment that tags the few objects the module adds inside objects it does not own."""
        return MARKER_PREFIX + self.name

    def networks_of(self, version):
        return [net for net in self.networks if net.version == version]


def sorted_networks(networks):
    """Collapse and sort networks: IPv4 first, then IPv6, each in address order."""
    collapsed = []
    for version in (4, 6):
        same = [ipaddress.ip_network(net) for net in networks if ipaddress.ip_network(net).version == version]
        collapsed.extend(ipaddress.collapse_addresses(same))
    return sorted(collapsed, key=lambda net: (net.version, net.network_address, net.prefixlen))


def compact(network):
    """`10.0.0.2` for a single host, `10.1.0.0/16` for a wider network (the form firewalld and ufw print)."""
    network = ipaddress.ip_network(network)
    if network.prefixlen == network.max_prefixlen:
        return str(network.network_address)
    return str(network)


def parse_network(text):
    """A network from a CIDR, an address or an address with a host prefix, as backends print them."""
    return ipaddress.ip_network(text.strip(), strict=False)


def _system_resolver(host):
    infos = socket.getaddrinfo(host, None, socket.AF_UNSPEC, socket.SOCK_STREAM)
    return [info[4][0] for info in infos]


def resolve_destinations(destinations, ip_version="both", resolver=None):
    """Turn host names, addresses and CIDRs into networks, and say what every host name resolved to.

    Host names go through the system resolver (getaddrinfo honours /etc/hosts and nsswitch), every
    call, so the rule set follows the name. A name that does not resolve is an error, never an empty
    set: a DNS outage must not silently remove the rules.
    """
    resolver = resolver or _system_resolver
    versions = {"ipv4": (4,), "ipv6": (6,), "both": (4, 6)}[ip_version]
    networks = []
    resolved = {}
    for destination in destinations:
        destination = destination.strip()
        if "%" in destination:
            raise FirewallError("destination %r has an IPv6 zone id (%%...): a firewall rule matches addresses, not "
                                "interfaces, and dropping the zone would allow the address on every interface; give "
                                "a global address" % destination)
        try:
            network = ipaddress.ip_network(destination, strict=True)
        except ValueError as exc:
            if "/" in destination or _looks_like_address(destination):
                raise FirewallError("destination %r is not a valid address or network: %s" % (destination, exc))
            network = None
        if network is not None:
            if network.version in versions:
                networks.append(network)
            continue
        if not HOSTNAME_PATTERN.match(destination):
            raise FirewallError("destination %r is neither an address, a CIDR nor a host name" % destination)
        try:
            addresses = resolver(destination)
        except (socket.gaierror, socket.herror, UnicodeError) as exc:
            raise FirewallError(
                "cannot resolve %s: %s; the rule set is left unchanged rather than reconciled to nothing"
                % (destination, exc)
            )
        scoped = sorted(address for address in addresses if "%" in address)
        if scoped:
            raise FirewallError("%s resolved to the zoned address(es) %s: a firewall rule cannot carry the zone id, "
                                "and dropping it would allow the address on every interface; use a global address"
                                % (destination, ", ".join(scoped)))
        addresses = {ipaddress.ip_address(address) for address in addresses}
        wanted = sorted((addr for addr in addresses if addr.version in versions), key=lambda a: (a.version, a))
        if not wanted:
            raise FirewallError(
                "%s resolved to %s, none of which is %s (ip_version=%s)"
                % (destination, ", ".join(str(a) for a in sorted(addresses, key=lambda a: (a.version, a))) or "nothing",
                   " or ".join("IPv%d" % v for v in versions), ip_version)
            )
        resolved[destination] = [str(addr) for addr in wanted]
        networks.extend(ipaddress.ip_network(addr) for addr in wanted)
    if destinations and not networks:
        raise FirewallError("none of the destinations %s is %s (ip_version=%s): the rule set would be empty; give "
                            "destinations of that family or change ip_version"
                            % (", ".join(destinations), " or ".join("IPv%d" % v for v in versions), ip_version))
    return sorted_networks(networks), resolved


def _looks_like_address(text):
    return ":" in text or re.match(r"^[0-9.]+$", text) is not None


class CommandRunner(object):
    """Runs a backend's commands through AnsibleModule.run_command (or a stand-in with the same shape)."""

    def __init__(self, run_command):
        self._run_command = run_command

    def run(self, args, data=None, ok_rcs=(0,)):
        """Run `args`; fail unless the exit code is in `ok_rcs` (None accepts any)."""
        rc, out, err = self._run_command(args, data=data, check_rc=False)
        if ok_rcs is not None and rc not in ok_rcs:
            raise FirewallError(
                "%s failed with exit code %s: %s" % (" ".join(args), rc, (err or out).strip())
            )
        return rc, out, err


@dataclasses.dataclass(eq=False, repr=False)  # a plain object's identity and repr: contents stay out of reprs
class FileChange(object):
    """A file the module owns (or a section of one) and its content before and after (None: no file)."""

    path: str
    before: str
    after: str

    @property
    def changed(self):
        return self.before != self.after

    def check(self):
        """Raise FirewallError when the file cannot be written; writes nothing. Run before any rule is applied,
        so that an unwritable persist_path never leaves live rules without their boot-time copy."""
        reason = unwritable_reason(self.path)
        if reason:
            raise FirewallError("persist_path %s: %s; nothing was applied" % (self.path, reason))

    def write(self):
        """Write atomically: a half-written rules file would break the next boot."""
        try:
            self._write()
        except (IOError, OSError) as exc:
            raise FirewallError("cannot write %s: %s" % (self.path, getattr(exc, "strerror", None) or exc))

    def _write(self):
        directory = os.path.dirname(self.path) or "."
        if not os.path.isdir(directory):
            os.makedirs(directory, mode=0o755)
        if self.after is None:
            if os.path.exists(self.path):
                os.unlink(self.path)
            return
        handle, tmp = tempfile.mkstemp(dir=directory, prefix=".egress_rule-")
        try:
            with os.fdopen(handle, "w") as stream:
                stream.write(self.after)
            os.chmod(tmp, 0o644 if not os.path.exists(self.path) else os.stat(self.path).st_mode & 0o7777)
            os.rename(tmp, self.path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)


def read_text(path):
    """The content of `path`, or None when it does not exist."""
    try:
        with open(path) as stream:
            return stream.read()
    except IOError:
        return None


class Plan(object):
    """Before/after lines of the live objects, and the owned files that follow them."""

    def __init__(self, backend, before, after, files=()):
        self.backend = backend
        self.before = list(before)
        self.after = list(after)
        self.files = [change for change in files if change.changed]

    @property
    def rules_changed(self):
        return self.before != self.after

    @property
    def changed(self):
        return self.rules_changed or bool(self.files)

    def diff(self):
        diffs = [dict(
            before_header="%s (managed objects)" % self.backend.describe(),
            after_header="%s (managed objects)" % self.backend.describe(),
            before=_text(self.before),
            after=_text(self.after),
        )]
        for change in self.files:
            diffs.append(dict(before_header=change.path, after_header=change.path,
                              before=change.before or "", after=change.after or ""))
        return diffs


def _text(lines):
    return "".join(line + "\n" for line in lines)

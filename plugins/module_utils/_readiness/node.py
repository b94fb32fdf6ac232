# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Readiness of one Data Center node, read on the node itself: the egress rule (planned exactly as egress_rule
plans it, never applied) and a real TCP connection proving it, the firewall backend, the HTTP connector's tunnel
attributes in server.xml, and whether the node's service answers its health URL.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import socket

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._firewall import backends
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._firewall.common import FirewallError, RuleSet, resolve_destinations
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._readiness.checks import DONE, MISSING, RISK, UNKNOWN, check, unknown
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._tomcat.server_xml import ServerXml, ServerXmlError

NODE_CHECKS = ("egress", "tunnel", "tomcat")
TUNNEL_ATTRIBUTES = ("secure", "scheme", "proxyName", "proxyPort")


def probe_tcp(host, port, timeout):
    """(opened, text): a TCP connection to host:port, closed as soon as it is made."""
    try:
        connection = socket.create_connection((host, port), timeout=timeout)
    except (OSError, socket.timeout) as exc:
        return False, "%s:%s does not open (%s)" % (host, port, getattr(exc, "strerror", None) or exc)
    connection.close()
    return True, "%s:%s opens" % (host, port)


def egress(runner, which, name, destinations, port=443, backend="auto", persist=True, persist_path=None,
           ip_version="both", probe=probe_tcp, probe_timeout=3.0, limit=None):
    """The egress check and the backend it read. The plan is egress_rule's own; `changed` means missing."""
    details = {"backend": backend, "destinations": list(destinations), "port": port}
    try:
        networks, resolved = resolve_destinations(destinations, ip_version)
        details["resolved"] = resolved
        kind, firewalld_running = backend, None
        if kind == "auto":
            kind, firewalld_running = backends.choose_backend(runner, which)
        details["backend"] = kind
        if not which(backends.COMMANDS[kind]):
            raise FirewallError("the %s command is not installed" % backends.COMMANDS[kind])
        ruleset = RuleSet(name, networks, port, "tcp")
        params = {"state": "present", "persist": persist, "persist_path": persist_path}
        firewall = backends.make_backend(kind, runner, ruleset.ident, ruleset.marker, params, firewalld_running)
        the_plan = backends.plan(firewall, ruleset, ip_version)
    except FirewallError as exc:
        return check("egress", UNKNOWN, "the egress rule could not be read: %s" % exc, limit, **details)
    details["rule_present"] = not the_plan.rules_changed
    details["persisted"] = not the_plan.files or not any(f.changed for f in the_plan.files)
    opened = []
    for host in sorted(resolved) or [str(n.network_address) for n in networks[:1]]:
        ok, text = probe(host, port, probe_timeout)
        opened.append(ok)
        details.setdefault("probes", []).append(text)
    proven = bool(opened) and all(opened)
    details["proven"] = proven
    if not the_plan.changed and proven:
        return check("egress", DONE, "rule %s present (%s) and %s" % (name, kind, "; ".join(details["probes"])),
                     limit, **details)
    if the_plan.changed and proven:
        return check("egress", MISSING, "the connection opens but the managed rule %s is %s: it will not "
                     "survive a change of the addresses or a reboot" % (
                         name, "not persisted" if not the_plan.rules_changed else "absent"), limit, **details)
    if not the_plan.changed:
        return check("egress", RISK, "rule %s is present (%s) but %s: something else blocks it (another "
                     "firewall, a proxy, routing)" % (name, kind, "; ".join(details["probes"])), limit, **details)
    return check("egress", MISSING, "no egress rule %s (%s) and %s" % (name, kind, "; ".join(details["probes"])),
                 limit, **details)


def tunnel(server_xml_path, private, port=None, protocol=None, proxy_name=None, proxy_port=None, limit=None):
    """The HTTP connector's tunnel attributes; a private instance needs secure="true" and scheme="https"."""
    details = {"server_xml": server_xml_path, "private": private}
    if not server_xml_path:
        if private:
            return unknown("tunnel", "no server.xml path known for this node",
                           "Set app_tunnel_install_dir or app_tunnel_server_xml for the node")
        return check("tunnel", DONE, "not a private instance: no application tunnel needed", limit, **details)
    try:
        with open(server_xml_path, "rb") as stream:
            document = ServerXml(stream.read())
        connector = document.select_connector(port, protocol)
    except (IOError, OSError) as exc:
        return check("tunnel", UNKNOWN, "cannot read %s: %s" % (server_xml_path, exc.strerror), limit, **details)
    except ServerXmlError as exc:
        return check("tunnel", UNKNOWN, "%s: %s" % (server_xml_path, exc), limit, **details)
    attributes = dict((name, connector.element.get(name)) for name in TUNNEL_ATTRIBUTES)
    details.update({"connector": connector.describe(), "attributes": attributes})
    secure = (attributes["secure"] or "").lower() == "true"
    if not private:
        return check("tunnel", DONE, "not a private instance: no application tunnel needed (connector %s)"
                     % connector.describe(), limit, **details)
    wrong = []
    if not secure:
        wrong.append('secure="%s"' % (attributes["secure"] or "false"))
    if (attributes["scheme"] or "http") != "https":
        wrong.append('scheme="%s"' % (attributes["scheme"] or "http"))
    if proxy_name and attributes["proxyName"] != proxy_name:
        wrong.append('proxyName="%s" (wanted %s)' % (attributes["proxyName"] or "", proxy_name))
    if proxy_port and str(attributes["proxyPort"] or "") != str(proxy_port):
        wrong.append('proxyPort="%s" (wanted %s)' % (attributes["proxyPort"] or "", proxy_port))
    if wrong:
        return check("tunnel", MISSING, "the connector %s is not set up for the tunnel: %s"
                     % (connector.describe(), ", ".join(wrong)), limit, **details)
    return check("tunnel", DONE, 'the connector %s is secure="true" scheme="https"' % connector.describe(),
                 limit, **details)


def service(fetch, health_url, limit=None):
    """Whether the node's service answers its health URL; `fetch(url)` returns (status, text)."""
    if not health_url:
        return unknown("tomcat", "no health URL known for this node",
                       "Set app_tunnel_health_url for the node (e.g. http://localhost:8080/status)")
    status, text = fetch(health_url)
    details = {"health_url": health_url, "status": status}
    if status == 200:
        return check("tomcat", DONE, "%s answers 200" % health_url, limit, **details)
    return check("tomcat", RISK, "%s does not answer 200: %s" % (health_url, text), limit, **details)

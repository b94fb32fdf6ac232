#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: readiness_node
short_description: Read how far one Data Center node is from being connected to Atlassian Cloud
version_added: 0.2.0
description:
  - Runs on a Data Center node and reads, without changing anything, its checks for the estate readiness report
    (M(dcops.atlassian_cloud.readiness_report)).
  - C(egress) - the egress rule to U(api.atlassian.com) planned exactly as M(dcops.atlassian_cloud.egress_rule)
    plans it (a plan with changes means the rule is missing), and proven by a real TCP connection to the resolved
    addresses.
  - C(tunnel) - the HTTP connector's C(secure), C(scheme), C(proxyName) and C(proxyPort) in C(server.xml); a private
    instance needs C(secure="true") and C(scheme="https").
  - C(tomcat) - whether the node's service answers 200 on its health URL.
  - A check that cannot be made is C(unknown) with the reason (no firewall tool, no server.xml path, no health URL).
author:
  - dcops engineers (@dcops)
requirements:
  - lxml (for O(server_xml))
extends_documentation_fragment:
  - dcops.atlassian_cloud.attributes
  - dcops.atlassian_cloud.attributes.INFO_MODULE
options:
  name:
    description: The node's name in the report (its inventory host name).
    type: str
    required: true
  instance:
    description: The instance the node belongs to (C(dc_instance)).
    type: str
    required: true
  private:
    description: Whether the instance is private (C(dc_private)) and so needs the application tunnel.
    type: bool
    default: false
  firewall_name:
    description: The egress rule set's name, as M(dcops.atlassian_cloud.egress_rule) got it.
    type: str
    default: atlassian-cloud
  destinations:
    description: The egress rule's destinations.
    type: list
    elements: str
    default: [api.atlassian.com]
  port:
    description: The egress rule's port, also the port the proof connects to.
    type: int
    default: 443
  backend:
    description: The firewall backend; C(auto) picks it as M(dcops.atlassian_cloud.egress_rule) does.
    type: str
    choices: [auto, nftables, iptables, firewalld, ufw]
    default: auto
  persist_path:
    description: Where the rule set is persisted, when not the backend's default.
    type: path
  probe_timeout:
    description: Seconds the TCP proof waits for the connection.
    type: float
    default: 3.0
  server_xml:
    description: Path of the node's C(server.xml); without it the tunnel of a private instance is C(unknown).
    type: path
  connector_port:
    description: The HTTP connector's port, when server.xml has several plain HTTP connectors.
    type: int
  connector_protocol:
    description: The HTTP connector's protocol, to select it with O(connector_port).
    type: str
  proxy_name:
    description: The C(proxyName) the tunnel sets; when given, another value is C(missing).
    type: str
  proxy_port:
    description: The C(proxyPort) the tunnel sets; when given, another value is C(missing).
    type: int
  health_url:
    description: The node's health URL (C(app_tunnel_health_url)).
    type: str
  health_validate_certs:
    description: Check the health URL's certificate.
    type: bool
    default: true
"""

EXAMPLES = r"""
- name: Read the node's readiness
  dcops.atlassian_cloud.readiness_node:
    name: jira-prod-1
    instance: jira-prod
    private: true
    server_xml: /opt/atlassian/jira/conf/server.xml
    health_url: http://localhost:8080/status
  become: true
  register: readiness
"""

RETURN = r"""
readiness:
  description: The node's readiness, an input of M(dcops.atlassian_cloud.readiness_report).
  returned: always
  type: dict
  contains:
    name:
      description: The node's name.
      type: str
    instance:
      description: The instance it belongs to.
      type: str
    backend:
      description: The firewall backend read.
      type: str
    checks:
      description: One entry per check (C(egress), C(tunnel), C(tomcat)) with C(id), C(state), C(reason), C(fix) and
        C(details).
      type: list
      elements: dict
      contains:
        id:
          description: The check.
          type: str
        state:
          description: V(done), V(missing), V(risk) or V(unknown).
          type: str
        reason:
          description: What was found.
          type: str
        fix:
          description: What to run to fix it (the playbook and tag), or what makes an unknown check possible.
          type: str
        details:
          description: What the check read.
          type: dict
"""

from http.client import HTTPException
from urllib.error import HTTPError

from ansible.module_utils.urls import open_url

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.argspec import create_ansible_module
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._firewall.common import CommandRunner
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._readiness import node


ARGUMENT_SPEC = dict(
    name=dict(type="str", required=True),
    instance=dict(type="str", required=True),
    private=dict(type="bool", default=False),
    firewall_name=dict(type="str", default="atlassian-cloud"),
    destinations=dict(type="list", elements="str", default=["api.atlassian.com"]),
    port=dict(type="int", default=443),
    backend=dict(type="str", choices=["auto", "nftables", "iptables", "firewalld", "ufw"], default="auto"),
    persist_path=dict(type="path"),
    probe_timeout=dict(type="float", default=3.0),
    server_xml=dict(type="path"),
    connector_port=dict(type="int"),
    connector_protocol=dict(type="str"),
    proxy_name=dict(type="str"),
    proxy_port=dict(type="int"),
    health_url=dict(type="str"),
    health_validate_certs=dict(type="bool", default=True),
)


def main():
    module = create_ansible_module(ARGUMENT_SPEC)
    params = module.params

    def fetch(url):
        try:
            response = open_url(url, timeout=10, validate_certs=params["health_validate_certs"])
            return response.getcode(), "HTTP %s" % response.getcode()
        except HTTPError as exc:
            return exc.code, "HTTP %s" % exc.code
        except (OSError, ValueError, HTTPException) as exc:  # refused, timed out, TLS, a broken answer
            return None, str(exc)

    runner = CommandRunner(module.run_command)
    egress = node.egress(runner, lambda command: module.get_bin_path(command) is not None, params["firewall_name"],
                         params["destinations"], params["port"], params["backend"], True, params["persist_path"],
                         probe_timeout=params["probe_timeout"], limit=params["name"])
    checks = [
        egress,
        node.tunnel(params["server_xml"], params["private"], params["connector_port"], params["connector_protocol"],
                    params["proxy_name"], params["proxy_port"], limit=params["name"]),
        node.service(fetch, params["health_url"], limit=params["name"]),
    ]
    module.exit_json(changed=False, readiness={"name": params["name"], "instance": params["instance"],
                                               "backend": egress["details"].get("backend"), "checks": checks})


if __name__ == "__main__":
    main()

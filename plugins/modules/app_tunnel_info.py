#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: app_tunnel_info
short_description: Read what an application tunnel needs of a Data Center node, in one module run
version_added: 0.2.0
description:
  - Reads, on the node, the three things the application tunnel's checks look at before C(server.xml) is edited
    (the C(dcops.atlassian_cloud.app_tunnel) role's C(check) entry point).
  - The HTTP connector of C(server.xml) as an edit with O(attributes) and O(absent_attributes) would leave it,
    planned exactly as M(dcops.atlassian_cloud.tomcat_connector) plans that edit. Nothing is written.
  - The tunnel upstream ports the node's processes run with (C(-Dsecure.tunnel.upstream.port=), read from the
    command lines in C(/proc), as C(pgrep -f) reads them).
  - With O(check_listener), whether the connector's port accepts a TCP connection on the node, tried until
    O(listener_timeout).
  - Values of secret-looking attributes (C(keystorePass), C(secret), anything named with C(pass), C(secret),
    C(token) or C(credential)) are masked in RV(connector) and RV(changes).
author:
  - dcops engineers (@dcops)
requirements:
  - lxml >= 4.0 on the managed node
extends_documentation_fragment:
  - dcops.atlassian_cloud.attributes
  - dcops.atlassian_cloud.attributes.INFO_MODULE
options:
  path:
    description:
      - The Tomcat C(server.xml) of the product, for example C(/opt/atlassian/jira/conf/server.xml).
    type: path
    required: true
  port:
    description:
      - Select the connector whose C(port) attribute is this number, as
        O(dcops.atlassian_cloud.tomcat_connector#module:port) does.
    type: int
  protocol:
    description:
      - Select the connector whose C(protocol) attribute is exactly this value, as
        O(dcops.atlassian_cloud.tomcat_connector#module:protocol) does.
    type: str
  attributes:
    description:
      - The attributes the planned edit sets, name to value; RV(connector) and RV(changes) show the connector
        with them.
    type: dict
    default: {}
  absent_attributes:
    description:
      - The attributes the planned edit removes.
    type: list
    elements: str
    default: []
  check_listener:
    description:
      - Also try a TCP connection to the connector's port, at its C(address) or, when it listens on every
        address, at C(127.0.0.1), and return the outcome in RV(listening).
    type: bool
    default: true
  listener_timeout:
    description:
      - Seconds to keep trying that connection before RV(listening) is V(false).
    type: int
    default: 5
notes:
  - When no connector or more than one connector matches, the module fails and returns every connector of the
    file in RV(candidates), as M(dcops.atlassian_cloud.tomcat_connector) does.
seealso:
  - module: dcops.atlassian_cloud.tomcat_connector
    description: Makes the edit this module plans.
"""

EXAMPLES = r"""
- name: Read the connector as the tunnel's edit would leave it, the JVM's tunnel port and the listener
  dcops.atlassian_cloud.app_tunnel_info:
    path: /opt/atlassian/jira/conf/server.xml
    attributes:
      secure: "true"
      scheme: https
      proxyName: jira.example.com
      proxyPort: "443"
  register: tunnel

- name: Stop unless the tunnel would forward to a connector that listens and is the JVM's upstream port
  ansible.builtin.assert:
    that:
      - tunnel.listening
      - tunnel.upstream_ports in [[], [tunnel.connector.port]]
"""

RETURN = r"""
connector:
  description: The selected connector's attributes as the planned edit would leave them, values unescaped.
  returned: success
  type: dict
  sample:
    port: "8080"
    protocol: HTTP/1.1
    secure: "true"
    scheme: https
    proxyName: jira.example.com
    proxyPort: "443"
line:
  description: Line of the file on which the connector's start tag begins.
  returned: success
  type: int
  sample: 36
changes:
  description: Each attribute the planned edit would set or remove, with its value before and after; empty when the
    connector already is as the edit would leave it.
  returned: success
  type: list
  elements: dict
  contains:
    attribute:
      description: "The attribute."
      type: str
    before:
      description: "Its value before (V(null) when absent)."
      type: str
    after:
      description: "Its value after (V(null) when removed)."
      type: str
  sample:
    - {attribute: secure, before: null, after: "true"}
target:
  description: The file read when O(path) is a symlink.
  returned: success, when O(path) is a symlink
  type: str
  sample: /srv/jira-config/server.xml
listen_address:
  description: The address the listener check connects to.
  returned: success
  type: str
  sample: 127.0.0.1
listening:
  description: Whether the connector's port accepted a TCP connection within O(listener_timeout).
  returned: O(check_listener=true)
  type: bool
  sample: true
upstream_ports:
  description: The distinct values of C(-Dsecure.tunnel.upstream.port=) the node's processes run with, in ascending
    order; empty when no process names one.
  returned: success
  type: list
  elements: str
  sample: ["8080"]
candidates:
  description: Every connector in the file when none or several matched the selection.
  returned: failure to select a connector
  type: list
  elements: dict
  contains:
    line:
      description: "Line of the connector in server.xml."
      type: int
    port:
      description: "Its C(port) attribute."
      type: str
    protocol:
      description: "Its C(protocol) attribute."
      type: str
  sample:
    - {port: "8080", protocol: HTTP/1.1, line: 36}
    - {port: "8009", protocol: AJP/1.3, line: 52}
"""

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.argspec import create_ansible_module
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._tomcat.connector_module import CONNECTOR_OPTIONS, read_and_plan
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._tomcat.node import listen_address, tunnel_upstream_ports, wait_for_listener
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._tomcat.server_xml import mask_attributes, mask_changes

ARGUMENT_SPEC = dict(
    path=dict(type="path", required=True),
    check_listener=dict(type="bool", default=True),
    listener_timeout=dict(type="int", default=5),
    **CONNECTOR_OPTIONS
)


def main():
    module = create_ansible_module(ARGUMENT_SPEC)
    params = module.params
    path = params["path"]
    real, _raw, plan = read_and_plan(module)

    connector = plan.connector_attributes()
    address = listen_address(connector)
    result = dict(changed=False, connector=mask_attributes(connector), line=plan.line,
                  changes=mask_changes(plan.changes), listen_address=address, upstream_ports=tunnel_upstream_ports())
    if real != path:
        result["target"] = real
    if params["check_listener"]:
        port = connector.get("port", "")
        if not port.isdigit():
            module.fail_json(msg="%s: the connector on line %d has no port number to check (port=%r)" % (
                path, plan.line, port), **result)
        result["listening"] = wait_for_listener(address, int(port), params["listener_timeout"])
    module.exit_json(**result)


if __name__ == "__main__":
    main()

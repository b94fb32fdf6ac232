# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What a Data Center node's application tunnel depends on besides server.xml: the tunnel upstream port the
product's JVM runs with, and whether the connector's port accepts connections."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import socket
import time

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.processes import command_lines

# The JVM argument that names the connector the application tunnel forwards to (the guide's "upstream port").
UPSTREAM_PORT_ARGUMENT = b"-Dsecure.tunnel.upstream.port="
# A connector without `address`, or bound to every address, is reached on the loopback address.
_ANY_ADDRESS = ("", "0.0.0.0", "::", "*")


def listen_address(connector):
    """The address the node's own connections reach the connector on (`connector`: its attributes)."""
    address = connector.get("address", "")
    return "127.0.0.1" if address in _ANY_ADDRESS else address


def tunnel_upstream_ports(proc="/proc"):
    """The sorted, distinct values of -Dsecure.tunnel.upstream.port= on the command lines of the node's processes."""
    ports = set()
    for arguments in command_lines(proc):
        for argument in arguments:
            if argument.startswith(UPSTREAM_PORT_ARGUMENT):
                value = argument[len(UPSTREAM_PORT_ARGUMENT):]
                if value.isdigit():
                    ports.add(value.decode("ascii"))
    return sorted(ports, key=int)


def wait_for_listener(address, port, timeout, interval=0.2, connect=socket.create_connection, clock=time.monotonic,
                      sleep=time.sleep):
    """Whether `address`:`port` accepts a TCP connection within `timeout` seconds, tried every `interval`."""
    deadline = clock() + timeout
    while True:
        remaining = deadline - clock()
        try:
            connect((address, port), timeout=max(min(remaining, 1.0), 0.1)).close()
            return True
        except (IOError, OSError):
            if clock() + interval > deadline:
                return False
        sleep(interval)

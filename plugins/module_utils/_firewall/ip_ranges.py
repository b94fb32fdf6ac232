# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Atlassian's published IP ranges (https://ip-ranges.atlassian.com/): validate and filter.

Document shape: {"creationDate", "syncToken", "items": [{"network", "mask_len", "cidr", "mask",
"region": [...], "product": [...], "direction": [...]}]}.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.errors import CollectionError


class IpRangesError(CollectionError):
    """The document is not the expected shape."""


def _matches(wanted, values):
    """An empty filter matches everything; otherwise any shared value (case-insensitive) matches."""
    if not wanted:
        return True
    return bool({w.lower() for w in wanted} & {str(v).lower() for v in values or []})


def select_cidrs(document, products=None, directions=None, regions=None, ip_version="both"):
    """The CIDRs of the items that match every given filter, collapsed, IPv4 first."""
    if not isinstance(document, dict) or not isinstance(document.get("items"), list):
        raise IpRangesError("expected a JSON object with an 'items' list (the ip-ranges.atlassian.com format)")
    versions = {"ipv4": (4,), "ipv6": (6,), "both": (4, 6)}[ip_version]
    networks = []
    for index, item in enumerate(document["items"]):
        if not isinstance(item, dict) or "cidr" not in item:
            raise IpRangesError("item %d has no 'cidr'" % index)
        if not (_matches(products, item.get("product")) and _matches(directions, item.get("direction"))
                and _matches(regions, item.get("region"))):
            continue
        try:
            network = ipaddress.ip_network(item["cidr"], strict=False)
        except ValueError as exc:
            raise IpRangesError("item %d: %s" % (index, exc))
        if network.version in versions:
            networks.append(network)
    collapsed = []
    for version in (4, 6):
        collapsed.extend(ipaddress.collapse_addresses(n for n in networks if n.version == version))
    return [str(n) for n in sorted(collapsed, key=lambda n: (n.version, n.network_address, n.prefixlen))]

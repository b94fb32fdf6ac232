# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
name: ip_ranges
short_description: Atlassian's published IP ranges, filtered by product, direction and region
version_added: 0.1.0
description:
  - Reads Atlassian's IP range document (C(https://ip-ranges.atlassian.com/) by default, or a local file or
    mirror URL for air-gapped sites) and returns the matching CIDRs as one list, IPv4 first, adjacent and
    overlapping networks collapsed.
  - Use it with C(query()) (or C(lookup(..., wantlist=true))) to get a list, which can be passed as
    O(dcops.atlassian_cloud.egress_rule#module:destinations).
  - Atlassian advises not to filter by region but to take every network of the product and direction.
  - "Direction is seen from Atlassian: to allow a node's outbound traffic towards Atlassian, select the
    networks Atlassian receives traffic on (V(ingress)); V(egress) lists where Atlassian's own traffic comes
    from (for inbound allowlists on your side)."
author:
  - dcops engineers (@dcops)
options:
  source:
    description:
      - URL (C(https://), C(http://), C(file://)) or local path of the document.
    type: str
    default: https://ip-ranges.atlassian.com/
  products:
    description: Keep items whose C(product) list contains one of these (for example V(jira), V(confluence)). Empty keeps all.
    type: list
    elements: str
    default: []
  directions:
    description: Keep items whose C(direction) list contains one of these (V(ingress), V(egress)). Empty keeps all.
    type: list
    elements: str
    default: []
  regions:
    description: Keep items whose C(region) list contains one of these. Empty keeps all.
    type: list
    elements: str
    default: []
  ip_version:
    description: Which address families to return.
    type: str
    choices: [ipv4, ipv6, both]
    default: both
  validate_certs:
    description: Verify the server's TLS certificate.
    type: bool
    default: true
  ca_path:
    description: CA bundle to verify the server with (for a mirror with a private CA).
    type: path
  timeout:
    description: Seconds to wait for the download.
    type: float
    default: 30
"""

EXAMPLES = r"""
- name: Allow the node to reach every Jira network of Atlassian
  dcops.atlassian_cloud.egress_rule:
    name: atlassian-jira
    destinations: "{{ query('dcops.atlassian_cloud.ip_ranges', products=['jira'], directions=['ingress']) }}"

- name: Read a mirrored copy on an air-gapped site
  ansible.builtin.debug:
    msg: "{{ query('dcops.atlassian_cloud.ip_ranges', source='/srv/mirror/ip-ranges.json', ip_version='ipv4') }}"
"""

RETURN = r"""
_raw:
  description: The matching CIDRs, IPv4 first, collapsed.
  type: list
  elements: str
"""

import json
import os

from ansible.errors import AnsibleError
from ansible.module_utils.common.text.converters import to_native, to_text
from ansible.module_utils.six.moves.urllib.error import URLError
from ansible.module_utils.six.moves.urllib.parse import urlparse
from ansible.module_utils.urls import open_url
from ansible.plugins.lookup import LookupBase

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._firewall.ip_ranges import (
    IpRangesError,
    select_cidrs,
)


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        source = self.get_option("source")
        document = self._load(source)
        try:
            cidrs = select_cidrs(document, products=self.get_option("products"),
                                 directions=self.get_option("directions"), regions=self.get_option("regions"),
                                 ip_version=self.get_option("ip_version"))
        except IpRangesError as exc:
            raise AnsibleError("%s: %s" % (source, to_native(exc)))
        return cidrs

    def _load(self, source):
        scheme = urlparse(source).scheme
        try:
            if scheme in ("http", "https"):
                response = open_url(source, validate_certs=self.get_option("validate_certs"),
                                    ca_path=self.get_option("ca_path"), timeout=self.get_option("timeout"))
                text = to_text(response.read())
            else:
                path = urlparse(source).path if scheme == "file" else source
                with open(os.path.expanduser(path), "rb") as stream:
                    text = to_text(stream.read())
            return json.loads(text)
        except (URLError, IOError, OSError) as exc:
            raise AnsibleError("cannot read Atlassian IP ranges from %s: %s" % (source, to_native(exc)))
        except ValueError as exc:
            raise AnsibleError("%s is not JSON: %s" % (source, to_native(exc)))

# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


# The HTTP options every REST connection shares (Data Center, organization API, SCIM), written once. Every module
# that takes one of the three connection fragments takes this one too (ansible-test's yamllint reads each
# fragment's DOCUMENTATION as one string literal, so the fragments cannot be composed in Python). The argument spec
# it documents is http_argument_spec() in module_utils/_api/argspec.py.


class ModuleDocFragment(object):
    DOCUMENTATION = r"""
options:
  validate_certs:
    description:
      - Whether to verify the server's TLS certificate. Only set to V(false) on personally controlled sites.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file of certificate authorities to trust instead of the system store.
    type: path
  timeout:
    description:
      - Read timeout of one HTTP request, in seconds. Connecting times out after 10 seconds.
    type: float
    default: 30
  retry_max_time:
    description:
      - Total time in seconds that retries of one call may take. Calls answered with 429, 502, 503 or 504,
        and calls that could not connect, are retried with exponential backoff and jitter, honouring the
        server's C(Retry-After) or C(X-RateLimit-Reset).
    type: float
    default: 120
  api_overrides:
    description:
      - Replace the path (or C(METHOD /path)) of an operation in the collection's API contract table,
        keyed by operation name (for example C(dc.allowlist.list)).
      - Endpoints with no public Atlassian contract are marked UI-internal in the table; use this when a
        product version serves them elsewhere. See the collection's C(docs/api-contract.md).
    type: dict
    default: {}
"""

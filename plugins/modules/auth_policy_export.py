#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: auth_policy_export
short_description: Export the members of an Atlassian Cloud authentication policy to a CSV file
version_added: 0.1.0
description:
  - Writes every member of an authentication policy to a CSV file with the columns of the admin UI's member
    export. Name, Email, Last active, Status, Billable, Policy name, Policy type, SAML single sign-on,
    Two-step verification, Password requirements, Idle session duration, Products.
  - The admin UI mails a download link; this module reads the members directly and writes the file on the
    controller (or wherever the task runs), only when its content changes.
  - Atlassian publishes no API for this. The module uses the admin UI's internal endpoints
    C(cloud.auth_policy.list) and C(cloud.auth_policy.members), whose paths can be replaced with O(api_overrides).
author:
  - dcops engineers (@dcops)
requirements:
  - httpx >= 0.27
extends_documentation_fragment:
  - dcops.atlassian_cloud.cloud_connection
  - dcops.atlassian_cloud.http_options
  - dcops.atlassian_cloud.attributes
  - dcops.atlassian_cloud.attributes.ACTIONGROUP_CLOUD_ADMIN
  - ansible.builtin.files
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
options:
  policy:
    description:
      - The policy, by name (case-insensitive) or ID.
    type: str
    required: true
  dest:
    description:
      - The CSV file to write. It holds member emails, so a new file is created with mode C(0600) unless O(mode)
        is set; an existing file keeps its mode. Its directory must exist; it is checked before any API call.
    type: path
    required: true
  page_size:
    description:
      - Members per page when reading the member listing, from 1 to 1000. The listing is read for at most
        10000 pages, and a page that sends back a cursor already seen stops the run with an error.
    type: int
    default: 1000
seealso:
  - module: dcops.atlassian_cloud.auth_policy_members
"""

EXAMPLES = r"""
- name: Export the employees policy for the quarterly access review
  dcops.atlassian_cloud.auth_policy_export:
    org_id: "{{ atlassian_org_id }}"
    api_key: "{{ vault_atlassian_org_api_key }}"
    policy: Employees
    dest: /srv/reviews/employees-policy.csv
    mode: "0640"
"""

RETURN = r"""
dest:
  description: The file written.
  returned: always
  type: str
  sample: /srv/reviews/employees-policy.csv
members:
  description: Number of members exported.
  returned: always
  type: int
  sample: 1200
columns:
  description: The CSV header.
  returned: always
  type: list
  elements: str
  sample: [Name, Email, Last active, Status, Billable, Policy name, Policy type, SAML single sign-on,
           Two-step verification, Password requirements, Idle session duration, Products]
"""

import os

from ansible.module_utils.common.text.converters import to_bytes

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.argspec import CLOUD_ADMIN, create_ansible_module
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.errors import CollectionError, fail_from_exception
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.files import (
    check_destination,
    current_content,
    private_file_args,
    write_atomically,
)
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.module import cloud_client
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._auth_policy import export, policies

MAX_PAGE_SIZE = 1000


def read_table(client, params):
    org = policies.read_org(client, params["org_id"])
    policy = org.require(params["policy"])
    members = policies.iter_members(client, params["org_id"], policy["id"], page_size=params["page_size"])
    return list(export.rows(policy, members))


def main():
    module = create_ansible_module(
        dict(policy=dict(type="str", required=True), dest=dict(type="path", required=True),
             page_size=dict(type="int", default=MAX_PAGE_SIZE)),
        CLOUD_ADMIN, add_file_common_args=True)
    params = module.params
    if not 1 <= params["page_size"] <= MAX_PAGE_SIZE:
        module.fail_json(msg="page_size must be from 1 to %d, got %d" % (MAX_PAGE_SIZE, params["page_size"]))
    if not params["policy"].strip():
        module.fail_json(msg="policy is empty; expected the policy's name or ID")
    try:
        dest = check_destination("dest", params["dest"])
    except CollectionError as exc:
        fail_from_exception(module, exc)
    with cloud_client(module) as client:
        try:
            table = read_table(client, params)
        except policies.PolicyError as exc:
            fail_from_exception(module, exc)
        except CollectionError as exc:
            fail_from_exception(module, exc, msg="Cannot export authentication policy %s" % params["policy"])

    content = to_bytes(export.to_csv(table))
    existed = os.path.exists(dest)
    changed = current_content(dest) != content
    if changed and not module.check_mode:
        try:
            write_atomically(module, "dest", dest, content)
        except CollectionError as exc:
            fail_from_exception(module, exc)
    file_args = private_file_args(module, existed)
    file_args["path"] = dest
    if not module.check_mode or existed:
        changed = module.set_fs_attributes_if_different(file_args, changed)
    module.exit_json(changed=changed, dest=dest, members=len(table), columns=list(export.COLUMNS))


if __name__ == "__main__":
    main()

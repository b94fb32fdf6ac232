#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: group_sync
short_description: Sync flattened groups to an Atlassian Cloud directory
version_added: 0.1.0
description:
  - Makes the groups of an Atlassian Cloud directory match a flat group structure (every group with all its
    effective members, as M(dcops.atlassian_cloud.group_flatten) returns it in RV(dcops.atlassian_cloud.group_flatten#module:flat)
    or the P(dcops.atlassian_cloud.flatten_groups#filter) filter produces).
  - Creates missing groups, adds missing members and removes members the source no longer has. Writes are
    proportional to the differences; a rerun with nothing changed makes zero writes.
  - O(target=scim) writes through the user provisioning (SCIM) API of a directory with the directory API key,
    one C(PATCH) per batch of members. O(target=groups_api) writes through the organizations API v2 with the
    organization API key, one call per membership change (that API has no batch operation).
  - Cloud accounts are identified by email. Members are matched to cloud users by email; members without a cloud
    account are reported in RV(missing_in_cloud) and not created (user provisioning is out of scope).
  - Without O(prune), only members of groups this module manages are removed. A group is managed when it carries
    O(managed_marker) (the module sets it on every group it creates). Other groups only get additions; their
    members the source does not have are reported in RV(kept).
author:
  - dcops engineers (@dcops)
requirements:
  - httpx >= 0.27
extends_documentation_fragment:
  - dcops.atlassian_cloud.group_sync
  - dcops.atlassian_cloud.attributes
  - dcops.atlassian_cloud.attributes.ACTIONGROUP_CLOUD_ADMIN_AND_SCIM
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
options:
  groups:
    description:
      - The flat structure, group name to the list of its effective members (user names or emails).
    type: dict
    required: true
  users:
    description:
      - User name to email, as a string or as a dict with an C(email) key (the RV(dcops.atlassian_cloud.group_flatten#module:users)
        result of M(dcops.atlassian_cloud.group_flatten)). Members that are email addresses need no entry.
    type: dict
    default: {}
  target:
    description:
      - Which cloud API holds the groups.
      - C(scim) is the user provisioning directory (O(directory_id), O(directory_api_key)).
      - C(groups_api) is the organizations API v2 (O(org_id), O(api_key), O(directory_id)). Groups synced from an
        identity provider cannot be changed through it and are reported in RV(skipped_groups).
    type: str
    choices: [scim, groups_api]
    default: scim
  directory_id:
    description:
      - ID of the cloud directory (the user provisioning directory for O(target=scim)).
      - If not set, the value of the E(ATLASSIAN_SCIM_DIRECTORY_ID) environment variable is used.
    type: str
    required: true
  validate_certs:
    description:
      - Whether to verify the server's TLS certificate.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file of certificate authorities to trust instead of the system store.
    type: path
notes:
  - Removals use the RFC 7644 form C({"op":"remove","path":"members","value":[{"value":"<id>"}]}), one operation
    per batch. Atlassian does not document which removal forms its SCIM API accepts (the other RFC 7644 form is
    C(members[value eq "<id>"])); if your directory refuses this one, please report it.
  - A failure part-way (after retries of rate limits and unavailable answers) fails the task with what was done
    in the result; a rerun reads the cloud again and continues, so nothing is lost or added twice.
seealso:
  - module: dcops.atlassian_cloud.group_flatten
  - module: dcops.atlassian_cloud.org_info
"""

EXAMPLES = r"""
- name: Flatten the LDAP groups
  dcops.atlassian_cloud.group_flatten:
    source: ldap
    ldap:
      server_uri: ldaps://ldap.example.com
      base_dn: dc=example,dc=com
  register: flattened

- name: Sync them to the provisioning directory
  dcops.atlassian_cloud.group_sync:
    groups: "{{ flattened.flat }}"
    users: "{{ flattened.users }}"
    directory_id: "{{ scim_directory_id }}"
    directory_api_key: "{{ vault_scim_directory_key }}"

- name: Sync a hand-written structure through the organizations API, removing everything else
  dcops.atlassian_cloud.group_sync:
    target: groups_api
    org_id: "{{ atlassian_org_id }}"
    api_key: "{{ vault_org_api_key }}"
    directory_id: "{{ directory_id }}"
    groups:
      jira-admins: [alice@example.com]
      jira-users: [alice@example.com, bob@example.com]
    prune: true
"""

RETURN = r"""
target:
  description: The API written to.
  returned: always
  type: str
  sample: scim
groups_created:
  description: Groups created (in check mode, that would be created).
  returned: always
  type: list
  elements: str
  sample: [engineering]
added:
  description: Per group, the emails of the members added.
  returned: always
  type: dict
  sample: {"engineering": ["alice@example.com"]}
removed:
  description: Per group, the emails of the members removed.
  returned: always
  type: dict
  sample: {"engineering": ["mallory@example.com"]}
kept:
  description: Per group not managed by this sync, the members the source does not have that were left in place
    (O(prune=false)).
  returned: always
  type: dict
  sample: {"site-admins": ["root@example.com"]}
missing_in_cloud:
  description: Emails of source members that have no account in the cloud directory; they are not added.
  returned: always
  type: list
  elements: str
  sample: [newhire@example.com]
unusable_members:
  description: Source members without an email, or with an invalid one.
  returned: always
  type: list
  elements: dict
  contains:
    group:
      description: "The group."
      type: str
    member:
      description: "The member's name in the source."
      type: str
    reason:
      description: "Why it cannot be synced (C(no email), C(invalid email))."
      type: str
  sample: [{"group": "engineering", "member": "svc-build", "reason": "no email"}]
skipped_groups:
  description: Groups that cannot be written through the chosen target, with the reason.
  returned: always
  type: list
  elements: dict
  contains:
    group:
      description: "The group."
      type: str
    reason:
      description: "Why the target cannot write it."
      type: str
  sample: [{"group": "okta-admins", "reason": "it is synced from an identity provider"}]
summary:
  description: Counts of planned changes, write calls made and HTTP requests sent (retries included).
  returned: always
  type: dict
  contains:
    groups_to_create:
      description: "Groups created (or to create)."
      type: int
    memberships_to_add:
      description: "Memberships added (or to add)."
      type: int
    memberships_to_remove:
      description: "Memberships removed (or to remove)."
      type: int
    write_calls:
      description: "Write requests sent."
      type: int
    http_requests:
      description: "HTTP requests sent, retries included."
      type: int
  sample: {"groups_to_create": 1, "memberships_to_add": 3, "memberships_to_remove": 0, "write_calls": 2,
           "http_requests": 5}
"""

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.argspec import create_ansible_module
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._groups_sync.module import (
    run_sync,
    sync_spec,
)


ARGUMENT_SPEC = dict(
    groups=dict(type="dict", required=True),
    users=dict(type="dict", default={}),
)


def main():
    module = create_ansible_module(ARGUMENT_SPEC, sync_spec())
    groups = module.params["groups"]
    bad = sorted(g for g, members in groups.items() if members is not None and not isinstance(members, list))
    if bad:
        module.fail_json(msg="groups must map each group name to a list of members; not a list: %s" % ", ".join(bad))
    empty = sorted(repr(g) for g in groups if not str(g).strip())
    if empty:
        module.fail_json(msg="groups has an empty group name; expected the cloud group's name")
    wrong = sorted("%s: %r" % (g, m) for g, members in groups.items() for m in members or []
                   if not isinstance(m, str) or not m.strip())
    if wrong:
        module.fail_json(msg="group members must be user names or emails (non-empty strings); got %s"
                             % ", ".join(wrong[:10]))
    module.exit_json(**run_sync(module, groups, module.params["users"]))


if __name__ == "__main__":
    main()

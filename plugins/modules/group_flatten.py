#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: group_flatten
short_description: Flatten nested groups into every group's effective members for Atlassian Cloud
version_added: 0.1.0
description:
  - Atlassian Cloud does not support nested groups. Synced without flattening, every group arrives at one level
    and users lose the memberships they only inherited through a nested group.
  - This module reads a nested group structure from O(source) and computes every group's effective members; a
    member of a nested group becomes a direct member of each ancestor group.
  - Returns the flat structure, the memberships that would be lost without flattening (per group and per user),
    the cycles found (with a concrete path), depth statistics, and the groups Google Workspace users must select
    individually in the Atlassian sync settings.
  - Never writes to the source. With the default O(state=flattened) it only reads and reports.
  - With O(state=synced) it also makes the groups of an Atlassian Cloud directory match the flat structure, as
    M(dcops.atlassian_cloud.group_sync) does (the same implementation and options). It creates missing groups, adds
    missing members and removes members the source no longer has, with batched SCIM C(PATCH) operations. Writes
    are proportional to the differences; a rerun with nothing changed makes zero writes.
  - Cloud accounts are identified by email. The email of each flat member comes from the source's users
    (RV(users)); members that are email addresses need none. Members without a cloud account are reported in
    RV(sync.missing_in_cloud) and not created.
  - Without O(prune), members are only removed from groups this sync manages (they carry O(managed_marker), which
    the sync sets on every group it creates); other groups only get additions.
author:
  - dcops engineers (@dcops)
requirements:
  - ldap3 >= 2.9 (for O(source=ldap))
  - PyYAML (for O(source=yaml) with O(yaml_file))
  - httpx >= 0.27 (for O(source=crowd) and O(state=synced))
extends_documentation_fragment:
  - dcops.atlassian_cloud.group_sync
  - dcops.atlassian_cloud.attributes
  - dcops.atlassian_cloud.attributes.ACTIONGROUP_CLOUD_ADMIN_AND_SCIM
attributes:
  check_mode:
    support: full
    details:
      - With O(state=synced), reads the cloud and reports the changes the sync would make without writing.
  diff_mode:
    support: full
    details:
      - With O(state=synced), the members (emails) of every group the sync changes, before and after.
options:
  state:
    description:
      - C(flattened) reads the source and reports; nothing is written anywhere and C(changed) is always false.
      - C(synced) also syncs the flat structure to the cloud directory O(target) (see
        M(dcops.atlassian_cloud.group_sync)); C(changed) is true when the sync wrote (or in check mode would
        write) anything.
    type: str
    choices: [flattened, synced]
    default: flattened
  source:
    description:
      - Where the nested group structure comes from.
      - C(yaml) reads O(yaml_file) or O(yaml_data).
      - C(ldap) reads an LDAP directory with paged searches (O(ldap)).
      - C(crowd) reads Crowd's REST API for nested groups (O(crowd)).
    type: str
    required: true
    choices: [yaml, ldap, crowd]
  yaml_file:
    description:
      - A YAML file on the managed node with a C(groups) mapping (group name to C(users) and nested C(groups)
        lists) and an optional C(users) mapping (user name to attributes such as C(email)).
      - Mutually exclusive with O(yaml_data).
    type: path
  yaml_data:
    description:
      - The same structure as O(yaml_file), inline.
    type: dict
  allow_unknown_groups:
    description:
      - With O(source=yaml), a nested group name that the source does not define is an error (a typo would
        otherwise create an empty cloud group and drop the real group's members). Set V(true) to treat such
        names as empty groups.
    type: bool
    default: false
  ldap:
    description:
      - How to read an LDAP directory. Groups are C(groupOfNames) and Active Directory C(group) objects (their
        C(member) attribute) and C(groupOfUniqueNames) (C(uniqueMember)).
      - A member DN is a nested group when it names a group the group search returned, a user when it names an
        entry the user search returned, and is reported in RV(unresolved_members) otherwise.
    type: dict
    suboptions:
      server_uri:
        description: C(ldap://host:port) or C(ldaps://host:port).
        type: str
        required: true
      base_dn:
        description: Search base for groups and users, unless O(ldap.group_base_dn) or O(ldap.user_base_dn) narrow it.
        type: str
        required: true
      group_base_dn:
        description: Search base for groups.
        type: str
      user_base_dn:
        description: Search base for users.
        type: str
      bind_dn:
        description: DN to bind as; anonymous bind when omitted.
        type: str
      bind_password:
        description: Password of O(ldap.bind_dn).
        type: str
      group_filter:
        description: LDAP filter selecting the groups.
        type: str
        default: (|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=group))
      user_filter:
        description: LDAP filter selecting the users.
        type: str
        default: (|(objectClass=inetOrgPerson)(objectClass=person)(objectClass=user))
      group_name_attribute:
        description: Attribute holding a group's name (the cloud group name).
        type: str
        default: cn
      username_attribute:
        description: Attribute holding a user's name; C(uid) for OpenLDAP, C(sAMAccountName) for Active Directory.
        type: str
        default: uid
      email_attribute:
        description:
          - Attribute holding a user's email (cloud accounts are identified by email).
          - For Active Directory, C(mail) is the address people receive mail at; C(userPrincipalName) is the
            logon name and only an identity when it is a routable address in a verified domain.
        type: str
        default: mail
      email_fallback_attribute:
        description:
          - Attribute read when O(ldap.email_attribute) is empty, for example C(userPrincipalName) for Active
            Directory accounts without C(mail).
        type: str
      disabled_users:
        description:
          - What to do with accounts Active Directory marks as disabled (bit 2, ACCOUNTDISABLE, of
            C(userAccountControl)). Both list them in RV(disabled_users).
          - C(exclude) leaves them out of every group; C(report) keeps them as members.
        type: str
        choices: [exclude, report]
        default: exclude
      in_chain_groups:
        description:
          - Groups to cross-check. For each, Active Directory is asked for the group's transitive user members with
            the matching rule in chain (C(memberOf:1.2.840.113556.1.4.1941:=<group DN>)) and the answer is compared
            with the flattening (RV(in_chain_check)).
          - One paged search per group, each evaluated by the directory over every user under
            O(ldap.user_base_dn) (seconds per group on Samba), so name a sample, for example the deepest groups
            from RV(depth). OpenLDAP does not implement the rule.
        type: list
        elements: str
        default: []
      page_size:
        description:
          - Entries per page of the paged searches (RFC 2696).
          - Values of a multi-valued attribute are read in the chunks the directory returns (Active Directory's
            ranged retrieval, C(member;range=0-1499) then C(member;range=1500-*)), whatever this is.
        type: int
        default: 500
      start_tls:
        description: Upgrade an C(ldap://) connection with StartTLS before binding.
        type: bool
        default: false
      validate_certs:
        description: Verify the server certificate for C(ldaps://) and StartTLS.
        type: bool
        default: true
      ca_path:
        description: CA bundle to verify the server certificate with.
        type: path
      timeout:
        description: Connect and receive timeout in seconds.
        type: int
        default: 30
  crowd:
    description:
      - How to read Crowd. Authenticates as a Crowd application (application name and password, HTTP basic
        authentication) and reads the groups and users with C(/rest/usermanagement/1/search) and their
        memberships as O(crowd.read_mode) says.
    type: dict
    suboptions:
      url:
        description: Crowd base URL, for example C(https://crowd.example.com/crowd).
        type: str
        required: true
      application_name:
        description: Name of the Crowd application the module authenticates as.
        type: str
        required: true
      application_password:
        description: Password of the Crowd application.
        type: str
        required: true
      validate_certs:
        description: Verify the server certificate.
        type: bool
        default: true
      ca_path:
        description: CA bundle to verify the server certificate with.
        type: path
      page_size:
        description: Results per request (Crowd's C(max-results)).
        type: int
        default: 1000
      read_mode:
        description:
          - C(memberships) reads every group's direct users and child groups with one request to
            C(/rest/usermanagement/1/group/membership) (Crowd REST 1.1 and later), plus the pages of group names
            and of users (for their emails).
          - C(per_group) reads C(group/child-group/direct) and C(group/user/direct) for every group (two or more
            requests per group), for a Crowd that does not offer the memberships resource.
          - Both give the same structure; RV(crowd_requests) counts the requests.
        type: str
        choices: [memberships, per_group]
        default: memberships
      inactive_users:
        description:
          - What to do with users Crowd marks as inactive (C(active) false in the user entity). Both list them in
            RV(disabled_users).
          - C(exclude) leaves them out of every group, as Active Directory's disabled accounts are; C(report) keeps
            them as members.
        type: str
        choices: [exclude, report]
        default: exclude
      timeout:
        description: Request timeout in seconds.
        type: int
        default: 30
  on_cycle:
    description:
      - What to do when nested groups form a cycle (A nests B, B nests A).
      - C(fail) fails naming every cycle's path.
      - C(merge) treats the groups of a cycle as equivalent, each gets the union of the cycle's members.
    type: str
    default: fail
    choices: [fail, merge]
  google_workspace_selected:
    description:
      - The groups currently selected for sync in the Google Workspace integration. Google Workspace syncs only the
        selected groups, each flattened; a group left out loses its members in cloud.
      - When given, RV(google_workspace.missing_from_selection) lists the parent and nested groups related to the
        selection that are not selected.
    type: list
    elements: str
  report:
    description:
      - Which member lists to return. The counts, cycles and depth are always returned; for a large directory leave
        out the lists you do not need to keep the result small.
    type: list
    elements: str
    choices: [flat, lost_by_group, lost_by_user, users]
    default: [flat, lost_by_group, lost_by_user, users]
  target:
    description:
      - With O(state=synced), which cloud API holds the groups. Required with O(state=synced); ignored (with a
        warning) otherwise.
      - C(scim) is the user provisioning (SCIM) API of a directory,
        C(https://api.atlassian.com/scim/directory/<directory_id>), with O(directory_api_key). One C(PATCH) per
        batch of O(batch_size) members.
      - C(groups_api) is the organizations API v2 (O(org_id), O(api_key), O(directory_id)), one call per
        membership change (that API has no batch operation). Groups synced from an identity provider cannot be
        changed through it and are reported in RV(sync.skipped_groups).
    type: str
    choices: [scim, groups_api]
  directory_id:
    description:
      - ID of the cloud directory (the user provisioning directory for O(target=scim)). Required with
        O(state=synced).
      - If not set, the value of the E(ATLASSIAN_SCIM_DIRECTORY_ID) environment variable is used.
    type: str
  validate_certs:
    description:
      - Whether to verify the cloud API's TLS certificate (the sources have their own, O(ldap.validate_certs) and
        O(crowd.validate_certs)).
    type: bool
    default: true
  ca_path:
    description:
      - PEM file of certificate authorities to trust for the cloud API instead of the system store.
    type: path
notes:
  - A group that lists itself as a member is ignored (OpenLDAP's C(groupOfNames) requires a member, and empty groups
    often name themselves); a nested group that is referenced but not defined is an empty group.
  - Active Directory returns at most 1500 values of C(member) per read (ranged retrieval); groups larger than that
    are not read completely by this module.
  - The cloud API keys are never returned or logged by this module.
  - A sync failure part-way (after retries of rate limits and unavailable answers) fails the task with what was
    written in RV(sync); a rerun reads the cloud again and continues, so nothing is lost or added twice.
seealso:
  - module: dcops.atlassian_cloud.group_sync
  - plugin: dcops.atlassian_cloud.flatten_groups
    plugin_type: filter
"""

EXAMPLES = r"""
- name: Flatten the nested groups of an OpenLDAP directory
  dcops.atlassian_cloud.group_flatten:
    source: ldap
    ldap:
      server_uri: ldaps://ldap.example.com
      base_dn: dc=example,dc=com
      bind_dn: cn=reader,dc=example,dc=com
      bind_password: "{{ vault_ldap_reader_password }}"
  register: flattened

- name: Flatten Active Directory groups, merging cycles
  dcops.atlassian_cloud.group_flatten:
    source: ldap
    on_cycle: merge
    ldap:
      server_uri: ldaps://dc1.corp.example.com
      base_dn: dc=corp,dc=example,dc=com
      bind_dn: CN=svc-reader,OU=Service,DC=corp,DC=example,DC=com
      bind_password: "{{ vault_ad_password }}"
      user_filter: (&(objectClass=user)(!(objectClass=computer)))
      username_attribute: sAMAccountName
      email_attribute: mail

- name: Flatten a structure kept in a YAML file and report only what would be lost
  dcops.atlassian_cloud.group_flatten:
    source: yaml
    yaml_file: /etc/atlassian/groups.yml
    report: [lost_by_user]

- name: Check a Google Workspace sync selection
  dcops.atlassian_cloud.group_flatten:
    source: yaml
    yaml_data:
      groups:
        Atlassian: {groups: [Design, Engineering, Grads]}
        Design: {users: [alice]}
        Engineering: {users: [bob]}
        Grads: {users: [carol]}
    google_workspace_selected: [Design]
  register: gws

- name: Read nested groups from Crowd
  dcops.atlassian_cloud.group_flatten:
    source: crowd
    crowd:
      url: https://crowd.example.com/crowd
      application_name: cloud-migration
      application_password: "{{ vault_crowd_app_password }}"

- name: Flatten the LDAP groups and sync them to the user provisioning directory
  dcops.atlassian_cloud.group_flatten:
    source: ldap
    ldap:
      server_uri: ldaps://ldap.example.com
      base_dn: dc=example,dc=com
    report: [lost_by_user]
    state: synced
    target: scim
    directory_id: "{{ scim_directory_id }}"
    directory_api_key: "{{ vault_scim_directory_key }}"
  register: synced

- name: Sync a YAML structure through the organizations API and remove members the source does not have
  dcops.atlassian_cloud.group_flatten:
    source: yaml
    yaml_file: /etc/atlassian/groups.yml
    state: synced
    target: groups_api
    org_id: "{{ atlassian_org_id }}"
    api_key: "{{ vault_org_api_key }}"
    directory_id: "{{ directory_id }}"
    prune: true
"""

RETURN = r"""
flat:
  description: Every group's effective members (direct and inherited), sorted. What the cloud group must contain.
  returned: success and C(flat) in O(report)
  type: dict
  sample: {"Atlassian": ["alice", "bob", "carol"], "Design": ["alice"]}
users:
  description: The attributes the source holds for each user (C(email), and C(dn) for LDAP).
  returned: success and C(users) in O(report)
  type: dict
  sample: {"alice": {"dn": "uid=alice,ou=people,dc=example,dc=com", "email": "alice@example.com"}}
lost_memberships:
  description: The memberships a plain sync (without flattening) would lose.
  returned: success
  type: dict
  contains:
    by_group:
      description: Per group, the members it only has through nested groups.
      returned: C(lost_by_group) in O(report)
      type: dict
      sample: {"Atlassian": ["alice", "bob", "carol"]}
    by_user:
      description: Per user, the groups the user only belongs to through nested groups.
      returned: C(lost_by_user) in O(report)
      type: dict
      sample: {"alice": ["Atlassian"]}
cycles:
  description: The cycles found (only with O(on_cycle=merge); C(fail) fails with the same paths in the message).
  returned: success
  type: list
  elements: dict
  contains:
    path:
      description: A concrete cycle, starting and ending at the same group.
      type: list
      elements: str
      returned: always
      sample: ["A", "B", "C", "A"]
    groups:
      description: All groups of the cycle (they get the same members).
      type: list
      elements: str
      returned: always
      sample: ["A", "B", "C"]
depth:
  description: Nesting depth statistics. A group's depth is the longest chain of nested groups below it.
  returned: success
  type: dict
  contains:
    max:
      description: "The deepest nesting."
      type: int
    deepest_groups:
      description: "The groups that have it."
      type: list
      elements: str
    histogram:
      description: "Number of groups per depth (depth as text, V(\"0\") for groups without nested groups)."
      type: dict
    top_level_groups:
      description: "Groups that are nested in no other group."
      type: int
  sample: {"max": 2, "histogram": {"0": 3, "1": 1, "2": 1}, "top_level_groups": 1, "deepest_groups": ["Atlassian"]}
summary:
  description: Counts of groups, users, direct, effective and inherited memberships and nesting links.
  returned: success
  type: dict
  contains:
    groups:
      description: "Groups."
      type: int
    users:
      description: "Users."
      type: int
    direct_memberships:
      description: "Memberships the source holds directly."
      type: int
    effective_memberships:
      description: "Memberships after flattening (direct and inherited)."
      type: int
    inherited_memberships:
      description: "Memberships that exist only through nesting."
      type: int
    nesting_links:
      description: "Group-in-group links."
      type: int
  sample: {"groups": 4, "users": 3, "direct_memberships": 3, "effective_memberships": 6,
           "inherited_memberships": 3, "nesting_links": 3}
google_workspace:
  description:
    - What Google Workspace's sync needs. It syncs only selected groups, so every parent and nested group must be
      selected individually.
  returned: success
  type: dict
  contains:
    parent_groups:
      description: Groups with nested groups; unselected, their inherited members are lost.
      type: list
      elements: str
      returned: always
    nested_groups:
      description: Groups nested in another group.
      type: list
      elements: str
      returned: always
    missing_from_selection:
      description: Ancestors and nested groups of the O(google_workspace_selected) groups that are not selected.
      type: list
      elements: str
      returned: when O(google_workspace_selected) is given
    unknown_selected_groups:
      description: Selected groups the source does not have.
      type: list
      elements: str
      returned: when O(google_workspace_selected) is given
disabled_users:
  description: Accounts the directory marks as disabled (Active Directory's C(userAccountControl), Crowd's inactive
    users) and how they were handled.
  returned: O(source=ldap) or O(source=crowd)
  type: dict
  contains:
    handling:
      description: The O(ldap.disabled_users) or O(crowd.inactive_users) choice.
      type: str
      returned: always
      sample: exclude
    users:
      description: Usernames of the disabled accounts.
      type: list
      elements: str
      returned: always
      sample: [jdoe]
in_chain_check:
  description: The comparison of the flattening with the directory's own transitive membership (matching rule in chain).
  returned: when O(ldap.in_chain_groups) names groups
  type: dict
  contains:
    groups_checked:
      description: Number of groups compared.
      type: int
      returned: always
    mismatches:
      description: Groups whose members differ, with the usernames only the flattening or only the directory has.
      type: list
      elements: dict
      returned: always
      sample: []
      contains:
        group:
          description: The group.
          type: str
        only_in_flattening:
          description: Usernames only the flattening has.
          type: list
          elements: str
        only_in_directory:
          description: Usernames only the directory's transitive membership has.
          type: list
          elements: str
crowd_requests:
  description: HTTP requests sent to Crowd (retries included).
  returned: O(source=crowd)
  type: int
  sample: 4
ldap_requests:
  description: Requests beyond the paged searches; C(range_requests) counts ranged reads of large groups.
  returned: O(source=ldap)
  type: dict
  contains:
    range_requests:
      description: Ranged reads of groups above the directory's value limit (C(member;range=...)).
      type: int
  sample: {"range_requests": 2}
unresolved_members:
  description: Member references the source could not resolve to a user or a group (for example a DN outside the
    search bases). They are left out of the flat structure.
  returned: success
  type: list
  elements: dict
  contains:
    group:
      description: "The group that references the member."
      type: str
    member:
      description: "The reference (a name, or a DN for LDAP)."
      type: str
  sample: [{"group": "Design", "member": "uid=gone,ou=people,dc=example,dc=com"}]
sync:
  description:
    - What the sync to O(target) did (in check mode, would do). Emails are the normalized (lower-case) form.
  returned: O(state=synced), also when the sync fails part-way
  type: dict
  contains:
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
      sample: [Atlassian]
    added:
      description: Per group, the emails of the members added.
      returned: always
      type: dict
      sample: {"Atlassian": ["dana@example.com"]}
    removed:
      description: Per group, the emails of the members removed.
      returned: always
      type: dict
      sample: {"Design": ["mallory@example.com"]}
    kept:
      description: Per group not managed by the sync, the members the source does not have that were left in
        place (O(prune=false)).
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
      sample: [{"group": "Atlassian", "member": "ceo", "reason": "no email"}]
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


from ansible.module_utils.basic import missing_required_lib

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._groups.flatten import (
    ON_CYCLE_CHOICES,
    CycleError,
    flatten,
)
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.argspec import create_ansible_module
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.errors import CollectionError, fail_from_exception
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._groups import source_crowd, source_ldap, source_yaml
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._groups_sync.module import (
    run_sync,
    sync_spec,
)

REPORT_CHOICES = ["flat", "lost_by_group", "lost_by_user", "users"]

LDAP_OPTIONS = dict(
    server_uri=dict(type="str", required=True),
    base_dn=dict(type="str", required=True),
    group_base_dn=dict(type="str"),
    user_base_dn=dict(type="str"),
    bind_dn=dict(type="str"),
    bind_password=dict(type="str", no_log=True),
    group_filter=dict(type="str", default=source_ldap.DEFAULT_GROUP_FILTER),
    user_filter=dict(type="str", default=source_ldap.DEFAULT_USER_FILTER),
    group_name_attribute=dict(type="str", default="cn"),
    username_attribute=dict(type="str", default="uid"),
    email_attribute=dict(type="str", default="mail"),
    email_fallback_attribute=dict(type="str"),
    disabled_users=dict(type="str", default="exclude", choices=list(source_ldap.DISABLED_USERS_CHOICES)),
    in_chain_groups=dict(type="list", elements="str", default=[]),
    page_size=dict(type="int", default=500),
    start_tls=dict(type="bool", default=False),
    validate_certs=dict(type="bool", default=True),
    ca_path=dict(type="path"),
    timeout=dict(type="int", default=30),
)

CROWD_OPTIONS = dict(
    url=dict(type="str", required=True),
    application_name=dict(type="str", required=True),
    application_password=dict(type="str", required=True, no_log=True),
    validate_certs=dict(type="bool", default=True),
    ca_path=dict(type="path"),
    page_size=dict(type="int", default=1000),
    timeout=dict(type="int", default=30),
    read_mode=dict(type="str", default="memberships", choices=list(source_crowd.READ_MODES)),
    inactive_users=dict(type="str", default="exclude", choices=list(source_crowd.INACTIVE_USERS_CHOICES)),
)


def read_source(module):
    """The NestedGroups of the configured source; fails the module on a user or source error."""
    params = module.params
    source = params["source"]
    try:
        if source == "yaml":
            if params["yaml_data"] is not None:
                return source_yaml.read_yaml_data(params["yaml_data"], params["allow_unknown_groups"])
            if not source_yaml.HAS_YAML:
                module.fail_json(msg=missing_required_lib("PyYAML"))
            return source_yaml.read_yaml_file(params["yaml_file"], params["allow_unknown_groups"])
        if source == "ldap":
            if not source_ldap.HAS_LDAP3:
                module.fail_json(msg=missing_required_lib("ldap3"))
            return source_ldap.read_ldap(source_ldap.LdapSettings(**params["ldap"]))
        if not source_crowd.HAS_HTTPX:
            module.fail_json(msg=missing_required_lib("httpx"))
        return source_crowd.read_crowd(source_crowd.CrowdSettings(**params["crowd"]))
    except (OSError, IOError) as exc:
        fail_from_exception(module, exc, msg="Cannot read the %s source" % source)
    except ValueError as exc:
        fail_from_exception(module, exc, msg="Cannot read the %s source" % source)
    except (source_ldap.LdapSourceError, source_crowd.CrowdSourceError, CollectionError) as exc:
        fail_from_exception(module, exc)


def argument_spec():
    """The module's own options; sync_spec(optional=True) brings the sync's."""
    return dict(
        state=dict(type="str", default="flattened", choices=["flattened", "synced"]),
        source=dict(type="str", required=True, choices=["yaml", "ldap", "crowd"]),
        yaml_file=dict(type="path"),
        yaml_data=dict(type="dict"),
        allow_unknown_groups=dict(type="bool", default=False),
        ldap=dict(type="dict", options=LDAP_OPTIONS),
        crowd=dict(type="dict", options=CROWD_OPTIONS),
        on_cycle=dict(type="str", default="fail", choices=list(ON_CYCLE_CHOICES)),
        google_workspace_selected=dict(type="list", elements="str"),
        report=dict(type="list", elements="str", choices=REPORT_CHOICES, default=REPORT_CHOICES),
    )


def main():
    module = create_ansible_module(
        argument_spec(), sync_spec(optional=True),
        mutually_exclusive=[("yaml_file", "yaml_data")],
        required_if=[
            ("source", "yaml", ("yaml_file", "yaml_data"), True),
            ("source", "ldap", ("ldap",)),
            ("source", "crowd", ("crowd",)),
            ("state", "synced", ("target", "directory_id")),
        ],
    )
    synced = module.params["state"] == "synced"
    if module.params["target"] and not synced:
        module.warn("target is ignored with state=flattened; set state=synced to sync to the cloud")
    structure = read_source(module)
    try:
        result = flatten(structure, on_cycle=module.params["on_cycle"])
    except CycleError as exc:
        module.fail_json(msg=str(exc), cycles=exc.cycles)

    report = set(module.params["report"])
    output = dict(
        changed=False,
        summary=result.counts(),
        cycles=result.cycles,
        depth=dict(result.depth(), histogram=dict((str(k), v) for k, v in result.depth()["histogram"].items())),
        google_workspace=result.google_workspace(module.params["google_workspace_selected"]),
        unresolved_members=result.unresolved,
        lost_memberships={},
    )
    flat = result.flat()
    if module.params["source"] == "crowd":
        output["crowd_requests"] = structure.counters["http_requests"]
        output["disabled_users"] = dict(handling=module.params["crowd"]["inactive_users"], users=structure.disabled)
    if module.params["source"] == "ldap":
        output["disabled_users"] = dict(handling=module.params["ldap"]["disabled_users"], users=structure.disabled)
        output["ldap_requests"] = structure.counters
        if structure.in_chain is not None:
            output["in_chain_check"] = source_ldap.compare_in_chain(flat, structure.in_chain)
    if "flat" in report:
        output["flat"] = flat
    if "users" in report:
        output["users"] = result.users
    if "lost_by_group" in report:
        output["lost_memberships"]["by_group"] = result.lost_by_group()
    if "lost_by_user" in report:
        output["lost_memberships"]["by_user"] = result.lost_by_user()
    if synced:
        output = run_sync(module, flat, result.users, output=output, under="sync")
    module.exit_json(**output)


if __name__ == "__main__":
    main()

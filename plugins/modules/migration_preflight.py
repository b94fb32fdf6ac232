#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: migration_preflight
short_description: Find the user and group problems a migration of Data Center instances to one cloud org will cause
version_added: 0.1.0
description:
  - Reads the users and groups of Jira and Confluence Data Center instances, from their REST APIs or from CSV
    exports, and reports what migrating them into one Atlassian Cloud organization will do.
  - Cloud accounts are identified by email. The module reports users with a missing or invalid email (they get no
    account), emails shared by several users (they become one account) and users present in several instances
    (matched by email, they are merged into one account).
  - Groups live in one place in cloud. A group name present in several instances with different members becomes one
    group, so members of each instance's group gain the access the group grants in the other instances (for example
    Jira's C(admins) members become Confluence C(admins) too). The module lists every such group with the users who
    gain access through the merge.
  - Returns the findings and writes a human report as Markdown (O(report_markdown)) and as a self-contained HTML page
    (O(report_html)). A report file is written only when its content changes; the reports carry no timestamp.
  - O(fail_on) fails the task when findings of the named kinds exist (after writing the reports), so a pipeline can
    stop on what it cannot accept.
author:
  - dcops engineers (@dcops)
requirements:
  - httpx >= 0.27 (for instances read through REST)
extends_documentation_fragment:
  - dcops.atlassian_cloud.attributes
attributes:
  check_mode:
    support: full
    details:
      - In check mode the reports are not written; RV(reports) says which would be.
  diff_mode:
    support: none
options:
  instances:
    description:
      - The Data Center instances to compare. Each is read from its REST API (O(instances[].url)) or from CSV
        exports (O(instances[].users_csv)).
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: A name for the instance in the findings and the report, for example C(jira-prod).
        type: str
        required: true
      product:
        description: What the instance is.
        type: str
        required: true
        choices: [jira, confluence]
      url:
        description:
          - Base URL of the instance, with the context path (for example C(https://wiki.example.com/confluence)).
        type: str
      user:
        description:
          - User name for basic authentication. Use an administrator; Confluence shows emails only to administrators,
            Jira lists group members only to administrators.
        type: str
      password:
        description: Password of O(instances[].user).
        type: str
      token:
        description: Personal access token (bearer), instead of O(instances[].user) and O(instances[].password).
        type: str
      validate_certs:
        description: Whether to verify the server's TLS certificate.
        type: bool
        default: true
      ca_path:
        description: PEM file of certificate authorities to trust instead of the system store.
        type: path
      timeout:
        description: Read timeout of one HTTP request, in seconds.
        type: float
        default: 30
      retry_max_time:
        description: Total time in seconds that retries of one call may take.
        type: float
        default: 120
      api_overrides:
        description:
          - Replace the path of an operation of the collection's API contract table, keyed by operation name.
        type: dict
        default: {}
      group_limit:
        description:
          - Jira only. C(maxResults) of the group picker, the most groups read. A warning says when the instance has
            more.
        type: int
        default: 10000
      users_csv:
        description:
          - A CSV export of the users, on the managed node, instead of O(instances[].url). The header must name a
            C(username) and an C(email) column and may name C(display_name) and C(active).
        type: path
      memberships_csv:
        description:
          - With O(instances[].users_csv), a CSV of group memberships with C(group) and C(username) columns, one
            membership a row.
        type: path
  report_markdown:
    description: Where to write the Markdown report. Not written when omitted.
    type: path
  report_html:
    description: Where to write the self-contained HTML report. Not written when omitted.
    type: path
  report_mode:
    description:
      - File mode of the reports. They list users' emails, so they are readable by their owner only unless you say
        otherwise.
    type: raw
    default: "0600"
  sso_domains:
    description:
      - Email domains whose users will log in with SSO in cloud. Passwords are not migrated, so every other user
        resets their password (RV(password_reset)). Empty means nobody uses SSO.
    type: list
    elements: str
    default: []
  verified_domains:
    description:
      - The organization's verified domains. Users in any other domain are not managed accounts, so
        authentication policies and Atlassian Guard features do not apply to them (RV(unverified_domain)).
      - When omitted the check is skipped and a notice says so.
    type: list
    elements: str
  fail_on:
    description:
      - Fail when findings of these kinds exist. C(invalid_email) is users with a missing or invalid email,
        C(duplicate_email) is emails shared by several users, C(group_collision) is same-named groups with
        different members, C(password_reset) users without SSO, C(unverified_domain) users outside the verified
        domains, C(confluence_no_group) Confluence users in no group.
    type: list
    elements: str
    choices: [invalid_email, duplicate_email, group_collision, password_reset, unverified_domain, confluence_no_group]
    default: []
notes:
  - The module reads Confluence users through REST as the members of its groups, so a Confluence user in no group is
    found only from CSV exports (O(instances[].users_csv) with O(instances[].memberships_csv)); a notice says which
    instances were not checked.
  - Every report carries the notices that hold for any migration (seed "user management in cloud"), namely that avatars are not
    migrated and that most global permissions are not migrated.
  - Jira's group member list includes members of nested groups; Confluence's lists direct members.
  - Reads only the instances; it writes nothing but the report files.
seealso:
  - module: dcops.atlassian_cloud.group_flatten
  - module: dcops.atlassian_cloud.group_sync
"""

EXAMPLES = r"""
- name: Compare the Jira and Confluence users and groups before migrating them to one org
  dcops.atlassian_cloud.migration_preflight:
    instances:
      - name: jira
        product: jira
        url: https://jira.example.com
        token: "{{ vault_jira_pat }}"
      - name: confluence
        product: confluence
        url: https://wiki.example.com/confluence
        user: admin
        password: "{{ vault_confluence_admin_password }}"
    sso_domains: [example.com]
    verified_domains: [example.com]
    report_markdown: /srv/reports/preflight.md
    report_html: /srv/reports/preflight.html
    fail_on: [invalid_email, group_collision]
  delegate_to: localhost
  register: preflight

- name: Use CSV exports instead of the REST APIs
  dcops.atlassian_cloud.migration_preflight:
    instances:
      - name: jira-legacy
        product: jira
        users_csv: exports/jira-users.csv
        memberships_csv: exports/jira-memberships.csv
      - name: jira-emea
        product: jira
        users_csv: exports/emea-users.csv
        memberships_csv: exports/emea-memberships.csv
"""

RETURN = r"""
summary:
  description: The instances read (users and groups counted) and the number of findings of each kind.
  returned: always
  type: dict
  contains:
    instances:
      description: "The instances read: C(name), C(product), C(users), C(groups)."
      type: list
      elements: dict
      contains:
        name:
          description: "The instance."
          type: str
        product:
          description: "C(jira) or C(confluence)."
          type: str
        users:
          description: "Users read."
          type: int
        groups:
          description: "Groups read."
          type: int
    invalid_email:
      description: "Users with a missing or invalid email."
      type: int
    duplicate_email:
      description: "Emails shared by different user names."
      type: int
    merged_users:
      description: "Emails present in several instances."
      type: int
    group_collision:
      description: "Group names in several instances with different members."
      type: int
  sample: {"instances": [{"name": "jira", "product": "jira", "users": 1200, "groups": 40}], "invalid_email": 3,
           "duplicate_email": 1, "merged_users": 800, "group_collision": 2, "password_reset": 1150,
           "unverified_domain": 12, "confluence_no_group": 0}
invalid_email:
  description: Users with a missing or invalid email.
  returned: always
  type: list
  elements: dict
  contains:
    instance:
      description: "The instance."
      type: str
    username:
      description: "The user name."
      type: str
    email:
      description: "The email as the instance holds it (V(null) when missing)."
      type: str
    reason:
      description: "C(missing) or C(invalid)."
      type: str
    active:
      description: "Whether the user is active."
      type: bool
  sample: [{"instance": "jira", "username": "svc-build", "email": null, "reason": "missing", "active": true}]
duplicate_email:
  description: Emails shared by users with different user names; they become one cloud account.
  returned: always
  type: list
  elements: dict
  contains:
    email:
      description: "The email."
      type: str
    users:
      description: "The users sharing it, as C(instance) and C(username)."
      type: list
      elements: dict
      contains:
        instance:
          description: "The instance."
          type: str
        username:
          description: "The user name there."
          type: str
  sample: [{"email": "team@example.com", "users": [{"instance": "jira", "username": "team1"},
                                                   {"instance": "jira", "username": "team2"}]}]
merged_users:
  description: Emails present in several instances; their users are merged into one cloud account.
  returned: always
  type: list
  elements: dict
  contains:
    email:
      description: "The email."
      type: str
    users:
      description: "The users sharing it, as C(instance) and C(username)."
      type: list
      elements: dict
      contains:
        instance:
          description: "The instance."
          type: str
        username:
          description: "The user name there."
          type: str
  sample: [{"email": "alice@example.com", "users": [{"instance": "jira", "username": "alice"},
                                                    {"instance": "confluence", "username": "alice"}]}]
group_collision:
  description:
    - Group names present in several instances with different members. For each instance, C(gain_access) lists the
      users (by email) who gain that instance's group access through the merge.
  returned: always
  type: list
  elements: dict
  contains:
    group:
      description: "The group name."
      type: str
    instances:
      description: "The group in each instance that has it."
      type: list
      elements: dict
      contains:
        instance:
          description: "The instance."
          type: str
        group:
          description: "The group name there."
          type: str
        members:
          description: "Number of members there."
          type: int
        gain_access:
          description: "Emails of the users who gain this instance's group access through the merge."
          type: list
          elements: str
    merged_members:
      description: "Members of the merged cloud group."
      type: int
    users_gaining_access:
      description: "Emails of every user who gains access through the merge."
      type: list
      elements: str
  sample: [{"group": "admins", "merged_members": 3, "users_gaining_access": ["carol@example.com"],
            "merged_membership": ["alice@example.com", "bob@example.com", "carol@example.com"],
            "users_gaining_access_by_name": ["carol (confluence)"],
            "instances": [{"instance": "jira", "group": "admins", "members": 2, "gain_access": ["carol@example.com"]},
                          {"instance": "confluence", "group": "admins", "members": 1, "gain_access": []}]}]
password_reset:
  description: Cloud identities whose email domain is not in O(sso_domains); passwords are not migrated, so they reset
    theirs.
  returned: always
  type: list
  contains:
    email:
      description: The cloud identity.
      type: str
    users:
      description: The accounts behind it.
      type: list
      elements: dict
      contains:
        instance:
          description: The instance.
          type: str
        username:
          description: The user's name there.
          type: str
  elements: dict
  sample: [{"email": "carol@example.com", "users": [{"instance": "confluence", "username": "carol"}]}]
unverified_domain:
  description: Cloud identities whose email domain is not in O(verified_domains) (empty when it is not given).
  returned: always
  type: list
  contains:
    email:
      description: The cloud identity.
      type: str
    domain:
      description: Its email domain.
      type: str
    users:
      description: The accounts behind it.
      type: list
      elements: dict
      contains:
        instance:
          description: The instance.
          type: str
        username:
          description: The user's name there.
          type: str
  elements: dict
  sample: [{"email": "ann@partner.example", "domain": "partner.example", "users": [{"instance": "jira", "username": "ann"}]}]
confluence_no_group:
  description: Confluence users in no group (only for instances read from CSV exports with memberships).
  returned: always
  type: list
  contains:
    instance:
      description: The Confluence instance.
      type: str
    username:
      description: The user's name.
      type: str
    email:
      description: The user's email.
      type: str
    active:
      description: Whether the account is active.
      type: bool
  elements: dict
  sample: [{"instance": "wiki", "username": "olduser", "email": "old@example.com", "active": true}]
confluence_no_group_checked:
  description: The Confluence instances checked for users in no group.
  returned: always
  type: list
  elements: str
  sample: [wiki]
notices:
  description: What holds for every migration (avatars and most global permissions are not migrated) and the checks
    that were skipped, each with an C(id) and a C(text).
  returned: always
  type: list
  contains:
    id:
      description: What the notice is about (V(avatars), V(global_permissions), or a skipped check).
      type: str
    text:
      description: The notice.
      type: str
  elements: dict
  sample: [{"id": "avatars", "text": "Avatars are not migrated: every migrated user uploads a new avatar in cloud."}]
reports:
  description: The report files and which of them were (or in check mode would be) written.
  returned: always
  type: dict
  contains:
    markdown:
      description: "Path of the Markdown report."
      type: str
    html:
      description: "Path of the HTML report."
      type: str
    changed:
      description: "Which reports were (or would be) written: C(markdown), C(html)."
      type: list
      elements: str
  sample: {"markdown": "/srv/reports/preflight.md", "html": "/srv/reports/preflight.html", "changed": ["html"]}
"""

import os

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.argspec import DATA_CENTER, ArgumentSpec, create_ansible_module
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.client import ApiError
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.module import dc_client, fail_api
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._preflight import report, sources
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._preflight.analysis import (
    FINDING_KINDS,
    analyze,
    failures,
)

# One Data Center (or its CSV export) per item; each item carries its own connection.
INSTANCE = ArgumentSpec(
    dict(
        name=dict(type="str", required=True),
        product=dict(type="str", required=True, choices=["jira", "confluence"]),
        group_limit=dict(type="int", default=10000),
        users_csv=dict(type="path"),
        memberships_csv=dict(type="path"),
    ),
    mutually_exclusive=[("url", "users_csv")],
    required_one_of=[("url", "users_csv")],
    required_by={"memberships_csv": "users_csv"},
).merge(DATA_CENTER.per_item("url"))


def read_instance(module, spec):
    if spec["users_csv"]:
        return sources.read_csv(spec["name"], spec["product"], spec["users_csv"], spec["memberships_csv"])
    with dc_client(module, params=spec) as client:
        if spec["product"] == "jira":
            return sources.read_jira(client, spec["name"], spec["group_limit"])
        return sources.read_confluence(client, spec["name"])


def write_reports(module, findings):
    params = module.params
    result = {"markdown": params["report_markdown"], "html": params["report_html"], "changed": []}
    for kind, path, render in (("markdown", params["report_markdown"], report.render_markdown),
                               ("html", params["report_html"], report.render_html)):
        if not path:
            continue
        content = render(findings)
        written = report.needs_write(path, content)
        if written and not module.check_mode:
            report.write_file(path, content)
        if os.path.exists(path):
            # in check mode this only says whether the mode would change, as the real run then changes it
            written = module.set_mode_if_different(path, params["report_mode"], written)
        if written:
            result["changed"].append(kind)
    return result


def main():
    module = create_ansible_module(dict(
        instances=INSTANCE.as_option(type="list", elements="dict", required=True),
        report_markdown=dict(type="path"),
        report_html=dict(type="path"),
        report_mode=dict(type="raw", default="0600"),
        sso_domains=dict(type="list", elements="str", default=[]),
        verified_domains=dict(type="list", elements="str"),
        fail_on=dict(type="list", elements="str", choices=list(FINDING_KINDS), default=[]),
    ))
    names = [spec["name"] for spec in module.params["instances"]]
    if len(set(names)) != len(names):
        module.fail_json(msg="instance names must be unique, got %s" % ", ".join(names))
    for spec in module.params["instances"]:
        if spec.get("group_limit") is not None and spec["group_limit"] < 1:
            module.fail_json(msg="instances[%s].group_limit must be 1 or more, got %d: a limit of 0 reads no group"
                             % (spec["name"], spec["group_limit"]))
    for path in (module.params["report_markdown"], module.params["report_html"]):
        # checked before anything is read, in check mode too: the real run would fail here
        if path and os.path.isdir(path):
            module.fail_json(msg="The report path %s is a directory; give a file name" % path)
        if path and not os.path.isdir(os.path.dirname(os.path.abspath(path))):
            module.fail_json(msg="The directory of %s does not exist" % path)
    instances = []
    for spec in module.params["instances"]:
        try:
            instances.append(read_instance(module, spec))
        except ApiError as exc:
            fail_api(module, exc, msg="Cannot read the users and groups of %s" % spec["name"])
        except sources.SourceError as exc:
            module.fail_json(msg=str(exc))
    for instance in instances:
        for warning in instance.warnings:
            module.warn(warning)

    findings = analyze(instances, sso_domains=module.params["sso_domains"],
                       verified_domains=module.params["verified_domains"])
    reports = write_reports(module, findings)
    result = dict(findings, reports=reports, changed=bool(reports["changed"]))
    stop = failures(findings, module.params["fail_on"])
    if stop:
        module.fail_json(msg="Migration preflight found %s (fail_on: %s); see the report for the details."
                         % (", ".join("%d %s" % (count, kind) for kind, count in stop),
                            ", ".join(module.params["fail_on"])), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()

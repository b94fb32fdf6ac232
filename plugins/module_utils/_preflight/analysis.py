# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What a migration of several DC instances into one cloud organization will do to users and groups.

Cloud accounts are identified by email: a user without a valid email gets no account, users that share an email
become one account, and users of several instances with the same email are merged. Groups live in one place in
cloud: same-named groups of several instances become one group with the union of their members, so every member
gains the access the group grants in the other instances (a permission escalation when the members differ).

What a migration leaves behind (seed 001, "user management in cloud"): passwords are not migrated, so users who do
not log in with SSO reset theirs; avatars are not migrated; most global permissions are not migrated; accounts
whose email domain the organization has not verified are not managed accounts, so authentication policies and
Guard features do not apply to them; a Confluence user in no group has no access to migrate.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._groups_sync.identity import (
    is_valid_email,
    normalize_email,
)

FINDING_KINDS = ("invalid_email", "duplicate_email", "group_collision", "password_reset", "unverified_domain",
                 "confluence_no_group")
# Notices that hold for every migration, whatever the data (seed 001).
NOTICES = (
    ("avatars", "Avatars are not migrated: every migrated user uploads a new avatar in cloud."),
    ("global_permissions", "Most global permissions are not migrated (project and space permissions, roles and "
                           "schemes are): review Jira's global permissions and Confluence's global permissions in "
                           "cloud after the migration."),
)


def _identity(instance, username):
    """The cloud identity of a DC user: the normalized email, or a per-instance name when it has none."""
    email = instance.users.get(username, {}).get("email")
    if is_valid_email(email):
        return normalize_email(email)
    return "%s (%s, no valid email)" % (username, instance.name)


def _domain(email):
    return email.rsplit("@", 1)[1]


def _normalized_domains(domains):
    """Domains in the form normalized emails carry (lower case, IDNA), or None for "not known"."""
    if domains is None:
        return None
    return set(_domain(normalize_email("x@" + d.strip().lstrip("@"))) for d in domains)


def analyze(instances, sso_domains=(), verified_domains=None):
    """Findings over a list of sources.Instance, every list sorted so equal input gives equal output.

    `sso_domains`: email domains whose users log in with SSO in cloud (the others reset their password);
    `verified_domains`: the organization's verified domains, None when unknown (the check is then skipped).
    """
    sso = _normalized_domains(sso_domains or ())
    verified = _normalized_domains(verified_domains)
    invalid, by_email = _users_by_email(instances)

    duplicates, merged = [], []
    for email in sorted(by_email):
        owners = by_email[email]
        if len(set(o["username"].casefold() for o in owners)) > 1:
            duplicates.append({"email": email, "users": owners})
        if len(set(o["instance"] for o in owners)) > 1:
            merged.append({"email": email, "users": owners})

    password_reset = [{"email": email, "users": by_email[email]} for email in sorted(by_email)
                      if _domain(email) not in sso]
    unverified = []
    if verified is not None:
        unverified = [{"email": email, "domain": _domain(email), "users": by_email[email]} for email in sorted(by_email)
                      if _domain(email) not in verified]
    no_group = _confluence_users_in_no_group(instances)
    collisions = _group_collisions(instances, by_email)

    summary = {
        "instances": [{"name": i.name, "product": i.product, "users": len(i.users), "groups": len(i.groups)}
                      for i in instances],
        "invalid_email": len(invalid),
        "duplicate_email": len(duplicates),
        "merged_users": len(merged),
        "group_collision": len(collisions),
        "password_reset": len(password_reset),
        "unverified_domain": None if verified is None else len(unverified),
        "confluence_no_group": len(no_group),
    }
    checked = [i.name for i in instances if i.product == "confluence" and i.users_listed]
    unchecked = [i.name for i in instances if i.product == "confluence" and not i.users_listed]
    return {"summary": summary, "invalid_email": invalid, "duplicate_email": duplicates, "merged_users": merged,
            "group_collision": collisions, "password_reset": password_reset, "unverified_domain": unverified,
            "confluence_no_group": no_group, "confluence_no_group_checked": checked,
            "notices": _notices(verified, unchecked)}


def _users_by_email(instances):
    """(users with a missing or invalid email, {normalized email: [{instance, username}]})."""
    invalid = []
    by_email = {}
    for instance in instances:
        for username in sorted(instance.users, key=lambda u: (u.casefold(), u)):
            user = instance.users[username]
            email = user.get("email")
            if not email:
                invalid.append({"instance": instance.name, "username": username, "email": None,
                                "reason": "missing", "active": user["active"]})
            elif not is_valid_email(email):
                invalid.append({"instance": instance.name, "username": username, "email": email,
                                "reason": "invalid", "active": user["active"]})
            else:
                by_email.setdefault(normalize_email(email), []).append(
                    {"instance": instance.name, "username": username})
    return invalid, by_email


def _confluence_users_in_no_group(instances):
    """Confluence users in no group (they have no access to migrate), where the users were listed."""
    no_group = []
    for instance in instances:
        if instance.product != "confluence" or not instance.users_listed:
            continue
        grouped = set()
        for members in instance.groups.values():
            grouped.update(members)
        no_group += [{"instance": instance.name, "username": username, "email": instance.users[username]["email"],
                      "active": instance.users[username]["active"]}
                     for username in sorted(set(instance.users) - grouped, key=lambda u: (u.casefold(), u))]
    return no_group


def _group_collisions(instances, by_email):
    """Same-named groups of several instances whose members differ: who gains access when they merge."""
    names = {}
    for email, owners in by_email.items():
        names[email] = sorted(set("%s (%s)" % (o["username"], o["instance"]) for o in owners))
    collisions = []
    by_group = {}
    for instance in instances:
        for group, members in instance.groups.items():
            by_group.setdefault(group.casefold(), []).append((instance, group, members))
    for key in sorted(by_group):
        holders = by_group[key]
        if len(set(instance.name for instance, _group, _members in holders)) < 2:
            continue
        sets = dict((instance.name, set(_identity(instance, m) for m in members))
                    for instance, _group, members in holders)
        union = set()
        for identities in sets.values():
            union |= identities
        if all(identities == union for identities in sets.values()):
            continue
        per_instance = []
        gaining = set()
        for instance, group, _members in holders:
            gain = sorted(union - sets[instance.name])
            gaining.update(gain)
            per_instance.append({"instance": instance.name, "group": group, "members": len(sets[instance.name]),
                                 "gain_access": gain})
        collisions.append({"group": holders[0][1], "instances": per_instance, "merged_members": len(union),
                           "merged_membership": sorted(union), "users_gaining_access": sorted(gaining),
                           "users_gaining_access_by_name": sorted(
                               name for identity in gaining for name in names.get(identity, [identity]))})
    return collisions


def _notices(verified, unchecked):
    """The notices of every migration, plus what this analysis could not check."""
    notices = [{"id": key, "text": text} for key, text in NOTICES]
    if verified is None:
        notices.append({"id": "unverified_domain", "text": "Email domains were not checked against the "
                        "organization's verified domains (verified_domains not given)."})
    if unchecked:
        notices.append({"id": "confluence_no_group", "text": "Confluence users in no group were not checked for %s: "
                        "read from REST, Confluence users are the members of its groups; give a users_csv export "
                        "to check them." % ", ".join(unchecked)})
    return notices


def failures(findings, fail_on):
    """The finding kinds in `fail_on` that have findings, with their counts."""
    return [(kind, len(findings[kind])) for kind in fail_on if findings.get(kind)]

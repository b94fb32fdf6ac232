# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What a migration of several DC instances into one cloud organization will do to users and groups.

Cloud accounts are identified by email: a user without a valid email gets no account, users that share an email
become one account, and users of several instances with the same email are merged. Groups live in one place in
cloud: same-named groups of several instances become one group with the union of their members, so every member
gains the access the group grants in the other instances (a permission escalation when the members differ).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._groups_sync.identity import (
    is_valid_email,
    normalize_email,
)

FINDING_KINDS = ("invalid_email", "duplicate_email", "group_collision")


def _identity(instance, username):
    """The cloud identity of a DC user: the normalized email, or a per-instance name when it has none."""
    email = instance.users.get(username, {}).get("email")
    if is_valid_email(email):
        return normalize_email(email)
    return "%s (%s, no valid email)" % (username, instance.name)


def analyze(instances):
    """Findings over a list of sources.Instance, every list sorted so equal input gives equal output."""
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

    duplicates, merged = [], []
    for email in sorted(by_email):
        owners = by_email[email]
        if len(set(o["username"].casefold() for o in owners)) > 1:
            duplicates.append({"email": email, "users": owners})
        if len(set(o["instance"] for o in owners)) > 1:
            merged.append({"email": email, "users": owners})

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
                           "users_gaining_access": sorted(gaining)})

    summary = {
        "instances": [{"name": i.name, "product": i.product, "users": len(i.users), "groups": len(i.groups)}
                      for i in instances],
        "invalid_email": len(invalid),
        "duplicate_email": len(duplicates),
        "merged_users": len(merged),
        "group_collision": len(collisions),
    }
    return {"summary": summary, "invalid_email": invalid, "duplicate_email": duplicates, "merged_users": merged,
            "group_collision": collisions}


def failures(findings, fail_on):
    """The finding kinds in `fail_on` that have findings, with their counts."""
    return [(kind, len(findings[kind])) for kind in fail_on if findings.get(kind)]

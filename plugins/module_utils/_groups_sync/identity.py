# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Who a flat group member is in the cloud: Atlassian Cloud identifies accounts by email address."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

# The "valid e-mail address" production of the WHATWG HTML standard (what browsers accept in
# <input type=email>), with a dot required in the domain: cloud accounts need a routable address.
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@" + _LABEL + r"(?:\." + _LABEL + r")+$")


def is_valid_email(value):
    return isinstance(value, str) and bool(EMAIL.match(value.strip()))


def normalize_email(value):
    """The form emails are compared in: trimmed and case-folded (Atlassian matches emails case-insensitively)."""
    return value.strip().casefold()


def email_of(member, users):
    """The email of a flat member: from `users` ({name: email} or {name: {"email": ...}}) or the member itself
    when it is an email address. None when there is none."""
    entry = (users or {}).get(member)
    if isinstance(entry, dict):
        entry = entry.get("email")
    if entry:
        return str(entry)
    if "@" in member:
        return member
    return None


def resolve_members(flat_groups, users):
    """Map every flat member to a normalized email.

    Returns ({group: set(normalized emails)}, [{"group", "member", "reason"}]) where the list names members
    without an email or with an invalid one.
    """
    wanted = {}
    problems = []
    for group in sorted(flat_groups):
        emails = set()
        for member in sorted(set(flat_groups[group] or ())):
            email = email_of(member, users)
            if email is None:
                problems.append({"group": group, "member": member, "reason": "no email"})
            elif not is_valid_email(email):
                problems.append({"group": group, "member": member, "reason": "invalid email %s" % email})
            else:
                emails.add(normalize_email(email))
        wanted[group] = emails
    return wanted, problems

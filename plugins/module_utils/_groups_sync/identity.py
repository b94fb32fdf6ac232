# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Who a user is in the cloud: Atlassian Cloud identifies accounts by email address, matched case-insensitively.

The one email rule of the collection (group sync, migration preflight, authentication-policy members):

- local part: the dot-atom of RFC 5322 section 3.2.3, i.e. letters, digits and ``!#$%&'*+/=?^_`{|}~-``
  (so ``o'brien@x.com`` and plus-addressing ``a+tag@x.com`` are valid), separated by single dots, no
  leading or trailing dot; quoted local parts (``"a b"@x.com``) and non-ASCII local parts are refused: the
  Atlassian references are silent on them, and an address a cloud account cannot be matched by is worse
  reported than guessed;
- domain: at least two labels of letters, digits and hyphens (RFC 1035 preferred syntax, 63 characters a
  label), no trailing dot (``a@x.com.`` is an FQDN, not an address); an internationalized domain
  (``a@bücher.example``) is valid and compared in its ASCII (IDNA, punycode) form, so both spellings match;
- compared trimmed and lower-cased (Atlassian matches emails case-insensitively).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LOCAL = re.compile(r"^" + _ATOM + r"(?:\." + _ATOM + r")*$")
_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
MAX_LENGTH = 254  # RFC 5321 section 4.5.3.1.3: a path of 256 octets, less the angle brackets
MAX_LOCAL_LENGTH = 64


def _ascii_domain(domain):
    """The domain in lower-case ASCII (IDNA for non-ASCII labels), or None when it cannot be one."""
    try:
        return domain.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None


def email_problem(value):
    """Why value is not a usable email address, or None when it is one."""
    if not isinstance(value, str) or not value.strip():
        return "missing"
    address = value.strip()
    if address.count("@") != 1:
        return "not one @"
    local, domain = address.split("@")
    if not local or len(local) > MAX_LOCAL_LENGTH:
        return "local part empty or longer than %d characters" % MAX_LOCAL_LENGTH
    if not _LOCAL.match(local):
        return "local part is not a dot-atom (allowed: letters, digits, !#$%&'*+/=?^_`{|}~- and single inner dots)"
    if domain.endswith("."):
        return "domain ends with a dot"
    ascii_domain = _ascii_domain(domain)
    if ascii_domain is None:
        return "domain is not a valid internationalized domain name"
    labels = ascii_domain.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        return "domain needs two or more labels of letters, digits and inner hyphens"
    if len(local) + 1 + len(ascii_domain) > MAX_LENGTH:
        return "longer than %d characters" % MAX_LENGTH
    return None


def is_valid_email(value):
    return email_problem(value) is None


def normalize_email(value):
    """The form emails are compared in: trimmed, lower-cased, the domain in ASCII (IDNA) form."""
    address = value.strip()
    local, sep, domain = address.rpartition("@")
    if not sep:
        return address.lower()
    return "%s@%s" % (local.lower(), _ascii_domain(domain) or domain.lower())


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
    # a member is in many groups: check and normalize each one once ((email or None, reason or None))
    resolved = {}
    for group in sorted(flat_groups):
        emails = set()
        for member in sorted(set(flat_groups[group] or ())):
            if member not in resolved:
                email = email_of(member, users)
                if email is None:
                    resolved[member] = (None, "no email")
                elif not is_valid_email(email):
                    resolved[member] = (None, "invalid email %s" % email)
                else:
                    resolved[member] = (normalize_email(email), None)
            email, reason = resolved[member]
            if reason:
                problems.append({"group": group, "member": member, "reason": reason})
            else:
                emails.add(email)
        wanted[group] = emails
    return wanted, problems

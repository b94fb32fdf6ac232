# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The member export of an authentication policy, with the columns of the admin UI's CSV export.

The admin UI mails a download link; the collection builds the same table from the UI-internal member
listing (``cloud.auth_policy.members``) and the policy's settings, and writes it directly.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import csv
import io

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._auth_policy import settings as policy_settings

COLUMNS = (
    "Name",
    "Email",
    "Last active",
    "Status",
    "Billable",
    "Policy name",
    "Policy type",
    "SAML single sign-on",
    "Two-step verification",
    "Password requirements",
    "Idle session duration",
    "Products",
)
_TYPE_LABELS = {"billable": "Billable", "non-billable": "Non-billable"}


def _yes_no(value):
    return "Yes" if value else "No"


def password_text(api_settings):
    """'Strong, expires after 90 days' / 'Fair, never expires' / 'Managed by identity provider'."""
    password = (api_settings or {}).get("password")
    if password is None:
        return "Managed by identity provider"
    strength = (password.get("minimumStrength") or "").replace("_", " ").capitalize()
    expiry = password.get("expiryDays")
    return "%s, %s" % (strength, "expires after %d days" % expiry if expiry else "never expires")


def rows(policy, members):
    """One dict per member, keyed by COLUMNS."""
    api_settings = policy.get("settings") or {}
    idle = api_settings.get("idleSessionMinutes")
    idle_text = policy_settings.format_duration(idle) if isinstance(idle, int) else (idle or "")
    two_step_policy = api_settings.get("twoStepVerification")
    for member in members:
        products = member.get("products") or []
        two_step = member.get("twoStepEnabled")
        if two_step is None:
            two_step = two_step_policy == "required"
        yield {
            "Name": member.get("name") or "",
            "Email": member.get("email") or "",
            "Last active": member.get("lastActive") or "Never",
            "Status": (member.get("status") or "").capitalize(),
            "Billable": _yes_no(member.get("billable")),
            "Policy name": policy.get("name") or "",
            "Policy type": _TYPE_LABELS.get(policy.get("type"), policy.get("type") or ""),
            "SAML single sign-on": _yes_no(member.get("samlSso")),
            "Two-step verification": _yes_no(two_step),
            "Password requirements": password_text(api_settings),
            "Idle session duration": idle_text,
            "Products": "; ".join(
                "%s (%s)" % (p.get("name"), p.get("site")) if p.get("site") else str(p.get("name"))
                for p in products if isinstance(p, dict)),
        }


def to_csv(table):
    """CSV text (header + rows, RFC 4180 quoting, \\r\\n line ends as spreadsheet tools expect)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in table:
        writer.writerow(row)
    return buffer.getvalue()

# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""After the Migration Assistant: does every user of the external directory have a cloud account, matched by email?

The directory sync to the cloud matches users by email (case-insensitively, as the cloud does). A user the
Migration Assistant did not migrate has no account to match, and the sync would leave them out of every group (or
an identity provider would create a new, empty account). The check reads the cloud directory with the
organizations API's users search (``emails``, 100 a request) and names who is missing, before the sync runs.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._groups.access import resolve_directory
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._groups_sync.identity import (
    email_problem,
    normalize_email,
)

PAGE_SIZE = 100


def match_accounts(client, org_id, directory_id, emails):
    """{matched, missing, inactive, invalid, directory_id} for `emails` (any case, duplicates allowed)."""
    invalid = sorted(set(e for e in emails if email_problem(e)))
    wanted = sorted(set(normalize_email(e) for e in emails if not email_problem(e)))
    directory_id = resolve_directory(client, org_id, directory_id)
    path = {"org_id": org_id, "directory_id": directory_id}
    found, inactive = set(), set()
    for start in range(0, len(wanted), PAGE_SIZE):
        body = {"emails": wanted[start:start + PAGE_SIZE], "limit": PAGE_SIZE}
        for user in client.paginate_cursor("cloud.users.search", path, json=body):
            if not user.get("email"):
                continue
            email = normalize_email(user["email"])
            found.add(email)
            if (user.get("accountStatus") or "active") != "active":
                inactive.add(email)
    return {"directory_id": directory_id, "matched": len(found & set(wanted)),
            "missing": sorted(set(wanted) - found), "inactive": sorted(inactive & set(wanted)), "invalid": invalid}

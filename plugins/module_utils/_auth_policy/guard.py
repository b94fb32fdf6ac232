# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What needs Atlassian Guard Standard, and how a refusal is explained.

Atlassian documents that SCIM user provisioning, SAML single sign-on, authentication policies beyond the default
one, and the policies' SSO, two-step verification and API-token settings need an Atlassian Guard Standard
subscription. No public API shows an organization's subscriptions: the organizations API reads orgs, domains,
directories, users, groups and workspaces, not plans, so the collection cannot check the subscription before it
acts. What it can do is explain a refusal: when the product answers 401, 402 or 403 to an operation that needs
Guard, the error names what is needed (Guard Standard for that feature, and where to check the subscription)
instead of the bare HTTP status. The admin UI's policy list carries the subscription flag (UI-internal
``meta.guardStandard``), which auth_policy already reads to refuse a setting before any write.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# 401 only where the key itself is what Guard provides (a SCIM directory exists only with Guard); elsewhere 401 is a
# wrong key and says so already.
REFUSED = (402, 403)
WHERE = "admin.atlassian.com > Billing (no public API shows the organization's subscriptions)"


def hint(error, feature, key_statuses=()):
    """What is needed, when `error` (an ApiError) is a refusal of an operation that needs Guard; else None."""
    status = getattr(error, "status", None)
    if status not in REFUSED + tuple(key_statuses):
        return None
    wrong_key = ", or the key is wrong or revoked" if status in key_statuses else ""
    return ("%s needs Atlassian Guard Standard: the refusal means the organization has no Guard Standard "
            "subscription or the API key may not do this%s (check %s)" % (feature, wrong_key, WHERE))

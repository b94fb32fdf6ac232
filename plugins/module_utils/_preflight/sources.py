# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Users and groups of one Data Center instance, from its REST API or from CSV exports.

REST (through the contract table):
- Jira: ``jira.users`` (``username=.`` lists everyone, ``includeInactive``), ``jira.groups`` (the group picker,
  bounded by ``maxResults``), ``jira.group_members`` per group (``startAt``/``isLast`` pages).
- Confluence: ``confluence.groups`` and ``confluence.group_members`` per group (``start``/``limit`` pages with
  ``_links.next``). Confluence has no public list of all users before 8.4, so its users are the members of its
  groups; emails are in the member objects only when the caller is a Confluence administrator.

CSV: ``users_csv`` with a header naming ``username`` and ``email`` (optionally ``display_name``, ``active``) and
``memberships_csv`` with ``group`` and ``username`` columns, one membership a row.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import csv

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.errors import CollectionError

USER_COLUMNS = {
    "username": ("username", "user_name", "user name", "name", "login"),
    "email": ("email", "email_address", "email address", "emailaddress", "mail"),
    "display_name": ("display_name", "display name", "displayname", "full_name", "full name"),
    "active": ("active", "enabled"),
}
MEMBERSHIP_COLUMNS = {"group": ("group", "group_name", "group name", "groupname"), "username": USER_COLUMNS["username"]}
JIRA_USER_PAGE = 1000
JIRA_MEMBER_PAGE = 50
CONFLUENCE_PAGE = 200


class SourceError(CollectionError):
    """The source cannot be read as described (a missing column, a bad file)."""


class Instance:
    """One DC instance's users ({username: {"email", "display_name", "active"}}) and groups ({name: set})."""

    def __init__(self, name, product):
        self.name = name
        self.product = product
        self.users = {}
        self.groups = {}
        self.warnings = []
        # whether `users` is every user of the instance, not only the members of its groups
        self.users_listed = False

    def add_user(self, username, email=None, display_name=None, active=True):
        user = self.users.setdefault(username, {"email": None, "display_name": None, "active": True})
        if email:
            user["email"] = email.strip()
        if display_name:
            user["display_name"] = display_name
        user["active"] = bool(active)
        return user


def read_jira(client, name, group_limit=10000):
    instance = Instance(name, "jira")
    instance.users_listed = True
    params = {"username": ".", "includeActive": "true", "includeInactive": "true"}
    for user in client.paginate_offset("jira.users", params=params, style="jira", page_size=JIRA_USER_PAGE):
        instance.add_user(user["name"], user.get("emailAddress"), user.get("displayName"), user.get("active", True))
    picker = client.call("jira.groups", params={"maxResults": group_limit}).json()
    groups = [g["name"] for g in picker.get("groups") or []]
    if int(picker.get("total", len(groups))) > len(groups):
        instance.warnings.append("%s: the group picker listed %d of %d groups; raise group_limit to read them all"
                                 % (name, len(groups), int(picker["total"])))
    for group in groups:
        members = instance.groups.setdefault(group, set())
        params = {"groupname": group, "includeInactiveUsers": "true"}
        for user in client.paginate_offset("jira.group_members", params=params, style="jira",
                                           page_size=JIRA_MEMBER_PAGE):
            members.add(user["name"])
            if user["name"] not in instance.users:
                instance.add_user(user["name"], user.get("emailAddress"), user.get("displayName"),
                                  user.get("active", True))
    return instance


def read_confluence(client, name):
    instance = Instance(name, "confluence")
    saw_email_field = False
    for group in client.paginate_offset("confluence.groups", style="confluence", page_size=CONFLUENCE_PAGE):
        members = instance.groups.setdefault(group["name"], set())
        for user in client.paginate_offset("confluence.group_members", path_params={"group_name": group["name"]},
                                           style="confluence", page_size=CONFLUENCE_PAGE):
            username = user.get("username")
            if not username:
                continue
            saw_email_field = saw_email_field or "email" in user
            members.add(username)
            instance.add_user(username, user.get("email"), user.get("displayName"))
    if instance.users and not saw_email_field:
        instance.warnings.append("%s: Confluence returned no email fields; it shows emails to administrators only, "
                                 "so connect as a Confluence administrator" % name)
    return instance


def _columns(header, wanted):
    folded = dict((h.strip().casefold(), h) for h in header or [])
    found = {}
    for key, aliases in wanted.items():
        for alias in aliases:
            if alias in folded:
                found[key] = folded[alias]
                break
    return found


def _require(found, keys, path):
    missing = [k for k in keys if k not in found]
    if missing:
        raise SourceError("%s has no %s column (the header must name %s)"
                          % (path, " or ".join(missing), ", ".join(missing)))


def _truthy(value):
    return str(value).strip().casefold() not in ("false", "no", "0", "inactive", "disabled")


def _csv_rows(path, wanted, required):
    """The rows of a CSV export as ``{key: value}`` for the `wanted` columns found in its header (the aliases of
    each key, case-folded); a header without the `required` keys is a SourceError."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        columns = _columns(reader.fieldnames, wanted)
        _require(columns, required, path)
        for row in reader:
            yield dict((key, row.get(column)) for key, column in columns.items())


def read_csv(name, product, users_csv, memberships_csv=None):
    instance = Instance(name, product)
    try:
        for row in _csv_rows(users_csv, USER_COLUMNS, ("username", "email")):
            username = (row["username"] or "").strip()
            if not username:
                continue
            active = _truthy(row["active"]) if "active" in row else True
            instance.add_user(username, row["email"], row.get("display_name"), active)
        # every user is listed; who is in no group is known only with the memberships
        instance.users_listed = bool(memberships_csv)
        if memberships_csv:
            for row in _csv_rows(memberships_csv, MEMBERSHIP_COLUMNS, ("group", "username")):
                group = (row["group"] or "").strip()
                username = (row["username"] or "").strip()
                if group and username:
                    instance.groups.setdefault(group, set()).add(username)
                    if username not in instance.users:
                        instance.add_user(username)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SourceError("cannot read the CSV export of %s: %s" % (name, exc))
    return instance

# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The two cloud group stores a sync can write to, behind one small interface.

- ``ScimTarget``: the user provisioning directory (SCIM 2.0, ``/scim/directory/{directoryId}``, directory API
  key). Reads are list pages of 100; writes are one PATCH per batch of members.
- ``OrgGroupsTarget``: the organizations API v2 (``/admin/v2/orgs/{orgId}/directories/{directoryId}/groups``,
  organization API key). Reads are cursor pages of 100; the API adds and removes one member per call.

Both read everything they need in pages (never one GET per user) and count their write calls.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._groups_sync.identity import normalize_email

SCIM_CONTENT_TYPE = "application/scim+json"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
PAGE_SIZE = 100


class CloudGroup:
    """A cloud group: id, name, member ids, and whether this sync manages it (carries the marker)."""

    def __init__(self, group_id, name, members, managed, read_only_reason=None):
        self.id = group_id
        self.name = name
        self.members = set(members)
        self.managed = managed
        self.read_only_reason = read_only_reason


class ScimTarget:
    kind = "scim"

    def __init__(self, client, directory_id, marker):
        self.client = client
        self.path = {"directory_id": directory_id}
        self.marker = marker
        self.emails = {}  # member id -> email, for reports
        self.writes = 0

    def user_ids(self, wanted_emails):
        """{normalized email: SCIM user id} for the wanted emails, from the full user list (100 a page)."""
        found = {}
        for user in self.client.paginate_scim("scim.users", self.path, count=PAGE_SIZE):
            addresses = [user.get("userName") or ""] + [e.get("value") or "" for e in user.get("emails") or []]
            for address in addresses:
                if "@" in address:
                    email = normalize_email(address)
                    self.emails.setdefault(user["id"], email)
                    if email in wanted_emails:
                        found.setdefault(email, user["id"])
        return found

    def groups(self, names):
        """{folded name: CloudGroup} of every group of the directory (pages of 100 are fewer calls than one
        filtered read per wanted name), members included. `names` is accepted for the common interface."""
        result = {}
        for item in self.client.paginate_scim("scim.groups", self.path, count=PAGE_SIZE):
            group = self._group(item)
            result[group.name.casefold()] = group
        return result

    def _group(self, item):
        members = set()
        for member in item.get("members") or []:
            members.add(member["value"])
            if member.get("display"):
                self.emails.setdefault(member["value"], normalize_email(member["display"]))
        return CloudGroup(item["id"], item["displayName"], members, item.get("externalId") == self.marker)

    def _send(self, operation, path_params, body, allow=()):
        self.writes += 1
        return self.client.call(operation, path_params, content=json.dumps(body).encode("utf-8"),
                                headers={"Content-Type": SCIM_CONTENT_TYPE}, allow=allow)

    def create_group(self, name):
        """Create a group carrying the marker (``externalId``). A 409 means an earlier run created it and lost
        the answer: the existing group is looked up and used."""
        body = {"schemas": [GROUP_SCHEMA], "displayName": name, "externalId": self.marker}
        response = self._send("scim.groups.create", self.path, body, allow=(409,))
        if response.status_code != 409:
            return self._group(response.json())
        for item in self.client.paginate_scim("scim.groups", self.path,
                                              params={"filter": 'displayName eq "%s"' % name.replace('"', '\\"')}):
            return self._group(item)
        raise LookupError("the directory answered 409 for group %s but does not list it" % name)

    def add(self, group, member_ids):
        value = [{"value": i, "display": self.emails.get(i, i)} for i in member_ids]
        self._patch(group, {"op": "add", "path": "members", "value": value})

    def remove(self, group, member_ids):
        # RFC 7644 section 3.5.2.2 form with a value list: one operation removes a whole batch.
        self._patch(group, {"op": "remove", "path": "members", "value": [{"value": i} for i in member_ids]})

    def _patch(self, group, operation):
        body = {"schemas": [PATCH_SCHEMA], "Operations": [operation]}
        self._send("scim.groups.patch", dict(self.path, group_id=group.id), body)


class OrgGroupsTarget:
    kind = "groups_api"

    def __init__(self, client, org_id, directory_id, marker):
        self.client = client
        self.path = {"org_id": org_id, "directory_id": directory_id}
        self.marker = marker
        self.emails = {}
        self.writes = 0

    def user_ids(self, wanted_emails):
        """{normalized email: account id}, searching the directory for the wanted emails, 100 at a time."""
        found = {}
        wanted = sorted(wanted_emails)
        for start in range(0, len(wanted), PAGE_SIZE):
            body = {"emails": wanted[start:start + PAGE_SIZE], "limit": PAGE_SIZE}
            for user in self.client.paginate_cursor("cloud.users.search", self.path, json=body):
                if user.get("email"):
                    email = normalize_email(user["email"])
                    self.emails.setdefault(user["accountId"], email)
                    found.setdefault(email, user["accountId"])
        return found

    def groups(self, names):
        """{folded name: CloudGroup} for the named groups, members included."""
        result = {}
        wanted = sorted(names)
        for start in range(0, len(wanted), PAGE_SIZE):
            body = {"limit": PAGE_SIZE, "groupNames": wanted[start:start + PAGE_SIZE]}
            for item in self.client.paginate_cursor("cloud.groups.search", self.path, json=body):
                group = self._group(item, self._members(item["id"]))
                result[group.name.casefold()] = group
        return result

    def _members(self, group_id):
        members = set()
        body = {"groupIds": [group_id], "limit": PAGE_SIZE}
        for user in self.client.paginate_cursor("cloud.users.search", self.path, json=body):
            members.add(user["accountId"])
            if user.get("email"):
                self.emails.setdefault(user["accountId"], normalize_email(user["email"]))
        return members

    def _group(self, item, members):
        read_only = None
        if item.get("externalSynced"):
            read_only = ("it is synced from an identity provider; the organizations API cannot change its members "
                         "(use target=scim with the provisioning directory)")
        return CloudGroup(item["id"], item["name"], members, item.get("description") == self.marker, read_only)

    def create_group(self, name):
        self.writes += 1
        response = self.client.call("cloud.groups.create", self.path,
                                    json={"name": name, "description": self.marker}, allow=(409,))
        if response.status_code != 409:
            return self._group(response.json(), ())
        existing = self.groups([name]).get(name.casefold())
        if existing is None:
            raise LookupError("the organization answered 409 for group %s but does not list it" % name)
        return existing

    def add(self, group, member_ids):
        for account_id in member_ids:
            self.writes += 1
            self.client.call("cloud.groups.add_member", dict(self.path, group_id=group.id),
                             json={"accountId": account_id})

    def remove(self, group, member_ids):
        for account_id in member_ids:
            self.writes += 1
            # 404: already gone (an earlier run removed it and lost the answer); the goal is reached.
            self.client.call("cloud.groups.remove_member", dict(self.path, group_id=group.id,
                                                                account_id=account_id), allow=(404,))

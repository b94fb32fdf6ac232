# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Product access (app roles) of cloud groups, through the organizations API's group role assignments.

The Migration Assistant migrates product access but does not apply it to groups until an admin confirms,
because every user with access to an app counts toward that app's subscription. This module is the
declarative form of that confirmation:

- what a group holds is read from ``GET .../groups/{groupId}/role-assignments`` (one item per resource with
  its ``roles``), so a rerun sends nothing;
- who starts counting is computed before anything is written: for each app (resource) that gains a grant,
  the members of the groups gaining it who have no access to that app yet (the users search filtered by
  ``resourceIds``). The same numbers come out of check mode and of the real run;
- who will still have no product access at all: the directory's users whose ``productAccess`` (users search,
  ``expand``) is empty and who gain nothing from this run. Users the answer gives no ``productAccess`` for
  are counted as unknown, never as without access;
- revoking a grant removes the access this group gave; members keep the access another group gives them,
  so no one is counted as leaving the subscription.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.client import ApiError
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.errors import CollectionError
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._groups_sync.identity import normalize_email

PAGE_SIZE = 100
# The roleId values the organizations API reference lists for group role assignments.
ROLE_IDS = ("atlassian/user", "atlassian/user-access-admin", "atlassian/admin", "atlassian/guest",
            "atlassian/contributor", "atlassian/customer", "atlassian/basic", "atlassian/stakeholder",
            "atlassian/viewer")
DEFAULT_ROLE = "atlassian/user"
ARI_PREFIX = "ari:cloud:"


class AccessError(CollectionError):
    """A grant that cannot be planned: an unknown group, a resource that is not an ARI, an ambiguous directory,
    or a change that would exceed the billing limit the user set."""


def _grant_key(grant):
    return (grant["group"].casefold(), grant["resource_id"], grant["role"])


def validate_grants(grants):
    """The grants with their defaults, one per (group, resource, role); a bad entry raises AccessError."""
    result = {}
    for index, grant in enumerate(grants):
        group = (grant.get("group") or "").strip()
        resource = (grant.get("resource_id") or "").strip()
        if not group:
            raise AccessError("access[%d] names no group" % index)
        if not resource.startswith(ARI_PREFIX):
            raise AccessError("access[%d] resource_id %r is not an Atlassian resource identifier; expected "
                              "ari:cloud:<product>::site/<site id> as the workspaces API lists it" % (index, resource))
        role = grant.get("role") or DEFAULT_ROLE
        if role not in ROLE_IDS:
            raise AccessError("access[%d] role %r is not one of %s" % (index, role, ", ".join(ROLE_IDS)))
        entry = {"group": group, "resource_id": resource, "role": role, "state": grant.get("state") or "present"}
        previous = result.get(_grant_key(entry))
        if previous is not None and previous["state"] != entry["state"]:
            raise AccessError("access lists %s %s on %s both present and absent" % (group, role, resource))
        result[_grant_key(entry)] = entry
    return list(result.values())


def resolve_directory(client, org_id, directory_id):
    if directory_id:
        return directory_id
    directories = [d.get("directoryId") or d.get("id")
                   for d in client.paginate_cursor("cloud.directories", {"org_id": org_id}, params={"limit": PAGE_SIZE})]
    if len(directories) != 1:
        raise AccessError("organization %s has %d directories (%s); set directory_id to the one holding the groups"
                          % (org_id, len(directories), ", ".join(str(d) for d in directories)))
    return directories[0]


class Directory:
    """The reads of one directory the plan needs, each done once."""

    def __init__(self, client, org_id, directory_id):
        self.client = client
        self.path = {"org_id": org_id, "directory_id": directory_id}
        self.emails = {}

    def _users(self, body):
        for user in self.client.paginate_cursor("cloud.users.search", self.path, json=dict(body, limit=PAGE_SIZE)):
            if user.get("email"):
                self.emails.setdefault(user["accountId"], normalize_email(user["email"]))
            yield user

    def groups(self, names):
        """{folded name: (id, name)} of the named groups that exist."""
        found = {}
        wanted = sorted(set(names))
        for start in range(0, len(wanted), PAGE_SIZE):
            body = {"limit": PAGE_SIZE, "groupNames": wanted[start:start + PAGE_SIZE]}
            for item in self.client.paginate_cursor("cloud.groups.search", self.path, json=body):
                found[item["name"].casefold()] = (item["id"], item["name"])
        return found

    def grants(self, group_id):
        """{(resource id, role id)} the group holds."""
        held = set()
        path = dict(self.path, group_id=group_id)
        for item in self.client.paginate_cursor("cloud.groups.role_assignments", path, params={"limit": PAGE_SIZE}):
            for role in item.get("roles") or []:
                held.add((item.get("resourceId"), role))
        return held

    def members(self, group_id):
        return set(u["accountId"] for u in self._users({"groupIds": [group_id]}))

    def with_access(self, resource_id):
        return set(u["accountId"] for u in self._users({"resourceIds": [resource_id]}))

    def without_access(self):
        """(account ids with no product access, number of users whose access the answer does not show)."""
        none, unknown = set(), 0
        for user in self._users({"expand": ["productAccess"]}):
            access = user.get("productAccess")
            if access is None:
                unknown += 1
            elif not access:
                none.add(user["accountId"])
        return none, unknown


def _label(grant):
    return "%s %s" % (grant[0], grant[1])


def plan_and_apply(client, org_id, directory_id, grants, check_mode, max_new_billable=None, report_no_access=True):
    """Reconcile `grants` (validated) and return the result; in check mode nothing is written."""
    directory_id = resolve_directory(client, org_id, directory_id)
    directory = Directory(client, org_id, directory_id)
    groups = directory.groups([g["group"] for g in grants])
    missing = sorted(set(g["group"] for g in grants if g["group"].casefold() not in groups))
    if missing:
        raise AccessError("group(s) not found in directory %s: %s" % (directory_id, ", ".join(missing)))

    held, to_assign, to_revoke = _grant_changes(directory, groups, grants)
    billing, gaining = _billing(directory, to_assign)
    starting_total = sum(b["count"] for b in billing.values())

    result = {"directory_id": directory_id,
              "assigned": [e for _g, e in to_assign], "revoked": [e for _g, e in to_revoke],
              "billing": billing,
              "summary": {"grants_assigned": len(to_assign), "grants_revoked": len(to_revoke),
                          "users_starting_to_count": starting_total,
                          "users_starting_to_count_by_app": dict((r, b["count"]) for r, b in billing.items())}}
    if report_no_access:
        none, unknown = directory.without_access()
        gained = set().union(*gaining.values()) if gaining else set()
        result["without_product_access"] = sorted(directory.emails.get(a, a) for a in none - gained)
        result["summary"]["product_access_unknown"] = unknown

    if max_new_billable is not None and starting_total > max_new_billable:
        raise AccessError("the change would make %d user(s) start counting toward the subscription (%s), more than "
                          "max_new_billable_users %d; review result billing, then raise the limit to confirm"
                          % (starting_total, ", ".join("%s: %d" % (r, b["count"]) for r, b in billing.items()),
                             max_new_billable), **result)

    result["changed"] = bool(to_assign or to_revoke)
    result["diff"] = _grants_diff(groups, held, to_assign, to_revoke)
    if not check_mode:
        _apply_grants(client, directory, to_assign, to_revoke, result)
    return result


def _grant_changes(directory, groups, grants):
    """(grants each group holds now, [(group id, grant to assign)], [(group id, grant to revoke)])."""
    held = {}
    to_assign, to_revoke = [], []
    for grant in grants:
        group_id, name = groups[grant["group"].casefold()]
        if group_id not in held:
            held[group_id] = directory.grants(group_id)
        key = (grant["resource_id"], grant["role"])
        entry = {"group": name, "resource_id": grant["resource_id"], "role": grant["role"]}
        if grant["state"] == "present" and key not in held[group_id]:
            to_assign.append((group_id, entry))
        elif grant["state"] == "absent" and key in held[group_id]:
            to_revoke.append((group_id, entry))
    return held, to_assign, to_revoke


def _billing(directory, to_assign):
    """(per app: who starts counting, per app: every member of the groups gaining a grant on it).

    Who starts counting, per app: members of the groups gaining a grant on it who have no access to it yet.
    """
    members = {}
    gaining = {}
    for group_id, entry in to_assign:
        if group_id not in members:
            members[group_id] = directory.members(group_id)
        gaining.setdefault(entry["resource_id"], set()).update(members[group_id])
    billing = {}
    for resource_id in sorted(gaining):
        starting = gaining[resource_id] - directory.with_access(resource_id)
        billing[resource_id] = {"count": len(starting),
                                "users": sorted(directory.emails.get(a, a) for a in starting)}
    return billing, gaining


def _grants_diff(groups, held, to_assign, to_revoke):
    """Before and after, per changed group, as "resource role" labels."""
    before, after = {}, {}
    for group_id, name in groups.values():
        if group_id in held and any(g == group_id for g, _e in to_assign + to_revoke):
            current = set(held[group_id])
            before[name] = sorted(_label(k) for k in current)
            current.update((e["resource_id"], e["role"]) for g, e in to_assign if g == group_id)
            current.difference_update((e["resource_id"], e["role"]) for g, e in to_revoke if g == group_id)
            after[name] = sorted(_label(k) for k in current)
    return {"before": before, "after": after}


def _apply_grants(client, directory, to_assign, to_revoke, result):
    """Write the planned grants; a failure reports what was written before it."""
    done = {"assigned": [], "revoked": []}
    for operation, changes, kind, verb in (("cloud.groups.role_assignments.assign", to_assign, "assigned", "assign"),
                                           ("cloud.groups.role_assignments.revoke", to_revoke, "revoked", "revoke")):
        for group_id, entry in changes:
            try:
                client.call(operation, dict(directory.path, group_id=group_id),
                            json={"resourceId": entry["resource_id"], "roleId": entry["role"]})
            except ApiError as exc:
                # What was written stays reported; a rerun reads it back and sends only the rest.
                raise AccessError("cannot %s %s on %s for group %s: %s"
                                  % (verb, entry["role"], entry["resource_id"], entry["group"], exc),
                                  done=done, **result)
            done[kind].append(entry)

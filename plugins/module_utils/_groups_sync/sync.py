# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Make cloud groups match a flattened source: create missing groups, add and remove members in batches.

Entry point: ``sync_to_cloud(client, flat_groups, target_kind, prune, managed_marker, check_mode, ...)``.

Which members may be removed (without ``prune``): the sync marks every group it creates (SCIM ``externalId``,
organizations API ``description``) with ``managed_marker``. A marked group belongs to the sync: members the
source no longer has are removed from it. An unmarked group (it existed before, someone else owns it) only
gets additions; its other members are reported as ``kept`` and removed only with ``prune=True``.

Matching: cloud accounts are identified by email, so every flat member is resolved to an email and looked up in
the cloud directory. Members without a cloud account are reported, not created: user provisioning is not this
sync's job.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.client import ApiError
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._groups_sync.plan import plan_sync
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._groups_sync.identity import resolve_members
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._groups_sync.targets import (
    OrgGroupsTarget,
    ScimTarget,
)
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.errors import CollectionError

DEFAULT_MARKER = "Managed by dcops.atlassian_cloud group sync"
TARGET_KINDS = ("scim", "groups_api")
DEFAULT_BATCH_SIZE = 100
# A sync that would remove more than this share of a group's current members stops unless confirmed: a source
# that lost a nested group (a typo, an LDAP outage answering an empty group) must not empty the cloud group.
DEFAULT_MAX_REMOVAL_SHARE = 0.5


class RemovalsNotConfirmed(CollectionError):
    """The plan removes more than the allowed share of some group's members; nothing was written."""


def check_removals(target, plan, current, max_share, confirmed):
    """Raise RemovalsNotConfirmed, listing the members, when the plan removes more than `max_share` of a
    group's current members and the user has not confirmed."""
    if confirmed:
        return
    over = {}
    for name, members in sorted(plan.remove.items()):
        total = len(current.get(name, ()))
        if members and total and len(members) > max_share * total:
            over[name] = (len(members), total, _emails(target, members))
    if over:
        listing = "; ".join("%s: %d of %d (%s%s)" % (name, count, total, ", ".join(emails[:20]),
                                                     ", ..." if len(emails) > 20 else "")
                            for name, (count, total, emails) in over.items())
        raise RemovalsNotConfirmed(
            "The sync would remove more than %d%% of the members of %d group(s): %s. Nothing was changed. Check the "
            "source (a misspelt or unreachable nested group empties a group); set confirm_removals=true to remove "
            "them, or raise max_removal_share." % (round(max_share * 100), len(over), listing),
            changed=False, removals_over_limit=dict((name, emails) for name, (_c, _t, emails) in over.items()))


class SyncFailed(CollectionError):
    """A write failed part-way. `result` holds what was done before it; a rerun continues from there."""

    def __init__(self, message, result, error=None):
        super(SyncFailed, self).__init__(message)
        self.result = result
        self.error = error


def make_target(client, target_kind, managed_marker, directory_id, org_id=None):
    if target_kind == "scim":
        return ScimTarget(client, directory_id, managed_marker)
    if target_kind == "groups_api":
        if not org_id:
            raise ValueError("target groups_api needs the organization id")
        return OrgGroupsTarget(client, org_id, directory_id, managed_marker)
    raise ValueError("target must be one of %s, got %r" % (", ".join(TARGET_KINDS), target_kind))


def _emails(target, ids):
    return sorted(target.emails.get(i, i) for i in ids)


def _membership_diff(target, plan, current):
    """{"before": {group: emails}, "after": {group: emails}} of the groups the plan changes; a group to be created
    has no "before" entry."""
    before, after = {}, {}
    for name in sorted(set(plan.create_groups) | set(plan.add) | set(plan.remove)):
        members = set(current.get(name, ()))
        if name in current:
            before[name] = _emails(target, members)
        after[name] = _emails(target, (members | set(plan.add.get(name, ()))) - set(plan.remove.get(name, ())))
    return {"before": before, "after": after}


def sync_to_cloud(client, flat_groups, target_kind, prune=False, managed_marker=DEFAULT_MARKER, check_mode=False,
                  users=None, directory_id=None, org_id=None, batch_size=DEFAULT_BATCH_SIZE, diff=False,
                  max_removal_share=DEFAULT_MAX_REMOVAL_SHARE, confirm_removals=False):
    """Sync `flat_groups` ({group: [members]}) to the cloud and return the result dict.

    `users` maps members to emails ({name: email} or {name: {"email": ...}}, as group_flatten returns them);
    members that are emails need no entry. `client` is an ApiClient for the target's API (SCIM: directory API
    key; groups_api: organization API key). With `diff`, the result has ``diff`` with the members (emails) of every
    changed group before and after. Raises SyncFailed when a write fails part-way, ApiError when a read
    fails, ValueError on bad arguments, RemovalsNotConfirmed (before any write, in check mode too) when the plan
    removes more than `max_removal_share` of a group's members without `confirm_removals`.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1, got %r" % batch_size)
    if not 0 <= max_removal_share <= 1:
        raise ValueError("max_removal_share must be from 0 to 1, got %r" % max_removal_share)
    target = make_target(client, target_kind, managed_marker, directory_id, org_id)
    wanted, unusable = resolve_members(flat_groups, users)
    all_emails = set()
    for emails in wanted.values():
        all_emails.update(emails)
    ids = target.user_ids(all_emails)
    state = _cloud_state(flat_groups, wanted, ids, target.groups(sorted(flat_groups)))

    plan = plan_sync(state.desired, state.current, managed=state.managed, prune=prune)
    check_removals(target, plan, state.current, max_removal_share, confirm_removals)
    result = {
        "changed": not plan.empty,
        "target": target.kind,
        "groups_created": [],
        "added": {},
        "removed": {},
        "kept": {} if prune else _kept(target, plan, state),
        "missing_in_cloud": sorted(all_emails - set(ids)),
        "unusable_members": unusable,
        "skipped_groups": state.skipped,
        "warnings": state.warnings,
        "summary": dict(plan.counts(), write_calls=0, http_requests=0),
    }
    if diff:
        result["diff"] = _membership_diff(target, plan, state.current)
    if check_mode or plan.empty:
        result["groups_created"] = list(plan.create_groups)
        result["added"] = dict((g, _emails(target, m)) for g, m in plan.add.items())
        result["removed"] = dict((g, _emails(target, m)) for g, m in plan.remove.items())
        result["summary"]["http_requests"] = client.calls
        return result
    _apply(client, target, plan, state.cloud_by_name, batch_size, result)
    return result


class _CloudState:
    """What the sync wants per cloud group name, and what the cloud holds now."""

    def __init__(self):
        self.desired, self.current, self.managed, self.cloud_by_name = {}, {}, {}, {}
        self.skipped, self.warnings = [], []


def _cloud_state(flat_groups, wanted, ids, cloud_groups):
    """Match source groups to cloud groups (case-insensitively); read-only cloud groups are skipped."""
    state = _CloudState()
    desired = state.desired
    for group in sorted(flat_groups):
        cloud = cloud_groups.get(group.casefold())
        if cloud is not None and cloud.read_only_reason:
            state.skipped.append({"group": group, "reason": cloud.read_only_reason})
            continue
        name = cloud.name if cloud is not None else group
        if name in desired or any(n.casefold() == name.casefold() for n in desired):
            state.warnings.append("source groups differing only in case map to one cloud group %s; their members "
                                  "are merged" % name)
            name = next(n for n in desired if n.casefold() == name.casefold())
        desired.setdefault(name, set()).update(ids[e] for e in wanted[group] if e in ids)
        if cloud is not None:
            state.cloud_by_name[name] = cloud
            state.current[name] = cloud.members
            if cloud.managed:
                state.managed[name] = cloud.members
    return state


def _kept(target, plan, state):
    """{group: emails}: members of a cloud group the source does not have and the plan does not remove."""
    kept = {}
    for name, members in state.current.items():
        extra = set(members) - state.desired[name] - set(plan.remove.get(name, ()))
        if extra:
            kept[name] = _emails(target, extra)
    return kept


def _apply(client, target, plan, cloud_by_name, batch_size, result):
    """Write the plan in batches, recording each write in `result`; SyncFailed when one fails part-way."""
    try:
        for name in plan.create_groups:
            cloud_by_name[name] = target.create_group(name)
            result["groups_created"].append(name)
        for name, op, members in plan.batches(batch_size):
            group = cloud_by_name[name]
            if op == "add":
                target.add(group, members)
            else:
                target.remove(group, members)
            result["added" if op == "add" else "removed"].setdefault(name, []).extend(_emails(target, members))
    except (ApiError, LookupError) as exc:
        result["summary"].update(write_calls=target.writes, http_requests=client.calls)
        result["changed"] = bool(result["groups_created"] or result["added"] or result["removed"])
        raise SyncFailed("Sync to the %s target stopped part-way: %s. What was written is in the result; a rerun "
                         "continues from the cloud's current state." % (target.kind, exc), result, exc)
    for changes in (result["added"], result["removed"]):
        for name in changes:
            changes[name] = sorted(changes[name])
    result["summary"].update(write_calls=target.writes, http_requests=client.calls)

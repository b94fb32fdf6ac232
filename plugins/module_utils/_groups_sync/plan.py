# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The sync plan: what to write so a cloud directory matches a flattened source.

Pure: (flat source, current cloud groups, memberships this collection manages) -> groups to create,
memberships to add, memberships to remove. Writes are proportional to the differences, and a plan
computed after it was applied is empty (a rerun makes zero writes).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import dataclasses


@dataclasses.dataclass(eq=False, repr=False)  # a plain object's identity and repr, as before
class SyncPlan:
    """Groups to create and per-group member additions and removals, all sorted."""

    create_groups: list
    add: dict
    remove: dict

    @property
    def empty(self):
        return not (self.create_groups or self.add or self.remove)

    def counts(self):
        return {
            "groups_to_create": len(self.create_groups),
            "memberships_to_add": sum(len(v) for v in self.add.values()),
            "memberships_to_remove": sum(len(v) for v in self.remove.values()),
        }

    def batches(self, size):
        """(group, op, members) chunks of at most `size` members, one per PATCH request.

        All of a group's additions come before its removals; groups come in name order.
        """
        if size < 1:
            raise ValueError("batch size must be at least 1, got %r" % size)
        for group in sorted(set(self.add) | set(self.remove)):
            for op, members in (("add", self.add.get(group, [])), ("remove", self.remove.get(group, []))):
                for start in range(0, len(members), size):
                    yield group, op, members[start:start + size]


def plan_sync(desired, current, managed=None, prune=False):
    """Compute the writes that make `current` match `desired`.

    desired: {group: iterable of members} from the flattened source.
    current: {group: iterable of members} as the cloud has them now (groups not in `desired` are left alone).
    managed: {group: iterable of members} this collection added earlier; without `prune`, only these
        may be removed, so members someone else put in a cloud group are kept.
    prune: remove every cloud member the source does not have.
    """
    managed = managed or {}
    create_groups = sorted(group for group in desired if group not in current)
    add = {}
    remove = {}
    for group, members in desired.items():
        wanted = set(members)
        present = set(current.get(group, ()))
        missing = wanted - present
        if missing:
            add[group] = sorted(missing)
        extra = present - wanted
        if not prune:
            extra &= set(managed.get(group, ()))
        if extra:
            remove[group] = sorted(extra)
    return SyncPlan(create_groups, add, remove)

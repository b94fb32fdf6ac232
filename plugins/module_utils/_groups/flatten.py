# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Flatten a nested group structure into every group's effective members.

Atlassian Cloud has no nested groups: a user who is a member of a nested group must become a direct
member of every ancestor group, or the inherited access is lost after a sync.

The group graph (parent -> nested child groups) is condensed into strongly connected components with
an iterative Tarjan (no recursion, so deep trees cannot hit the recursion limit). Tarjan emits a
component only after every component reachable from it, which is exactly the order in which effective
members can be computed: a group's effective members are its direct users plus the effective members of
its child groups. Users are interned as integers in name order, so member sets are frozensets of small
ints, sets are shared between groups whenever a group adds nothing to its only child, and sorting the
integers sorts the names.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import gc
from collections import deque
from functools import wraps

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.errors import CollectionError

ON_CYCLE_CHOICES = ("fail", "merge")


def _without_gc_pauses(function):
    """Run `function` with the cyclic garbage collector paused.

    Flattening allocates tens of thousands of sets and lists and no reference cycles; each allocation
    burst would otherwise trigger full collections that walk the whole (large) input again and again,
    which on the benchmark tree cost more than the flattening itself.
    """
    @wraps(function)
    def wrapper(*args, **kwargs):
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()
    return wrapper


class NestedGroups:
    """A nested group structure as read from a source.

    `groups` maps a group name to a pair (direct users, nested child groups); `users` maps a user
    name to its attributes (for example `email`, `dn`) when the source knows them; `unresolved` lists
    member references the source could not resolve to a user or a group; `disabled` names users the
    source reports as disabled; `in_chain` maps groups to the transitive members the directory itself
    computed (a cross-check, None when not asked); `counters` holds source-specific request counts.
    """

    def __init__(self, groups, users=None, unresolved=None, disabled=None, in_chain=None, counters=None):
        self.groups = groups
        self.users = users or {}
        self.unresolved = unresolved or []
        self.disabled = disabled or []
        self.in_chain = in_chain
        self.counters = counters or {}

    @classmethod
    def from_mapping(cls, data, users=None):
        """Build from `{group: {users: [...], groups: [...]}}` (both keys optional)."""
        if not isinstance(data, dict):
            raise ValueError("the nested group structure must be a mapping of group name to "
                             "{users: [...], groups: [...]}, got %s" % type(data).__name__)
        groups = {}
        for name, spec in data.items():
            if spec is None:
                spec = {}
            if not isinstance(spec, dict):
                raise ValueError("group %r must be a mapping with optional keys users and groups, got %s"
                                 % (name, type(spec).__name__))
            unknown = set(spec) - {"users", "groups"}
            if unknown:
                raise ValueError("group %r has unknown keys %s; expected users and groups"
                                 % (name, ", ".join(sorted(str(k) for k in unknown))))
            member_users = spec.get("users") or []
            child_groups = spec.get("groups") or []
            for key, value in (("users", member_users), ("groups", child_groups)):
                if not isinstance(value, (list, tuple, set, frozenset)):
                    raise ValueError("group %r: %s must be a list, got %s" % (name, key, type(value).__name__))
            groups[str(name)] = ([str(u) for u in member_users], [str(g) for g in child_groups])
        return cls(groups, users=users)


class CycleError(CollectionError, ValueError):
    """Raised with `on_cycle=fail` when nested groups form one or more cycles."""

    def __init__(self, cycles):
        self.cycles = cycles
        super(CycleError, self).__init__(
            "nested groups form %d cycle(s): %s; break the cycle in the source or use on_cycle=merge "
            "(every group in a cycle then gets the union of the cycle's members)"
            % (len(cycles), "; ".join(" -> ".join(c["path"]) for c in cycles)))


def strongly_connected_components(children):
    """Tarjan's algorithm without recursion.

    `children[v]` lists the successors of node v (0..n-1). Returns the components as lists of nodes in
    reverse topological order: every component comes after all components reachable from it.
    """
    count = len(children)
    index = [-1] * count
    low = [0] * count
    on_stack = [False] * count
    stack = []
    components = []
    counter = 0
    for root in range(count):
        if index[root] != -1:
            continue
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = True
        work = [(root, 0)]
        while work:
            node, position = work[-1]
            successors = children[node]
            if position < len(successors):
                work[-1] = (node, position + 1)
                child = successors[position]
                if index[child] == -1:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack[child] = True
                    work.append((child, 0))
                elif on_stack[child] and index[child] < low[node]:
                    low[node] = index[child]
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                if low[node] < low[parent]:
                    low[parent] = low[node]
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack[member] = False
                    component.append(member)
                    if member == node:
                        break
                components.append(component)
    return components


class Flattening:
    """The result of flattening: effective members, cycles, depth, and the derived reports."""

    def __init__(self, group_names, user_names, direct, children, effective, height, cycles, users, unresolved):
        self.group_names = group_names
        self.user_names = user_names
        self._direct = direct
        self._children = children
        self._effective = effective
        self._height = height
        self.cycles = cycles
        self.users = users
        self.unresolved = unresolved

    def _names(self, members, cache):
        # Groups often share one member set (a cycle, or a group that only nests one child): sort once,
        # and hand each group its own copy so callers may change one group's list without touching another's.
        key = id(members)
        names = cache.get(key)
        if names is None:
            names = list(map(self.user_names.__getitem__, sorted(members)))
            cache[key] = names
            return names
        return list(names)

    @_without_gc_pauses
    def flat(self):
        """`{group: [sorted effective users]}` for every group."""
        cache = {}
        return dict((name, self._names(self._effective[i], cache)) for i, name in enumerate(self.group_names))

    @_without_gc_pauses
    def lost_by_group(self):
        """`{group: [users]}`: members a group only has through nesting (lost when synced without flattening)."""
        lost = {}
        user_names = self.user_names
        for i, name in enumerate(self.group_names):
            inherited = self._effective[i] - self._direct[i]
            if inherited:
                lost[name] = [user_names[u] for u in sorted(inherited)]
        return lost

    @_without_gc_pauses
    def lost_by_user(self):
        """`{user: [groups]}`: the groups a user only belongs to through nesting."""
        group_names = self.group_names
        per_user = [[] for position in range(len(self.user_names))]
        for i, name in enumerate(group_names):
            for user in self._effective[i] - self._direct[i]:
                per_user[user].append(name)
        # Groups were visited in name order, so each user's list is already sorted.
        return dict((user, groups) for user, groups in zip(self.user_names, per_user) if groups)

    def counts(self):
        direct = sum(len(d) for d in self._direct)
        effective = sum(len(e) for e in self._effective)
        return {
            "groups": len(self.group_names),
            "users": len(self.user_names),
            "direct_memberships": direct,
            "effective_memberships": effective,
            "inherited_memberships": effective - direct,
            "nesting_links": sum(len(c) for c in self._children),
        }

    def depth(self):
        """Nesting depth: a group's depth is the longest chain of nested groups below it (0 = no nesting).

        A cycle counts as one level (its groups are equivalent).
        """
        histogram = {}
        for height in self._height:
            histogram[height] = histogram.get(height, 0) + 1
        has_parent = [False] * len(self.group_names)
        for kids in self._children:
            for kid in kids:
                has_parent[kid] = True
        deepest = max(self._height) if self._height else 0
        return {
            "max": deepest,
            "histogram": dict((k, histogram[k]) for k in sorted(histogram)),
            "top_level_groups": sum(1 for i, kids in enumerate(self._children) if kids and not has_parent[i]),
            "deepest_groups": [self.group_names[i] for i, h in enumerate(self._height) if h == deepest and deepest > 0],
        }

    def _reachable(self, starts, edges):
        seen = set(starts)
        queue = deque(starts)
        while queue:
            node = queue.popleft()
            for nxt in edges[node]:
                if nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
        return seen

    def google_workspace(self, selected=None):
        """What Google Workspace's sync needs: every parent and nested group selected individually.

        Google Workspace syncs only the groups selected, each flattened; a group left out loses its
        members in cloud. `parent_groups` must be selected or their inherited members are lost;
        `nested_groups` must be selected or their own memberships are lost. With `selected`, also
        returns which groups related to the selection (ancestors and descendants) are missing from it.
        """
        parents = [self.group_names[i] for i, kids in enumerate(self._children) if kids]
        nested = sorted({self.group_names[k] for kids in self._children for k in kids})
        report = {"parent_groups": parents, "nested_groups": nested}
        if selected is not None:
            index = dict((name, i) for i, name in enumerate(self.group_names))
            unknown = sorted(set(selected) - set(index))
            starts = [index[name] for name in selected if name in index]
            parents_of = [[] for position in range(len(self.group_names))]
            for i, kids in enumerate(self._children):
                for kid in kids:
                    parents_of[kid].append(i)
            related = self._reachable(starts, self._children) | self._reachable(starts, parents_of)
            report["missing_from_selection"] = sorted(self.group_names[i] for i in related - set(starts))
            report["unknown_selected_groups"] = unknown
        return report


def _cycle_path(component, children, group_names):
    """A concrete cycle through the component, starting and ending at its first group by name."""
    members = set(component)
    start = min(component)
    previous = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for child in children[node]:
            if child not in members:
                continue
            if child == start:
                path = [start]
                while node != start:
                    path.append(node)
                    node = previous[node]
                path.append(start)
                path = [path[0]] + path[1:-1][::-1] + [start]
                return [group_names[i] for i in path]
            if child not in previous:
                previous[child] = node
                queue.append(child)
    raise AssertionError("a strongly connected component of more than one node always holds a cycle")


@_without_gc_pauses
def flatten(structure, on_cycle="fail"):
    """Flatten a NestedGroups structure. Raises CycleError on a cycle unless `on_cycle` is `merge`.

    A group that lists itself is ignored (OpenLDAP's groupOfNames needs one member, and an empty group
    often names itself); a nested group that is never defined is treated as an empty group.
    """
    if on_cycle not in ON_CYCLE_CHOICES:
        raise ValueError("on_cycle must be one of %s, got %r" % (", ".join(ON_CYCLE_CHOICES), on_cycle))
    group_names, user_names, direct, children = _indexed(structure)

    components = strongly_connected_components(children)
    cycles = [
        {"path": _cycle_path(c, children, group_names), "groups": sorted(group_names[i] for i in c)}
        for c in components if len(c) > 1
    ]
    cycles.sort(key=lambda c: c["path"])
    if cycles and on_cycle == "fail":
        raise CycleError(cycles)

    effective, height = _effective_and_height(components, direct, children)
    return Flattening(group_names, user_names, direct, children, effective, height, cycles,
                      structure.users, structure.unresolved)


def _indexed(structure):
    """(sorted group names, sorted user names, direct user indexes per group, child group indexes per group)."""
    groups = structure.groups
    group_names = set(groups)
    user_names = set(structure.users)
    for member_users, child_groups in groups.values():
        group_names.update(child_groups)
        user_names.update(member_users)
    group_names = sorted(group_names)
    user_names = sorted(user_names)
    group_index = dict((name, i) for i, name in enumerate(group_names))
    user_index = dict((name, i) for i, name in enumerate(user_names))

    direct = [frozenset()] * len(group_names)
    children = [()] * len(group_names)
    for name, (member_users, child_groups) in groups.items():
        i = group_index[name]
        direct[i] = frozenset(map(user_index.__getitem__, member_users))
        children[i] = tuple(sorted(set(group_index[c] for c in child_groups if c != name)))
    return group_names, user_names, direct, children


def _effective_and_height(components, direct, children):
    """Effective members and nesting height per group, walking components in reverse topological order.

    The groups of one cycle are equivalent: they share one member set and count as one level.
    """
    empty = frozenset()
    effective = [None] * len(direct)
    height = [0] * len(direct)
    component_of = [-1] * len(direct)
    for number, component in enumerate(components):
        if len(component) == 1:
            node = component[0]
            component_of[node] = number
            kids = children[node]
            if not kids:
                effective[node] = direct[node]
                continue
            if len(kids) == 1 and not direct[node]:
                effective[node] = effective[kids[0]]
            else:
                effective[node] = direct[node].union(*[effective[k] for k in kids])
            height[node] = 1 + max(height[k] for k in kids)
            continue
        for node in component:
            component_of[node] = number
        outside = set()
        for node in component:
            outside.update(k for k in children[node] if component_of[k] != number)
        merged = empty.union(*[direct[n] for n in component]).union(*[effective[k] for k in outside])
        level = 1 + max([height[k] for k in outside] or [0])
        for node in component:
            effective[node] = merged
            height[node] = level
    return effective, height

# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The URL allowlist of a Jira or Confluence Data Center instance: rules, validation, plan and apply.

Atlassian publishes no REST contract for the allowlist. The endpoints are the UI-internal entries
``dc.allowlist.*`` of the contract table, and everything this file knows about the JSON the admin page
exchanges lives in the "wire format" section below, so a check against a live instance fixes it in one
place. Confirmed by Atlassian's documentation: the four rule types of the admin form, the "Allow Incoming"
origin format and "Allow anonymous users". Confirmed from public database dumps: the storage enum value
``WILDCARD_EXPRESSION``. Unconfirmed: the other enum values and the JSON field names.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.client import ApiError
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.errors import CollectionError

# --- wire format (UI-internal, see the module docstring) -------------------------------------------------
# Rule types as the module names them -> as the product stores them. Only WILDCARD_EXPRESSION is confirmed.
WIRE_TYPES = {
    "domain": "DOMAIN_NAME",
    "exact": "EXACT_URL",
    "wildcard": "WILDCARD_EXPRESSION",
    "regex": "REGULAR_EXPRESSION",
}
# Rules the product adds itself for each application link; the module never changes or removes them.
WIRE_APPLICATION_LINK = "APPLICATION_LINK"
MANAGEABLE_TYPES = tuple(sorted(WIRE_TYPES))
_TYPES_FROM_WIRE = dict((wire, name) for name, wire in WIRE_TYPES.items())
_TYPES_FROM_WIRE[WIRE_APPLICATION_LINK] = "application_link"

# A rule's options, for every module that takes rules (dc_allowlist's rules, dc_info's allowlist_rules).
RULE_OPTIONS = dict(
    expression=dict(type="str", required=True),
    type=dict(type="str", choices=list(MANAGEABLE_TYPES), default="domain"),
    allow_inbound=dict(type="bool", default=False),
    allow_anonymous=dict(type="bool", default=False),
)


def rule_to_wire(rule):
    """A rule as the admin page sends it. The form's "Allow anonymous users" is stored inverted, as
    ``authenticationRequired``; this function and `rule_from_wire` are the only places that know it."""
    return {
        "expression": rule["expression"],
        "type": WIRE_TYPES[rule["type"]],
        "allowInbound": bool(rule["allow_inbound"]),
        "authenticationRequired": not rule["allow_anonymous"],
    }


def rule_from_wire(data):
    """A rule as the admin page reads it -> the module's shape. Unknown types keep their wire name in
    lower case, and are treated as not manageable."""
    wire_type = str(data.get("type") or "")
    return {
        "id": data.get("id"),
        "expression": data.get("expression") or "",
        "type": _TYPES_FROM_WIRE.get(wire_type, wire_type.lower()),
        "allow_inbound": bool(data.get("allowInbound", False)),
        "allow_anonymous": not data.get("authenticationRequired", True),
    }


def status_to_wire(enabled):
    return {"enabled": bool(enabled)}


def status_from_wire(data):
    if not isinstance(data, dict) or not isinstance(data.get("enabled"), bool):
        raise AllowlistError("the allowlist status answer has no boolean 'enabled': %r" % (data,))
    return data["enabled"]


# --- rules -----------------------------------------------------------------------------------------------
class AllowlistError(CollectionError):
    """A rule or a request that cannot be applied; the text says what was found and what is expected."""


# "Allow Incoming" (CORS) needs an origin: scheme://host[:port], no path and no trailing slash.
_ORIGIN = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/?#@\s:]+(:[0-9]{1,5})?$")
# Exact and domain rules are absolute URLs: a scheme and a host.
_ABSOLUTE_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/?#\s]+")


def rule_key(rule):
    """Rule identity: (type, expression), compared as written. The product is not known to normalise
    expressions, so ``https://example.com`` and ``https://example.com/`` are two rules here too."""
    return (rule["type"], rule["expression"])


def validate_rule(rule):
    """The problems the product's form rejects, as a list of texts (empty when the rule is valid)."""
    expression = rule.get("expression")
    kind = rule.get("type")
    label = "%s rule %r" % (kind, expression)
    if not isinstance(expression, str) or not expression.strip():
        return ["a rule needs a non-empty expression"]
    problems = []
    if expression != expression.strip():
        problems.append("%s: the expression has leading or trailing spaces" % label)
    if kind not in WIRE_TYPES:
        problems.append("%s: type must be one of %s" % (label, ", ".join(MANAGEABLE_TYPES)))
    elif kind == "regex":
        try:
            re.compile(expression)
        except re.error as exc:
            problems.append("%s: not a valid regular expression (%s)" % (label, exc))
    elif kind in ("exact", "domain") and not _ABSOLUTE_URL.match(expression):
        problems.append("%s: expected an absolute URL such as https://api.atlassian.com" % label)
    if rule.get("allow_inbound") and not _ORIGIN.match(expression):
        problems.append("%s: allow_inbound (Allow Incoming) needs an origin of the form scheme://host[:port] "
                        "with no path and no trailing slash" % label)
    return problems


def validate_rules(rules):
    """Every problem of a desired rule list, duplicates included."""
    problems = []
    seen = set()
    for rule in rules:
        problems.extend(validate_rule(rule))
        key = rule_key(rule)
        if key in seen:
            problems.append("%s rule %r is listed twice" % key)
        seen.add(key)
    return problems


def _public(rule):
    """A rule without its server id, for results and diffs."""
    return dict((k, rule[k]) for k in ("expression", "type", "allow_inbound", "allow_anonymous"))


def _sort_key(rule):
    """Type, expression, then id: numeric ids in numeric order (the oldest copy of a rule first), rules not
    created yet (check mode) last."""
    rule_id = rule.get("id")
    if isinstance(rule_id, int):
        id_order = (0, rule_id, "")
    else:
        id_order = (1 if rule_id is not None else 2, 0, str(rule_id))
    return (rule["type"], rule["expression"], id_order)


# --- plan ------------------------------------------------------------------------------------------------
def plan(current_rules, current_enabled, desired_rules, state="present", exclusive=False, enabled=None,
         allow_disable=False):
    """The changes that make the allowlist match the request, in the order they are applied.

    Returns (actions, after_rules, after_enabled). An action is one of
    {"action": "create", "rule": r}, {"action": "update", "id": i, "rule": r, "before": r0},
    {"action": "delete", "id": i, "rule": r0}, {"action": "set_status", "enabled": b}.
    Rules the module cannot manage (application links, unknown types) are never touched.
    """
    if state not in ("present", "absent"):
        raise AllowlistError("state must be present or absent, not %r" % (state,))
    if exclusive and state != "present":
        raise AllowlistError("exclusive=true only applies to state=present")
    if enabled is False and not allow_disable:
        raise AllowlistError("enabled=false turns the allowlist off, which lets the instance reach any URL; "
                             "set allow_disable=true to confirm")
    problems = validate_rules(desired_rules)
    if problems:
        raise AllowlistError("; ".join(problems))

    by_key = {}
    for rule in sorted(current_rules, key=_sort_key):
        by_key.setdefault(rule_key(rule), []).append(rule)
    desired_keys = set(rule_key(r) for r in desired_rules)
    actions = []

    if enabled is True and not current_enabled:
        actions.append({"action": "set_status", "enabled": True})

    for desired in desired_rules:
        matches = by_key.get(rule_key(desired), [])
        if state == "absent":
            actions.extend({"action": "delete", "id": m["id"], "rule": _public(m)} for m in matches)
            continue
        if not matches:
            actions.append({"action": "create", "rule": _public(desired)})
            continue
        kept, extra = matches[0], matches[1:]
        if _public(kept) != _public(desired):
            actions.append({"action": "update", "id": kept["id"], "rule": _public(desired),
                            "before": _public(kept)})
        # Copies of a rule (left by an earlier run or by hand) collapse to one.
        actions.extend({"action": "delete", "id": m["id"], "rule": _public(m)} for m in extra)

    if exclusive:
        for key, matches in sorted(by_key.items()):
            if key in desired_keys or key[0] not in WIRE_TYPES:
                continue
            actions.extend({"action": "delete", "id": m["id"], "rule": _public(m)} for m in matches)

    if enabled is False and current_enabled:
        actions.append({"action": "set_status", "enabled": False})

    after_rules = _predict(current_rules, actions)
    after_enabled = current_enabled if enabled is None else enabled
    return actions, after_rules, after_enabled


def _predict(current_rules, actions):
    deleted = set(a["id"] for a in actions if a["action"] == "delete")
    updated = dict((a["id"], a["rule"]) for a in actions if a["action"] == "update")
    after = []
    for rule in current_rules:
        if rule["id"] in deleted:
            continue
        after.append(dict(updated.get(rule["id"], _public(rule)), id=rule["id"]))
    after.extend(dict(a["rule"], id=None) for a in actions if a["action"] == "create")
    return sorted(after, key=_sort_key)


def describe(rules, enabled):
    """The allowlist as results and diffs show it: rules without ids, sorted."""
    return {"enabled": enabled, "rules": [_public(r) for r in sorted(rules, key=_sort_key)]}


# --- read and apply --------------------------------------------------------------------------------------
def read(client):
    """(rules, enabled) from the instance."""
    listing = client.call("dc.allowlist.list").json()
    if not isinstance(listing, list):
        raise AllowlistError("the allowlist answer is not a list of rules: %r" % (listing,))
    rules = [rule_from_wire(item) for item in listing]
    enabled = status_from_wire(client.call("dc.allowlist.status").json())
    return rules, enabled


def report(client, desired_rules):
    """What dc_info reports of the allowlist for the rules it was given: the allowlist as dc_allowlist describes
    it, and whether dc_allowlist with those rules and state=present would change nothing (``rules_present``).

    A read that fails is reported (``error``), not raised: the read is there to spare dc_allowlist's run on a
    converged instance, and dc_allowlist, which manages the allowlist, meets the same failure and names it."""
    try:
        rules, enabled = read(client)
    except (ApiError, AllowlistError) as exc:
        return {"rules_present": False, "error": str(exc)}
    actions = plan(rules, enabled, desired_rules)[0]
    return dict(describe(rules, enabled), rules_present=not actions)


def apply(client, actions, done=None):
    """Carry out `actions` in order, appending each one to `done` once it succeeded. A failure leaves the
    earlier actions applied; the next run reads the allowlist again and plans only what is still missing, so
    nothing is created twice."""
    for action in actions:
        kind = action["action"]
        if kind == "create":
            client.call("dc.allowlist.create", json=rule_to_wire(action["rule"]))
        elif kind == "update":
            client.call("dc.allowlist.update", path_params={"rule_id": action["id"]},
                        json=rule_to_wire(action["rule"]))
        elif kind == "delete":
            # 404: already gone (removed by hand, or by a run whose answer was lost).
            client.call("dc.allowlist.delete", path_params={"rule_id": action["id"]}, allow=(404,))
        elif kind == "set_status":
            client.call("dc.allowlist.set_status", json=status_to_wire(action["enabled"]))
        else:
            raise AllowlistError("unknown action %r" % (kind,))
        if done is not None:
            done.append(action)

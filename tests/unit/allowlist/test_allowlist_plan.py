"""The allowlist's wire format, validation and plan, without network."""

from __future__ import annotations

import pytest

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._dc import allowlist


def rule(expression, kind="domain", inbound=False, anonymous=False, rule_id=None):
    data = {"expression": expression, "type": kind, "allow_inbound": inbound, "allow_anonymous": anonymous}
    if rule_id is not None:
        data["id"] = rule_id
    return data


def test_wire_round_trip_inverts_anonymous_in_one_place():
    wire = allowlist.rule_to_wire(rule("https://api.atlassian.com", "wildcard", anonymous=True))
    assert wire == {"expression": "https://api.atlassian.com", "type": "WILDCARD_EXPRESSION",
                    "allowInbound": False, "authenticationRequired": False}
    back = allowlist.rule_from_wire(dict(wire, id=7))
    assert back == rule("https://api.atlassian.com", "wildcard", anonymous=True, rule_id=7)


def test_from_wire_names_application_links_and_keeps_unknown_types():
    assert allowlist.rule_from_wire({"id": 1, "expression": "x", "type": "APPLICATION_LINK"})["type"] == \
        "application_link"
    assert allowlist.rule_from_wire({"id": 2, "expression": "x", "type": "NEW_KIND"})["type"] == "new_kind"
    # A missing authenticationRequired is read as the safe default: authentication required.
    assert allowlist.rule_from_wire({"id": 3, "expression": "x", "type": "EXACT_URL"})["allow_anonymous"] is False


def test_status_answer_must_carry_a_boolean():
    assert allowlist.status_from_wire({"enabled": False}) is False
    with pytest.raises(allowlist.AllowlistError, match="enabled"):
        allowlist.status_from_wire({"enabled": "yes"})


@pytest.mark.parametrize("candidate", [
    rule("https://api.atlassian.com"),
    rule("https://portal.example.com:8443", "exact", inbound=True),
    rule("https://*.example.com/*", "wildcard"),
    rule(r"https://(www\.)?example\.com/.*", "regex"),
])
def test_valid_rules(candidate):
    assert allowlist.validate_rule(candidate) == []


@pytest.mark.parametrize("candidate, reason", [
    (rule("https://(x", "regex"), "not a valid regular expression"),
    (rule("https://portal.example.com/", "exact", inbound=True), "no trailing slash"),
    (rule("https://portal.example.com/app", "exact", inbound=True), "scheme://host[:port]"),
    (rule("portal.example.com", "domain"), "absolute URL"),
    (rule("  ", "domain"), "non-empty expression"),
    (rule(" https://api.atlassian.com", "domain"), "leading or trailing spaces"),
    (rule("https://x", "application_link"), "type must be one of"),
])
def test_invalid_rules(candidate, reason):
    problems = allowlist.validate_rule(candidate)
    assert any(reason in p for p in problems), problems


def test_duplicates_in_the_request_are_refused():
    with pytest.raises(allowlist.AllowlistError, match="listed twice"):
        allowlist.plan([], True, [rule("https://a.example.com"), rule("https://a.example.com")])


def test_identity_is_type_and_expression_as_written():
    current = [rule("https://api.atlassian.com/", rule_id=1), rule("https://api.atlassian.com", "exact", rule_id=2)]
    actions, after, after_enabled = allowlist.plan(current, True, [rule("https://api.atlassian.com")])
    assert actions == [{"action": "create", "rule": rule("https://api.atlassian.com")}]
    assert len(after) == 3 and after_enabled is True


def test_present_is_a_no_op_when_the_rule_matches():
    current = [rule("https://api.atlassian.com", rule_id=4)]
    assert allowlist.plan(current, True, [rule("https://api.atlassian.com")])[0] == []


def test_present_keeps_the_oldest_copy():
    current = [rule("https://a.example.com", rule_id=10), rule("https://a.example.com", rule_id=9)]
    actions, after, after_enabled = allowlist.plan(current, True, [rule("https://a.example.com")])
    assert actions == [{"action": "delete", "id": 10, "rule": rule("https://a.example.com")}]
    assert [r["id"] for r in after] == [9] and after_enabled is True


def test_present_updates_options_and_collapses_copies():
    current = [rule("https://a.example.com", rule_id=9), rule("https://a.example.com", rule_id=3)]
    actions, after, after_enabled = allowlist.plan(current, True, [rule("https://a.example.com", anonymous=True)])
    assert actions == [
        {"action": "update", "id": 3, "rule": rule("https://a.example.com", anonymous=True),
         "before": rule("https://a.example.com")},
        {"action": "delete", "id": 9, "rule": rule("https://a.example.com")},
    ]
    assert after == [rule("https://a.example.com", anonymous=True, rule_id=3)]
    assert after_enabled is True


def test_exclusive_spares_application_links_and_unknown_types():
    current = [rule("https://wiki.example.com", "application_link", rule_id=1),
               rule("https://old.example.com", "exact", rule_id=2),
               rule("https://x.example.com", "new_kind", rule_id=3)]
    actions, after, after_enabled = allowlist.plan(current, True, [], exclusive=True)
    assert actions == [{"action": "delete", "id": 2, "rule": rule("https://old.example.com", "exact")}]
    assert [r["id"] for r in after] == [1, 3]
    assert after_enabled is True


def test_absent_deletes_every_copy_and_nothing_else():
    current = [rule("https://a.example.com", rule_id=1), rule("https://b.example.com", rule_id=2),
               rule("https://a.example.com", rule_id=5)]
    actions, after, after_enabled = allowlist.plan(current, True, [rule("https://a.example.com")], state="absent")
    assert [a["id"] for a in actions] == [1, 5]
    assert [r["id"] for r in after] == [2]
    assert after_enabled is True


def test_exclusive_with_absent_is_refused():
    with pytest.raises(allowlist.AllowlistError, match="exclusive"):
        allowlist.plan([], True, [], state="absent", exclusive=True)


def test_disabling_needs_confirmation_and_comes_last():
    with pytest.raises(allowlist.AllowlistError, match="allow_disable"):
        allowlist.plan([], True, [], enabled=False)
    actions, after, after_enabled = allowlist.plan([], True, [rule("https://a.example.com")], enabled=False,
                                                   allow_disable=True)
    assert [a["action"] for a in actions] == ["create", "set_status"]
    assert after_enabled is False and len(after) == 1


def test_enabling_comes_first_and_is_skipped_when_already_on():
    actions, after, after_enabled = allowlist.plan([], False, [rule("https://a.example.com")], enabled=True)
    assert [a["action"] for a in actions] == ["set_status", "create"]
    assert after_enabled is True and len(after) == 1
    assert allowlist.plan([], True, [], enabled=True)[0] == []


def test_describe_hides_ids_and_sorts():
    shown = allowlist.describe([rule("https://b.example.com", rule_id=2), rule("https://a.example.com", rule_id=1)],
                               True)
    assert shown == {"enabled": True, "rules": [rule("https://a.example.com"), rule("https://b.example.com")]}

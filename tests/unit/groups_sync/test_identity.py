"""Matching flat members to cloud identities by email."""

import pytest

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._groups_sync.identity import (
    email_of,
    email_problem,
    is_valid_email,
    normalize_email,
    resolve_members,
)


@pytest.mark.parametrize("value", [
    "a@example.com",
    "first.last+tag@sub.example.co.uk",  # plus-addressing
    " A@Example.COM ",  # upper case, surrounding space
    "o'brien@x.com",  # the apostrophe the old auth-policy rule refused
    "d'arcy.o'neil@example.ie",
    "a!#$%&*/=?^_`{|}~-b@example.com",  # every atext character of RFC 5322
    "juergen@bücher.example",  # internationalized domain
    "x@xn--bcher-kva.example",  # the same domain in its ASCII form
    "a@b-c.example.com",
    "a" * 64 + "@example.com",
])
def test_valid_emails(value):
    assert is_valid_email(value), email_problem(value)


@pytest.mark.parametrize("value, reason", [
    ("", "missing"),
    (None, "missing"),
    ("alice", "not one @"),
    ("a@@example.com", "not one @"),
    ("a@localhost", "two or more labels"),
    ("a b@example.com", "dot-atom"),
    ("a@-example.com", "inner hyphens"),
    ("@example.com", "local part empty"),
    ("a@example.com.", "ends with a dot"),  # trailing dot: an FQDN, not an address
    (".a@example.com", "dot-atom"),
    ("a.@example.com", "dot-atom"),
    ("a..b@example.com", "dot-atom"),
    ('"a b"@example.com', "dot-atom"),  # quoted local part: refused, the references are silent on it
    ("jürgen@bücher.example", "dot-atom"),  # non-ASCII local part (EAI)
    ("a@exa..mple.com", "internationalized domain name"),
    ("a@" + "x" * 64 + ".com", "internationalized domain name"),
    ("a" * 65 + "@example.com", "longer than 64"),
    ("a@example,com", "two or more labels"),
    ("a@" + ".".join(["abcdefghi"] * 25) + ".com", "longer than 254"),
])
def test_invalid_emails_say_why(value, reason):
    assert not is_valid_email(value)
    assert reason in email_problem(value)


def test_normalized_form_is_lower_case_with_an_ascii_domain():
    assert normalize_email(" O'Brien+Tag@Example.COM ") == "o'brien+tag@example.com"
    # both spellings of an internationalized domain match one account
    assert normalize_email("Juergen@Bücher.Example") == normalize_email("juergen@xn--bcher-kva.example")
    assert normalize_email("juergen@xn--bcher-kva.example") == "juergen@xn--bcher-kva.example"


def test_email_comes_from_the_users_map_in_either_shape_or_from_the_member_itself():
    users = {"alice": {"email": "alice@example.com", "dn": "uid=alice"}, "bob": "bob@example.com", "carl": {}}
    assert email_of("alice", users) == "alice@example.com"
    assert email_of("bob", users) == "bob@example.com"
    assert email_of("dave@example.com", users) == "dave@example.com"
    assert email_of("carl", users) is None


def test_resolve_members_normalizes_and_reports_unusable_members():
    flat = {"eng": ["alice", "Bob@Example.com", "svc", "weird"], "empty": []}
    wanted, problems = resolve_members(flat, {"alice": "alice@example.com", "weird": "weird@nowhere"})
    assert wanted == {"eng": {"alice@example.com", "bob@example.com"}, "empty": set()}
    assert problems == [{"group": "eng", "member": "svc", "reason": "no email"},
                        {"group": "eng", "member": "weird", "reason": "invalid email weird@nowhere"}]


def test_members_matching_by_email_case_insensitively_become_one_member():
    wanted, problems = resolve_members({"eng": ["o'brien@x.com", "O'Brien@X.COM", "alice"]},
                                       {"alice": {"email": "Alice+jira@Example.com"}})
    assert wanted == {"eng": {"o'brien@x.com", "alice+jira@example.com"}}
    assert problems == []

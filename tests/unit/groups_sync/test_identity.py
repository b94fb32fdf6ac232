"""Matching flat members to cloud identities by email."""

import pytest

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._groups_sync.identity import (
    email_of,
    is_valid_email,
    resolve_members,
)


@pytest.mark.parametrize("value", ["a@example.com", "first.last+tag@sub.example.co.uk", " A@Example.COM "])
def test_valid_emails(value):
    assert is_valid_email(value)


@pytest.mark.parametrize("value", ["", None, "alice", "a@localhost", "a@@example.com", "a b@example.com",
                                   "a@-example.com", "@example.com"])
def test_invalid_emails(value):
    assert not is_valid_email(value)


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

"""Pure parts of the client and the contract table."""

import email.utils
import random

import pytest

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api import contract
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.client import (
    RetryPolicy,
    _next_cursor,
    _parse_rate_limit_reset,
    _parse_retry_after,
)

NOW = 1_800_000_000.0


def test_retry_after_seconds_and_http_date():
    assert _parse_retry_after("7", NOW) == 7.0
    date = email.utils.formatdate(NOW + 30, usegmt=True)
    assert _parse_retry_after(date, NOW) == pytest.approx(30, abs=1)
    assert _parse_retry_after("soon", NOW) is None


def test_rate_limit_reset_iso_and_epoch():
    assert _parse_rate_limit_reset("2027-01-15T08:00:10Z", 1_800_000_000.0) >= 0
    assert _parse_rate_limit_reset(str(NOW + 12), NOW) == pytest.approx(12)
    assert _parse_rate_limit_reset("5", NOW) == 5.0
    assert _parse_rate_limit_reset("garbage", NOW) is None


def test_backoff_is_bounded_and_grows():
    policy = RetryPolicy(base=1, cap=8, rng=random.Random(1))
    samples = [max(policy.backoff(n) for _draw in range(200)) for n in range(1, 7)]
    assert all(s <= 8 for s in samples)
    assert samples[0] <= 1 and samples[3] > 2


def test_next_cursor_from_link_or_value():
    assert _next_cursor({"links": {"next": "https://api/x?cursor=abc%3D&limit=2"}}) == "abc="
    assert _next_cursor({"links": {"next": "opaque"}}) == "opaque"
    assert _next_cursor({"links": {}}) is None


def test_every_public_endpoint_names_what_it_was_checked_against():
    public = set(name for name, endpoint in contract.ENDPOINTS.items() if endpoint.visibility == contract.PUBLIC)
    assert set(contract.CHECKED) == public
    assert all(source and silent for source, silent in contract.CHECKED.values())


def test_every_contract_entry_is_classified_and_referenced():
    for name, endpoint in contract.ENDPOINTS.items():
        assert endpoint.visibility in (contract.PUBLIC, contract.UI_INTERNAL), name
        assert endpoint.reference.startswith("https://"), name
        assert endpoint.path.startswith("/"), name
        assert endpoint.method in ("GET", "POST", "PUT", "PATCH", "DELETE"), name


def test_overrides_path_and_method():
    moved = contract.resolve("dc.allowlist.list", {"dc.allowlist.list": "/rest/allowlist/1.0/rules"})
    assert moved.path == "/rest/allowlist/1.0/rules" and moved.method == "GET"
    moved = contract.resolve("dc.allowlist.set_status", {"dc.allowlist.set_status": "POST /x/enable"})
    assert (moved.method, moved.path) == ("POST", "/x/enable")
    assert contract.validate_overrides({"dc.allowlist.lst": "/x"}) == ["dc.allowlist.lst"]
    with pytest.raises(contract.UnknownOperation):
        contract.resolve("no.such.operation")

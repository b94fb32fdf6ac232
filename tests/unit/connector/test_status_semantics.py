"""Issue 17 point 7 and the one wait loop, without the network: what each status means, the step it names,
Interrupted refusing app changes, unknown statuses kept as sent; and point 8: enabled rotates (no enable call)."""

import os
import sys

import pytest

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._connector.cloud import ensure
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._connector.status import (
    DC_APPLY_STEP,
    StatusError,
    await_connected,
    label,
    meaning,
    next_step,
)

sys.path.insert(0, os.path.dirname(__file__))
from test_connector_logic import APPS, FakeOrg  # noqa: E402  (the cloud API as the plan sees it, one copy)


def test_an_unknown_status_is_kept_as_sent_and_said_to_be_unknown():
    assert label("PAUSED_BY_ADMIN") == "PAUSED_BY_ADMIN"
    assert label("interrupted") == "Interrupted"
    assert "not a status the cloud connector guide names" in meaning("PAUSED_BY_ADMIN")
    assert "PAUSED_BY_ADMIN" in next_step("PAUSED_BY_ADMIN")


def test_each_guide_status_says_what_it_means_and_what_to_do():
    assert next_step("Initialized") == "Data Center has not completed the connection: " + DC_APPLY_STEP
    assert "ended by hand" in meaning("Disconnected") and "enable_connector.yml" in next_step("Disconnected")
    assert "cannot be removed or updated" in meaning("Interrupted")
    assert next_step("Connected") is None


def test_interrupted_refuses_removing_app_connectors_before_any_write():
    org = FakeOrg({"id": "c1", "base_url": "https://jira", "status": "Interrupted"}, APPS)
    with pytest.raises(StatusError, match="Interrupted.*cannot be removed or updated"):
        ensure(org, "disabled", base_url="https://jira", remove_app_connectors=True)
    assert org.calls == []


def test_interrupted_without_app_connectors_can_be_disabled():
    org = FakeOrg({"id": "c1", "base_url": "https://jira", "status": "Interrupted"})
    result, _credentials = ensure(org, "disabled", base_url="https://jira")
    assert result["changed"] and org.calls == [("disable",)]


def test_enabled_re_enables_by_rotating():
    org = FakeOrg({"id": "c1", "base_url": "https://jira", "status": "Disconnected"})
    result, credentials = ensure(org, "enabled", connector_id="c1")
    assert org.calls == [("rotate",)] and credentials and result["changed"]


def test_the_one_wait_loop_names_the_status_and_the_missing_step():
    reads = iter([{"status": "Initialized"}] * 5)
    clock = iter([0, 0, 1, 1, 2, 2, 3, 3])
    with pytest.raises(StatusError) as error:
        await_connected(lambda: next(reads), "The organization connector for https://jira", 2, 1,
                        sleep=lambda s: None, clock=lambda: next(clock))
    assert "is Initialized after" in str(error.value) and DC_APPLY_STEP in str(error.value)
    assert error.value.details["status"] == "Initialized"
    view, waited = await_connected(lambda: {"status": "Connected", "id": "c1"}, "x", 5, 1, sleep=lambda s: None)
    assert view == {"status": "Connected", "id": "c1"}

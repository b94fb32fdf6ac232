"""UPM version comparison and the install plan."""

import pytest

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._dc.upm import (
    UpmError,
    compare_versions,
    plan,
    satisfies,
    task_id,
)


@pytest.mark.parametrize("first, second, order", [
    ("1.10.0", "1.9.2", 1),
    ("1.2", "1.2.0", 0),
    ("1.4.0-beta2", "1.4.0", -1),
    ("1.4.0-beta10", "1.4.0-beta2", 1),
    ("1.4.0-beta", "1.4.0-rc1", -1),
    ("2.0.0", "10.0.0", -1),
    ("v3.1", "3.1.0", 0),
    ("1.0.0.1", "1.0.0", 1),
])
def test_versions_compare_as_versions(first, second, order):
    assert compare_versions(first, second) == order
    assert compare_versions(second, first) == -order


def test_a_non_version_is_refused():
    with pytest.raises(ValueError):
        compare_versions("latest", "1.0")


@pytest.mark.parametrize("installed, state, version, match, action", [
    (None, "present", None, "minimum", "install"),
    ("1.0.0", "present", None, "minimum", None),
    ("1.9.2", "present", "1.10.0", "minimum", "install"),
    ("1.10.0", "present", "1.9.2", "minimum", None),
    ("1.10.0", "present", "1.9.2", "exact", "install"),
    ("1.10", "present", "1.10.0", "exact", None),
    ("1.0.0", "latest", None, "minimum", "install"),
    ("1.0.0", "absent", None, "minimum", "uninstall"),
    (None, "absent", None, "minimum", None),
])
def test_plan(installed, state, version, match, action):
    assert plan(installed, state, version, match)[0] == action


def test_satisfies():
    assert satisfies("1.10.0", "1.9", "minimum")
    assert not satisfies(None, None, "minimum")
    assert not satisfies("1.10.0", "1.9", "exact")


def test_task_id_comes_from_the_pending_link():
    assert task_id({"links": {"self": "/confluence/rest/plugins/1.0/pending/abc-1"}}) == "abc-1"
    with pytest.raises(UpmError):
        task_id({"links": {"self": "/rest/plugins/1.0/com.x-key"}})

"""The cloud connector version gate, at its edges: releases, milestones, release candidates, short versions."""

import pytest

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._dc.info import (
    CLOUD_CONNECTOR_MINIMUM,
    is_pre_release,
    meets_minimum,
)


@pytest.mark.parametrize("product, version, supported", [
    ("jira", "11.3.0", True),
    ("jira", "11.3", True),
    ("jira", "11.3.1", True),
    ("jira", "12.0.0", True),
    ("jira", "11.2.9", False),
    ("jira", "10.3.23", False),
    ("jira", "11.3.0-m0004", False),  # a milestone of the minimum release comes before it
    ("jira", "11.3.0-RC1", False),
    ("jira", "11.3.1-rc1", True),  # a pre-release of a later version is after the minimum
    ("confluence", "10.2.0", True),
    ("confluence", "10.2.1", True),
    ("confluence", "10.2.0-beta2", False),
    ("confluence", "10.1.99", False),
    ("confluence", "9.2.22", False),
])
def test_the_gate(product, version, supported):
    assert meets_minimum(version, CLOUD_CONNECTOR_MINIMUM[product]) is supported


@pytest.mark.parametrize("version, pre", [("11.3.0", False), ("11.3.0-m0004", True), ("10.2.0-rc1", True),
                                          ("11.3", False)])
def test_pre_releases_are_named(version, pre):
    assert is_pre_release(version) is pre

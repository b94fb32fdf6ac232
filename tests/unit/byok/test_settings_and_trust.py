from __future__ import annotations

import pytest

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._byok.aws import ApiCallCounter
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._byok.role import (
    ByokRoleSettings,
    delete_refused,
    trust_principals,
)


def test_defaults_are_atlassians_and_raise_no_warning():
    assert ByokRoleSettings().warnings() == []
    assert ByokRoleSettings().problems() == []


def test_each_changed_default_warns_by_name():
    settings = ByokRoleSettings(stack_name="other", key_management_account="111122223333")

    warnings = settings.warnings()

    assert len(warnings) == 2
    assert warnings[0].startswith("stack_name is 'other', not Atlassian's documented 'atlassian-key-management-role'")
    assert "key_management_account is '111122223333'" in warnings[1]


@pytest.mark.parametrize("kwargs, problem", [
    ({"wait_timeout": 0}, "wait_timeout must be between 1 and 3600 seconds, got 0"),
    ({"wait_timeout": 3601}, "got 3601"),
    ({"key_management_account": "70958783524"}, "12-digit AWS account id"),
])
def test_unusable_values_are_problems(kwargs, problem):
    assert problem in ByokRoleSettings(**kwargs).problems()[0]


def test_trust_principals_of_allow_statements_only():
    document = {"Statement": [
        {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::2:root", "arn:aws:iam::1:root"]}},
        {"Effect": "Allow", "Principal": {"Service": "kms.amazonaws.com"}},
        {"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::3:root"}},
    ]}

    assert trust_principals(document) == ["arn:aws:iam::1:root", "arn:aws:iam::2:root", "kms.amazonaws.com"]


def test_trust_principals_of_an_url_encoded_single_statement():
    encoded = "%7B%22Statement%22%3A%20%7B%22Effect%22%3A%20%22Allow%22%2C%20%22Principal%22%3A%20%22%2A%22%7D%7D"

    assert trust_principals(encoded) == ["*"]


def test_delete_refusal_gives_the_reason():
    assert "deletes the atlassian-key-management IAM role" in delete_refused("atlassian-key-management-role")


def test_counter_names_service_and_operation():
    counter = ApiCallCounter()

    counter(event_name="before-send.cloudformation.DescribeStacks")
    counter(event_name="before-send.iam.GetRole")

    assert counter.as_result() == {"count": 2, "operations": ["cloudformation.DescribeStacks", "iam.GetRole"]}

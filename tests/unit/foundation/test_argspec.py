"""The module skeleton: credential families bring their options and constraints; merging never changes a family."""

import json

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api import argspec
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.argspec import (
    AWS,
    CLOUD_ADMIN,
    DATA_CENTER,
    SCIM,
    ArgumentSpec,
    create_ansible_module,
)

OWN = dict(key=dict(type="str", required=True))


def build(capsys, params, *families, **constraints):
    """The module's parameters, or the one-line message AnsibleModule fails with."""
    capsys.readouterr()
    with patch_module_args(params):
        try:
            return create_ansible_module(OWN, *families, **constraints).params
        except SystemExit:
            return json.loads(capsys.readouterr().out)["msg"]


def test_a_family_brings_its_constraints(capsys):
    message = build(capsys, {"key": "k", "url": "https://jira.example.com", "token": "personal-token-1", "password": "secret-password-1"},
                    DATA_CENTER)
    assert "mutually exclusive" in message and "token" in message and "password" in message
    message = build(capsys, {"key": "k", "url": "https://jira.example.com", "user": "admin"}, DATA_CENTER)
    assert "parameters are required together" in message and "password" in message
    message = build(capsys, {"key": "k", "access_key": "AKIA"}, AWS)
    assert "required together" in message and "secret_key" in message


def test_own_constraints_and_families_merge(capsys):
    params = build(capsys, {"key": "k", "org_id": "o", "api_key": "secret"}, CLOUD_ADMIN,
                   required_by={"key": ("org_id",)})
    assert params["key"] == "k" and params["api_url"] == "https://api.atlassian.com" and params["timeout"] == 30.0
    message = build(capsys, {"key": "k", "org_id": "o", "api_key": "secret"}, CLOUD_ADMIN,
                    mutually_exclusive=[("key", "org_id")])
    assert "mutually exclusive" in message


def test_merging_returns_a_new_spec_and_leaves_the_family_alone():
    before = json.dumps(DATA_CENTER.ansible_module_kwargs(), sort_keys=True, default=repr)
    merged = ArgumentSpec(OWN, required_together=[("key", "url")]).merge(DATA_CENTER)
    assert set(merged.argument_spec) == set(OWN) | set(DATA_CENTER.argument_spec)
    assert merged.required_together == [("key", "url"), ("user", "password")]
    assert json.dumps(DATA_CENTER.ansible_module_kwargs(), sort_keys=True, default=repr) == before


def test_an_option_defined_twice_is_a_programming_error():
    with pytest.raises(ValueError, match="options defined twice: timeout"):
        ArgumentSpec(dict(timeout=dict(type="int"))).merge(CLOUD_ADMIN)


@pytest.mark.parametrize("family, secrets", [
    (DATA_CENTER, {"password", "token"}),
    (CLOUD_ADMIN, {"api_key"}),
    (SCIM, {"directory_api_key"}),
    (AWS, {"access_key", "secret_key", "session_token"}),
], ids=["data_center", "cloud_admin", "scim", "aws"])
def test_secrets_are_no_log_at_the_source(family, secrets):
    assert {name for name, option in family.argument_spec.items() if option.get("no_log")} == secrets


def test_the_rest_families_share_the_http_options():
    http = set(argspec.http_argument_spec())
    assert all(http <= set(family.argument_spec) for family in (DATA_CENTER, CLOUD_ADMIN, SCIM))

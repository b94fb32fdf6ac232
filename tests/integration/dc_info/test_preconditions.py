"""dc_info's connector preconditions against the sandbox: version, system administrator, base URL, all at once."""

import pytest

from ansible_collections.dcops.atlassian_cloud.plugins.modules import dc_info


@pytest.mark.parametrize("persona", ["jira", "confluence"])
def test_an_administrator_on_the_reported_base_url_passes(sandbox, run_module, persona):
    reported = sandbox.url(persona).replace("https://localhost", "HTTPS://LOCALHOST") + "/"
    result = run_module(dc_info, connection=persona, require_cloud_connector=True, require_admin=True,
                        expected_base_url=reported)
    assert not result.get("failed"), result.get("msg")
    assert [(c["check"], c["ok"]) for c in result["checks"]] == [
        ("version", True), ("system_administrator", True), ("base_url", True)]
    assert {e["method"] for e in sandbox.log(persona)} == {"GET"}, "checking preconditions only reads"


@pytest.mark.parametrize("check_mode", [True, False])
def test_every_unmet_precondition_is_named_in_one_failure(sandbox, run_module, check_mode):
    persona = sandbox.persona("jira-old")
    params = sandbox.dc_params("jira-old", user=persona["non_admin_user"], password=persona["non_admin_password"],
                               require_cloud_connector=True, require_admin=True,
                               expected_base_url="https://jira.example.com")
    result = run_module(dc_info, params, check_mode=check_mode)
    assert result["failed"]
    assert "version 10.2.0; cloud connectors need Jira 11.3.0" in result["msg"]
    assert "is not a system administrator" in result["msg"]
    assert "not https://jira.example.com" in result["msg"]
    assert [c["ok"] for c in result["checks"]] == [False, False, False]


def test_without_requirements_nothing_is_checked(sandbox, run_module):
    result = run_module(dc_info, connection="jira-old")
    assert not result.get("failed") and result["checks"] == []

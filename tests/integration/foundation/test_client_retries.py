"""The shared client against real HTTPS with injected faults: retries, Retry-After, budgets, errors."""

import time

import pytest

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.client import (
    ApiClient,
    ApiError,
    RetryPolicy,
)

SERVER_INFO = r"^/rest/api/2/serverInfo$"


def jira_client(sandbox, **kwargs):
    retry = kwargs.pop("retry", RetryPolicy(max_attempts=6, max_total=20, base=0.05, cap=0.2))
    return ApiClient(sandbox.url("jira"), auth=("basic", "sandbox-admin", "sandbox-admin-password"),
                     ca_path=sandbox.ca_path, retry=retry, **kwargs)


def server_info_calls(sandbox):
    return [e for e in sandbox.log("jira") if e["path"] == "/rest/api/2/serverInfo"]


def test_429_with_retry_after_is_honoured(sandbox):
    sandbox.fault("jira", path=SERVER_INFO, status=429, headers={"Retry-After": "1"}, times=2)
    with jira_client(sandbox) as client:
        started = time.monotonic()
        response = client.call("jira.server_info")
        elapsed = time.monotonic() - started
    assert response.json()["version"] == "11.3.0"
    assert [e["status"] for e in server_info_calls(sandbox)] == [429, 429, 200]
    assert elapsed >= 2.0  # two waits of the server's Retry-After, not the 0.2 s backoff cap


def test_x_ratelimit_reset_is_honoured(sandbox):
    reset = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 2))
    sandbox.fault("jira", path=SERVER_INFO, status=429, headers={"X-RateLimit-Reset": reset}, times=1)
    with jira_client(sandbox) as client:
        started = time.monotonic()
        client.call("jira.server_info")
        assert time.monotonic() - started >= 0.5


@pytest.mark.parametrize("status", [502, 503, 504])
def test_gateway_errors_are_retried_for_get(sandbox, status):
    sandbox.fault("jira", path=SERVER_INFO, status=status, times=3)
    with jira_client(sandbox) as client:
        assert client.call("jira.server_info").status_code == 200
    assert [e["status"] for e in server_info_calls(sandbox)] == [status] * 3 + [200]


def test_dropped_connection_is_retried_for_get(sandbox):
    sandbox.fault("jira", path=SERVER_INFO, kind="drop", times=2)
    with jira_client(sandbox) as client:
        assert client.call("jira.server_info").status_code == 200
        assert client.calls == 3


def test_read_timeout_is_retried_then_succeeds(sandbox):
    sandbox.fault("jira", path=SERVER_INFO, kind="slow", delay=2.0, times=1)
    with jira_client(sandbox, timeout=0.5) as client:
        assert client.call("jira.server_info").status_code == 200
        assert client.calls == 2


def test_persistent_failure_gives_up_within_attempts(sandbox):
    sandbox.fault("jira", path=SERVER_INFO, status=503)
    retry = RetryPolicy(max_attempts=3, max_total=10, base=0.01, cap=0.02)
    with jira_client(sandbox, retry=retry) as client, pytest.raises(ApiError) as caught:
        client.call("jira.server_info")
    error = caught.value
    assert error.status == 503 and error.attempts == 3
    assert str(error).startswith("GET /rest/api/2/serverInfo returned HTTP 503")
    assert "after 3 attempts" in str(error)


def test_retry_after_beyond_budget_fails_fast_and_says_why(sandbox):
    sandbox.fault("jira", path=SERVER_INFO, status=429, headers={"Retry-After": "3600"})
    retry = RetryPolicy(max_attempts=5, max_total=5, base=0.01, cap=0.02)
    with jira_client(sandbox, retry=retry) as client, pytest.raises(ApiError) as caught:
        started = time.monotonic()
        client.call("jira.server_info")
    assert time.monotonic() - started < 2
    assert "asked to wait 3600 s, beyond the retry budget of 5 s" in str(caught.value)


def test_post_is_not_resent_after_a_dropped_response(sandbox):
    """A POST whose connection drops may have been processed: resending could duplicate it."""
    sandbox.fault("cloud", path=r"/groups$", method="POST", kind="drop", times=1)
    cloud = sandbox.persona("cloud")
    with ApiClient(cloud["url"], auth=("bearer", cloud["api_key"]), ca_path=sandbox.ca_path,
                   retry=RetryPolicy(base=0.01, cap=0.02)) as client:
        with pytest.raises(ApiError) as caught:
            client.call("cloud.groups.create", {"org_id": cloud["org_id"], "directory_id": cloud["directory_id"]},
                        json={"name": "g"})
        assert client.calls == 1
    assert caught.value.status is None
    assert "POST /admin/v2/orgs/" in str(caught.value)


def test_post_is_resent_after_429(sandbox):
    """429 proves the server did not act, so even a POST is sent again."""
    sandbox.fault("jira", path=SERVER_INFO, status=429, headers={"Retry-After": "0"}, times=1)
    with jira_client(sandbox) as client:
        response = client.request("POST", "/rest/api/2/serverInfo", expect=(405,), allow=(405,))
    assert response.status_code == 405
    assert [e["status"] for e in server_info_calls(sandbox)] == [429, 405]


def test_errors_never_carry_credentials(sandbox):
    with ApiClient(sandbox.url("jira"), auth=("basic", "sandbox-admin", "wrong-secret-value"),
                   ca_path=sandbox.ca_path) as client, pytest.raises(ApiError) as caught:
        client.request("GET", "/rest/applinks/1.0/manifest?token=query-secret-value", expect=(418,))
    text = str(caught.value) + repr(caught.value.body)
    assert "wrong-secret-value" not in text and "query-secret-value" not in text
    assert "GET /rest/applinks/1.0/manifest returned HTTP 200" in text


def test_tls_is_verified_by_default(sandbox):
    with ApiClient(sandbox.url("jira"), retry=RetryPolicy(max_attempts=1)) as client, \
            pytest.raises(ApiError) as caught:
        client.call("jira.server_info")
    assert "CERTIFICATE_VERIFY_FAILED" in str(caught.value)


def test_override_moves_an_operation(sandbox):
    with jira_client(sandbox, overrides={"jira.server_info": "/rest/applinks/1.0/manifest"}) as client:
        response = client.call("jira.server_info", headers={"Accept": "application/xml"})
    assert response.text.startswith("<?xml") and "<typeId>jira</typeId>" in response.text

"""Retry only what can succeed on a retry: TLS verification, name resolution and malformed requests fail at once."""

import socket
import time

import httpx
import pytest

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.client import (
    ApiClient,
    ApiError,
    RetryPolicy,
    permanent_failure,
)

RETRY = RetryPolicy(max_attempts=6, max_total=20, base=0.2, cap=0.5)


def test_certificate_verification_failure_is_not_retried(sandbox):
    # The system trust store does not know the sandbox CA.
    with ApiClient(sandbox.url("jira"), retry=RETRY) as client:
        started = time.monotonic()
        with pytest.raises(ApiError, match="TLS certificate verification failed; not retried") as caught:
            client.call("jira.server_info")
        assert time.monotonic() - started < 2
        assert caught.value.attempts == 1 and client.calls == 1


def test_refused_connection_is_retried_within_budget():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with ApiClient("https://127.0.0.1:%d" % port, retry=RetryPolicy(max_attempts=3, max_total=5, base=0.01, cap=0.02)) as client:
        with pytest.raises(ApiError, match="after 3 attempts"):
            client.call("jira.server_info")


def test_a_header_the_server_cannot_receive_is_not_retried(sandbox):
    with ApiClient(sandbox.url("jira"), ca_path=sandbox.ca_path, retry=RETRY) as client:
        with pytest.raises(ApiError) as caught:
            client.request("GET", "/rest/api/2/serverInfo", headers={"X-Bad": "a\r\nInjected: 1"})
        assert client.calls == 1 and caught.value.attempts == 1


def test_name_resolution_failure_is_permanent_but_a_temporary_one_is_not():
    def chained(cause):
        try:
            try:
                raise cause
            except OSError as exc:
                raise httpx.ConnectError("[Errno -2] Name or service not known") from exc
        except httpx.ConnectError as exc:
            return exc

    assert permanent_failure(chained(socket.gaierror(socket.EAI_NONAME, "Name or service not known")))
    temporary = chained(socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution"))
    temporary.args = ("[Errno -3] Temporary failure in name resolution",)
    assert permanent_failure(temporary) is None
    assert permanent_failure(httpx.ReadTimeout("timed out")) is None

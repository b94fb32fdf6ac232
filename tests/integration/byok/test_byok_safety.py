"""byok_role against an endpoint that does not speak AWS and echoes the signed request back: a one-line error,
no traceback, and neither the access key id nor the session token in the result."""

from __future__ import annotations

import base64
import json
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from byok.conftest import ACCESS_KEY, SECRET_KEY, ByokAccount
from helpers import echoing_endpoint

SESSION_TOKEN = "FwoGZXIvYXdzEByokFixtureSessionToken0123456789"


@pytest.fixture(params=[200, 500])
def echo_endpoint(request):
    with echoing_endpoint(request.param) as url:
        yield url


def forms(secret):
    return [secret, base64.b64encode(secret.encode()).decode(), quote(secret, safe=""), json.dumps(secret)[1:-1]]


def test_a_non_aws_answer_is_one_clean_line_without_credentials(echo_endpoint):
    account = ByokAccount(SimpleNamespace(endpoint=echo_endpoint, log=None))
    result = account.run(session_token=SESSION_TOKEN)
    assert result["status"] == "failed"
    assert "\n" not in result["msg"] and "Traceback" not in json.dumps(result)
    assert "not an AWS API response" in result["msg"] or "Internal Server Error" in result["msg"]
    text = json.dumps(result)
    for secret in (ACCESS_KEY, SECRET_KEY, SESSION_TOKEN):
        for form in forms(secret):
            assert form not in text


@pytest.mark.parametrize("endpoint_url, expected", [
    ("not a url", "white space"),
    ("ftp://127.0.0.1", "expected http:// or https://"),
    ("https://[::1", "is not a valid URL"),
])
def test_a_malformed_endpoint_url_is_named(endpoint_url, expected):
    account = ByokAccount(SimpleNamespace(endpoint="http://127.0.0.1:9", log=None))
    result = account.run(endpoint_url=endpoint_url)
    assert result["status"] == "failed" and expected in result["msg"]

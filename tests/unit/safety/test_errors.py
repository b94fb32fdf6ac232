"""The one error path: scrubbing of every encoded form of a secret, one-line messages, connection options."""

import base64
import json
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
import yaml

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api import module as api_module
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.errors import (
    MASK,
    CollectionError,
    ConnectionOptionsError,
    Scrubber,
    basic_auth_forms,
    fail_from_exception,
    one_line,
)

SECRET = "s3cr3t/p@ss+word=="
USER = "admin"


def encoded_forms(secret):
    raw = secret.encode()
    return [secret, base64.b64encode(raw).decode(), quote(secret, safe=""), quote_plus(secret), json.dumps(secret)[1:-1]]


@pytest.mark.parametrize("form", encoded_forms(SECRET) + encoded_forms("%s:%s" % (USER, SECRET)))
def test_every_form_of_a_known_secret_is_removed(form):
    scrub = Scrubber(forms=basic_auth_forms(USER, SECRET))
    assert form not in scrub("the server said: %s (echoed)" % form)


@pytest.mark.parametrize("text", [
    "headers: {'Authorization': 'Basic ZnJlZDpodW50ZXIy'}",
    "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc123",
    '{"client_secret": "cs-998877665544", "x": 1}',
    '{\\"api_key\\":\\"ak-123456789\\"}',
    "https://host/path?token=tok-555666777&x=1",
])
def test_credential_shaped_fragments_of_unknown_secrets_are_removed(text):
    scrubbed = Scrubber()(text)
    for value in ("ZnJlZDpodW50ZXIy", "eyJhbGciOiJIUzI1NiJ9", "cs-998877665544", "ak-123456789", "tok-555666777"):
        assert value not in scrubbed
    assert MASK in scrubbed


def test_prose_about_authentication_survives_scrubbing():
    text = "Bearer authentication failed: token expired; password: too short"
    assert Scrubber()(text) == text


def test_one_line_collapses_and_bounds():
    assert one_line("a\n  b\tc") == "a b c"
    assert len(one_line("x" * 5000)) == 1000


class FakeModule:
    def __init__(self, secrets=()):
        self.no_log_values = set(secrets)
        self.failed = None

    def fail_json(self, **kwargs):
        self.failed = kwargs
        raise SystemExit(1)


def test_fail_from_exception_is_one_line_scrubbed_and_keeps_details():
    module = FakeModule([SECRET])
    error = CollectionError("server echoed %s\nand more" % base64.b64encode(SECRET.encode()).decode(),
                            written=["a", "b"])
    with pytest.raises(SystemExit):
        fail_from_exception(module, error, msg="Context")
    assert module.failed["msg"].startswith("Context: server echoed %s and more" % MASK)
    assert module.failed["written"] == ["a", "b"]


def test_fail_from_exception_names_file_errors():
    module = FakeModule()
    with pytest.raises(SystemExit):
        fail_from_exception(module, PermissionError(13, "Permission denied", "/etc/x"))
    assert module.failed["msg"] == "/etc/x: Permission denied"


def cloud(**extra):
    params = {"api_url": "https://api.example.com", "org_id": "org-1", "api_key": "key-1", "ca_path": None,
              "timeout": 30.0, "retry_max_time": 120.0, "api_overrides": {}, "validate_certs": True}
    params.update(extra)
    return params


CONNECTION_OPTION_CASES = yaml.safe_load((Path(__file__).resolve().parent / "connection_option_cases.yml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CONNECTION_OPTION_CASES,
                         ids=["%s=%s" % (case["option"], json.dumps(case["value"])) for case in CONNECTION_OPTION_CASES])
def test_connection_options_are_checked(case):
    with pytest.raises(ConnectionOptionsError, match=case["error"].replace("(", r"\(")) as caught:
        api_module.validate_cloud(cloud(**{case["option"]: case["value"]}))
    assert "key-1" not in str(caught.value)

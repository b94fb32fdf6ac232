"""Connector logic without the network: credentials files, fingerprints, status waiting, the cloud plan."""

import os
import stat

import pytest

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._connector import credentials as creds
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.urls import normalize_base_url
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._connector.cloud import ConnectorError, ensure
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._connector.status import label, wait_for

SECRET = {"client_id": "cc_1", "client_secret": "ccs_very-secret"}


def test_credentials_file_is_private_and_round_trips(tmp_path):
    path = creds.CredentialsFile(str(tmp_path / "new" / "c.json")).write(SECRET, {"id": "c1", "base_url": "https://j"})
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode) == 0o700
    assert creds.read_file(path) == SECRET
    assert os.listdir(tmp_path / "new") == ["c.json"]
    assert creds.held_for(path, "c1") and not creds.held_for(path, "c2")


def test_credentials_destination_is_checked_without_writing(tmp_path):
    with pytest.raises(creds.CredentialsError, match="is a directory"):
        creds.CredentialsFile(str(tmp_path)).check()
    (tmp_path / "file").write_text("x")
    with pytest.raises(creds.CredentialsError, match="is not a directory"):
        creds.CredentialsFile(str(tmp_path / "file" / "c.json")).check()
    destination = creds.CredentialsFile(str(tmp_path / "a" / "b" / "c.json"))
    destination.check()
    assert not (tmp_path / "a").exists()
    destination.prepare()
    destination.discard()
    assert os.listdir(tmp_path / "a" / "b") == []


def test_unreadable_credentials_never_echo_the_content(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"client_id": "x", "client_secret": ""}')
    with pytest.raises(creds.CredentialsError) as error:
        creds.read_file(str(bad))
    assert "client_secret" in str(error.value)
    with pytest.raises(creds.CredentialsError):
        creds.read_file(str(tmp_path / "missing.json"))


def test_fingerprint_changes_with_the_secret_and_hides_it():
    one = creds.fingerprint("cc_1", "a")
    assert one.startswith("sha256:") and "a" != one[7:]
    assert one != creds.fingerprint("cc_1", "b")
    expected = {"client_id": "cc_1", "fingerprint": creds.fingerprint("cc_1", "ccs_very-secret")}
    assert creds.public_view(SECRET) == expected


def test_base_urls_compare_loosely_on_host_strictly_on_path():
    assert normalize_base_url("HTTPS://Jira.Example.com/") == "https://jira.example.com"
    assert normalize_base_url("https://Wiki.example.com/Confluence/") == "https://wiki.example.com/Confluence"


def test_labels():
    assert label("CONNECTED") == "Connected" and label("interrupted") == "Interrupted"
    assert label("SOMETHING_NEW") == "SOMETHING_NEW" and label(None) is None


def test_wait_reports_where_it_ended():
    clock = [0.0]
    reads = iter(["Initialized", "Initialized", "Connected"])
    status, reached, waited = wait_for(lambda: next(reads), "Connected", 10, 2,
                                       sleep=lambda s: clock.__setitem__(0, clock[0] + s), clock=lambda: clock[0])
    assert (status, reached, waited) == ("Connected", True, 4.0)

    clock = [0.0]
    status, reached, waited = wait_for(lambda: "Interrupted", "Connected", 5, 2,
                                       sleep=lambda s: clock.__setitem__(0, clock[0] + s), clock=lambda: clock[0])
    assert (status, reached, waited) == ("Interrupted", False, 5.0)


class FakeOrg:
    """The cloud API as the plan sees it; records what would be written."""

    def __init__(self, connector=None, apps=()):
        self.connector = connector
        self._apps = list(apps)
        self.calls = []

    def find(self, connector_id=None, base_url=None):
        return self.connector

    def get(self, connector_id):
        return self.connector

    def apps(self, connector_id):
        return list(self._apps)

    def delete_app(self, connector_id, app_id):
        self.calls.append(("delete_app", app_id))

    def disable(self, connector_id):
        self.calls.append(("disable",))

    def rotate(self, connector_id):
        self.calls.append(("rotate",))
        return dict(SECRET)

    def create(self, base_url, name):
        self.calls.append(("create", base_url, name))
        return {"id": "c1", "base_url": base_url, "status": "Initialized"}, dict(SECRET)


CONNECTED = {"id": "c1", "base_url": "https://jira", "status": "Connected"}
APPS = [{"id": "a1", "type": "rovo-jira", "name": "Rovo for Jira"},
        {"id": "a2", "type": "portfolio-insights", "name": "Portfolio Insights"}]


def test_disable_refusal_names_every_app_and_writes_nothing():
    org = FakeOrg(CONNECTED, APPS)
    with pytest.raises(ConnectorError) as error:
        ensure(org, "disabled", base_url="https://jira")
    assert "Rovo for Jira (a1)" in str(error.value) and "Portfolio Insights (a2)" in str(error.value)
    assert org.calls == []


def test_disable_removes_apps_first_when_asked():
    org = FakeOrg(CONNECTED, APPS)
    result, credentials = ensure(org, "disabled", base_url="https://jira", remove_app_connectors=True)
    assert org.calls == [("delete_app", "a1"), ("delete_app", "a2"), ("disable",)]
    assert result["changed"] and credentials is None


def test_nothing_is_issued_where_it_would_be_lost():
    org = FakeOrg(None)
    with pytest.raises(ConnectorError):
        ensure(org, "present", base_url="https://jira", name="J", can_receive_credentials=False)
    assert org.calls == []
    result, credentials = ensure(FakeOrg(CONNECTED), "present", base_url="https://jira", name="J",
                                 can_receive_credentials=False)
    assert result["changed"] is False and credentials is None


def test_check_mode_plans_without_calls():
    org = FakeOrg(None)
    result, credentials = ensure(org, "present", base_url="https://jira", name="J", check_mode=True)
    assert result["changed"] and credentials is None and org.calls == []
    org = FakeOrg(CONNECTED)
    result, credentials = ensure(org, "rotated", base_url="https://jira", check_mode=True)
    assert result["changed"] and credentials is None and org.calls == []


def test_enabled_on_an_enabled_connector_is_unchanged():
    result, credentials = ensure(FakeOrg(CONNECTED), "enabled", connector_id="c1")
    assert result["changed"] is False and credentials is None

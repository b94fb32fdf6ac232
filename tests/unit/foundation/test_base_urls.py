"""The one normal form of a base URL (``_api/urls.normalize_base_url``) and what each of its callers needs from it:
the product's reported base URL against the expected one (``_dc.info.preconditions``, the readiness base_url
check), an instance against the base URL an organization connector recorded (``OrgConnectors.find``, the
readiness org_connector check), and an allowlist rule against the cloud URL (readiness allowlist check)."""

import pytest

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.urls import normalize_base_url
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._connector.cloud import OrgConnectors
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._dc import info
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._readiness import instance, org
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._readiness.checks import DONE, MISSING, RISK

SAME_INSTANCE = [
    ("https://jira.example.com:443/", "https://jira.example.com"),
    ("HTTPS://Jira.Example.COM", "https://jira.example.com/"),
    ("http://jira.example.com:80", "http://jira.example.com"),
    ("https://wiki.example.com/confluence/", "https://wiki.example.com:443/confluence"),
    (" https://jira.example.com// ", "https://jira.example.com"),
    ("https://[2001:DB8::1]:443/jira", "https://[2001:db8::1]/jira"),
]
OTHER_INSTANCE = [
    ("https://jira.example.com:8443", "https://jira.example.com"),
    ("http://jira.example.com:443", "http://jira.example.com"),
    ("http://jira.example.com", "https://jira.example.com"),
    ("https://wiki.example.com/Confluence", "https://wiki.example.com/confluence"),
    ("https://wiki.example.com/confluence", "https://wiki.example.com"),
    ("https://[2001:db8::1]:8443", "https://[2001:db8::1]"),
]


SAME_IDS = ["default-https-port", "case-of-scheme-and-host", "default-http-port", "context-path-with-port",
            "white-space-and-slashes", "ipv6"]
OTHER_IDS = ["other-port", "https-port-on-http", "other-scheme", "case-of-context-path", "context-path-or-none",
             "ipv6-other-port"]


@pytest.mark.parametrize("one, other", SAME_INSTANCE, ids=SAME_IDS)
def test_the_same_instance_has_one_normal_form(one, other):
    assert normalize_base_url(one) == normalize_base_url(other)


@pytest.mark.parametrize("one, other", OTHER_INSTANCE, ids=OTHER_IDS)
def test_another_instance_stays_apart(one, other):
    assert normalize_base_url(one) != normalize_base_url(other)


def test_the_normal_form_reads_as_a_url():
    assert normalize_base_url("HTTPS://Jira.Example.com:443/") == "https://jira.example.com"
    assert normalize_base_url("https://Wiki.example.com:8443/Confluence/") == "https://wiki.example.com:8443/Confluence"
    assert normalize_base_url("https://[2001:db8::1]:8443/") == "https://[2001:db8::1]:8443"


def test_text_without_a_scheme_and_odd_ports_never_raise():
    assert normalize_base_url("*.atlassian.com/") == "*.atlassian.com"
    assert normalize_base_url(None) == "" and normalize_base_url("") == ""
    assert normalize_base_url("https://Jira.example.com:port/x/") == "https://jira.example.com:port/x"
    assert normalize_base_url("https://[2001:DB8::1/Jira/") == "https://[2001:db8::1/Jira"


def test_product_base_url_precondition_ignores_the_default_port():
    facts = {"base_url": "https://jira.example.com:443/"}
    [same] = info.preconditions(None, facts, "https://jira.example.com", expected_base_url="https://JIRA.example.com")
    [other] = info.preconditions(None, facts, "https://jira.example.com", expected_base_url="https://jira.example.com:8443")
    assert (same["check"], same["ok"]) == ("base_url", True)
    assert other["ok"] is False


def test_readiness_base_url_check_ignores_the_default_port():
    assert instance._base_url({"base_url": "https://jira.example.com:443/"}, "https://jira.example.com", "j")["state"] == DONE
    assert instance._base_url({"base_url": "https://jira.example.com:8443"}, "https://jira.example.com", "j")["state"] == RISK


class _Listed(object):
    """The organization's connector list, already read (OrgConnectors.find pages through list())."""

    def __init__(self, connectors):
        self.connectors = connectors

    def paginate_cursor(self, operation, path_params=None):
        assert operation == "cloud.org_connectors.list"
        return iter(self.connectors)


CONNECTOR = {"id": "c1", "name": "Jira", "baseUrl": "https://jira.example.com:443/", "status": "CONNECTED"}


def test_the_connector_of_an_instance_is_found_whatever_the_default_port():
    connectors = OrgConnectors(_Listed([CONNECTOR]), "org-1")
    assert connectors.find(base_url="https://Jira.example.com")["id"] == "c1"
    assert connectors.find(base_url="https://jira.example.com:8443") is None


def test_readiness_joins_instance_and_connector_by_the_normal_form():
    listed = {"connectors": [{"id": "c1", "name": "Jira", "base_url": "https://jira.example.com:443/",
                              "status": "Connected", "apps": []}], "error": None}
    assert org.connector_check(listed, "https://jira.example.com", "j")["state"] == DONE
    assert org.connector_check(listed, "https://jira.example.com/other", "j")["state"] == MISSING


def test_allowlist_rule_for_the_cloud_url_matches_with_or_without_the_port():
    assert instance._covers({"type": "exact", "expression": "https://api.atlassian.com:443/"})
    assert instance._covers({"type": "domain", "expression": "HTTPS://API.atlassian.com"})
    assert not instance._covers({"type": "exact", "expression": "https://api.atlassian.com:8443"})

"""The readiness report's pure parts: the read-only guard, allowlist coverage, the tunnel check on a real
server.xml, the matrix aggregation over nodes, and the renderers."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.client import ApiClient, ApiError
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._readiness import instance, node, report
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._readiness.checks import check
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._readiness.readonly import WriteRefused, guard

SERVER_XML = Path(__file__).resolve().parents[2] / "integration" / "tomcat" / "files" / "jira_node_server.xml"
ROOT = Path(__file__).resolve().parents[3]


def test_the_guard_refuses_writes_before_sending_and_lets_searches_through():
    # Nothing listens on port 9: a request that got past the guard fails with a connection error instead.
    client = guard(ApiClient("https://127.0.0.1:9", timeout=1, retry=None))
    with pytest.raises(WriteRefused, match="never sends POST /rest/whitelist/latest/whitelist"):
        client.call("dc.allowlist.create", json={})
    with pytest.raises(WriteRefused, match="DELETE"):
        client.call("cloud.app_connectors.delete", path_params={"org_id": "o", "connector_id": "c", "app_id": "a"})
    with pytest.raises(ApiError):
        list(client.paginate_cursor("cloud.groups.search", {"org_id": "o", "directory_id": "d"}, json={}))
    with pytest.raises(ApiError):
        client.call("jira.server_info")


@pytest.mark.parametrize("rule, covers", [
    ({"type": "domain", "expression": "https://api.atlassian.com"}, True),
    ({"type": "exact", "expression": "https://API.atlassian.com/"}, True),
    ({"type": "wildcard", "expression": "https://*.atlassian.com/*"}, True),
    ({"type": "regex", "expression": r"https://api\.atlassian\.com.*"}, True),
    ({"type": "domain", "expression": "https://atlassian.com"}, False),
    ({"type": "regex", "expression": "(("}, False),
    ({"type": "application_link", "expression": "https://api.atlassian.com"}, False),
])
def test_allowlist_coverage(rule, covers):
    assert instance._covers(rule) is covers


def test_tunnel_on_a_stock_server_xml(tmp_path):
    text = SERVER_XML.read_text().replace("@HTTP_PORT@", "8080")
    path = tmp_path / "server.xml"
    path.write_text(text)
    plain = node.tunnel(str(path), True, limit="jira-1")
    assert plain["state"] == "missing"
    assert plain["reason"].endswith('port 8080 protocol HTTP/1.1 at line 37 is not set up for the tunnel: '
                                    'secure="false", scheme="http"')
    assert plain["fix"].endswith("--tags tunnel --limit jira-1")
    path.write_text(text.replace('<Connector port="8080" address="127.0.0.1"',
                                 '<Connector port="8080" address="127.0.0.1" secure="true" scheme="https" '
                                 'proxyName="jira.example.com" proxyPort="443"', 1))
    assert node.tunnel(str(path), True, proxy_name="jira.example.com", proxy_port=443)["state"] == "done"
    assert node.tunnel(str(path), True, proxy_name="wiki.example.com")["state"] == "missing"
    assert node.tunnel(str(path), False)["state"] == "done"
    assert node.tunnel(str(tmp_path / "absent.xml"), True)["state"] == "unknown"
    assert node.tunnel(None, True)["fix"].startswith("Set app_tunnel_install_dir")


def _instance(name, states, supported=True):
    return {"name": name, "url": "https://%s.example.com" % name, "base_url": "https://%s.example.com" % name,
            "product": "jira", "version": "11.3.0" if supported else "10.2.0", "reachable": True,
            "cloud_connector_supported": supported,
            "checks": [check(c, states.get(c, "done"), "r") for c in instance.INSTANCE_CHECKS]}


def _node(name, inst, **states):
    return {"name": name, "instance": inst, "backend": "nftables",
            "checks": [check(c, states.get(c, "done"), "%s %s" % (name, c), name) for c in node.NODE_CHECKS]}


def test_a_cell_over_nodes_is_the_worst_node_and_names_it():
    organization = {"connectors": {"connectors": [{"id": "c1", "name": "a", "base_url": "https://a.example.com/",
                                                   "status": "Connected", "apps": []}], "error": None},
                    "checks": []}
    document = report.build(
        [_instance("a", {}), _instance("b", {"allowlist": "missing"})],
        [_node("a-1", "a"), _node("a-2", "a", egress="risk"), _node("a-3", "a", egress="missing"),
         {"name": "b-1", "instance": "b", "unreached": "timed out"}, _node("x-1", "nowhere")],
        organization)
    cells = {row["name"]: {c["id"]: c for c in row["cells"]} for row in document["instances"]}
    egress = cells["a"]["egress"]
    assert egress["state"] == "risk" and egress["reason"].startswith("1 of 3 nodes done; a-2: a-2 egress")
    assert egress["fix"].endswith("--tags egress --limit a-2")
    assert cells["a"]["org_connector"]["state"] == "done"
    assert cells["b"]["org_connector"]["state"] == "missing"
    assert cells["b"]["tunnel"]["state"] == "unknown" and "not reached: timed out" in cells["b"]["tunnel"]["reason"]
    assert document["nodes_without_instance"] == ["x-1"]
    # Without an organization result, the cloud side is unknown and says what to set.
    alone = report.build([_instance("old", {}, supported=False)], [], None)
    org = {c["id"]: c for c in alone["organization"]["checks"]}
    assert org["auth_policies"]["state"] == "unknown" and "atlassian_org_api_key" in org["auth_policies"]["fix"]
    assert {c["id"]: c["state"] for c in alone["instances"][0]["cells"]}["org_connector"] == "risk"


def test_renderings_are_deterministic_and_fit_a_screen():
    document = report.build([_instance("jira-prod", {"companion": "missing"})], [_node("jira-prod-1", "jira-prod")],
                            None)
    assert report.render_html(document) == report.render_html(json.loads(report.render_json(document)))
    lines = report.summary_lines(document)
    assert len(lines) <= 14 and max(len(line) for line in lines) <= 160
    assert lines[2].split()[:2] == ["jira-prod", "done"]
    markdown = report.render_markdown(document)
    assert "| jira-prod | done | done | done | done | done | done | missing |" in markdown


def test_the_json_schema_accepts_a_report():
    schema = json.loads((ROOT / "docs" / "readiness_report.schema.json").read_text())
    document = report.build([_instance("a", {"allowlist": "missing"})], [_node("a-1", "a")], None)
    jsonschema.validate(json.loads(report.render_json(document)), schema)
    document["instances"][0]["cells"][0]["state"] = "fine"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, schema)


def test_byok_states_from_the_role_stack_verification():
    from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._byok.stack import StackError
    from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._readiness.org import byok_check

    def absent():
        raise StackError("stack atlassian-key-management-role does not exist: run with state=present to create it")

    assert byok_check(None)["state"] == "unknown"
    assert byok_check(absent)["state"] == "missing"
    result = {"stack_name": "s", "stack_status": "CREATE_COMPLETE", "account_mfa_enabled": False}
    risky = byok_check(lambda: (result, ["two-factor authentication is off"]))
    assert risky["state"] == "risk" and risky["fix"].endswith("--tags byok")
    assert byok_check(lambda: (dict(result, account_mfa_enabled=True), []))["state"] == "done"

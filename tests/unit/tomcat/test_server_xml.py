"""Byte-minimal Connector edits on stock Jira and Confluence server.xml files."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from lxml import etree

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._tomcat.server_xml import (
    ConnectorPlan,
    ServerXml,
    ServerXmlError,
    ServerXmlSelectionError,
    plan_connector,
)

FILES = Path(__file__).resolve().parent / "files"
TUNNEL = {"secure": "true", "scheme": "https", "proxyName": "jira.example.com", "proxyPort": "443"}


def stock(name, line_ending="\n"):
    raw = (FILES / name).read_bytes()
    return raw.replace(b"\n", line_ending.encode())


def outside_tag(raw, line):
    """Lines of the file with the connector's start tag (from `line` to its closing bracket) cut out."""
    lines = raw.splitlines(keepends=True)
    end = line - 1
    while not lines[end].rstrip().endswith(b">"):
        end += 1
    return lines[:line - 1], lines[end + 1:]


@pytest.mark.parametrize("name,line,indent", [("jira_server.xml", 36, 19), ("confluence_server.xml", 10, 19)])
@pytest.mark.parametrize("line_ending", ["\n", "\r\n"])
def test_stock_files_change_only_inside_the_connector_tag(name, line, indent, line_ending):
    raw = stock(name, line_ending)
    plan = plan_connector(raw, attributes=TUNNEL)

    assert plan.changed and plan.line == line
    assert outside_tag(plan.after, line) == outside_tag(raw, line)
    tag_lines = plan.after.splitlines(keepends=True)[line - 1:]
    added = [b' ' * indent + b'secure="true"', b' ' * indent + b'scheme="https"',
             b' ' * indent + b'proxyName="jira.example.com"', b' ' * indent + b'proxyPort="443"/>']
    assert [entry in tag_lines for entry in (a + line_ending.encode() for a in added)] == [True] * 4
    original_tag_lines = raw.splitlines(keepends=True)[line - 1:]
    # The original attribute lines are untouched except the last one, which lost its `/>`.
    last = next(i for i, text in enumerate(original_tag_lines) if text.rstrip().endswith(b"/>"))
    assert tag_lines[:last] == original_tag_lines[:last]
    assert tag_lines[last] == original_tag_lines[last].replace(b"/>", b"")
    assert plan.connector_attributes()["secure"] == "true"


def test_jira_relaxed_query_chars_keep_their_character_references():
    raw = stock("jira_server.xml")
    plan = plan_connector(raw, attributes=TUNNEL)
    assert b'relaxedQueryChars="[]|{}^&#x5c;&#x60;&quot;&lt;&gt;"' in plan.after
    assert plan.connector_attributes()["relaxedQueryChars"] == '[]|{}^\\`"<>'
    assert plan.after.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n<!--\n')


def test_second_run_plans_no_change():
    first = plan_connector(stock("jira_server.xml", "\r\n"), attributes=TUNNEL)
    second = plan_connector(first.after, attributes=TUNNEL)
    assert not second.changed and second.changes == []
    assert second.after == first.after


def test_changes_list_before_and_after_values():
    raw = stock("confluence_server.xml").replace(b'acceptCount="10"', b'acceptCount="10" proxyPort="80"')
    plan = plan_connector(raw, attributes={"proxyPort": 443, "secure": True}, absent_attributes=["acceptCount"])
    assert plan.changes == [
        {"attribute": "proxyPort", "before": "80", "after": "443"},
        {"attribute": "acceptCount", "before": "10", "after": None},
        {"attribute": "secure", "before": None, "after": "true"},
    ]


SINGLE = b'<Server port="8005" shutdown="SHUTDOWN"><Service name="Catalina">\n  %s\n</Service></Server>\n'


TAG_LAYOUT_CASES = yaml.safe_load((Path(__file__).resolve().parent / "tag_layout_cases.yml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", TAG_LAYOUT_CASES, ids=[case["case"] for case in TAG_LAYOUT_CASES])
def test_tag_layout(case):
    tag, expected = case["tag"].encode(), case["expected"].encode()
    plan = plan_connector(SINGLE % tag, attributes=case["set"], absent_attributes=case["remove"])
    assert plan.after == SINGLE % expected
    assert plan.changed == (tag != expected)


def test_escaped_values_round_trip_exactly():
    value = 'x & y < z "q" \'s\'\ttab\nline\r€'
    plan = plan_connector(SINGLE % b'<Connector port="8080"/>', attributes={"relaxedPathChars": value})
    assert plan.connector_attributes()["relaxedPathChars"] == value
    assert not plan_connector(plan.after, attributes={"relaxedPathChars": value}).changed


def test_iso_8859_1_file_keeps_its_encoding_and_bytes():
    raw = (
        '<?xml version="1.0" encoding="ISO-8859-1"?>\n<!-- Zürich, Genève -->\n'
        '<Server port="8005"><Service name="Catalina">\n'
        '  <Connector port="8080" protocol="HTTP/1.1" proxyName="café.example"/>\n'
        "</Service></Server>\n"
    ).encode("iso-8859-1")
    plan = plan_connector(raw, attributes={"proxyName": "münchen.example", "scheme": "€uro"})
    assert plan.document.encoding.upper() == "ISO-8859-1"
    assert plan.after.startswith(raw[:raw.index(b"<Connector")])
    assert b'proxyName="m\xfcnchen.example"' in plan.after
    assert b'scheme="&#8364;uro"' in plan.after
    assert plan.connector_attributes()["scheme"] == "€uro"


def test_utf8_byte_order_mark_is_kept():
    raw = b"\xef\xbb\xbf" + SINGLE % b'<Connector port="8080"/>'
    plan = plan_connector(raw, attributes={"secure": "true"})
    assert plan.after.startswith(b"\xef\xbb\xbf<Server")


def test_default_selection_is_the_single_plain_http_connector():
    connectors = (
        b'<Connector port="8009" protocol="AJP/1.3" redirectPort="8443"/>\n'
        b'  <Connector port="8443" SSLEnabled="true" scheme="https"/>\n'
        b'  <!-- <Connector port="9090" protocol="HTTP/1.1"/> -->\n'
        b'  <Connector port="8080"/>'
    )
    plan = plan_connector(SINGLE % connectors, attributes={"secure": "true"})
    assert plan.connector.port == "8080" and plan.line == 5


def test_commented_connectors_are_never_candidates():
    document = ServerXml(stock("jira_server.xml"))
    assert [(c.port, c.protocol, c.tag.line) for c in document.connectors()] == [("8080", "HTTP/1.1", 36)]


def test_ambiguous_default_selection_lists_every_connector():
    connectors = b'<Connector port="8080"/>\n  <Connector port="8081" protocol="HTTP/1.1"/>\n  <Connector port="8009" protocol="AJP/1.3"/>'
    with pytest.raises(ServerXmlSelectionError) as failure:
        plan_connector(SINGLE % connectors, attributes={"secure": "true"})
    assert failure.value.candidates == [
        {"port": "8080", "protocol": "HTTP/1.1", "line": 2},
        {"port": "8081", "protocol": "HTTP/1.1", "line": 3},
        {"port": "8009", "protocol": "AJP/1.3", "line": 4},
    ]
    assert "2 connectors match the plain HTTP connector" in str(failure.value)
    assert "port 8009 protocol AJP/1.3 at line 4" in str(failure.value)


@pytest.mark.parametrize(
    "port,protocol,selected",
    [(8081, None, "8081"), (None, "AJP/1.3", "8009"), (8080, "HTTP/1.1", "8080"), (None, "org.x.Http11Nio", "8082")],
)
def test_selection_by_port_and_protocol(port, protocol, selected):
    connectors = (
        b'<Connector port="8080"/>\n  <Connector port="8081" protocol="HTTP/1.1"/>\n'
        b'  <Connector port="8009" protocol="AJP/1.3"/>\n  <Connector port="8082" protocol="org.x.Http11Nio"/>'
    )
    plan = plan_connector(SINGLE % connectors, port=port, protocol=protocol, attributes={"secure": "true"})
    assert plan.connector.port == selected


def test_no_matching_port_lists_candidates():
    with pytest.raises(ServerXmlSelectionError, match=r"no connector matches a connector with port 9999.*port 8080 protocol HTTP/1\.1 at line 36"):
        plan_connector(stock("jira_server.xml"), port=9999, attributes={"secure": "true"})


@pytest.mark.parametrize(
    "raw,message",
    [
        (b"", "the file is empty"),
        (b"this is not xml", "not well-formed XML"),
        (b"<Server><Service></Server>", "not well-formed XML"),
        (b'<web-app><Connector port="8080"/></web-app>', r"not a Tomcat server.xml: .* found <web-app>"),
        (b'<Server port="8005"><Connector port="8080"/></Server>', "not a Tomcat server.xml"),
        (SINGLE % b"", "no connector matches the plain HTTP connector.*Connectors in the file: none"),
    ],
)
def test_unusable_files_fail_with_a_clear_message(raw, message):
    with pytest.raises(ServerXmlError, match=message):
        plan_connector(raw, attributes={"secure": "true"})


@pytest.mark.parametrize(
    "attributes,absent,message",
    [
        ({"port": "http"}, [], r"attribute port must be an integer port number \(0-65535\), got 'http'"),
        ({"port": "70000"}, [], "attribute port must be an integer port number"),
        ({"proxyPort": "443x"}, [], "attribute proxyPort must be an integer"),
        ({"proxyName": None}, [], "list it in absent_attributes"),
        ({"proxyName": ["a"]}, [], "must be a string, number or boolean"),
        ({"bad name": "x"}, [], "cannot be written to XML"),
        ({"x:secure": "true"}, [], "namespace prefix"),
        ({"proxyName": "a\x00b"}, [], "cannot be written to XML"),
        ({"secure": "true"}, ["secure"], "overlap: secure"),
    ],
)
def test_invalid_requests_fail_before_touching_anything(attributes, absent, message):
    with pytest.raises(ServerXmlError, match=message):
        plan_connector(stock("jira_server.xml"), attributes=attributes, absent_attributes=absent)


def test_port_attribute_can_be_changed_to_a_number():
    plan = plan_connector(stock("jira_server.xml"), attributes={"port": 8081})
    assert b'<Connector port="8081" relaxedPathChars' in plan.after


def test_verification_rejects_a_patch_that_changes_anything_else():
    raw = stock("jira_server.xml")
    plan = plan_connector(raw, attributes={"secure": "true"})
    from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._tomcat.server_xml import verify_plan

    tampered_text = plan.new_text.replace('maxThreads="150"', 'maxThreads="151"', 1)
    tampered = ConnectorPlan(plan.document, plan.connector, tampered_text, plan.changes)
    with pytest.raises(ServerXmlError, match="more than the requested attributes"):
        verify_plan(tampered, {"secure": "true"}, [])
    broken = ConnectorPlan(plan.document, plan.connector, plan.new_text.replace('secure="true"', 'secure="true', 1), [])
    with pytest.raises(ServerXmlError, match="would not be well-formed"):
        verify_plan(broken, {"secure": "true"}, [])
    # the same check accepts the real plan
    verify_plan(plan, {"secure": "true"}, [])


def test_external_entities_are_not_loaded(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("do-not-read")
    raw = (
        b'<?xml version="1.0"?>\n<!DOCTYPE Server [ <!ENTITY leak SYSTEM "file://%s"> ]>\n'
        b'<Server port="8005"><Service name="Catalina"><Connector port="8080" proxyName="x"/>&leak;</Service></Server>\n'
        % str(secret).encode()
    )
    plan = plan_connector(raw, attributes={"secure": "true"})
    assert b"do-not-read" not in etree.tostring(plan.document.tree)
    assert plan.after == raw.replace(b'proxyName="x"/>', b'proxyName="x" secure="true"/>')

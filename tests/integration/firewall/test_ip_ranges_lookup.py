"""The ip_ranges lookup against a local file and a real HTTPS server on loopback (trustme CA)."""

from __future__ import annotations

import http.server
import json
import ssl
import threading

import pytest
import trustme
import yaml

from helpers import run_playbook

DOCUMENT = {
    "creationDate": "2026-01-05T10:00:00.000000", "syncToken": 1767607200,
    "items": [
        {"network": "104.192.136.0", "mask_len": 21, "cidr": "104.192.136.0/21", "mask": "255.255.248.0",
         "region": ["us-east-1"], "product": ["jira", "confluence"], "direction": ["ingress", "egress"]},
        {"network": "104.192.144.0", "mask_len": 21, "cidr": "104.192.144.0/21", "mask": "255.255.248.0",
         "region": ["us-east-1"], "product": ["jira"], "direction": ["ingress"]},
        {"network": "185.166.140.0", "mask_len": 22, "cidr": "185.166.140.0/22", "mask": "255.255.252.0",
         "region": ["eu-west-1"], "product": ["bitbucket"], "direction": ["ingress"]},
        {"network": "2401:1d80:3000::", "mask_len": 36, "cidr": "2401:1d80:3000::/36", "mask": "ffff:ffff:f000::",
         "region": ["global"], "product": ["jira"], "direction": ["ingress"]},
        {"network": "13.52.5.96", "mask_len": 28, "cidr": "13.52.5.96/28", "mask": "255.255.255.240",
         "region": ["us-west-1"], "product": ["jira"], "direction": ["egress"]},
    ],
}


def lookups(*queries):
    """Evaluate query('dcops.atlassian_cloud.ip_ranges', **options) for each options dict in one playbook.

    Returns one entry per query: the list of CIDRs, or the failure message.
    """
    tasks = []
    for index, options in enumerate(queries):
        args = ", ".join("%s=%s" % (k, json.dumps(v)) for k, v in options.items())
        tasks.append({"name": "query %d" % index, "ignore_errors": True, "ansible.builtin.set_fact": {
            "ranges": "{{ query('dcops.atlassian_cloud.ip_ranges', %s) }}" % args}})
    run = run_playbook(yaml.safe_dump([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}]))
    answers = []
    for index in range(len(queries)):
        result = run.task("query %d" % index)
        if result["status"] == "failed":
            answers.append(result["result"]["msg"])
        else:
            answers.append(result["result"]["ansible_facts"]["ranges"])
    return answers


@pytest.fixture(scope="module")
def ranges_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("ranges") / "ip-ranges.json"
    path.write_text(json.dumps(DOCUMENT))
    return path


@pytest.fixture(scope="module")
def https_mirror(tmp_path_factory):
    """A loopback HTTPS server serving the document, with its own CA."""
    ca = trustme.CA()
    directory = tmp_path_factory.mktemp("mirror")
    ca.cert_pem.write_to_path(str(directory / "ca.pem"))
    body = json.dumps(DOCUMENT).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield "https://127.0.0.1:%d/" % server.server_address[1], directory / "ca.pem"
    server.shutdown()


def test_local_files_and_an_https_mirror(ranges_file, https_mirror, tmp_path):
    url, ca_path = https_mirror
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"prefixes": []}))
    by_product, by_url_and_region, mirrored, untrusted, wrong_shape = lookups(
        dict(source=str(ranges_file), products=["jira"], directions=["ingress"]),
        dict(source="file://%s" % ranges_file, products=["JIRA"], ip_version="ipv4", regions=["us-west-1"]),
        dict(source=url, products=["bitbucket"], ca_path=str(ca_path)),
        dict(source=url, products=["bitbucket"]),
        dict(source=str(other)),
    )
    # 104.192.136.0/21 and 104.192.144.0/21 are not the two halves of one /20, so both stay.
    assert by_product == ["104.192.136.0/21", "104.192.144.0/21", "2401:1d80:3000::/36"]
    assert by_url_and_region == ["13.52.5.96/28"]
    assert mirrored == ["185.166.140.0/22"]
    assert "cannot read Atlassian IP ranges from %s" % url in untrusted and "CERTIFICATE_VERIFY_FAILED" in untrusted
    assert "'items' list" in wrong_shape

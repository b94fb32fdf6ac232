"""dc_info through ansible-playbook against the sandbox personas over HTTPS."""

import socket

import pytest

from helpers import run_playbook


def dc_info_play(params, register="facts"):
    lines = ["- hosts: localhost", "  gather_facts: false", "  tasks:", "    - name: Gather",
             "      dcops.atlassian_cloud.dc_info:"]
    lines += [f"        {key}: {value!r}" if not isinstance(value, bool) else f"        {key}: {str(value).lower()}"
              for key, value in params.items()]
    lines += [f"      register: {register}"]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("persona, product, version, supported", [
    ("jira", "jira", "11.3.0", True),
    ("confluence", "confluence", "10.2.1", True),
    ("jira-old", "jira", "10.2.0", False),
])
def test_reads_every_persona(sandbox, persona, product, version, supported):
    run = run_playbook(dc_info_play(sandbox.dc_params(persona)))
    assert run.returncode == 0, run.stdout
    result = run.task("Gather")["result"]
    assert result["product"] == product
    assert result["version"] == version
    assert result["cloud_connector_supported"] is supported
    assert result["base_url"] == sandbox.url(persona)
    assert result["changed"] is False


def test_confluence_is_read_from_the_xml_manifest_under_its_context_path(sandbox):
    run = run_playbook(dc_info_play(sandbox.dc_params("confluence")))
    assert run.returncode == 0
    calls = [(e["path"], e["status"]) for e in sandbox.log("confluence")]
    assert calls == [("/confluence/rest/api/2/serverInfo", 404), ("/confluence/rest/applinks/1.0/manifest", 200)]
    assert run.task("Gather")["result"]["deployment_type"] is None


def test_gate_rejects_old_jira_naming_both_versions(sandbox):
    run = run_playbook(dc_info_play(sandbox.dc_params("jira-old", require_cloud_connector=True)))
    assert run.returncode != 0
    result = run.task("Gather")
    assert result["status"] == "failed"
    assert "is version 10.2.0; cloud connectors need Jira 11.3.0 or later" in result["result"]["msg"]


def test_gate_passes_for_supported_versions(sandbox):
    run = run_playbook(dc_info_play(sandbox.dc_params("confluence", require_cloud_connector=True)))
    assert run.returncode == 0


def test_personal_access_token(sandbox):
    params = {"url": sandbox.url("jira"), "token": sandbox.persona("jira")["token"], "ca_path": sandbox.ca_path}
    run = run_playbook(dc_info_play(params))
    assert run.returncode == 0


def test_check_mode_reads_too(sandbox):
    run = run_playbook(dc_info_play(sandbox.dc_params("jira")), check=True)
    assert run.task("Gather")["result"]["version"] == "11.3.0"


def test_not_a_dc_product_is_a_clear_error(sandbox):
    params = {"url": sandbox.url("cloud"), "ca_path": sandbox.ca_path}
    run = run_playbook(dc_info_play(params))
    result = run.task("Gather")
    assert result["status"] == "failed"
    assert "serves neither Jira's serverInfo nor an Application Links manifest" in result["result"]["msg"]
    assert "Traceback" not in run.stdout + run.stderr


def test_unreachable_host_is_a_clear_error():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    params = {"url": f"https://127.0.0.1:{port}", "retry_max_time": 1}
    run = run_playbook(dc_info_play(params))
    result = run.task("Gather")
    assert result["status"] == "failed"
    msg = result["result"]["msg"]
    assert msg.startswith(f"Cannot read the product at https://127.0.0.1:{port}: GET /rest/api/2/serverInfo failed: ")
    assert "ConnectError" in msg
    assert "Traceback" not in run.stdout + run.stderr


def test_untrusted_certificate_is_refused(sandbox):
    run = run_playbook(dc_info_play({"url": sandbox.url("jira"), "retry_max_time": 1}))
    assert "CERTIFICATE_VERIFY_FAILED" in run.task("Gather")["result"]["msg"]


def test_mutually_exclusive_auth(sandbox):
    params = sandbox.dc_params("jira", token="conflicting-token-value")
    run = run_playbook(dc_info_play(params))
    assert "mutually exclusive" in run.task("Gather")["result"]["msg"]


def test_no_secret_in_verbose_output(sandbox):
    """-vvvv prints module arguments and results: the password must be censored everywhere."""
    persona = sandbox.persona("jira")
    run = run_playbook(dc_info_play(sandbox.dc_params("jira")), verbosity=4)
    assert run.returncode == 0
    output = run.stdout + run.stderr
    assert "dc_info" in output and "11.3.0" in output  # the verbose output really was produced
    assert persona["password"] not in output
    token_run = run_playbook(dc_info_play({"url": persona["url"], "token": persona["token"],
                                           "ca_path": sandbox.ca_path}), verbosity=4)
    assert token_run.returncode == 0
    assert persona["token"] not in token_run.stdout + token_run.stderr

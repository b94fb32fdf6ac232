"""No secret in any output, log or file at any verbosity.

Every REST module that takes or returns a secret, and tomcat_connector with a keystore password, run through
``ansible-playbook -vvvv`` in normal and in check+diff mode, on success and on failure. The failure runs face a
server that echoes the request's headers and body into its errors (the sandbox's ``echo`` fault, as a
misconfigured proxy does). The output, ANSIBLE_LOG_PATH and every file the run wrote are searched for each
secret in raw, base64, URL-encoded and JSON-escaped forms. Two playbook runs per case keep this affordable.
"""

from __future__ import annotations

import base64
import json
import os
from urllib.parse import quote, quote_plus

import pytest
import yaml

from helpers import echoing_endpoint, run_playbook

KEYSTORE_PASS = "Keyst0re-Pa55-SafetyTest"
AWS_ACCESS_KEY = "AKIDSAFETYTEST0001"
AWS_SECRET_KEY = "aws-safety-test-secret-key-0123456789"
AWS_SESSION_TOKEN = "FwoGZXIvYXdzSafetyTestSessionToken0123456789"
CLIENT_SECRET = "ccs-safety-test-client-secret-0123"
XML = """<?xml version="1.0" encoding="utf-8"?>
<Server port="8005" shutdown="SHUTDOWN">
  <Service name="Catalina">
    <Connector port="8443" protocol="HTTP/1.1" SSLEnabled="true" keystorePass="%s"/>
  </Service>
</Server>
""" % KEYSTORE_PASS


def forms(secret):
    raw = secret.encode()
    found = {secret, base64.b64encode(raw).decode().rstrip("="), quote(secret, safe=""), quote_plus(secret),
             json.dumps(secret)[1:-1]}
    return sorted(found)


def secrets(sandbox):
    jira = sandbox.persona("jira")
    cloud = sandbox.persona("cloud")
    return {
        "dc password": jira["password"],
        "dc basic credential": "%s:%s" % (jira["user"], jira["password"]),
        "dc token": "sandbox-dc-admin-pat",
        "org api key": cloud["api_key"],
        "scim key": cloud["directory_api_key"],
        "connector client secret": CLIENT_SECRET,
        "keystore password": KEYSTORE_PASS,
        "aws access key id": AWS_ACCESS_KEY,
        "aws secret key": AWS_SECRET_KEY,
        "aws session token": AWS_SESSION_TOKEN,
    }


@pytest.fixture
def echoing_aws():
    with echoing_endpoint() as url:
        yield url


def tasks(sandbox, tmp, failing, aws_endpoint=None):
    dc = sandbox.dc_params("jira")
    dc_token = dict(sandbox.dc_params("jira", token="sandbox-dc-admin-pat"))
    dc_token.pop("user")
    dc_token.pop("password")
    cloud = sandbox.cloud_params()
    scim = sandbox.scim_params()
    return [
        ("dc_info", dict(dc)),
        ("dc_info", dict(dc_token)),
        ("dc_allowlist", dict(dc, rules=[{"expression": "https://safety.example.com"}])),
        ("dc_app", dict(dc_token, key="com.example.safety", state="absent")),
        ("org_info", dict(cloud, gather=["orgs"])),
        ("org_connector", dict(cloud, base_url=dc["url"], name="safety", credentials_dest=str(tmp / "creds" / "c.json"))),
        # On success the DC applies the credentials org_connector issued; on failure a made-up secret is sent to
        # the echoing server.
        ("dc_cloud_connector", dict(dc, client_id="cc-safety", client_secret=CLIENT_SECRET) if failing
         else dict(dc, credentials_file=str(tmp / "creds" / "c.json"))),
        ("auth_policy", dict(cloud, name="Safety")),
        ("auth_policy_members", dict(cloud, policy="Safety", members=["alice@example.com"])),
        ("auth_policy_export", dict(cloud, policy="Safety", dest=str(tmp / "export.csv"))),
        ("group_sync", dict(scim, groups={"safety": ["alice@example.com"]})),
        ("migration_preflight", {"instances": [{"name": "jira", "product": "jira", "url": dc["url"],
                                                "user": dc["user"], "password": dc["password"],
                                                "ca_path": dc["ca_path"]}],
                                 "report_markdown": str(tmp / "preflight.md")}),
        ("tomcat_connector", {"path": str(tmp / "server.xml"), "port": 8443,
                              "attributes": {"keystorePass": KEYSTORE_PASS + "-new", "secure": True}}),
        ("app_tunnel_info", {"path": str(tmp / "server.xml"), "port": 8443, "check_listener": False,
                             "attributes": {"keystorePass": KEYSTORE_PASS + "-new", "secure": True}}),
    ] + ([("byok_role", {"endpoint_url": aws_endpoint, "region": "us-east-1", "access_key": AWS_ACCESS_KEY,
                         "secret_key": AWS_SECRET_KEY, "session_token": AWS_SESSION_TOKEN})] if failing else [])


def playbook(task_list):
    entries = [{"name": "%s %d" % (module, index), "dcops.atlassian_cloud." + module: args, "ignore_errors": True}
               for index, (module, args) in enumerate(task_list)]
    return yaml.safe_dump([{"name": "secrets", "hosts": "localhost", "gather_facts": False, "tasks": entries}],
                          width=10000)


def written_files(root, skip):
    for directory, _dirs, names in os.walk(root):
        for name in names:
            path = os.path.join(directory, name)
            if path not in skip and not os.path.islink(path):
                with open(path, "rb") as handle:
                    yield path, handle.read().decode("utf-8", "replace")


def leaks(texts, secret_values):
    found = []
    for where, text in texts:
        for label, secret in secret_values.items():
            for form in forms(secret):
                if form in text:
                    found.append("%s: %s (%s)" % (where, label, form[:6] + "..."))
    return found


@pytest.mark.parametrize("failing", [False, True], ids=["success", "echoing-failure"])
def test_no_secret_in_output_log_or_files(sandbox, tmp_path, echoing_aws, failing):
    (tmp_path / "server.xml").write_text(XML)
    task_list = tasks(sandbox, tmp_path, failing, echoing_aws)
    text = playbook(task_list)
    secret_values = secrets(sandbox)
    runs = []
    for mode in ({"check": True, "diff": True}, {}):
        if failing:
            for persona in ("jira", "cloud"):
                sandbox.fault(persona, path=r"^/(rest|admin|scim|gateway|v1|v2)/", kind="echo", status=500)
        log = tmp_path / ("ansible-%s.log" % ("check" if mode else "run"))
        run = run_playbook(text, verbosity=4, env={"ANSIBLE_LOG_PATH": str(log)}, timeout=900, **mode)
        runs.append(run)
        assert len(run.results) == len(task_list), run.stdout[-3000:]
        issued = tmp_path / "creds" / "c.json"
        if issued.exists():
            secret_values["issued client secret"] = json.loads(issued.read_text())["client_secret"]
        texts = [("stdout", run.stdout), ("stderr", run.stderr), ("log", log.read_text() if log.exists() else "")]
        # The credentials file (0600) and server.xml hold their secrets on purpose; everything else is searched.
        skip = {str(tmp_path / "creds" / "c.json"), str(tmp_path / "server.xml")}
        texts.extend(written_files(tmp_path, skip))
        assert leaks(texts, secret_values) == []
        assert "Traceback" not in run.stdout + run.stderr
        sandbox.reset()
        (tmp_path / "server.xml").write_text(XML)
    failed = [r["task"] for r in runs[-1].results if r["status"] == "failed"]
    assert "issued client secret" in secret_values or failing
    if failing:
        # Every module that reaches the sandbox (all but the two server.xml ones) failed on the echoing server,
        # with a message built from its answer.
        assert len(failed) >= len([m for m, _args in task_list if m not in ("tomcat_connector", "app_tunnel_info")]), failed
        # The echoed Authorization headers reached the messages, and were masked there: the search proves something.
        masked = [r for r in runs[-1].results if "********" in str(r["result"].get("msg"))]
        assert len(masked) >= 10, [r["result"].get("msg") for r in runs[-1].results]
    else:
        assert failed == [], [r["result"].get("msg") for r in runs[-1].results if r["status"] == "failed"]

"""The main job as AWX runs it: ansible-runner (AWX's engine) runs the kit's project playbook, the inventory holds
only URLs and settings, and every credential arrives as the environment variables the kit's credential types
inject. Against the sandbox only: every URL in the inventory is a sandbox persona on loopback."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import ansible_runner
import yaml

from helpers import COLLECTIONS, ROOT

KIT = ROOT / "awx"


def _injected(sandbox):
    """What the kit's credential types inject for the job's two credentials (password DC admin, org API key)."""
    jira, cloud = sandbox.persona("jira"), sandbox.persona("cloud")
    inputs = {"user": jira["user"], "password": jira["password"], "org_id": cloud["org_id"],
              "api_key": cloud["api_key"], "api_url": cloud["url"]}
    env = {}
    for name in ("dc_admin_password.yml", "org_api_key.yml"):
        definition = yaml.safe_load((KIT / "credential_types" / name).read_text(encoding="utf-8"))
        for variable, template in definition["injectors"]["env"].items():
            env[variable] = inputs[template.strip("{} ")]
    return env


def _private_data_dir(sandbox, tmp_path):
    private = tmp_path / "job"
    shutil.copytree(KIT / "project", private / "project")
    (private / "inventory").mkdir()
    instances = {}
    for host, persona in (("jira-sandbox", "jira"), ("confluence-sandbox", "confluence")):
        instances[host] = {"dc_url": sandbox.url(persona), "dc_instance_name": "%s sandbox" % persona.capitalize()}
    instances["jira-sandbox"]["dc_portfolio_insights"] = True
    inventory = {"all": {
        "vars": {"ansible_connection": "local", "ansible_python_interpreter": sys.executable,
                 # The endpoint is a setting, not a credential: the sandbox's cloud persona.
                 "atlassian_api_url": sandbox.url("cloud"),
                 "dc_manage_firewall": False, "dc_private": False,
                 # the guide's Agree to connect, given for the estate (docs/org_connector.md)
                 "accept_data_sharing": True,
                 "cloud_companion_app_url": "https://marketplace.invalid/download/com.atlassian.cloud-companion-1.4.2.jar",
                 "cloud_companion_version": "1.4.2",
                 "org_connector_credentials_dir": str(tmp_path / "connector-credentials")},
        "children": {"dc_instances": {"hosts": instances}}}}
    (private / "inventory" / "hosts.json").write_text(json.dumps(inventory), encoding="utf-8")
    return private


def _run(private, env):
    # ansible-playbook from this venv, found on PATH as in an execution environment.
    env = dict(env, PATH="%s:%s" % (Path(sys.executable).parent, os.environ.get("PATH", "")))
    return ansible_runner.run(private_data_dir=str(private), playbook="connect_data_center.yml", envvars=env,
                              quiet=True, timeout=600)


def test_main_job_under_ansible_runner_with_credentials_only_in_the_environment(sandbox, tmp_path):
    injected = _injected(sandbox)
    env = dict(injected, SSL_CERT_FILE=sandbox.ca_path, ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS),
               ANSIBLE_NOCOLOR="1")
    private = _private_data_dir(sandbox, tmp_path)
    inventory_text = (private / "inventory" / "hosts.json").read_text(encoding="utf-8")
    assert not [name for name, value in injected.items() if value in inventory_text and name != "ATLASSIAN_API_URL"]

    first = _run(private, env)
    output = first.stdout.read()
    assert first.status == "successful", output[-3000:]
    state = sandbox.state()
    for persona in ("jira", "confluence"):
        assert state[persona]["cloud_connector"]["connection"], persona
    assert not [e for e in sandbox.log("cloud") if "/orgs//" in e["path"]]

    again = _run(private, env)
    assert again.status == "successful"
    assert sum(again.stats["changed"].values()) == 0, again.stats

    secrets = {injected["ATLASSIAN_DC_PASSWORD"], injected["ATLASSIAN_ORG_API_KEY"]}
    assert not [s for s in secrets if s in output + again.stdout.read()]

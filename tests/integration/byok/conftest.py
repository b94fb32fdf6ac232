"""One moto server (with moto_byok's extensions) per pytest session and worker, reset before every test."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import boto3
import pytest

from helpers import ModuleProcess, free_port, run_playbook, stop_process, task_play

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import moto_byok  # noqa: E402  (lives beside this file; also run as a program by the molecule scenario)

# Values that appear nowhere else in results: no_log masks them wherever they occur.
ACCESS_KEY = "AKIDBYOKFIXTURE"
SECRET_KEY = "byok-fixture-secret"
MODULE = "ansible_collections.dcops.atlassian_cloud.plugins.modules.byok_role"


@pytest.fixture(scope="session")
def moto_server(tmp_path_factory):
    port = free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, str(HERE / "moto_byok.py"), "serve", "-H", "127.0.0.1",
                                 "-p", str(port)], stdout=out, stderr=subprocess.STDOUT)
    endpoint = f"http://127.0.0.1:{port}"
    if not moto_byok.wait_until_up(endpoint, timeout=60, alive=lambda: proc.poll() is None):
        proc.kill()
        pytest.fail(f"moto server did not start: {log.read_text(errors='replace')[-2000:]}")
    yield MotoServer(endpoint, log)
    stop_process(proc)


class MotoServer:
    """The running server: its endpoint and its request log."""

    def __init__(self, endpoint, log):
        self.endpoint = endpoint
        self.log = log

    def requests_served(self):
        """How many requests the server has logged so far (werkzeug writes one line per request)."""
        return self.log.read_bytes().count(b' HTTP/1.1" ')


class ByokAccount:
    """The moto-served AWS account of one test, and a way to run the module against it."""

    def __init__(self, server):
        self.server = server
        endpoint = self.endpoint = server.endpoint
        kwargs = dict(endpoint_url=endpoint, region_name="us-east-1",
                      aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY)
        self.cfn = boto3.client("cloudformation", **kwargs)
        self.iam = boto3.client("iam", **kwargs)
        self.s3 = boto3.client("s3", **kwargs)
        self.lam = boto3.client("lambda", **kwargs)

    def connection(self):
        return {"endpoint_url": self.endpoint, "region": "us-east-1",
                "access_key": ACCESS_KEY, "secret_key": SECRET_KEY}

    def _start_module(self, check, diff, params):
        """Start byok_role as Ansible starts a module (its file, a JSON args file), without the playbook engine."""
        return ModuleProcess("byok_role", dict(self.connection(), **params), check_mode=check, diff=diff)

    @staticmethod
    def _finish_module(started):
        result = started.result()
        result["status"] = "failed" if result.get("failed") else "ok"
        return result

    def run(self, check=False, diff=False, **params):
        """Run byok_role once; returns its result with 'status' ('ok' or 'failed')."""
        return self._finish_module(self._start_module(check, diff, params))

    def run_in_playbook(self, check=False, diff=False, **params):
        """Run byok_role as a task through ansible-playbook; returns the task's result with 'status'."""
        playbook = task_play("byok_role", dict(self.connection(), **params), name="byok")
        run = run_playbook(playbook, check=check, diff=diff)
        entry = run.task("byok")
        result = dict(entry["result"])
        result["status"] = entry["status"]
        return result

    def run_while(self, action, **params):
        """Run byok_role, and `action` once the module has started waiting for the stack."""
        before = self.server.requests_served()
        started = self._start_module(False, False, params)
        # GetAccountSummary and DescribeStacks answered: the module now sleeps inside its wait loop.
        deadline = time.monotonic() + 120
        while self.server.requests_served() < before + 2 and started.process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        action()
        return self._finish_module(started)

    def stack(self, name="atlassian-key-management-role"):
        stacks = [s for s in self.cfn.describe_stacks()["Stacks"] if s["StackName"] == name]
        return stacks[0] if stacks else None

    def template_with(self, **role_properties):
        """The test template with the role's properties changed."""
        template = json.loads(moto_byok.TEMPLATE.read_text())
        template["Resources"]["AtlassianKeyManagementRole"]["Properties"].update(role_properties)
        return template

    def publish(self, template):
        """Put a new version of 'Atlassian's template' at the template URL."""
        moto_byok.upload_template(self.endpoint, json.dumps(template, indent=1).encode())

    def create_stack_outside(self, template=None, account="709587835243", protection=False):
        """Create the stack the way a person in the console would (not through the module)."""
        kwargs = {"TemplateBody": json.dumps(template)} if template else {"TemplateURL": moto_byok.TEMPLATE_URL}
        return self.cfn.create_stack(
            StackName="atlassian-key-management-role",
            Parameters=[{"ParameterKey": "AtlassianKeyManagementAccount", "ParameterValue": account}],
            Capabilities=["CAPABILITY_NAMED_IAM"], EnableTerminationProtection=protection, **kwargs)["StackId"]

    def seed_mfa(self, enabled):
        moto_byok.set_root_mfa(self.endpoint, enabled)

    def hold_creation(self):
        """Start the stack from outside with a custom resource that keeps it CREATE_IN_PROGRESS until released.

        moto hands custom resources to a Lambda function it cannot run here (no container engine), so the
        stack stays in progress until `release` sends the custom resource's answer, as the function would.
        """
        role = self.iam.create_role(RoleName="hold-function", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        code = io.BytesIO()
        with zipfile.ZipFile(code, "w") as archive:
            archive.writestr("index.py", "def handler(event, context):\n    return None\n")
        function = self.lam.create_function(FunctionName="hold", Runtime="python3.11", Role=role,
                                            Handler="index.handler", Code={"ZipFile": code.getvalue()})
        template = self.template_with()
        template["Resources"]["Hold"] = {"Type": "Custom::Hold", "Properties": {"ServiceToken": function["FunctionArn"]}}
        return self.create_stack_outside(template=template, protection=True)

    def release(self, stack_id):
        body = json.dumps({"Status": "SUCCESS", "StackId": stack_id, "LogicalResourceId": "Hold", "Data": {}})
        request = urllib.request.Request(
            f"{self.endpoint}/cloudformation_us-east-1/cfnresponse?stack={stack_id}", data=body.encode(),
            method="PUT", headers={"Content-Type": "application/json"})
        urllib.request.urlopen(request, timeout=10).read()


@pytest.fixture
def account(moto_server):
    """A fresh account: empty moto, Atlassian's template in its bucket, root MFA on."""
    request = urllib.request.Request(moto_server.endpoint + "/moto-api/reset", method="POST")
    urllib.request.urlopen(request, timeout=10).read()
    moto_byok.seed(moto_server.endpoint, mfa=True)
    return ByokAccount(moto_server)

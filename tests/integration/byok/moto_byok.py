"""moto_server with the few CloudFormation and IAM behaviours of AWS that the BYOK tests need and moto 5.2 lacks.

Run as a program: `python moto_byok.py serve -H 127.0.0.1 -p PORT` starts moto's server with the extensions;
`python moto_byok.py seed --endpoint URL [--mfa on|off]` uploads the test template to the byok-atlassian bucket and
switches the root MFA device (used by the molecule scenario; the pytest fixture calls `seed()` directly).

Extensions (each mirrors documented AWS behaviour):
- UpdateTerminationProtection (moto answers HTTP 500 "not yet implemented").
- DeleteStack refuses a stack with termination protection on (moto deletes it).
- A resource that fails to create rolls the stack back to ROLLBACK_COMPLETE, and one that fails in an update
  rolls the stack back to UPDATE_ROLLBACK_COMPLETE, with CREATE_FAILED/UPDATE_FAILED events carrying the reason
  (moto returns the error to the caller and leaves the stack half made).
- An update of an AWS::IAM::Role applies a changed AssumeRolePolicyDocument (moto applies only the description).
- iam:GetAccountSummary reports AccountMFAEnabled=1 once a virtual MFA device named `root-account-mfa-device` is
  enabled (moto hard-codes 0; the name is the one AWS gives the root user's virtual device).
- DetectStackDrift, DescribeStackDriftDetectionStatus and DescribeStackResourceDrifts for AWS::IAM::Role
  resources, comparing the role's trust policy and description with the template (moto answers HTTP 500).
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import time
import uuid
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent / "files" / "atlassian-key-management-template.json"
BUCKET = "byok-atlassian"
KEY = "atlassian-key-management-template.json"
TEMPLATE_URL = f"https://{BUCKET}.s3.amazonaws.com/{KEY}"
ROOT_MFA_DEVICE = "root-account-mfa-device"
MFA_HOLDER = "byok-root-stand-in"
CREDENTIALS = dict(region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")


def install_extensions():
    from moto.cloudformation import models as cfn_models
    from moto.cloudformation.exceptions import ValidationError
    from moto.cloudformation.parsing import clean_json
    from moto.cloudformation.responses import CloudFormationResponse
    from moto.core.responses import ActionResult
    from moto.iam.models import AccountSummary, Role, iam_backends

    def update_termination_protection(self):
        stack = self.cloudformation_backend.get_stack(self._get_param("StackName"))
        stack.enable_termination_protection = self._get_bool_param("EnableTerminationProtection")
        return ActionResult({"StackId": stack.stack_id})

    CloudFormationResponse.update_termination_protection = update_termination_protection

    original_delete_stack = cfn_models.CloudFormationBackend.delete_stack

    def delete_stack(self, name_or_stack_id):
        for stack in self.stacks.values():
            if name_or_stack_id in (stack.name, stack.stack_id) and stack.enable_termination_protection:
                raise ValidationError(
                    stack.stack_id,
                    message=f"Stack [{stack.name}] cannot be deleted while TerminationProtection is enabled",
                )
        return original_delete_stack(self, name_or_stack_id)

    cfn_models.CloudFormationBackend.delete_stack = delete_stack

    class RolledBackOutputs(dict):
        """A rolled-back stack has no outputs and no exports."""

        exports = []

    def resource_event(stack, logical_id, status, reason):
        resource_type = stack.template_dict.get("Resources", {}).get(logical_id, {}).get("Type", "")
        stack.events.append(cfn_models.Event(stack.stack_id, stack.name, logical_id, "", resource_type,
                                             status, reason, None))

    def failed_resource(stack):
        parsed = stack.resource_map._parsed_resources
        pending = [name for name in stack.template_dict.get("Resources", {}) if name not in parsed]
        return pending[0] if pending else stack.name

    original_create_resources = cfn_models.Stack.create_resources

    def create_resources(self):
        try:
            original_create_resources(self)
        except Exception as exc:  # moto raises its service error of the failing resource
            logical_id = failed_resource(self)
            resource_event(self, logical_id, "CREATE_FAILED", getattr(exc, "message", None) or str(exc))
            self._add_stack_event("ROLLBACK_IN_PROGRESS",
                                  f"The following resource(s) failed to create: [{logical_id}]. "
                                  "Rollback requested by user.")
            self.resource_map.delete()
            self.output_map = RolledBackOutputs()  # moto's lazy outputs would retry the failed resource
            self._add_stack_event("ROLLBACK_COMPLETE")
            self.status = "ROLLBACK_COMPLETE"

    cfn_models.Stack.create_resources = create_resources

    original_update = cfn_models.Stack.update

    def update(self, template, role_arn=None, parameters=None, tags=None):
        previous_template = self.template
        try:
            original_update(self, template, role_arn=role_arn, parameters=parameters, tags=tags)
        except Exception as exc:  # as above
            logical_id = failed_resource(self)
            resource_event(self, logical_id, "UPDATE_FAILED", getattr(exc, "message", None) or str(exc))
            self._add_stack_event("UPDATE_ROLLBACK_IN_PROGRESS",
                                  f"The following resource(s) failed to update: [{logical_id}].")
            self.template = previous_template
            self._parse_template()
            self._add_stack_event("UPDATE_ROLLBACK_COMPLETE")
            self.status = "UPDATE_ROLLBACK_COMPLETE"

    cfn_models.Stack.update = update

    original_role_update = Role.update_from_cloudformation_json.__func__

    def role_update(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):
        role = original_role_update(cls, original_resource, new_resource_name, cloudformation_json,
                                    account_id, region_name)
        policy = cloudformation_json["Properties"].get("AssumeRolePolicyDocument")
        if policy is not None:
            role.assume_role_policy_document = policy if isinstance(policy, str) else json.dumps(policy)
        return role

    Role.update_from_cloudformation_json = classmethod(role_update)

    def account_mfa_enabled(self):
        devices = self._iam_backend.virtual_mfa_devices.values()
        return int(any(d.serial_number.endswith("/" + ROOT_MFA_DEVICE) and d.user is not None for d in devices))

    AccountSummary._account_mfa_enabled = property(account_mfa_enabled, lambda self, value: None)

    detections = {}

    def role_drift(stack, logical_id, resource_json):
        expected = clean_json(resource_json.get("Properties", {}), stack.resource_map)
        role_name = expected.get("RoleName")
        roles = iam_backends[stack.account_id]["aws"].roles.values()
        role = next((r for r in roles if r.name == role_name), None)
        drift = {"StackId": stack.stack_id, "LogicalResourceId": logical_id, "PhysicalResourceId": role_name,
                 "ResourceType": "AWS::IAM::Role", "Timestamp": cfn_models.utcnow()}
        if role is None:
            return dict(drift, StackResourceDriftStatus="DELETED", PropertyDifferences=[])
        differences = []
        actual_policy = json.loads(role.assume_role_policy_document)
        expected_policy = expected.get("AssumeRolePolicyDocument")
        if isinstance(expected_policy, str):
            expected_policy = json.loads(expected_policy)
        for index, (want, have) in enumerate(zip(expected_policy.get("Statement", []),
                                                 actual_policy.get("Statement", []))):
            for field in ("Effect", "Principal", "Action"):
                if want.get(field) != have.get(field):
                    differences.append({
                        "PropertyPath": f"/AssumeRolePolicyDocument/Statement/{index}/{field}",
                        "ExpectedValue": json.dumps(want.get(field)), "ActualValue": json.dumps(have.get(field)),
                        "DifferenceType": "NOT_EQUAL"})
        if expected.get("Description") != role.description:
            differences.append({"PropertyPath": "/Description", "ExpectedValue": str(expected.get("Description")),
                                "ActualValue": str(role.description), "DifferenceType": "NOT_EQUAL"})
        return dict(drift, StackResourceDriftStatus="MODIFIED" if differences else "IN_SYNC",
                    PropertyDifferences=differences)

    def detect_stack_drift(self):
        stack = self.cloudformation_backend.get_stack(self._get_param("StackName"))
        drifts = [role_drift(stack, logical_id, resource)
                  for logical_id, resource in stack.template_dict.get("Resources", {}).items()
                  if resource.get("Type") == "AWS::IAM::Role"]
        detection_id = str(uuid.uuid4())
        stack.byok_resource_drifts = drifts
        detections[detection_id] = stack
        return ActionResult({"StackDriftDetectionId": detection_id})

    def describe_stack_drift_detection_status(self):
        detection_id = self._get_param("StackDriftDetectionId")
        stack = detections[detection_id]
        drifted = any(d["StackResourceDriftStatus"] != "IN_SYNC" for d in stack.byok_resource_drifts)
        return ActionResult({
            "StackId": stack.stack_id, "StackDriftDetectionId": detection_id,
            "StackDriftStatus": "DRIFTED" if drifted else "IN_SYNC", "DetectionStatus": "DETECTION_COMPLETE",
            "DriftedStackResourceCount": sum(d["StackResourceDriftStatus"] != "IN_SYNC"
                                             for d in stack.byok_resource_drifts),
            "Timestamp": cfn_models.utcnow()})

    def describe_stack_resource_drifts(self):
        stack = self.cloudformation_backend.get_stack(self._get_param("StackName"))
        wanted = self._get_param("StackResourceDriftStatusFilters") or []
        drifts = [d for d in getattr(stack, "byok_resource_drifts", [])
                  if not wanted or d["StackResourceDriftStatus"] in wanted]
        return ActionResult({"StackResourceDrifts": drifts})

    CloudFormationResponse.detect_stack_drift = detect_stack_drift
    CloudFormationResponse.describe_stack_drift_detection_status = describe_stack_drift_detection_status
    CloudFormationResponse.describe_stack_resource_drifts = describe_stack_resource_drifts


def wait_until_up(endpoint, timeout=60.0, alive=lambda: True):
    """Whether the server at `endpoint` accepts connections within `timeout` seconds (moto imports slowly)."""
    host, port = endpoint.rsplit("/", 1)[-1].split(":")
    deadline = time.monotonic() + timeout
    while alive() and time.monotonic() < deadline:
        try:
            socket.create_connection((host, int(port)), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False


def clients(endpoint):
    import boto3

    return {name: boto3.client(name, endpoint_url=endpoint, **CREDENTIALS)
            for name in ("s3", "iam", "cloudformation", "lambda")}


def upload_template(endpoint, body=None):
    s3 = clients(endpoint)["s3"]
    if BUCKET not in [b["Name"] for b in s3.list_buckets().get("Buckets", [])]:
        s3.create_bucket(Bucket=BUCKET)
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=body if body is not None else TEMPLATE.read_bytes())


def set_root_mfa(endpoint, enabled):
    iam = clients(endpoint)["iam"]
    serial = next((d["SerialNumber"] for d in iam.list_virtual_mfa_devices()["VirtualMFADevices"]
                   if d["SerialNumber"].endswith("/" + ROOT_MFA_DEVICE)), None)
    if serial is None:
        serial = iam.create_virtual_mfa_device(VirtualMFADeviceName=ROOT_MFA_DEVICE)["VirtualMFADevice"]["SerialNumber"]
    if MFA_HOLDER not in [u["UserName"] for u in iam.list_users()["Users"]]:
        iam.create_user(UserName=MFA_HOLDER)
    assigned = [d["SerialNumber"] for d in iam.list_mfa_devices(UserName=MFA_HOLDER)["MFADevices"]]
    if enabled and serial not in assigned:
        iam.enable_mfa_device(UserName=MFA_HOLDER, SerialNumber=serial,
                              AuthenticationCode1="123456", AuthenticationCode2="654321")
    elif not enabled and serial in assigned:
        iam.deactivate_mfa_device(UserName=MFA_HOLDER, SerialNumber=serial)


def seed(endpoint, mfa=True):
    """The state a BYOK account starts from: Atlassian's template in its bucket, and root MFA as asked."""
    upload_template(endpoint)
    set_root_mfa(endpoint, mfa)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run moto_server with the extensions")
    serve.add_argument("-H", "--host", default="127.0.0.1")
    serve.add_argument("-p", "--port", type=int, required=True)
    seeding = commands.add_parser("seed", help="upload the template and switch root MFA")
    seeding.add_argument("--endpoint", required=True)
    seeding.add_argument("--mfa", choices=["on", "off"], default="on")
    args = parser.parse_args(argv)
    if args.command == "serve":
        install_extensions()
        from moto.server import main as moto_main

        moto_main(["-H", args.host, "-p", str(args.port)])
    elif not wait_until_up(args.endpoint):
        sys.exit(f"no server answers at {args.endpoint}")
    else:
        seed(args.endpoint, mfa=args.mfa == "on")


if __name__ == "__main__":
    sys.exit(main())

"""ByokRoleStack decisions on stubbed AWS answers: the paths moto cannot produce, and the call budget."""

from __future__ import annotations

import datetime
import io
import json

import boto3
import pytest
from botocore.response import StreamingBody
from botocore.stub import ANY, Stubber

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._byok.role import ByokRoleSettings, ByokRoleStack
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._byok.stack import StackError

STACK_ID = "arn:aws:cloudformation:us-east-1:123456789012:stack/atlassian-key-management-role/1"
NOW = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)


class StubbedClients:
    """Looks like AwsClients to ByokRoleStack: real boto3 clients whose answers the test queues."""

    def __init__(self):
        kwargs = dict(region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
        self.cloudformation = boto3.client("cloudformation", **kwargs)
        self.iam = boto3.client("iam", **kwargs)
        self.s3 = boto3.client("s3", **kwargs)
        self.cfn = Stubber(self.cloudformation)
        self.iam_stub = Stubber(self.iam)
        self.s3_stub = Stubber(self.s3)
        for stub in (self.cfn, self.iam_stub, self.s3_stub):
            stub.activate()

    @property
    def cloudformation_single_attempt(self):
        return self.cloudformation

    def assert_no_pending_responses(self):
        for stub in (self.cfn, self.iam_stub, self.s3_stub):
            stub.assert_no_pending_responses()


@pytest.fixture
def clients():
    """Stubbed clients; every queued answer must have been asked for."""
    stubbed = StubbedClients()
    yield stubbed
    stubbed.assert_no_pending_responses()


def stack(status="CREATE_COMPLETE", account="709587835243", protection=True):
    return {"StackName": "atlassian-key-management-role", "StackId": STACK_ID, "CreationTime": NOW,
            "StackStatus": status, "EnableTerminationProtection": protection,
            "Parameters": [{"ParameterKey": "AtlassianKeyManagementAccount", "ParameterValue": account}]}


def event(status, reason=None, logical="atlassian-key-management-role", kind="AWS::CloudFormation::Stack"):
    found = {"StackId": STACK_ID, "EventId": status + logical, "StackName": "atlassian-key-management-role",
             "LogicalResourceId": logical, "ResourceType": kind, "ResourceStatus": status, "Timestamp": NOW}
    if reason:
        found["ResourceStatusReason"] = reason
    return found


def role():
    """A fresh GetRole answer (boto3 decodes the policy document in place)."""
    return {"Path": "/", "RoleName": "atlassian-key-management", "RoleId": "AROAEXAMPLE0000000000",
            "Arn": "arn:aws:iam::123456789012:role/atlassian-key-management", "CreateDate": NOW,
            "AssumeRolePolicyDocument": '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
                                        '"Principal": {"AWS": "arn:aws:iam::709587835243:root"}, '
                                        '"Action": "sts:AssumeRole"}]}'}


NAME = {"StackName": "atlassian-key-management-role"}
TEMPLATE = {"Resources": {"AtlassianKeyManagementRole": {"Type": "AWS::IAM::Role"}}}


class FakeTime:
    """A clock that only moves when the code under test sleeps."""

    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def manager(clients, check_mode=False, fake_time=None, **settings):
    fake_time = fake_time or FakeTime()
    return ByokRoleStack(clients, ByokRoleSettings(**settings), check_mode=check_mode,
                         sleep=fake_time.sleep, clock=fake_time.clock)


def mfa(clients, enabled=1):
    clients.iam_stub.add_response("get_account_summary", {"SummaryMap": {"AccountMFAEnabled": enabled}})


def described(clients, *stacks):
    for found in stacks:
        clients.cfn.add_response("describe_stacks", {"Stacks": [found]}, NAME)


def s3_template(clients, body):
    data = json.dumps(body).encode()
    clients.s3_stub.add_response("get_object", {"Body": StreamingBody(io.BytesIO(data), len(data))},
                                 {"Bucket": "byok-atlassian", "Key": "atlassian-key-management-template.json"})


def test_converged_present_reads_summary_stack_and_role_only(clients):
    mfa(clients)
    described(clients, stack())
    clients.iam_stub.add_response("get_role", {"Role": role()}, {"RoleName": "atlassian-key-management"})

    result = manager(clients).run("present")

    assert result["changed"] is False
    assert result["role_trust_principals"] == ["arn:aws:iam::709587835243:root"]
    assert result["termination_protection"] is True and result["account_mfa_enabled"] is True
    assert "diff" not in result


def test_wait_gives_up_at_the_timeout_with_the_events_so_far(clients):
    fake_time = FakeTime()
    mfa(clients)
    described(clients, *[stack("CREATE_IN_PROGRESS")] * 4)
    clients.cfn.add_response("describe_stack_events", {"StackEvents": [
        event("CREATE_IN_PROGRESS", "Resource creation Initiated", "Role", "AWS::IAM::Role"),
        event("CREATE_IN_PROGRESS", "User Initiated")]}, NAME)

    with pytest.raises(StackError) as raised:
        manager(clients, fake_time=fake_time, wait_timeout=5).run("verified")

    assert "still CREATE_IN_PROGRESS after waiting 5 seconds" in raised.value.msg
    assert [e["reason"] for e in raised.value.details["events"]] == ["User Initiated", "Resource creation Initiated"]
    assert fake_time.sleeps == [1.0, 2.0, 2.0]


def test_update_rollback_failed_names_the_reason_and_continue_update_rollback(clients):
    mfa(clients)
    described(clients, stack("UPDATE_ROLLBACK_FAILED"))
    clients.cfn.add_response("describe_stack_events", {"StackEvents": [
        event("UPDATE_ROLLBACK_FAILED", "The following resource(s) failed to update: [AtlassianKeyManagementRole]."),
        event("UPDATE_FAILED", "User: arn:aws:iam::123456789012:user/x is not authorized to perform: iam:UpdateRole",
              "AtlassianKeyManagementRole", "AWS::IAM::Role"),
        event("UPDATE_IN_PROGRESS", "User Initiated")]}, NAME)

    with pytest.raises(StackError) as raised:
        manager(clients).run("present")

    assert "continue-update-rollback --stack-name atlassian-key-management-role" in raised.value.msg
    assert "not authorized to perform: iam:UpdateRole" in raised.value.msg


def test_other_failed_states_fail_with_their_events(clients):
    mfa(clients)
    described(clients, stack("DELETE_FAILED"))
    clients.cfn.add_response("describe_stack_events", {"StackEvents": [
        event("DELETE_FAILED", "Role cannot be deleted", "AtlassianKeyManagementRole", "AWS::IAM::Role"),
        event("DELETE_IN_PROGRESS", "User Initiated")]}, NAME)

    with pytest.raises(StackError) as raised:
        manager(clients).run("verified")

    assert raised.value.msg.startswith("stack atlassian-key-management-role is DELETE_FAILED (AtlassianKeyManagementRole")
    assert raised.value.details["stack_status"] == "DELETE_FAILED"


def test_check_mode_reset_trusts_a_change_set_that_finds_no_changes(clients):
    mfa(clients)
    described(clients, stack())
    clients.cfn.add_response("get_template", {"TemplateBody": json.dumps(TEMPLATE)}, NAME)
    s3_template(clients, {"Description": "same resources, new description", **TEMPLATE})
    clients.cfn.add_response("create_change_set", {"Id": "cs-1", "StackId": STACK_ID}, {
        **NAME, "ChangeSetName": ANY, "ChangeSetType": "UPDATE", "TemplateURL": ANY, "Parameters": ANY,
        "Capabilities": ANY, "Description": ANY})
    clients.cfn.add_response("describe_change_set", {
        "ChangeSetName": "x", "Status": "FAILED", "Changes": [],
        "StatusReason": "The submitted information didn't contain changes. Submit different information to create a "
                        "change set."}, {"ChangeSetName": "cs-1"})
    clients.cfn.add_response("delete_change_set", {}, {"ChangeSetName": "cs-1"})
    clients.iam_stub.add_response("get_role", {"Role": role()}, {"RoleName": "atlassian-key-management"})

    result = manager(clients, check_mode=True, check_mode_previews=True).run("reset")

    assert result["changed"] is False
    assert "diff" not in result


def test_reset_treats_no_updates_are_to_be_performed_as_unchanged(clients):
    mfa(clients)
    described(clients, stack())
    clients.cfn.add_response("get_template", {"TemplateBody": json.dumps(TEMPLATE)}, NAME)
    s3_template(clients, {"Description": "new", **TEMPLATE})
    clients.cfn.add_client_error("update_stack", "ValidationError", "No updates are to be performed.")
    clients.iam_stub.add_response("get_role", {"Role": role()}, {"RoleName": "atlassian-key-management"})

    result = manager(clients).run("reset")

    assert result["changed"] is False


def test_reset_of_a_missing_stack_points_to_present(clients):
    mfa(clients)
    clients.cfn.add_client_error("describe_stacks", "ValidationError",
                                 "Stack with id atlassian-key-management-role does not exist")

    with pytest.raises(StackError, match="nothing to reset: run with state=present"):
        manager(clients).run("reset")


def test_verified_fails_naming_the_drifted_role_properties(clients):
    mfa(clients)
    described(clients, stack())
    clients.iam_stub.add_response("get_role", {"Role": role()}, {"RoleName": "atlassian-key-management"})
    clients.cfn.add_response("detect_stack_drift", {"StackDriftDetectionId": "d-1"}, NAME)
    clients.cfn.add_response("describe_stack_drift_detection_status", {
        "StackId": STACK_ID, "StackDriftDetectionId": "d-1", "DetectionStatus": "DETECTION_IN_PROGRESS",
        "Timestamp": "2026-01-01T00:00:00Z"}, {"StackDriftDetectionId": "d-1"})
    clients.cfn.add_response("describe_stack_drift_detection_status", {
        "StackId": STACK_ID, "StackDriftDetectionId": "d-1", "DetectionStatus": "DETECTION_COMPLETE",
        "StackDriftStatus": "DRIFTED", "Timestamp": "2026-01-01T00:00:00Z"}, {"StackDriftDetectionId": "d-1"})
    drift = {"StackId": STACK_ID, "LogicalResourceId": "AtlassianKeyManagementRole",
             "PhysicalResourceId": "atlassian-key-management", "ResourceType": "AWS::IAM::Role",
             "StackResourceDriftStatus": "MODIFIED", "Timestamp": "2026-01-01T00:00:00Z",
             "PropertyDifferences": [{"PropertyPath": "/MaxSessionDuration", "ExpectedValue": "3600",
                                      "ActualValue": "43200", "DifferenceType": "NOT_EQUAL"}]}
    clients.cfn.add_response("describe_stack_resource_drifts", {"StackResourceDrifts": [drift]},
                             {**NAME, "StackResourceDriftStatusFilters": ["MODIFIED", "DELETED"]})

    stack_manager = manager(clients)
    with pytest.raises(StackError) as raised:
        stack_manager.run("verified")

    assert "[/MaxSessionDuration: expected 3600, actual 43200]" in raised.value.msg
    assert "byok_reset=true" in raised.value.msg
    assert stack_manager.public_result()["drift"]["drifted_resources"][0]["drift_status"] == "MODIFIED"


def test_verified_without_drift_detection_on_the_endpoint_warns(clients):
    mfa(clients)
    described(clients, stack(protection=False))
    clients.iam_stub.add_response("get_role", {"Role": role()}, {"RoleName": "atlassian-key-management"})
    clients.cfn.add_client_error("detect_stack_drift", "AccessDenied", "not authorized to DetectStackDrift",
                                 http_status_code=403)

    stack_manager = manager(clients)
    result = stack_manager.run("verified")

    assert result["drift"] == {"checked": False, "reason": "not authorized to DetectStackDrift"}
    assert result["changed"] is False and result["termination_protection"] is False
    assert [w.split(":")[0] for w in stack_manager.warnings] == [
        "termination protection is off on stack atlassian-key-management-role",
        "drift detection is not available on this endpoint or for these credentials (not authorized to DetectStackDrift); "
        "the role's properties were not compared with the template"]


def test_role_deleted_outside_cloudformation_is_explained(clients):
    mfa(clients)
    described(clients, stack())
    clients.iam_stub.add_client_error("get_role", "NoSuchEntity", "The role cannot be found", http_status_code=404)

    with pytest.raises(StackError, match="it was deleted outside CloudFormation"):
        manager(clients).run("present")


def test_stack_created_by_someone_else_meanwhile_is_not_an_error(clients):
    mfa(clients)
    clients.cfn.add_client_error("describe_stacks", "ValidationError",
                                 "Stack with id atlassian-key-management-role does not exist")
    clients.cfn.add_client_error("create_stack", "AlreadyExistsException",
                                 "Stack [atlassian-key-management-role] already exists")
    described(clients, stack())
    clients.iam_stub.add_response("get_role", {"Role": role()}, {"RoleName": "atlassian-key-management"})

    result = manager(clients).run("present")

    assert result["changed"] is False
    assert result["stack_status"] == "CREATE_COMPLETE"
    assert "diff" not in result


def test_mfa_check_without_permission_says_how_to_skip_it(clients):
    clients.iam_stub.add_client_error("get_account_summary", "AccessDenied", "not authorized", http_status_code=403)

    with pytest.raises(StackError, match="Grant iam:GetAccountSummary, or set require_mfa=false"):
        manager(clients).run("verified")

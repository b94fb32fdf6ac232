"""byok_role against moto's server: create, rerun, reset, foreign stacks, failure states, MFA, deletion, waiting."""

from __future__ import annotations

from helpers import ROOT, run_playbook


def test_fresh_create_makes_a_protected_stack_and_the_role(account):
    result = account.run_in_playbook()

    assert result["status"] == "ok", result.get("msg")
    assert result["changed"] is True
    assert result["stack_status"] == "CREATE_COMPLETE"
    assert result["role_arn"] == "arn:aws:iam::123456789012:role/atlassian-key-management"
    assert result["role_trust_principals"] == ["arn:aws:iam::709587835243:root"]
    assert result["termination_protection"] is True
    assert result["account_mfa_enabled"] is True
    assert [e["resource_status"] for e in result["events"]][-1] == "CREATE_COMPLETE"
    stack = account.stack()
    assert stack["EnableTerminationProtection"] is True
    assert stack["Parameters"] == [{"ParameterKey": "AtlassianKeyManagementAccount", "ParameterValue": "709587835243"}]


def test_rerun_is_unchanged_and_costs_three_requests(account):
    account.run()

    rerun = account.run()
    verified = account.run(state="verified", detect_drift=False)

    assert rerun["status"] == "ok" and rerun["changed"] is False
    assert rerun["aws_api_calls"] == {
        "count": 3, "operations": ["iam.GetAccountSummary", "cloudformation.DescribeStacks", "iam.GetRole"]}
    assert verified["status"] == "ok" and verified["changed"] is False
    assert verified["aws_api_calls"]["count"] == 3
    assert verified["role_trust_principals"] == ["arn:aws:iam::709587835243:root"]


def test_check_mode_reports_a_new_stack_without_creating_it(account):
    result = account.run(check=True, diff=True)

    assert result["status"] == "ok" and result["changed"] is True
    assert result["diff"]["before"] == {"stack": "absent"}
    assert result["diff"]["after"]["parameters"] == {"AtlassianKeyManagementAccount": "709587835243"}
    assert account.stack() is None
    assert "cloudformation.CreateStack" not in result["aws_api_calls"]["operations"]


def test_reset_without_changes_writes_nothing(account):
    account.run()

    preview = account.run(state="reset", check=True)
    result = account.run(state="reset")

    assert preview["status"] == "ok" and preview["changed"] is False
    assert result["status"] == "ok" and result["changed"] is False
    assert not [op for op in result["aws_api_calls"]["operations"]
                if op.split(".")[1].startswith(("Update", "Create"))]
    assert account.stack()["StackStatus"] == "CREATE_COMPLETE"


def test_reset_applies_a_new_template_version_and_check_mode_previews_it(account):
    account.run()
    account.publish(account.template_with(Description="Atlassian key management, template v2"))

    read_only = account.run(state="reset", check=True, diff=True)
    assert read_only["status"] == "ok" and read_only["changed"] is True and "change_set_changes" not in read_only
    assert "cloudformation.CreateChangeSet" not in read_only["aws_api_calls"]["operations"]
    preview = account.run(state="reset", check=True, diff=True, check_mode_previews=True)

    assert preview["status"] == "ok" and preview["changed"] is True
    assert preview["change_set_changes"][0]["logical_resource_id"] == "AtlassianKeyManagementRole"
    assert "template v2" in preview["diff"]["after"]["template"]
    assert account.stack()["StackStatus"] == "CREATE_COMPLETE"
    assert account.cfn.list_change_sets(StackName="atlassian-key-management-role")["Summaries"] == []

    result = account.run(state="reset")

    assert result["status"] == "ok" and result["changed"] is True
    assert result["stack_status"] == "UPDATE_COMPLETE"
    assert account.iam.get_role(RoleName="atlassian-key-management")["Role"]["Description"].endswith("template v2")
    assert account.run(state="reset")["changed"] is False


def test_existing_stack_made_outside_is_adopted_and_protected(account):
    account.create_stack_outside(protection=False)

    result = account.run(diff=True)

    assert result["status"] == "ok" and result["changed"] is True
    assert result["diff"] == {"before": {"termination_protection": False}, "after": {"termination_protection": True}}
    assert account.stack()["EnableTerminationProtection"] is True
    assert "cloudformation.CreateStack" not in result["aws_api_calls"]["operations"]
    assert account.run()["changed"] is False


def test_termination_protection_stops_a_delete(account):
    account.run()

    try:
        account.cfn.delete_stack(StackName="atlassian-key-management-role")
    except account.cfn.exceptions.ClientError as exc:
        refused = str(exc)
    else:
        refused = ""

    assert "cannot be deleted while TerminationProtection is enabled" in refused
    assert account.stack()["StackStatus"] == "CREATE_COMPLETE"


def test_state_absent_is_refused_and_the_stack_stays(account):
    account.run()

    result = account.run(state="absent")

    assert result["status"] == "failed"
    assert "deleting the atlassian-key-management-role stack deletes the atlassian-key-management IAM role" in result["msg"]
    assert account.stack()["StackStatus"] == "CREATE_COMPLETE"


def test_wrong_parameter_fails_verification_and_reset_fixes_it(account):
    account.create_stack_outside(account="111122223333", protection=True)

    verified = account.run(state="verified", detect_drift=False)
    reset = account.run(state="reset")

    assert verified["status"] == "failed"
    assert "AtlassianKeyManagementAccount=111122223333, expected 709587835243" in verified["msg"]
    assert "state=reset" in verified["msg"]
    assert reset["status"] == "ok" and reset["changed"] is True
    assert reset["role_trust_principals"] == ["arn:aws:iam::709587835243:root"]


def test_rollback_complete_fails_with_the_reason_and_the_remedy(account):
    # A role made by hand with the template's name: CloudFormation cannot create its own, and rolls back.
    account.iam.create_role(RoleName="atlassian-key-management", AssumeRolePolicyDocument="{}")

    created = account.run()
    rerun = account.run()

    assert created["status"] == "failed"
    assert "ROLLBACK_COMPLETE" in created["msg"] and "already exists" in created["msg"]
    assert "aws cloudformation delete-stack --stack-name atlassian-key-management-role" in created["msg"]
    assert rerun["status"] == "failed" and rerun["changed"] is False
    assert "ROLLBACK_COMPLETE" in rerun["msg"] and "already exists" in rerun["msg"]
    assert account.stack()["StackStatus"] == "ROLLBACK_COMPLETE"


def test_reset_rolled_back_fails_naming_the_reason(account):
    account.run()
    template = account.template_with()
    template["Resources"]["AuditRole"] = {"Type": "AWS::IAM::Role", "Properties": {
        "RoleName": "atlassian-key-management-audit", "AssumeRolePolicyDocument": {"Version": "2012-10-17"}}}
    account.publish(template)
    account.iam.create_role(RoleName="atlassian-key-management-audit", AssumeRolePolicyDocument="{}")

    reset = account.run(state="reset")
    verified = account.run(state="verified", detect_drift=False)

    assert reset["status"] == "failed"
    assert "ended in UPDATE_ROLLBACK_COMPLETE" in reset["msg"] and "AuditRole" in reset["msg"]
    assert "already exists" in reset["msg"]
    assert verified["status"] == "ok"
    assert any("last update was rolled back" in w for w in verified["warnings"])


def test_mfa_off_fails_before_any_write_unless_allowed(account):
    account.seed_mfa(False)

    refused = account.run()
    allowed = account.run(require_mfa=False)

    assert refused["status"] == "failed" and "AccountMFAEnabled is 0" in refused["msg"]
    assert refused["account_mfa_enabled"] is False
    assert allowed["status"] == "ok" and allowed["account_mfa_enabled"] is False
    assert any("Assign MFA device" in w for w in allowed["warnings"])


def test_verified_reports_the_role_drift_and_the_reset(account):
    account.run()
    clean = account.run(state="verified")
    account.iam.update_assume_role_policy(RoleName="atlassian-key-management", PolicyDocument=(
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
        '"Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole"}]}'))

    drifted = account.run(state="verified")

    assert clean["status"] == "ok" and clean["drift"]["drifted_resources"] == []
    assert drifted["status"] == "failed"
    assert "/AssumeRolePolicyDocument/Statement/0/Principal" in drifted["msg"]
    assert "111122223333" in drifted["msg"] and "byok_reset=true" in drifted["msg"]
    assert drifted["drift"]["stack_drift_status"] == "DRIFTED"


def test_wait_is_bounded_then_finishes_when_the_stack_does(account):
    held = account.hold_creation()

    timed_out = account.run(wait_timeout=2)
    finished = account.run_while(lambda: account.release(held), wait_timeout=60)

    assert timed_out["status"] == "failed"
    assert "still CREATE_IN_PROGRESS after waiting 2 seconds" in timed_out["msg"]
    assert timed_out["events"][0]["reason"] == "User Initiated"
    assert finished["status"] == "ok", finished.get("msg")
    assert finished["stack_status"] == "CREATE_COMPLETE"
    assert [e["resource_status"] for e in finished["events"]][-1] == "CREATE_COMPLETE"


def test_non_default_values_warn_loudly(account):
    result = account.run(key_management_account="111122223333", check=True)

    assert result["status"] == "ok"
    assert any("key_management_account is '111122223333', not Atlassian's documented '709587835243'" in w
               for w in result["warnings"])


def test_playbook_creates_then_resets_without_change(account):
    extra_vars = {"byok_aws_endpoint_url": account.endpoint, "byok_aws_region": "us-east-1",
                  "byok_aws_access_key": account.connection()["access_key"],
                  "byok_aws_secret_key": account.connection()["secret_key"]}
    playbook = ROOT / "playbooks" / "byok.yml"

    first = run_playbook(playbook, extra_vars=extra_vars)
    reset = run_playbook(playbook, extra_vars=dict(extra_vars, byok_reset=True))

    assert first.returncode == 0, first.stdout + first.stderr
    # the stack operation runs as an async job: the wait reports its change, the start changes nothing
    assert [r["task"] for r in first.changed_tasks] == ["dcops.atlassian_cloud.byok : Wait for the CloudFormation stack operation"]
    verified = first.task("dcops.atlassian_cloud.byok : Wait for the drift detection")["result"]
    assert verified["drift"]["stack_drift_status"] == "IN_SYNC"
    assert reset.returncode == 0, reset.stdout + reset.stderr
    assert reset.changed_tasks == []

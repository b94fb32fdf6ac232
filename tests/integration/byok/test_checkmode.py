"""byok_role: check mode predicts the real run against moto's server, and calls nothing that creates.

"No write" is measured in moto: the stack (status, parameters, template, protection, drift information),
its change sets and the role.
"""

from __future__ import annotations

import json

from checkmode.harness import assert_both_refuse, assert_check_predicts_real, assert_converged

FIELDS = ("stack_status", "role_arn", "role_trust_principals", "termination_protection")


def _observe(account):
    def observe():
        stack = account.stack()
        if stack is None:
            return None
        change_sets = account.cfn.list_change_sets(StackName=stack["StackName"])["Summaries"]
        template = account.cfn.get_template(StackName=stack["StackName"])["TemplateBody"]
        try:
            role = account.iam.get_role(RoleName="atlassian-key-management")["Role"]
        except account.iam.exceptions.NoSuchEntityException:
            role = None
        return json.dumps([stack, change_sets, template, role], sort_keys=True, default=str)
    return observe


def _runner(account, **params):
    def run(check_mode):
        result = account.run(check=check_mode, diff=True, **params)
        if result.get("status") == "failed":
            result["failed"] = True
        return result
    return run


def test_create_converge_verify_and_reset(account):
    observe = _observe(account)
    assert_check_predicts_real(_runner(account), observe, FIELDS)
    assert_converged(_runner(account, state="verified"), observe, FIELDS)
    account.publish(account.template_with(MaxSessionDuration=7200))
    assert_check_predicts_real(_runner(account, state="reset"), observe, FIELDS)


def test_refusals_match(account):
    observe = _observe(account)
    account.seed_mfa(False)
    assert_both_refuse(_runner(account), observe, "MFA")
    account.seed_mfa(True)
    assert_check_predicts_real(_runner(account), observe, FIELDS)
    assert_both_refuse(_runner(account, state="absent"), observe, "state=absent is refused")

# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The atlassian-key-management role stack: create and verify (present), reset, and read-only verification.

Atlassian's procedure (support.atlassian.com, "Set up an AWS account and create IAM roles"): create the stack
`atlassian-key-management-role` from Atlassian's template with AtlassianKeyManagementAccount=709587835243 and
"roll back all stack resources" on failure; never delete it (that deletes the role); on a "Misconfiguration
detected for AWS account" notice, update it with "replace current template" from the same URL and parameter;
protect the account with two-factor authentication.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import time
import uuid

from ansible.module_utils.six.moves.urllib.parse import unquote

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._byok.aws import (
    BotoCoreError,
    ClientError,
    error_code,
    error_message,
)
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._byok.stack import (
    SETTLED_OK,
    SETTLED_ROLLED_BACK,
    StackError,
    StackWaiter,
    describe_stack,
    failure_reasons,
    is_failed,
    is_in_progress,
    last_operation_events,
)
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._byok.template import (
    DEFAULT_KEY_MANAGEMENT_ACCOUNT,
    DEFAULT_STACK_NAME,
    DEFAULT_TEMPLATE_URL,
    KEY_MANAGEMENT_ACCOUNT_PARAMETER,
    ROLE_NAME,
    TemplateUrlError,
    desired_parameters,
    normalize,
    parameter_list,
    parameters_map,
    parse_s3_url,
    render,
)

CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"]
WAIT_TIMEOUT_RANGE = (1, 3600)
DELETE_REFUSED = (
    "state=absent is refused: deleting the %s stack deletes the atlassian-key-management IAM role, and Atlassian "
    "then loses access to the BYOK keys of your cloud products (Atlassian: \"do not delete the stack\"). "
    "If the account really leaves BYOK, follow Atlassian's revocation procedure; deleting the stack stays a "
    "conscious act in the AWS console."
)
MFA_OFF = (
    "the AWS account has no MFA device on its root user (iam:GetAccountSummary AccountMFAEnabled is 0). Atlassian "
    "requires two-factor authentication on the BYOK account: sign in as the root user, open IAM > Security "
    "credentials > Multi-factor authentication (MFA) > Assign MFA device, then run again"
)
RESET_COMMAND = "ansible-playbook dcops.atlassian_cloud.byok -e byok_reset=true"
_NO_CHANGES_MARKERS = ("No updates are to be performed", "didn't contain changes")
_CHANGE_SET_DONE = ("CREATE_COMPLETE", "FAILED", "DELETE_COMPLETE", "DELETE_FAILED")


def delete_refused(stack_name):
    """Why state=absent is refused: the module never deletes the stack."""
    return DELETE_REFUSED % stack_name


# What check mode names where AWS or the template decides the value at write time.
ASSIGNED = "(assigned by AWS)"
FROM_TEMPLATE = "(as Atlassian's template sets it)"


class ByokRoleSettings:
    """The module options that decide what the stack should be."""

    def __init__(self, stack_name=DEFAULT_STACK_NAME, template_url=DEFAULT_TEMPLATE_URL,
                 key_management_account=DEFAULT_KEY_MANAGEMENT_ACCOUNT, wait_timeout=900,
                 termination_protection=True, require_mfa=True, detect_drift=True, check_mode_previews=False):
        self.stack_name = stack_name
        self.template_url = template_url
        self.key_management_account = key_management_account
        self.wait_timeout = wait_timeout
        self.termination_protection = termination_protection
        self.require_mfa = require_mfa
        self.detect_drift = detect_drift
        self.check_mode_previews = check_mode_previews

    @classmethod
    def from_params(cls, params):
        return cls(**dict((k, params[k]) for k in (
            "stack_name", "template_url", "key_management_account", "wait_timeout",
            "termination_protection", "require_mfa", "detect_drift", "check_mode_previews")))

    def problems(self):
        """Option values that cannot work, as messages."""
        found = []
        low, high = WAIT_TIMEOUT_RANGE
        if not low <= self.wait_timeout <= high:
            found.append("wait_timeout must be between %d and %d seconds, got %d" % (low, high, self.wait_timeout))
        if not (self.key_management_account.isdigit() and len(self.key_management_account) == 12):
            found.append("key_management_account must be a 12-digit AWS account id, got %r" % self.key_management_account)
        if not self.stack_name or not self.stack_name.strip():
            found.append("stack_name is empty; expected the CloudFormation stack's name")
        try:
            parse_s3_url(self.template_url)
        except TemplateUrlError as exc:
            found.append(str(exc))
        return found

    def warnings(self):
        """Loud warnings for every value that differs from Atlassian's documented one."""
        documented = (
            ("stack_name", DEFAULT_STACK_NAME),
            ("template_url", DEFAULT_TEMPLATE_URL),
            ("key_management_account", DEFAULT_KEY_MANAGEMENT_ACCOUNT),
        )
        return [
            "%s is %r, not Atlassian's documented %r: Atlassian's BYOK service expects its own value, and a stack "
            "built otherwise is likely to be reported as \"Misconfiguration detected for AWS account\". Change it "
            "only when Atlassian support asks you to." % (name, getattr(self, name), value)
            for name, value in documented
            if getattr(self, name) != value
        ]


def trust_principals(document):
    """Sorted principals that an assume-role policy allows ("*" for anyone)."""
    if isinstance(document, str):
        document = json.loads(unquote(document))
    statements = document.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    found = set()
    for statement in statements:
        if statement.get("Effect") != "Allow":
            continue
        principal = statement.get("Principal")
        if principal == "*":
            found.add("*")
            continue
        for values in (principal or {}).values():
            found.update([values] if isinstance(values, str) else values)
    return sorted(found)


def _resource_drift(drift):
    """One drifted resource of describe_stack_resource_drifts, in the module's snake_case result shape."""
    return {
        "logical_resource_id": drift.get("LogicalResourceId"),
        "physical_resource_id": drift.get("PhysicalResourceId"),
        "resource_type": drift.get("ResourceType"),
        "drift_status": drift.get("StackResourceDriftStatus"),
        "property_differences": [{
            "property_path": difference.get("PropertyPath"),
            "expected_value": difference.get("ExpectedValue"),
            "actual_value": difference.get("ActualValue"),
            "difference_type": difference.get("DifferenceType"),
        } for difference in drift.get("PropertyDifferences", [])],
    }


class ByokRoleStack:
    """Plans and applies one state of the BYOK role stack; `run()` returns the module result or raises StackError."""

    def __init__(self, clients, settings, check_mode=False, sleep=time.sleep, clock=time.monotonic):
        self.clients = clients
        self.settings = settings
        self.check_mode = check_mode
        self.sleep = sleep
        self.clock = clock
        self.waiter = StackWaiter(clients.cloudformation, settings.wait_timeout, sleep=sleep, clock=clock)
        self.warnings = []
        self.before = {}
        self.after = {}
        self.result = {
            "changed": False,
            "stack_name": settings.stack_name,
            "stack_id": None,
            "stack_status": None,
            "role_name": ROLE_NAME,
            "role_arn": None,
            "role_trust_principals": [],
            "termination_protection": None,
            "account_mfa_enabled": None,
            "events": [],
        }

    # ---- entry point -------------------------------------------------------------------------------------------

    def run(self, state):
        self._check_account_mfa()
        {"present": self._present, "reset": self._reset, "verified": self._verified}[state]()
        if self.before != self.after:
            self.result["diff"] = {"before": self.before, "after": self.after}
        return self.result

    # ---- states ------------------------------------------------------------------------------------------------

    def _present(self):
        stack = self._settled_stack()
        if stack is None:
            stack = self._create()
            if stack is None:  # check mode: nothing more to read
                return
        else:
            self._require_usable(stack)
            self._require_parameters(stack)
        self._ensure_termination_protection(stack)
        self._read_role()

    def _reset(self):
        stack = self._settled_stack()
        if stack is None:
            raise StackError(
                "stack %s does not exist, so there is nothing to reset: run with state=present to create it"
                % self.settings.stack_name)
        self._require_usable(stack, rolled_back_is_fine=True)
        if self._template_or_parameters_differ(stack):
            if not self.check_mode:
                self._update(stack)
            elif self.settings.check_mode_previews:
                self.result["changed"] = self._preview_reset()
            else:
                # read only: the deployed template and parameter differ from the wanted ones, so the update changes
                # the stack (which resources it touches, only a change set would say: check_mode_previews)
                self.result.update(changed=True, stack_status="UPDATE_COMPLETE")
        self._ensure_termination_protection(stack)
        self._read_role()

    def _verified(self):
        stack = self._settled_stack()
        if stack is None:
            raise StackError("stack %s does not exist: run with state=present to create it" % self.settings.stack_name)
        self._require_usable(stack)
        self._require_parameters(stack)
        self.result["termination_protection"] = bool(stack.get("EnableTerminationProtection"))
        if self.settings.termination_protection and not self.result["termination_protection"]:
            self.warnings.append(
                "termination protection is off on stack %s: anyone with cloudformation:DeleteStack can delete the "
                "BYOK role by accident. Run with state=present to switch it on." % self.settings.stack_name)
        self._read_role()
        # drift detection is an operation CloudFormation runs and records; check mode starts it only when asked
        if self.settings.detect_drift and (not self.check_mode or self.settings.check_mode_previews):
            self._report_drift()

    # ---- reading -----------------------------------------------------------------------------------------------

    def _check_account_mfa(self):
        try:
            summary = self.clients.iam.get_account_summary()["SummaryMap"]
        except ClientError as exc:
            raise StackError(
                "cannot read iam:GetAccountSummary to check two-factor authentication on the account: %s. Grant "
                "iam:GetAccountSummary, or set require_mfa=false to skip the check" % error_message(exc))
        enabled = summary.get("AccountMFAEnabled") == 1
        self.result["account_mfa_enabled"] = enabled
        if not enabled:
            if self.settings.require_mfa:
                raise StackError(MFA_OFF, account_mfa_enabled=False)
            self.warnings.append(MFA_OFF)

    def _described(self):
        stack = describe_stack(self.clients.cloudformation, self.settings.stack_name)
        self._record_stack(stack)
        return stack

    def _record_stack(self, stack):
        if stack is not None:
            self.result["stack_id"] = stack.get("StackId")
            self.result["stack_status"] = stack.get("StackStatus")
            self.result["termination_protection"] = bool(stack.get("EnableTerminationProtection"))

    def _settled_stack(self):
        """The stack once no operation runs on it (waiting, bounded, if one does); None when it does not exist."""
        stack = self._described()
        if stack is not None and is_in_progress(stack["StackStatus"]):
            stack = self.waiter.wait(self.settings.stack_name, stack)
            self.result["events"] = last_operation_events(self.clients.cloudformation, self.settings.stack_name)
            self._record_stack(stack)
        return stack

    def _require_usable(self, stack, rolled_back_is_fine=False):
        status = stack["StackStatus"]
        name = self.settings.stack_name
        if status in SETTLED_OK:
            return
        events = self.result["events"] or last_operation_events(self.clients.cloudformation, name)
        self.result["events"] = events
        reasons = "; ".join(failure_reasons(events)) or "no failure reason in the stack events"
        if status in SETTLED_ROLLED_BACK:
            if not rolled_back_is_fine:
                self.warnings.append(
                    "stack %s is %s: its last update was rolled back (%s). The role is as it was before that update."
                    % (name, status, reasons))
            return
        if status == "ROLLBACK_COMPLETE":
            raise StackError(
                "stack %s is ROLLBACK_COMPLETE: its creation failed and was rolled back (%s). CloudFormation cannot "
                "update a stack in this state, only delete it, and this module never deletes the BYOK stack. Fix the "
                "cause, delete the stack yourself as a conscious act (aws cloudformation delete-stack --stack-name %s) "
                "and run again to create it." % (name, reasons, name), stack_status=status, events=events)
        if status == "REVIEW_IN_PROGRESS":
            raise StackError(
                "stack %s is REVIEW_IN_PROGRESS: it was started from a change set that nobody executed. Execute or "
                "delete that change set in the CloudFormation console, then run again." % name,
                stack_status=status, events=events)
        if status == "UPDATE_ROLLBACK_FAILED":
            raise StackError(
                "stack %s is UPDATE_ROLLBACK_FAILED: an update failed and so did its rollback (%s). Fix the cause, "
                "then run 'aws cloudformation continue-update-rollback --stack-name %s' and run again."
                % (name, reasons, name), stack_status=status, events=events)
        if is_failed(status) or status.startswith("DELETE"):
            raise StackError(
                "stack %s is %s (%s). Fix the cause shown in the stack events, then run again."
                % (name, status, reasons), stack_status=status, events=events)
        raise StackError("stack %s is in state %s, which this module does not handle" % (name, status),
                         stack_status=status, events=events)

    def _require_parameters(self, stack):
        deployed = parameters_map(stack.get("Parameters")).get(KEY_MANAGEMENT_ACCOUNT_PARAMETER)
        if deployed != self.settings.key_management_account:
            raise StackError(
                "stack %s has %s=%s, expected %s: the role trusts the wrong account. Run with state=reset (%s) to "
                "update the stack from %s with the expected parameter."
                % (self.settings.stack_name, KEY_MANAGEMENT_ACCOUNT_PARAMETER, deployed,
                   self.settings.key_management_account, RESET_COMMAND, self.settings.template_url),
                stack_status=stack["StackStatus"], stack_id=stack.get("StackId"))

    def _read_role(self):
        try:
            role = self.clients.iam.get_role(RoleName=ROLE_NAME)["Role"]
        except ClientError as exc:
            if error_code(exc) == "NoSuchEntity":
                raise StackError(
                    "IAM role %s does not exist although stack %s is %s: it was deleted outside CloudFormation. An "
                    "update with an unchanged template does not recreate it; reply to Atlassian's support ticket or "
                    "recreate the stack as a conscious act." % (ROLE_NAME, self.settings.stack_name,
                                                                self.result["stack_status"]))
            raise StackError("cannot read IAM role %s: %s" % (ROLE_NAME, error_message(exc)))
        self.result["role_arn"] = role["Arn"]
        self.result["role_trust_principals"] = trust_principals(role["AssumeRolePolicyDocument"])

    def _template_or_parameters_differ(self, stack):
        """Compare the deployed template and parameter with Atlassian's template (fetched from S3) and the option."""
        name = self.settings.stack_name
        try:
            deployed = normalize(self.clients.cloudformation.get_template(StackName=name)["TemplateBody"])
        except ClientError as exc:
            raise StackError("cannot read the deployed template of stack %s: %s" % (name, error_message(exc)))
        bucket, key = parse_s3_url(self.settings.template_url)
        try:
            wanted = normalize(self.clients.s3.get_object(Bucket=bucket, Key=key)["Body"].read())
        except (ClientError, BotoCoreError) as exc:
            raise StackError("cannot read the template %s (s3://%s/%s): %s"
                             % (self.settings.template_url, bucket, key, error_message(exc)))
        deployed_parameters = parameters_map(stack.get("Parameters"))
        wanted_parameters = desired_parameters(self.settings.key_management_account)
        parameters_before = dict((k, deployed_parameters.get(k)) for k in wanted_parameters)
        if deployed == wanted and parameters_before == wanted_parameters:
            return False
        self.before.update(parameters=parameters_before, template=render(deployed))
        self.after.update(parameters=wanted_parameters, template=render(wanted))
        return True

    def _wait_for_drift_detection(self, detection_id):
        deadline = self.clock() + self.settings.wait_timeout
        delay = 1.0
        while True:
            status = self.clients.cloudformation.describe_stack_drift_detection_status(
                StackDriftDetectionId=detection_id)
            if status["DetectionStatus"] != "DETECTION_IN_PROGRESS":
                return status
            if self.clock() >= deadline:
                raise StackError("drift detection on stack %s did not finish within %s seconds"
                                 % (self.settings.stack_name, self.settings.wait_timeout))
            self.sleep(delay)
            delay = min(delay * 2, 10.0)

    def _drifted_resources(self):
        drifted = []
        kwargs = {"StackName": self.settings.stack_name, "StackResourceDriftStatusFilters": ["MODIFIED", "DELETED"]}
        while True:
            page = self.clients.cloudformation.describe_stack_resource_drifts(**kwargs)
            drifted.extend(page.get("StackResourceDrifts", []))
            if not page.get("NextToken"):
                return drifted
            kwargs["NextToken"] = page["NextToken"]

    def _report_drift(self):
        """Run drift detection on the stack; fail naming the drifted role properties."""
        name = self.settings.stack_name
        cloudformation = self.clients.cloudformation_single_attempt
        try:
            detection_id = cloudformation.detect_stack_drift(StackName=name)["StackDriftDetectionId"]
        except (ClientError, BotoCoreError) as exc:
            self.result["drift"] = {"checked": False, "reason": error_message(exc)}
            self.warnings.append("drift detection is not available on this endpoint or for these credentials (%s); "
                                 "the role's properties were not compared with the template" % error_message(exc))
            return
        status = self._wait_for_drift_detection(detection_id)
        resources = [_resource_drift(drift) for drift in self._drifted_resources()]
        self.result["drift"] = {
            "checked": True,
            "detection_status": status["DetectionStatus"],
            "detection_status_reason": status.get("DetectionStatusReason"),
            "stack_drift_status": status.get("StackDriftStatus"),
            "drifted_resources": resources,
        }
        if resources:
            described = "; ".join("%s %s%s" % (
                r["logical_resource_id"], r["drift_status"],
                "".join(" [%s: expected %s, actual %s]" % (p["property_path"], p["expected_value"], p["actual_value"])
                        for p in r["property_differences"]),
            ) for r in resources)
            raise StackError(
                "stack %s has drifted: %s. Someone changed the role outside CloudFormation, the usual cause of "
                "Atlassian's \"Misconfiguration detected for AWS account\" notice. Undo the change in IAM, and run "
                "the reset (%s) that re-applies Atlassian's template; CloudFormation re-applies a resource only when "
                "the template or parameter differs from the deployed one." % (name, described, RESET_COMMAND))

    # ---- writing -----------------------------------------------------------------------------------------------

    def _template_request(self):
        """What create, update and the reset preview ask CloudFormation to deploy: Atlassian's template with the
        wanted parameters, under the stack's name."""
        return dict(StackName=self.settings.stack_name, TemplateURL=self.settings.template_url,
                    Parameters=parameter_list(desired_parameters(self.settings.key_management_account)),
                    Capabilities=CAPABILITIES)

    def _create(self):
        name = self.settings.stack_name
        self.result["changed"] = True
        self.before.update(stack="absent")
        self.after.update(stack="present", template_url=self.settings.template_url,
                          parameters=desired_parameters(self.settings.key_management_account),
                          termination_protection=self.settings.termination_protection)
        if self.check_mode:
            # what the real run reports once CloudFormation has created the stack from Atlassian's template
            self.result.update(termination_protection=self.settings.termination_protection,
                               stack_status="CREATE_COMPLETE", stack_id=ASSIGNED, role_arn=ASSIGNED,
                               role_trust_principals=FROM_TEMPLATE)
            return None
        try:
            self.clients.cloudformation.create_stack(OnFailure="ROLLBACK",
                                                     EnableTerminationProtection=self.settings.termination_protection,
                                                     **self._template_request())
        except ClientError as exc:
            if error_code(exc) != "AlreadyExistsException":
                raise StackError("cannot create stack %s: %s" % (name, error_message(exc)))
            # Created by someone else since DescribeStacks; Atlassian: "already exists" is not an error.
            self.result["changed"] = False
            self.before, self.after = {}, {}
            stack = self._settled_stack()
            self._require_usable(stack)
            self._require_parameters(stack)
            return stack
        stack = self.waiter.wait(name)
        self._record_stack(stack)
        self.result["events"] = last_operation_events(self.clients.cloudformation, name)
        if stack is None:
            raise StackError("stack %s disappeared while it was being created" % name, events=self.result["events"])
        if stack["StackStatus"] != "CREATE_COMPLETE":
            self._require_usable(stack)  # ROLLBACK_COMPLETE and the *_FAILED states fail here with their reasons
        return stack

    def _update(self, stack):
        name = self.settings.stack_name
        try:
            self.clients.cloudformation.update_stack(**self._template_request())
        except ClientError as exc:
            if any(marker in error_message(exc) for marker in _NO_CHANGES_MARKERS):
                self.before, self.after = {}, {}
                return
            raise StackError("cannot update stack %s: %s" % (name, error_message(exc)))
        self.result["changed"] = True
        updated = self.waiter.wait(name)
        self._record_stack(updated)
        events = last_operation_events(self.clients.cloudformation, name)
        self.result["events"] = events
        if updated is None or updated["StackStatus"] != "UPDATE_COMPLETE":
            status = updated["StackStatus"] if updated else "gone"
            raise StackError(
                "the reset of stack %s ended in %s: %s. The stack keeps its previous template; fix the cause and run "
                "the reset again." % (name, status, "; ".join(failure_reasons(events)) or "no reason in the events"))

    def _preview_reset(self):
        """Check mode: a change set (created, described, deleted) tells whether and what a reset would change."""
        cloudformation = self.clients.cloudformation
        change_set_name = "dcops-byok-reset-preview-%s" % uuid.uuid4().hex[:12]
        try:
            change_set_id = cloudformation.create_change_set(
                ChangeSetName=change_set_name,
                ChangeSetType="UPDATE",
                Description="dcops.atlassian_cloud.byok_role check mode preview; deleted right away",
                **self._template_request())["Id"]
        except ClientError as exc:
            if any(marker in error_message(exc) for marker in _NO_CHANGES_MARKERS):
                self.before, self.after = {}, {}
                return False
            raise StackError("cannot preview the reset with a change set: %s" % error_message(exc))
        try:
            deadline = self.clock() + self.settings.wait_timeout
            while True:
                change_set = cloudformation.describe_change_set(ChangeSetName=change_set_id)
                if change_set["Status"] in _CHANGE_SET_DONE or self.clock() >= deadline:
                    break
                self.sleep(1.0)
        finally:
            try:
                cloudformation.delete_change_set(ChangeSetName=change_set_id)
            except ClientError as exc:
                self.warnings.append("could not delete the preview change set %s: %s; delete it in the console"
                                     % (change_set_name, error_message(exc)))
        reason = change_set.get("StatusReason") or ""
        if change_set["Status"] == "FAILED" and any(marker in reason for marker in _NO_CHANGES_MARKERS):
            self.before, self.after = {}, {}
            return False
        if change_set["Status"] != "CREATE_COMPLETE":
            raise StackError("the preview change set %s ended in %s: %s" % (change_set_name, change_set["Status"],
                                                                            reason or "no reason given"))
        self.result["change_set_changes"] = [{
            "action": c.get("ResourceChange", {}).get("Action"),
            "logical_resource_id": c.get("ResourceChange", {}).get("LogicalResourceId"),
            "resource_type": c.get("ResourceChange", {}).get("ResourceType"),
            "replacement": c.get("ResourceChange", {}).get("Replacement"),
        } for c in change_set.get("Changes", [])]
        return True

    def _ensure_termination_protection(self, stack):
        enabled = bool(stack.get("EnableTerminationProtection"))
        self.result["termination_protection"] = enabled
        if enabled or not self.settings.termination_protection:
            return
        self.before["termination_protection"] = False
        self.after["termination_protection"] = True
        self.result["changed"] = True
        if not self.check_mode:
            try:
                self.clients.cloudformation.update_termination_protection(
                    StackName=self.settings.stack_name, EnableTerminationProtection=True)
            except ClientError as exc:
                raise StackError("cannot switch on termination protection of stack %s: %s"
                                 % (self.settings.stack_name, error_message(exc)))
        self.result["termination_protection"] = True

    def public_result(self):
        """What a failed result carries besides `msg` and the error's own details (`changed` included: a stack
        may have been created or protected before the failure)."""
        return dict(self.result)

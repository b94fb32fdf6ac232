#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: byok_role
short_description: Create, verify and reset the atlassian-key-management IAM role stack for BYOK
version_added: 0.1.0
description:
  - Manages the CloudFormation stack C(atlassian-key-management-role) that Atlassian's BYOK (bring your own key)
    encryption needs in a dedicated AWS account. The stack is built from Atlassian's template and creates the IAM
    role C(atlassian-key-management) that Atlassian assumes to manage the KMS keys.
  - O(state=present) creates the stack when it is missing (failure option "roll back all stack resources") and
    verifies it. A stack that already exists is not an error.
  - O(state=reset) is the answer to Atlassian's "Misconfiguration detected for AWS account" notice. It updates the
    stack with "replace current template" from O(template_url) and the same parameter, when the deployed template
    or parameter differs from them. The module compares them itself (deployed template from CloudFormation,
    Atlassian's template from S3) and does not rely on the endpoint's "No updates are to be performed".
  - O(state=verified) is a read-only check. It also runs CloudFormation drift detection (O(detect_drift)) and
    fails naming the role properties someone changed by hand.
  - The module never deletes the stack (deleting it deletes the role). O(state=absent) fails with that reason.
  - Stacks in C(*_IN_PROGRESS) are waited for, at most O(wait_timeout) seconds. C(ROLLBACK_COMPLETE) and
    C(*_FAILED) stacks fail with the reasons from the stack events and the remedy; a reset that ends in
    C(UPDATE_ROLLBACK_COMPLETE) fails naming the event reasons.
  - Check mode reports a new stack as a change; for O(state=reset) on an existing stack it creates, describes and
    deletes a change set to tell whether and what a reset would change.
  - A converged O(state=present) or O(state=verified) with O(detect_drift=false) costs 3 AWS API requests
    (iam:GetAccountSummary, cloudformation:DescribeStacks, iam:GetRole); RV(aws_api_calls) reports them.
author:
  - dcops engineers (@dcops)
extends_documentation_fragment:
  - dcops.atlassian_cloud.aws_connection
  - dcops.atlassian_cloud.attributes
  - dcops.atlassian_cloud.attributes.ACTIONGROUP_AWS
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
options:
  state:
    description:
      - V(present) creates the stack when missing and verifies it, V(reset) updates it from Atlassian's template,
        V(verified) only reads.
      - V(absent) is refused; see the description.
    type: str
    choices: [present, reset, verified, absent]
    default: present
  stack_name:
    description:
      - Name of the CloudFormation stack. Atlassian documents C(atlassian-key-management-role); any other value
        gives a warning.
    type: str
    default: atlassian-key-management-role
  template_url:
    description:
      - S3 URL of Atlassian's template, passed to CloudFormation as C(TemplateURL) and read through the S3 API to
        compare it with the deployed template. Any other value than Atlassian's gives a warning.
    type: str
    default: https://byok-atlassian.s3.amazonaws.com/atlassian-key-management-template.json
  key_management_account:
    description:
      - Value of the template parameter C(AtlassianKeyManagementAccount), the Atlassian account the role trusts.
        Atlassian prefills C(709587835243) and says not to change it; any other value gives a warning.
    type: str
    default: "709587835243"
  wait_timeout:
    description:
      - Longest wait, in seconds, for a stack operation or a drift detection to finish (1 to 3600).
      - On timeout the module fails with the progress events seen so far; CloudFormation goes on with the stack.
    type: int
    default: 900
  termination_protection:
    description:
      - Switch on CloudFormation termination protection, at creation or on an existing stack, so that the stack
        and with it the role cannot be deleted by accident.
      - V(false) leaves the current setting alone; the module never switches protection off.
    type: bool
    default: true
  require_mfa:
    description:
      - Fail when the account's root user has no MFA device (C(AccountMFAEnabled) of iam:GetAccountSummary is not
        1). Atlassian requires two-factor authentication on the BYOK account.
      - V(false) turns the failure into a warning.
    type: bool
    default: true
  detect_drift:
    description:
      - With O(state=verified), run CloudFormation drift detection on the stack and fail when the role differs
        from the template. Endpoints without drift detection give a warning instead.
      - Check mode skips it unless O(check_mode_previews=true).
    type: bool
    default: true
  check_mode_previews:
    description:
      - In check mode, also ask CloudFormation for the details a read cannot give, through operations that create
        transient records in the account - a change set (created, read and deleted) that names what a
        O(state=reset) would change, and a drift detection run for O(state=verified).
      - Off by default, so a check run calls no AWS operation that creates anything. Without it, a reset is
        predicted from the deployed template and parameter compared with Atlassian's template.
    type: bool
    default: false
notes:
  - Needs cloudformation:DescribeStacks, DescribeStackEvents, CreateStack, UpdateStack, GetTemplate,
    UpdateTerminationProtection, CreateChangeSet, DescribeChangeSet, DeleteChangeSet, DetectStackDrift,
    DescribeStackDriftDetectionStatus, DescribeStackResourceDrifts; iam:GetAccountSummary, iam:GetRole and the IAM
    permissions of the template; s3:GetObject on the template.
  - CloudFormation re-applies a resource only when the template or parameter changes. When someone edited the role
    by hand and Atlassian's template is unchanged, O(state=reset) reports no change; undo the hand edit (the drift
    report of O(state=verified) shows the expected values).
seealso:
  - name: Set up an AWS account and create IAM roles (Atlassian)
    description: The procedure this module automates.
    link: https://support.atlassian.com/security-and-access-policies/docs/set-up-an-aws-account-and-create-iam-roles/
"""

EXAMPLES = r"""
- name: Create the BYOK role stack, or verify the existing one
  dcops.atlassian_cloud.byok_role:
    profile: byok-account
    region: us-east-1

- name: Reset the role after Atlassian's "Misconfiguration detected for AWS account" notice
  dcops.atlassian_cloud.byok_role:
    profile: byok-account
    region: us-east-1
    state: reset

- name: Check the role, drift included, without changing anything
  dcops.atlassian_cloud.byok_role:
    profile: byok-account
    region: us-east-1
    state: verified
  register: byok

- name: Show who the role trusts
  ansible.builtin.debug:
    var: byok.role_trust_principals
"""

RETURN = r"""
stack_name:
  description: Name of the stack.
  returned: always
  type: str
  sample: atlassian-key-management-role
stack_id:
  description: Id (ARN) of the stack; null when it does not exist (check mode before creation).
  returned: always
  type: str
  sample: arn:aws:cloudformation:us-east-1:123456789012:stack/atlassian-key-management-role/3ec5d3fa-9749-415f-a7f9-6474d5990cf5
stack_status:
  description: Status of the stack after the run.
  returned: always
  type: str
  sample: CREATE_COMPLETE
role_name:
  description: Name of the IAM role the template creates.
  returned: always
  type: str
  sample: atlassian-key-management
role_arn:
  description: ARN of the IAM role; null in check mode before creation.
  returned: always
  type: str
  sample: arn:aws:iam::123456789012:role/atlassian-key-management
role_trust_principals:
  description: Principals the role's trust policy allows to assume it.
  returned: always
  type: list
  elements: str
  sample: ["arn:aws:iam::709587835243:root"]
termination_protection:
  description: Whether termination protection is on for the stack (after the run).
  returned: always
  type: bool
  sample: true
account_mfa_enabled:
  description: Whether the account's root user has an MFA device (iam:GetAccountSummary C(AccountMFAEnabled)).
  returned: always
  type: bool
  sample: true
events:
  description: Events of the stack operation the module started or waited for, oldest first.
  returned: always
  type: list
  elements: dict
  contains:
    timestamp:
      description: "When the event happened."
      type: str
    logical_resource_id:
      description: "Logical ID of the resource."
      type: str
    resource_type:
      description: "CloudFormation resource type."
      type: str
    resource_status:
      description: "Status the resource reached (C(CREATE_IN_PROGRESS), C(CREATE_COMPLETE), ...)."
      type: str
    reason:
      description: "CloudFormation's reason for the status."
      type: str
  sample:
    - timestamp: "2026-11-23 14:43:11.900520+00:00"
      logical_resource_id: atlassian-key-management-role
      resource_type: AWS::CloudFormation::Stack
      resource_status: CREATE_IN_PROGRESS
      reason: User Initiated
change_set_changes:
  description: In check mode with O(state=reset), the resource changes of the preview change set.
  returned: when a reset in check mode would change the stack
  type: list
  elements: dict
  contains:
    action:
      description: "C(Add), C(Modify) or C(Remove)."
      type: str
    logical_resource_id:
      description: "Logical ID of the resource in the template."
      type: str
    resource_type:
      description: "CloudFormation resource type (C(AWS::IAM::Role))."
      type: str
    replacement:
      description: "Whether the change replaces the resource: C(True), C(False) or C(Conditional)."
      type: str
  sample:
    - action: Modify
      logical_resource_id: AtlassianKeyManagementRole
      resource_type: AWS::IAM::Role
      replacement: "False"
drift:
  description:
    - Result of drift detection with O(state=verified). C(checked) is false, with C(reason), when the endpoint or
      the credentials do not allow drift detection.
  returned: with O(state=verified) and O(detect_drift=true)
  type: dict
  contains:
    checked:
      description: "Whether drift detection ran."
      type: bool
    reason:
      description: "Why it did not run (when C(checked) is false)."
      type: str
    detection_status:
      description: "CloudFormation's detection status (C(DETECTION_COMPLETE))."
      type: str
    drifted_resources:
      description: "Resources whose live configuration differs from the template, with their property differences."
      type: list
      elements: dict
      contains:
        logical_resource_id:
          description: "Logical ID of the resource in the template."
          type: str
        physical_resource_id:
          description: "Its physical ID (the role name)."
          type: str
        drift_status:
          description: "C(MODIFIED) or C(DELETED)."
          type: str
        property_differences:
          description: "C(property_path), C(expected_value), C(actual_value) and C(difference_type) of each difference."
          type: list
          elements: dict
  sample:
    checked: true
    detection_status: DETECTION_COMPLETE
    stack_drift_status: DRIFTED
    drifted_resources:
      - logical_resource_id: AtlassianKeyManagementRole
        physical_resource_id: atlassian-key-management
        resource_type: AWS::IAM::Role
        drift_status: MODIFIED
        property_differences:
          - property_path: /AssumeRolePolicyDocument/Statement/0/Principal/AWS
            expected_value: arn:aws:iam::709587835243:root
            actual_value: arn:aws:iam::111122223333:root
            difference_type: NOT_EQUAL
aws_api_calls:
  description: The AWS HTTP requests this run sent (retries included), as C(count) and C(operations).
  returned: always
  type: dict
  contains:
    count:
      description: "AWS HTTP requests sent."
      type: int
    operations:
      description: "The operations, as C(service.Operation), in order."
      type: list
      elements: str
  sample:
    count: 3
    operations: [iam.GetAccountSummary, cloudformation.DescribeStacks, iam.GetRole]
"""

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.argspec import AWS, create_ansible_module
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.errors import (
    CollectionError,
    fail_from_exception,
    safe_message,
)
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.module import validate_base_url
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._byok.aws import (
    AWS_ERRORS,
    BOTO3_IMPORT_ERROR,
    HAS_BOTO3,
    AwsClients,
    error_message,
)
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._byok.role import (
    ByokRoleSettings,
    ByokRoleStack,
    delete_refused,
)
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._byok.stack import StackError
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._byok.template import (
    DEFAULT_KEY_MANAGEMENT_ACCOUNT,
    DEFAULT_STACK_NAME,
    DEFAULT_TEMPLATE_URL,
    TemplateUrlError,
)


def main():
    argument_spec = dict(
        state=dict(type="str", default="present", choices=["present", "reset", "verified", "absent"]),
        stack_name=dict(type="str", default=DEFAULT_STACK_NAME),
        template_url=dict(type="str", default=DEFAULT_TEMPLATE_URL),
        key_management_account=dict(type="str", default=DEFAULT_KEY_MANAGEMENT_ACCOUNT, no_log=False),
        wait_timeout=dict(type="int", default=900),
        termination_protection=dict(type="bool", default=True),
        require_mfa=dict(type="bool", default=True),
        detect_drift=dict(type="bool", default=True),
        check_mode_previews=dict(type="bool", default=False),
    )
    module = create_ansible_module(argument_spec, AWS)
    if not HAS_BOTO3:
        module.fail_json(msg=missing_required_lib("boto3"), exception=BOTO3_IMPORT_ERROR)

    if module.params["state"] == "absent":
        module.fail_json(msg=delete_refused(module.params["stack_name"]))
    settings = ByokRoleSettings.from_params(module.params)
    problems = settings.problems()
    if problems:
        module.fail_json(msg="; ".join(problems))
    for warning in settings.warnings():
        module.warn(warning)

    try:
        if module.params["endpoint_url"] is not None:
            validate_base_url("endpoint_url", module.params["endpoint_url"])
        clients = AwsClients(module.params)
    except CollectionError as exc:
        fail_from_exception(module, exc)
    manager = ByokRoleStack(clients, settings, check_mode=module.check_mode)
    try:
        result = manager.run(module.params["state"])
    except (StackError, TemplateUrlError) + AWS_ERRORS as exc:
        for warning in manager.warnings:
            module.warn(warning)
        failed = manager.public_result()
        failed.update(getattr(exc, "details", {}))
        failed["aws_api_calls"] = clients.counter.as_result()
        if isinstance(exc, AWS_ERRORS):
            message = "AWS request failed: %s" % error_message(exc)
        else:
            message = exc.msg if isinstance(exc, StackError) else str(exc)
        module.fail_json(msg=safe_message(module, message), **failed)
    for warning in manager.warnings:
        module.warn(warning)
    result["aws_api_calls"] = clients.counter.as_result()
    module.exit_json(**result)


if __name__ == "__main__":
    main()

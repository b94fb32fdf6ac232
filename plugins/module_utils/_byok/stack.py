# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""CloudFormation stack states, events and the bounded wait for the BYOK role stack."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._byok.aws import (
    ClientError,
    error_code,
    error_message,
)
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.errors import CollectionError

SETTLED_OK = frozenset(["CREATE_COMPLETE", "UPDATE_COMPLETE", "IMPORT_COMPLETE"])
# The last update was rolled back: the stack is usable and holds what it held before that update.
SETTLED_ROLLED_BACK = frozenset(["UPDATE_ROLLBACK_COMPLETE", "IMPORT_ROLLBACK_COMPLETE"])
USER_INITIATED = "User Initiated"
# Events that only say a resource was skipped because another one failed.
_NOISE_REASONS = ("Resource creation cancelled", "Resource update cancelled")
_EVENT_PAGES = 5
_MAX_POLL_DELAY = 10.0


class StackError(CollectionError):
    """A stack state or API answer the module cannot go on from; `details` go into the failed result."""

    def __init__(self, msg, **details):
        super(StackError, self).__init__(msg)
        self.msg = msg
        self.details = details


def is_in_progress(status):
    # REVIEW_IN_PROGRESS never moves on by itself (a change set waits to be executed); it is not waited for.
    return status.endswith("_IN_PROGRESS") and status != "REVIEW_IN_PROGRESS"


def is_failed(status):
    return status.endswith("_FAILED")


def stack_not_found(exc):
    return error_code(exc) == "ValidationError" and "does not exist" in error_message(exc)


def describe_stack(cloudformation, stack_name):
    """The stack description, or None when no stack of that name exists (deleted stacks included)."""
    try:
        stacks = cloudformation.describe_stacks(StackName=stack_name)["Stacks"]
    except ClientError as exc:
        if stack_not_found(exc):
            return None
        raise StackError("cannot describe stack %s: %s" % (stack_name, error_message(exc)))
    return stacks[0] if stacks else None


def _event_view(event):
    return {
        "timestamp": str(event.get("Timestamp")),
        "logical_resource_id": event.get("LogicalResourceId"),
        "resource_type": event.get("ResourceType"),
        "resource_status": event.get("ResourceStatus"),
        "reason": event.get("ResourceStatusReason"),
    }


def last_operation_events(cloudformation, stack_name):
    """The events of the stack's latest operation, oldest first (from its 'User Initiated' event on)."""
    collected = []
    kwargs = {"StackName": stack_name}
    try:
        for _page in range(_EVENT_PAGES):
            response = cloudformation.describe_stack_events(**kwargs)
            for event in response.get("StackEvents", []):  # newest first
                collected.append(event)
                if (event.get("ResourceType") == "AWS::CloudFormation::Stack"
                        and event.get("ResourceStatusReason") == USER_INITIATED):
                    return [_event_view(e) for e in reversed(collected)]
            if not response.get("NextToken"):
                break
            kwargs["NextToken"] = response["NextToken"]
    except ClientError as exc:
        return [{"reason": "stack events unavailable: %s" % error_message(exc)}]
    return [_event_view(e) for e in reversed(collected)]


def failure_reasons(events):
    """'Logical (Type) STATUS: reason' for every failed event that explains something."""
    reasons = []
    for event in events:
        status = event.get("resource_status") or ""
        reason = event.get("reason") or ""
        if not (status.endswith("_FAILED") or "ROLLBACK" in status) or not reason:
            continue
        if reason == USER_INITIATED or reason.startswith(_NOISE_REASONS):
            continue
        reasons.append("%s (%s) %s: %s" % (event.get("logical_resource_id"), event.get("resource_type"), status, reason))
    return reasons


class StackWaiter:
    """Polls DescribeStacks until the stack leaves *_IN_PROGRESS, for at most `timeout` seconds.

    amazon.aws.cloudformation polls without an overall limit; this wait is bounded and, on timeout, returns the
    progress events seen so far so the user can tell a slow stack from a stuck one.
    """

    def __init__(self, cloudformation, timeout, sleep=time.sleep, clock=time.monotonic, first_delay=1.0):
        self.cloudformation = cloudformation
        self.timeout = timeout
        self.sleep = sleep
        self.clock = clock
        self.first_delay = first_delay

    def wait(self, stack_name, stack=None):
        """The settled stack description (None if it disappeared); StackError on timeout."""
        deadline = self.clock() + self.timeout
        delay = self.first_delay
        while True:
            if stack is None:
                stack = describe_stack(self.cloudformation, stack_name)
            if stack is None or not is_in_progress(stack["StackStatus"]):
                return stack
            remaining = deadline - self.clock()
            if remaining <= 0:
                events = last_operation_events(self.cloudformation, stack_name)
                raise StackError(
                    "stack %s is still %s after waiting %s seconds (wait_timeout). It is not failed; CloudFormation "
                    "goes on with it. Run the task again to keep waiting, or look at the stack's events in the "
                    "CloudFormation console." % (stack_name, stack["StackStatus"], self.timeout),
                    stack_status=stack["StackStatus"],
                    stack_id=stack.get("StackId"),
                    events=events,
                )
            self.sleep(min(delay, remaining))
            delay = min(delay * 2, _MAX_POLL_DELAY)
            stack = None

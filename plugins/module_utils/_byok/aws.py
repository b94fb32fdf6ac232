# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""AWS connection options, boto3 clients and the per-run API call counter for the BYOK role stack."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import traceback

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.errors import CollectionError

try:
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError
    from botocore.parsers import ResponseParserError
    HAS_BOTO3 = True
    BOTO3_IMPORT_ERROR = None
except ImportError:
    HAS_BOTO3 = False
    BOTO3_IMPORT_ERROR = traceback.format_exc()

    class BotoCoreError(Exception):
        """Stands in for botocore's base error so `except` clauses stay valid; the module fails first."""

    class ClientError(Exception):
        """Stands in for botocore's ClientError so `except` clauses stay valid; the module fails first."""

    class ResponseParserError(Exception):
        """Stands in for botocore's ResponseParserError so `except` clauses stay valid; the module fails first."""


class AwsConnectionError(CollectionError):
    """The AWS session or a client could not be set up (profile, region or credentials)."""


class ApiCallCounter:
    """Counts every HTTP request boto3 sends (retries included): the figure `docs/performance.md` reports."""

    def __init__(self):
        self.operations = []

    def __call__(self, event_name=None, **kwargs):
        # event_name is "before-send.<service>.<Operation>"
        parts = (event_name or "").split(".")
        self.operations.append("%s.%s" % (parts[1], parts[2]) if len(parts) >= 3 else event_name)

    @property
    def count(self):
        return len(self.operations)

    def as_result(self):
        return {"count": self.count, "operations": list(self.operations)}


class AwsClients:
    """The CloudFormation, IAM and S3 clients of one module run, all counted by one ApiCallCounter."""

    def __init__(self, params, counter=None):
        self.counter = counter or ApiCallCounter()
        try:
            self._session = boto3.session.Session(
                profile_name=params.get("profile"),
                aws_access_key_id=params.get("access_key"),
                aws_secret_access_key=params.get("secret_key"),
                aws_session_token=params.get("session_token"),
                region_name=params.get("region"),
            )
        except BotoCoreError as exc:
            raise AwsConnectionError("cannot set up the AWS session: %s" % exc)
        if not self._session.region_name:
            raise AwsConnectionError(
                "no AWS region: set the region option, AWS_REGION or a region in the profile "
                "(the stack lives in one region; IAM roles are global)"
            )
        self._session.events.register("before-send", self.counter)
        self._endpoint_url = params.get("endpoint_url")
        self._clients = {}

    def _client(self, service, max_attempts=3):
        key = (service, max_attempts)
        if key not in self._clients:
            config = Config(
                retries={"mode": "standard", "total_max_attempts": max_attempts},
                user_agent_extra="dcops.atlassian_cloud.byok_role",
            )
            try:
                self._clients[key] = self._session.client(service, endpoint_url=self._endpoint_url, config=config)
            except BotoCoreError as exc:
                raise AwsConnectionError("cannot create the %s client: %s" % (service, exc))
        return self._clients[key]

    @property
    def cloudformation(self):
        return self._client("cloudformation")

    @property
    def cloudformation_single_attempt(self):
        """For optional calls (drift detection) that some AWS-compatible endpoints answer with HTTP 500:
        one attempt, so an unsupported call costs one request instead of a retry series."""
        return self._client("cloudformation", max_attempts=1)

    @property
    def iam(self):
        return self._client("iam")

    @property
    def s3(self):
        return self._client("s3")


def error_code(exc):
    """The AWS error code of a ClientError ('' for other errors)."""
    if not isinstance(exc, ClientError):
        return ""
    return (exc.response or {}).get("Error", {}).get("Code", "")


# Every error boto3 can raise from a call: botocore's own, and the parser's, which is no BotoCoreError and whose
# text carries the raw answer (an endpoint that echoes the request puts the signed headers there).
AWS_ERRORS = (ClientError, BotoCoreError, ResponseParserError)


def error_message(exc):
    """The AWS error message of a ClientError, or the exception text (never the raw answer of the endpoint)."""
    if isinstance(exc, ResponseParserError):
        first_line = re.split(r"\s*:?\s*b['\"]", str(exc).split("\n", maxsplit=1)[0])[0][:160]
        return ("the endpoint answered something that is not an AWS API response (%s); check endpoint_url and any "
                "proxy in between" % first_line)
    response = getattr(exc, "response", None) or {}
    return response.get("Error", {}).get("Message") or str(exc)

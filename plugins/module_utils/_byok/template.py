# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The BYOK template: where its URL points in S3, and whether a deployed template equals it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

from ansible.module_utils.six.moves.urllib.parse import unquote, urlparse
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.errors import CollectionError

# Atlassian's published values (support.atlassian.com, "Set up an AWS account and create IAM roles").
DEFAULT_STACK_NAME = "atlassian-key-management-role"
DEFAULT_TEMPLATE_URL = "https://byok-atlassian.s3.amazonaws.com/atlassian-key-management-template.json"
DEFAULT_KEY_MANAGEMENT_ACCOUNT = "709587835243"
KEY_MANAGEMENT_ACCOUNT_PARAMETER = "AtlassianKeyManagementAccount"
ROLE_NAME = "atlassian-key-management"

# bucket.s3.amazonaws.com, bucket.s3.eu-west-1.amazonaws.com, bucket.s3-eu-west-1.amazonaws.com
_VIRTUAL_HOSTED = re.compile(r"^(?P<bucket>.+?)\.s3(?:[.-](?:dualstack\.)?[a-z0-9-]+)?\.amazonaws\.com(?:\.cn)?$")
# s3.amazonaws.com/bucket/key, s3.eu-west-1.amazonaws.com/bucket/key, s3-eu-west-1.amazonaws.com/bucket/key
_PATH_STYLE = re.compile(r"^s3(?:[.-](?:dualstack\.)?[a-z0-9-]+)?\.amazonaws\.com(?:\.cn)?$")


class TemplateUrlError(CollectionError, ValueError):
    """The template URL is not an S3 object URL that CloudFormation accepts."""


def parse_s3_url(url):
    """(bucket, key) of an S3 object URL in virtual-hosted or path style, as CloudFormation's TemplateURL takes."""
    parsed = urlparse(url)
    if parsed.scheme != "https":
        raise TemplateUrlError("template_url must be an https:// S3 object URL, got %r" % url)
    host = (parsed.hostname or "").lower()
    path = unquote(parsed.path.lstrip("/"))
    match = _VIRTUAL_HOSTED.match(host)
    if match and not _PATH_STYLE.match(host):
        bucket, key = match.group("bucket"), path
    elif _PATH_STYLE.match(host):
        bucket, _sep, key = path.partition("/")
    else:
        raise TemplateUrlError(
            "template_url must point to an object in Amazon S3 (https://BUCKET.s3.amazonaws.com/KEY), got %r" % url
        )
    if not bucket or not key:
        raise TemplateUrlError("template_url %r names no bucket and key" % url)
    return bucket, key


def normalize(template):
    """A comparable form of a template: the parsed object for JSON, the stripped text otherwise.

    CloudFormation's GetTemplate returns JSON templates already parsed (boto3 decodes them) and YAML templates
    as text; S3 returns bytes. Two JSON templates that differ only in whitespace or key order compare equal.
    """
    if isinstance(template, bytes):
        template = template.decode("utf-8")
    if isinstance(template, dict):
        return json.loads(json.dumps(template))
    try:
        return json.loads(template)
    except ValueError:
        return template.strip()


def render(template):
    """Readable text of a normalized template, for diffs."""
    if isinstance(template, dict):
        return json.dumps(template, indent=2, sort_keys=True) + "\n"
    return template + "\n"


def parameters_map(parameter_list):
    """{key: value} from CloudFormation's [{ParameterKey, ParameterValue}] list."""
    return dict((p["ParameterKey"], p.get("ParameterValue")) for p in parameter_list or [])


def desired_parameters(key_management_account):
    return {KEY_MANAGEMENT_ACCOUNT_PARAMETER: key_management_account}


def parameter_list(parameters):
    return [{"ParameterKey": k, "ParameterValue": v} for k, v in sorted(parameters.items())]

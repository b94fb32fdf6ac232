# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # AWS connection options; the argument spec is AWS_CONNECTION_ARGUMENT_SPEC in module_utils/_api/argspec.py.
    DOCUMENTATION = r"""
options:
  profile:
    description:
      - Named profile of the AWS shared configuration and credentials files.
      - When no profile, keys or session token are given, boto3's default chain applies (environment
        variables such as E(AWS_PROFILE) and E(AWS_ACCESS_KEY_ID), the shared files, instance roles).
    type: str
    aliases: [aws_profile]
  region:
    description:
      - AWS region of the CloudFormation stack. IAM itself is global.
      - Defaults to the region of the profile or E(AWS_REGION) / E(AWS_DEFAULT_REGION); the module fails when none is set.
    type: str
    aliases: [aws_region]
  access_key:
    description:
      - AWS access key id. Use it together with O(secret_key).
    type: str
    aliases: [aws_access_key_id]
  secret_key:
    description:
      - AWS secret access key.
    type: str
    aliases: [aws_secret_access_key]
  session_token:
    description:
      - AWS session token of temporary credentials.
    type: str
    aliases: [aws_session_token]
  endpoint_url:
    description:
      - URL of an AWS-compatible endpoint to send every request to (CloudFormation, IAM and S3), for
        example a moto server in tests. Leave unset for AWS itself.
    type: str
    aliases: [aws_endpoint_url]
requirements:
  - boto3
"""

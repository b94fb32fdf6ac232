# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one way a module of this collection builds its AnsibleModule.

An ArgumentSpec carries options together with the constraints between them, so a credential family
(Data Center, cloud admin, SCIM, AWS) brings its own `mutually_exclusive` / `required_together` to every
module that uses it instead of each module passing them by hand. Secrets (`password`, `token`, `api_key`,
`directory_api_key`, the AWS keys) are `no_log` here, at the source, so no module can forget it; the matching
documentation is in the doc fragments `dc_connection`, `cloud_connection`, `scim_connection` and
`aws_connection`. The shape follows community.crypto's `module_utils/argspec.py`.

    module = create_ansible_module(dict(key=dict(type="str", required=True)), DATA_CENTER)
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible.module_utils.basic import AnsibleModule, env_fallback

CLOUD_API_URL = "https://api.atlassian.com"


def http_argument_spec():
    """The HTTP options of every REST connection (documented once, in doc_fragments/http_options.py)."""
    return dict(
        validate_certs=dict(type="bool", default=True),
        ca_path=dict(type="path"),
        timeout=dict(type="float", default=30.0),
        retry_max_time=dict(type="float", default=120.0),
        api_overrides=dict(type="dict", default={}),
    )


def dc_argument_spec():
    spec = dict(
        url=dict(type="str", required=True, fallback=(env_fallback, ["ATLASSIAN_DC_URL"])),
        user=dict(type="str", fallback=(env_fallback, ["ATLASSIAN_DC_USER"])),
        password=dict(type="str", no_log=True, fallback=(env_fallback, ["ATLASSIAN_DC_PASSWORD"])),
        token=dict(type="str", no_log=True, fallback=(env_fallback, ["ATLASSIAN_DC_TOKEN"])),
    )
    spec.update(http_argument_spec())
    return spec


DC_MUTUALLY_EXCLUSIVE = [("token", "password"), ("token", "user")]
DC_REQUIRED_TOGETHER = [("user", "password")]


def cloud_argument_spec():
    spec = dict(
        api_url=dict(type="str", default=CLOUD_API_URL, fallback=(env_fallback, ["ATLASSIAN_API_URL"])),
        org_id=dict(type="str", required=True, fallback=(env_fallback, ["ATLASSIAN_ORG_ID"])),
        api_key=dict(type="str", required=True, no_log=True, fallback=(env_fallback, ["ATLASSIAN_ORG_API_KEY"])),
    )
    spec.update(http_argument_spec())
    return spec


def scim_argument_spec():
    spec = dict(
        api_url=dict(type="str", default=CLOUD_API_URL, fallback=(env_fallback, ["ATLASSIAN_API_URL"])),
        directory_id=dict(type="str", required=True, fallback=(env_fallback, ["ATLASSIAN_SCIM_DIRECTORY_ID"])),
        directory_api_key=dict(type="str", required=True, no_log=True,
                               fallback=(env_fallback, ["ATLASSIAN_SCIM_API_KEY"])),
    )
    spec.update(http_argument_spec())
    return spec


# The list-valued AnsibleModule keywords an ArgumentSpec merges; `required_by` is a dict and merged by key.
_LIST_CONSTRAINTS = ("mutually_exclusive", "required_together", "required_one_of", "required_if")

# AWS connection options; documented in the `aws_connection` doc fragment. Keys are no_log at the source.
AWS_CONNECTION_ARGUMENT_SPEC = dict(
    profile=dict(type="str", aliases=["aws_profile"]),
    region=dict(type="str", aliases=["aws_region"]),
    access_key=dict(type="str", aliases=["aws_access_key_id"], no_log=True),
    secret_key=dict(type="str", aliases=["aws_secret_access_key"], no_log=True),
    session_token=dict(type="str", aliases=["aws_session_token"], no_log=True),
    endpoint_url=dict(type="str", aliases=["aws_endpoint_url"]),
)


class ArgumentSpec:
    """Options plus the constraints between them; merged specs keep every constraint of both."""

    def __init__(self, argument_spec=None, mutually_exclusive=None, required_together=None, required_one_of=None,
                 required_if=None, required_by=None):
        self.argument_spec = copy.deepcopy(argument_spec or {})
        self.mutually_exclusive = list(mutually_exclusive or [])
        self.required_together = list(required_together or [])
        self.required_one_of = list(required_one_of or [])
        self.required_if = list(required_if or [])
        self.required_by = dict(required_by or {})

    def merge(self, *others):
        """A new spec with the options and constraints of this one and of `others`; an option defined twice
        is a programming error, not something to resolve silently."""
        merged = ArgumentSpec(self.argument_spec, self.mutually_exclusive, self.required_together,
                              self.required_one_of, self.required_if, self.required_by)
        for other in others:
            clash = sorted(set(merged.argument_spec) & set(other.argument_spec))
            if clash:
                raise ValueError("options defined twice: %s" % ", ".join(clash))
            merged.argument_spec.update(copy.deepcopy(other.argument_spec))
            for name in _LIST_CONSTRAINTS:
                getattr(merged, name).extend(getattr(other, name))
            for option, requires in other.required_by.items():
                merged.required_by[option] = tuple(merged.required_by.get(option, ())) + tuple(requires)
        return merged

    def per_item(self, *optional):
        """This spec for a connection that is one item of a list option: without environment fallbacks (they would
        give every item the same value), and with the `optional` options no longer required."""
        merged = self.merge()
        for name, option in merged.argument_spec.items():
            option.pop("fallback", None)
            if name in optional:
                option.pop("required", None)
        return merged

    def as_option(self, **option):
        """This spec as one option of type dict (or list of dicts) with these suboptions, constraints included."""
        option = dict(option, options=self.argument_spec)
        option.update((name, getattr(self, name)) for name in _LIST_CONSTRAINTS if getattr(self, name))
        if self.required_by:
            option["required_by"] = self.required_by
        return option

    def ansible_module_kwargs(self):
        kwargs = dict(argument_spec=self.argument_spec, required_by=self.required_by)
        kwargs.update((name, getattr(self, name)) for name in _LIST_CONSTRAINTS)
        return kwargs

    def create_ansible_module(self, supports_check_mode=True, add_file_common_args=False):
        """Every module of the collection supports check mode; a module that cannot must say so here."""
        return AnsibleModule(supports_check_mode=supports_check_mode, add_file_common_args=add_file_common_args,
                             **self.ansible_module_kwargs())


# The credential families. Specs are never changed in place (merge returns a new one), so these are shared.
DATA_CENTER = ArgumentSpec(
    dc_argument_spec(),
    mutually_exclusive=DC_MUTUALLY_EXCLUSIVE,
    required_together=DC_REQUIRED_TOGETHER,
)
CLOUD_ADMIN = ArgumentSpec(cloud_argument_spec())
SCIM = ArgumentSpec(scim_argument_spec())
AWS = ArgumentSpec(AWS_CONNECTION_ARGUMENT_SPEC, required_together=[("access_key", "secret_key")])


def create_ansible_module(argument_spec, *families, **constraints):
    """The AnsibleModule of a module: its own options and constraints, plus those of its credential families.
    `add_file_common_args=True` adds the file attributes (mode, owner, ...) for a module that writes a file."""
    add_file_common_args = constraints.pop("add_file_common_args", False)
    spec = ArgumentSpec(argument_spec, **constraints).merge(*families)
    return spec.create_ansible_module(add_file_common_args=add_file_common_args)

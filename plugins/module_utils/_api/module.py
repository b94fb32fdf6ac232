# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Connection argument specs shared by the REST modules, and the clients built from them.

Secrets (`password`, `token`, `api_key`, `directory_api_key`) are `no_log` here, at the source, so no
module can forget it. The matching documentation lives in the doc fragments `dc_connection`,
`cloud_connection` and `scim_connection`.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import env_fallback, missing_required_lib

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api import client as api_client
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.contract import validate_overrides

CLOUD_API_URL = "https://api.atlassian.com"


def _common_spec():
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
    spec.update(_common_spec())
    return spec


DC_MUTUALLY_EXCLUSIVE = [("token", "password"), ("token", "user")]
DC_REQUIRED_TOGETHER = [("user", "password")]


def cloud_argument_spec():
    spec = dict(
        api_url=dict(type="str", default=CLOUD_API_URL, fallback=(env_fallback, ["ATLASSIAN_API_URL"])),
        org_id=dict(type="str", required=True, fallback=(env_fallback, ["ATLASSIAN_ORG_ID"])),
        api_key=dict(type="str", required=True, no_log=True, fallback=(env_fallback, ["ATLASSIAN_ORG_API_KEY"])),
    )
    spec.update(_common_spec())
    return spec


def scim_argument_spec():
    spec = dict(
        api_url=dict(type="str", default=CLOUD_API_URL, fallback=(env_fallback, ["ATLASSIAN_API_URL"])),
        directory_id=dict(type="str", required=True, fallback=(env_fallback, ["ATLASSIAN_SCIM_DIRECTORY_ID"])),
        directory_api_key=dict(type="str", required=True, no_log=True,
                               fallback=(env_fallback, ["ATLASSIAN_SCIM_API_KEY"])),
    )
    spec.update(_common_spec())
    return spec


def require_httpx(module):
    if not api_client.HAS_HTTPX:
        module.fail_json(msg=missing_required_lib("httpx"), exception=str(api_client.HTTPX_IMPORT_ERROR))


def _client(module, base_url, auth, params=None):
    params = params if params is not None else module.params
    require_httpx(module)
    unknown = validate_overrides(params.get("api_overrides"))
    if unknown:
        module.fail_json(msg="api_overrides names unknown operations: %s. See docs/api-contract.md for the "
                             "operation names." % ", ".join(unknown))
    retry = api_client.RetryPolicy(max_total=params.get("retry_max_time", 120.0))
    return api_client.ApiClient(
        base_url,
        auth=auth,
        validate_certs=params["validate_certs"],
        ca_path=params.get("ca_path"),
        timeout=params["timeout"],
        retry=retry,
        overrides=params.get("api_overrides"),
        on_retry=module.debug,
    )


def dc_client(module, params=None):
    """Client for a DC base URL (context path included, e.g. https://host/confluence)."""
    params = params if params is not None else module.params
    if params.get("token"):
        auth = ("bearer", params["token"])
    elif params.get("user"):
        auth = ("basic", params["user"], params.get("password"))
    else:
        auth = None
    return _client(module, params["url"], auth, params)


def cloud_client(module, params=None):
    params = params if params is not None else module.params
    return _client(module, params["api_url"], ("bearer", params["api_key"]), params)


def scim_client(module, params=None):
    params = params if params is not None else module.params
    return _client(module, params["api_url"], ("bearer", params["directory_api_key"]), params)


def fail_api(module, error, msg=None, **result):
    """Fail the module from an ApiError. The error text carries no credential by construction."""
    text = "%s: %s" % (msg, error) if msg else str(error)
    module.fail_json(msg=text, status=error.status, api_path=error.path, api_method=error.method, **result)

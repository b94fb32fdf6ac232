# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The start the connector modules share (tomcat_connector, app_tunnel_info): the server.xml read and the
connector edit planned from the module's options, or a one-line failure."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import missing_required_lib
from ansible.module_utils.common.text.converters import to_native

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.errors import CollectionError, fail_from_exception
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._tomcat.files import read_target
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._tomcat.server_xml import (
    HAS_LXML,
    LXML_IMPORT_ERROR,
    ServerXmlSelectionError,
    is_secret_attribute,
    plan_connector,
)

# The options that select the connector and describe the edit, in both modules' argument specs.
CONNECTOR_OPTIONS = dict(
    port=dict(type="int"),
    protocol=dict(type="str"),
    attributes=dict(type="dict", default={}),
    absent_attributes=dict(type="list", elements="str", default=[]),
)


def read_and_plan(module):
    """``(real path, bytes, plan)`` of the module's ``path`` and connector edit; fails the module in one line (with
    the candidates when the selection matches no connector or several)."""
    params = module.params
    # Secret-looking attribute values given by the user are hidden in the logged invocation too.
    module.no_log_values.update(str(v) for k, v in params["attributes"].items() if is_secret_attribute(k) and v)
    if not HAS_LXML:
        module.fail_json(msg=missing_required_lib("lxml"), exception=to_native(LXML_IMPORT_ERROR))
    path = params["path"]
    try:
        real, raw = read_target(path)
        plan = plan_connector(raw, port=params["port"], protocol=params["protocol"], attributes=params["attributes"],
                              absent_attributes=params["absent_attributes"])
    except ServerXmlSelectionError as exc:
        fail_from_exception(module, exc, msg=path, candidates=exc.candidates)
    except CollectionError as exc:
        fail_from_exception(module, exc, msg=path if not str(exc).startswith(path) else None)
    return real, raw, plan

# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The Ansible side of the group sync, shared by the modules that sync: group_sync (a flat structure given as
an option) and group_flatten with ``state: synced`` (the structure it has just flattened).

``sync_spec()`` is the sync's options, a credential family of its own; ``run_sync(module, flat, users)``
builds the client, syncs, issues the warnings and fails the module with the partial result when a write fails.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.argspec import (
    ArgumentSpec,
    cloud_argument_spec,
    scim_argument_spec,
)
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.client import ApiError
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._auth_policy import guard
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.errors import (
    CollectionError,
    fail_from_exception,
)
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.module import (
    cloud_client,
    scim_client,
)
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._groups_sync.sync import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_MARKER,
    DEFAULT_MAX_REMOVAL_SHARE,
    TARGET_KINDS,
    SyncFailed,
    sync_to_cloud,
)

# Which key each target needs; only checked when a target is set.
SYNC_REQUIRED_IF = [("target", "scim", ["directory_api_key"]), ("target", "groups_api", ["org_id", "api_key"])]


def sync_spec(optional=False):
    """The target, the sync's behaviour and both cloud connections (SCIM and organizations API), as an
    ArgumentSpec that brings SYNC_REQUIRED_IF.

    The keys are only required by SYNC_REQUIRED_IF, for the target that uses them. With `optional` (the module
    can also run without syncing), `target` has no default and `directory_id` is not required: the caller
    requires both for the state that syncs.
    """
    spec = cloud_argument_spec()
    spec.update(scim_argument_spec())
    for name in ("org_id", "api_key", "directory_api_key"):
        spec[name] = dict(spec[name], required=False)
    spec.update(
        target=dict(type="str", choices=list(TARGET_KINDS), default=None if optional else "scim"),
        prune=dict(type="bool", default=False),
        managed_marker=dict(type="str", default=DEFAULT_MARKER),
        batch_size=dict(type="int", default=DEFAULT_BATCH_SIZE),
        max_removal_share=dict(type="float", default=DEFAULT_MAX_REMOVAL_SHARE),
        confirm_removals=dict(type="bool", default=False),
    )
    if optional:
        spec["directory_id"] = dict(spec["directory_id"], required=False)
    return ArgumentSpec(spec, required_if=SYNC_REQUIRED_IF)


def _merge(output, under, sync_result):
    """`output` plus the sync result; under `under` when given, except `changed` and `diff`, which describe the
    whole task."""
    if under is None:
        return dict(output, **sync_result)
    merged = dict(output, changed=sync_result.pop("changed"))
    if "diff" in sync_result:
        merged["diff"] = sync_result.pop("diff")
    merged[under] = sync_result
    return merged


def _needs_guard(params, error):
    """SCIM provisioning needs Atlassian Guard Standard: a refused SCIM call says so (None otherwise)."""
    if params["target"] != "scim" or not isinstance(error, ApiError):
        return None
    return guard.hint(error, "SCIM user provisioning (target scim)", key_statuses=(401,))


def run_sync(module, flat, users, output=None, under=None):
    """Sync `flat` ({group: [members]}) to the target in module.params and return the module's result: `output`
    plus the sync result (nested under `under` when given).

    Honours check mode and diff mode. Warnings go to module.warn. Fails the module (with `output` and what was
    written so far) when a write fails part-way, a read fails or an argument is invalid.
    """
    params = module.params
    output = output or {}
    client = scim_client(module) if params["target"] == "scim" else cloud_client(module)
    try:
        with client:
            result = sync_to_cloud(client, flat, params["target"], prune=params["prune"],
                                   managed_marker=params["managed_marker"], check_mode=module.check_mode,
                                   users=users, directory_id=params["directory_id"], org_id=params["org_id"],
                                   batch_size=params["batch_size"], diff=module._diff,
                                   max_removal_share=params["max_removal_share"],
                                   confirm_removals=params["confirm_removals"])
    except SyncFailed as exc:
        for warning in exc.result.pop("warnings"):
            module.warn(warning)
        fail_from_exception(module, exc, msg=_needs_guard(params, exc.error), **_merge(output, under, exc.result))
    except ApiError as exc:
        fail_from_exception(module, exc, msg=_needs_guard(params, exc) or "Cannot read the cloud groups", **output)
    except (CollectionError, ValueError) as exc:
        fail_from_exception(module, exc, **output)
    for warning in result.pop("warnings"):
        module.warn(warning)
    if result["missing_in_cloud"]:
        module.warn("%d source member(s) have no account in the cloud directory and were not added: %s"
                    % (len(result["missing_in_cloud"]), ", ".join(result["missing_in_cloud"][:10])))
    return _merge(output, under, result)

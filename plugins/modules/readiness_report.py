#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: readiness_report
short_description: Write the estate readiness report (Markdown, HTML, JSON) from the readiness checks
version_added: 0.2.0
description:
  - Joins the results of M(dcops.atlassian_cloud.readiness_instance), M(dcops.atlassian_cloud.readiness_node) and
    M(dcops.atlassian_cloud.readiness_org) into one report - an instance by check matrix, the organization's checks,
    the details per instance and node - and writes it to O(dest) as C(readiness.md), C(readiness.html) (self-contained,
    no external assets) and C(readiness.json) (schema C(docs/readiness_report.schema.json)).
  - The files carry no timestamp, so an unchanged estate rewrites nothing and the task reports no change.
  - Returns a one-screen C(summary) and, with O(fail_on), fails after writing when a check is in one of those states.
author:
  - dcops engineers (@dcops)
extends_documentation_fragment:
  - dcops.atlassian_cloud.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
options:
  dest:
    description: The directory the three files go to; created (mode 0700) when missing. The nearest existing
      directory up from it must accept new entries, or the task fails, in check mode too.
    type: path
    required: true
  instances:
    description: The C(readiness) results of M(dcops.atlassian_cloud.readiness_instance), one per instance.
    type: list
    elements: dict
    required: true
  nodes:
    description: The C(readiness) results of M(dcops.atlassian_cloud.readiness_node), one per node.
    type: list
    elements: dict
    default: []
  organization:
    description: The C(readiness) result of M(dcops.atlassian_cloud.readiness_org); without it the organization's
      checks are C(unknown).
    type: dict
  mode:
    description: The files' mode.
    type: raw
    default: "0600"
  fail_on:
    description: Fail (after writing the report) when any check is in one of these states.
    type: list
    elements: str
    choices: [missing, risk, unknown]
    default: []
"""

EXAMPLES = r"""
- name: Write the report
  dcops.atlassian_cloud.readiness_report:
    dest: reports/readiness
    instances: "{{ groups['dc_instances'] | map('extract', hostvars, 'readiness_instance') | list }}"
    nodes: "{{ groups['dc_nodes'] | map('extract', hostvars, 'readiness_node') | list }}"
    organization: "{{ readiness_org }}"
    fail_on: [risk]
"""

RETURN = r"""
files:
  description: The paths of the three files.
  returned: always
  type: dict
  contains:
    markdown:
      description: The Markdown file.
      type: str
    html:
      description: The HTML file.
      type: str
    json:
      description: The JSON file.
      type: str
counts:
  description: How many checks are in each state.
  returned: always
  type: dict
  contains:
    done:
      description: Checks done.
      type: int
    missing:
      description: Checks missing.
      type: int
    risk:
      description: Checks at risk.
      type: int
    unknown:
      description: Checks that could not be made.
      type: int
  sample: {"done": 20, "missing": 4, "risk": 1, "unknown": 2}
summary:
  description: The one-screen summary, one line an item.
  returned: always
  type: list
  elements: str
failing:
  description: The checks in a state of O(fail_on), as C(where), C(id), C(state) and C(reason).
  returned: always
  type: list
  elements: dict
  contains:
    where:
      description: The instance, node or organization.
      type: str
    id:
      description: The check.
      type: str
    state:
      description: Its state.
      type: str
    reason:
      description: What was found.
      type: str
report:
  description: The report document (what C(readiness.json) holds; its schema is docs/readiness_report.schema.json).
  returned: always
  type: dict
  contains:
    schema:
      description: The schema's identifier.
      type: str
    title:
      description: The report's title.
      type: str
    states:
      description: The states, in order.
      type: list
      elements: str
    columns:
      description: The matrix columns (check id, title, source).
      type: list
      elements: dict
    counts:
      description: How many checks are in each state.
      type: dict
    instances:
      description: Per instance, its checks and nodes.
      type: list
      elements: dict
    organization:
      description: The organization's checks.
      type: dict
    nodes_without_instance:
      description: Nodes whose instance is not in the run.
      type: list
      elements: dict
"""

import os

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.argspec import create_ansible_module
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._preflight.report import write_file
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._readiness import report

FILES = (("markdown", "readiness.md", report.render_markdown), ("html", "readiness.html", report.render_html),
         ("json", "readiness.json", report.render_json))


def _mode(module):
    value = module.params["mode"]
    try:
        return int(value, 8) if isinstance(value, str) else int(value)
    except ValueError:
        module.fail_json(msg="mode must be an octal number such as 0600, got %r" % (value,))


def _current(path):
    try:
        with open(path, "rb") as handle:
            return handle.read().decode("utf-8", "replace"), os.stat(path).st_mode & 0o7777
    except (IOError, OSError):
        return None, None


def _unwritable(dest):
    """Why the real run could not write into `dest`, or None: the same answer in check mode, which writes nothing.
    The nearest existing directory up from `dest` must be one and accept new entries."""
    existing = dest
    while not os.path.exists(existing):
        existing = os.path.dirname(existing)
    if not os.path.isdir(existing):
        return "cannot write %s: %s is not a directory" % (dest, existing)
    if not os.access(existing, os.W_OK | os.X_OK):
        return "cannot write %s: %s is not writable" % (dest, existing)
    return None


def main():
    module = create_ansible_module(dict(
        dest=dict(type="path", required=True),
        instances=dict(type="list", elements="dict", required=True),
        nodes=dict(type="list", elements="dict", default=[]),
        organization=dict(type="dict"),
        mode=dict(type="raw", default="0600"),
        fail_on=dict(type="list", elements="str", choices=["missing", "risk", "unknown"], default=[]),
    ))
    params = module.params
    mode = _mode(module)
    try:
        document = report.build(params["instances"], params["nodes"], params["organization"])
    except (KeyError, TypeError) as exc:
        module.fail_json(msg="the readiness results are not what readiness_instance/readiness_node/readiness_org "
                             "return (missing %s)" % exc)
    dest = os.path.abspath(params["dest"])
    if os.path.exists(dest) and not os.path.isdir(dest):
        module.fail_json(msg="dest %s exists and is not a directory" % dest)
    refusal = _unwritable(dest)
    if refusal:
        module.fail_json(msg=refusal)
    files, diffs, changed = {}, [], False
    for kind, name, render in FILES:
        path = os.path.join(dest, name)
        files[kind] = path
        content = render(document)
        before, before_mode = _current(path)
        if before == content and before_mode == mode:
            continue
        changed = True
        diffs.append({"before_header": path, "after_header": path, "before": before or "", "after": content})
        if module.check_mode:
            continue
        try:
            if not os.path.isdir(dest):
                os.makedirs(dest, 0o700)
            if before != content:
                write_file(path, content)
            os.chmod(path, mode)
        except (IOError, OSError) as exc:
            module.fail_json(msg="cannot write %s: %s" % (path, exc.strerror or exc), changed=changed)
    failing = [{"where": where, "id": item["id"], "state": item["state"], "reason": item["reason"]}
               for where, item in report.failing(document, params["fail_on"])]
    result = dict(changed=changed, files=files, counts=document["counts"], summary=report.summary_lines(document),
                  failing=failing, report=document)
    if module._diff:
        result["diff"] = diffs
    if failing:
        module.fail_json(msg="%d checks are %s (fail_on): %s" % (
            len(failing), " or ".join(params["fail_on"]), "; ".join(
                "%s %s: %s" % (f["where"], f["id"], f["reason"]) for f in failing[:5])), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()

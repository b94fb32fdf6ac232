# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The estate readiness report: one document built from the collectors' results, rendered as JSON, Markdown and a
self-contained HTML page, plus the one-screen summary.

All three are pure functions of the collected checks, with no timestamp, so an unchanged estate renders
byte-identical files and a rerun changes nothing. docs/readiness_report.schema.json describes the JSON.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
from html import escape

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._readiness import checks as checks_lib
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._readiness.checks import (
    DONE,
    STATES,
    UNKNOWN,
    unknown,
    worst,
)
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._readiness.instance import blocked
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._readiness.node import NODE_CHECKS
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._readiness.org import (
    collect as collect_org,
    connector_check,
    preflight_check,
)

SCHEMA = "dcops.atlassian_cloud/readiness-report/1"
TITLE = "Atlassian Cloud readiness of the Data Center estate"
# The matrix columns, in the order of the main job (connect_data_center.yml).
# Short labels for the one-screen summary (9 characters).
SHORT = {"version": "version", "base_url": "base URL", "allowlist": "allowlist", "egress": "egress",
         "tunnel": "tunnel", "tomcat": "serving", "companion": "companion", "org_connector": "org conn",
         "dc_connector": "DC conn"}
COLUMNS = (
    ("version", "Version gate", "instance"),
    ("base_url", "Base URL", "instance"),
    ("allowlist", "Allowlist", "instance"),
    ("egress", "Egress rule", "nodes"),
    ("tunnel", "App tunnel", "nodes"),
    ("tomcat", "Nodes serving", "nodes"),
    ("companion", "Cloud Companion", "instance"),
    ("org_connector", "Org connector", "org"),
    ("dc_connector", "DC connector", "instance"),
)
ORG_TITLES = {
    "auth_policies": "Authentication policies", "policy_coverage": "Policy coverage",
    "sso_idp": "SSO members known to the IdP", "byok": "BYOK role stack", "nested_groups": "Nested-group loss",
    "preflight": "Migration preflight",
}
STATE_LABELS = {"done": "Done", "missing": "Missing", "risk": "Risk", "unknown": "Unknown"}


def _aggregate(column, node_results, instance_name):
    """One matrix cell from the same check on every node of an instance: the worst state, with counts."""
    items = [(n["name"], c) for n in node_results for c in n["checks"] if c["id"] == column]
    if not items:
        return {"id": column, "state": UNKNOWN, "reason": "no node of this instance is in dc_nodes",
                "fix": "Add the instance's nodes to dc_nodes, each with dc_instance: %s (docs/inventory.md)"
                       % instance_name, "details": {"nodes": {}}}
    state = worst(c["state"] for _name, c in items)
    done = sum(1 for _name, c in items if c["state"] == DONE)
    bad = [(name, c) for name, c in items if c["state"] == state]
    reason = "%d of %d nodes done" % (done, len(items))
    if state != DONE:
        reason += "; %s: %s" % (bad[0][0], bad[0][1]["reason"])
    if state == DONE:
        fix = None
    elif state == UNKNOWN:
        fix = bad[0][1]["fix"]
    else:
        fix = checks_lib.fix_for(column, "%s_nodes" % instance_name.replace("-", "_") if len(bad) > 1 else bad[0][0])
    return {"id": column, "state": state, "reason": reason, "fix": fix,
            "details": {"nodes": dict((name, c["state"]) for name, c in items)}}


def _reached(node):
    """A node the playbook could not reach (``unreached`` names why) gets every node check as unknown."""
    if "checks" in node:
        return node
    reason = "the node was not reached: %s" % (node.get("unreached") or "no result")
    return {"name": node["name"], "instance": node.get("instance"), "backend": None,
            "checks": [unknown(c, reason, "Check the SSH connection to the node (ansible -m ping %s)" % node["name"])
                       for c in NODE_CHECKS]}


def build(instances, nodes, organization):
    """The report document (what the JSON file holds) from the collectors' results.

    `instances`: readiness_instance results; `nodes`: readiness_node results (each names its `instance`);
    `organization`: the readiness_org result (or None when the cloud side was not read).
    """
    # Without an organization result the cloud side was not read: the same unknown checks as without a key.
    organization = organization or collect_org(None, None)
    by_instance = {}
    nodes = [_reached(node) for node in nodes]
    for node in nodes:
        by_instance.setdefault(node.get("instance"), []).append(node)
    rows = []
    for instance in sorted(instances, key=lambda i: i["name"]):
        own = dict((c["id"], c) for c in instance["checks"])
        node_results = sorted(by_instance.get(instance["name"], []), key=lambda n: n["name"])
        cells = {}
        for column, _title, source in COLUMNS:
            if source == "instance":
                cells[column] = own[column]
            elif source == "nodes":
                cells[column] = _aggregate(column, node_results, instance["name"])
            elif instance.get("cloud_connector_supported") is False:
                cells[column] = blocked(column, instance["product"], instance["version"], instance["name"])
            elif instance.get("reachable", True):
                cells[column] = connector_check(organization["connectors"], instance["base_url"], instance["name"])
            else:
                cells[column] = unknown(column, "the instance did not answer, so its base URL is unknown",
                                        own["version"]["fix"])
        rows.append({"name": instance["name"], "url": instance["url"], "base_url": instance["base_url"],
                     "product": instance["product"], "version": instance["version"],
                     "state": worst(c["state"] for c in cells.values()),
                     "cells": [cells[c] for c, _t, _s in COLUMNS],
                     "nodes": [{"name": n["name"], "address": n.get("address"), "backend": n.get("backend"),
                                "checks": n["checks"]} for n in node_results]})
    known = set(i["name"] for i in instances)
    orphans = sorted(n["name"] for n in nodes if n.get("instance") not in known)
    directories = [i["directory"] for i in instances if i.get("directory")]
    errors = ["%s: %s" % (i["name"], i["directory_error"]) for i in instances if i.get("directory_error")]
    org_checks = list(organization["checks"]) + [preflight_check(directories, errors)]
    every = [c for r in rows for c in r["cells"]] + org_checks
    return {
        "schema": SCHEMA,
        "title": TITLE,
        "states": list(STATES),
        "columns": [{"id": c, "title": t, "source": s} for c, t, s in COLUMNS],
        "counts": checks_lib.counts(every),
        "instances": rows,
        "organization": {"checks": [dict(c, title=ORG_TITLES[c["id"]]) for c in org_checks]},
        "nodes_without_instance": orphans,
    }


def failing(document, fail_on):
    """(where, check) of every check whose state is in `fail_on`."""
    found = [(r["name"], c) for r in document["instances"] for c in r["cells"] if c["state"] in fail_on]
    found += [("organization", c) for c in document["organization"]["checks"] if c["state"] in fail_on]
    return found


def render_json(document):
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


# -- summary -------------------------------------------------------------------------------------------------------
def summary_lines(document):
    """The one-screen summary printed at the end of the run."""
    counts = document["counts"]
    width = max([len(r["name"]) for r in document["instances"]] + [12])
    lines = ["Readiness: %s" % ", ".join("%d %s" % (counts[s], s) for s in STATES)]
    header = " ".join(SHORT[c["id"]].ljust(9) for c in document["columns"])
    lines.append("%s  %s" % ("instance".ljust(width), header))
    for row in document["instances"]:
        lines.append("%s  %s" % (row["name"].ljust(width), " ".join(c["state"].ljust(9) for c in row["cells"])))
    lines.append("organization: %s" % ", ".join("%s %s" % (c["id"], c["state"])
                                                for c in document["organization"]["checks"]))
    todo = [(r["name"], c) for r in document["instances"] for c in r["cells"] if c["state"] != DONE]
    todo += [("organization", c) for c in document["organization"]["checks"] if c["state"] != DONE]
    for where, item in todo[:8]:
        lines.append("- %s %s (%s): %s" % (where, item["id"], item["state"], item["fix"] or item["reason"]))
    if len(todo) > 8:
        lines.append("- ... %d more in the report" % (len(todo) - 8))
    return lines


# -- Markdown ------------------------------------------------------------------------------------------------------
def _md(text):
    return str(text if text is not None else "").replace("|", "\\|").replace("\n", " ")


def _md_row(title, item):
    return "| %s | %s | %s | %s |" % (_md(title), item["state"], _md(item["reason"]), _md(item["fix"] or ""))


def render_markdown(document):
    counts = document["counts"]
    out = ["# %s" % TITLE, "",
           "Each cell is one step of connecting an instance to the cloud: **done**, **missing** (a playbook step "
           "has not run), **risk** (needs a decision or a fix by hand) or **unknown** (could not be checked; the "
           "reason says why). Every finding names what to run.", "",
           "Counts: " + ", ".join("%s %d" % (s, counts[s]) for s in STATES), "",
           "| instance | " + " | ".join(c["title"] for c in document["columns"]) + " |",
           "|---|" + "---|" * len(document["columns"])]
    for row in document["instances"]:
        out.append("| %s | %s |" % (_md(row["name"]), " | ".join(c["state"] for c in row["cells"])))
    out += ["", "## Organization", "", "| check | state | reason | fix |", "|---|---|---|---|"]
    for item in document["organization"]["checks"]:
        out.append(_md_row(item["title"], item))
    for row in document["instances"]:
        out += ["", "## %s (%s %s)" % (row["name"], row["product"] or "?", row["version"] or "?"), "",
                "URL: %s, base URL for the connector: %s" % (row["url"], row["base_url"]), "",
                "| check | state | reason | fix |", "|---|---|---|---|"]
        for column, item in zip(document["columns"], row["cells"]):
            out.append(_md_row(column["title"], item))
        if row["nodes"]:
            out += ["", "| node | %s |" % " | ".join(c["id"] for c in row["nodes"][0]["checks"]),
                    "|---|" + "---|" * len(row["nodes"][0]["checks"])]
            for node in row["nodes"]:
                out.append("| %s | %s |" % (_md(node["name"]), " | ".join(
                    "%s: %s" % (c["state"], _md(c["reason"])) for c in node["checks"])))
    if document["nodes_without_instance"]:
        out += ["", "Nodes naming no instance of dc_instances: %s" % ", ".join(document["nodes_without_instance"])]
    return "\n".join(out) + "\n"


# -- HTML ----------------------------------------------------------------------------------------------------------
STYLE = """
:root{--done:#1f845a;--done-bg:#dcfff1;--missing:#a54800;--missing-bg:#fff3d6;--risk:#ae2e24;--risk-bg:#ffeceb;
--unknown:#44546f;--unknown-bg:#f1f2f4;--ink:#172b4d;--line:#dcdfe4}
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--ink);margin:0 auto;padding:1.5rem;
max-width:1400px}
h1{font-size:1.5rem;margin:0 0 .3rem}h2{font-size:1.15rem;margin:1.6rem 0 .5rem}
p.lead{margin:.2rem 0 1rem;max-width:70rem}
.counts{display:flex;gap:.6rem;flex-wrap:wrap;margin:0 0 1rem}
.count{border-radius:8px;padding:.4rem .8rem;font-weight:600;border:1px solid var(--line)}
.count b{font-size:1.3rem;margin-right:.3rem}
.s-done{background:var(--done-bg);color:var(--done)}.s-missing{background:var(--missing-bg);color:var(--missing)}
.s-risk{background:var(--risk-bg);color:var(--risk)}.s-unknown{background:var(--unknown-bg);color:var(--unknown)}
table{border-collapse:collapse;width:100%;margin:.3rem 0 1rem}
th,td{border:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f7f8f9;font-weight:600}
table.matrix td.cell{text-align:center;font-weight:600;white-space:nowrap}
table.matrix th.col{font-size:.85rem}
.legend span{display:inline-block;padding:.1rem .5rem;border-radius:4px;margin-right:.4rem;font-weight:600}
.charts{display:flex;gap:2rem;flex-wrap:wrap}
.chart{flex:1 1 420px}
details{border:1px solid var(--line);border-radius:8px;padding:.4rem .8rem;margin:.5rem 0}
summary{cursor:pointer;font-weight:600}
code{font-size:.85rem;background:#f7f8f9;padding:0 .2rem;border-radius:3px;word-break:break-word}
.fix{font-size:.9rem}
.wide{overflow-x:auto}
@media (max-width:900px){body{padding:.8rem;font-size:14px}table.matrix th.col{font-size:.75rem}}
@media print{body{padding:0;font-size:11px;max-width:none}details{break-inside:avoid}
.count,.s-done,.s-missing,.s-risk,.s-unknown{print-color-adjust:exact;-webkit-print-color-adjust:exact}}
"""
# Expanding every instance before printing puts the details on paper too.
SCRIPT = "window.addEventListener('beforeprint',function(){document.querySelectorAll('details')" \
         ".forEach(function(d){d.open=true;});});"


def _cell(item, instance, column):
    return ('<td class="cell s-%s" data-instance="%s" data-check="%s" data-state="%s" title="%s">%s</td>'
            % (item["state"], escape(instance), escape(column), item["state"], escape(item["reason"]),
               STATE_LABELS[item["state"]]))


def _checks_table(items, titles):
    out = ["<table><thead><tr><th>check</th><th>state</th><th>why</th><th>what to run</th></tr></thead><tbody>"]
    for item in items:
        out.append('<tr><td>%s</td><td class="s-%s">%s</td><td>%s</td><td class="fix">%s</td></tr>' % (
            escape(titles.get(item["id"], item["id"])), item["state"], STATE_LABELS[item["state"]],
            escape(item["reason"]), "<code>%s</code>" % escape(item["fix"]) if item["fix"] else ""))
    out.append("</tbody></table>")
    return "".join(out)


def _bars(title, rows, total_label, empty):
    """A horizontal bar chart as inline SVG: rows of (label, value, state)."""
    if not rows:
        return '<div class="chart"><h3>%s</h3><p>%s</p></div>' % (escape(title), escape(empty))
    top = max(v for _l, v, _s in rows) or 1
    height = 24 * len(rows) + 8
    parts = ['<div class="chart"><h3>%s</h3><svg role="img" aria-label="%s" viewBox="0 0 480 %d" width="100%%" '
             'style="max-width:560px" xmlns="http://www.w3.org/2000/svg">' % (escape(title), escape(title), height)]
    colours = {"done": "#1f845a", "missing": "#e2b203", "risk": "#c9372c", "unknown": "#8590a2"}
    for index, (label, value, state) in enumerate(rows):
        y = 4 + 24 * index
        width = 0 if not value else max(2, int(250 * value / top))
        parts.append('<text x="0" y="%d" font-size="12" fill="#172b4d">%s</text>' % (y + 15, escape(label[:26])))
        parts.append('<rect x="180" y="%d" width="%d" height="18" rx="3" fill="%s"/>' % (y, width, colours[state]))
        parts.append('<text x="%d" y="%d" font-size="12" fill="#172b4d">%d</text>' % (186 + width, y + 14, value))
    parts.append("</svg><p>%s</p></div>" % escape(total_label))
    return "".join(parts)


def _policies(document):
    """The authentication policies and their settings, as the auth_policies check read them."""
    by_id = dict((c["id"], c) for c in document["organization"]["checks"])
    found = (by_id.get("auth_policies", {}).get("details") or {}).get("policies")
    if not found:
        return ""
    rows = "".join("<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>" % (
        escape(p["name"]), "yes" if p["default"] else "", escape(str(p["type"])), p["members"],
        "enforced" if p["sso"] else "", escape(str(p["two_step"] or ""))) for p in found)
    return ('<table id="policies"><thead><tr><th>policy</th><th>default</th><th>type</th><th>members</th><th>SSO</th>'
            "<th>two-step</th></tr></thead><tbody>%s</tbody></table>" % rows)


def _charts(document):
    by_id = dict((c["id"], c) for c in document["organization"]["checks"])
    coverage = by_id.get("policy_coverage", {}).get("details") or {}
    rows = [(p["name"], p["members"], "done" if p["intended"] else "missing") for p in coverage.get("per_policy", [])]
    if coverage:
        rows.append(("in no intended policy", coverage["uncovered"], "risk" if coverage["uncovered"] else "done"))
    policy = _bars("Policy coverage (members per policy)", rows,
                   "%s managed accounts" % coverage.get("managed_accounts", "?") if coverage else "",
                   by_id.get("policy_coverage", {}).get("reason", "not read"))
    nested = by_id.get("nested_groups", {}).get("details") or {}
    lost = [(g, n, "missing") for g, n in (nested.get("lost_by_group") or {}).items()]
    loss = _bars("Nested-group loss (memberships a flat sync drops)", lost,
                 "%s of %s memberships lost" % (nested.get("lost_memberships", 0), nested.get("direct_memberships", 0)
                                                + nested.get("inherited_memberships", 0)) if nested else "",
                 by_id.get("nested_groups", {}).get("reason", "not read"))
    return '<section id="charts"><h2>Charts</h2><div class="charts">%s%s</div></section>' % (policy, loss)


def render_html(document):
    counts = document["counts"]
    titles = dict((c["id"], c["title"]) for c in document["columns"])
    titles.update(ORG_TITLES)
    out = ['<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           "<title>%s</title><style>%s</style></head><body>" % (escape(TITLE), STYLE),
           "<header><h1>%s</h1>" % escape(TITLE),
           '<p class="lead">One row per Data Center instance, one column per step of connecting it to Atlassian Cloud, '
           "in the order the main job runs them. <b>Done</b>: nothing to do. <b>Missing</b>: a step has not run; "
           "the fix names the playbook and tag. <b>Risk</b>: needs a decision or a fix by hand. <b>Unknown</b>: "
           "could not be checked (no credentials, node unreachable, endpoint absent); the reason says why. Point at a "
           "cell for its reason; open an instance below for the details.</p>",
           '<div class="counts" id="counts">%s</div></header>' % "".join(
               '<span class="count s-%s" data-state="%s"><b>%d</b>%s</span>' % (s, s, counts[s], STATE_LABELS[s])
               for s in STATES),
           '<section id="matrix"><h2>Instances</h2><div class="wide"><table class="matrix"><thead><tr>'
           "<th>instance</th>%s</tr></thead><tbody>" % "".join(
               '<th class="col" data-check="%s">%s</th>' % (c["id"], escape(c["title"])) for c in document["columns"])]
    for row in document["instances"]:
        out.append('<tr data-instance="%s"><th><a href="#i-%s">%s</a><br><small>%s %s</small></th>%s</tr>' % (
            escape(row["name"]), escape(row["name"]), escape(row["name"]), escape(row["product"] or "?"),
            escape(row["version"] or ""), "".join(_cell(item, row["name"], column["id"])
                                                  for column, item in zip(document["columns"], row["cells"]))))
    out.append("</tbody></table></div></section>")
    out.append('<section id="organization"><h2>Organization</h2>%s%s</section>' % (_checks_table(
        document["organization"]["checks"], titles), _policies(document)))
    out.append(_charts(document))
    out.append('<section id="details"><h2>Per instance</h2>')
    for row in document["instances"]:
        out.append('<details id="i-%s"><summary>%s <span class="s-%s">%s</span> &middot; %s</summary>' % (
            escape(row["name"]), escape(row["name"]), row["state"], STATE_LABELS[row["state"]], escape(row["url"])))
        out.append("<p>Base URL for the connector: %s</p>" % escape(row["base_url"]))
        out.append(_checks_table(row["cells"], titles))
        if row["nodes"]:
            node_checks = [c["id"] for c in row["nodes"][0]["checks"]]
            out.append("<table><thead><tr><th>node</th>%s</tr></thead><tbody>" % "".join(
                "<th>%s</th>" % escape(titles.get(c, c)) for c in node_checks))
            for node in row["nodes"]:
                out.append('<tr data-node="%s"><td>%s<br><small>%s</small></td>%s</tr>' % (
                    escape(node["name"]), escape(node["name"]), escape(node.get("backend") or ""), "".join(
                        '<td class="s-%s">%s: %s</td>' % (c["state"], STATE_LABELS[c["state"]], escape(c["reason"]))
                        for c in node["checks"])))
            out.append("</tbody></table>")
        out.append("</details>")
    out.append("</section>")
    if document["nodes_without_instance"]:
        out.append("<p>Nodes naming no instance of dc_instances: %s</p>" % escape(
            ", ".join(document["nodes_without_instance"])))
    out.append("<script>%s</script></body></html>" % SCRIPT)
    return "\n".join(out) + "\n"

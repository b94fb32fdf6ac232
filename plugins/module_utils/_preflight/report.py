# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The human report of a migration preflight: Markdown and a self-contained HTML page.

Both are pure functions of the findings, with no timestamp, so an unchanged situation renders byte-identical
reports and the module can leave the files alone (idempotence).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import html
import os
import tempfile

TITLE = "Atlassian Cloud migration preflight"


def _users(users):
    return ", ".join("%s (%s)" % (u["username"], u["instance"]) for u in users)


def _gains(collision):
    return "; ".join("in %s: %s" % (i["instance"], ", ".join(i["gain_access"]) or "nobody")
                     for i in collision["instances"])


def _owners(users):
    return ", ".join("%s (%s)" % (u["username"], u["instance"]) for u in users)


SUMMARY_LINES = (
    ("invalid_email", "Users with a missing or invalid email"),
    ("duplicate_email", "Emails shared by several users"),
    ("merged_users", "Users present in several instances (merged)"),
    ("group_collision", "Groups with the same name and different members"),
    ("password_reset", "Users who reset their password (no SSO)"),
    ("unverified_domain", "Users whose email domain is not verified"),
    ("confluence_no_group", "Confluence users in no group"),
)


def _count(summary, key):
    return "not checked" if summary.get(key) is None else str(summary[key])


def sections(findings):
    """(id, heading, explanation, columns, rows) of every table, in report order."""
    summary = findings["summary"]
    return [
        ("instances", "Instances", "What was read.", ["Instance", "Product", "Users", "Groups"],
         [[i["name"], i["product"], str(i["users"]), str(i["groups"])] for i in summary["instances"]]),
        ("invalid-email", "Users with a missing or invalid email",
         "Cloud accounts are identified by email: these users cannot be migrated until their email is fixed.",
         ["Instance", "Username", "Email", "Problem", "Active"],
         [[u["instance"], u["username"], u["email"] or "", u["reason"], "yes" if u["active"] else "no"]
          for u in findings["invalid_email"]]),
        ("duplicate-email", "Emails shared by several users",
         "These users become one cloud account, with the access of all of them.",
         ["Email", "Users"], [[d["email"], _users(d["users"])] for d in findings["duplicate_email"]]),
        ("merged-users", "Users present in several instances",
         "Matched by email, each becomes one cloud account holding the memberships of every instance.",
         ["Email", "Users"], [[m["email"], _users(m["users"])] for m in findings["merged_users"]]),
        ("group-collision", "Groups with the same name and different members",
         "Cloud has one group per name: after migration each member of any instance's group gains the access the "
         "group grants in every other instance (whichever instance migrates first decides the group).",
         ["Group", "Instances (members)", "Merged membership", "Users who gain access", "By name"],
         [[c["group"], ", ".join("%s (%d)" % (i["instance"], i["members"]) for i in c["instances"]),
           "%d: %s" % (c["merged_members"], ", ".join(c["merged_membership"])), _gains(c),
           ", ".join(c["users_gaining_access_by_name"])] for c in findings["group_collision"]]),
        ("password-reset", "Users who will have to reset their password",
         "Passwords are not migrated. Users who do not log in with SSO in cloud (their email domain is not one of "
         "the SSO domains given) choose \"Forgot password\" and set a new one.",
         ["Email", "Users"], [[r["email"], _owners(r["users"])] for r in findings["password_reset"]]),
        ("unverified-domain", "Users whose email domain is not verified",
         "Accounts in a domain the organization has not verified stay owned by their users (not managed accounts): "
         "authentication policies and Atlassian Guard features do not apply to them. Verify the domain first."
         if summary.get("unverified_domain") is not None else
         "Not checked: give the organization's verified domains (verified_domains).",
         ["Email", "Domain", "Users"],
         [[r["email"], r["domain"], _owners(r["users"])] for r in findings["unverified_domain"]]),
        ("confluence-no-group", "Confluence users in no group",
         "Access in Confluence is granted through groups: these users have no access to migrate and arrive in cloud "
         "without app access.",
         ["Instance", "Username", "Email", "Active"],
         [[r["instance"], r["username"], r["email"] or "", "yes" if r["active"] else "no"]
          for r in findings["confluence_no_group"]]),
    ]


def _md_cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_markdown(findings):
    summary = findings["summary"]
    lines = ["# %s" % TITLE, ""]
    lines += ["- %s: %s" % (label, _count(summary, key)) for key, label in SUMMARY_LINES]
    lines += ["", "## Notices", ""] + ["- %s" % n["text"] for n in findings["notices"]] + [""]
    for _id, heading, explanation, columns, rows in sections(findings):
        lines += ["## %s" % heading, "", explanation, ""]
        if not rows:
            lines += ["None.", ""]
            continue
        lines.append("| %s |" % " | ".join(columns))
        lines.append("|%s|" % "|".join("---" for _c in columns))
        lines += ["| %s |" % " | ".join(_md_cell(c) for c in row) for row in rows]
        lines.append("")
    return "\n".join(lines)


STYLE = """body{font-family:system-ui,sans-serif;margin:2rem;color:#172b4d}
table{border-collapse:collapse;margin:0.5rem 0 1.5rem}th,td{border:1px solid #c1c7d0;padding:4px 8px;text-align:left;
vertical-align:top}th{background:#f4f5f7}.count{font-weight:bold}.none{color:#5e6c84}"""


def render_html(findings):
    esc = html.escape
    summary = findings["summary"]
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           "<title>%s</title><style>%s</style></head><body>" % (esc(TITLE), STYLE),
           "<h1>%s</h1>" % esc(TITLE), '<ul id="summary">']
    for key, label in SUMMARY_LINES:
        out.append('<li>%s: <span class="count" data-kind="%s">%s</span></li>' % (esc(label), key, esc(_count(summary, key))))
    out.append('</ul><section id="notices"><h2>Notices</h2><ul>')
    out += ['<li data-notice="%s">%s</li>' % (esc(n["id"]), esc(n["text"])) for n in findings["notices"]]
    out.append("</ul></section>")
    for section_id, heading, explanation, columns, rows in sections(findings):
        out.append('<section id="%s"><h2>%s</h2><p>%s</p>' % (section_id, esc(heading), esc(explanation)))
        if not rows:
            out.append('<p class="none">None.</p></section>')
            continue
        out.append("<table><thead><tr>%s</tr></thead><tbody>" % "".join("<th>%s</th>" % esc(c) for c in columns))
        out += ["<tr>%s</tr>" % "".join("<td>%s</td>" % esc(str(c)) for c in row) for row in rows]
        out.append("</tbody></table></section>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def needs_write(path, content):
    """Whether `path` does not already hold exactly `content`."""
    try:
        with open(path, "rb") as handle:
            return handle.read() != content.encode("utf-8")
    except (IOError, OSError):
        return True


def write_file(path, content):
    """Write atomically (a temporary file in the same directory, then rename)."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".preflight-", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content.encode("utf-8"))
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)

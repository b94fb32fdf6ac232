#!/usr/bin/env python
"""Write roles/<role>/README.md from the role's meta/argument_specs.yml (the single source of its interface).

Usage: scripts/render_role_readmes.py [--check]   (--check: exit 1 when a README is missing or out of date)
"""

import argparse
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DOCS = {
    "app_tunnel": "app_tunnel.md",
    "auth_policies": "auth_policies.md",
    "byok": "byok.md",
    "cloud_companion": "cloud_companion.md",
    "cloud_connector_prereqs": "cloud_connector_prereqs.md",
    "group_product_access": "product_access.md",
    "group_sync": "group_sync.md",
    "group_sync_schedule": "group_sync.md",
    "migration_preflight": "migration_preflight.md",
    "nested_groups": "nested_groups.md",
    "org_connector": "org_connector.md",
    "readiness_report": "readiness_report.md",
}


def plain(text):
    """Ansible doc markup (C(), O(), M(), V(), RV()) to Markdown."""
    text = re.sub(r"\b(?:C|O|V|RV|E|P)\(([^)]*)\)", r"`\1`", str(text))
    text = re.sub(r"\bM\(([^)]*)\)", r"`\1`", text)
    return text.replace("|", "\\|")


def render(role):
    specs = yaml.safe_load((ROOT / "roles" / role / "meta" / "argument_specs.yml").read_text(encoding="utf-8"))
    specs = specs["argument_specs"]
    lines = ["# Role dcops.atlassian_cloud.%s" % role, "",
             "<!-- Generated from meta/argument_specs.yml by scripts/render_role_readmes.py. -->", ""]
    for entry, spec in specs.items():
        heading = "Entry point `%s`" % entry
        lines += ["## %s: %s" % (heading, plain(spec.get("short_description", ""))), ""]
        lines += ["- " + plain(d) for d in spec.get("description", [])]
        lines += ["", "| variable | type | default | description |", "|---|---|---|---|"]
        for name, option in sorted((spec.get("options") or {}).items()):
            description = option.get("description", "")
            if isinstance(description, list):
                description = " ".join(description)
            default = option.get("default")
            shown = "" if default is None and not option.get("required") else (
                "required" if option.get("required") else "`%s`" % (default if default != "" else '""'))
            lines.append("| `%s` | %s | %s | %s |" % (name, option.get("type", "str"), shown, plain(description)))
        lines.append("")
    lines += ["Full documentation: [docs/%s](../../docs/%s)." % (DOCS[role], DOCS[role]), ""]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    stale = []
    for role_dir in sorted((ROOT / "roles").iterdir()):
        target = role_dir / "README.md"
        text = render(role_dir.name)
        if args.check:
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                stale.append(str(target.relative_to(ROOT)))
        else:
            target.write_text(text, encoding="utf-8")
    if stale:
        sys.stderr.write("out of date (run scripts/render_role_readmes.py): %s\n" % ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

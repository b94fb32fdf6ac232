#!/usr/bin/env python
"""Render docs/api-contract.md from plugins/module_utils/_api/contract.py.

Usage: scripts/render_api_contract.py [--check]   (--check: exit 1 when the file is out of date)
"""

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / ".build" / "collections"))

HEADER = """# API contract

Every HTTP endpoint the collection calls, generated from `plugins/module_utils/_api/contract.py` by
`scripts/render_api_contract.py` (a unit test fails when this page is out of date).

- **public**: a documented Atlassian API; the reference column links the documentation.
- **ui-internal**: Atlassian publishes **no** contract for this surface. The path is what the product's own
  admin pages are understood to call, recorded here as the project's best knowledge, not a promise: it can
  differ between product versions. Verify it on your version (for example by watching the browser's network
  calls on the admin page named in the summary) and, where it differs, override it per run without changing
  the collection:

```yaml
module_defaults:
  group/dcops.atlassian_cloud.data_center:   # Data Center operations (dc.*, jira.*, confluence.*)
    api_overrides:
      dc.allowlist.list: /rest/whitelist/1.0/whitelist          # a path
      dc.allowlist.set_status: POST /rest/whitelist/1.0/enable  # or "METHOD /path"
```

Overrides of `cloud.*` operations go under `group/dcops.atlassian_cloud.cloud_admin`, of `scim.*` operations
under `group/dcops.atlassian_cloud.scim`: each group takes its own credential family's options.

The built-in sandbox (`tests/sandbox`) implements every entry with the same paths and shapes; for
ui-internal entries it implements this table, not a published specification.

"""


def render():
    from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.contract import CHECKED, ENDPOINTS, PUBLIC

    counts = {}
    for endpoint in ENDPOINTS.values():
        counts[endpoint.visibility] = counts.get(endpoint.visibility, 0) + 1
    public = counts.get(PUBLIC, 0)
    lines = [HEADER.rstrip("\n"), "",
             "%d operations: %d public, %d ui-internal." % (len(ENDPOINTS), public, len(ENDPOINTS) - public), ""]
    by_service = {}
    for name, endpoint in ENDPOINTS.items():
        by_service.setdefault(endpoint.service, []).append((name, endpoint))
    for service in sorted(by_service):
        lines += ["## %s" % service, "",
                  "| operation | method | path | contract | summary | reference |",
                  "|---|---|---|---|---|---|"]
        for name, endpoint in sorted(by_service[service]):
            summary = endpoint.summary.replace("|", "\\|")
            lines.append("| `%s` | %s | `%s` | %s | %s | [link](%s) |" % (
                name, endpoint.method, endpoint.path, endpoint.visibility, summary, endpoint.reference))
        lines.append("")
    lines += ["## Public endpoints: what they were checked against", "",
              "Where each public endpoint's shapes come from: the reference they were looked up in before they were coded or "
              "simulated in the sandbox. Where the reference is silent, the modules read defensively; the last "
              "column says what it leaves out.", "",
              "| operation | checked against | left undocumented |", "|---|---|---|"]
    for name in sorted(CHECKED):
        source, silent = CHECKED[name]
        lines.append("| `%s` | %s | %s |" % (name, source.replace("|", "\\|"), silent.replace("|", "\\|")))
    lines.append("")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    target = ROOT / "docs" / "api-contract.md"
    text = render()
    if args.check:
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            sys.stderr.write("docs/api-contract.md is out of date: run scripts/render_api_contract.py\n")
            return 1
        return 0
    target.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Every module option the docs name exists: the docs are checked against the modules' argument specs as
ansible-doc renders them (doc fragments merged).

What counts as naming an option:
  - in a ```yaml block, the keys under a task's `dcops.atlassian_cloud.<module>:` (and under
    `module_defaults: group/dcops.atlassian_cloud.<group>:`, against the options of that group's modules);
  - in prose and tables, an inline `name: value` on a line that names one or more of the collection's modules
    (`dcops.atlassian_cloud.<module>` or `<module>` in backticks): `name` must be an option or a documented
    return value of one of them, and when it is an option with choices, `value` must be one of them.
A value with a choice list is checked; Jinja and free text values are not.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from ansible.playbook.task import Task

from helpers import ROOT, ansible_env

PAGES = sorted((ROOT / "docs").glob("*.md"))
FQCN = "dcops.atlassian_cloud."
MODULES = sorted(p.stem for p in (ROOT / "plugins" / "modules").glob("*.py") if not p.stem.startswith("_"))
# Keys every module result has, whatever its RETURN documents.
COMMON_RESULTS = {"changed", "failed", "msg", "diff", "skipped", "warnings"}
# Task keywords (delegate_to, become, ...) and include_role's own arguments are not module options.
KEYWORDS = set(Task.fattributes) | {"rolespec_validate", "tasks_from", "apply"}
YAML_FENCE = re.compile(r"^```ya?ml\s*$")
INLINE_OPTION = re.compile(r"`([a-z_][a-z0-9_]*): ([^`]+)`")
MODULE_NAMED = re.compile(r"`(?:dcops\.atlassian_cloud\.)?([a-z_][a-z0-9_]*)`|dcops\.atlassian_cloud\.([a-z_][a-z0-9_]*)")

# Findings known when this test was written, owned by another area: the lead empties this list as the pages are
# fixed. The test fails on any finding not listed, and on a listed one that no longer occurs.
# Findings the docs are known to have; empty, so every option the docs name exists.
KNOWN = set()


def _specs():
    """module -> {"options": {name: choices or None (aliases included)}, "returns": {names}} from ansible-doc."""
    cmd = [str(Path(sys.executable).parent / "ansible-doc"), "--json", "-t", "module"] + [FQCN + m for m in MODULES]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=ansible_env(), timeout=300, check=True)
    specs = {}
    for name, data in json.loads(proc.stdout).items():
        options = {}
        for option, spec in (data["doc"].get("options") or {}).items():
            choices = spec.get("choices")
            choices = list(choices) if isinstance(choices, (list, dict)) else None
            for alias in [option] + list(spec.get("aliases") or []):
                options[alias] = choices
        specs[name[len(FQCN):]] = {"options": options, "returns": set(data.get("return") or {})}
    return specs


def _groups():
    runtime = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text(encoding="utf-8"))
    return {group: [m for m in members if isinstance(m, str)] for group, members in runtime["action_groups"].items()}


def _yaml_blocks(page):
    lines = page.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        if YAML_FENCE.match(line):
            end = next((i for i in range(number + 1, len(lines)) if lines[i].startswith("```")), len(lines))
            yield number + 1, "\n".join(lines[number + 1:end])


def _walk(node):
    """Every (module or group, arguments) pair in a parsed YAML block."""
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(key, str) and key.startswith(FQCN) and isinstance(value, dict):
                yield key[len(FQCN):], value
            elif key == "module_defaults" and isinstance(value, dict):
                for group, args in value.items():
                    if isinstance(group, str) and group.startswith("group/" + FQCN) and isinstance(args, dict):
                        yield "group/" + group[len("group/" + FQCN):], args
            else:
                yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


def _value_ok(choices, value):
    if choices is None or "{{" in value:
        return True
    text = value.strip().strip("\"'")
    return text in [str(c) for c in choices] or text.lower() in [str(c).lower() for c in choices]


def findings(pages, root, specs, groups):
    found = set()
    for page in pages:
        relative = str(page.relative_to(root))
        for line_number, text in _yaml_blocks(page):
            try:
                parsed = yaml.safe_load(text)
            except yaml.YAMLError:
                continue  # an excerpt with placeholders; its options are read from prose lines below
            for target, args in _walk(parsed):
                if target.startswith("group/"):
                    members = [specs[m] for m in groups.get(target[len("group/"):], []) if m in specs]
                    known = set().union(*(set(s["options"]) for s in members)) if members else set()
                    module = target
                elif target in specs:
                    known, module = set(specs[target]["options"]), target
                else:
                    found.add((relative, target, "no such module (block at line %d)" % line_number))
                    continue
                for option, value in args.items():
                    if option not in known and not (target.startswith("group/") and option in KEYWORDS):
                        found.add((relative, module, "%s (block at line %d)" % (option, line_number)))
                    elif not target.startswith("group/") and isinstance(value, str):
                        if not _value_ok(specs[target]["options"][option], value):
                            found.add((relative, module, "%s: %s" % (option, value)))
        in_block = False
        for line in page.read_text(encoding="utf-8").splitlines():
            if line.startswith("```"):
                in_block = not in_block
                continue
            if in_block:
                continue
            named = {a or b for a, b in MODULE_NAMED.findall(line)} & set(specs)
            if not named:
                continue
            for option, value in INLINE_OPTION.findall(line):
                if option in KEYWORDS:
                    continue
                owners = [m for m in sorted(named) if option in specs[m]["options"]]
                if not owners:
                    if not any(option in specs[m]["returns"] or option in COMMON_RESULTS for m in named):
                        found.add((relative, ",".join(sorted(named)), "%s: %s" % (option, value)))
                    continue
                if not any(_value_ok(specs[m]["options"][option], value) for m in owners):
                    found.add((relative, ",".join(owners), "%s: %s" % (option, value)))
    return found


@pytest.fixture(scope="module")
def specs():
    rendered = _specs()
    assert len(rendered) == len(MODULES) and all(s["options"] for s in rendered.values())
    return rendered


def test_every_option_the_docs_name_exists(specs):
    found = findings(PAGES, ROOT, specs, _groups())
    assert sorted(found - KNOWN) == [], "options the docs name that the modules do not have"
    assert sorted(KNOWN - found) == [], "fixed: remove these from KNOWN"


def test_the_check_finds_a_missing_option_and_a_wrong_choice(tmp_path, specs):
    """The test can fail: a page with a nonexistent option and a value outside the choices is flagged."""
    page = tmp_path / "bad.md"
    page.write_text("\n".join([
        "Read it with `dcops.atlassian_cloud.dc_info` and `require_cloud_connector: true`, `colour: red`.",
        "The module `dc_app` takes `state: sideways`.",
        "```yaml",
        "- name: A task",
        "  dcops.atlassian_cloud.egress_rule:",
        "    name: atlassian-cloud",
        "    destinatons: [api.atlassian.com]",
        "```",
    ]), encoding="utf-8")
    assert findings([page], tmp_path, specs, _groups()) == {
        ("bad.md", "dc_info", "colour: red"),
        ("bad.md", "dc_app", "state: sideways"),
        ("bad.md", "egress_rule", "destinatons (block at line 3)"),
    }

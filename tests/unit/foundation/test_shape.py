"""The one shape every module follows (docs/development.md): checked on the source, so a new module cannot drift."""

import ast
from pathlib import Path

import pytest

PLUGINS = Path(__file__).resolve().parents[3] / "plugins"
MODULES = sorted((PLUGINS / "modules").glob("*.py"))
MAX_FUNCTION_LINES = 60


def _calls(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            yield func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)


@pytest.mark.parametrize("path", MODULES, ids=[path.stem for path in MODULES])
def test_every_module_builds_its_ansible_module_through_the_skeleton(path):
    calls = set(_calls(ast.parse(path.read_text(encoding="utf-8"))))
    assert "create_ansible_module" in calls, "%s does not call argspec.create_ansible_module" % path.name
    assert "AnsibleModule" not in calls, "%s builds AnsibleModule by hand" % path.name


def long_functions(paths):
    found = []
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    found.append("%s:%d %s (%d lines)" % (path.name, node.lineno, node.name, length))
    return found


def test_no_function_in_plugins_is_longer_than_sixty_lines():
    long = long_functions(sorted(PLUGINS.rglob("*.py")))
    assert not long, "split these functions: " + "; ".join(long)


def test_the_checks_find_what_they_look_for(tmp_path):
    by_hand = tmp_path / "by_hand.py"
    by_hand.write_text("from ansible.module_utils.basic import AnsibleModule\n\n\ndef main():\n"
                       "    AnsibleModule(argument_spec={})\n" + "    x = 1\n" * MAX_FUNCTION_LINES)
    calls = set(_calls(ast.parse(by_hand.read_text())))
    assert "AnsibleModule" in calls and "create_ansible_module" not in calls
    assert long_functions([by_hand]) == ["by_hand.py:4 main (%d lines)" % (MAX_FUNCTION_LINES + 2)]

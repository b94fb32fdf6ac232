"""Test-wide fixtures: the collection on sys.path, the session's sandbox, and the one in-process module runner."""

import importlib
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
COLLECTIONS = ROOT / ".build" / "collections"


def _link_collection():
    """Make `ansible_collections.dcops.atlassian_cloud` importable from the working tree."""
    namespace = COLLECTIONS / "ansible_collections" / "dcops"
    link = namespace / "atlassian_cloud"
    namespace.mkdir(parents=True, exist_ok=True)
    if not link.exists():
        try:
            link.symlink_to(ROOT, target_is_directory=True)
        except FileExistsError:  # another xdist worker made it first
            pass
    if str(COLLECTIONS) not in sys.path:
        sys.path.insert(0, str(COLLECTIONS))
    os.environ.setdefault("ANSIBLE_COLLECTIONS_PATH", str(COLLECTIONS))


_link_collection()
# Also set in pyproject.toml; repeated here because ansible-test runs pytest with its own configuration.
for extra in (ROOT / "tests" / "integration", ROOT / "tests" / "sandbox"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

pytest_plugins = ["sandbox_fixtures"]

MODULES = "ansible_collections.dcops.atlassian_cloud.plugins.modules."


@pytest.fixture
def run_module(request, capsys):
    """run_module(module, args=None, *, connection=None, check_mode=False, diff=False, no_log=False, **options)
    runs a module in this process and returns its ModuleResult (the JSON result; `.rc`, `.output`).

    `module` is a module object or its name; `args` and `options` are its arguments (options win);
    `connection` ("cloud", "scim" or a Data Center persona) puts the sandbox's connection arguments first."""
    from helpers import run_module_in_process

    def run(module, args=None, /, *, connection=None, check_mode=False, diff=False, no_log=False, **options):
        if isinstance(module, str):
            module = importlib.import_module(MODULES + module)
        params = {}
        if connection is not None:
            params.update(request.getfixturevalue("sandbox").params(connection))
        params.update(args or {})
        params.update(options)
        return run_module_in_process(module, params, capsys, check_mode=check_mode, diff=diff, no_log=no_log)

    return run


@pytest.fixture
def fake_proc(tmp_path):
    """`fake_proc({"12": b"/usr/sbin/firewalld\\0--nofork\\0"})` -> a directory laid out like /proc's command lines."""

    def make(cmdlines):
        proc = tmp_path / "proc"
        proc.mkdir(exist_ok=True)
        for pid, cmdline in cmdlines.items():
            (proc / pid).mkdir()
            (proc / pid / "cmdline").write_bytes(cmdline)
        return str(proc)

    return make

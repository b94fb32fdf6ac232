"""What importing the client costs a module run: httpx without its command-line client (click, rich, pygments)."""

import importlib.util
import os
import subprocess
import sys
import textwrap

import pytest

PROBE = textwrap.dedent("""
    import sys
    from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api import client
    assert client.HAS_HTTPX
    heavy = sorted(m for m in ("httpx._main", "click", "rich", "pygments") if m in sys.modules)
    print("heavy=%s" % ",".join(heavy))
    print("placeholder=%s" % ("httpx._main" in sys.modules))
""")


def _run(code):
    # A fresh interpreter that finds the collection where this one does.
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60,
                          env=env).stdout.split()


def test_importing_the_client_leaves_out_the_httpx_cli():
    assert _run(PROBE) == ["heavy=", "placeholder=False"]


@pytest.mark.skipif(importlib.util.find_spec("click") is None or importlib.util.find_spec("rich") is None,
                    reason="httpx's CLI needs click and rich")
def test_the_httpx_cli_still_imports_afterwards_in_the_same_process():
    code = PROBE + "import httpx._main\nprint('cli=%s' % callable(httpx._main.main))\n"
    assert _run(code)[-1] == "cli=True"


EVERY_MODULE = textwrap.dedent("""
    import importlib
    import pkgutil
    import sys

    from ansible_collections.dcops.atlassian_cloud.plugins import module_utils, modules

    FRESH = ("httpx", "httpcore", "click", "rich", "pygments", "ansible_collections.dcops")
    KEEP = ("ansible_collections.dcops", "ansible_collections.dcops.atlassian_cloud",
            "ansible_collections.dcops.atlassian_cloud.plugins", modules.__name__, module_utils.__name__)
    names = [info.name for info in pkgutil.iter_modules(modules.__path__, modules.__name__ + ".")]
    # every module_utils file as well: a module that imports one of them before the client must not bring the
    # CLI back either (_dc/artifact.py downloads apps with httpx)
    names += [info.name for info in pkgutil.walk_packages(module_utils.__path__, module_utils.__name__ + ".")]
    for name in names:
        for loaded in [m for m in sys.modules if m.startswith(FRESH) and m not in KEEP]:
            del sys.modules[loaded]
        importlib.import_module(name)
        heavy = sorted(m for m in ("httpx._main", "click", "rich", "pygments") if m in sys.modules)
        print("%s=%s" % (name.rpartition("plugins.")[2], ",".join(heavy)))
""")


def test_no_module_or_module_utils_loads_the_httpx_cli_whatever_it_imports_first():
    # A module_utils that imported httpx before the client would bring the CLI back for its modules.
    lines = _run(EVERY_MODULE)
    assert len(lines) > 10 and "module_utils._dc.artifact=" in lines and "modules.dc_app=" in lines
    assert [line for line in lines if not line.endswith("=")] == []

"""Run the auth policy modules in-process against the sandbox (real HTTPS, the module's own client)."""

import importlib

import pytest

from helpers import run_module_in_process

MODULES = "ansible_collections.dcops.atlassian_cloud.plugins.modules."


class ModuleRunner:
    def __init__(self, sandbox, capsys):
        self.sandbox = sandbox
        self.capsys = capsys

    def __call__(self, _module, check_mode=False, diff=False, **args):
        """Run module `_module` with the sandbox's cloud connection; returns its JSON result."""
        module = importlib.import_module(MODULES + _module)
        params = self.sandbox.cloud_params(**args)
        result = run_module_in_process(module, params, self.capsys, check_mode=check_mode, diff=diff)[1]
        result["warnings"] = [w["event"]["msg"] if isinstance(w, dict) else w for w in result.get("warnings", [])]
        return result


@pytest.fixture
def run_module(sandbox, capsys):
    return ModuleRunner(sandbox, capsys)

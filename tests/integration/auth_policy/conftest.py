"""Run the auth policy modules in-process against the sandbox (real HTTPS, the module's own client)."""

import importlib
import json

import pytest
from ansible.module_utils.common import warnings as module_warnings
from ansible.module_utils.testing import patch_module_args

MODULES = "ansible_collections.dcops.atlassian_cloud.plugins.modules."


class ModuleRunner:
    def __init__(self, sandbox, capsys):
        self.sandbox = sandbox
        self.capsys = capsys

    def __call__(self, _module, check_mode=False, diff=False, **args):
        """Run module `_module` with the sandbox's cloud connection; returns its JSON result."""
        module = importlib.import_module(MODULES + _module)
        params = self.sandbox.cloud_params(**args)
        if check_mode:
            params["_ansible_check_mode"] = True
        if diff:
            params["_ansible_diff"] = True
        self.capsys.readouterr()
        # warnings are process-global in a module; each in-process run starts with none, as a real run does
        module_warnings._global_warnings.clear()
        with patch_module_args(params), pytest.raises(SystemExit):
            module.main()
        result = json.loads(self.capsys.readouterr().out)
        result["warnings"] = [w["event"]["msg"] if isinstance(w, dict) else w for w in result.get("warnings", [])]
        return result


@pytest.fixture
def run_module(sandbox, capsys):
    return ModuleRunner(sandbox, capsys)

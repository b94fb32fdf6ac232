"""The collection's generated pages and metadata agree with their sources."""

import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[3]


def run_check(script):
    return subprocess.run([sys.executable, str(ROOT / "scripts" / script), "--check"], capture_output=True, text=True,
                          check=False)


def test_api_contract_page_is_current():
    """docs/api-contract.md is generated from the table; a stale page misleads users about what is public."""
    check = run_check("render_api_contract.py")
    assert check.returncode == 0, check.stderr


def test_action_group_lists_exactly_the_modules_that_document_it():
    """meta/runtime.yml's group and the modules' ACTIONGROUP_ATLASSIAN fragment must agree, or
    module_defaults would silently skip a module that claims membership."""
    runtime = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text(encoding="utf-8"))
    grouped = set(runtime["action_groups"]["atlassian"])
    documented = {path.stem for path in (ROOT / "plugins" / "modules").glob("*.py")
                  if "attributes.ACTIONGROUP_ATLASSIAN" in path.read_text(encoding="utf-8")}
    assert grouped == documented


def test_role_readmes_are_current():
    """Each role's README is generated from its argument specs, the interface ansible-core validates."""
    check = run_check("render_role_readmes.py")
    assert check.returncode == 0, check.stderr


def test_contract_table_lists_only_operations_the_collection_calls():
    """docs/api-contract.md tells users which endpoints the collection calls; an entry no code uses would
    send them verifying an endpoint for nothing."""
    from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.contract import ENDPOINTS

    sources = [p for p in (ROOT / "plugins").rglob("*.py") if p.name != "contract.py"]
    code = "\n".join(p.read_text(encoding="utf-8") for p in sources)
    unused = sorted(name for name in ENDPOINTS if '"%s"' % name not in code)
    assert unused == []

"""The collection's generated pages and metadata agree with their sources."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]


def run_check(script):
    return subprocess.run([sys.executable, str(ROOT / "scripts" / script), "--check"], capture_output=True, text=True,
                          check=False)


def test_api_contract_page_is_current():
    """docs/api-contract.md is generated from the table; a stale page misleads users about what is public."""
    check = run_check("render_api_contract.py")
    assert check.returncode == 0, check.stderr


# The connection options of each credential family: a module_defaults group may only hold modules that take all
# of its family's options, or a default set for the group would fail one of its modules ("Unsupported parameters").
CREDENTIAL_FAMILIES = {
    "data_center": {"url", "user", "password", "token", "validate_certs", "ca_path", "api_overrides"},
    "cloud_admin": {"api_url", "org_id", "api_key", "validate_certs", "ca_path", "api_overrides"},
    "scim": {"api_url", "directory_id", "directory_api_key", "validate_certs", "ca_path", "api_overrides"},
    "aws": {"profile", "region", "access_key", "secret_key", "session_token", "endpoint_url"},
}


@pytest.fixture(scope="module")
def module_docs():
    """Every module's documentation as ansible-doc renders it (fragments merged, the options validate-modules
    holds equal to the argument spec)."""
    names = ["dcops.atlassian_cloud.%s" % path.stem for path in sorted((ROOT / "plugins" / "modules").glob("*.py"))]
    rendered = subprocess.run([str(Path(sys.executable).parent / "ansible-doc"), "--json", "-t", "module", *names],
                              capture_output=True, text=True, check=True, timeout=120)
    return {name.split(".")[-1]: entry["doc"] for name, entry in json.loads(rendered.stdout).items()}


def test_action_groups_are_the_credential_families():
    runtime = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text(encoding="utf-8"))
    assert set(runtime["action_groups"]) == set(CREDENTIAL_FAMILIES)


def test_each_action_group_holds_exactly_the_modules_of_its_credential_family(module_docs):
    """A module is in a group if and only if it takes every connection option of the group's family."""
    runtime = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text(encoding="utf-8"))
    for family, options in CREDENTIAL_FAMILIES.items():
        takes_them = {name for name, doc in module_docs.items() if options <= set(doc["options"])}
        assert set(runtime["action_groups"][family]) == takes_them, family


def test_modules_document_the_groups_runtime_puts_them_in(module_docs):
    """meta/runtime.yml and each module's action_group attribute must agree, or module_defaults would silently
    skip a module that claims membership (or the docs would hide one that has it)."""
    runtime = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text(encoding="utf-8"))
    for name, doc in module_docs.items():
        in_runtime = {"dcops.atlassian_cloud." + group for group, members in runtime["action_groups"].items()
                      if name in members}
        documented = set(doc.get("attributes", {}).get("action_group", {}).get("membership", []))
        assert documented == in_runtime, name


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

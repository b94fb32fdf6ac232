"""Every list and dict a module returns documents its shape with `contains` (what users write `when:` and
`loop:` against), except mappings keyed by data (group names, host names, attribute names), whose keys no
documentation can list, values that take the shape of an option they echo, and shapes documented once elsewhere."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
KEYED_BY_DATA = {
    "app_tunnel_info": {"connector"},
    "egress_rule": {"resolved"},
    "group_flatten": {"flat", "users", "lost_memberships.by_group", "lost_memberships.by_user", "depth.histogram",
                      "sync.added", "sync.kept", "sync.removed"},
    "group_product_access": {"billing", "summary.users_starting_to_count_by_app"},
    "group_sync": {"added", "kept", "removed"},
    "readiness_instance": {"readiness.directory.users", "readiness.directory.groups"},
    "tomcat_connector": {"connector"},
}
# Shapes documented in one place elsewhere: a check's details differ per check (docs/readiness_report.md), the
# report document and its connector list follow docs/readiness_report.schema.json.
DOCUMENTED_ELSEWHERE = {
    "readiness_instance": {"readiness.checks.details"},
    "readiness_node": {"readiness.checks.details"},
    "readiness_org": {"readiness.checks.details", "readiness.connectors.connectors"},
    "readiness_report": {"report.columns", "report.counts", "report.instances", "report.nodes_without_instance",
                         "report.organization"},
}
SHAPE_OF_AN_OPTION = {
    "auth_policy": {"policy.settings.sso", "policy.settings.password"},
    "dc_allowlist": {"actions.rule", "actions.before"},
    "dc_info": {"allowlist.rules"},
    "byok_role": {"drift.drifted_resources.property_differences"},
}


def undocumented_shapes(returns, prefix=""):
    for key, value in (returns or {}).items():
        kind = value.get("type")
        if (kind == "dict" or (kind == "list" and value.get("elements") == "dict")) and "contains" not in value:
            yield prefix + key
        yield from undocumented_shapes(value.get("contains"), prefix + key + ".")


def test_every_list_and_dict_return_value_documents_its_contents():
    names = ["dcops.atlassian_cloud.%s" % p.stem for p in sorted((ROOT / "plugins" / "modules").glob("*.py"))]
    shown = subprocess.run([str(Path(sys.executable).parent / "ansible-doc"), "--json", "-t", "module", *names],
                           capture_output=True, text=True, check=True, timeout=120)
    missing = {}
    for name, entry in json.loads(shown.stdout).items():
        module = name.split(".")[-1]
        allowed = (KEYED_BY_DATA.get(module, set()) | SHAPE_OF_AN_OPTION.get(module, set())
                   | DOCUMENTED_ELSEWHERE.get(module, set()))
        left = set(undocumented_shapes(entry.get("return"))) - allowed
        if left:
            missing[module] = sorted(left)
    assert missing == {}

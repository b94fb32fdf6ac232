"""Check mode predicts the real run exactly, for the REST modules, against the sandbox over HTTPS.

Each scenario runs check, real, check, real (tests/integration/checkmode/harness.py). "No write" is measured
from outside the module: the sandbox's whole state, with the counters a read also moves (rate-limit windows,
UPM's one-time token, poll counters) left out.
"""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

import pytest
from checkmode.harness import assert_both_refuse, assert_check_predicts_real, assert_converged

VOLATILE = {"rate_window", "token", "pollsAfterDone", "last_poll"}


def _stable(value):
    if isinstance(value, dict):
        return dict((k, _stable(v)) for k, v in value.items() if k not in VOLATILE)
    if isinstance(value, list):
        return [_stable(v) for v in value]
    return value


class Harness:
    def __init__(self, sandbox, run_module, tmp_path):
        self.sandbox = sandbox
        self.run_module = run_module
        self.tmp = tmp_path
        self.files = []

    def runner(self, module, connection, **params):
        """run(check_mode) for `module` with the connection parameters of `connection` (a persona, "cloud",
        "scim" or None) and `params`."""

        def run(check_mode):
            return self.run_module(module, copy.deepcopy(params), connection=connection, check_mode=check_mode,
                                   diff=True)

        return run

    def watch(self, *paths):
        self.files.extend(Path(p) for p in paths)

    def observe(self):
        """The sandbox's state and every watched file (content hash and mode), as one comparable value."""
        files = {}
        for path in self.files:
            if path.exists():
                files[str(path)] = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mode & 0o7777)
        return json.dumps(_stable(self.sandbox.state()), sort_keys=True), files


@pytest.fixture
def harness(sandbox, run_module, tmp_path):
    return Harness(sandbox, run_module, tmp_path)


CLOUD_RULE = {"expression": "https://api.atlassian.com", "type": "domain"}


# -- Data Center ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("persona", ["jira", "confluence"])
def test_dc_info_reads_and_refuses_alike(harness, persona):
    assert_converged(harness.runner("dc_info", persona), harness.observe, ("product", "version"))
    assert_both_refuse(harness.runner("dc_info", "jira-old", require_cloud_connector=True), harness.observe,
                       "11.3")


def test_dc_allowlist(harness):
    create = harness.runner("dc_allowlist", "jira", rules=[CLOUD_RULE])
    assert_check_predicts_real(create, harness.observe, ("rules", "actions", "enabled"))
    update = harness.runner("dc_allowlist", "jira", rules=[dict(CLOUD_RULE, allow_inbound=True)])
    assert_check_predicts_real(update, harness.observe, ("rules", "actions", "enabled"))
    remove = harness.runner("dc_allowlist", "jira", rules=[CLOUD_RULE], state="absent")
    assert_check_predicts_real(remove, harness.observe, ("rules", "actions"))
    assert_both_refuse(harness.runner("dc_allowlist", "jira", enabled=False), harness.observe, "allow_disable=true")


def test_dc_app(harness, sandbox):
    def app(version):
        return "%s/artifacts/com.example.companion-%s.jar" % (sandbox.url("cloud"), version)

    fields = ("version", "installed", "enabled", "previous_version")
    for persona in ("jira", "confluence"):
        install = harness.runner("dc_app", persona, key="com.example.companion", version="1.0.0", app_url=app("1.0.0"))
        assert_check_predicts_real(install, harness.observe, fields)
    upgrade = harness.runner("dc_app", "jira", key="com.example.companion", state="latest", app_url=app("1.1.0"))
    assert_check_predicts_real(upgrade, harness.observe, fields)
    through_marketplace = harness.runner("dc_app", "jira-old", key="com.atlassian.cloud-companion", state="latest",
                                         marketplace_url=sandbox.url("cloud"), marketplace_ca_path=sandbox.ca_path)
    assert_check_predicts_real(through_marketplace, harness.observe, fields)
    remove = harness.runner("dc_app", "jira", key="com.example.companion", state="absent")
    assert_check_predicts_real(remove, harness.observe, fields)
    assert_both_refuse(harness.runner("dc_app", "jira", key="com.example.companion", version="9.0",
                                      app_url=app("1.0.0")), harness.observe, "9.0 is wanted")


# -- Authentication policies ----------------------------------------------------------------------------------
POLICY_FIELDS = ("policy",)


def test_auth_policy(harness):
    create = harness.runner("auth_policy", "cloud", name="Contractors")
    assert_check_predicts_real(create, harness.observe, POLICY_FIELDS)
    update = harness.runner("auth_policy", "cloud", name="Contractors",
                            settings={"two_step": "required", "idle_session": "12h"})
    assert_check_predicts_real(update, harness.observe, POLICY_FIELDS)
    saml = {"sso": {"enforced": True, "provider": "saml"}}
    sso = harness.runner("auth_policy", "cloud", name="Contractors", settings=saml, allow_lockout=True)
    assert_check_predicts_real(sso, harness.observe, POLICY_FIELDS)
    sso_off = harness.runner("auth_policy", "cloud", name="Contractors", settings={"sso": {"enforced": False}})
    assert_check_predicts_real(sso_off, harness.observe, POLICY_FIELDS)
    assert_both_refuse(harness.runner("auth_policy", "cloud", name="Contractors",
                                      settings={"sso": {"enforced": True, "provider": "saml"},
                                                "two_step": "required"}, allow_lockout=True),
                       harness.observe, "two_step")
    remove = harness.runner("auth_policy", "cloud", name="Contractors", state="absent")
    assert_check_predicts_real(remove, harness.observe, POLICY_FIELDS)


def test_auth_policy_members(harness):
    assert harness.runner("auth_policy", "cloud", name="Employees")(False)["changed"]
    fields = ("results", "summary")
    add = harness.runner("auth_policy_members", "cloud", policy="Employees",
                         members=["alice@example.com", "bob@example.com"])
    assert_check_predicts_real(add, harness.observe, fields)
    exclusive = harness.runner("auth_policy_members", "cloud", policy="Employees", members=["alice@example.com"],
                               exclusive=True, fallback_policy="Default policy")
    assert_check_predicts_real(exclusive, harness.observe, fields)
    assert_both_refuse(harness.runner("auth_policy_members", "cloud", policy="Nope", members=["alice@example.com"]),
                       harness.observe, "Nope")


def test_auth_policy_export(harness):
    assert harness.runner("auth_policy", "cloud", name="Employees")(False)["changed"]
    assert harness.runner("auth_policy_members", "cloud", policy="Employees",
                          members=["alice@example.com"])(False)["changed"]
    dest = harness.tmp / "employees.csv"
    harness.watch(dest)
    export = harness.runner("auth_policy_export", "cloud", policy="Employees", dest=str(dest))
    assert_check_predicts_real(export, harness.observe, ("members", "dest"))
    assert harness.runner("auth_policy_members", "cloud", policy="Employees",
                          members=["bob@example.com"])(False)["changed"]
    assert_check_predicts_real(export, harness.observe, ("members", "dest"))
    missing = harness.runner("auth_policy_export", "cloud", policy="Employees",
                             dest=str(harness.tmp / "no-such-dir" / "x.csv"))
    assert_both_refuse(missing, harness.observe, "no-such-dir")


# -- Organization connector, both ends ---------------------------------------------------------------------
CONNECTOR_FIELDS = ("status", "id", "credentials_issued")


def test_org_connector_and_dc_cloud_connector(harness, sandbox):
    credentials = harness.tmp / "jira.json"
    harness.watch(credentials)
    create = harness.runner("org_connector", "cloud", base_url=sandbox.url("jira"), name="Jira sandbox",
                            credentials_dest=str(credentials))
    assert_check_predicts_real(create, harness.observe, CONNECTOR_FIELDS)
    apply = harness.runner("dc_cloud_connector", "jira", credentials_file=str(credentials))
    assert_check_predicts_real(apply, harness.observe, ("status", "connector_id", "linked"))
    connector_id = json.loads(credentials.read_text())["connector_id"] if "connector_id" in json.loads(
        credentials.read_text()) else create(False)["id"]
    rotate = harness.runner("org_connector", "cloud", connector_id=connector_id, state="rotated",
                            credentials_dest=str(credentials))
    planned, _done = assert_check_predicts_real(rotate, harness.observe, CONNECTOR_FIELDS, converges=False)
    assert planned["status"] == "Interrupted"
    assert_check_predicts_real(apply, harness.observe, ("status", "connector_id", "linked"))
    disable = harness.runner("org_connector", "cloud", connector_id=connector_id, state="disabled")
    assert_check_predicts_real(disable, harness.observe, ("status", "id"))
    assert_both_refuse(harness.runner("org_connector", "cloud", connector_id="no-such-connector", state="rotated",
                                      credentials_dest=str(credentials)), harness.observe, "no-such-connector")


# -- Groups and the cloud directory ---------------------------------------------------------------------------
def test_org_info_reads_only(harness):
    assert_converged(harness.runner("org_info", "cloud", gather=["orgs", "directories", "domains"]),
                     harness.observe, ("orgs", "directories", "domains"))


def test_group_sync(harness, sandbox):
    from groups_sync.cloud_directory import USERS, seed_directory

    seed_directory(sandbox, users=USERS[:30])
    fields = ("groups_created", "added", "removed", "kept")
    create = harness.runner("group_sync", "scim", groups={"eng": USERS[:12], "ops": USERS[20:22]})
    assert_check_predicts_real(create, harness.observe, fields)
    update = harness.runner("group_sync", "scim", groups={"eng": USERS[5:15], "ops": USERS[20:22]})
    assert_check_predicts_real(update, harness.observe, fields)
    assert_both_refuse(harness.runner("group_sync", "scim", groups={"eng": "user000@example.com"}), harness.observe,
                       "not a list: eng")


NESTED = {
    "groups": {"Engineering": {"users": ["erin"], "groups": ["Backend"]}, "Backend": {"users": ["bob"]}},
    "users": {"erin": {"email": "erin@example.com"}, "bob": {"email": "bob@example.com"}},
}


def test_group_flatten_synced(harness, sandbox):
    from groups_sync.cloud_directory import seed_directory

    seed_directory(sandbox, users=["erin@example.com", "bob@example.com", "carl@example.com"])
    sync = harness.runner("group_flatten", "scim", source="yaml", yaml_data=NESTED, state="synced", target="scim")
    assert_check_predicts_real(sync, harness.observe, ("groups", "summary"))
    grown = copy.deepcopy(NESTED)
    grown["groups"]["Backend"]["users"].append("carl")
    grown["users"]["carl"] = {"email": "carl@example.com"}
    update = harness.runner("group_flatten", "scim", source="yaml", yaml_data=grown, state="synced", target="scim")
    assert_check_predicts_real(update, harness.observe, ("groups", "summary"))
    cycle = copy.deepcopy(NESTED)
    cycle["groups"]["Backend"]["groups"] = ["Engineering"]
    assert_both_refuse(harness.runner("group_flatten", "scim", source="yaml", yaml_data=cycle, state="synced",
                                      target="scim"), harness.observe, "cycle")


def test_migration_preflight_reports(harness, sandbox):
    from atlassian_sandbox.areas.dc_directory import make_user

    sandbox.seed("jira", "dc_directory", {"users": [make_user("alice", "alice@example.com")],
                                          "groups": {"admins": ["alice"]}})
    instances = [dict(sandbox.dc_params("jira"), name="jira", product="jira")]
    markdown, page = harness.tmp / "preflight.md", harness.tmp / "preflight.html"
    harness.watch(markdown, page)
    reports = harness.runner("migration_preflight", None, instances=instances, report_markdown=str(markdown),
                             report_html=str(page))
    assert_check_predicts_real(reports, harness.observe, ("summary",))
    mode = harness.runner("migration_preflight", None, instances=instances, report_markdown=str(markdown),
                          report_html=str(page), report_mode="0640")
    assert_check_predicts_real(mode, harness.observe, ("summary",))
    missing = harness.runner("migration_preflight", None, instances=instances,
                             report_markdown=str(harness.tmp / "no-such-dir" / "r.md"))
    assert_both_refuse(missing, harness.observe, "no-such-dir")

"""Every playbook and every molecule scenario's converge: `--check --diff` on a fresh state runs to the end and
predicts, task for task, what the real run then changes; a check run on the converged state changes nothing.

Each target runs three times with the same inventory: check, real, check. The per-task statuses come from the
suite's recording callback (tests/integration/callback_plugins/record_results.py): for every (task, host) the
number of results that report `changed` must be the same in the first check run and the real run, and zero in
the last check run. "Nothing written" by the first check run is the sandbox's whole state and the target's files.

Molecule scenarios run their own converge.yml with the inventory their molecule.yml declares, against the
session's sandbox (its description written where the scenario reads `sandbox.json`) instead of the one their
prepare.yml starts; the rest of their prepare (seeding the sandbox) runs as written.
"""

from __future__ import annotations

import collections
import hashlib
import inspect
import json
import os
import re
import urllib.request
from pathlib import Path

import pytest
import yaml
from auth_policy.test_pilot import _vars as pilot_vars
from byok.conftest import ACCESS_KEY, SECRET_KEY, account, moto_byok, moto_server  # noqa: F401 pylint: disable=unused-import
from checkmode.harness import assert_unchanged
from checkmode.test_rest_modules import _stable
from firewall.conftest import egress_lab, tls_ca  # noqa: F401 pylint: disable=unused-import
from firewall.test_nftables import nft_node  # noqa: F401 pylint: disable=unused-import
from groups_sync.cloud_directory import seed_directory
from groups_sync.test_group_product_access import JIRA_GRANTS
from groups_sync.test_group_product_access import seed as seed_product_access
from groups_sync.test_migration_order import _vars as migration_order_vars
from groups_sync.test_schedule import BIN
from helpers import ROOT, free_port, run_playbook

pytestmark = pytest.mark.slow  # three ansible-playbook runs per target

MOLECULE = ROOT / "extensions" / "molecule"
PLAYBOOKS = ROOT / "playbooks"
# prepare.yml tasks the session's sandbox replaces
STARTS_THE_SANDBOX = re.compile(r"^Start the sandbox")


def changed_per_task(run):
    """{(task, host): how many of its results report changed}.

    A job started with `async` and `poll: 0` reports its change on the async_status task that waits for it (a
    check run, which starts no job, reports it on the task itself): the change counts for the task that started
    the job, found by the job's ID."""
    started = dict((r["result"]["ansible_job_id"], r["task"]) for r in run.results
                   if r["action"] != "ansible.builtin.async_status" and r["result"].get("ansible_job_id"))
    return collections.Counter(
        (started.get(r["result"].get("ansible_job_id"), r["task"]) if r["action"].endswith("async_status")
         else r["task"], r["host"]) for r in run.changed_tasks)


def _failure(run, what):
    failed = [(r["task"], r["host"], r["result"].get("msg")) for r in run.failed_tasks]
    return "%s failed (rc %s): %r\n%s" % (what, run.returncode, failed[:5], run.stdout[-3000:])


def assert_check_predicts_the_run(play, observe, converges=True):
    """check, real, check with `play(check)` -> PlaybookRun; returns the real run. converges=False: check, real
    only, for a playbook that issues new credentials and so changes something on every run."""
    start = observe()
    planned = play(True)
    assert planned.returncode == 0, _failure(planned, "the check run on a fresh state")
    assert_unchanged(start, observe(), "the check run wrote something")
    done = play(False)
    assert done.returncode == 0, _failure(done, "the real run")
    predicted, actual = changed_per_task(planned), changed_per_task(done)
    assert predicted == actual, "check predicted %r, the real run changed %r" % (
        sorted(set(predicted.items()) - set(actual.items())), sorted(set(actual.items()) - set(predicted.items())))
    if not converges:
        assert actual, "the real run changed nothing"
        return done
    rerun = play(True)
    assert rerun.returncode == 0, _failure(rerun, "the check run on the converged state")
    assert changed_per_task(rerun) == {}, "converged, but check mode reports changes: %r" % dict(
        changed_per_task(rerun))
    return done


def _tree(*tops):
    """Every file under `tops`: path, content hash, mode."""
    found = []
    for top in tops:
        for path in sorted(Path(top).rglob("*")):
            if path.is_file():
                found.append((str(path), hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mode & 0o7777))
    return found


def check_or_real(playbook, **options):
    """run(check) for assert_check_predicts_the_run: `playbook` run by run_playbook with `options`, in
    --check --diff mode or for real."""

    def run(check):
        return run_playbook(playbook, check=check, diff=check, **options)

    return run


class Scenario:
    """A molecule scenario run by ansible-playbook against the session's sandbox."""

    def __init__(self, name, sandbox, tmp_path, overrides=None):
        self.dir = MOLECULE / name
        self.overrides = overrides or {}
        self.sandbox = sandbox
        self.ephemeral = tmp_path / "ephemeral"
        (self.ephemeral / "sandbox").mkdir(parents=True)
        (self.ephemeral / "sandbox" / "sandbox.json").write_text(json.dumps(sandbox.env))
        self.env = {"MOLECULE_EPHEMERAL_DIRECTORY": str(self.ephemeral),
                    "MOLECULE_PROJECT_DIRECTORY": str(ROOT / "extensions"),
                    "MOLECULE_SCENARIO_DIRECTORY": str(self.dir)}
        self.inventory = self._inventory(tmp_path / "inventory.yml")

    def _inventory(self, path):
        text = (self.dir / "molecule.yml").read_text()
        for name, value in self.env.items():  # molecule substitutes ${VAR} in molecule.yml
            text = text.replace("${%s}" % name, value)
        config = yaml.safe_load(text)
        declared = config["provisioner"].get("inventory", {})
        inventory = declared.get("hosts") or {"all": {"hosts": {}, "children": {}}}
        top = inventory["all"]
        for platform in config["platforms"]:
            top.setdefault("hosts", {}).setdefault(platform["name"], {})
            for group in platform.get("groups", []):
                top.setdefault("children", {}).setdefault(group, {}).setdefault("hosts", {})[platform["name"]] = {}
        groups = dict(top.get("children", {}))
        for group, values in declared.get("group_vars", {}).items():
            if group == "all":
                top.setdefault("vars", {}).update(values)
            else:
                groups.setdefault(group, {}).setdefault("vars", {}).update(values)
        top["children"] = groups
        host_vars = dict((host, dict(declared.get("host_vars", {}).get(host) or {}, **values))
                         for host, values in list(declared.get("host_vars", {}).items()) + list(self.overrides.items()))
        for host, values in host_vars.items():
            for where in [top] + list(groups.values()):
                if host in (where.get("hosts") or {}):
                    where["hosts"][host] = dict(where["hosts"][host] or {}, **values)
        path.write_text(yaml.safe_dump(inventory))
        return path

    def prepare(self):
        """The scenario's prepare.yml without the tasks the session's sandbox replaces."""
        prepare = self.dir / "prepare.yml"
        if not prepare.exists():
            return
        plays = yaml.safe_load(prepare.read_text())
        for play in plays:
            play["tasks"] = [t for t in play.get("tasks", []) if not STARTS_THE_SANDBOX.match(t.get("name", ""))]
        plays = [p for p in plays if p["tasks"]]
        if not plays:
            return
        copy = self.dir / (".checkmode-prepare-%d.yml" % os.getpid())  # relative paths resolve from the scenario
        copy.write_text(yaml.safe_dump(plays))
        try:
            run = run_playbook(copy, inventory=self.inventory, env=self.env)
        finally:
            copy.unlink()
        assert run.returncode == 0, _failure(run, "prepare")

    def destroy(self):
        run = run_playbook(self.dir / "destroy.yml", inventory=self.inventory, env=self.env)
        assert run.returncode == 0, _failure(run, "destroy")

    def play(self, playbook=None, extra_vars=None):
        return check_or_real(playbook or self.dir / "converge.yml", inventory=self.inventory, env=self.env,
                             extra_vars=extra_vars)

    def observe(self):
        return json.dumps(_stable(self.sandbox.state()), sort_keys=True), _tree(self.ephemeral)


# connect_data_center runs in test_connector_life_cycle_playbooks, which goes on from its converged state.
SANDBOX_SCENARIOS = ["auth_policies", "cloud_companion", "dc_info", "group_product_access", "group_sync",
                     "migration_preflight", "org_connector", "readiness_report"]


@pytest.mark.parametrize("name", SANDBOX_SCENARIOS)
def test_molecule_converge_on_the_sandbox(name, sandbox, tmp_path):
    scenario = Scenario(name, sandbox, tmp_path)
    scenario.prepare()
    assert_check_predicts_the_run(scenario.play(), scenario.observe)


def _converge_vars(name):
    """The variables a scenario's converge passes to its role (its first task's include_role vars)."""
    plays = yaml.safe_load((MOLECULE / name / "converge.yml").read_text())
    return plays[0]["tasks"][0]["vars"]


def test_auth_policies_and_dc_info_playbooks(sandbox, tmp_path):
    """auth_policies.yml on a fresh organization (the members of policies it creates), dc_info.yml read only."""
    scenario = Scenario("connect_data_center", sandbox, tmp_path)
    example = yaml.safe_load((PLAYBOOKS / "vars" / "auth_policies.example.yml").read_text())
    assert_check_predicts_the_run(scenario.play(PLAYBOOKS / "auth_policies.yml", example), scenario.observe)
    info = assert_check_predicts_the_run(scenario.play(PLAYBOOKS / "dc_info.yml"), scenario.observe)
    assert info.changed_tasks == []


def test_connector_life_cycle_playbooks(sandbox, tmp_path):
    """The connect_data_center scenario (connect_data_center.yml on both sandbox instances), then
    rotate_connector_credentials.yml, disable_connector.yml and enable_connector.yml on the connected instances.
    A rotation (enabling again rotates too) changes something on every run, so a check run after it predicts
    changes again: the converged check is for disable."""
    scenario = Scenario("connect_data_center", sandbox, tmp_path)
    assert_check_predicts_the_run(scenario.play(), scenario.observe)
    assert_check_predicts_the_run(scenario.play(PLAYBOOKS / "rotate_connector_credentials.yml"), scenario.observe,
                                  converges=False)
    assert_check_predicts_the_run(scenario.play(PLAYBOOKS / "disable_connector.yml"), scenario.observe)
    assert_check_predicts_the_run(scenario.play(PLAYBOOKS / "enable_connector.yml"), scenario.observe, converges=False)


def test_group_playbooks(sandbox, tmp_path):
    """sync_groups.yml and flatten_groups.yml with the group_sync scenario's groups, migration_preflight.yml with
    the migration_preflight scenario's instances (each scenario's prepare seeds the sandbox)."""
    groups = Scenario("group_sync", sandbox, tmp_path / "groups")
    groups.prepare()
    sync_vars = dict(_converge_vars("group_sync"), gs_sandbox=sandbox.env)
    assert_check_predicts_the_run(groups.play(PLAYBOOKS / "sync_groups.yml", sync_vars), groups.observe)
    flatten_vars = {"nested_groups_yaml_data": sync_vars["group_sync_flatten"]["yaml_data"],
                    "nested_groups_report_file": str(groups.ephemeral / "flatten" / "report.yml")}
    (groups.ephemeral / "flatten").mkdir()
    assert_check_predicts_the_run(groups.play(PLAYBOOKS / "flatten_groups.yml", flatten_vars), groups.observe)

    preflight = Scenario("migration_preflight", sandbox, tmp_path / "preflight")
    preflight.prepare()
    preflight_vars = dict(_converge_vars("migration_preflight"), mp_sandbox=sandbox.env)
    assert_check_predicts_the_run(preflight.play(PLAYBOOKS / "migration_preflight.yml", preflight_vars),
                                  preflight.observe)


def _localhost(playbook, extra_vars):
    return check_or_real(PLAYBOOKS / playbook, extra_vars=extra_vars)


def test_product_access_pilot_and_migration_order_playbooks(sandbox):
    """On the session's sandbox with the variables of each playbook's own test: product_access.yml grants Jira
    access (billing confirmed), auth_policy_pilot.yml pilots then rolls out (confirmed ahead, as AWX runs it),
    migration_order.yml with the Migration Assistant step confirmed flattens, matches every account and syncs."""
    def observe():
        return json.dumps(_stable(sandbox.state()), sort_keys=True)

    cloud = sandbox.persona("cloud")
    seed_product_access(sandbox)
    assert_check_predicts_the_run(_localhost("product_access.yml", {
        "atlassian_api_url": cloud["url"], "atlassian_org_id": cloud["org_id"], "atlassian_org_api_key": cloud["api_key"],
        "group_product_access_ca_path": sandbox.ca_path, "group_product_access_grants": JIRA_GRANTS,
        "group_product_access_confirm_billing": True}), observe)
    assert_check_predicts_the_run(_localhost("auth_policy_pilot.yml", pilot_vars(sandbox, auth_policy_pilot_confirmed=True)),
                                  observe)
    seed_directory(sandbox, users=["erin@example.com", "bob@example.com", "fred@example.com"])
    assert_check_predicts_the_run(_localhost("migration_order.yml", migration_order_vars(
        sandbox, migration_order_migration_assistant_done=True)), observe)


def test_schedule_group_sync_playbook(tmp_path):
    """schedule_group_sync.yml staged under a scratch root as its own test stages it (the timer not enabled): check
    mode predicts the directories, the wrapper and the units it installs; the root is what "written" means."""
    root = tmp_path / "root"
    root.mkdir()
    assert_check_predicts_the_run(_localhost("schedule_group_sync.yml", {
        "group_sync_schedule_root": str(root), "group_sync_schedule_enable": False,
        "group_sync_schedule_vars_file": str(tmp_path / "group-sync.yml"),
        "group_sync_schedule_ansible_playbook": str(BIN / "ansible-playbook"),
        "group_sync_schedule_lock_file": str(tmp_path / "sync.lock"),
        "group_sync_schedule_report_dir": str(tmp_path / "reports")}), lambda: _tree(root))
    assert sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) == [
        "etc/systemd/system/dcops-group-sync.service", "etc/systemd/system/dcops-group-sync.timer",
        "usr/local/bin/dcops-group-sync"]


def test_byok_scenario_and_playbook(sandbox, tmp_path, account):  # noqa: F811
    """The byok scenario's converge and byok.yml against the session's moto server (the scenario's own prepare
    starts one on a fixed port). "Nothing written" is the account's stacks, their change sets and its roles."""
    scenario = Scenario("byok", sandbox, tmp_path)
    aws = {"byok_aws_endpoint_url": account.endpoint, "byok_aws_access_key": ACCESS_KEY, "byok_poll_interval": 1,
           "byok_aws_secret_key": SECRET_KEY}

    def observe():
        stacks = account.cfn.describe_stacks()["Stacks"]
        change_sets = [account.cfn.list_change_sets(StackName=s["StackId"])["Summaries"] for s in stacks]
        return json.dumps([stacks, change_sets, account.iam.list_roles()["Roles"]], default=str, sort_keys=True)

    assert_check_predicts_the_run(scenario.play(extra_vars=aws), observe)
    fresh = account.__class__(account.server)  # the same moto server, emptied and seeded again
    urllib.request.urlopen(urllib.request.Request(account.endpoint + "/moto-api/reset", method="POST"), timeout=10)
    moto_byok.seed(account.endpoint, mfa=True)
    assert fresh.stack() is None
    assert_check_predicts_the_run(scenario.play(PLAYBOOKS / "byok.yml", aws), observe)


def _node_observe(lab, *tops):
    def observe():
        return lab.run("nft", "list", "ruleset").stdout, _tree(*tops)
    return observe


def test_egress_rule_scenario_in_a_node_namespace(nft_node, sandbox, tmp_path):  # noqa: F811
    """The egress_rule scenario's converge in a DC-node namespace (the firewall tests' lab instead of the fixed
    namespaces its prepare makes): the node's rule set and the persist file are what "written" means."""
    nft_node.inventory()  # writes the interpreter wrapper that runs modules inside the node
    scenario = Scenario("egress_rule", sandbox, tmp_path / "egress", overrides={
        "dcnode": {"ansible_python_interpreter": str(nft_node.tmp / "python-in-dc-node")}})
    assert_check_predicts_the_run(scenario.play(), _node_observe(nft_node, scenario.ephemeral))


def test_cloud_connector_prereqs_scenario_and_playbook(nft_node, sandbox, tmp_path):  # noqa: F811
    """cloud_connector_prereqs.yml through its scenario: the version gate and allowlist on the sandbox's Jira, the
    egress rule on a node in the lab's namespace (api.atlassian.com is its cloud peer there)."""
    nft_node.inventory()
    scenario = Scenario("cloud_connector_prereqs", sandbox, tmp_path / "prereqs", overrides={
        "dc-node-1": {"ansible_python_interpreter": str(nft_node.tmp / "python-in-dc-node")}})

    def observe():
        return scenario.observe(), _node_observe(nft_node)()
    assert_check_predicts_the_run(scenario.play(), observe)


def test_app_tunnel_scenario_and_playbook(sandbox, tmp_path):
    """app_tunnel.yml through its scenario on a real Tomcat (tests/integration/tomcat/files/tomcat_instance.sh):
    the connector's attributes and the restart are predicted; the server.xml and the running process are what
    "written" means."""
    scenario = Scenario("app_tunnel", sandbox, tmp_path / "tunnel", overrides={
        "localhost": {"at_http_port": free_port(), "at_shutdown_port": free_port()}})
    node = scenario.ephemeral / "jira-node"
    scenario.prepare()
    try:
        def observe():
            pid = (node / "temp" / "tomcat.pid").read_text().strip()
            return _tree(node / "conf"), pid
        assert_check_predicts_the_run(scenario.play(), observe)
    finally:
        scenario.destroy()


def test_nested_groups_scenario_on_slapd(sandbox, tmp_path):
    """flatten through the nested_groups scenario on its own slapd (on a free loopback port and a directory of
    this test); its report file is what "written" means."""
    directory = tmp_path / "slapd"
    scenario = Scenario("nested_groups", sandbox, tmp_path / "nested", overrides={
        "localhost": {"nested_groups_slapd_port": free_port(), "nested_groups_slapd_dir": str(directory)}})
    scenario.prepare()
    try:
        # slapd's own database (data/) moves with every read; the role writes only the report
        assert_check_predicts_the_run(scenario.play(), lambda: [f for f in _tree(directory)
                                                                if not f[0].startswith(str(directory / "data"))])
    finally:
        scenario.destroy()


# Every playbook and every molecule scenario, and the test of this file that runs it check against real (a playbook
# a scenario's converge imports is run by the scenario's test). A new one without a case fails the next test.
CASES = {
    "playbooks/app_tunnel.yml": "test_app_tunnel_scenario_and_playbook",
    "playbooks/auth_policies.yml": "test_auth_policies_and_dc_info_playbooks",
    "playbooks/auth_policy_pilot.yml": "test_product_access_pilot_and_migration_order_playbooks",
    "playbooks/byok.yml": "test_byok_scenario_and_playbook",
    "playbooks/cloud_connector_prereqs.yml": "test_cloud_connector_prereqs_scenario_and_playbook",
    "playbooks/connect_data_center.yml": "test_connector_life_cycle_playbooks",
    "playbooks/dc_info.yml": "test_auth_policies_and_dc_info_playbooks",
    "playbooks/disable_connector.yml": "test_connector_life_cycle_playbooks",
    "playbooks/enable_connector.yml": "test_connector_life_cycle_playbooks",
    "playbooks/flatten_groups.yml": "test_group_playbooks",
    "playbooks/migration_order.yml": "test_product_access_pilot_and_migration_order_playbooks",
    "playbooks/migration_preflight.yml": "test_group_playbooks",
    "playbooks/product_access.yml": "test_product_access_pilot_and_migration_order_playbooks",
    "playbooks/readiness_report.yml": "test_molecule_converge_on_the_sandbox",
    "playbooks/rotate_connector_credentials.yml": "test_connector_life_cycle_playbooks",
    "playbooks/schedule_group_sync.yml": "test_schedule_group_sync_playbook",
    "playbooks/sync_groups.yml": "test_group_playbooks",
    "molecule/app_tunnel": "test_app_tunnel_scenario_and_playbook",
    "molecule/auth_policies": "test_molecule_converge_on_the_sandbox",
    "molecule/byok": "test_byok_scenario_and_playbook",
    "molecule/cloud_companion": "test_molecule_converge_on_the_sandbox",
    "molecule/cloud_connector_prereqs": "test_cloud_connector_prereqs_scenario_and_playbook",
    "molecule/connect_data_center": "test_connector_life_cycle_playbooks",
    "molecule/dc_info": "test_molecule_converge_on_the_sandbox",
    "molecule/egress_rule": "test_egress_rule_scenario_in_a_node_namespace",
    "molecule/group_product_access": "test_molecule_converge_on_the_sandbox",
    "molecule/group_sync": "test_molecule_converge_on_the_sandbox",
    "molecule/migration_preflight": "test_molecule_converge_on_the_sandbox",
    "molecule/nested_groups": "test_nested_groups_scenario_on_slapd",
    "molecule/org_connector": "test_molecule_converge_on_the_sandbox",
    "molecule/readiness_report": "test_molecule_converge_on_the_sandbox",
}


def _scenarios_run_by(test):
    """The molecule scenarios a test of this file runs: SANDBOX_SCENARIOS for the parametrized one, the names it
    gives Scenario() for the others."""
    if test is test_molecule_converge_on_the_sandbox:
        return set(SANDBOX_SCENARIOS)
    return set(re.findall(r'Scenario\("(\w+)"', inspect.getsource(test)))


def _imports(scenario, playbook):
    converge = (MOLECULE / scenario / "converge.yml").read_text()
    return ("dcops.atlassian_cloud.%s\n" % playbook[:-len(".yml")] in converge + "\n"
            or "playbooks/%s" % playbook in converge)


def test_every_playbook_and_scenario_has_a_check_versus_real_case():
    """CASES names exactly the playbooks in playbooks/ and the scenarios in extensions/molecule/ (a directory with
    a molecule.yml), and each named test runs its target: the playbook's file name in its source or a scenario it
    runs importing the playbook; the scenario among those it runs."""
    present = set("playbooks/" + p.name for p in PLAYBOOKS.glob("*.yml")) | set(
        "molecule/" + d.name for d in MOLECULE.iterdir() if (d / "molecule.yml").is_file())
    missing, gone = sorted(present - set(CASES)), sorted(set(CASES) - present)
    assert not missing, "no check-versus-real case in this file (add one, name it in CASES): %s" % missing
    assert not gone, "CASES names targets that are gone: %s" % gone
    wrong = []
    for target, name in sorted(CASES.items()):
        test = globals().get(name)
        if not callable(test) or not name.startswith("test_"):
            wrong.append((target, name, "no such test in this file"))
            continue
        kind, _separator, what = target.partition("/")
        scenarios = _scenarios_run_by(test)
        if kind == "molecule":
            runs = what in scenarios
        else:
            runs = '"%s"' % what in inspect.getsource(test) or any(_imports(s, what) for s in scenarios)
        if not runs:
            wrong.append((target, name, "the test does not run it"))
    assert not wrong, "CASES names a test that does not run its target: %r" % wrong

"""The AWX / Automation Platform kit under awx/: credential types as AWX validates them, injecting exactly the
environment variables the modules read; the execution environment ansible-builder accepts, holding the collection
and only its controller-side needs; the controller playbook's tasks as the awx.awx modules document them.

AWX's rules for custom credential types, as awx/main/fields.py (CredentialTypeInputField,
CredentialTypeInjectorField), awx/main/constants.py (ENV_BLOCKLIST) and awx/api/serializers.py (kind) of
ansible/awx at e21dd0a093 state them, restated here in our own words.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from jinja2 import StrictUndefined, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment

ROOT = Path(__file__).resolve().parents[3]
KIT = ROOT / "awx"
BIN = Path(sys.executable).parent
NAME = r"^[a-zA-Z_]+[a-zA-Z0-9_]*$"

INPUTS_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "required": {"type": "array", "items": {"type": "string"}},
        "fields": {"type": "array", "items": {
            "type": "object",
            "additionalProperties": False,
            "required": ["id", "label"],
            "properties": {
                "id": {"type": "string", "pattern": NAME},
                "label": {"type": "string"},
                "type": {"enum": ["string", "boolean"]},
                "format": {"enum": ["ssh_private_key", "url"]},
                "choices": {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"type": "string"}},
                "help_text": {"type": "string"},
                "multiline": {"type": "boolean"},
                "secret": {"type": "boolean"},
                "ask_at_runtime": {"type": "boolean"},
                "default": {},
            },
        }},
    },
}
INJECTORS_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "file": {"type": "object", "additionalProperties": False,
                 "patternProperties": {r"^template(\.[a-zA-Z_]+[a-zA-Z0-9_]*)?$": {"type": "string"}}},
        "env": {"type": "object", "additionalProperties": False,
                "patternProperties": {NAME: {"type": "string", "pattern": "^[\x00-\x7f]*$"}}},
        "extra_vars": {"type": "object", "additionalProperties": False,
                       "patternProperties": {r"^[a-zA-Z_\{\}]+[a-zA-Z0-9_\{\}]*$": {}}},
    },
}
# Variables AWX refuses in an env injector (besides every ANSIBLE_* one): they steer the job itself.
ENV_REFUSED = {"VIRTUAL_ENV", "PATH", "PYTHONPATH", "JOB_ID", "INVENTORY_ID", "INVENTORY_SOURCE_ID",
               "INVENTORY_UPDATE_ID", "AD_HOC_COMMAND_ID", "REST_API_URL", "REST_API_TOKEN", "MAX_EVENT_RES",
               "CALLBACK_QUEUE", "CALLBACK_CONNECTION", "CACHE", "JOB_CALLBACK_DEBUG", "INVENTORY_HOSTVARS",
               "AWX_HOST", "PROJECT_REVISION", "SUPERVISOR_CONFIG_PATH"}

# Each credential type injects exactly what the modules of its family read (plugins/module_utils/_api/module.py's
# env fallbacks; boto3's variables for AWS), so a job needs no credential variable at all.
EXPECTED_ENV = {
    "dc_admin_password.yml": {"ATLASSIAN_DC_USER", "ATLASSIAN_DC_PASSWORD"},
    "dc_admin_token.yml": {"ATLASSIAN_DC_TOKEN"},
    "org_api_key.yml": {"ATLASSIAN_ORG_ID", "ATLASSIAN_ORG_API_KEY", "ATLASSIAN_API_URL"},
    "scim_directory_key.yml": {"ATLASSIAN_SCIM_DIRECTORY_ID", "ATLASSIAN_SCIM_API_KEY", "ATLASSIAN_API_URL"},
    "aws_byok_key.yml": {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"},
}
SECRET_ENV = {"ATLASSIAN_DC_PASSWORD", "ATLASSIAN_DC_TOKEN", "ATLASSIAN_ORG_API_KEY", "ATLASSIAN_SCIM_API_KEY",
              "AWS_SECRET_ACCESS_KEY"}


def awx_problems(definition):
    """What AWX would refuse in a custom credential type, as a list of messages (empty when it would accept it)."""
    problems = []
    if definition.get("kind") not in ("cloud", "net"):
        problems.append("kind must be cloud or net")
    inputs, injectors = definition.get("inputs", {}), definition.get("injectors", {})
    for schema, value, what in ((INPUTS_SCHEMA, inputs, "inputs"), (INJECTORS_SCHEMA, injectors, "injectors")):
        problems += ["%s: %s" % (what, e.message) for e in jsonschema.Draft7Validator(schema).iter_errors(value)]
    if problems:
        return problems
    ids = [field["id"] for field in inputs.get("fields", [])]
    if "tower" in ids:
        problems.append("tower is a reserved field name")
    if len(ids) != len(set(ids)):
        problems.append("field IDs must be unique")
    for field in inputs.get("fields", []):
        kind = field.get("type", "string")
        if "default" in field and not isinstance(field["default"], {"string": str, "boolean": bool}[kind]):
            problems.append("%s: default is not a %s" % (field["id"], kind))
        for key in ("choices", "multiline", "format", "secret"):
            if key in field and kind != "string":
                problems.append("%s: %s not allowed for %s" % (field["id"], key, kind))
    problems += ["required names an undefined field: %s" % r for r in inputs.get("required", []) if r not in ids]
    for name in injectors.get("env", {}):
        if name.startswith("ANSIBLE_") or name in ENV_REFUSED:
            problems.append("environment variable %s is not allowed" % name)
    # Templates may only use the defined fields (and `tower.filename` with a file injector).
    namespace = {name: "EXAMPLE" for name in ids}
    templates = list(injectors.get("env", {}).values()) + list(injectors.get("file", {}).values())
    templates += [v for v in injectors.get("extra_vars", {}).values() if isinstance(v, str)]
    for template in templates:
        try:
            ImmutableSandboxedEnvironment(undefined=StrictUndefined).from_string(template).render(namespace)
        except UndefinedError as exc:
            problems.append("template %r uses an undefined field (%s)" % (template, exc))
    return problems


def load(name):
    return yaml.safe_load((KIT / "credential_types" / name).read_text(encoding="utf-8"))


def test_the_kit_has_one_credential_type_per_credential_family():
    assert sorted(p.name for p in (KIT / "credential_types").glob("*.yml")) == sorted(EXPECTED_ENV)


@pytest.mark.parametrize("name", sorted(EXPECTED_ENV))
def test_awx_accepts_the_credential_type(name):
    assert awx_problems(load(name)) == []


@pytest.mark.parametrize("name", sorted(EXPECTED_ENV))
def test_the_credential_type_injects_what_the_modules_read(name):
    definition = load(name)
    env = definition["injectors"]["env"]
    assert set(env) == EXPECTED_ENV[name]
    secret_fields = {f["id"] for f in definition["inputs"]["fields"] if f.get("secret")}
    for variable, template in env.items():
        field = template.strip("{} ")
        # Secrets come from secret fields (AWX hides those), and every injected field is required: AWX injects
        # every variable even when its field is empty, and an empty value would reach the modules.
        assert (variable in SECRET_ENV) == (field in secret_fields), variable
        assert field in definition["inputs"]["required"], variable


@pytest.mark.parametrize("broken, message", [
    ({"kind": "ssh"}, "kind must be cloud or net"),
    ({"inputs": {"fields": [{"id": "tower", "label": "x"}]}}, "tower is a reserved field name"),
    ({"inputs": {"fields": [{"id": "x", "label": "x", "type": "boolean", "secret": True}]}}, "secret not allowed"),
    ({"injectors": {"env": {"ANSIBLE_CONFIG": "{{ org_id }}"}}}, "ANSIBLE_CONFIG is not allowed"),
    ({"injectors": {"env": {"ATLASSIAN_ORG_ID": "{{ organisation }}"}}}, "undefined field"),
    ({"injectors": {"env": {"1X": "{{ org_id }}"}}}, "injectors:"),
])
def test_the_validation_refuses_what_awx_refuses(broken, message):
    definition = dict(load("org_api_key.yml"), **broken)
    assert any(message in problem for problem in awx_problems(definition)), awx_problems(definition)


@pytest.fixture(scope="module")
def collection_tarball(tmp_path_factory):
    out = tmp_path_factory.mktemp("build")
    subprocess.run([str(BIN / "ansible-galaxy"), "collection", "build", "--output-path", str(out), str(ROOT)],
                   check=True, capture_output=True, timeout=300)
    return next(out.glob("dcops-atlassian_cloud-*.tar.gz"))


def test_ansible_builder_creates_a_context_with_the_collection(tmp_path, collection_tarball):
    version = yaml.safe_load((ROOT / "galaxy.yml").read_text(encoding="utf-8"))["version"]
    source = tmp_path / "source"
    shutil.copytree(KIT, source)
    shutil.copy(collection_tarball, source)
    context = tmp_path / "context"
    created = subprocess.run([str(BIN / "ansible-builder"), "create", "-f", str(source / "execution-environment.yml"),
                              "--context", str(context)], capture_output=True, text=True, timeout=300, check=False)
    assert created.returncode == 0, created.stdout + created.stderr
    assert (context / "_build" / "collections" / ("dcops-atlassian_cloud-%s.tar.gz" % version)).exists()
    requirements = yaml.safe_load((context / "_build" / "requirements.yml").read_text(encoding="utf-8"))
    assert requirements["collections"] == [{"name": "collections/dcops-atlassian_cloud-%s.tar.gz" % version,
                                            "type": "file"}]
    build_file = (context / "Containerfile" if (context / "Containerfile").exists() else context / "Dockerfile")
    steps = build_file.read_text(encoding="utf-8")
    assert "ansible-galaxy collection install" in steps and "introspect" in steps


def test_the_image_gets_the_controller_side_needs_only(tmp_path, collection_tarball):
    """What ansible-builder's introspection (its builder stage) collects from the installed collection."""
    installed = tmp_path / "collections"
    subprocess.run([str(BIN / "ansible-galaxy"), "collection", "install", "--force", "-p", str(installed),
                    str(collection_tarball)], check=True, capture_output=True, timeout=300)
    found = subprocess.run([str(BIN / "ansible-builder"), "introspect", "--sanitize", str(installed)],
                           capture_output=True, text=True, check=True, timeout=120).stdout
    sections = yaml.safe_load(found)
    python = {line.split(">")[0].split("=")[0].split("#")[0].strip() for line in sections["python"]}
    system = {line.split()[0] for line in sections["system"]}
    assert python == {"httpx", "boto3", "ldap3"}, found
    assert {"openssh-client", "openssh-clients"} <= system
    assert not {"nftables", "iptables", "lxml"} & (python | system)


def _controller_tasks():
    return yaml.safe_load((KIT / "configure_controller.yml").read_text(encoding="utf-8"))[0]["tasks"]


@pytest.fixture(scope="module")
def awx_module_docs():
    collections = ROOT / ".build" / "awx-collections"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "install_awx_collection.py")], check=True, timeout=600)
    names = sorted({key for task in _controller_tasks() for key in task if key.startswith("awx.awx.")})
    shown = subprocess.run([str(BIN / "ansible-doc"), "--json", "-t", "module", *names], capture_output=True, text=True,
                           check=True, timeout=120, env={"ANSIBLE_COLLECTIONS_PATH": str(collections), "PATH": ""})
    return {name: entry["doc"]["options"] for name, entry in json.loads(shown.stdout).items()}


def test_the_controller_playbook_uses_the_awx_modules_as_documented(awx_module_docs):
    for task in _controller_tasks():
        module = next(key for key in task if key.startswith("awx.awx."))
        unknown = set(task[module]) - set(awx_module_docs[module])
        assert unknown == set(), (task["name"], unknown)
    templates = next(t for t in _controller_tasks() if "awx.awx.job_template" in t)
    playbooks = {item["playbook"] for item in templates["loop"]}
    assert playbooks == {p.name for p in (KIT / "project").glob("*.yml")}
    assert {"connect_data_center.yml", "rotate_connector_credentials.yml", "disable_connector.yml", "dc_info.yml",
            "migration_preflight.yml", "sync_groups.yml"} == playbooks
    # the flatten-and-sync runs on a schedule, one run at a time
    assert templates["awx.awx.job_template"]["allow_simultaneous"] is False
    schedule = next(t for t in _controller_tasks() if "awx.awx.schedule" in t)["awx.awx.schedule"]
    names = {item["name"]: item["playbook"] for item in templates["loop"]}
    assert names[schedule["unified_job_template"]] == "sync_groups.yml"
    for item in templates["loop"]:
        for question in item.get("survey", {}).get("spec", []):
            assert question["default"] in question["choices"], question["variable"]

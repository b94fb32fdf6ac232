"""The bad-input catalogue: every module, given a bad input (types, choices, empty and malformed values, paths
that are directories, symlinks, missing; sizes past documented limits; unknown references; conflicting options),
fails with one clear line, no traceback, in bounded time, and writes nothing (sandbox state, files, rule set,
stack unchanged).

Each case is (module, build(ctx) -> args, expected text of the message[, check_mode]). `ctx` has the sandbox,
a scratch directory with a few prepared files, and helpers for connection parameters.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest


SECONDS = 30  # every case ends well within this (the slowest are TLS or refused-port failures, not retried)
SERVER_XML = Path(__file__).resolve().parents[2] / "unit" / "tomcat" / "files" / "jira_server.xml"


class Ctx:
    def __init__(self, sandbox, tmp):
        self.sandbox = sandbox
        self.tmp = tmp
        (tmp / "dir").mkdir()
        (tmp / "plain.txt").write_text("not a certificate\n")
        (tmp / "bad.yml").write_text("groups: {Eng: [unclosed\n")
        (tmp / "bad.json").write_text("{not json")
        (tmp / "empty.json").write_text('{"client_id": "x"}')
        (tmp / "server.xml").write_bytes(SERVER_XML.read_bytes())
        (tmp / "notxml.xml").write_text("<Server><Service>")
        (tmp / "dangling.xml").symlink_to(tmp / "gone.xml")
        (tmp / "emails.csv").write_text("email\nnot-an-email\n")

    def dc(self, **extra):
        return self.sandbox.dc_params("jira", **extra)

    def dc_token(self, token, **extra):
        args = self.sandbox.dc_params("jira", **extra)
        args.pop("user")
        args.pop("password")
        args["token"] = token
        return args

    def cloud(self, **extra):
        return self.sandbox.cloud_params(**extra)

    def scim(self, **extra):
        return self.sandbox.scim_params(**extra)


def p(ctx, name):
    return str(ctx.tmp / name)


# -- connection options, the same for every REST module ---------------------------------------------------------
def http_cases(family, url_option, operation):
    """The options every connection family shares: base URL, CA file, timeouts, api_overrides, TLS trust.
    `family(ctx)` gives the family's valid parameters (Ctx.dc, Ctx.cloud)."""
    def bad(**extra):
        return lambda c: dict(family(c), **extra)

    return [
        (url_option + "_unclosed_ipv6", bad(**{url_option: "https://[::1"}), "is not a valid URL"),
        (url_option + "_ftp", bad(**{url_option: "ftp://localhost"}), "expected http:// or https://"),
        (url_option + "_empty", bad(**{url_option: ""}), url_option + " is empty"),
        (url_option + "_no_host", bad(**{url_option: "https://"}), "names no host"),
        (url_option + "_port_zero", bad(**{url_option: "https://localhost:0"}), "port 0"),
        (url_option + "_bad_port", bad(**{url_option: "https://localhost:99999"}), "is not a valid URL"),
        (url_option + "_space", bad(**{url_option: "https://local host"}), "white space"),
        (url_option + "_credentials", bad(**{url_option: "https://u:p@localhost"}), "carries credentials"),
        (url_option + "_query", bad(**{url_option: "https://localhost/?x=1"}), "query or fragment"),
        ("ca_missing", lambda c: dict(family(c), ca_path=p(c, "missing.pem")), "does not exist"),
        ("ca_directory", lambda c: dict(family(c), ca_path=p(c, "dir")), "is not a regular file"),
        ("ca_not_pem", lambda c: dict(family(c), ca_path=p(c, "plain.txt")), "holds no PEM certificate"),
        ("timeout_negative", bad(timeout=-1), "timeout must be more than 0"),
        ("timeout_zero", bad(timeout=0), "timeout must be more than 0"),
        ("timeout_not_a_number", bad(timeout="soon"), "timeout"),
        ("retry_negative", bad(retry_max_time=-1), "retry_max_time"),
        ("override_relative", bad(api_overrides={operation: "rest/x"}), "must be a path starting with /"),
        ("override_unknown", bad(api_overrides={"no.such.operation": "/x"}), "unknown operations"),
        ("override_not_string", bad(api_overrides={operation: 7}), "must be a path"),
        ("untrusted_certificate", bad(ca_path=None), "TLS certificate verification failed"),
        ("validate_certs_not_bool", bad(validate_certs="perhaps"), "validate_certs"),
    ]


DC_CONNECTION = http_cases(Ctx.dc, "url", "jira.server_info") + [
    ("token_empty", lambda c: c.dc_token(""), "token is empty"),
    ("token_newline", lambda c: c.dc_token("pat-123\n"), "stray newline"),
    ("token_and_password", lambda c: c.dc(token="pat"), "mutually exclusive"),
    ("user_without_password", lambda c: {k: v for k, v in c.dc().items() if k != "password"}, "password"),
]
CLOUD_CONNECTION = http_cases(Ctx.cloud, "api_url", "cloud.org") + [
    ("org_id_empty", lambda c: c.cloud(org_id=""), "org_id is empty"),
    ("org_id_slash", lambda c: c.cloud(org_id="a/b"), "bare ID"),
    ("api_key_empty", lambda c: c.cloud(api_key=""), "api_key is empty"),
    ("api_key_newline", lambda c: c.cloud(api_key="sandbox-org-api-key\n"), "stray newline"),
    ("api_key_space", lambda c: c.cloud(api_key="two words"), "white space"),
]

REST_MODULES = {
    "dc_info": ({}, DC_CONNECTION),
    "dc_allowlist": ({"rules": [{"expression": "https://example.com"}]}, DC_CONNECTION),
    "dc_app": ({"key": "com.example.app"}, DC_CONNECTION),
    "dc_cloud_connector": ({}, DC_CONNECTION),
    "org_info": ({}, CLOUD_CONNECTION),
    "org_connector": ({"base_url": "https://jira.example.com", "name": "x", "credentials_dest": "/tmp/unused.json"},
                      CLOUD_CONNECTION),
    "auth_policy": ({"name": "Employees"}, CLOUD_CONNECTION),
    "auth_policy_export": ({"policy": "Employees", "dest": "/tmp/unused-export.csv"}, CLOUD_CONNECTION),
    "auth_policy_members": ({"policy": "Employees", "members": ["alice@example.com"]}, CLOUD_CONNECTION),
    "group_sync": ({"groups": {"g": ["alice@example.com"]}, "target": "groups_api",
                    "directory_id": "d"}, CLOUD_CONNECTION),
}


def _connection_cases():
    for module, (base, cases) in sorted(REST_MODULES.items()):
        for name, build, expected in cases:
            def args(c, build=build, base=base):
                return dict(build(c), **base)
            yield pytest.param(module, args, expected, False, id="%s-%s" % (module, name))


def case(module, name, build, expected, check_mode=False):
    return pytest.param(module, build, expected, check_mode, id="%s-%s" % (module, name))


def tomcat(c, **extra):
    return dict({"path": p(c, "server.xml"), "attributes": {"secure": True}}, **extra)


def egress(c, **extra):
    return dict({"name": "cat", "destinations": ["192.0.2.10"], "backend": "nftables",
                 "persist_path": p(c, "egress.nft")}, **extra)


def connector(c, **extra):
    args = c.cloud(base_url="https://j.example.com", name="j", credentials_dest=p(c, "c.json"))
    args.update(extra)
    return dict((k, v) for k, v in args.items() if v is not None)


def export(c, **extra):
    return dict(c.cloud(policy="Employees", dest=p(c, "x.csv")), **extra)


def members(c, **extra):
    return dict(c.cloud(policy="Employees", members=["a@example.com"]), **extra)


def byok(c, **extra):
    return dict({"endpoint_url": "http://127.0.0.1:9", "region": "us-east-1", "access_key": "AKIDCATALOGUE",
                 "secret_key": "catalogue-secret"}, **extra)


def flatten(c, data=None, **extra):
    return dict({"source": "yaml", "yaml_data": data if data is not None else {"groups": {"G": {"users": ["a"]}}}},
                **extra)


def sync(c, groups, **extra):
    return dict(c.scim(groups=groups), **extra)


def preflight(c, **extra):
    instance = {"name": "jira", "product": "jira", "url": c.sandbox.url("jira"), "user": "sandbox-admin",
                "password": "sandbox-admin-password", "ca_path": c.sandbox.ca_path}
    instance.update(extra.pop("instance", {}))
    return dict({"instances": [instance]}, **extra)


SPECIFIC = [
    # tomcat_connector
    case("tomcat_connector", "missing", lambda c: tomcat(c, path=p(c, "missing.xml")), "does not exist"),
    case("tomcat_connector", "directory", lambda c: tomcat(c, path=p(c, "dir")), "is not a regular file"),
    case("tomcat_connector", "dangling_symlink", lambda c: tomcat(c, path=p(c, "dangling.xml")), "which does not exist"),
    case("tomcat_connector", "not_xml", lambda c: tomcat(c, path=p(c, "notxml.xml")), "notxml.xml"),
    case("tomcat_connector", "no_such_port", lambda c: tomcat(c, port=1), "connector"),
    case("tomcat_connector", "no_such_protocol", lambda c: tomcat(c, protocol="SPDY/9"), "connector"),
    case("tomcat_connector", "validate_without_placeholder", lambda c: tomcat(c, validate="/bin/true"), "%s"),
    case("tomcat_connector", "validate_fails", lambda c: tomcat(c, validate="/bin/false %s"), "validation"),
    case("tomcat_connector", "port_attribute_not_a_port", lambda c: tomcat(c, attributes={"port": "http"}), "port"),
    case("tomcat_connector", "proxy_port_out_of_range", lambda c: tomcat(c, attributes={"proxyPort": 70000}),
         "proxyPort"),
    case("tomcat_connector", "attributes_not_a_dict", lambda c: tomcat(c, attributes=7), "unable to convert to dict"),
    case("tomcat_connector", "port_not_int", lambda c: tomcat(c, port="eighty"), "port"),
    case("tomcat_connector", "backup_not_bool", lambda c: tomcat(c, backup="sometimes"), "backup"),
    case("tomcat_connector", "unknown_option", lambda c: tomcat(c, colour="blue"), "colour"),
    # app_tunnel_info: tomcat_connector's read and plan, and the listener's options
    case("app_tunnel_info", "missing", lambda c: tomcat(c, path=p(c, "missing.xml")), "does not exist"),
    case("app_tunnel_info", "directory", lambda c: tomcat(c, path=p(c, "dir")), "is not a regular file"),
    case("app_tunnel_info", "not_xml", lambda c: tomcat(c, path=p(c, "notxml.xml")), "notxml.xml"),
    case("app_tunnel_info", "no_such_port", lambda c: tomcat(c, port=1), "connector"),
    case("app_tunnel_info", "proxy_port_out_of_range", lambda c: tomcat(c, attributes={"proxyPort": 70000}),
         "proxyPort"),
    case("app_tunnel_info", "listener_timeout_not_int", lambda c: tomcat(c, listener_timeout="soon"),
         "listener_timeout"),
    case("app_tunnel_info", "check_listener_not_bool", lambda c: tomcat(c, check_listener="maybe"), "check_listener"),
    # egress_rule (check mode: nothing reaches the host's firewall even if a case were wrong)
    case("egress_rule", "name_with_space", lambda c: egress(c, name="bad name"), "is not valid", True),
    case("egress_rule", "name_too_long", lambda c: egress(c, name="x" * 16), "is not valid", True),
    case("egress_rule", "name_empty", lambda c: egress(c, name=""), "is not valid", True),
    case("egress_rule", "port_zero", lambda c: egress(c, port=0), "out of range", True),
    case("egress_rule", "port_too_big", lambda c: egress(c, port=70000), "out of range", True),
    case("egress_rule", "no_destinations", lambda c: egress(c, destinations=[]), "at least one entry", True),
    case("egress_rule", "bad_address", lambda c: egress(c, destinations=["10.0.0.300"]), "not a valid address", True),
    case("egress_rule", "bad_prefix", lambda c: egress(c, destinations=["10.0.0.0/33"]), "not a valid address", True),
    case("egress_rule", "host_bits_set", lambda c: egress(c, destinations=["10.0.0.1/8"]), "not a valid", True),
    case("egress_rule", "not_a_host_name", lambda c: egress(c, destinations=["exa mple!"]), "neither an address", True),
    case("egress_rule", "ipv6_only_with_ipv4", lambda c: egress(c, ip_version="ipv6"), "is IPv6", True),
    case("egress_rule", "ipv4_only_with_ipv6", lambda c: egress(c, ip_version="ipv4", destinations=["2001:db8::1"]),
         "is IPv4", True),
    case("egress_rule", "zone_id", lambda c: egress(c, destinations=["fe80::1%eth0"], ip_version="ipv6"), "zone id",
         True),
    case("egress_rule", "persist_path_directory", lambda c: egress(c, persist_path=p(c, "dir")), "is a directory",
         True),
    case("egress_rule", "persist_path_under_file", lambda c: egress(c, persist_path=p(c, "plain.txt") + "/x.nft"),
         "is not a directory", True),
    case("egress_rule", "protocol_choice", lambda c: egress(c, protocol="icmp"), "protocol", True),
    case("egress_rule", "backend_choice", lambda c: egress(c, backend="pf"), "backend", True),
    case("egress_rule", "ip_version_choice", lambda c: egress(c, ip_version="ipv5"), "ip_version", True),
    case("egress_rule", "state_choice", lambda c: egress(c, state="gone"), "state", True),
    case("egress_rule", "destinations_not_list", lambda c: egress(c, destinations={"a": 1}), "destinations", True),
    # byok_role (endpoint on a closed port: nothing can be created)
    case("byok_role", "endpoint_not_a_url", lambda c: byok(c, endpoint_url="not a url"), "white space"),
    case("byok_role", "endpoint_ftp", lambda c: byok(c, endpoint_url="ftp://127.0.0.1"), "http://"),
    case("byok_role", "endpoint_unclosed_ipv6", lambda c: byok(c, endpoint_url="https://[::1"), "not a valid URL"),
    case("byok_role", "state_absent_refused", lambda c: byok(c, state="absent"), "stack"),
    case("byok_role", "state_choice", lambda c: byok(c, state="deleted"), "state"),
    case("byok_role", "key_without_secret", lambda c: {k: v for k, v in byok(c).items() if k != "secret_key"},
         "required together"),
    case("byok_role", "account_not_digits", lambda c: byok(c, key_management_account="abc"), "account"),
    case("byok_role", "template_url_not_s3", lambda c: byok(c, template_url="not a url"), "template"),
    case("byok_role", "wait_timeout_not_int", lambda c: byok(c, wait_timeout="long"), "wait_timeout"),
    case("byok_role", "unreachable_endpoint", lambda c: byok(c, require_mfa=False), "AWS"),
    # group_flatten
    case("group_flatten", "yaml_file_missing", lambda c: {"source": "yaml", "yaml_file": p(c, "none.yml")},
         "No such file"),
    case("group_flatten", "yaml_file_directory", lambda c: {"source": "yaml", "yaml_file": p(c, "dir")},
         "is a directory"),
    case("group_flatten", "yaml_malformed", lambda c: {"source": "yaml", "yaml_file": p(c, "bad.yml")},
         "not valid YAML"),
    case("group_flatten", "int_user", lambda c: flatten(c, {"groups": {"G": {"users": [42]}}}), "non-empty strings"),
    case("group_flatten", "empty_user", lambda c: flatten(c, {"groups": {"G": {"users": [""]}}}),
         "non-empty strings"),
    case("group_flatten", "unknown_nested_group",
         lambda c: flatten(c, {"groups": {"Eng": {"groups": ["Frontnd"]}, "Frontend": {"users": ["f"]}}}),
         "Eng -> Frontnd"),
    case("group_flatten", "groups_not_mapping", lambda c: flatten(c, {"groups": ["G"]}), "mapping"),
    case("group_flatten", "unknown_top_level", lambda c: flatten(c, {"groups": {}, "people": {}}), "people"),
    case("group_flatten", "group_is_list", lambda c: flatten(c, {"groups": {"G": ["a"]}}), "mapping"),
    case("group_flatten", "group_unknown_key", lambda c: flatten(c, {"groups": {"G": {"members": ["a"]}}}),
         "unknown keys"),
    case("group_flatten", "users_not_list", lambda c: flatten(c, {"groups": {"G": {"users": "a"}}}), "list"),
    case("group_flatten", "user_attributes_not_mapping",
         lambda c: flatten(c, {"groups": {"G": {"users": ["a"]}}, "users": {"a": "a@example.com"}}), "mappings"),
    case("group_flatten", "cycle", lambda c: flatten(c, {"groups": {"A": {"groups": ["B"]}, "B": {"groups": ["A"]}}}),
         "cycle"),
    case("group_flatten", "on_cycle_choice", lambda c: flatten(c, on_cycle="ignore"), "on_cycle"),
    case("group_flatten", "file_and_data", lambda c: flatten(c, yaml_file=p(c, "bad.yml")), "mutually exclusive"),
    case("group_flatten", "source_choice", lambda c: {"source": "csv"}, "source"),
    case("group_flatten", "synced_without_target", lambda c: flatten(c, state="synced"), "target"),
    case("group_flatten", "report_choice", lambda c: flatten(c, report=["everything"]), "report"),
    case("group_flatten", "ldap_without_options", lambda c: {"source": "ldap"}, "ldap"),
    case("group_flatten", "ldap_page_size_zero",
         lambda c: {"source": "ldap", "ldap": {"server_uri": "ldap://127.0.0.1:9", "base_dn": "dc=example,dc=com",
                                               "page_size": 0}}, "page_size must be 1 or more"),
    case("group_flatten", "crowd_without_options", lambda c: {"source": "crowd"}, "crowd"),
    # group_sync
    case("group_sync", "int_member", lambda c: sync(c, {"g": [42]}), "non-empty strings"),
    case("group_sync", "dict_member", lambda c: sync(c, {"g": [{"email": "a@example.com"}]}), "non-empty strings"),
    case("group_sync", "empty_member", lambda c: sync(c, {"g": [""]}), "non-empty strings"),
    case("group_sync", "members_not_list", lambda c: sync(c, {"g": "a@example.com"}), "not a list"),
    case("group_sync", "groups_not_dict", lambda c: sync(c, ["g"]), "groups"),
    case("group_sync", "batch_size_zero", lambda c: sync(c, {"g": ["a@example.com"]}, batch_size=0), "batch_size"),
    case("group_sync", "removal_share_above_one", lambda c: sync(c, {"g": ["a@example.com"]}, max_removal_share=2),
         "max_removal_share"),
    case("group_sync", "target_choice", lambda c: sync(c, {"g": []}, target="ldap"), "target"),
    case("group_sync", "scim_without_key",
         lambda c: {k: v for k, v in sync(c, {"g": []}).items() if k != "directory_api_key"}, "directory_api_key"),
    case("group_sync", "scim_key_empty", lambda c: sync(c, {"g": []}, directory_api_key=""), "directory_api_key"),
    case("group_sync", "scim_directory_empty", lambda c: sync(c, {"g": []}, directory_id=""), "directory_id is empty"),
    case("group_sync", "scim_url_bad", lambda c: sync(c, {"g": []}, api_url="https://[::1"), "is not a valid URL"),
    # org_connector
    case("org_connector", "dest_directory", lambda c: connector(c, credentials_dest=p(c, "dir")), "is a directory"),
    case("org_connector", "dest_under_file", lambda c: connector(c, credentials_dest=p(c, "plain.txt") + "/c.json"),
         "is not a directory"),
    case("org_connector", "present_without_name", lambda c: connector(c, name=None), "name"),
    case("org_connector", "no_base_url_or_id", lambda c: c.cloud(state="rotated"), "base_url"),
    case("org_connector", "return_credentials_without_no_log",
         lambda c: connector(c, credentials_dest=None, return_credentials=True), "no_log"),
    case("org_connector", "no_credentials_destination", lambda c: connector(c, credentials_dest=None), "would be lost"),
    case("org_connector", "base_url_malformed", lambda c: connector(c, base_url="https://[::1"), "not a valid URL"),
    case("org_connector", "connector_id_empty", lambda c: connector(c, base_url=None, connector_id=" ", state="rotated"),
         "connector_id"),
    case("org_connector", "unknown_connector", lambda c: connector(c, base_url=None, connector_id="nope",
                                                                   state="rotated"), "No organization"),
    case("org_connector", "wait_interval_zero", lambda c: connector(c, wait_interval=0), "wait_interval"),
    case("org_connector", "wait_timeout_negative", lambda c: connector(c, wait_timeout=-1), "wait_timeout"),
    case("org_connector", "state_choice", lambda c: connector(c, state="deleted"), "state"),
    case("org_connector", "wait_for_choice", lambda c: connector(c, wait_for="happy"), "wait_for"),
    # dc_cloud_connector
    case("dc_cloud_connector", "credentials_file_missing", lambda c: c.dc(credentials_file=p(c, "none.json")),
         "cannot read"),
    case("dc_cloud_connector", "credentials_file_directory", lambda c: c.dc(credentials_file=p(c, "dir")),
         "cannot read"),
    case("dc_cloud_connector", "credentials_file_not_json", lambda c: c.dc(credentials_file=p(c, "bad.json")),
         "is not JSON"),
    case("dc_cloud_connector", "credentials_file_incomplete", lambda c: c.dc(credentials_file=p(c, "empty.json")),
         "client_secret"),
    case("dc_cloud_connector", "client_id_without_secret", lambda c: c.dc(client_id="cc"), "client_secret"),
    case("dc_cloud_connector", "wait_for_choice", lambda c: c.dc(wait_for="soon"), "wait_for"),
    # dc_allowlist
    case("dc_allowlist", "rule_type_choice", lambda c: c.dc(rules=[{"expression": "x", "type": "planet"}]), "type"),
    case("dc_allowlist", "rule_without_expression", lambda c: c.dc(rules=[{"type": "domain"}]), "expression"),
    # ansible-core's own message for a non-dict list element does not name the option; it is one clean line.
    case("dc_allowlist", "rules_not_list", lambda c: c.dc(rules="https://example.com"), "dictionary requested"),
    case("dc_allowlist", "state_choice", lambda c: c.dc(state="gone"), "state"),
    case("dc_allowlist", "rule_unknown_key", lambda c: c.dc(rules=[{"expression": "x", "colour": "red"}]), "colour"),
    # dc_app
    case("dc_app", "version_match_choice", lambda c: c.dc(key="k", version_match="around"), "version_match"),
    case("dc_app", "state_choice", lambda c: c.dc(key="k", state="gone"), "state"),
    case("dc_app", "key_missing", lambda c: c.dc(), "key"),
    case("dc_app", "key_empty", lambda c: c.dc(key="  ", state="absent"), "key is empty"),
    # dc_info
    case("dc_info", "require_cloud_connector_not_bool", lambda c: c.dc(require_cloud_connector="maybe"),
         "require_cloud_connector"),
    case("dc_info", "old_product_for_cloud_connector",
         lambda c: c.sandbox.dc_params("jira-old", require_cloud_connector=True), "10.2.0"),
    case("dc_info", "allowlist_rule_the_form_rejects",
         lambda c: c.dc(allowlist_rules=[{"expression": "portal.example.com", "type": "exact"}]), "absolute URL"),
    case("dc_info", "allowlist_rule_type_choice", lambda c: c.dc(allowlist_rules=[{"expression": "x", "type": "planet"}]),
         "type"),
    # org_info
    case("org_info", "gather_choice", lambda c: c.cloud(gather=["everything"]), "gather"),
    case("org_info", "unknown_org", lambda c: c.cloud(org_id="no-such-org"), "no-such-org"),
    # auth_policy
    case("auth_policy", "state_choice", lambda c: c.cloud(name="P", state="gone"), "state"),
    case("auth_policy", "type_choice", lambda c: c.cloud(name="P", type="free"), "type"),
    case("auth_policy", "sso_without_enforced", lambda c: c.cloud(name="P", settings={"sso": {}}), "enforced"),
    case("auth_policy", "two_step_choice", lambda c: c.cloud(name="P", settings={"two_step": "maybe"}), "two_step"),
    case("auth_policy", "settings_not_dict", lambda c: c.cloud(name="P", settings="strict"), "dictionary requested"),
    case("auth_policy", "absent_default_policy", lambda c: c.cloud(name="Default policy", state="absent"), "default"),
    # auth_policy_export
    case("auth_policy_export", "dest_directory", lambda c: export(c, dest=p(c, "dir")), "is a directory"),
    case("auth_policy_export", "dest_parent_missing", lambda c: export(c, dest=p(c, "missing") + "/x.csv"),
         "does not exist"),
    case("auth_policy_export", "page_size_zero", lambda c: export(c, page_size=0), "page_size"),
    case("auth_policy_export", "page_size_negative", lambda c: export(c, page_size=-1), "page_size"),
    case("auth_policy_export", "page_size_past_limit", lambda c: export(c, page_size=5000), "page_size"),
    case("auth_policy_export", "policy_empty", lambda c: export(c, policy=" "), "policy"),
    case("auth_policy_export", "policy_unknown", lambda c: export(c, policy="No Such Policy"), "No Such Policy"),
    # auth_policy_members
    case("auth_policy_members", "members_csv_missing",
         lambda c: dict(c.cloud(policy="Employees", members_csv=p(c, "none.csv"))), "none.csv"),
    case("auth_policy_members", "members_and_csv", lambda c: members(c, members_csv=p(c, "emails.csv")), "members"),
    case("auth_policy_members", "invalid_email", lambda c: members(c, members=["not-an-email"]), "not email addresses"),
    case("auth_policy_members", "mode_choice", lambda c: members(c, mode="turbo"), "mode"),
    case("auth_policy_members", "policy_unknown", lambda c: members(c, policy="Nope"), "Nope"),
    case("auth_policy_members", "batch_size_zero", lambda c: members(c, batch_size=0), "batch_size"),
    case("auth_policy_members", "lookup_batch_size_zero", lambda c: members(c, lookup_batch_size=0),
         "lookup_batch_size must be 1 or more"),
    # migration_preflight
    case("migration_preflight", "report_dir_missing", lambda c: preflight(c, report_html=p(c, "none") + "/r.html"),
         "does not exist"),
    case("migration_preflight", "report_html_directory", lambda c: preflight(c, report_html=p(c, "dir")),
         "is a directory"),
    case("migration_preflight", "group_limit_zero", lambda c: preflight(c, instance={"group_limit": 0}),
         "group_limit must be 1 or more"),
    case("migration_preflight", "duplicate_names",
         lambda c: dict(instances=preflight(c)["instances"] * 2), "unique"),
    case("migration_preflight", "product_choice", lambda c: preflight(c, instance={"product": "bamboo"}), "product"),
    case("migration_preflight", "url_and_csv", lambda c: preflight(c, instance={"users_csv": p(c, "emails.csv")}),
         "mutually exclusive"),
    case("migration_preflight", "users_csv_missing",
         lambda c: {"instances": [{"name": "j", "product": "jira", "users_csv": p(c, "none.csv")}]}, "none.csv"),
    case("migration_preflight", "url_malformed", lambda c: preflight(c, instance={"url": "https://[::1"}),
         "not a valid URL"),
    case("migration_preflight", "fail_on_choice", lambda c: preflight(c, fail_on=["everything"]), "fail_on"),
    case("migration_preflight", "instances_missing", lambda c: {}, "instances"),
]


def _durable(state):
    """The sandbox state without its rate-limit bookkeeping (a read counts against the window; it writes nothing)."""
    if isinstance(state, dict):
        return dict((k, _durable(v)) for k, v in state.items() if k != "rate_window")
    if isinstance(state, list):
        return [_durable(v) for v in state]
    return state


def _snapshot(root):
    found = {}
    for directory, _dirs, names in os.walk(root):
        for name in names:
            path = os.path.join(directory, name)
            if os.path.islink(path):
                found[path] = "-> " + os.readlink(path)
            else:
                with open(path, "rb") as handle:
                    found[path] = (hashlib.sha256(handle.read()).hexdigest(), os.stat(path).st_mode)
    return found


@pytest.mark.parametrize("module_name, build, expected, check_mode", list(_connection_cases()) + SPECIFIC)
def test_bad_input_fails_in_one_line_and_writes_nothing(sandbox, run_module, tmp_path, module_name, build, expected,
                                                        check_mode):
    ctx = Ctx(sandbox, tmp_path)
    args = build(ctx)
    state_before, files_before = _durable(sandbox.state()), _snapshot(tmp_path)
    started = time.monotonic()
    result = run_module(module_name, args, check_mode=check_mode)
    elapsed = time.monotonic() - started

    assert result.rc == 1 and result.get("failed"), result
    message = result["msg"]
    assert expected.lower() in message.lower(), message
    assert "\n" not in message and "Traceback" not in result.output and "exception" not in result, message
    assert elapsed < SECONDS
    assert _durable(sandbox.state()) == state_before
    assert _snapshot(tmp_path) == files_before

"""Benchmark: read + flatten + sync of one directory shape from Samba AD (behind AD's range rule) and OpenLDAP.

The shape is the Samba AD test domain (tests/integration/groups_ad/ad_domain.py): 3,000 users, `All Staff`
(3,000 members), `Contractors` (1,600), a nested diamond, `Everyone` over both, a cycle of three. The same
groups and users are loaded into slapd (groupOfNames/inetOrgPerson) so both sources are measured side by side;
the sync is the SCIM sync to the sandbox, every user existing in the cloud directory.

    .venv/bin/python tests/benchmarks/groups_ad/bench_ad_source.py            # needs root (network namespace)
"""

import importlib.util
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path[:0] = [str(ROOT / "tests" / "integration" / "groups_ad"), str(ROOT / "tests" / "sandbox"),
                str(ROOT / ".build" / "collections")]

import ad_domain  # noqa: E402

# the Slapd helper of the OpenLDAP tests (tests/integration/groups/conftest.py), loaded by path: two conftest modules
_SPEC = importlib.util.spec_from_file_location("openldap_conftest", ROOT / "tests" / "integration" / "groups" / "conftest.py")
openldap = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(openldap)
from atlassian_sandbox.areas.org_directory import initial_state, make_user  # noqa: E402
from sandbox_fixtures import SandboxHandle, start_sandbox  # noqa: E402

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.client import ApiClient  # noqa: E402
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._groups.flatten import flatten  # noqa: E402
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._groups.source_ldap import (  # noqa: E402
    LdapSettings,
    read_ldap,
)
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._groups_sync.identity import resolve_members  # noqa: E402
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._groups_sync.sync import sync_to_cloud  # noqa: E402

SUFFIX = openldap.SUFFIX


def openldap_ldif():
    """The AD test domain's users and groups as an OpenLDAP tree (all users enabled: no userAccountControl)."""
    entries = ["dn: %s\nobjectClass: dcObject\nobjectClass: organization\no: Example\ndc: example\n" % SUFFIX,
               "dn: ou=people,%s\nobjectClass: organizationalUnit\nou: people\n" % SUFFIX,
               "dn: ou=groups,%s\nobjectClass: organizationalUnit\nou: groups\n" % SUFFIX,
               "dn: %s\nobjectClass: person\nobjectClass: simpleSecurityObject\ncn: reader\nsn: reader\n"
               "userPassword: %s\n" % (openldap.READER_DN, openldap.READER_PASSWORD)]
    for i in range(ad_domain.USERS):
        entries.append("dn: uid=%s,ou=people,%s\nobjectClass: inetOrgPerson\nuid: %s\ncn: %s\nsn: %s\nmail: %s\n"
                       % (ad_domain.username(i), SUFFIX, ad_domain.username(i), ad_domain.username(i),
                          ad_domain.username(i), ad_domain.mail(i)))

    def group(name, users=(), groups=()):
        members = ["member: uid=%s,ou=people,%s" % (ad_domain.username(i), SUFFIX) for i in users]
        members += ["member: cn=%s,ou=groups,%s" % (g, SUFFIX) for g in groups]
        return "dn: cn=%s,ou=groups,%s\nobjectClass: groupOfNames\ncn: %s\n%s\n" % (name, SUFFIX, name, "\n".join(members))

    entries += [group("All Staff", users=range(ad_domain.USERS)), group("Contractors", users=ad_domain.CONTRACTORS),
                group("Platform", users=ad_domain.PLATFORM), group("Backend", ad_domain.BACKEND, ["Platform"]),
                group("Frontend", ad_domain.FRONTEND, ["Platform"]), group("Engineering", groups=["Backend", "Frontend"]),
                group("Everyone", groups=["All Staff", "Engineering"])]
    entries += [group(name, users, [child]) for name, (users, child) in ad_domain.CYCLE.items()]
    return "\n".join(entries)


def measure(label, settings, handle):
    started, cpu = time.perf_counter(), time.process_time()
    structure = read_ldap(LdapSettings(**settings))
    read_seconds, read_cpu = time.perf_counter() - started, time.process_time() - cpu
    started = time.perf_counter()
    result = flatten(structure, on_cycle="merge")
    flat = result.flat()
    flatten_seconds = time.perf_counter() - started
    wanted, problems = resolve_members(flat, structure.users)
    handle.seed("cloud", "org_directory", dict(initial_state(None), users=[
        make_user(email) for email in sorted(set().union(*wanted.values()))]))
    cloud = handle.persona("cloud")
    client = ApiClient(cloud["url"], auth=("bearer", cloud["directory_api_key"]), ca_path=handle.ca_path)
    emails = dict((group, sorted(members)) for group, members in wanted.items())
    started = time.perf_counter()
    summary = sync_to_cloud(client, emails, "scim", directory_id=cloud["directory_id"])["summary"]
    sync_seconds = time.perf_counter() - started
    client.close()
    print("| %s | %.2f s (%.2f s CPU) | %d | %.3f s | %d | %.1f s | %d |" % (
        label, read_seconds, read_cpu, structure.counters.get("range_requests", 0), flatten_seconds,
        result.counts()["effective_memberships"], sync_seconds, summary["http_requests"]))
    return problems


def main():
    work = Path(tempfile.mkdtemp(prefix="bench-ad-"))
    info, stop_sandbox = start_sandbox(str(work / "sandbox"))
    ad = ad_domain.SambaAD(work / "samba")
    openldap.SIZE_LIMIT = 1000  # the integration tests' 5-entry cap is there to force paging, not to measure it
    (work / "openldap.ldif").write_text(openldap_ldif(), encoding="utf-8")
    slapd = openldap.Slapd(work / "slapd", work / "openldap.ldif")
    try:
        ad.provision()
        print("Samba AD provisioned and bulk-loaded in %.1f s" % ad.provision_seconds)
        ad.start()
        handle = SandboxHandle(info)
        print("| source | read | range requests | flatten | effective memberships | first SCIM sync | HTTP requests |")
        print("|---|---|---|---|---|---|---|")
        measure("Samba AD 4.17, capped at 1,500 values per read", ad.settings(disabled_users="report"), handle)
        measure("Samba AD 4.17, uncapped (no range requests)", ad.settings(server_uri=ad.plain_uri, disabled_users="report"),
                handle)
        measure("OpenLDAP 2.5 (slapd), same shape", slapd.settings(page_size=500), handle)
    finally:
        slapd.stop()
        ad.stop()
        stop_sandbox()


if __name__ == "__main__":
    main()

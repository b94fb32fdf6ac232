"""The LDAP source against a real Samba AD DC behind AD's 1,500-value range rule (see conftest.py)."""

import ldap3
import pytest
from ad_domain import (
    DISABLED,
    NO_MAIL,
    READER_DN,
    READER_PASSWORD,
    USERS,
    group_dn,
    mail,
    username,
)
from helpers import run_playbook, task_play

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._groups.flatten import CycleError, flatten
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._groups.source_ldap import (
    LdapSettings,
    LdapSourceError,
    compare_in_chain,
    read_ldap,
)

ENABLED = USERS - len(DISABLED)


def _all_staff(uri, **connection_options):
    connection = ldap3.Connection(uri, user=READER_DN, password=READER_PASSWORD, auto_bind=True, raise_exceptions=True,
                                  **connection_options)
    connection.search(group_dn("All Staff"), "(objectClass=*)", search_scope=ldap3.BASE, attributes=["member"])
    attributes = dict((name, len(values)) for name, values in connection.response[0]["raw_attributes"].items())
    connection.unbind()
    return attributes


def test_samba_alone_returns_every_value_and_the_proxy_applies_ads_cap(samba_ad):
    assert _all_staff(samba_ad.plain_uri, auto_range=False) == {"member": 3000}
    assert _all_staff(samba_ad.uri, auto_range=False) == {"member;range=0-1499": 1500}


def test_ldap3_follows_ranges_on_its_own_in_a_plain_search(samba_ad):
    # the evidence for the docs: ldap3's default auto_range=True issues the range requests itself
    samba_ad.capped.reset_counts()
    assert _all_staff(samba_ad.uri) == {"member": 3000}
    assert samba_ad.capped.ranged_requests == 1


def test_ldap3_without_auto_range_breaks_on_a_ranged_answer_unless_empty_attributes_are_off(samba_ad):
    # why the source turns both off: ldap3 2.9's default return_empty_attributes=True deletes the plain
    # attribute it assumes it added, and a ranged request never had one
    def ask_second_chunk(**options):
        connection = ldap3.Connection(samba_ad.uri, user=READER_DN, password=READER_PASSWORD, auto_bind=True,
                                      raise_exceptions=True, auto_range=False, **options)
        try:
            connection.search(group_dn("All Staff"), "(objectClass=*)", search_scope=ldap3.BASE,
                              attributes=["member;range=1500-*"])
            return dict((name, len(values)) for name, values in connection.response[0]["raw_attributes"].items())
        finally:
            connection.unbind()

    with pytest.raises(KeyError):
        ask_second_chunk()
    assert ask_second_chunk(return_empty_attributes=False) == {"member;range=1500-*": 1500}


def test_groups_above_the_cap_read_completely_with_explicit_range_requests(samba_ad):
    samba_ad.capped.reset_counts()
    # three groups per page: the ranged groups sit between pages of the paged group search; 100 users only,
    # as Samba takes about 50 ms per page (all 3,000 at 3 per page would take a minute)
    users = "(&(objectCategory=person)(objectClass=user)(sAMAccountName=user00*))"
    structure = read_ldap(LdapSettings(**samba_ad.settings(page_size=3, user_filter=users)))
    assert len(structure.groups) == 10
    assert len(structure.groups["All Staff"][0]) == 100 - len([i for i in DISABLED if i < 100])
    unresolved = [m["member"] for m in structure.unresolved if m["group"] == "All Staff"]
    assert len(unresolved) == 2900 and len(set(unresolved)) == 2900
    assert len([m for m in structure.unresolved if m["group"] == "Contractors"]) == 1600
    # one request per further chunk: All Staff 1500-*, Contractors 1500-*
    assert structure.counters == {"range_requests": 2}
    assert samba_ad.capped.ranged_requests == 2


def test_a_directory_that_stops_mid_range_is_an_error_not_a_short_group(samba_ad):
    proxy = samba_ad.proxy(max_values=1000)
    # Samba answers "member;range=1000-*" with 2,000 values, capped to 1000-1999; then 2000-* (1,000 values).
    structure = read_ldap(LdapSettings(**samba_ad.settings(server_uri=proxy.uri)))
    assert len(structure.groups["All Staff"][0]) == ENABLED
    assert structure.counters == {"range_requests": 3}
    broken = samba_ad.proxy(max_values=1000)
    broken.drop_later_chunks = True
    stopped = r"OU=Groups,DC=ad,DC=example,DC=com: the directory stopped answering after 1000 values \(asked for member;range=1000-\*\)"
    with pytest.raises(LdapSourceError, match=stopped):
        read_ldap(LdapSettings(**samba_ad.settings(server_uri=broken.uri)))


def test_nesting_diamond_and_cycle_flatten_as_on_openldap(samba_ad):
    structure = read_ldap(LdapSettings(**samba_ad.settings()))
    assert structure.unresolved == []
    with pytest.raises(CycleError, match="CycleA -> CycleB -> CycleC -> CycleA"):
        flatten(structure)
    result = flatten(structure, on_cycle="merge")
    flat = result.flat()
    platform = [username(i) for i in range(10) if i not in DISABLED]  # user0007 is disabled
    assert flat["Platform"] == platform
    assert flat["Backend"] == platform + [username(i) for i in range(10, 20)]
    assert flat["Engineering"] == platform + [username(i) for i in range(10, 30)]
    assert len(flat["Everyone"]) == ENABLED
    assert flat["CycleA"] == flat["CycleB"] == flat["CycleC"] == ["user0030", "user0031", "user0032"]
    assert result.depth()["max"] == 3  # Everyone > Engineering > Backend > Platform


def test_disabled_accounts_are_excluded_by_default_and_kept_when_reported(samba_ad):
    disabled = sorted(username(i) for i in DISABLED)
    excluded = read_ldap(LdapSettings(**samba_ad.settings()))
    assert excluded.disabled == disabled
    flat = flatten(excluded, on_cycle="merge").flat()
    assert not set(disabled) & set(flat["All Staff"])
    assert len(flat["All Staff"]) == ENABLED
    reported = read_ldap(LdapSettings(**samba_ad.settings(disabled_users="report")))
    assert reported.disabled == disabled
    assert len(flatten(reported, on_cycle="merge").flat()["All Staff"]) == USERS


def test_mail_or_user_principal_name_as_the_cloud_identity(samba_ad):
    by_mail = read_ldap(LdapSettings(**samba_ad.settings()))
    assert by_mail.users["user0001"]["email"] == mail(1)
    assert [by_mail.users[username(i)]["email"] for i in sorted(NO_MAIL)] == [None, None, None]
    by_upn = read_ldap(LdapSettings(**samba_ad.settings(email_attribute="userPrincipalName")))
    assert by_upn.users["user0001"]["email"] == "user0001@ad.example.com"
    fallback = read_ldap(LdapSettings(**samba_ad.settings(email_fallback_attribute="userPrincipalName")))
    assert fallback.users["user0001"]["email"] == mail(1)
    assert fallback.users["user0011"]["email"] == "user0011@ad.example.com"


def test_matching_rule_in_chain_agrees_with_the_client_side_flattening(samba_ad):
    # a diamond and a cycle; Samba evaluates each in-chain search over all 3,000 users (seconds each)
    structure = read_ldap(LdapSettings(**samba_ad.settings(in_chain_groups=["Engineering", "CycleB"])))
    assert structure.in_chain["CycleB"] == ["user0030", "user0031", "user0032"]
    flat = flatten(structure, on_cycle="merge").flat()
    assert compare_in_chain(flat, structure.in_chain) == {"groups_checked": 2, "mismatches": []}
    # and the check can fail: a flattening that dropped the nesting disagrees with the directory
    direct_only = dict((group, sorted(users)) for group, (users, _children) in structure.groups.items())
    mismatch = compare_in_chain(direct_only, structure.in_chain)["mismatches"]
    assert [m["group"] for m in mismatch] == ["CycleB", "Engineering"]
    assert mismatch[1]["only_in_directory"] == flat["Engineering"]
    with pytest.raises(LdapSourceError, match="in_chain_groups names 'Nope'"):
        read_ldap(LdapSettings(**samba_ad.settings(in_chain_groups=["Nope"])))


MODULE_PLAY = task_play("group_flatten", {"source": "ldap", "on_cycle": "merge", "ldap": "{{ ldap }}",
                                          "report": ["flat", "users"]}, name="flatten")


def test_module_reports_disabled_users_and_the_in_chain_check(samba_ad):
    settings = samba_ad.settings(in_chain_groups=["Backend"], email_fallback_attribute="userPrincipalName")
    run = run_playbook(MODULE_PLAY, extra_vars={"ldap": settings})
    assert run.returncode == 0, run.stdout + run.stderr
    result = run.task("flatten")["result"]
    assert len(result["flat"]["All Staff"]) == ENABLED
    assert result["disabled_users"] == {"handling": "exclude", "users": sorted(username(i) for i in DISABLED)}
    assert result["in_chain_check"] == {"groups_checked": 1, "mismatches": []}
    assert result["users"]["user0011"]["email"] == "user0011@ad.example.com"
    assert result["ldap_requests"]["range_requests"] == 2
    assert READER_PASSWORD not in run.stdout + run.stderr + str(run.results)


def test_module_refuses_an_unknown_disabled_users_choice(samba_ad):
    run = run_playbook(MODULE_PLAY, extra_vars={"ldap": samba_ad.settings(disabled_users="keep")})
    failed = run.task("flatten")
    assert failed["status"] == "failed"
    assert "disabled_users" in failed["result"]["msg"] and "exclude, report" in failed["result"]["msg"]

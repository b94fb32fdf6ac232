"""The LDAP source against a real slapd: paged reads, member shapes, nesting, diamond, cycle, AD shape."""

import ldap3
import pytest

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._groups.flatten import CycleError, flatten
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._groups.source_ldap import (
    LdapSettings,
    LdapSourceError,
    read_ldap,
)


def test_directory_only_answers_paged_searches_in_full(slapd):
    connection = ldap3.Connection(slapd.uri, user=slapd.settings()["bind_dn"], password=slapd.settings()["bind_password"],
                                  auto_bind=True, raise_exceptions=True)
    connection.search("ou=people,dc=example,dc=com", "(objectClass=inetOrgPerson)", attributes=["uid"])
    assert connection.result["description"] == "sizeLimitExceeded"
    assert len(connection.entries) == 5
    connection.unbind()
    # 12 users, 13 groups: both searches need several pages of 5
    structure = read_ldap(LdapSettings(**slapd.settings()))
    assert len(structure.users) == 12
    assert len(structure.groups) == 13


def test_seed_structure_flattens_through_chain_diamond_and_unique_members(slapd):
    structure = read_ldap(LdapSettings(**slapd.settings()))
    result = flatten(structure, on_cycle="merge")
    flat = result.flat()
    assert flat["Atlassian"] == ["bob", "ceo", "dana", "erin", "fay", "gus", "ivan", "olga", "pat"]
    assert flat["Engineering"] == ["bob", "erin", "fay", "ivan", "olga", "pat"]
    assert flat["Frontend"] == ["fay", "ivan", "olga", "pat"]
    # groupOfUniqueNames, with the optional #'...'B unique identifier on one value
    assert flat["Grads"] == ["erin", "gus"]
    # a member DN written with upper case and spaces still resolves to the group
    assert flat["Platform"] == ["ivan", "olga", "pat"]
    assert flat["Empty"] == []
    assert result.depth()["max"] == 5
    assert result.depth()["deepest_groups"] == ["Atlassian"]
    assert structure.users["olga"] == {"dn": "uid=olga,ou=people,dc=example,dc=com", "email": "olga@example.com"}
    assert result.lost_by_user()["olga"] == ["Atlassian", "Backend", "Engineering", "Frontend", "Infra", "Platform"]


def test_cycle_is_merged_or_fails_with_its_path(slapd):
    structure = read_ldap(LdapSettings(**slapd.settings()))
    result = flatten(structure, on_cycle="merge")
    assert result.cycles == [{"path": ["CycleA", "CycleB", "CycleC", "CycleA"], "groups": ["CycleA", "CycleB", "CycleC"]}]
    assert result.flat()["CycleB"] == ["cy1", "cy2", "cy3"]
    with pytest.raises(CycleError, match="CycleA -> CycleB -> CycleC -> CycleA"):
        flatten(structure)


def test_member_that_is_neither_user_nor_group_is_reported(slapd):
    structure = read_ldap(LdapSettings(**slapd.settings()))
    assert structure.unresolved == [{"group": "Design", "member": "uid=ghost,ou=people,dc=example,dc=com"}]


def test_active_directory_shaped_groups_and_users(slapd):
    settings = slapd.settings(group_base_dn="ou=ad,dc=example,dc=com", user_base_dn="ou=ad,dc=example,dc=com",
                              username_attribute="sAMAccountName")
    structure = read_ldap(LdapSettings(**settings))
    assert flatten(structure).flat() == {"Design": ["ada"], "Helpdesk": ["sam"], "IT Staff": ["ada", "sam"]}
    assert structure.users["ada"]["email"] == "ada@corp.example.com"


def test_wrong_password_names_the_server_and_not_the_password(slapd):
    with pytest.raises(LdapSourceError) as caught:
        read_ldap(LdapSettings(**slapd.settings(bind_password="wrong-password")))
    assert slapd.uri in str(caught.value)
    assert "wrong-password" not in str(caught.value)


def test_two_groups_with_one_name_are_refused(slapd):
    # ou=groups and ou=ad both hold a Design group; cloud has one namespace, so they would merge
    settings = slapd.settings(group_base_dn="dc=example,dc=com", user_base_dn="dc=example,dc=com")
    with pytest.raises(LdapSourceError, match="two groups are named 'Design'"):
        read_ldap(LdapSettings(**settings))


def test_page_size_above_the_server_limit_says_to_lower_it(slapd):
    with pytest.raises(LdapSourceError, match="lower ldap.page_size"):
        read_ldap(LdapSettings(**slapd.settings(page_size=50)))

# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The `ldap` source: read a nested group structure from an LDAP directory with paged searches.

Groups are `groupOfNames` (`member`), `groupOfUniqueNames` (`uniqueMember`) or Active Directory
`group` objects (`member`). A member DN is a nested group when it is the DN of a group the search
returned, a user when it is the DN of a user the user search returned, and unresolved otherwise.
Directories resolve no nesting themselves for us (OpenLDAP's `memberOf` is direct only), so the
structure is read as-is and flattened in client code.

Active Directory returns at most MaxValRange (1,500 by default) values of a multi-valued attribute per
read: a group of 3,000 answers `member;range=0-1499` and the rest must be asked for as
`member;range=1500-*`, chunk by chunk, until a chunk's upper bound is `*`. ldap3 can follow ranges on its
own (`auto_range`), but it does so inside its response handling, out of sight, and with
`auto_range=False` plus its default `return_empty_attributes=True` it fails on a ranged answer
(KeyError); so the connection turns both off and the ranges are followed here, where a directory that
stops answering mid-range is an error instead of a silently short group.

Active Directory marks a disabled account with bit 2 (ACCOUNTDISABLE) of `userAccountControl`; such
users are left out of every group (`disabled_users=exclude`) or kept and listed (`report`), and listed
either way. `in_chain_groups` asks the directory itself for those groups' transitive user members with
AD's LDAP_MATCHING_RULE_IN_CHAIN (`memberOf:1.2.840.113556.1.4.1941:=<group DN>`), a cross-check of the
client-side flattening (OpenLDAP answers nothing to it).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import dataclasses
import ssl

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.errors import CollectionError

try:
    import ldap3
    from ldap3.core.exceptions import LDAPAdminLimitExceededResult, LDAPException, LDAPInvalidDnError
    from ldap3.utils.conv import escape_filter_chars
    from ldap3.utils.dn import parse_dn
    HAS_LDAP3 = True
except ImportError:
    HAS_LDAP3 = False

    class LDAPException(Exception):
        """Stand-in so `except LDAPException` stays valid when ldap3 is missing."""

    class LDAPInvalidDnError(LDAPException):
        """Stand-in so `except LDAPInvalidDnError` stays valid when ldap3 is missing."""

    class LDAPAdminLimitExceededResult(LDAPException):
        """Stand-in so `except LDAPAdminLimitExceededResult` stays valid when ldap3 is missing."""

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._groups.flatten import NestedGroups

DEFAULT_GROUP_FILTER = "(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=group))"
DEFAULT_USER_FILTER = "(|(objectClass=inetOrgPerson)(objectClass=person)(objectClass=user))"
MEMBER_ATTRIBUTES = ("member", "uniqueMember")
RANGE_OPTION = ";range="
ACCOUNT_DISABLE = 0x2
DISABLED_USERS_CHOICES = ("exclude", "report")
IN_CHAIN_RULE = "1.2.840.113556.1.4.1941"


class LdapSourceError(CollectionError):
    """The directory could not be read, or what it holds cannot be flattened unambiguously."""


def normalize_dn(dn):
    """A comparable form of a DN: attribute types and values lower-cased, spaces around separators removed."""
    # groupOfUniqueNames values may carry an optional "#'0101'B" unique identifier after the DN.
    if "#'" in dn:
        dn = dn.split("#'", 1)[0]
    try:
        return ",".join("%s=%s" % (attr.lower(), value.lower()) for attr, value, _sep in parse_dn(dn, strip=True))
    except LDAPInvalidDnError:
        # Not every server escapes DNs as RFC 4514 wants; compare such a DN verbatim.
        return dn.strip().lower()


def _values(attributes, name):
    """The values of an attribute as a list, whatever case the server used for its name."""
    for key, value in attributes.items():
        if key.lower() == name.lower():
            if value is None:
                return []
            return list(value) if isinstance(value, (list, tuple)) else [value]
    return []


def _first(attributes, name):
    values = _values(attributes, name)
    return str(values[0]) if values else None


@dataclasses.dataclass(eq=False, repr=False)  # no generated repr: it would show the bind password
class LdapSettings:
    """What to read and how: the `ldap` option of the module, with its defaults."""

    server_uri: str
    base_dn: str
    bind_dn: str = None
    bind_password: str = None
    group_base_dn: str = None  # base_dn when not given
    user_base_dn: str = None  # base_dn when not given
    group_filter: str = DEFAULT_GROUP_FILTER
    user_filter: str = DEFAULT_USER_FILTER
    group_name_attribute: str = "cn"
    username_attribute: str = "uid"
    email_attribute: str = "mail"
    email_fallback_attribute: str = None
    disabled_users: str = "exclude"
    in_chain_groups: list = None
    page_size: int = 500
    start_tls: bool = False
    validate_certs: bool = True
    ca_path: str = None
    timeout: int = 30

    def __post_init__(self):
        self.group_base_dn = self.group_base_dn or self.base_dn
        self.user_base_dn = self.user_base_dn or self.base_dn
        self.in_chain_groups = list(self.in_chain_groups or [])
        if not isinstance(self.page_size, int) or self.page_size < 1:
            raise LdapSourceError("ldap.page_size must be 1 or more, got %r: a page of nothing would read an empty "
                                  "directory" % (self.page_size,))


def _connect(settings):
    tls = None
    if settings.server_uri.lower().startswith("ldaps://") or settings.start_tls:
        tls = ldap3.Tls(validate=ssl.CERT_REQUIRED if settings.validate_certs else ssl.CERT_NONE,
                        ca_certs_file=settings.ca_path)
    server = ldap3.Server(settings.server_uri, get_info=ldap3.NONE, tls=tls, connect_timeout=settings.timeout)
    auto_bind = ldap3.AUTO_BIND_TLS_BEFORE_BIND if settings.start_tls else ldap3.AUTO_BIND_NO_TLS
    return ldap3.Connection(server, user=settings.bind_dn, password=settings.bind_password, auto_bind=auto_bind,
                            read_only=True, receive_timeout=settings.timeout, raise_exceptions=True,
                            auto_range=False, return_empty_attributes=False)


def _paged(connection, base, search_filter, attributes, page_size):
    for entry in connection.extend.standard.paged_search(
            base, search_filter, search_scope=ldap3.SUBTREE, attributes=list(attributes),
            paged_size=page_size, generator=True):
        if entry.get("type") == "searchResEntry":
            yield entry["dn"], entry["attributes"]


def _ranged(attributes, attribute):
    """(name, low, high) of the ranged chunk of `attribute` in attributes, or None. high is "*" on the last chunk."""
    prefix = (attribute + RANGE_OPTION).lower()
    for key in attributes:
        if key.lower().startswith(prefix):
            low, _sep, high = key[len(prefix):].partition("-")
            if not low.isdigit() or not (high == "*" or high.isdigit()):
                raise LdapSourceError("cannot read attribute %s: the directory named a chunk %r" % (attribute, key))
            return key, int(low), high
    return None


def _complete_ranges(connection, dn, attributes, counter):
    """Replace every ranged chunk (`member;range=0-1499`) in attributes by the attribute's complete values.

    Asks for `attr;range=<next>-*` until the directory answers a chunk ending in `*`. Every chunk must start
    where the previous one ended, so the loop ends after at most one request per value.
    """
    for attribute in MEMBER_ATTRIBUTES:
        chunk = _ranged(attributes, attribute)
        if chunk is None:
            continue
        key, low, high = chunk
        values = _values(attributes, key)
        del attributes[key]
        expected = 0
        while True:
            if low != expected:
                raise LdapSourceError("cannot read the %s values of %s: the directory answered range %d-%s where %d-* "
                                      "was asked" % (attribute, dn, low, high, expected))
            if high == "*":
                break
            if int(high) < low:
                raise LdapSourceError("cannot read the %s values of %s: the directory answered an empty range %d-%s"
                                      % (attribute, dn, low, high))
            expected = int(high) + 1
            request = "%s%s%d-*" % (attribute, RANGE_OPTION, expected)
            connection.search(dn, "(objectClass=*)", search_scope=ldap3.BASE, attributes=[request])
            counter["range_requests"] += 1
            entries = [entry for entry in connection.response if entry.get("type") == "searchResEntry"]
            chunk = _ranged(entries[0]["attributes"], attribute) if entries else None
            if chunk is None:
                raise LdapSourceError("cannot read the %s values of %s: the directory stopped answering after %d "
                                      "values (asked for %s)" % (attribute, dn, len(values), request))
            key, low, high = chunk
            values.extend(_values(entries[0]["attributes"], key))
        attributes[attribute] = values


def _in_chain_members(connection, settings, group_dn):
    """Usernames the directory itself reports as transitive members of group_dn (AD's in-chain rule)."""
    search_filter = "(&%s(memberOf:%s:=%s))" % (settings.user_filter, IN_CHAIN_RULE, escape_filter_chars(group_dn))
    return list(_paged(connection, settings.user_base_dn, search_filter, (settings.username_attribute,), settings.page_size))


def _is_disabled(attributes):
    value = _first(attributes, "userAccountControl")
    try:
        return value is not None and bool(int(value) & ACCOUNT_DISABLE)
    except ValueError:
        return False


def compare_in_chain(flat, in_chain):
    """Differences between the client-side flattening and the directory's own in-chain answer, per group."""
    mismatches = []
    for group in sorted(in_chain):
        ours = set(flat.get(group) or ())
        theirs = set(in_chain[group])
        if ours != theirs:
            mismatches.append({"group": group, "only_in_flattening": sorted(ours - theirs),
                               "only_in_directory": sorted(theirs - ours)})
    return {"groups_checked": len(in_chain), "mismatches": mismatches}


def read_ldap(settings, connection=None):
    """Read groups and users with paged searches and return a NestedGroups.

    Raises LdapSourceError when the directory cannot be read or two groups share a name (cloud
    groups live in one namespace, so they would merge into one group there). The result's `counters`
    holds the number of range requests made; `disabled` lists disabled users; `in_chain` (with
    `in_chain_groups`) maps those groups to the usernames the directory reports as their transitive members.
    """
    counters = {"range_requests": 0}
    raw_groups, raw_users, raw_in_chain = _search_directory(settings, connection, counters)
    group_by_dn = _group_names_by_dn(settings, raw_groups)
    user_by_dn, users, disabled = _users_by_dn(settings, raw_users, group_by_dn)
    excluded = disabled if settings.disabled_users == "exclude" else set()
    groups, unresolved = _memberships(raw_groups, group_by_dn, user_by_dn, excluded)
    in_chain = None
    if settings.in_chain_groups:
        in_chain = {}
        for name, entries in raw_in_chain.items():
            members = (_first(attributes, settings.username_attribute) or member_dn for member_dn, attributes in entries)
            in_chain[name] = sorted(set(members) - excluded)
    return NestedGroups(groups, users=users, unresolved=unresolved, disabled=sorted(disabled), in_chain=in_chain,
                        counters=counters)


def _search_directory(settings, connection, counters):
    """(raw group entries with every member range read, raw user entries, raw in-chain answers per group)."""
    user_attributes = [settings.username_attribute, settings.email_attribute, "userAccountControl"]
    if settings.email_fallback_attribute:
        user_attributes.append(settings.email_fallback_attribute)
    raw_in_chain = {}
    try:
        if connection is None:
            connection = _connect(settings)
        try:
            # the whole paged search first: a range request in between would replace the paging cookie
            raw_groups = list(_paged(connection, settings.group_base_dn, settings.group_filter,
                                     (settings.group_name_attribute,) + MEMBER_ATTRIBUTES, settings.page_size))
            for dn, attributes in raw_groups:
                _complete_ranges(connection, dn, attributes, counters)
            raw_users = list(_paged(connection, settings.user_base_dn, settings.user_filter,
                                    user_attributes, settings.page_size))
            dn_by_name = dict((_first(attributes, settings.group_name_attribute), dn) for dn, attributes in raw_groups)
            for name in settings.in_chain_groups:
                if name not in dn_by_name:
                    raise LdapSourceError("in_chain_groups names %r, which the group search did not return" % name)
                raw_in_chain[name] = _in_chain_members(connection, settings, dn_by_name[name])
        finally:
            connection.unbind()
    except LDAPAdminLimitExceededResult as exc:
        raise LdapSourceError("cannot read groups and users from %s: %s; the server allows fewer entries per page "
                              "than page_size=%d, lower ldap.page_size" % (settings.server_uri, exc, settings.page_size))
    except LDAPException as exc:
        raise LdapSourceError("cannot read groups and users from %s: %s" % (settings.server_uri, exc))
    return raw_groups, raw_users, raw_in_chain


def _group_names_by_dn(settings, raw_groups):
    """{normalised dn: group name}; a group with no name, or two groups with one name, is an error."""
    group_by_dn = {}
    dn_by_group = {}
    for dn, attributes in raw_groups:
        name = _first(attributes, settings.group_name_attribute)
        if name is None:
            raise LdapSourceError("group %s has no %s attribute to name it" % (dn, settings.group_name_attribute))
        if name in dn_by_group:
            raise LdapSourceError(
                "two groups are named %r (%s and %s); cloud groups share one namespace, so they would merge "
                "into one group: rename one, or narrow group_base_dn/group_filter" % (name, dn_by_group[name], dn))
        dn_by_group[name] = dn
        group_by_dn[normalize_dn(dn)] = name
    return group_by_dn


def _users_by_dn(settings, raw_users, group_by_dn):
    """({normalised dn: username}, {username: {dn, email}}, disabled usernames); entries that are groups are skipped."""
    user_by_dn = {}
    users = {}
    disabled = set()
    for dn, attributes in raw_users:
        key = normalize_dn(dn)
        if key in group_by_dn:
            continue
        username = _first(attributes, settings.username_attribute) or dn
        user_by_dn[key] = username
        email = _first(attributes, settings.email_attribute)
        if not email and settings.email_fallback_attribute:
            email = _first(attributes, settings.email_fallback_attribute)
        users[username] = {"dn": dn, "email": email}
        if _is_disabled(attributes):
            disabled.add(username)
    return user_by_dn, users, disabled


def _memberships(raw_groups, group_by_dn, user_by_dn, excluded):
    """({group: (member users, child groups)}, members that are neither a known user nor a known group)."""
    groups = {}
    unresolved = []
    for dn, attributes in raw_groups:
        name = group_by_dn[normalize_dn(dn)]
        member_users = []
        child_groups = []
        for attribute in MEMBER_ATTRIBUTES:
            for member in _values(attributes, attribute):
                key = normalize_dn(str(member))
                if key in group_by_dn:
                    child_groups.append(group_by_dn[key])
                elif key in user_by_dn:
                    if user_by_dn[key] not in excluded:
                        member_users.append(user_by_dn[key])
                else:
                    unresolved.append({"group": name, "member": str(member)})
        groups[name] = (member_users, child_groups)
    return groups, unresolved

# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The `ldap` source: read a nested group structure from an LDAP directory with paged searches.

Groups are `groupOfNames` (`member`), `groupOfUniqueNames` (`uniqueMember`) or Active Directory
`group` objects (`member`). A member DN is a nested group when it is the DN of a group the search
returned, a user when it is the DN of a user the user search returned, and unresolved otherwise.
Directories resolve no nesting themselves for us (OpenLDAP's `memberOf` is direct only), so the
structure is read as-is and flattened in client code.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ssl

try:
    import ldap3
    from ldap3.core.exceptions import LDAPAdminLimitExceededResult, LDAPException, LDAPInvalidDnError
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


class LdapSourceError(Exception):
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


class LdapSettings:
    """What to read and how: the `ldap` option of the module, with its defaults."""

    def __init__(self, server_uri, base_dn, bind_dn=None, bind_password=None, group_base_dn=None,
                 user_base_dn=None, group_filter=DEFAULT_GROUP_FILTER, user_filter=DEFAULT_USER_FILTER,
                 group_name_attribute="cn", username_attribute="uid", email_attribute="mail",
                 page_size=500, start_tls=False, validate_certs=True, ca_path=None, timeout=30):
        self.server_uri = server_uri
        self.base_dn = base_dn
        self.bind_dn = bind_dn
        self.bind_password = bind_password
        self.group_base_dn = group_base_dn or base_dn
        self.user_base_dn = user_base_dn or base_dn
        self.group_filter = group_filter
        self.user_filter = user_filter
        self.group_name_attribute = group_name_attribute
        self.username_attribute = username_attribute
        self.email_attribute = email_attribute
        self.page_size = page_size
        self.start_tls = start_tls
        self.validate_certs = validate_certs
        self.ca_path = ca_path
        self.timeout = timeout


def _connect(settings):
    tls = None
    if settings.server_uri.lower().startswith("ldaps://") or settings.start_tls:
        tls = ldap3.Tls(validate=ssl.CERT_REQUIRED if settings.validate_certs else ssl.CERT_NONE,
                        ca_certs_file=settings.ca_path)
    server = ldap3.Server(settings.server_uri, get_info=ldap3.NONE, tls=tls, connect_timeout=settings.timeout)
    auto_bind = ldap3.AUTO_BIND_TLS_BEFORE_BIND if settings.start_tls else ldap3.AUTO_BIND_NO_TLS
    return ldap3.Connection(server, user=settings.bind_dn, password=settings.bind_password, auto_bind=auto_bind,
                            read_only=True, receive_timeout=settings.timeout, raise_exceptions=True)


def _paged(connection, base, search_filter, attributes, page_size):
    for entry in connection.extend.standard.paged_search(
            base, search_filter, search_scope=ldap3.SUBTREE, attributes=list(attributes),
            paged_size=page_size, generator=True):
        if entry.get("type") == "searchResEntry":
            yield entry["dn"], entry["attributes"]


def read_ldap(settings, connection=None):
    """Read groups and users with paged searches and return a NestedGroups.

    Raises LdapSourceError when the directory cannot be read or two groups share a name (cloud
    groups live in one namespace, so they would merge into one group there).
    """
    try:
        if connection is None:
            connection = _connect(settings)
        try:
            raw_groups = list(_paged(connection, settings.group_base_dn, settings.group_filter,
                                     (settings.group_name_attribute,) + MEMBER_ATTRIBUTES, settings.page_size))
            raw_users = list(_paged(connection, settings.user_base_dn, settings.user_filter,
                                    (settings.username_attribute, settings.email_attribute), settings.page_size))
        finally:
            connection.unbind()
    except LDAPAdminLimitExceededResult as exc:
        raise LdapSourceError("cannot read groups and users from %s: %s; the server allows fewer entries per page "
                              "than page_size=%d, lower ldap.page_size" % (settings.server_uri, exc, settings.page_size))
    except LDAPException as exc:
        raise LdapSourceError("cannot read groups and users from %s: %s" % (settings.server_uri, exc))

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

    user_by_dn = {}
    users = {}
    for dn, attributes in raw_users:
        key = normalize_dn(dn)
        if key in group_by_dn:
            continue
        username = _first(attributes, settings.username_attribute) or dn
        user_by_dn[key] = username
        users[username] = {"dn": dn, "email": _first(attributes, settings.email_attribute)}

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
                    member_users.append(user_by_dn[key])
                else:
                    unresolved.append({"group": name, "member": str(member)})
        groups[name] = (member_users, child_groups)
    return NestedGroups(groups, users=users, unresolved=unresolved)

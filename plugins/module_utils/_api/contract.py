# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The API contract table: every endpoint the collection calls, in one place.

Each entry says whether the endpoint is a PUBLIC, documented Atlassian API (with the reference that
documents it) or a UI-INTERNAL one: an endpoint the product's own admin pages use, for which Atlassian
publishes no contract. UI-internal paths are the project's best knowledge, not a promise; users can
override any path per run with the ``api_overrides`` option, and ``docs/api-contract.md`` is generated
from this table.

No other file hard-codes an API path: clients call ``ApiClient.call(operation_id, ...)``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.errors import CollectionError

PUBLIC = "public"
UI_INTERNAL = "ui-internal"

Endpoint = collections.namedtuple(
    "Endpoint", ["method", "path", "service", "visibility", "reference", "summary", "retry_safe"]
)


def safe_to_resend(method):
    """The rule for a request whose answer was lost: GET/HEAD/PUT/DELETE are idempotent and may be sent again;
    POST/PATCH may not, unless their contract entry says so (search endpoints that only read)."""
    return method in ("GET", "HEAD", "PUT", "DELETE")


def _endpoint(method, path, service, visibility, reference, summary, retry_safe=None):
    """Build an entry; `retry_safe` defaults to safe_to_resend(method)."""
    if retry_safe is None:
        retry_safe = safe_to_resend(method)
    return Endpoint(method, path, service, visibility, reference, summary, retry_safe)


def _section(service, visibility, reference):
    """The constructor of the entries of one section of the table, which share their service, their visibility and
    their reference: ``_allowlist("GET", path, summary)``; `page` names an entry's own page below the reference."""

    def entry(method, path, summary, page="", retry_safe=None):
        return _endpoint(method, path, service, visibility, reference + page, summary, retry_safe)

    return entry


_JIRA_REST = "https://developer.atlassian.com/server/jira/platform/rest/v11003/"
_CONFLUENCE_REST = "https://developer.atlassian.com/server/confluence/rest/v1002/"
_UPM = "https://developer.atlassian.com/platform/marketplace/registering-apps/"
_UPM_KB = "https://confluence.atlassian.com/display/CONFKB/How+to+Enable+UPM+Safe+Mode+using+UPM+REST+API"
_ALLOWLIST_UI = "https://confluence.atlassian.com/adminjiraserver/configuring-the-allowlist-1014667631.html"
_CLOUD_CONNECTORS = "https://confluence.atlassian.com/enterprise/configure-cloud-connectors-1671463000.html"
_ORG_API = "https://developer.atlassian.com/cloud/admin/organization/rest/"
_CONTROL_API = "https://developer.atlassian.com/cloud/admin/control/rest/api-group-authentication-policies/"
_AUTH_POLICIES_UI = "https://support.atlassian.com/security-and-access-policies/docs/manage-authentication-policies/"
_SCIM_API = "https://developer.atlassian.com/cloud/admin/user-provisioning/rest/"
_CROWD_REST = "https://developer.atlassian.com/server/crowd/crowd-rest-apis/"
_MARKETPLACE = "https://developer.atlassian.com/platform/marketplace/rest/v2/api-group-app-versions/"
_APPLINKS = "https://developer.atlassian.com/server/framework/atlassian-sdk/application-links/"
_CROWD_MEMBERSHIPS = "https://docs.atlassian.com/atlassian-crowd/5.3.1/REST/#usermanagement/1/group-getAllMemberships"

# One constructor per section of the table: what its entries share (service, visibility, reference). Where the
# entries of a section are documented on pages of their own, each names its page below the reference (page=).
_jira = _section("jira", PUBLIC, _JIRA_REST)
_allowlist = _section("dc", UI_INTERNAL, _ALLOWLIST_UI)
_upm = _section("dc", PUBLIC, _UPM)
_upm_kb = _section("dc", PUBLIC, _UPM_KB)
_marketplace = _section("marketplace", PUBLIC, _MARKETPLACE)
_dc_connector = _section("dc", UI_INTERNAL, _CLOUD_CONNECTORS)
_confluence_groups = _section("confluence", PUBLIC, _CONFLUENCE_REST + "api-group-group/")
_crowd = _section("crowd", PUBLIC, _CROWD_REST)
_orgs = _section("cloud-admin", PUBLIC, _ORG_API + "api-group-orgs/")
_org = _section("cloud-admin", PUBLIC, _ORG_API)
_org_users = _section("cloud-admin", PUBLIC, _ORG_API + "api-group-users/")
_org_groups = _section("cloud-admin", PUBLIC, _ORG_API + "api-group-groups/")
_org_connector = _section("cloud-admin", UI_INTERNAL, _CLOUD_CONNECTORS)
_control = _section("cloud-control", PUBLIC, _CONTROL_API)
_auth_policies_ui = _section("cloud-control", UI_INTERNAL, _AUTH_POLICIES_UI)
_scim = _section("scim", PUBLIC, _SCIM_API)
_scim_groups = _section("scim", PUBLIC, _SCIM_API + "api-group-groups/")

ENDPOINTS = {
    # --- Data Center: product and version ---------------------------------------------------------------
    "jira.server_info": _jira("GET", "/rest/api/2/serverInfo",
                              "Jira version, build number, base URL and deployment type.",
                              page="api-group-serverinfo/#api-api-2-serverinfo-get"),
    "dc.applinks_manifest": _endpoint("GET", "/rest/applinks/1.0/manifest", "dc", UI_INTERNAL, _APPLINKS,
                                      "Application Links manifest (XML): product type id, version and build of any DC "
                                      "product. Served anonymously for application-link peers; not in the REST "
                                      "reference."),

    # --- Data Center: URL allowlist (no public REST contract) -------------------------------------------
    "dc.allowlist.list": _allowlist("GET", "/rest/whitelist/latest/whitelist", "Allowlist rules as the admin Allowlist page reads them."),
    "dc.allowlist.create": _allowlist("POST", "/rest/whitelist/latest/whitelist",
                                      "Add an allowlist rule {expression, type, allowInbound, authenticationRequired}."),
    "dc.allowlist.update": _allowlist("PUT", "/rest/whitelist/latest/whitelist/{rule_id}", "Change an allowlist rule."),
    "dc.allowlist.delete": _allowlist("DELETE", "/rest/whitelist/latest/whitelist/{rule_id}", "Remove an allowlist rule."),
    "dc.allowlist.status": _allowlist("GET", "/rest/whitelist/latest/whitelist/status", "Whether the allowlist is enabled."),
    "dc.allowlist.set_status": _allowlist("PUT", "/rest/whitelist/latest/whitelist/status", "Enable or disable the allowlist."),

    # --- Data Center: Universal Plugin Manager ----------------------------------------------------------
    "upm.plugins": _upm("GET", "/rest/plugins/1.0/", "Installed apps; the response header upm-token authorises one install."),
    "upm.install": _upm("POST", "/rest/plugins/1.0/",
                        "Install or upgrade an app from a URI (application/vnd.atl.plugins.install.uri+json); 202 + "
                        "task (links.self, also the Location header)."),
    "upm.plugin": _upm_kb("GET", "/rest/plugins/1.0/{plugin_key}-key", "One installed app: key, version, enabled."),
    "upm.uninstall": _upm_kb("DELETE", "/rest/plugins/1.0/{plugin_key}-key", "Uninstall an app."),
    "upm.task": _upm("GET", "/rest/plugins/1.0/pending/{task_id}",
                     "An install task's progress (the install response's links.self): 200 with status while pending or "
                     "failed; 303 See Other to the installed app, with no body, when it succeeded."),

    # --- Atlassian Marketplace (which app version fits an instance) -----------------------------------
    "marketplace.version_latest": _marketplace("GET", "/rest/2/addons/{addon_key}/versions/latest",
                                               "Newest version compatible with "
                                               "?application=&applicationBuild=&hosting=datacenter: AddonVersion "
                                               "{name, buildNumber, _links.artifact.href, compatibilities}."),
    "marketplace.version_by_name": _marketplace("GET", "/rest/2/addons/{addon_key}/versions/name/{version_name}",
                                                "One version by its display name (AddonVersion)."),

    # --- Data Center: cloud connector page (no public REST contract) -----------------------------------
    "dc.cloud_connector.get": _dc_connector("GET", "/rest/cloud-connector/1.0/connection",
                                            "Linked cloud organization: org, connector id, status, credential "
                                            "fingerprint."),
    "dc.cloud_connector.apply": _dc_connector("PUT", "/rest/cloud-connector/1.0/connection",
                                              "Apply client credentials {clientId, clientSecret} (Administration > "
                                              "Applications > Cloud connectors)."),
    "dc.cloud_connector.apps": _dc_connector("GET", "/rest/cloud-connector/1.0/connection/apps",
                                             "App connectors (Rovo for Jira, Rovo for Confluence, Portfolio Insights) "
                                             "of the linked organization connector {apps: [{id, type, name}]}, as the "
                                             "DC Cloud connectors page lists them."),
    "dc.cloud_connector.apps.delete": _dc_connector("DELETE", "/rest/cloud-connector/1.0/connection/apps/{app_id}",
                                                    "Remove an app connector from the Data Center side (the guide: "
                                                    "remove app connectors from cloud or from Data Center); refused "
                                                    "while the connector is Interrupted."),

    # --- Data Center: users and groups (migration preflight) -------------------------------------------
    "jira.users": _jira("GET", "/rest/api/2/user/search", "Users (username=. lists all), paged with startAt/maxResults.", page="api-group-user/"),
    "jira.groups": _jira("GET", "/rest/api/2/groups/picker", "Group names (maxResults bounds the list).", page="api-group-groups/"),
    "jira.group_members": _jira("GET", "/rest/api/2/group/member",
                                "Direct and nested members of a group, paged with startAt/maxResults/isLast.",
                                page="api-group-group/"),
    "confluence.groups": _confluence_groups("GET", "/rest/api/group", "Groups, paged with start/limit and _links.next."),
    "confluence.group_members": _confluence_groups("GET", "/rest/api/group/{group_name}/member", "Members of a group, paged with start/limit."),

    # --- Crowd (nested group source) -------------------------------------------------------------------
    "crowd.groups": _crowd("GET", "/rest/usermanagement/1/search", "Search entities (entity-type=group), paged with start-index/max-results."),
    "crowd.group_child_groups": _crowd("GET", "/rest/usermanagement/1/group/child-group/direct", "Direct child groups of a group."),
    "crowd.group_users": _crowd("GET", "/rest/usermanagement/1/group/user/direct", "Direct user members of a group."),
    "crowd.users": _crowd("GET", "/rest/usermanagement/1/search",
                          "Search entities (entity-type=user, expand=user: name, email, active), paged with "
                          "start-index/max-results."),
    "crowd.memberships": _endpoint(
        "GET", "/rest/usermanagement/1/group/membership", "crowd", PUBLIC, _CROWD_MEMBERSHIPS,
        "Every group's direct users and child groups in one XML document (<memberships><membership "
        "group=...><users><user name=.../></users><groups><group name=.../></groups></membership></memberships>); "
        "Crowd REST 1.1+ (CWD-2450, CWD-2585); XML only, no JSON (CWD-3281)."),

    # --- Atlassian Cloud: organizations API ------------------------------------------------------------
    "cloud.orgs": _orgs("GET", "/admin/v1/orgs", "Organizations the API key can manage (cursor pagination)."),
    "cloud.org": _orgs("GET", "/admin/v1/orgs/{org_id}", "One organization."),
    "cloud.domains": _org("GET", "/admin/v1/orgs/{org_id}/domains", "Verified domains (cursor pagination).", page="api-group-domains/"),
    "cloud.directories": _org("GET", "/admin/v2/orgs/{org_id}/directories",
                              "Directories of the organization (cursor + limit).", page="api-group-directory/"),
    "cloud.users": _org_users("GET", "/admin/v1/orgs/{org_id}/users", "Managed accounts (cursor pagination)."),
    "cloud.users.search": _org_users("POST", "/admin/v2/orgs/{org_id}/directories/{directory_id}/users/search",
                                     "Search users of a directory (emails, accountIds, groupIds, resourceIds, expand "
                                     "productAccess, cursor, limit).", retry_safe=True),
    "cloud.groups.search": _org_groups("POST", "/admin/v2/orgs/{org_id}/directories/{directory_id}/groups/search",
                                       "Search groups of a directory (groupNames, cursor, limit).", retry_safe=True),
    "cloud.groups.create": _org_groups("POST", "/admin/v2/orgs/{org_id}/directories/{directory_id}/groups", "Create a group {name, description}."),
    "cloud.groups.add_member": _org_groups(
        "POST", "/admin/v2/orgs/{org_id}/directories/{directory_id}/groups/{group_id}/memberships",
        "Add a member {accountId}."),
    "cloud.groups.remove_member": _org_groups(
        "DELETE", "/admin/v2/orgs/{org_id}/directories/{directory_id}/groups/{group_id}/memberships/{account_id}",
        "Remove a member."),
    "cloud.groups.role_assignments": _org_groups(
        "GET", "/admin/v2/orgs/{org_id}/directories/{directory_id}/groups/{group_id}/role-assignments",
        "A group's role assignments: one item per resource {resourceId, resourceOwner, defaultRole, roles} (cursor + "
        "limit; scope read:groups:admin)."),
    "cloud.groups.role_assignments.assign": _org_groups(
        "POST", "/admin/v2/orgs/{org_id}/directories/{directory_id}/groups/{group_id}/role-assignments/assign",
        "Grant a role on an app to every member of a group {resourceId (ARI), roleId (atlassian/user, ...)}.",
        retry_safe=True),
    "cloud.groups.role_assignments.revoke": _org_groups(
        "POST", "/admin/v2/orgs/{org_id}/directories/{directory_id}/groups/{group_id}/role-assignments/revoke",
        "Revoke a group's role on an app {resourceId, roleId}; members keep access another group grants.",
        retry_safe=True),

    # --- Atlassian Cloud: organization connector / connected sources (no public REST contract) --------
    "cloud.org_connectors.list": _org_connector("GET", "/admin/v1/orgs/{org_id}/connected-sources/connectors",
                                                "Organization connectors (Data management > Data sources > Connected "
                                                "sources)."),
    "cloud.org_connectors.create": _org_connector("POST", "/admin/v1/orgs/{org_id}/connected-sources/connectors",
                                                  "Create the connector for a DC instance {baseUrl, name}; returns "
                                                  "client credentials."),
    "cloud.org_connectors.get": _org_connector(
        "GET", "/admin/v1/orgs/{org_id}/connected-sources/connectors/{connector_id}",
        "One connector with its status."),
    "cloud.org_connectors.rotate": _org_connector(
        "POST", "/admin/v1/orgs/{org_id}/connected-sources/connectors/{connector_id}/credentials/rotate",
        "Issue new client credentials; the old key stops working. Also how a disabled connector is enabled again: the "
        "guide re-enables by rotating and applying the new credentials on the DC side; no separate enable operation is "
        "documented (none found), so the collection calls none."),
    "cloud.org_connectors.disable": _org_connector(
        "POST", "/admin/v1/orgs/{org_id}/connected-sources/connectors/{connector_id}/disable",
        "Disable a connector (refused while app connectors remain)."),
    "cloud.app_connectors.list": _org_connector(
        "GET", "/admin/v1/orgs/{org_id}/connected-sources/connectors/{connector_id}/apps",
        "App connectors (Rovo, Portfolio Insights) on an org connector."),
    "cloud.app_connectors.delete": _org_connector(
        "DELETE", "/admin/v1/orgs/{org_id}/connected-sources/connectors/{connector_id}/apps/{app_id}",
        "Remove an app connector."),

    # --- Atlassian Cloud: authentication policies ------------------------------------------------------
    "cloud.auth_policy.add_users": _control("POST", "/admin/control/v1/orgs/{org_id}/auth-policy/{policy_id}/add-users",
                                            "Add managed accounts {\"users\": [emails]} to a policy, moving them from "
                                            "their current one; 202 {taskId, taskLink}. Re-sending is harmless "
                                            "(members already in the policy stay), so it is retry-safe.",
                                            retry_safe=True),
    "cloud.auth_policy.task": _control("GET", "/admin/control/v1/orgs/{org_id}/auth-policy/task/{task_id}",
                                       "Status of an add-users task: {inProgressCount, successCount, failureCount, "
                                       "failureReasons: [{emails, details: {status, title, detail}}]}; finished when "
                                       "inProgressCount is 0."),
    "cloud.auth_policy.bulk_fetch": _control("POST", "/admin/control/v1/orgs/{org_id}/users/auth-policies/bulk-fetch",
                                             "Policy of each managed account {\"accountIds\": [...]}: an array of "
                                             "UserPolicyInfo items (email first; the other fields are not shown in the "
                                             "reference: matched by account id, else email); read-only.",
                                             retry_safe=True),
    "cloud.auth_policy.list": _auth_policies_ui("GET", "/admin/control/v1/orgs/{org_id}/auth-policies",
                                                "Authentication policies with their settings (Security > "
                                                "Authentication policies): {data: [{id, name, type, isDefault, "
                                                "memberCount, settings}], meta: {guardStandard}, links}."),
    "cloud.auth_policy.create": _auth_policies_ui("POST", "/admin/control/v1/orgs/{org_id}/auth-policies",
                                                  "Create a policy {name, type, settings: {sso, twoStepVerification, "
                                                  "apiTokens, thirdPartyLogin, password, idleSessionMinutes}}."),
    "cloud.auth_policy.update": _auth_policies_ui("PUT", "/admin/control/v1/orgs/{org_id}/auth-policies/{policy_id}",
                                                  "Change a policy's name or settings."),
    "cloud.auth_policy.delete": _auth_policies_ui("DELETE", "/admin/control/v1/orgs/{org_id}/auth-policies/{policy_id}",
                                                  "Delete a policy that has no members."),
    "cloud.auth_policy.members": _auth_policies_ui(
        "GET", "/admin/control/v1/orgs/{org_id}/auth-policies/{policy_id}/members",
        "Members of a policy with the export columns and IdP linkage (cursor pagination, limit)."),

    # --- Atlassian Cloud: SCIM user provisioning -------------------------------------------------------
    "scim.users": _scim("GET", "/scim/directory/{directory_id}/Users",
                        "Users of the provisioning directory (startIndex/count, 100 a page).", page="api-group-users/"),
    "scim.groups": _scim_groups("GET", "/scim/directory/{directory_id}/Groups", "Groups (filter=displayName eq \"x\", startIndex/count)."),
    "scim.groups.create": _scim_groups("POST", "/scim/directory/{directory_id}/Groups", "Create a group {displayName}; 409 when the name exists."),
    "scim.groups.patch": _scim_groups("PATCH", "/scim/directory/{directory_id}/Groups/{group_id}", "Add or remove members (PatchOp)."),
}


_SEEN_UPM = ("no Atlassian reference page documents UPM's REST resources; checked against public UPM clients "
             "(task polling that ends in a 303 with a Location, upm-token header, install.uri media type) and "
             "UPM's own media-type table")
_SEEN_ORG = "the Organizations REST API reference (and the jira.js client generated from its OpenAPI spec)"


def _against(source, left_out):
    """CHECKED entries of operations checked against one `source`: ``{operation: what it leaves out}``."""
    return dict((operation, (source, silent)) for operation, silent in left_out.items())


# What each public endpoint was checked against, and what that reference leaves out (read defensively).
CHECKED = {
    "jira.server_info": (_JIRA_REST + " serverInfo", "nothing the modules read (version, versionNumbers, baseUrl, "
                         "buildNumber, deploymentType are documented)"),
    **_against(_SEEN_UPM, {
        "upm.plugins": "the installed list's body; only the upm-token response header is read",
        "upm.install": "the 202 body beyond status and links.self; a task id is also taken from Location",
        "upm.task": "any body on the final 303 (none is read); failure fields errorMessage / subCode",
        "upm.plugin": "fields beyond key, version, enabled",
        "upm.uninstall": "the success status (200 or 204 both accepted)",
    }),
    "marketplace.version_latest": (_MARKETPLACE + " (query parameters application, applicationBuild, hosting) and "
                                   "public Marketplace clients (versions/latest, _links.artifact.href)",
                                   "the error body of a 404; the compatibilities model beyond dataCenter min/max "
                                   "build (checked again after the filtered query)"),
    "marketplace.version_by_name": (_MARKETPLACE + " and public Marketplace clients (versions/name/{name})",
                                    "whether the compatibility query parameters filter a look-up by name (they "
                                    "are not sent; compatibilities are checked instead)"),
    "jira.users": (_JIRA_REST + " user search", "nothing the modules read"),
    "jira.groups": (_JIRA_REST + " groups picker", "the upper bound of maxResults"),
    "jira.group_members": (_JIRA_REST + " group member", "nothing the modules read"),
    "confluence.groups": (_CONFLUENCE_REST + " group", "nothing the modules read"),
    "confluence.group_members": (_CONFLUENCE_REST + " group member", "whether nested members are included"),
    "crowd.groups": (_CROWD_REST, "nothing the modules read"),
    "crowd.group_child_groups": (_CROWD_REST, "nothing the modules read"),
    "crowd.group_users": (_CROWD_REST, "nothing the modules read"),
    "crowd.users": (_CROWD_REST + " (search, entity-type=user, expand=user)", "nothing the modules read"),
    "crowd.memberships": (_CROWD_MEMBERSHIPS + " and CWD-2450, CWD-2585, CWD-3281 (XML only)",
                          "a JSON form (none is served; the XML is parsed)"),
    "cloud.orgs": (_SEEN_ORG, "the page size"),
    "cloud.org": (_SEEN_ORG + " (Get an organization by ID: scope read:orgs:admin, body {data: {id, type, attributes: "
                  "{name}}}); support.atlassian.com 'Manage an organization with the admin APIs' (API keys with or "
                  "without scopes); AX-712 (an API that supports no scope needs a key without scopes)",
                  "the error answers: 401 for a key Atlassian does not accept is the gateway's, 403 'User has no "
                  "permission to access resource.' is what users report for a key lacking permission; the answer to "
                  "another organization's key and to an organization ID that does not exist is not documented, so "
                  "403 and 404 are both read as 'this key cannot manage this organization'"),
    "cloud.domains": (_SEEN_ORG, "the verification status values"),
    "cloud.directories": (_SEEN_ORG, "nothing the modules read"),
    "cloud.users": (_SEEN_ORG + "; AX-241 and AX-243: links.next is a full URL, pages of 50, snake_case fields",
                    "the page size (read from links.next, never assumed)"),
    "cloud.users.search": (_SEEN_ORG + " (searchDirectoryUsers: resourceIds, expand productAccess)",
                           "the largest limit; links.next is a bare cursor (AX-241); whether resourceIds matches "
                           "access a group grants (assumed, as in the admin UI's user list) and whether "
                           "productAccess lists an app the user never opened (a user without the field is "
                           "reported as unknown, not as without access)"),
    "cloud.groups.search": (_SEEN_ORG, "the largest limit"),
    "cloud.groups.create": (_SEEN_ORG, "nothing the modules read"),
    "cloud.groups.add_member": (_SEEN_ORG, "the answer when the account is already a member"),
    "cloud.groups.remove_member": (_SEEN_ORG, "the answer when the account is not a member"),
    "cloud.groups.role_assignments": (_SEEN_ORG + " (getGroupRoleAssignments, MultiDirectoryGroupRoleAssignment: "
                                      "resourceId, resourceOwner, defaultRole, roles)",
                                      "the page size; whether roles granted to the members one by one appear (they "
                                      "are not read from here)"),
    "cloud.groups.role_assignments.assign": (_SEEN_ORG + " (grantGroupAccess: body resourceId, roleId; roleId "
                                             "values listed; no answer body) and ID-8887 (resource ARIs, the "
                                             "400 for an invalid resource)",
                                             "the success status (any 2xx is accepted) and the answer when the "
                                             "group already holds the role (the module reads first and does not "
                                             "send it)"),
    "cloud.groups.role_assignments.revoke": (_SEEN_ORG + " (revokeGroupAccess: body resourceId, roleId)",
                                             "the success status and the answer when the group does not hold the "
                                             "role (not sent)"),
    "cloud.auth_policy.add_users": (_CONTROL_API + " and https://developer.atlassian.com/cloud/admin/"
                                    "auth-policy-cookbook (body {users: [emails]}, 202 {taskId, taskLink})",
                                    "a limit of addresses per request (10,000 is the admin UI's CSV limit)"),
    "cloud.auth_policy.task": (_CONTROL_API + " (model AddUsersToPolicyTaskStatus) and the auth-policy cookbook "
                               "(finished example: inProgressCount 0)",
                               "the values of details.status/title; a task that is never finished (the module "
                               "stops at task_timeout)"),
    "cloud.auth_policy.bulk_fetch": (_CONTROL_API + " (Get policy information for managed users: accountIds "
                                     "required, array of UserPolicyInfo)",
                                     "every UserPolicyInfo field after email (the policy's id and name, the "
                                     "account id) and a limit of account ids per request (100 are sent)"),
    "scim.users": (_SCIM_API + " and the KB on fetching all users (100 a page)", "rate limits"),
    "scim.groups": (_SCIM_API, "filters other than displayName eq"),
    "scim.groups.create": (_SCIM_API, "nothing the modules read"),
    "scim.groups.patch": (_SCIM_API, "which remove forms are accepted (members[value eq ...] is sent)"),
}


class UnknownOperation(CollectionError):
    """An operation id that is not in the table (a typo in the collection's own code)."""


def resolve(operation, overrides=None):
    """The endpoint for `operation`, with the user's override applied.

    An override is either a path (``/rest/...``) or ``"METHOD /path"``.
    """
    try:
        endpoint = ENDPOINTS[operation]
    except KeyError:
        raise UnknownOperation("unknown API operation %r: it is not in the contract table" % (operation,))
    override = (overrides or {}).get(operation)
    if not override:
        return endpoint
    override = override.strip()
    method, sep, path = override.partition(" ")
    if sep and method.isupper():
        return endpoint._replace(method=method, path=path.strip())
    return endpoint._replace(path=override)


def validate_overrides(overrides):
    """Names of overrides that match no operation (a typo would otherwise be silently ignored)."""
    return sorted(name for name in (overrides or {}) if name not in ENDPOINTS)

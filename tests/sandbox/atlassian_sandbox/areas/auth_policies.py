"""Authentication policies of the cloud organization, and the managed accounts they hold.

Public surfaces (Atlassian documents them):
- ``GET /admin/v1/orgs/{orgId}/users``: managed accounts, cursor pagination (``links.next``), the
  Organizations API v1 field names (``account_id``, ``account_status``, ``last_active``, ``product_access``...).
- ``POST /admin/control/v1/orgs/{orgId}/auth-policy/{policyId}/add-users``: ``{"users": [emails]}`` -> 202
  ``{"taskId", "taskLink"}``; the task is processed asynchronously and moves each managed account from
  whatever policy it is in (one policy per member).
- ``GET /admin/control/v1/orgs/{orgId}/auth-policy/task/{taskId}``: task status, as the Control REST API
  reference (model ``AddUsersToPolicyTaskStatus``) and the auth-policy cookbook document it: counts only,
  ``{"inProgressCount", "successCount", "failureCount", "failureReasons": [{"emails": [...], "details":
  {"status", "title", "detail"}}]}``; finished is ``inProgressCount: 0``. No status word, no task id.
- ``POST /admin/control/v1/orgs/{orgId}/users/auth-policies/bulk-fetch``: ``{"accountIds": [...]}`` (required;
  anything else is a 400) -> a JSON array of ``UserPolicyInfo``. The reference shows ``email`` as the item's
  first field and cuts the rest; this sandbox answers ``{"email", "accountId", "policyId", "policyName"}`` and
  ``bulk_fetch_fields`` in the state (a list of those names) narrows the item, so tests can answer items
  without an account id, as the reference allows. The reference documents no per-request limit; this sandbox
  takes 100.

UI-internal surfaces (no public contract; the shapes below are the contract table's, kept consistent with
the modules): policy list/create/update/delete and the member listing used for export.

Rules enforced as the product documents them: one policy per member; at most 10,000 emails per add-users
request; additional policies and SSO / required two-step / API-token blocking need Atlassian Guard Standard;
two-step, third-party login and password requirements belong to the identity provider once SSO is enforced;
the default policy cannot be deleted; a policy with members cannot be deleted. Rate limiting: a fixed window
per org (``rate_limit`` in the state), answered with 429, ``Retry-After`` and ``X-RateLimit-*`` headers.

Fault knobs in the state (seed them with ``sandbox.seed``): ``task_faults`` = ``{"fail_fraction": 0.5,
"tasks": 1, "reason": "..."}`` makes the next N tasks fail that share of their addresses (every other address
for 0.5, deterministic); ``task_delay_seconds`` is how long a task stays in progress (``inProgressCount`` > 0).
"""

from __future__ import annotations

import asyncio
import datetime
import time
import uuid

from aiohttp import web

from ..auth import ORG, cloud_error, cloud_json, requires
from ..personas import ORG_ID

KINDS = {"cloud"}

MAX_USERS_PER_ADD = 10_000
MAX_USERS_PER_FETCH = 100
TASK_STATUS_FIELDS = ("inProgressCount", "successCount", "failureCount", "failureReasons")
USER_POLICY_INFO_FIELDS = ("email", "accountId", "policyId", "policyName")
USERS_PAGE_SIZE = 100
MEMBERS_PAGE_MAX = 1000
STRENGTHS = ("weak", "fair", "good", "strong", "very_strong")
IDLE_MINUTES_RANGE = (5, 90 * 24 * 60)
DEFAULT_POLICY_ID = "00000000-0000-4000-8000-000000000001"

PRODUCTS = {
    "jira": {"key": "jira-software", "name": "Jira", "url": "acme.atlassian.net"},
    "confluence": {"key": "confluence", "name": "Confluence", "url": "acme.atlassian.net"},
    "jsm": {"key": "jira-servicedesk", "name": "Jira Service Management", "url": "acme.atlassian.net"},
}


def default_settings():
    """What a new policy gets for every setting the request leaves out."""
    return {
        "sso": {"enforced": False, "provider": None},
        "twoStepVerification": "optional",
        "apiTokens": "allow",
        "thirdPartyLogin": "allow",
        "password": {"minimumStrength": "fair", "expiryDays": None},
        "idleSessionMinutes": 30 * 24 * 60,
    }


def account(index, email, name, idp_linked, products=("jira", "confluence"), status="active", two_step=False,
            last_active="2026-11-20T09:00:00Z", policy=DEFAULT_POLICY_ID):
    return {
        "account_id": "acct-%06d" % index,
        "email": email,
        "name": name,
        "account_status": status,
        "last_active": last_active,
        "products": list(products),
        "idp_linked": idp_linked,
        "two_step_enabled": two_step,
        "policy": policy,
    }


def build_state(accounts=(), guard=True, extra_policies=(), rate_limit=None):
    """A complete area state: the default policy holding `accounts` unless they name another policy."""
    policies = {DEFAULT_POLICY_ID: {
        "id": DEFAULT_POLICY_ID, "name": "Default policy", "type": "billable", "isDefault": True,
        "settings": default_settings(),
    }}
    for policy in extra_policies:
        policies[policy["id"]] = policy
    return {
        "guard_standard": guard,
        "policies": policies,
        "accounts": {a["account_id"]: a for a in accounts},
        "tasks": {},
        "task_faults": None,
        "bulk_fetch_fields": None,
        "task_delay_seconds": 0.05,
        "rate_limit": rate_limit or {"requests": 5000, "window_seconds": 10},
        "rate_window": {"start": 0.0, "count": 0},
    }


def generated_accounts(count, domain="example.com", start=1, idp_linked=True):
    """`count` managed accounts user<N>@domain, quickly (benchmarks and the large-sync tests)."""
    return [account(i, "user%05d@%s" % (i, domain), "User %05d" % i, idp_linked)
            for i in range(start, start + count)]


def initial_state(persona):
    people = [
        ("alice@example.com", "Alice Adams", True, ("jira", "confluence"), True),
        ("bob@example.com", "Bob Brown", True, ("jira",), True),
        ("carol@example.com", "Carol Chen", True, ("confluence",), False),
        ("dave@example.com", "Dave Diaz", True, ("jira", "jsm"), True),
        ("erin@example.com", "Erin Evans", True, ("jira", "confluence"), False),
        ("frank@example.com", "Frank Fox", False, ("jira",), False),
        ("grace@contractors.example.net", "Grace Green", False, ("jira",), False),
        ("heidi@contractors.example.net", "Heidi Hall", False, ("confluence",), False),
        ("ivan@contractors.example.net", "Ivan Ito", False, ("jira", "confluence"), False),
        ("svc-deploy@example.com", "Deploy Service", False, ("jira",), False),
        ("bot-ci@example.com", "CI Bot", False, ("jira", "confluence"), False),
        ("bot-sync@example.com", "Sync Bot", False, ("confluence",), False),
    ]
    accounts = [account(i, email, name, linked, products, two_step=two_step)
                for i, (email, name, linked, products, two_step) in enumerate(people, 1)]
    return build_state(accounts)


# -- helpers ------------------------------------------------------------------------------------------------
def _state(persona):
    return persona.state["auth_policies"]


def _rate_limited(persona):
    """A fixed window per org: None, or the 429 to answer with."""
    state = _state(persona)
    limit = state.get("rate_limit") or {}
    if not limit.get("requests"):
        return None
    now = time.time()
    window = state["rate_window"]
    length = float(limit.get("window_seconds", 60))
    if now - window["start"] >= length:
        window["start"], window["count"] = now, 0
    window["count"] += 1
    remaining = limit["requests"] - window["count"]
    if remaining >= 0:
        return None
    reset_at = window["start"] + length
    wait = max(1, int(reset_at - now + 0.999))
    response = cloud_error(429, "Rate limit exceeded. Wait for the rate limit counter to reset.")
    response.headers["Retry-After"] = str(wait)
    response.headers["X-RateLimit-Limit"] = str(limit["requests"])
    response.headers["X-RateLimit-Remaining"] = "0"
    response.headers["X-RateLimit-Reset"] = datetime.datetime.fromtimestamp(
        reset_at, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return response


def _org_checked(persona, handler):
    """Organization API key, the sandbox org, the rate limit."""
    @requires(ORG)
    async def checked(request):
        if request.match_info["org_id"] != ORG_ID:
            return cloud_error(404, "Organization not found")
        limited = _rate_limited(persona)
        if limited is not None:
            return limited
        return await handler(request, persona, _state(persona))

    return checked


_SORTED_IDS = {}


def _sorted_ids(accounts):
    """Account ids in page order, cached per accounts mapping (a seed replaces the mapping; pages of a
    25,000-account org would otherwise re-sort it on every request)."""
    key = (id(accounts), len(accounts))
    cached = _SORTED_IDS.get("ids")
    if cached is None or cached[0] != key:
        cached = (key, sorted(accounts))
        _SORTED_IDS["ids"] = cached
    return cached[1]


def _policy_view(state, policy):
    count = sum(1 for a in state["accounts"].values() if a["policy"] == policy["id"])
    view = dict(policy)
    view["memberCount"] = count
    return view


def _next_link(request, cursor):
    return str(request.url.with_query(dict(request.query, cursor=str(cursor))))


def _page(request, items, size):
    start = int(request.query.get("cursor") or 0)
    chunk = items[start:start + size]
    links = {"self": str(request.url)}
    if start + size < len(items):
        links["next"] = _next_link(request, start + size)
    return chunk, links


# -- settings validation, as the policy editor enforces it ---------------------------------------------
IDP_OWNED = ("twoStepVerification", "thirdPartyLogin", "password")


def _settings_errors(state, policy_type, settings, is_new):
    errors = []
    sso = settings.get("sso") or {}
    enforced = bool(sso.get("enforced"))
    if enforced and sso.get("provider") not in ("saml", "google"):
        errors.append("sso.provider must be saml or google when SSO is enforced")
    if enforced:
        errors += ["%s is managed by the identity provider while SSO is enforced" % key
                   for key in IDP_OWNED if settings.get(key) is not None]
    if not state["guard_standard"]:
        if is_new:
            errors.append("additional authentication policies need Atlassian Guard Standard")
        if enforced:
            errors.append("sso needs Atlassian Guard Standard")
        if settings.get("twoStepVerification") == "required":
            errors.append("twoStepVerification=required needs Atlassian Guard Standard")
        if settings.get("apiTokens") == "block":
            errors.append("apiTokens=block needs Atlassian Guard Standard")
    if settings.get("twoStepVerification") not in (None, "required", "optional"):
        errors.append("twoStepVerification must be required or optional")
    for key in ("apiTokens", "thirdPartyLogin"):
        if settings.get(key) not in (None, "allow", "block"):
            errors.append("%s must be allow or block" % key)
    password = settings.get("password")
    if password is not None:
        if password.get("minimumStrength") not in STRENGTHS:
            errors.append("password.minimumStrength must be one of %s" % ", ".join(STRENGTHS))
        expiry = password.get("expiryDays")
        if expiry is not None and not (isinstance(expiry, int) and 1 <= expiry <= 365):
            errors.append("password.expiryDays must be null (never) or 1 to 365")
    idle = settings.get("idleSessionMinutes")
    if not (isinstance(idle, int) and IDLE_MINUTES_RANGE[0] <= idle <= IDLE_MINUTES_RANGE[1]):
        errors.append("idleSessionMinutes must be %d to %d" % IDLE_MINUTES_RANGE)
    if policy_type not in ("billable", "non-billable"):
        errors.append("type must be billable or non-billable")
    return errors


def _merged_settings(current, requested):
    merged = dict(current)
    for key, value in (requested or {}).items():
        merged[key] = value
    if (merged.get("sso") or {}).get("enforced"):
        # the identity provider owns these once SSO is enforced: the policy stops carrying them
        for key in IDP_OWNED:
            if key not in (requested or {}):
                merged[key] = None
    else:
        defaults = default_settings()
        for key in IDP_OWNED:
            if merged.get(key) is None:
                merged[key] = defaults[key]
        merged["sso"] = {"enforced": False, "provider": None}
    return merged


# -- task processing --------------------------------------------------------------------------------------
async def string_list(request, key, required, most, too_many):
    """(the body's non-empty list of strings under `key`, None), or (None, the 400 that names what is wrong)."""
    body, error = await cloud_json(request)
    if error is not None:
        return None, error
    values = body.get(key) if isinstance(body, dict) else None
    if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
        return None, cloud_error(400, required)
    if len(values) > most:
        return None, cloud_error(400, too_many % most)
    return values, None


def _process_task(persona, task_id):
    state = _state(persona)
    task = state["tasks"].get(task_id)
    if task is None or "users" not in task:
        return
    by_email = {a["email"].lower(): a for a in state["accounts"].values()}
    faults = state.get("task_faults")
    fail_fraction = 0.0
    if faults and faults.get("tasks", 0) > 0:
        fail_fraction = float(faults.get("fail_fraction", 0.5))
        faults["tasks"] -= 1
    failed = []
    processed = 0
    for position, email in enumerate(task["users"]):
        # a deterministic, evenly spread share: with 0.5 every other address fails
        if fail_fraction and int((position + 1) * fail_fraction) > int(position * fail_fraction):
            failed.append((email, faults.get("reason") or "INTERNAL_ERROR"))
            continue
        found = by_email.get(email.lower())
        if found is None:
            failed.append((email, "USER_NOT_MANAGED"))
            continue
        found["policy"] = task["policyId"]
        processed += 1
    reasons = {}
    for email, reason in failed:
        reasons.setdefault(reason, []).append(email)
    task["successCount"] = processed
    task["failureCount"] = len(failed)
    task["failureReasons"] = [
        {"emails": emails, "details": {"status": 400, "title": reason,
                                       "detail": "The user could not be added to the policy."}}
        for reason, emails in reasons.items()]
    task["inProgressCount"] = 0
    del task["users"]
    persona.sandbox.save()


def routes(persona):
    # -- public: managed accounts (Organizations API v1) ------------------------------------------------
    async def users(request, persona, state):
        policies = state["policies"]
        ids, links = _page(request, _sorted_ids(state["accounts"]), USERS_PAGE_SIZE)
        data = []
        for account_id in ids:
            acct = state["accounts"][account_id]
            data.append({
                "account_id": acct["account_id"],
                "account_type": "atlassian",
                "account_status": acct["account_status"],
                "name": acct["name"],
                "picture": "https://avatar-management.services.atlassian.com/default/48",
                "email": acct["email"],
                "access_billable": policies.get(acct["policy"], {}).get("type") == "billable",
                "last_active": acct["last_active"],
                "product_access": [dict(PRODUCTS[p], last_active=acct["last_active"]) for p in acct["products"]],
                "links": {"self": "/users/" + acct["account_id"]},
            })
        return web.json_response({"data": data, "links": links})

    # -- public: add-users, task status, bulk-fetch ------------------------------------------------------
    async def add_users(request, persona, state):
        policy = state["policies"].get(request.match_info["policy_id"])
        if policy is None:
            return cloud_error(404, "Authentication policy not found")
        emails, error = await string_list(request, "users", "users must be a non-empty list of email addresses",
                                          MAX_USERS_PER_ADD, "At most %d users can be added at a time")
        if error is not None:
            return error
        task_id = str(uuid.uuid4())
        state["tasks"][task_id] = {"policyId": policy["id"], "users": list(emails), "inProgressCount": len(emails),
                                   "successCount": 0, "failureCount": 0, "failureReasons": []}
        asyncio.get_running_loop().call_later(float(state.get("task_delay_seconds", 0.05)),
                                              _process_task, persona, task_id)
        link = "%s/admin/control/v1/orgs/%s/auth-policy/task/%s" % (persona.base_url, ORG_ID, task_id)
        return web.json_response({"taskId": task_id, "taskLink": link}, status=202)

    async def task_status(request, persona, state):
        task = state["tasks"].get(request.match_info["task_id"])
        if task is None:
            return cloud_error(404, "Task not found")
        if "users" not in task:  # finished: count the polls that saw it so (tests check a client stops at one)
            task["pollsAfterDone"] = task.get("pollsAfterDone", 0) + 1
        return web.json_response({key: task[key] for key in TASK_STATUS_FIELDS})

    async def bulk_fetch(request, persona, state):
        ids, error = await string_list(request, "accountIds", "accountIds is required: a non-empty list of account IDs",
                                       MAX_USERS_PER_FETCH, "At most %d accountIds per request")
        if error is not None:
            return error
        fields = state.get("bulk_fetch_fields") or USER_POLICY_INFO_FIELDS
        items = []
        for account_id in ids:
            acct = state["accounts"].get(account_id)
            if acct is None:
                continue
            policy = state["policies"].get(acct["policy"]) or {}
            info = {"email": acct["email"], "accountId": account_id, "policyId": policy.get("id"),
                    "policyName": policy.get("name")}
            items.append({key: info[key] for key in USER_POLICY_INFO_FIELDS if key in fields})
        return web.json_response(items)

    # -- UI-internal: policies ----------------------------------------------------------------------------
    async def list_policies(request, persona, state):
        views = [_policy_view(state, p) for p in state["policies"].values()]
        views.sort(key=lambda p: (not p["isDefault"], p["name"].lower()))
        chunk, links = _page(request, views, 50)
        return web.json_response({"data": chunk, "meta": {"guardStandard": state["guard_standard"]},
                                  "links": links})

    async def create_policy(request, persona, state):
        body = await request.json()
        name = (body.get("name") or "").strip()
        if not name:
            return cloud_error(400, "name is required")
        if any(p["name"].lower() == name.lower() for p in state["policies"].values()):
            return cloud_error(409, "A policy named %s already exists" % name)
        settings = _merged_settings(default_settings(), body.get("settings"))
        policy_type = body.get("type", "billable")
        errors = _settings_errors(state, policy_type, settings, is_new=True)
        if errors:
            return cloud_error(400, "; ".join(errors))
        policy = {"id": str(uuid.uuid4()), "name": name, "type": policy_type, "isDefault": False,
                  "settings": settings}
        state["policies"][policy["id"]] = policy
        return web.json_response(_policy_view(state, policy), status=201)

    async def update_policy(request, persona, state):
        policy = state["policies"].get(request.match_info["policy_id"])
        if policy is None:
            return cloud_error(404, "Authentication policy not found")
        body = await request.json()
        settings = _merged_settings(policy["settings"], body.get("settings"))
        policy_type = body.get("type", policy["type"])
        errors = _settings_errors(state, policy_type, settings, is_new=False)
        name = (body.get("name") or policy["name"]).strip()
        if any(p["name"].lower() == name.lower() and p["id"] != policy["id"] for p in state["policies"].values()):
            errors.append("a policy named %s already exists" % name)
        if errors:
            return cloud_error(400, "; ".join(errors))
        policy.update(name=name, type=policy_type, settings=settings)
        return web.json_response(_policy_view(state, policy))

    async def delete_policy(request, persona, state):
        policy = state["policies"].get(request.match_info["policy_id"])
        if policy is None:
            return cloud_error(404, "Authentication policy not found")
        if policy["isDefault"]:
            return cloud_error(400, "The default policy cannot be deleted")
        members = sum(1 for a in state["accounts"].values() if a["policy"] == policy["id"])
        if members:
            return cloud_error(409, "The policy has %d members; move them to another policy first" % members)
        del state["policies"][policy["id"]]
        return web.Response(status=204)

    async def members(request, persona, state):
        policy = state["policies"].get(request.match_info["policy_id"])
        if policy is None:
            return cloud_error(404, "Authentication policy not found")
        limit = min(int(request.query.get("limit") or 100), MEMBERS_PAGE_MAX)
        sso = policy["settings"]["sso"]
        items = []
        for acct in sorted(state["accounts"].values(), key=lambda a: a["email"]):
            if acct["policy"] != policy["id"]:
                continue
            items.append({
                "accountId": acct["account_id"],
                "name": acct["name"],
                "email": acct["email"],
                "lastActive": acct["last_active"],
                "status": acct["account_status"],
                "billable": policy["type"] == "billable",
                "idpLinked": acct["idp_linked"],
                "samlSso": bool(sso["enforced"] and sso["provider"] == "saml" and acct["idp_linked"]),
                "twoStepEnabled": acct["two_step_enabled"],
                "products": [{"name": PRODUCTS[p]["name"], "site": PRODUCTS[p]["url"]} for p in acct["products"]],
            })
        chunk, links = _page(request, items, limit)
        return web.json_response({"data": chunk, "links": links})

    control = "/admin/control/v1/orgs/{org_id}"
    return [
        web.get("/admin/v1/orgs/{org_id}/users", _org_checked(persona, users)),
        web.post(control + "/auth-policy/{policy_id}/add-users", _org_checked(persona, add_users)),
        web.get(control + "/auth-policy/task/{task_id}", _org_checked(persona, task_status)),
        web.post(control + "/users/auth-policies/bulk-fetch", _org_checked(persona, bulk_fetch)),
        web.get(control + "/auth-policies", _org_checked(persona, list_policies)),
        web.post(control + "/auth-policies", _org_checked(persona, create_policy)),
        web.put(control + "/auth-policies/{policy_id}", _org_checked(persona, update_policy)),
        web.delete(control + "/auth-policies/{policy_id}", _org_checked(persona, delete_policy)),
        web.get(control + "/auth-policies/{policy_id}/members", _org_checked(persona, members)),
    ]

"""The URL allowlist (Administration > System > Allowlist) of Jira and Confluence.

UI-internal: Atlassian publishes no REST contract, so this area implements the shape of the contract table's
``dc.allowlist.*`` entries (the same wire format as plugins/module_utils/_dc/allowlist.py), with the
validation the admin form is documented to apply: a regular expression must compile, and a rule that allows
incoming (CORS) requests must name an origin, scheme://host[:port] with no trailing slash. Rules of type
APPLICATION_LINK are the ones the product adds for application links; they cannot be created, changed or
deleted through the form.
"""

from __future__ import annotations

import re

from aiohttp import web

from ..auth import ADMIN, dc_error, requires

KINDS = {"jira", "confluence"}

FORM_TYPES = ("DOMAIN_NAME", "EXACT_URL", "WILDCARD_EXPRESSION", "REGULAR_EXPRESSION")
APPLICATION_LINK = "APPLICATION_LINK"
_ORIGIN = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/?#@\s:]+(:[0-9]{1,5})?$")
_ABSOLUTE_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/?#\s]+")


def initial_state(persona):
    # A fresh instance has the allowlist switched on and no rules of its own.
    return {"enabled": True, "next_id": 1, "rules": []}


def _field_errors(body):
    """Jira-style field errors for a rule body, empty when the form would accept it."""
    if not isinstance(body, dict):
        return {"rule": "The request body must be a JSON object."}
    errors = {}
    expression = body.get("expression")
    rule_type = body.get("type")
    if not isinstance(expression, str) or not expression.strip():
        errors["expression"] = "An expression is required."
    if rule_type not in FORM_TYPES:
        errors["type"] = f"Type must be one of {', '.join(FORM_TYPES)}."
    for flag in ("allowInbound", "authenticationRequired"):
        if flag in body and not isinstance(body[flag], bool):
            errors[flag] = f"{flag} must be true or false."
    if errors:
        return errors
    if rule_type == "REGULAR_EXPRESSION":
        try:
            re.compile(expression)
        except re.error as exc:
            errors["expression"] = f"The regular expression is not valid: {exc}"
    elif rule_type in ("EXACT_URL", "DOMAIN_NAME") and not _ABSOLUTE_URL.match(expression):
        errors["expression"] = "Enter an absolute URL, for example https://www.atlassian.com."
    if body.get("allowInbound") and not _ORIGIN.match(expression):
        errors["allowInbound"] = ("Incoming requests need an origin in the form scheme://host[:port], "
                                  "without a trailing slash.")
    return errors


def _rule(rule_id, body):
    return {
        "id": rule_id,
        "expression": body["expression"],
        "type": body["type"],
        "allowInbound": bool(body.get("allowInbound", False)),
        "authenticationRequired": bool(body.get("authenticationRequired", True)),
    }


def routes(persona):
    def state():
        return persona.state["allowlist"]

    def find(request):
        try:
            rule_id = int(request.match_info["rule_id"])
        except ValueError:
            return None
        return next((r for r in state()["rules"] if r["id"] == rule_id), None)

    def editable(request):
        """(the rule the path names, None), or (None, the answer that refuses it: no such rule, or one an
        application link owns)."""
        rule = find(request)
        if rule is None:
            return None, dc_error(404, "No allowlist rule with this id.")
        if rule["type"] == APPLICATION_LINK:
            return None, dc_error(400, "Rules of application links are managed with the application link.")
        return rule, None

    async def body_of(request):
        try:
            return await request.json()
        except ValueError:
            return None

    def invalid(errors):
        return web.json_response({"errorMessages": [], "errors": errors}, status=400)

    @requires(ADMIN)
    async def list_rules(request):
        return web.json_response(state()["rules"])

    @requires(ADMIN)
    async def create_rule(request):
        body = await body_of(request)
        errors = _field_errors(body)
        if errors:
            return invalid(errors)
        rule = _rule(state()["next_id"], body)
        state()["next_id"] += 1
        state()["rules"].append(rule)
        return web.json_response(rule, status=201)

    @requires(ADMIN)
    async def update_rule(request):
        rule, refused = editable(request)
        if refused is not None:
            return refused
        body = await body_of(request)
        errors = _field_errors(body)
        if errors:
            return invalid(errors)
        rule.update(_rule(rule["id"], body))
        return web.json_response(rule)

    @requires(ADMIN)
    async def delete_rule(request):
        rule, refused = editable(request)
        if refused is not None:
            return refused
        state()["rules"].remove(rule)
        return web.Response(status=204)

    @requires(ADMIN)
    async def get_status(request):
        return web.json_response({"enabled": state()["enabled"]})

    @requires(ADMIN)
    async def set_status(request):
        body = await body_of(request)
        if not isinstance(body, dict) or not isinstance(body.get("enabled"), bool):
            return invalid({"enabled": "enabled must be true or false."})
        state()["enabled"] = body["enabled"]
        return web.json_response({"enabled": state()["enabled"]})

    base = persona.path("/rest/whitelist/latest/whitelist")
    return [
        # The fixed /status route is registered before /{rule_id} so it is not taken for a rule id.
        web.get(base + "/status", get_status),
        web.put(base + "/status", set_status),
        web.get(base, list_rules),
        web.post(base, create_rule),
        web.put(base + "/{rule_id}", update_rule),
        web.delete(base + "/{rule_id}", delete_rule),
    ]

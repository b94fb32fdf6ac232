# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Authentication policy settings: validation, normalisation, and the policy editor's wire form.

The rules come from the product documentation:
- additional policies, SSO, required two-step verification and blocking user API tokens need Atlassian
  Guard Standard;
- once SSO is enforced, two-step verification, third-party login and password requirements are managed only
  in the identity provider, not in the policy;
- passwords do not expire by default.

The settings wire form belongs to a UI-internal endpoint (no public contract), so every conversion lives
here, next to its tests.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.errors import CollectionError

STRENGTHS = ("weak", "fair", "good", "strong", "very_strong")
# The product's two-step setting has two states (seed 003: required, or set up and used optionally); there is
# no "off": a member may always set up two-step verification for their own account.
TWO_STEP = ("required", "optional")
_TWO_STEP_OFF = ("off", "false", "no", "disabled", "none")
# Seed 003: allowing or blocking user API tokens applies at each member's next API call with a token and can
# take up to 10 minutes; until then members keep the previous behaviour.
API_TOKENS_PROPAGATION_SECONDS = 600
ALLOW_BLOCK = ("allow", "block")
PROVIDERS = ("saml", "google")
IDP_OWNED = ("two_step", "third_party_login", "password")
# The product offers a fixed menu in its editor that Atlassian does not publish; the collection accepts any
# whole number of minutes in this range and the server has the last word.
IDLE_MIN_MINUTES = 5
IDLE_MAX_MINUTES = 90 * 24 * 60
EXPIRY_MAX_DAYS = 365
SETTING_KEYS = ("sso", "two_step", "api_tokens", "third_party_login", "password", "idle_session")
# What a new policy holds for every setting the request leaves out, and what an IdP-owned setting returns to when
# SSO is switched off with no value of its own: the admin UI's defaults (two-step optional, API tokens and
# third-party login allowed, fair passwords that never expire, 30-day idle sessions). UI-internal knowledge, like
# the policy endpoints themselves; check mode predicts with it and the real run reports what the product answers.
PRODUCT_DEFAULTS = {"twoStepVerification": "optional", "apiTokens": "allow", "thirdPartyLogin": "allow",
                    "password": {"minimumStrength": "fair", "expiryDays": None},
                    "idleSessionMinutes": 30 * 24 * 60}

_UNITS = {"m": 1, "min": 1, "minute": 1, "minutes": 1, "h": 60, "hour": 60, "hours": 60,
          "d": 1440, "day": 1440, "days": 1440, "w": 10080, "week": 10080, "weeks": 10080}
_DURATION = re.compile(r"^\s*(\d+)\s*([a-z]+)\s*$")


class SettingsConflict(CollectionError):
    """Settings the product would refuse; `problems` names every offending field."""

    def __init__(self, problems):
        self.problems = list(problems)
        super(SettingsConflict, self).__init__(
            "Settings the product refuses: " + "; ".join(self.problems))


def parse_duration(value):
    """Minutes from '30m', '12h', '7d', '2w', '90 minutes' or a bare number of minutes."""
    if isinstance(value, bool):
        raise ValueError("not a duration: %r" % (value,))
    if isinstance(value, int):
        return value
    text = str(value).strip().lower()
    if text.isdigit():
        return int(text)
    match = _DURATION.match(text)
    if not match or match.group(2) not in _UNITS:
        raise ValueError("not a duration: %r (use a number with m, h, d or w, e.g. 30m, 12h, 7d)" % (value,))
    return int(match.group(1)) * _UNITS[match.group(2)]


def format_duration(minutes):
    """The shortest exact form: 10080 -> '7d', 720 -> '12h', 45 -> '45m'."""
    if minutes is None:
        return None
    if minutes % 1440 == 0:
        return "%dd" % (minutes // 1440)
    if minutes % 60 == 0:
        return "%dh" % (minutes // 60)
    return "%dm" % minutes


def requested(settings):
    """The settings the user named (Ansible fills unnamed suboptions with None)."""
    return dict((key, value) for key, value in (settings or {}).items() if key in SETTING_KEYS and value is not None)


def validate(settings, guard_standard=None, new_policy=False, sso_enforced_now=False, policy_name=None):
    """Normalised requested settings, or SettingsConflict naming every field the product would refuse.

    `guard_standard` None means "not known yet" (Guard rules are then checked once it is known);
    `sso_enforced_now` is the policy's current SSO state, for requests that do not mention SSO.
    """
    wanted = requested(settings)
    problems = []
    normalised = {}
    _validate_sso(wanted, normalised, problems, sso_enforced_now, policy_name)
    _validate_choices(wanted, normalised, problems)
    if "password" in wanted:
        normalised["password"] = _validated_password(wanted["password"] or {}, problems)
    if "idle_session" in wanted:
        _validate_idle_session(wanted["idle_session"], normalised, problems)
    if guard_standard is False:
        problems.extend(guard_problems(normalised, new_policy))
    if problems:
        raise SettingsConflict(problems)
    return normalised


def _validate_sso(wanted, normalised, problems, sso_enforced_now, policy_name):
    """SSO itself, and the settings only the identity provider manages while SSO is enforced."""
    sso = wanted.get("sso")
    if sso is not None:
        enforced = bool(sso.get("enforced"))
        provider = sso.get("provider")
        if enforced and provider not in PROVIDERS:
            problems.append("settings.sso.provider: must be saml or google when SSO is enforced")
        normalised["sso"] = {"enforced": enforced, "provider": provider if enforced else None}
    sso_enforced = normalised["sso"]["enforced"] if "sso" in normalised else sso_enforced_now

    for key in IDP_OWNED:
        if key in wanted and sso_enforced:
            where = "settings.sso.enforced is true" if "sso" in normalised else \
                "SSO is enforced on policy %s" % (policy_name or "this policy")
            problems.append("settings.%s: managed only in the identity provider while SSO is enforced (%s)"
                            % (key, where))


def _validate_choices(wanted, normalised, problems):
    """The settings that take one of a fixed set of words: two_step, api_tokens, third_party_login."""
    if "two_step" in wanted:
        if str(wanted["two_step"]).strip().lower() in _TWO_STEP_OFF:
            problems.append("settings.two_step: the product has no 'off'; two-step verification is required or "
                            "optional (optional lets each member choose), got %r" % (wanted["two_step"],))
        elif wanted["two_step"] not in TWO_STEP:
            problems.append("settings.two_step: %r is not one of %s" % (wanted["two_step"], ", ".join(TWO_STEP)))
        normalised["two_step"] = wanted["two_step"]
    for key in ("api_tokens", "third_party_login"):
        if key in wanted:
            if wanted[key] not in ALLOW_BLOCK:
                problems.append("settings.%s: %r is not allow or block" % (key, wanted[key]))
            normalised[key] = wanted[key]


def _validated_password(password, problems):
    """The password rules in the product's words (strength name, expiry in days)."""
    strength = password.get("min_strength")
    if strength is not None:
        strength = str(strength).strip().lower().replace(" ", "_")
    if strength not in STRENGTHS:
        problems.append("settings.password.min_strength: unknown strength %r (one of %s)"
                        % (password.get("min_strength"), ", ".join(STRENGTHS)))
    expiry = password.get("expiry_days") or 0
    if not 0 <= expiry <= EXPIRY_MAX_DAYS:
        problems.append("settings.password.expiry_days: %s is outside 0 (never expires) to %d"
                        % (expiry, EXPIRY_MAX_DAYS))
    return {"min_strength": strength, "expiry_days": expiry}


def _validate_idle_session(idle_session, normalised, problems):
    """The idle timeout, parsed and kept in its shortest exact form when it parses."""
    try:
        minutes = parse_duration(idle_session)
    except ValueError as exc:
        problems.append("settings.idle_session: %s" % exc)
        return
    if not IDLE_MIN_MINUTES <= minutes <= IDLE_MAX_MINUTES:
        problems.append("settings.idle_session: %s is outside %s to %s" % (
            idle_session, format_duration(IDLE_MIN_MINUTES), format_duration(IDLE_MAX_MINUTES)))
    normalised["idle_session"] = format_duration(minutes)


def guard_problems(normalised, new_policy):
    """What needs Atlassian Guard Standard on an organization that does not have it."""
    problems = []
    if new_policy:
        problems.append("policy: an additional authentication policy needs Atlassian Guard Standard")
    if (normalised.get("sso") or {}).get("enforced"):
        problems.append("settings.sso: enforcing single sign-on needs Atlassian Guard Standard")
    if normalised.get("two_step") == "required":
        problems.append("settings.two_step: requiring two-step verification needs Atlassian Guard Standard")
    if normalised.get("api_tokens") == "block":
        problems.append("settings.api_tokens: blocking user API tokens needs Atlassian Guard Standard")
    return problems


# -- wire form of the policy editor (UI-internal) -----------------------------------------------------------
def from_api(api):
    """Module-shaped settings from the policy editor's JSON. IdP-owned settings read as None under SSO."""
    api = api or {}
    sso = api.get("sso") or {}
    password = api.get("password")
    idle = api.get("idleSessionMinutes")
    return {
        "sso": {"enforced": bool(sso.get("enforced")), "provider": sso.get("provider") if sso.get("enforced") else None},
        "two_step": api.get("twoStepVerification"),
        "api_tokens": api.get("apiTokens"),
        "third_party_login": api.get("thirdPartyLogin"),
        "password": None if password is None else {
            "min_strength": password.get("minimumStrength"),
            "expiry_days": password.get("expiryDays") or 0,
        },
        "idle_session": format_duration(idle) if isinstance(idle, int) else idle,
    }


def to_api(normalised):
    """The policy editor's JSON for the given (normalised) settings only."""
    body = {}
    if "sso" in normalised:
        body["sso"] = dict(normalised["sso"])
    if "two_step" in normalised:
        body["twoStepVerification"] = normalised["two_step"]
    if "api_tokens" in normalised:
        body["apiTokens"] = normalised["api_tokens"]
    if "third_party_login" in normalised:
        body["thirdPartyLogin"] = normalised["third_party_login"]
    if "password" in normalised:
        password = normalised["password"]
        body["password"] = {"minimumStrength": password["min_strength"],
                            "expiryDays": password["expiry_days"] or None}
    if "idle_session" in normalised:
        body["idleSessionMinutes"] = parse_duration(normalised["idle_session"])
    return body


def changes(current, normalised):
    """The requested settings that differ from the current (module-shaped) ones."""
    return dict((key, value) for key, value in normalised.items() if current.get(key) != value)


def predicted(current, normalised):
    """The settings after applying `normalised`, as the product resolves them (IdP-owned ones vanish under
    SSO, and come back at their previous values or defaults when SSO is turned off)."""
    after = dict(current)
    after.update(normalised)
    defaults = from_api(PRODUCT_DEFAULTS)
    for key in IDP_OWNED:
        if after["sso"]["enforced"]:
            after[key] = None
        elif after.get(key) is None:
            after[key] = defaults[key]
    return after


def new_policy_settings():
    """The settings of a policy the product has just created from an empty request."""
    return from_api(PRODUCT_DEFAULTS)

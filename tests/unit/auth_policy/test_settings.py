"""Unit tests of settings validation and normalisation (no network)."""

import pytest

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._auth_policy import settings as s


@pytest.mark.parametrize("text, minutes", [
    ("30m", 30), ("12h", 720), ("7d", 10080), ("2w", 20160), ("90 minutes", 90), ("45", 45), (" 1 Day ", 1440),
])
def test_durations_parse_to_minutes(text, minutes):
    assert s.parse_duration(text) == minutes


@pytest.mark.parametrize("minutes, text", [(30, "30m"), (720, "12h"), (1440, "1d"), (10080, "7d"), (90, "90m")])
def test_durations_format_to_the_shortest_exact_form(minutes, text):
    assert s.format_duration(minutes) == text


@pytest.mark.parametrize("bad", ["", "h", "12 parsecs", "-5m", "1.5h", True])
def test_bad_durations_are_refused(bad):
    with pytest.raises(ValueError):
        s.parse_duration(bad)


def test_idp_owned_fields_under_sso_are_all_named():
    with pytest.raises(s.SettingsConflict) as err:
        s.validate({"sso": {"enforced": True, "provider": "google"}, "two_step": "optional",
                    "third_party_login": "allow", "password": {"min_strength": "fair", "expiry_days": 0}})
    assert [p.split(":")[0] for p in err.value.problems] == [
        "settings.two_step", "settings.third_party_login", "settings.password"]


def test_sso_enforced_on_the_policy_already_counts_when_the_request_does_not_mention_it():
    with pytest.raises(s.SettingsConflict) as err:
        s.validate({"password": {"min_strength": "good"}}, sso_enforced_now=True, policy_name="Staff")
    assert "SSO is enforced on policy Staff" in str(err.value)
    # turning SSO off in the same request makes them the policy's again
    out = s.validate({"sso": {"enforced": False}, "password": {"min_strength": "good"}}, sso_enforced_now=True)
    assert out["password"] == {"min_strength": "good", "expiry_days": 0}


def test_sso_needs_a_provider():
    with pytest.raises(s.SettingsConflict) as err:
        s.validate({"sso": {"enforced": True, "provider": None}})
    assert err.value.problems == ["settings.sso.provider: must be saml or google when SSO is enforced"]


def test_guard_rules_apply_only_when_guard_is_known_to_be_missing():
    wanted = {"sso": {"enforced": True, "provider": "saml"}, "api_tokens": "block"}
    assert s.validate(wanted, guard_standard=None)["api_tokens"] == "block"
    assert s.validate(wanted, guard_standard=True)["sso"]["enforced"]
    with pytest.raises(s.SettingsConflict) as err:
        s.validate(dict(wanted, idle_session="1h"), guard_standard=False, new_policy=True)
    assert [p.split(":")[0] for p in err.value.problems] == ["policy", "settings.sso", "settings.api_tokens"]
    assert s.validate({"two_step": "optional", "api_tokens": "allow"}, guard_standard=False)


def test_strength_is_normalised_and_unknown_ones_listed_with_the_valid_values():
    assert s.validate({"password": {"min_strength": "Very Strong", "expiry_days": 0}})["password"]["min_strength"] == \
        "very_strong"
    with pytest.raises(s.SettingsConflict) as err:
        s.validate({"password": {"min_strength": "medium"}})
    assert "weak, fair, good, strong, very_strong" in str(err.value)


def test_wire_form_round_trips():
    normalised = s.validate({"sso": {"enforced": False, "provider": "saml"}, "two_step": "required",
                             "api_tokens": "block", "third_party_login": "block",
                             "password": {"min_strength": "strong", "expiry_days": 90}, "idle_session": "8h"})
    api = s.to_api(normalised)
    assert api == {"sso": {"enforced": False, "provider": None}, "twoStepVerification": "required",
                   "apiTokens": "block", "thirdPartyLogin": "block",
                   "password": {"minimumStrength": "strong", "expiryDays": 90}, "idleSessionMinutes": 480}
    assert s.from_api(api) == normalised
    # never expires: 0 in the module, null on the wire
    assert s.to_api({"password": {"min_strength": "fair", "expiry_days": 0}})["password"]["expiryDays"] is None


def test_predicted_settings_drop_idp_owned_values_under_sso():
    current = s.from_api({"sso": {"enforced": False}, "twoStepVerification": "optional", "apiTokens": "allow",
                          "thirdPartyLogin": "allow", "password": {"minimumStrength": "fair"},
                          "idleSessionMinutes": 60})
    after = s.predicted(current, {"sso": {"enforced": True, "provider": "saml"}})
    assert after["two_step"] is None and after["password"] is None and after["third_party_login"] is None
    assert after["idle_session"] == "1h" and after["api_tokens"] == "allow"
    assert s.changes(current, {"idle_session": "60m"}) == {"idle_session": "60m"}
    assert s.changes(current, s.validate({"idle_session": "60m"})) == {}

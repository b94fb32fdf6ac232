"""The app decides the steps: which of the guide's steps run for Rovo, Portfolio Insights or both, on a current
or an older product, public or private; and the one-line refusal of Rovo below the cloud connector minimum."""

import pytest

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._dc.info import (
    CLOUD_CONNECTOR_MINIMUM,
    ProductError,
    app_choice,
    connection_plan,
    format_version,
    meets_minimum,
    preconditions,
)

URL = "https://dc.example.com"


def _facts(product, version):
    minimum = CLOUD_CONNECTOR_MINIMUM[product]
    return {"product": product, "version": version, "cloud_connector_minimum_version": format_version(minimum),
            "cloud_connector_supported": meets_minimum(version, minimum)}


def _steps(plan):
    return {step for step in ("cloud_companion", "application_tunnel", "org_connector") if plan[step]}


@pytest.mark.parametrize("product, version, apps, private, steps", [
    ("jira", "11.3.0", ["rovo"], False, {"org_connector"}),
    ("jira", "11.3.0", ["rovo"], True, {"application_tunnel", "org_connector"}),
    ("jira", "11.3.0", ["portfolio_insights"], True, {"cloud_companion", "org_connector"}),
    ("confluence", "10.2.1", ["portfolio_insights", "rovo"], True,
     {"cloud_companion", "application_tunnel", "org_connector"}),
    ("jira", "10.2.0", ["portfolio_insights"], False, {"cloud_companion"}),
    ("confluence", "9.2.4", ["portfolio_insights"], True, {"cloud_companion"}),
    # Milestones of the minimum release are older than it; pre-releases of a later one are not.
    ("jira", "11.3.0-m1", ["portfolio_insights"], False, {"cloud_companion"}),
    ("jira", "11.3.1-rc1", ["portfolio_insights"], False, {"cloud_companion", "org_connector"}),
    ("confluence", "10.2.0-beta2", ["portfolio_insights"], False, {"cloud_companion"}),
])
def test_the_app_and_the_version_decide_the_steps(product, version, apps, private, steps):
    plan, refusal = connection_plan(_facts(product, version), URL, apps, private)
    assert refusal is None
    assert _steps(plan) == steps
    assert {s["step"] for s in plan["skipped"]} == {"cloud_companion", "application_tunnel", "org_connector"} - steps


@pytest.mark.parametrize("product, version", [("jira", "10.2.0"), ("jira", "11.3.0-m1"), ("confluence", "9.2.4")])
@pytest.mark.parametrize("apps", [["rovo"], ["rovo", "portfolio_insights"]], ids=["rovo", "both"])
def test_rovo_below_the_minimum_is_refused_with_the_guides_alternatives(product, version, apps):
    _plan, refusal = connection_plan(_facts(product, version), URL, apps, True)
    assert refusal.startswith("Rovo needs a cloud connector, and %s at %s is version %s" % (
        product.capitalize(), URL, version))
    for alternative in ("upgrade the instance", "Cloud Companion app", "application links", "in-product integrations"):
        assert alternative in refusal
    assert "\n" not in refusal


def test_the_older_path_names_why_the_connector_is_skipped():
    plan, _refusal = connection_plan(_facts("jira", "10.2.0"), URL, ["portfolio_insights"])
    reason = [s["reason"] for s in plan["skipped"] if s["step"] == "org_connector"]
    assert reason == ["Jira 10.2.0 is below Jira 11.3.0, the cloud connector minimum: Portfolio Insights connects "
                      "through the Cloud Companion app only"]


@pytest.mark.parametrize("apps, expected", [
    (["portfolio_insights", "rovo", "rovo"], ["rovo", "portfolio_insights"]),
    ("rovo", ["rovo"]),
])
def test_the_choice_is_normalised(apps, expected):
    assert app_choice(apps) == expected


@pytest.mark.parametrize("apps, named", [(["rovo", "confluence"], "confluence"), ([], "none"), (None, "none")])
def test_an_unknown_or_empty_choice_is_one_clear_error(apps, named):
    with pytest.raises(ProductError) as raised:
        app_choice(apps)
    assert str(raised.value) == "the apps to connect must be rovo, portfolio_insights or both, as a list; got " + named


def test_the_version_check_is_the_apps_own():
    facts = _facts("jira", "10.2.0")
    older = preconditions(None, facts, URL, require_cloud_connector=True,
                          plan=connection_plan(facts, URL, ["portfolio_insights"]))
    assert older[0]["ok"] is True and "Cloud Companion app only" in older[0]["detail"]
    refused = preconditions(None, facts, URL, require_cloud_connector=True, plan=connection_plan(facts, URL, ["rovo"]))
    assert refused[0]["ok"] is False and refused[0]["detail"].startswith("Rovo needs a cloud connector")
    strict = preconditions(None, facts, URL, require_cloud_connector=True)
    assert strict[0]["ok"] is False and strict[0]["detail"].startswith("Jira at %s is version 10.2.0" % URL)

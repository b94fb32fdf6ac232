"""dc_app against the sandbox's UPM as UPM answers: token header, install media type, 202 + task polling that
ends in a body-less 303, versions read from the app's own descriptor, version comparison."""

import pytest

KEY = "com.example.companion"


def _uri(sandbox, version, key=KEY, kind="jar"):
    """An app archive in the sandbox's artifact repository (a real jar with atlassian-plugin.xml)."""
    return "%s/artifacts/%s-%s.%s" % (sandbox.url("cloud"), key, version, kind)


def _upm_calls(sandbox, persona):
    return [(e["method"], e["path"].split("/rest/plugins/1.0/")[1], e["status"]) for e in sandbox.log(persona)
            if "/rest/plugins/1.0/" in e["path"]]


def _writes(sandbox, persona):
    return [c for c in _upm_calls(sandbox, persona) if c[0] != "GET"]


@pytest.mark.parametrize("persona, prefix", [("jira", ""), ("confluence", "/confluence")])
def test_install_upgrade_rerun_and_check_mode(run_module, sandbox, persona, prefix):
    planned = run_module("dc_app", connection=persona, key=KEY, version="1.9.2", app_url=_uri(sandbox, "1.9.2"),
                         check_mode=True, diff=True)
    assert planned.rc == 0, planned
    assert planned["changed"] and planned["version"] == "1.9.2" and planned["installed"]
    assert planned["diff"] == {"before": {"version": None}, "after": {"version": "1.9.2"}}
    assert _writes(sandbox, persona) == []

    sandbox.clear_log()
    result = run_module("dc_app", connection=persona, key=KEY, version="1.9.2", app_url=_uri(sandbox, "1.9.2"),
                        diff=True)
    assert result.rc == 0, result
    assert result["changed"] and result["installed"] and result["version"] == "1.9.2" and result["enabled"]
    assert {k: result[k] for k in ("changed", "version", "installed", "diff")} == {
        k: planned[k] for k in ("changed", "version", "installed", "diff")}
    calls = _upm_calls(sandbox, persona)
    # one token per install, then the install (202), then the task until UPM's body-less 303
    assert [c for c in calls if c[1] == ""] == [("GET", "", 200), ("POST", "", 202)]
    assert [c[2] for c in calls if c[1].startswith("pending/")] == [200, 303]
    install = [e for e in sandbox.log(persona) if e["method"] == "POST"][0]
    assert install["path"] == prefix + "/rest/plugins/1.0/" and install["query"]["token"]

    sandbox.clear_log()
    upgraded = run_module("dc_app", connection=persona, key=KEY, version="1.10.0",
                          app_url=_uri(sandbox, "1.10.0"), diff=True)
    assert upgraded.rc == 0 and upgraded["changed"] and upgraded["previous_version"] == "1.9.2"
    assert upgraded["version"] == "1.10.0"
    assert len(_writes(sandbox, persona)) == 1, "an upgrade is one install over the old version, no uninstall first"

    for check_mode in (True, False):
        sandbox.clear_log()
        rerun = run_module("dc_app", connection=persona, key=KEY, version="1.10.0",
                           app_url=_uri(sandbox, "1.10.0"), check_mode=check_mode, diff=True)
        assert rerun.rc == 0 and rerun["changed"] is False and rerun["version"] == "1.10.0"
        assert rerun["diff"] == {"before": {"version": "1.10.0"}, "after": {"version": "1.10.0"}}
        assert _writes(sandbox, persona) == []


def test_the_sandbox_ends_a_task_with_a_bodyless_redirect(run_module, sandbox):
    """The shape the module must live with: a client that parses the 303 would fail here."""
    assert run_module("dc_app", connection="jira", key=KEY, app_url=_uri(sandbox, "1.0.0")).rc == 0
    redirect = [e for e in sandbox.log("jira") if e["status"] == 303]
    assert len(redirect) == 1 and redirect[0]["path"].startswith("/rest/plugins/1.0/pending/")


def test_versions_compare_as_versions(run_module, sandbox):
    assert run_module("dc_app", connection="jira", key=KEY, version="1.10.0", app_url=_uri(sandbox, "1.10.0")).rc == 0
    kept = run_module("dc_app", connection="jira", key=KEY, version="1.9.2", app_url=_uri(sandbox, "1.9.2"))
    assert kept.rc == 0 and kept["changed"] is False and kept["version"] == "1.10.0"
    same = run_module("dc_app", connection="jira", key=KEY, version="1.10", version_match="exact")
    assert same.rc == 0 and same["changed"] is False

    planned = run_module("dc_app", connection="jira", key=KEY, version="1.9.2", version_match="exact",
                         app_url=_uri(sandbox, "1.9.2"), check_mode=True)
    assert planned.rc == 0 and planned["changed"] and planned["version"] == "1.9.2"
    pinned = run_module("dc_app", connection="jira", key=KEY, version="1.9.2", version_match="exact",
                        app_url=_uri(sandbox, "1.9.2"))
    assert pinned.rc == 0 and pinned["changed"] and pinned["version"] == "1.9.2"


@pytest.mark.parametrize("kind", ["jar", "obr"])
def test_latest_installs_only_what_is_newer(run_module, sandbox, kind):
    first = run_module("dc_app", connection="jira", key=KEY, state="latest", app_url=_uri(sandbox, "2.0.0", kind=kind))
    assert first.rc == 0 and first["changed"] and first["version"] == "2.0.0"
    for check_mode in (True, False):
        sandbox.clear_log()
        same = run_module("dc_app", connection="jira", key=KEY, state="latest", check_mode=check_mode,
                          app_url=_uri(sandbox, "2.0.0", kind=kind))
        assert same.rc == 0 and same["changed"] is False and same["version"] == "2.0.0"
        assert _writes(sandbox, "jira") == []
        # The rerun cost: UPM is asked for the installed app once, and for nothing else (no install token).
        assert _upm_calls(sandbox, "jira") == [("GET", KEY + "-key", 200)]
    older = run_module("dc_app", connection="jira", key=KEY, state="latest", app_url=_uri(sandbox, "1.9.0"))
    assert older.rc == 0 and older["changed"] is False and older["version"] == "2.0.0"

    planned = run_module("dc_app", connection="jira", key=KEY, state="latest", app_url=_uri(sandbox, "2.1.0"),
                         check_mode=True, diff=True)
    assert planned.rc == 0 and planned["changed"] and planned["diff"]["after"] == {"version": "2.1.0"}
    newer = run_module("dc_app", connection="jira", key=KEY, state="latest", app_url=_uri(sandbox, "2.1.0"),
                       diff=True)
    assert newer.rc == 0 and newer["changed"] and newer["version"] == "2.1.0" and newer["diff"] == planned["diff"]


def test_a_url_serving_another_app_fails_before_any_write(run_module, sandbox):
    sandbox.seed("cloud", "artifacts", {"served": {"companion.jar": {"key": "com.other.app", "version": "1.0.0"}}})
    url = "%s/artifacts/companion.jar" % sandbox.url("cloud")
    for state in ("present", "latest"):
        result = run_module("dc_app", connection="jira", key=KEY, state=state, app_url=url)
        assert result.rc == 1 and "serves the app com.other.app, not %s" % KEY in result["msg"]
    assert _writes(sandbox, "jira") == []


def test_an_unreadable_url_is_left_to_upm_for_present_and_refused_for_latest(run_module, sandbox):
    unreachable = "https://marketplace.invalid/download/%s-3.0.0.jar" % KEY
    planned = run_module("dc_app", connection="jira", key=KEY, app_url=unreachable, check_mode=True)
    assert planned.rc == 0 and planned["changed"] and planned["version"].startswith("(the version the URL serves")
    assert "could not be read ahead" in str(planned.get("warnings"))
    result = run_module("dc_app", connection="jira", key=KEY, app_url=unreachable)
    assert result.rc == 0 and result["version"] == "3.0.0"
    latest = run_module("dc_app", connection="jira", key=KEY, state="latest", app_url=unreachable)
    assert latest.rc == 1 and "state=latest reads which version" in latest["msg"]


def test_absent_uninstalls_once(run_module, sandbox):
    run_module("dc_app", connection="jira", key=KEY, app_url=_uri(sandbox, "1.0.0"))
    planned = run_module("dc_app", connection="jira", key=KEY, state="absent", check_mode=True)
    assert planned.rc == 0 and planned["changed"] and planned["installed"] is False and planned["version"] is None
    removed = run_module("dc_app", connection="jira", key=KEY, state="absent")
    assert removed.rc == 0 and removed["changed"] and removed["installed"] is False
    again = run_module("dc_app", connection="jira", key=KEY, state="absent")
    assert again.rc == 0 and again["changed"] is False


@pytest.mark.parametrize("args, message", [
    ({"version": "1.0.0", "marketplace_url": ""}, "no app_url is given"),
    ({"app_url": "https://marketplace.invalid/download/not-an-app"}, "Could not find a plugin descriptor"),
    ({"version": "3.0.0", "app_url": "2.5.0"}, "serves %s 2.5.0, but minimum 3.0.0 is wanted" % KEY),
])
def test_failures_name_what_was_found(run_module, sandbox, args, message):
    if args.get("app_url") == "2.5.0":
        args = dict(args, app_url=_uri(sandbox, "2.5.0"))
    result = run_module("dc_app", connection="jira", key=KEY, **args)
    assert result.rc == 1 and message in result["msg"], result["msg"]
    assert _writes(sandbox, "jira") == [] or "descriptor" in message


def test_a_non_admin_gets_the_products_refusal(run_module, sandbox):
    persona = sandbox.persona("jira")
    result = run_module("dc_app", connection="jira", key=KEY, app_url=_uri(sandbox, "1.0.0"),
                        user=persona["non_admin_user"], password=persona["non_admin_password"])
    assert result.rc == 1 and result["status"] == 403


COMPANION = "com.atlassian.cloud-companion"


def _marketplace(sandbox, **extra):
    return dict(key=COMPANION, marketplace_url=sandbox.url("cloud"), marketplace_ca_path=sandbox.ca_path, **extra)


@pytest.mark.parametrize("persona, expected", [("jira", "2.1.0"), ("confluence", "2.1.0"), ("jira-old", "1.4.2")])
def test_the_marketplace_picks_the_newest_version_compatible_with_the_build(run_module, sandbox, persona, expected):
    planned = run_module("dc_app", connection=persona, state="latest", check_mode=True, diff=True,
                         **_marketplace(sandbox))
    assert planned.rc == 0 and planned["changed"] and planned["version"] == expected, planned
    result = run_module("dc_app", connection=persona, state="latest", diff=True, **_marketplace(sandbox))
    assert result.rc == 0 and result["version"] == expected and result["diff"] == planned["diff"]
    lookups = [e for e in sandbox.log("cloud") if e["path"].endswith("/versions/latest")]
    assert lookups[-1]["query"]["hosting"] == "datacenter"
    assert lookups[-1]["query"]["application"] == ("jira" if persona.startswith("jira") else "confluence")
    sandbox.clear_log()
    rerun = run_module("dc_app", connection=persona, state="latest", **_marketplace(sandbox))
    assert rerun.rc == 0 and rerun["changed"] is False and _writes(sandbox, persona) == []


@pytest.mark.parametrize("args, message", [
    ({"version": "2.0.0", "version_match": "exact"},
     "2.0.0 is not compatible with Jira Data Center build 100200: it supports jira Data Center builds 110300"),
    ({"version": "9.9.9", "version_match": "exact"}, "has no version 9.9.9"),
    ({"version": "2.0.0"}, "the newest version of %s compatible with Jira Data Center build 100200 is 1.4.2, "
                           "below the minimum 2.0.0" % COMPANION),
])
def test_an_incompatible_pinned_version_is_refused_before_any_write(run_module, sandbox, args, message):
    for check_mode in (True, False):
        result = run_module("dc_app", connection="jira-old", check_mode=check_mode, **_marketplace(sandbox, **args))
        assert result.rc == 1 and message in result["msg"], result["msg"]
    assert _writes(sandbox, "jira-old") == []


def test_without_the_marketplace_a_pinned_url_is_needed(run_module, sandbox):
    result = run_module("dc_app", connection="jira", key=COMPANION, marketplace_url="")
    assert result.rc == 1 and "no app_url is given" in result["msg"]
    closed = "https://127.0.0.1:9"
    result = run_module("dc_app", connection="jira", key=COMPANION, marketplace_url=closed, retry_max_time=0)
    assert result.rc == 1 and "did not answer" in result["msg"] and "give app_url" in result["msg"]

"""dc_app against the sandbox's UPM: token header, install media type, 202 + task polling, version comparison."""

import pytest

KEY = "com.example.companion"


def _uri(version):
    return "https://marketplace.invalid/download/%s-%s.jar" % (KEY, version)


def _upm_calls(sandbox):
    return [(e["method"], e["path"].split("/rest/plugins/1.0/")[1], e["status"]) for e in sandbox.log("confluence")
            if "/rest/plugins/1.0/" in e["path"]]


def test_install_takes_a_token_posts_the_uri_and_polls_the_task(run_module, sandbox):
    rc, result, _output = run_module("dc_app", "confluence", key=KEY, version="1.9.2", app_url=_uri("1.9.2"), diff=True)
    assert rc == 0, result
    assert result["changed"] and result["installed"] and result["version"] == "1.9.2"
    assert result["diff"] == {"before": {"version": None}, "after": {"version": "1.9.2"}}
    calls = _upm_calls(sandbox)
    # Context path honoured, token first, 202, then the pending task until UPM's 303.
    assert calls[1:3] == [("GET", "", 200), ("POST", "", 202)]
    assert [c[2] for c in calls if c[1].startswith("pending/")] == [200, 303]
    install = [e for e in sandbox.log("confluence") if e["method"] == "POST"][0]
    assert install["path"] == "/confluence/rest/plugins/1.0/" and install["query"]["token"]


def test_versions_compare_as_versions(run_module):
    assert run_module("dc_app", "jira", key=KEY, version="1.9.2", app_url=_uri("1.9.2"))[0] == 0
    rc, upgraded, _output = run_module("dc_app", "jira", key=KEY, version="1.10.0", app_url=_uri("1.10.0"))
    assert rc == 0 and upgraded["changed"] and upgraded["previous_version"] == "1.9.2"
    assert upgraded["version"] == "1.10.0"
    rc, kept, _output = run_module("dc_app", "jira", key=KEY, version="1.9.2", app_url=_uri("1.9.2"))
    assert rc == 0 and kept["changed"] is False and kept["version"] == "1.10.0"
    rc, same, _output = run_module("dc_app", "jira", key=KEY, version="1.10", version_match="exact")
    assert rc == 0 and same["changed"] is False

    rc, planned, _output = run_module("dc_app", "jira", key=KEY, version="1.9.2", version_match="exact",
                                      app_url=_uri("1.9.2"), check_mode=True)
    assert rc == 0 and planned["changed"] and planned["version"] == "1.10.0"
    rc, pinned, _output = run_module("dc_app", "jira", key=KEY, version="1.9.2", version_match="exact",
                                     app_url=_uri("1.9.2"))
    assert rc == 0 and pinned["changed"] and pinned["version"] == "1.9.2"


def test_latest_is_changed_only_when_the_version_moved(run_module):
    assert run_module("dc_app", "jira", key=KEY, app_url=_uri("2.0.0"))[0] == 0
    rc, same, _output = run_module("dc_app", "jira", key=KEY, state="latest", app_url=_uri("2.0.0"))
    assert rc == 0 and same["changed"] is False
    rc, newer, _output = run_module("dc_app", "jira", key=KEY, state="latest", app_url=_uri("2.1.0"))
    assert rc == 0 and newer["changed"] and newer["version"] == "2.1.0"


def test_absent_uninstalls_once(run_module):
    run_module("dc_app", "jira", key=KEY, app_url=_uri("1.0.0"))
    rc, removed, _output = run_module("dc_app", "jira", key=KEY, state="absent")
    assert rc == 0 and removed["changed"] and removed["installed"] is False
    rc, again, _output = run_module("dc_app", "jira", key=KEY, state="absent")
    assert rc == 0 and again["changed"] is False


@pytest.mark.parametrize("args, message", [
    ({"version": "1.0.0"}, "no app_url is given"),
    ({"app_url": "https://marketplace.invalid/download/not-an-app"}, "Could not find a plugin descriptor"),
    ({"version": "3.0.0", "app_url": _uri("2.5.0")}, "2.5.0 from"),
])
def test_failures_name_what_was_found(run_module, args, message):
    rc, result, _output = run_module("dc_app", "jira", key=KEY, **args)
    assert rc == 1 and message in result["msg"]


def test_a_non_admin_gets_the_products_refusal(run_module, sandbox):
    persona = sandbox.persona("jira")
    rc, result, _output = run_module("dc_app", "jira", key=KEY, app_url=_uri("1.0.0"), user=persona["non_admin_user"],
                                     password=persona["non_admin_password"])
    assert rc == 1 and result["status"] == 403

"""org_connector never issues credentials it cannot deliver, notices credentials lost in transit, and a failed
disable reports the app connectors already removed."""

import os
import stat

import pytest

CREATE = r"/connected-sources/connectors$"


def _present(run_module, sandbox, **extra):
    args = dict(base_url=sandbox.url("jira"), name="jira sandbox")
    args.update(extra)
    return run_module("org_connector", connection="cloud", **args)


def _connectors(sandbox):
    return sandbox.state()["cloud"]["cloud_connector"]["connectors"]


@pytest.mark.parametrize("make_dest, expected", [
    (lambda tmp: tmp, "is a directory"),
    (lambda tmp: tmp / "file" / "c.json", "is not a directory"),
])
def test_an_unusable_destination_fails_before_anything_is_created(run_module, sandbox, tmp_path, make_dest,
                                                                  expected):
    (tmp_path / "file").write_text("not a directory")
    result = _present(run_module, sandbox, credentials_dest=str(make_dest(tmp_path)))
    assert result.rc == 1 and expected in result["msg"] and "\n" not in result["msg"]
    assert _connectors(sandbox) == {}
    assert not [e for e in sandbox.log("cloud") if e["method"] != "GET"]


def test_a_read_only_directory_fails_before_rotation(run_module, sandbox, tmp_path):
    created = _present(run_module, sandbox, credentials_dest=str(tmp_path / "c.json"))
    assert created.rc == 0
    before = [c["clientSecret"] for c in _connectors(sandbox).values()]
    locked = tmp_path / "locked"
    locked.mkdir()
    os.chmod(locked, stat.S_IRUSR | stat.S_IXUSR)
    try:
        if os.access(str(locked), os.W_OK):
            pytest.skip("running as a user that ignores directory permissions without an access check")
        result = run_module("org_connector", connection="cloud", connector_id=created["id"], state="rotated",
                            credentials_dest=str(locked / "c.json"))
    finally:
        os.chmod(locked, stat.S_IRWXU)
    assert result.rc == 1 and "not writable" in result["msg"]
    assert [c["clientSecret"] for c in _connectors(sandbox).values()] == before


def test_lost_create_answer_is_noticed_on_the_rerun(run_module, sandbox, tmp_path):
    dest = tmp_path / "c.json"
    sandbox.fault("cloud", path=CREATE, method="POST", kind="lost_answer", times=1)
    lost = _present(run_module, sandbox, credentials_dest=str(dest))
    assert lost.rc == 1 and "POST" in lost["msg"] and "\n" not in lost["msg"]
    assert len(_connectors(sandbox)) == 1  # the cloud did create it
    assert not dest.exists() and os.listdir(tmp_path) == []  # no half-written or temporary file left

    rerun = _present(run_module, sandbox, credentials_dest=str(dest))
    assert rerun.rc == 0 and rerun["changed"] is False  # no duplicate connector
    assert rerun["credentials_missing"] is True
    assert "state=rotated" in str(rerun.get("warnings"))
    assert len(_connectors(sandbox)) == 1

    rotated = run_module("org_connector", connection="cloud", connector_id=rerun["id"], state="rotated",
                         credentials_dest=str(dest))
    assert rotated.rc == 0 and rotated["credentials_issued"] and dest.exists()
    settled = _present(run_module, sandbox, credentials_dest=str(dest))
    assert settled.rc == 0 and settled["credentials_missing"] is False


def test_failed_disable_reports_the_removed_app_connectors(run_module, cloud_admin, sandbox, tmp_path):
    dest = tmp_path / "c.json"
    created = _present(run_module, sandbox, credentials_dest=str(dest))
    assert run_module("dc_cloud_connector", connection="jira", credentials_file=str(dest)).rc == 0
    apps = [cloud_admin.add_app(created["id"], "rovo-jira"), cloud_admin.add_app(created["id"], "portfolio-insights")]
    sandbox.fault("cloud", path=r"/disable$", status=500, times=1)
    failed = run_module("org_connector", connection="cloud", connector_id=created["id"], state="disabled",
                        remove_app_connectors=True, retry_max_time=1)
    assert failed.rc == 1 and failed["changed"] is True
    assert {a["id"] for a in failed["removed_app_connectors"]} == {a["id"] for a in apps}
    for app in apps:
        assert app["id"] in failed["msg"]
    sandbox.clear_log()
    rerun = run_module("org_connector", connection="cloud", connector_id=created["id"], state="disabled",
                       remove_app_connectors=True)
    assert rerun.rc == 0 and rerun["changed"] and rerun["status"] == "Disconnected"
    assert rerun["removed_app_connectors"] == []

"""auth_policy_export on hostile ground: a private file by default, a directory or missing directory named
before any API call and no stray temporary file, bounded pagination that refuses a repeated cursor."""

import os
import time


def _policy(run_module):
    run_module("auth_policy", connection="cloud", name="Employees")
    run_module("auth_policy_members", connection="cloud", policy="Employees", members=["alice@example.com", "frank@example.com"])


def test_a_new_export_is_private_unless_a_mode_is_given(run_module, sandbox, tmp_path):
    _policy(run_module)
    dest = tmp_path / "employees.csv"
    result = run_module("auth_policy_export", connection="cloud", policy="Employees", dest=str(dest))
    assert result["changed"] and oct(os.stat(dest).st_mode & 0o777) == "0o600"
    assert os.listdir(tmp_path) == ["employees.csv"]


def test_a_directory_as_dest_fails_before_any_call_and_leaves_nothing(run_module, sandbox, tmp_path):
    _policy(run_module)
    sandbox.clear_log()
    for dest, expected in ((tmp_path, "is a directory"), (tmp_path / "missing" / "x.csv", "does not exist")):
        result = run_module("auth_policy_export", connection="cloud", policy="Employees", dest=str(dest))
        assert result["failed"] and expected in result["msg"] and "\n" not in result["msg"]
    assert sandbox.log("cloud") == [] and os.listdir(tmp_path) == []


def test_page_size_zero_is_refused(run_module, sandbox, tmp_path):
    result = run_module("auth_policy_export", connection="cloud", policy="Employees", dest=str(tmp_path / "x.csv"), page_size=0)
    assert result["failed"] and "page_size must be from 1 to 1000, got 0" in result["msg"]


def test_a_server_repeating_its_cursor_is_stopped(run_module, sandbox, tmp_path):
    _policy(run_module)
    page = {"data": [{"email": "loop@example.com", "name": "Loop"}],
            "links": {"next": "/admin/v1/orgs/x/policies/y/members?cursor=again"}}
    sandbox.fault("cloud", path=r"/members$", method="GET", kind="status", status=200, body=page)
    started = time.monotonic()
    result = run_module("auth_policy_export", connection="cloud", policy="Employees", dest=str(tmp_path / "x.csv"), page_size=1)
    assert result["failed"] and "cursor of a page already read" in result["msg"]
    assert time.monotonic() - started < 10 and os.listdir(tmp_path) == []

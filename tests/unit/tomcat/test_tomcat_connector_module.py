"""The tomcat_connector module run in-process on real files: write, backup, check mode, validate, errors."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from ansible_collections.dcops.atlassian_cloud.plugins.modules import tomcat_connector

FILES = Path(__file__).resolve().parent / "files"
TUNNEL = {"secure": True, "scheme": "https", "proxyName": "jira.example.com", "proxyPort": 443}


@pytest.fixture
def server_xml(tmp_path):
    path = tmp_path / "conf" / "server.xml"
    path.parent.mkdir()
    shutil.copy(FILES / "jira_server.xml", path)
    os.chmod(path, 0o640)
    os.chown(path, 65534, 65534)
    return path


def test_apply_keeps_owner_mode_and_makes_a_backup(run_module, server_xml):
    original = server_xml.read_bytes()
    result = run_module(tomcat_connector, path=str(server_xml), attributes=TUNNEL, backup=True)

    assert result["changed"] is True and result["line"] == 36
    assert result["connector"]["secure"] == "true" and result["connector"]["proxyPort"] == "443"
    assert Path(result["backup_file"]).read_bytes() == original
    status = server_xml.stat()
    assert (status.st_mode & 0o7777, status.st_uid, status.st_gid) == (0o640, 65534, 65534)
    assert b'                   secure="true"\n' in server_xml.read_bytes()
    assert sorted(p.name for p in server_xml.parent.iterdir()) == sorted(["server.xml", Path(result["backup_file"]).name])


def test_rerun_leaves_bytes_and_mtime_alone(run_module, server_xml):
    run_module(tomcat_connector, path=str(server_xml), attributes=TUNNEL)
    os.utime(server_xml, ns=(1_000_000_000, 1_000_000_000))
    content = server_xml.read_bytes()

    result = run_module(tomcat_connector, path=str(server_xml), attributes=TUNNEL, backup=True)
    assert result["changed"] is False and "backup_file" not in result
    assert server_xml.read_bytes() == content
    assert server_xml.stat().st_mtime_ns == 1_000_000_000
    assert len(list(server_xml.parent.iterdir())) == 1


def test_check_mode_reports_the_real_diff_and_writes_nothing(run_module, server_xml):
    original = server_xml.read_bytes()
    result = run_module(tomcat_connector, path=str(server_xml), attributes=TUNNEL, backup=True, check_mode=True, diff=True)

    assert result["changed"] is True and "backup_file" not in result
    assert server_xml.read_bytes() == original
    # The stock file's commented-out HTTPS example has certificateKeystorePassword: masked in the diff too.
    shown = original.decode().replace('certificateKeystorePassword="<KEYSTORE_PASSWORD>"',
                                      'certificateKeystorePassword="********"')
    assert result["diff"]["before"] == shown
    assert result["diff"]["after"].replace(
        '\n                   secure="true"\n                   scheme="https"\n'
        '                   proxyName="jira.example.com"\n                   proxyPort="443"/>', "/>", 1
    ) == shown
    assert len(list(server_xml.parent.iterdir())) == 1


def test_failed_validation_leaves_the_file_untouched(run_module, server_xml):
    original = server_xml.read_bytes()
    result = run_module(tomcat_connector, path=str(server_xml), attributes=TUNNEL, validate="/bin/false %s")
    assert result["failed"] is True and "validation of the new" in result["msg"]
    assert server_xml.read_bytes() == original
    assert len(list(server_xml.parent.iterdir())) == 1


def test_passing_validation_sees_the_new_content(run_module, server_xml, tmp_path):
    seen = tmp_path / "seen.xml"
    result = run_module(tomcat_connector, path=str(server_xml), attributes=TUNNEL, validate=f"/bin/cp %s {seen}")
    assert result["changed"] is True
    assert seen.read_bytes() == server_xml.read_bytes()


def test_validate_without_placeholder_is_refused(run_module, server_xml):
    result = run_module(tomcat_connector, path=str(server_xml), attributes=TUNNEL, validate="/bin/true")
    assert result["failed"] is True and "validate must contain %s" in result["msg"]


def test_missing_file(run_module, tmp_path):
    result = run_module(tomcat_connector, path=str(tmp_path / "nope.xml"), attributes=TUNNEL)
    assert result["failed"] is True and result["msg"].endswith("nope.xml does not exist; expected the Tomcat server.xml of the product")


def test_ambiguous_selection_returns_candidates(run_module, tmp_path):
    path = tmp_path / "server.xml"
    path.write_text('<Server><Service name="x"><Connector port="8080"/><Connector port="8081"/></Service></Server>')
    result = run_module(tomcat_connector, path=str(path), attributes=TUNNEL)
    assert result["failed"] is True and str(path) in result["msg"]
    assert result["candidates"] == [
        {"port": "8080", "protocol": "HTTP/1.1", "line": 1},
        {"port": "8081", "protocol": "HTTP/1.1", "line": 1},
    ]


def test_non_integer_port_is_refused(run_module, server_xml):
    original = server_xml.read_bytes()
    result = run_module(tomcat_connector, path=str(server_xml), attributes={"port": "eighty"})
    assert result["failed"] is True and "attribute port must be an integer" in result["msg"]
    assert server_xml.read_bytes() == original


def test_directory_is_not_a_file(run_module, tmp_path):
    result = run_module(tomcat_connector, path=str(tmp_path), attributes=TUNNEL)
    assert result["failed"] is True and "is not a regular file" in result["msg"]

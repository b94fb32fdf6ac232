"""tomcat_connector on hostile ground: secrets masked, symlinks kept, read-only directories and concurrent edits
failing cleanly with the file unchanged and no backup left behind."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._tomcat import connector_module, files
from ansible_collections.dcops.atlassian_cloud.plugins.modules import tomcat_connector

FILES = Path(__file__).resolve().parent / "files"
KEYSTORE = "k3yst0re-Secret!"
AJP = """<?xml version="1.0" encoding="utf-8"?>
<Server port="8005" shutdown="SHUTDOWN">
  <Service name="Catalina">
    <Connector port="8009" protocol="AJP/1.3" secret="ajp-S3cret-value" address="127.0.0.1"/>
    <Connector port="8443" protocol="HTTP/1.1" SSLEnabled="true" keystorePass="%s" truststorePass="tru5t-pass"/>
  </Service>
</Server>
""" % KEYSTORE


@pytest.fixture
def server_xml(tmp_path):
    path = tmp_path / "conf" / "server.xml"
    path.parent.mkdir()
    shutil.copy(FILES / "jira_server.xml", path)
    return path


@pytest.mark.parametrize("check", [True, False])
def test_secret_attributes_are_masked_in_results_and_diffs(run_module, tmp_path, check):
    path = tmp_path / "server.xml"
    path.write_text(AJP)
    result = run_module(tomcat_connector, path=str(path), port=8443, diff=True, check_mode=check,
                        attributes={"keystorePass": "n3w-Keystore-pass", "secure": True})
    assert result.rc == 0 and result["changed"]
    for secret in (KEYSTORE, "tru5t-pass", "ajp-S3cret-value", "n3w-Keystore-pass"):
        assert secret not in result.output
    assert result["connector"]["keystorePass"] == "********"
    assert {"attribute": "keystorePass", "before": "********", "after": "******** (changed)"} in result["changes"]
    assert ("n3w-Keystore-pass" in path.read_text()) is not check


def test_a_symlink_stays_a_symlink_and_its_target_is_edited(run_module, server_xml, tmp_path):
    link = tmp_path / "link.xml"
    link.symlink_to(server_xml)
    result = run_module(tomcat_connector, path=str(link), attributes={"secure": True}, backup=True)
    assert result.rc == 0 and result["changed"] and result["target"] == str(server_xml)
    assert link.is_symlink() and os.readlink(link) == str(server_xml)
    assert b'secure="true"' in server_xml.read_bytes()
    assert Path(result["backup_file"]).parent == server_xml.parent


def test_a_dangling_symlink_is_named(run_module, tmp_path):
    link = tmp_path / "server.xml"
    link.symlink_to(tmp_path / "gone.xml")
    result = run_module(tomcat_connector, path=str(link), attributes={"secure": True})
    assert result.rc == 1 and "which does not exist" in result["msg"]


def test_an_unwritable_directory_fails_cleanly_without_a_backup(run_module, server_xml, monkeypatch):
    original = server_xml.read_bytes()

    def read_only(*_args, **_kwargs):
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(files.tempfile, "mkstemp", read_only)
    result = run_module(tomcat_connector, path=str(server_xml), attributes={"secure": True}, backup=True)
    assert result.rc == 1 and "Read-only file system" in result["msg"] and "Traceback" not in result.output
    assert server_xml.read_bytes() == original
    assert os.listdir(server_xml.parent) == ["server.xml"]


def test_a_full_disk_while_writing_the_backup_leaves_no_backup(run_module, server_xml, monkeypatch):
    original = server_xml.read_bytes()
    real_copy = files._temporary_copy

    def full_on_backup(directory, prefix, content):
        if ".backup." in prefix:
            partial = real_copy(directory, prefix, b"")
            os.unlink(partial)
            raise OSError(28, "No space left on device")
        return real_copy(directory, prefix, content)

    monkeypatch.setattr(files, "_temporary_copy", full_on_backup)
    result = run_module(tomcat_connector, path=str(server_xml), attributes={"secure": True}, backup=True)
    assert result.rc == 1 and "No space left on device" in result["msg"] and "backup" in result["msg"]
    assert server_xml.read_bytes() == original
    assert os.listdir(server_xml.parent) == ["server.xml"]


def test_a_concurrent_edit_is_detected_and_kept(run_module, server_xml, monkeypatch):
    real_read_target = files.read_target

    def read_then_someone_edits(path):
        result = real_read_target(path)
        with open(path, "ab") as handle:
            handle.write(b"<!-- edited by hand -->\n")
        return result

    monkeypatch.setattr(connector_module, "read_target", read_then_someone_edits)
    result = run_module(tomcat_connector, path=str(server_xml), attributes={"secure": True}, backup=True)
    assert result.rc == 1 and "changed while this run was editing it" in result["msg"]
    assert server_xml.read_bytes().endswith(b"<!-- edited by hand -->\n")
    assert os.listdir(server_xml.parent) == ["server.xml"]


def test_a_real_read_only_directory_fails_cleanly(run_module, server_xml):
    os.chmod(server_xml.parent, stat.S_IRUSR | stat.S_IXUSR)
    try:
        if os.access(server_xml.parent, os.W_OK):
            pytest.skip("root ignores directory permissions; the read-only case is covered with an injected EROFS")
        result = run_module(tomcat_connector, path=str(server_xml), attributes={"secure": True}, backup=True)
    finally:
        os.chmod(server_xml.parent, stat.S_IRWXU)
    assert result.rc == 1 and "Permission denied" in result["msg"]

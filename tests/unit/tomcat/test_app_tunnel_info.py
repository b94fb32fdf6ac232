"""app_tunnel_info run in-process on real files, real sockets and real processes: the planned connector, the
JVM's tunnel upstream ports from /proc, the listener; nothing written, secrets masked."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._tomcat.node import (
    listen_address,
    tunnel_upstream_ports,
    wait_for_listener,
)
from ansible_collections.dcops.atlassian_cloud.plugins.modules import app_tunnel_info, tomcat_connector

TUNNEL = {"secure": True, "scheme": "https", "proxyName": "jira.example.com", "proxyPort": 443}
SERVER_XML = """<?xml version="1.0" encoding="utf-8"?>
<Server port="8005" shutdown="SHUTDOWN">
  <Service name="Catalina">
    <Connector port="%d" protocol="HTTP/1.1" %s/>
    <Connector port="8443" protocol="HTTP/1.1" SSLEnabled="true" keystorePass="k3yst0re-Secret!"/>
  </Service>
</Server>
"""


@pytest.fixture
def listener():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    yield server.getsockname()[1]
    server.close()


def closed_port():
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


def write(tmp_path, port, attributes=""):
    path = tmp_path / "server.xml"
    path.write_text(SERVER_XML % (port, attributes))
    return path


def test_a_listening_connector_planned_with_the_tunnel_attributes_writes_nothing(run_module, tmp_path, listener):
    path = write(tmp_path, listener, 'address="127.0.0.1"')
    original = path.read_bytes()
    result = run_module(app_tunnel_info, path=str(path), port=listener, attributes=TUNNEL, check_listener=True)
    assert result.rc == 0 and result["changed"] is False
    assert result["listening"] is True and result["listen_address"] == "127.0.0.1"
    assert result["connector"]["secure"] == "true" and result["connector"]["proxyPort"] == "443"
    assert {"attribute": "secure", "before": None, "after": "true"} in result["changes"]
    assert path.read_bytes() == original and sorted(p.name for p in tmp_path.iterdir()) == ["server.xml"]


def test_after_the_edit_the_plan_is_empty(run_module, tmp_path, listener):
    path = write(tmp_path, listener)
    assert run_module(tomcat_connector, path=str(path), port=listener, attributes=TUNNEL)["changed"] is True
    result = run_module(app_tunnel_info, path=str(path), port=listener, attributes=TUNNEL)
    assert result["changes"] == [] and result["listening"] is True


def test_a_closed_port_is_not_listening_after_the_timeout(run_module, tmp_path):
    port = closed_port()
    result = run_module(app_tunnel_info, path=str(write(tmp_path, port)), listener_timeout=1)
    assert result.rc == 0 and result["listening"] is False


def test_without_the_listener_check_listening_is_not_returned(run_module, tmp_path):
    result = run_module(app_tunnel_info, path=str(write(tmp_path, closed_port())), check_listener=False)
    assert result.rc == 0 and "listening" not in result


def test_secret_attributes_are_masked(run_module, tmp_path):
    result = run_module(app_tunnel_info, path=str(write(tmp_path, 8080)), port=8443, check_listener=False,
                        attributes={"keystorePass": "n3w-Keystore-pass"})
    for secret in ("k3yst0re-Secret!", "n3w-Keystore-pass"):
        assert secret not in result.output
    assert result["connector"]["keystorePass"] == "********"


def test_no_matching_connector_fails_in_one_line_with_the_candidates(run_module, tmp_path):
    result = run_module(app_tunnel_info, path=str(write(tmp_path, 8080)), port=9999)
    assert result.rc == 1 and "\n" not in result["msg"] and "Traceback" not in result.output
    assert sorted(c["port"] for c in result["candidates"]) == ["8080", "8443"]


def test_a_missing_file_fails_in_one_line(run_module, tmp_path):
    result = run_module(app_tunnel_info, path=str(tmp_path / "absent.xml"))
    assert result.rc == 1 and result["msg"].startswith(str(tmp_path / "absent.xml") + " does not exist")


def test_the_upstream_port_of_a_real_process_is_read(run_module, tmp_path):
    # A port no other process of this machine names: other tests may run Tomcats with their own.
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", "-Dsecure.tunnel.upstream.port=54329"])
    try:
        # Until the child has exec'd, its command line is still this process's.
        cmdline = Path("/proc/%d/cmdline" % child.pid)
        deadline = time.monotonic() + 10
        while b"upstream.port=54329" not in cmdline.read_bytes() and time.monotonic() < deadline:
            time.sleep(0.01)
        result = run_module(app_tunnel_info, path=str(write(tmp_path, 8080)), check_listener=False)
    finally:
        child.kill()
        child.wait()
    assert "54329" in result["upstream_ports"]


def test_upstream_ports_are_distinct_sorted_and_unreadable_processes_are_left_out(fake_proc):
    proc = fake_proc({"1": b"java\0-Dsecure.tunnel.upstream.port=8093\0-Xmx2g\0",
                      "22": b"java\0-Dsecure.tunnel.upstream.port=8093\0",
                      "333": b"java\0-Dsecure.tunnel.upstream.port=10080\0",
                      "4": b"bash\0-c\0echo -Dsecure.tunnel.upstream.port=7\0",
                      "5": b"java\0-Dsecure.tunnel.upstream.port=\0",
                      "self": b"java\0-Dsecure.tunnel.upstream.port=1\0"})
    (Path(proc) / "66").mkdir()  # ended between the listing and the read: no cmdline
    assert tunnel_upstream_ports(proc) == ["8093", "10080"]


@pytest.mark.parametrize("address, expected", [("", "127.0.0.1"), ("0.0.0.0", "127.0.0.1"), ("::", "127.0.0.1"),
                                               ("*", "127.0.0.1"), ("10.0.0.5", "10.0.0.5"), ("::1", "::1")])
def test_listen_address(address, expected):
    assert listen_address({"address": address} if address else {}) == expected


def test_the_listener_is_tried_until_the_deadline():
    now, attempts = [0.0], []

    def connect(address, timeout):
        attempts.append((address, round(now[0], 1), timeout))
        if now[0] >= 0.6:
            return socket.socket()
        raise ConnectionRefusedError(111, "Connection refused")

    def sleep(seconds):
        now[0] += seconds

    assert wait_for_listener("127.0.0.1", 8080, 5, connect=connect, clock=lambda: now[0], sleep=sleep) is True
    assert [a[1] for a in attempts] == [0.0, 0.2, 0.4, 0.6]
    attempts.clear()
    now[0] = 0.0

    def refuse(address, timeout):
        attempts.append((address, round(now[0], 1), timeout))
        raise ConnectionRefusedError(111, "Connection refused")

    assert wait_for_listener("127.0.0.1", 8080, 0.5, connect=refuse, clock=lambda: now[0], sleep=sleep) is False
    assert [a[1] for a in attempts] == [0.0, 0.2, 0.4]
    assert now[0] == pytest.approx(0.4)

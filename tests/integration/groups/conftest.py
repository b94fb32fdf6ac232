"""A real OpenLDAP slapd on a free loopback port, loaded with the nested groups LDIF, once per session.

Each xdist worker starts its own instance (own directory and port), so workers never share state.
The directory grants read access only to bound users and caps them at 5 entries per search (`limits`),
so only paged searches can read it whole.
"""

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from helpers import free_port, stop_process

DATA = Path(__file__).resolve().parent / "data"
SUFFIX = "dc=example,dc=com"
READER_DN = "cn=reader," + SUFFIX
READER_PASSWORD = "reader-secret"
SIZE_LIMIT = 5

SLAPD_CONF = """\
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
include /etc/ldap/schema/msuser.schema
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload memberof
moduleload refint
pidfile {root}/slapd.pid
argsfile {root}/slapd.args
access to attrs=userPassword by anonymous auth by * none
access to * by users read by * none
database mdb
maxsize 33554432
suffix "{suffix}"
rootdn "cn=admin,{suffix}"
rootpw admin-secret
directory {root}/data
limits users size.soft={limit} size.hard={limit} size.pr={limit} size.prtotal=unlimited
overlay memberof
overlay refint
refint_attributes member uniqueMember
"""


class Slapd:
    def __init__(self, root, ldif):
        self.root = root
        self.port = free_port()
        self.uri = "ldap://127.0.0.1:%d" % self.port
        (root / "data").mkdir(parents=True)
        self.conf = root / "slapd.conf"
        self.conf.write_text(SLAPD_CONF.format(root=root, suffix=SUFFIX, limit=SIZE_LIMIT), encoding="utf-8")
        subprocess.run(["slapadd", "-q", "-f", str(self.conf), "-l", str(ldif)], check=True, capture_output=True)
        self.log = open(root / "slapd.log", "wb")
        # -d 0 keeps slapd in the foreground, so the fixture owns the process and can stop it.
        self.process = subprocess.Popen(["slapd", "-d", "0", "-f", str(self.conf), "-h", self.uri + "/"],
                                        stdout=self.log, stderr=subprocess.STDOUT)
        self._wait_until_listening()

    def _wait_until_listening(self, timeout=10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("slapd exited: %s" % (self.root / "slapd.log").read_text(errors="replace"))
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.02)
        raise RuntimeError("slapd did not listen on %s within %.0f s" % (self.uri, timeout))

    def stop(self):
        stop_process(self.process)
        self.log.close()

    def settings(self, **overrides):
        """The `ldap` option of group_flatten for this directory (OpenLDAP part)."""
        settings = {
            "server_uri": self.uri,
            "base_dn": SUFFIX,
            "group_base_dn": "ou=groups," + SUFFIX,
            "user_base_dn": "ou=people," + SUFFIX,
            "bind_dn": READER_DN,
            "bind_password": READER_PASSWORD,
            "page_size": SIZE_LIMIT,
        }
        settings.update(overrides)
        return settings


@pytest.fixture(scope="session")
def slapd(tmp_path_factory):
    if shutil.which("slapd") is None:
        pytest.fail("slapd is not installed (Debian package slapd); scripts/setup.sh installs it")
    server = Slapd(tmp_path_factory.mktemp("slapd"), DATA / "nested.ldif")
    yield server
    server.stop()

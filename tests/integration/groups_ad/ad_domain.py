"""A real Samba Active Directory domain controller, provisioned by the test session, behind AD's range rule.

Once per session (per xdist worker): `samba-tool domain provision` in a temporary directory (about 5 s), the
directory bulk-loaded offline with `ldbadd` (one LDIF, about 15 s for 3,000 users), then `samba` started in
a network namespace of this run (`identity-ad-<pid>`, loopback only: Samba's LDAP port is fixed at 389, so
a namespace keeps it off the host and away from other runs). Tests reach it through `RangeCappingProxy` on
host loopback, which caps every attribute at 1,500 values per read as Windows AD does; `ad.plain_uri` is a
pass-through proxy (no cap) for showing what Samba alone answers.

The domain (DC=ad,DC=example,DC=com):
- OU=People: user0000 … user2999 (mail `First.Last`-style `User0123@Example.com`, userPrincipalName
  `user0123@ad.example.com`); DISABLED users (userAccountControl 514, bit 2 set) and NO_MAIL users (no
  `mail`, only the UPN).
- OU=Groups: `All Staff` (3,000 direct members), `Contractors` (1,600 members), `Engineering` > `Backend`,
  `Frontend` > `Platform` (a diamond), `Everyone` > `All Staff` + `Engineering`, and the cycle
  `CycleA` > `CycleB` > `CycleC` > `CycleA`.
- CN=reader,CN=Users: an ordinary (non-admin) account the tests bind as.
"""

import os
import subprocess
import time

from ad_range_proxy import RangeCappingProxy
from helpers import stop_process

REALM = "AD.EXAMPLE.COM"
BASE = "DC=ad,DC=example,DC=com"
PEOPLE = "OU=People," + BASE
GROUPS = "OU=Groups," + BASE
READER_DN = "CN=reader,CN=Users," + BASE
READER_PASSWORD = "Reader-secret-1"
ADMIN_PASSWORD = "Admin-secret-1"
USERS = 3000
DISABLED = frozenset(range(7, USERS, 500))  # user0007, user0507, …: six disabled accounts
NO_MAIL = frozenset(range(11, USERS, 1000))  # user0011, user1011, user2011: UPN only
CONTRACTORS = range(1400, USERS)  # 1,600 members
PLATFORM = range(0, 10)
BACKEND = list(range(10, 20)) + [7]  # includes a disabled account
FRONTEND = range(20, 30)
CYCLE = {"CycleA": ([30], "CycleB"), "CycleB": ([31], "CycleC"), "CycleC": ([32], "CycleA")}


def username(index):
    return "user%04d" % index


def user_dn(index):
    return "CN=%s,%s" % (username(index), PEOPLE)


def group_dn(name):
    return "CN=%s,%s" % (name, GROUPS)


def mail(index):
    return "User%04d@Example.com" % index


def _group(name, users=(), groups=()):
    lines = ["dn: " + group_dn(name), "objectClass: group", "sAMAccountName: " + name.replace(" ", "_")]
    lines += ["member: " + user_dn(i) for i in users]
    lines += ["member: " + group_dn(g) for g in groups]
    return "\n".join(lines) + "\n"


def domain_ldif():
    entries = ["dn: %s\nobjectClass: organizationalUnit\n" % ou for ou in (PEOPLE, GROUPS)]
    for i in range(USERS):
        lines = ["dn: " + user_dn(i), "objectClass: user", "sAMAccountName: " + username(i),
                 "userPrincipalName: %s@ad.example.com" % username(i),
                 "userAccountControl: %d" % (514 if i in DISABLED else 512)]
        if i not in NO_MAIL:
            lines.append("mail: " + mail(i))
        entries.append("\n".join(lines) + "\n")
    entries += [
        _group("All Staff", users=range(USERS)),
        _group("Contractors", users=CONTRACTORS),
        _group("Platform", users=PLATFORM),
        _group("Backend", users=BACKEND, groups=["Platform"]),
        _group("Frontend", users=FRONTEND, groups=["Platform"]),
        _group("Engineering", groups=["Backend", "Frontend"]),
        _group("Everyone", groups=["All Staff", "Engineering"]),
    ]
    # a cycle needs its groups to exist before the back reference: add them without members first
    entries += [_group(name, users=users) for name, (users, _child) in CYCLE.items()]
    return "\n".join(entries)


def cycle_ldif():
    return "\n".join("dn: %s\nchangetype: modify\nadd: member\nmember: %s\n" % (group_dn(name), group_dn(child))
                     for name, (_users, child) in CYCLE.items())


class SambaAD:
    def __init__(self, root):
        self.root = root
        self.namespace = "identity-ad-%d" % os.getpid()
        self.conf = root / "etc" / "smb.conf"
        self.process = None
        self.log = None
        self.proxies = []
        self.provision_seconds = None

    def _run(self, *command, **kwargs):
        completed = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False, **kwargs)
        if completed.returncode != 0:
            raise RuntimeError("%s failed: %s%s" % (" ".join(command[:3]), completed.stdout[-2000:], completed.stderr[-2000:]))
        return completed

    def provision(self):
        started = time.monotonic()
        self._run("samba-tool", "domain", "provision", "--realm=" + REALM, "--domain=ADEXAMPLE", "--server-role=dc",
                  "--dns-backend=NONE", "--host-name=dc1", "--adminpass=" + ADMIN_PASSWORD,
                  "--targetdir=" + str(self.root), "--option=interfaces=lo", "--option=bind interfaces only=yes")
        sam = str(self.root / "private" / "sam.ldb")
        ldif = self.root / "domain.ldif"
        ldif.write_text(domain_ldif(), encoding="utf-8")
        self._run("ldbadd", "-H", sam, str(ldif))
        cycle = self.root / "cycle.ldif"
        cycle.write_text(cycle_ldif(), encoding="utf-8")
        self._run("ldbmodify", "-H", sam, str(cycle))
        self._run("samba-tool", "user", "create", "reader", READER_PASSWORD, "-H", sam, "-s", str(self.conf))
        self.provision_seconds = time.monotonic() - started

    def start(self):
        self._run("ip", "netns", "add", self.namespace)
        self._run("ip", "netns", "exec", self.namespace, "ip", "link", "set", "lo", "up")
        self.log = open(self.root / "samba.log", "wb")
        # -i: foreground, logs to stdout, so the fixture owns the process; only the LDAP service is needed.
        self.process = subprocess.Popen(
            ["ip", "netns", "exec", self.namespace, "samba", "-i", "-M", "single", "-s", str(self.conf),
             "--option=server services=ldap", "--option=ldap server require strong auth=no",
             # run-time directories of their own: the defaults (/run/samba) are one per machine
             "--option=pid directory=%s" % self.root, "--option=ncalrpc dir=%s" % (self.root / "ncalrpc"),
             "--option=winbindd socket directory=%s" % (self.root / "winbindd"),
             "--option=log file=%s" % (self.root / "log.samba")],
            stdout=self.log, stderr=subprocess.STDOUT)
        self.uri = self.proxy().uri
        self.plain_uri = self.proxy(max_values=None).uri
        self._wait_until_answering()

    def proxy(self, max_values=1500):
        proxy = RangeCappingProxy(self.namespace, ("127.0.0.1", 389), max_values=max_values)
        self.proxies.append(proxy)
        return proxy

    @property
    def capped(self):
        return self.proxies[0]

    def _wait_until_answering(self, timeout=60.0):
        import ldap3

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("samba exited: %s" % (self.root / "samba.log").read_text(errors="replace")[-3000:])
            try:
                ldap3.Connection(self.plain_uri, user=READER_DN, password=READER_PASSWORD, auto_bind=True,
                                 receive_timeout=5).unbind()
                return
            except Exception:  # pylint: disable=broad-except
                time.sleep(0.2)
        raise RuntimeError("samba did not answer LDAP within %.0f s" % timeout)

    def stop(self):
        for proxy in self.proxies:
            proxy.stop()
        if self.process is not None:
            stop_process(self.process, timeout=15)
            self.log.close()
        subprocess.run(["ip", "netns", "del", self.namespace], capture_output=True, timeout=30, check=False)

    def settings(self, **overrides):
        """The `ldap` option of group_flatten for this domain, through the capped proxy."""
        settings = {
            "server_uri": self.uri,
            "base_dn": BASE,
            "group_base_dn": GROUPS,
            "user_base_dn": PEOPLE,
            "bind_dn": READER_DN,
            "bind_password": READER_PASSWORD,
            "username_attribute": "sAMAccountName",
            "user_filter": "(&(objectCategory=person)(objectClass=user))",
            "group_filter": "(objectClass=group)",
            "page_size": 500,
        }
        settings.update(overrides)
        return settings

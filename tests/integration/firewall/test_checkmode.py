"""egress_rule: check mode predicts the real run on every backend, in a real DC-node namespace, and writes nothing.

"No write" is the node's whole firewall state read from inside it: the nftables rule set (which the iptables-nft
and firewalld back ends also write), iptables-save for both families, and the files of /etc/ufw and
/etc/firewalld and the persist file.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from checkmode.harness import assert_both_refuse, assert_check_predicts_real
from firewall.conftest import API_HOST
from firewall.test_firewalld import firewalld_node  # noqa: F401 pylint: disable=unused-import
from firewall.test_iptables import iptables_node  # noqa: F401 pylint: disable=unused-import
from firewall.test_nftables import nft_node  # noqa: F401 pylint: disable=unused-import
from firewall.test_ufw import ufw_node  # noqa: F401 pylint: disable=unused-import
from helpers import ModuleProcess

# The node fixtures above are imported from the backend tests, which set each firewall up.
FIELDS = ("backend", "addresses", "rules")
COUNTERS = re.compile(r"counter packets \d+ bytes \d+|\[\d+:\d+\]")


def _observe(lab, *paths):
    def observe():
        state = [lab.run("nft", "list", "ruleset", check=False).stdout]
        for tool in ("iptables-save", "ip6tables-save"):
            state.append(lab.run(tool, check=False).stdout if _has(tool) else "")
        for top in [Path("/etc/ufw"), Path("/etc/firewalld")] + [Path(p) for p in paths]:
            listing = lab.run("sh", "-c", "test -e %s && find %s -type f -exec sha256sum {} + | sort || true"
                              % (top, top), check=False).stdout
            state.append(listing)
        # packet counters and iptables-save's timestamp comment move with traffic, not with configuration
        return [COUNTERS.sub("", line) for text in state for line in text.splitlines() if not line.startswith("#")]
    return observe


def _has(tool):
    return any(os.access(os.path.join(d, tool), os.X_OK) for d in os.environ.get("PATH", "").split(os.pathsep))


def module_runner(lab, module, **params):
    """run(check_mode) -> the result of `module` run inside the lab's DC node, as Ansible starts a module."""
    def run(check_mode):
        return ModuleProcess(module, params, check_mode=check_mode, diff=True, prefix=lab.prefix).result()
    return run


def _runner(lab, **params):
    params.setdefault("name", "atlassian-cloud")
    params.setdefault("destinations", [API_HOST])
    return module_runner(lab, "egress_rule", **params)


def _scenario(lab, backend, **extra):
    observe = _observe(lab, *[v for k, v in extra.items() if k == "persist_path"])
    assert_check_predicts_real(_runner(lab, backend=backend, **extra), observe, FIELDS)
    assert_check_predicts_real(_runner(lab, backend=backend, port=8443, **extra), observe, FIELDS)
    assert_check_predicts_real(_runner(lab, backend=backend, state="absent",
                                       **{k: v for k, v in extra.items() if k != "ip_version"}), observe, FIELDS)
    assert_both_refuse(_runner(lab, backend=backend, destinations=["no-such-host.invalid"], **extra), observe,
                       "no-such-host.invalid")


def test_nftables(nft_node, tmp_path):  # noqa: F811
    _scenario(nft_node, "nftables", persist_path=str(tmp_path / "nft" / "dcops-egress.nft"))


def test_iptables(iptables_node):  # noqa: F811
    _scenario(iptables_node, "iptables")


def test_ufw(ufw_node):  # noqa: F811
    _scenario(ufw_node, "ufw")


def test_firewalld(firewalld_node):  # noqa: F811
    _scenario(firewalld_node, "firewalld")

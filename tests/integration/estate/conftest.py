"""One lab estate per test session (tests/estate): 2 instances, 2 nodes each, the Jira one private with Tomcat."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

ESTATE_PACKAGE = Path(__file__).resolve().parents[2] / "estate"
if str(ESTATE_PACKAGE) not in sys.path:
    sys.path.insert(0, str(ESTATE_PACKAGE))

from lab_estate.estate import Estate  # noqa: E402  (the package lives outside the test paths)


def require_estate_tools():
    if os.geteuid() != 0:
        pytest.skip("the lab estate needs root (network namespaces)")
    missing = [t for t in ("ip", "nsenter", "unshare", "/usr/sbin/sshd", "ssh", "nft", "iptables-restore",
                           "tomcat10-instance-create") if shutil.which(t) is None]
    if missing:
        pytest.skip("missing tools: %s" % ", ".join(missing))


@pytest.fixture
def estate_tools():
    """Skips the test when the estate cannot be built here."""
    require_estate_tools()


@pytest.fixture(scope="session")
def lab_estate(sandbox_session, tmp_path_factory):
    require_estate_tools()
    workdir = tmp_path_factory.mktemp("estate")
    env_file = workdir / "sandbox.json"
    env_file.write_text(json.dumps(sandbox_session.env))
    estate = Estate(workdir / "lab")
    try:
        estate.start(nodes=4, private_nodes=2, node_backends={"confluence-lab-2": "iptables"},
                     sandbox_env=env_file)
        yield estate
    finally:
        estate.stop()

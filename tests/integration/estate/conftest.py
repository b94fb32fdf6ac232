"""One lab estate per test session (tests/estate): 2 instances, 2 nodes each, the Jira one private with Tomcat."""

from __future__ import annotations

import contextlib
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


@contextlib.contextmanager
def running_estate(sandbox_session, workdir, **start):
    """A lab estate in `workdir` (Estate.start's `start` arguments) whose instances are the session's sandbox;
    stopped on exit."""
    require_estate_tools()
    env_file = workdir / "sandbox.json"
    env_file.write_text(json.dumps(sandbox_session.env))
    estate = Estate(workdir / "lab")
    try:
        estate.start(sandbox_env=env_file, **start)
        yield estate
    finally:
        estate.stop()


@pytest.fixture(scope="session")
def lab_estate(sandbox_session, tmp_path_factory):
    with running_estate(sandbox_session, tmp_path_factory.mktemp("estate"), nodes=4, private_nodes=2,
                        node_backends={"confluence-lab-2": "iptables"}) as estate:
        yield estate

"""pytest plugin: one sandbox per test session (per xdist worker), reset before each test that uses it."""

from __future__ import annotations

import json
import ssl
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

SANDBOX_DIR = Path(__file__).resolve().parent


class SandboxHandle:
    """What a test needs: URLs, CA, credentials, and the admin API (faults, log, reset, state)."""

    def __init__(self, env):
        self.env = env
        self.ca_path = env["ca_path"]
        self.personas = env["personas"]
        verify = ssl.create_default_context(cafile=self.ca_path) if self.ca_path else False
        self._admin = httpx.Client(verify=verify, timeout=10)

    def persona(self, name):
        return self.personas[name]

    def url(self, name):
        return self.personas[name]["url"]

    def _admin_url(self, name, path):
        persona = self.personas[name]
        scheme = self.env["scheme"]
        return f"{scheme}://localhost:{persona['port']}/_sandbox/{path}"

    def reset(self):
        self._admin.post(self._admin_url("cloud", "reset")).raise_for_status()

    def fault(self, persona="cloud", **rule):
        self._admin.post(self._admin_url(persona, "faults"), json=rule).raise_for_status()

    def faults(self, persona="cloud"):
        return self._admin.get(self._admin_url(persona, "faults")).json()

    def log(self, persona=None):
        query = {"persona": persona} if persona else {}
        return self._admin.get(self._admin_url("cloud", "log"), params=query).json()

    def clear_log(self):
        self._admin.delete(self._admin_url("cloud", "log")).raise_for_status()

    def state(self):
        return self._admin.get(self._admin_url("cloud", "state")).json()

    def seed(self, persona, area, value):
        self._admin.put(self._admin_url("cloud", "state"),
                        json={"persona": persona, "area": area, "value": value}).raise_for_status()

    # Module argument -> persona field, per credential family; every family also gets the sandbox CA.
    CONNECTIONS = {
        "cloud": {"api_url": "url", "org_id": "org_id", "api_key": "api_key"},
        "scim": {"api_url": "url", "directory_id": "directory_id", "directory_api_key": "directory_api_key"},
        "dc": {"url": "url", "user": "user", "password": "password"},
    }

    def params(self, connection, **extra):
        """Module parameters for `connection`: "cloud" (org admin API key), "scim" (directory API key), or a DC
        persona's name (its admin basic auth); then `extra`."""
        family = connection if connection in ("cloud", "scim") else "dc"
        persona = self.personas["cloud" if family == "scim" else connection]
        params = {argument: persona[field] for argument, field in self.CONNECTIONS[family].items()}
        params["ca_path"] = self.ca_path
        params.update(extra)
        return params

    def dc_params(self, name="jira", **extra):
        return self.params(name, **extra)

    def cloud_params(self, **extra):
        return self.params("cloud", **extra)

    def scim_params(self, **extra):
        return self.params("scim", **extra)


def start_sandbox(workdir, *extra_args):
    """Start a sandbox process in `workdir`; returns (env dict, stop function)."""
    cmd = [sys.executable, "-m", "atlassian_sandbox", "start", "--dir", str(workdir), *extra_args]
    env = {"PYTHONPATH": str(SANDBOX_DIR)}
    import os

    out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=dict(os.environ, **env), timeout=60)
    info = json.loads(out.stdout)

    def stop():
        subprocess.run([sys.executable, "-m", "atlassian_sandbox", "stop", "--dir", str(workdir)],
                       env=dict(os.environ, **env), check=False, timeout=30)

    return info, stop


@pytest.fixture(scope="session")
def sandbox_session(tmp_path_factory):
    info, stop = start_sandbox(tmp_path_factory.mktemp("sandbox"))
    handle = SandboxHandle(info)
    yield handle
    stop()


@pytest.fixture
def sandbox(sandbox_session):
    """The session's sandbox, reset to its initial state (faults and request log cleared)."""
    sandbox_session.reset()
    return sandbox_session

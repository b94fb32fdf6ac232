"""Run the connector and UPM modules in-process against the sandbox (real HTTPS, the modules' own client)."""

import importlib
import ssl

import httpx
import pytest

from helpers import run_module_in_process

MODULES = "ansible_collections.dcops.atlassian_cloud.plugins.modules."


class ModuleRunner:
    def __init__(self, sandbox, capsys):
        self.sandbox = sandbox
        self.capsys = capsys

    def __call__(self, _module, _connection, check_mode=False, diff=False, no_log=False, **args):
        """Run `_module` with the connection `_connection` ("cloud" or a DC persona); returns (rc, result, out)."""
        module = importlib.import_module(MODULES + _module)
        if _connection == "cloud":
            params = self.sandbox.cloud_params(**args)
        else:
            params = self.sandbox.dc_params(_connection, **args)
        return run_module_in_process(module, params, self.capsys, check_mode=check_mode, diff=diff, no_log=no_log)


class CloudAdmin:
    """What a test does in Atlassian Administration by hand: app connectors, a broken link."""

    def __init__(self, sandbox):
        self.sandbox = sandbox
        cloud = sandbox.persona("cloud")
        self.base = "%s/admin/v1/orgs/%s/connected-sources/connectors" % (cloud["url"], cloud["org_id"])
        self.http = httpx.Client(verify=ssl.create_default_context(cafile=sandbox.ca_path), timeout=10,
                                 headers={"Authorization": "Bearer " + cloud["api_key"]})

    def add_app(self, connector_id, app_type):
        response = self.http.post("%s/%s/apps" % (self.base, connector_id), json={"type": app_type})
        response.raise_for_status()
        return response.json()

    def interrupt(self, connector_id):
        url = "%s/_sandbox/cloud-connectors/%s/interrupt" % (self.sandbox.url("cloud"), connector_id)
        self.http.post(url).raise_for_status()

    def secrets(self):
        """Client secrets the cloud holds now."""
        connectors = self.sandbox.state()["cloud"]["cloud_connector"]["connectors"]
        return [c["clientSecret"] for c in connectors.values()]


@pytest.fixture
def run_module(sandbox, capsys):
    return ModuleRunner(sandbox, capsys)


@pytest.fixture
def cloud_admin(sandbox):
    admin = CloudAdmin(sandbox)
    yield admin
    admin.http.close()

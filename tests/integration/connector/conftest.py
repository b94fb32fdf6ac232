"""What a cloud administrator does by hand, for the connector tests (the modules run through `run_module`)."""

import ssl

import httpx
import pytest


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
def cloud_admin(sandbox):
    admin = CloudAdmin(sandbox)
    yield admin
    admin.http.close()

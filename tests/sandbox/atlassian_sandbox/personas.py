"""The products the sandbox plays, and their well-known test credentials."""

from __future__ import annotations

from dataclasses import dataclass, field

DC_ADMIN = ("sandbox-admin", "sandbox-admin-password")
DC_USER = ("sandbox-user", "sandbox-user-password")  # authenticated, not an administrator
DC_ADMIN_PAT = "sandbox-dc-admin-pat"
ORG_ID = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
ORG_NAME = "Sandbox Org"
ORG_API_KEY = "sandbox-org-api-key"
DIRECTORY_ID = "5f6e7d8c-9b0a-4c1d-8e2f-3a4b5c6d7e8f"
DIRECTORY_API_KEY = "sandbox-scim-directory-key"


@dataclass
class Persona:
    name: str  # jira, confluence, jira-old, cloud, confluence-old
    kind: str  # jira, confluence or cloud
    version: str = ""
    build_number: int = 0
    context_path: str = ""
    display_name: str = ""
    port: int = 0
    state: dict = field(default_factory=dict)
    sandbox: object = None  # the Sandbox, so areas can reach linked personas

    @property
    def is_dc(self):
        return self.kind in ("jira", "confluence")

    @property
    def base_url(self):
        return f"{self.sandbox.scheme}://localhost:{self.port}{self.context_path}"

    def path(self, path):
        """A route path under the persona's context path (e.g. /confluence/rest/...)."""
        return self.context_path + path

    def describe(self):
        info = {"url": self.base_url, "product": self.kind, "version": self.version, "port": self.port}
        if self.is_dc:
            info.update({"user": DC_ADMIN[0], "password": DC_ADMIN[1], "token": DC_ADMIN_PAT,
                         "non_admin_user": DC_USER[0], "non_admin_password": DC_USER[1]})
        else:
            info.update({"org_id": ORG_ID, "api_key": ORG_API_KEY, "directory_id": DIRECTORY_ID,
                         "directory_api_key": DIRECTORY_API_KEY})
        return info


def default_personas():
    return [
        Persona("jira", "jira", "11.3.0", 110300, "", "Jira Sandbox"),
        Persona("confluence", "confluence", "10.2.1", 10020100, "/confluence", "Confluence Sandbox"),
        Persona("jira-old", "jira", "10.2.0", 100200, "", "Jira Sandbox (10.2)"),
        Persona("cloud", "cloud", "", 0, "", "api.atlassian.com"),
        # Last, so --port-base keeps the ports the other personas always had.
        Persona("confluence-old", "confluence", "9.2.4", 9020400, "/confluence", "Confluence Sandbox (9.2)"),
    ]

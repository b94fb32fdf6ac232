#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: dc_app
short_description: Install, upgrade or remove a Jira or Confluence Data Center app through the Universal Plugin Manager
version_added: 0.1.0
description:
  - Installs or upgrades an app (plugin) on a Data Center instance from a URL with the Universal Plugin Manager
    (UPM) REST API, and uninstalls it.
  - An install takes a one-time token from the C(upm-token) header of the installed-apps list, posts the URL as
    C(application/vnd.atl.plugins.install.uri+json), and polls the task UPM answers (HTTP 202) until it is done.
  - Idempotent. Installed and wanted versions are compared as versions, not as text (1.10.0 is newer than
    1.9.2, 1.2 equals 1.2.0, a release is newer than its own pre-releases).
author:
  - dcops engineers (@dcops)
requirements:
  - httpx >= 0.27
extends_documentation_fragment:
  - dcops.atlassian_cloud.dc_connection
  - dcops.atlassian_cloud.http_options
  - dcops.atlassian_cloud.attributes
  - dcops.atlassian_cloud.attributes.ACTIONGROUP_DATA_CENTER
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
options:
  key:
    description:
      - The app's plugin key, for example C(com.example.myapp).
    type: str
    required: true
  version:
    description:
      - Version wanted. With O(version_match=minimum) any installed version at least this one is kept; with
        O(version_match=exact) any other installed version is replaced from O(app_url).
      - With O(state=latest), an installed version at least this one is kept without reinstalling.
    type: str
  version_match:
    description:
      - How O(version) is compared with the installed version.
    type: str
    choices: [minimum, exact]
    default: minimum
  app_url:
    description:
      - URL UPM downloads the app from (a Marketplace download URL or an artifact repository), sent as
        C(pluginUri). Named C(app_url) because O(url) is the instance's base URL.
      - Without it, the version to install is resolved through the Atlassian Marketplace (O(marketplace_url))
        for the instance's product and build. Give it to pin a file (offline estates, an internal
        artifact repository).
    type: str
    aliases: [plugin_uri]
  marketplace_url:
    description:
      - Base URL of the Atlassian Marketplace REST API, used when O(app_url) is not given. C(GET
        /rest/2/addons/{key}/versions/latest?application=&applicationBuild=&hosting=datacenter) picks the newest
        version compatible with the instance's build; with O(version_match=exact), C(GET
        /rest/2/addons/{key}/versions/name/{version}) and its C(compatibilities) decide whether the pinned version
        fits. No credentials are sent.
      - Set it to an empty string to require O(app_url).
    type: str
    default: https://marketplace.atlassian.com
  marketplace_ca_path:
    description:
      - CA bundle for O(marketplace_url) (a proxy that re-signs TLS, a mirror). By default the public CAs are
        trusted; O(ca_path) is the instance's.
    type: path
  name:
    description:
      - Display name sent with the install request (C(pluginName)); UPM takes the app's own name when omitted.
    type: str
  state:
    description:
      - V(present) installs the app when it is missing or does not satisfy O(version).
      - V(latest) installs from O(app_url) when the URL serves a newer version than the installed one (or the app
        is missing), unless the installed version already satisfies O(version). The module reads which app and
        version the URL serves from the app's descriptor (C(atlassian-plugin.xml)) on the controller before it
        writes anything, so a rerun with nothing newer sends no install.
      - V(absent) uninstalls the app.
    type: str
    choices: [present, latest, absent]
    default: present
  install_timeout:
    description:
      - Seconds to wait for UPM's install task to finish.
    type: float
    default: 300
notes:
  - The user must be a system administrator; UPM only hands out the install token to administrators.
  - Before an install the module downloads O(app_url) on the controller (no credentials are sent; public CAs
    and O(ca_path) are trusted) and reads the app's key and version from its descriptor. A URL that serves
    another app, or a version that does not meet O(version), fails before anything is written. With
    O(state=present), a URL the controller cannot read is left to UPM (a warning says so, and check mode then
    names the version as unknown); O(state=latest) needs to read it.
  - UPM ends a successful install task with C(303 See Other) to the installed app and no body; the module then
    reads the app by its key.
"""

EXAMPLES = r"""
- name: Install the app, or upgrade it when older than 1.4.0
  dcops.atlassian_cloud.dc_app:
    url: https://jira.example.com
    user: admin
    password: "{{ vault_jira_admin_password }}"
    key: com.example.myapp
    version: 1.4.0
    app_url: https://marketplace.atlassian.com/download/apps/1234567/version/1400
  delegate_to: localhost

- name: Install the newest Cloud Companion version compatible with this Jira build (Marketplace)
  dcops.atlassian_cloud.dc_app:
    url: https://jira.example.com
    token: "{{ vault_jira_pat }}"
    key: com.atlassian.cloud-companion
    state: latest
  delegate_to: localhost

- name: Pin an exact version
  dcops.atlassian_cloud.dc_app:
    url: https://wiki.example.com/confluence
    token: "{{ vault_confluence_pat }}"
    key: com.example.myapp
    version: 1.3.2
    version_match: exact
    app_url: https://artifacts.example.com/myapp/myapp-1.3.2.obr
  delegate_to: localhost

- name: Remove the app
  dcops.atlassian_cloud.dc_app:
    url: https://jira.example.com
    token: "{{ vault_jira_pat }}"
    key: com.example.myapp
    state: absent
  delegate_to: localhost
"""

RETURN = r"""
key:
  description: The app's plugin key.
  returned: always
  type: str
  sample: com.example.myapp
installed:
  description: Whether the app is installed after the run (in check mode, as it would be).
  returned: always
  type: bool
  sample: true
version:
  description:
    - Installed version after the run; V(null) when not installed.
    - In check mode, the version the run would leave installed (read from O(app_url)'s descriptor), or
      C((the version the URL serves, unknown until UPM installs it)) when the URL could not be read ahead.
  returned: always
  type: str
  sample: 1.4.2
previous_version:
  description: Installed version before the run; V(null) when it was not installed.
  returned: always
  type: str
  sample: 1.3.0
enabled:
  description: Whether UPM reports the app enabled.
  returned: when installed
  type: bool
  sample: true
reason:
  description: Why the module did or did not act.
  returned: always
  type: str
  sample: 1.3.0 installed, at least 1.4.0 wanted
diff:
  description: Installed version before and after.
  returned: when diff mode is on
  type: dict
  contains:
    before:
      description: "C(version) installed before the run (V(null) when not installed)."
      type: dict
      contains:
        version:
          description: "The installed version (V(null) when not installed)."
          type: str
    after:
      description: "C(version) installed after the run (V(null) once uninstalled)."
      type: dict
      contains:
        version:
          description: "The installed version (V(null) when not installed)."
          type: str
  sample: {"before": {"version": "1.3.0"}, "after": {"version": "1.4.2"}}
"""

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.argspec import DATA_CENTER, create_ansible_module
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.client import ApiError
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.module import (
    dc_client,
    fail_api,
)
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api import client as api_client
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._dc import artifact, info, marketplace
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._dc.upm import (
    Upm,
    UpmError,
    plan_app,
    satisfies,
)


def run(module, upm):
    params = module.params
    key = params["key"]
    before = upm.plugin(key)
    previous = before.get("version") if before else None
    result = {"key": key, "previous_version": previous}

    def describe():
        if not params["app_url"]:
            return from_marketplace(module, upm.client)
        with artifact.download_client(params["validate_certs"], params["ca_path"], params["timeout"]) as http:
            return artifact.describe_url(http, params["app_url"])

    source = params["app_url"] or (params["marketplace_url"] and "the Atlassian Marketplace")
    try:
        plan = plan_app(key, previous, params["state"], params["version"], params["version_match"], source,
                        describe)
    except UpmError as exc:
        module.fail_json(msg="%s: %s." % (key, exc), **result)
    result["reason"] = plan.reason
    if plan.note:
        module.warn(plan.note)

    after = before
    if plan.action and not module.check_mode:
        if plan.action == "uninstall":
            upm.uninstall(key)
            after = None
        else:
            install_url = (plan.served or {}).get("url") or params["app_url"]
            upm.install(install_url, params["name"], params["install_timeout"])
            after = upm.plugin(key)
            if after is None:
                module.fail_json(msg="UPM finished installing from %s, but %s is not installed: the URL serves "
                                     "another app." % (install_url, key), changed=True, **result)
            if params["state"] == "present" and not satisfies(after["version"], params["version"],
                                                              params["version_match"]):
                module.fail_json(msg="UPM installed %s %s from %s, but %s %s is wanted." % (
                    key, after["version"], install_url, params["version_match"], params["version"]),
                    changed=True, version=after["version"], **result)
    if module.check_mode:
        current = plan.after
        installed = plan.after is not None
    else:
        current = after.get("version") if after else None
        installed = after is not None
    result.update(changed=plan.action is not None, version=current, installed=installed)
    if module.check_mode and plan.action == "install":
        result["enabled"] = True  # UPM enables the apps it installs
    elif after and installed:
        result["enabled"] = bool(after.get("enabled"))
    if module._diff:
        result["diff"] = {"before": {"version": previous}, "after": {"version": current}}
    return result


def from_marketplace(module, dc_client_):
    """The version to install, resolved through the Atlassian Marketplace for the instance's product and build."""
    params = module.params
    try:
        facts = info.gather(dc_client_)
    except info.ProductError as exc:
        raise UpmError(str(exc))
    if not str(facts.get("build_number") or "").isdigit():
        raise UpmError("%s reports no build number to match Marketplace versions against; give app_url"
                       % params["url"])
    try:
        with api_client.ApiClient(params["marketplace_url"], validate_certs=params["validate_certs"],
                                  ca_path=params["marketplace_ca_path"], timeout=params["timeout"],
                                  retry=api_client.RetryPolicy(max_total=params["retry_max_time"])) as client:
            return marketplace.resolve(marketplace.Marketplace(client), params["key"], facts["product"],
                                       int(facts["build_number"]), params["state"], params["version"],
                                       params["version_match"])
    except ApiError as exc:
        raise UpmError("the Atlassian Marketplace at %s did not answer (%s); give app_url to install from a pinned "
                       "URL instead (offline estates)" % (params["marketplace_url"], exc))


def main():
    module = create_ansible_module(dict(
        key=dict(type="str", required=True, no_log=False),
        version=dict(type="str"),
        version_match=dict(type="str", choices=["minimum", "exact"], default="minimum"),
        app_url=dict(type="str", aliases=["plugin_uri"]),
        name=dict(type="str"),
        state=dict(type="str", choices=["present", "latest", "absent"], default="present"),
        install_timeout=dict(type="float", default=300.0),
        marketplace_url=dict(type="str", default="https://marketplace.atlassian.com"),
        marketplace_ca_path=dict(type="path"),
    ), DATA_CENTER)
    if not module.params["key"].strip():
        module.fail_json(msg="key is empty; expected the app's plugin key, for example com.example.myapp")
    with dc_client(module) as client:
        try:
            result = run(module, Upm(client))
        except ApiError as exc:
            fail_api(module, exc, msg="UPM on %s" % module.params["url"])
        except UpmError as exc:
            module.fail_json(msg="%s on %s: %s" % (module.params["key"], module.params["url"], exc))
        except ValueError as exc:
            module.fail_json(msg="Cannot compare versions of %s: %s" % (module.params["key"], exc))
    module.exit_json(**result)


if __name__ == "__main__":
    main()

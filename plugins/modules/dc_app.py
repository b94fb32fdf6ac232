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
      - Required whenever the app must be installed or upgraded.
    type: str
    aliases: [plugin_uri]
  name:
    description:
      - Display name sent with the install request (C(pluginName)); UPM takes the app's own name when omitted.
    type: str
  state:
    description:
      - V(present) installs the app when it is missing or does not satisfy O(version).
      - V(latest) installs from O(app_url) even when the app is present (UPM upgrades it to the version the URL
        serves), unless the installed version already satisfies O(version); changed only when the installed
        version changed.
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
  - In check mode with O(state=latest) and no O(version), the module cannot know which version the URL serves
    and predicts a change only when the app is missing.
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
  description: Installed version after the run; V(null) when not installed. In check mode, the current version.
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

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.client import ApiError
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.module import (
    DC_MUTUALLY_EXCLUSIVE,
    DC_REQUIRED_TOGETHER,
    dc_argument_spec,
    dc_client,
    fail_api,
)
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._dc.upm import (
    Upm,
    UpmError,
    compare_versions,
    plan,
    satisfies,
)


def run(module, upm):
    params = module.params
    key, state, version, match = params["key"], params["state"], params["version"], params["version_match"]
    before = upm.plugin(key)
    previous = before.get("version") if before else None
    result = {"key": key, "previous_version": previous}
    if state == "latest" and version is not None and satisfies(previous, version, "minimum"):
        action, reason = None, "%s installed satisfies at least %s" % (previous, version)
    else:
        action, reason = plan(previous, state, version, match)
    result["reason"] = reason
    if action == "install" and not params["app_url"]:
        module.fail_json(msg="%s: %s, and no app_url is given to install it from." % (key, reason), **result)

    after = before
    if action and not module.check_mode:
        if action == "uninstall":
            upm.uninstall(key)
            after = None
        else:
            upm.install(params["app_url"], params["name"], params["install_timeout"])
            after = upm.plugin(key)
            if after is None:
                module.fail_json(msg="UPM finished installing from %s, but %s is not installed: the URL serves "
                                     "another app." % (params["app_url"], key), **result)
            if state == "present" and not satisfies(after["version"], version, match):
                module.fail_json(msg="UPM installed %s %s from %s, but %s %s is wanted." % (
                    key, after["version"], params["app_url"], match, version), version=after["version"], **result)
    current = after.get("version") if after else None

    if action is None:
        changed = False
    elif module.check_mode:
        changed = not (state == "latest" and previous is not None and version is None)
    elif state == "latest":
        changed = previous is None or compare_versions(previous, current) != 0
    else:
        changed = True

    result.update(changed=changed, version=current,
                  installed=(after is not None) if not module.check_mode else (
                      state != "absent" if action else before is not None))
    if after:
        result["enabled"] = bool(after.get("enabled"))
    if module._diff:
        wanted = current
        if module.check_mode and action == "install":
            wanted = version or "(from %s)" % params["app_url"]
        elif module.check_mode and action == "uninstall":
            wanted = None
        result["diff"] = {"before": {"version": previous}, "after": {"version": wanted}}
    return result


def main():
    argument_spec = dc_argument_spec()
    argument_spec.update(
        key=dict(type="str", required=True, no_log=False),
        version=dict(type="str"),
        version_match=dict(type="str", choices=["minimum", "exact"], default="minimum"),
        app_url=dict(type="str", aliases=["plugin_uri"]),
        name=dict(type="str"),
        state=dict(type="str", choices=["present", "latest", "absent"], default="present"),
        install_timeout=dict(type="float", default=300.0),
    )
    module = AnsibleModule(
        argument_spec=argument_spec,
        mutually_exclusive=DC_MUTUALLY_EXCLUSIVE,
        required_together=DC_REQUIRED_TOGETHER,
        supports_check_mode=True,
    )
    client = dc_client(module)
    try:
        result = run(module, Upm(client))
    except ApiError as exc:
        fail_api(module, exc, msg="UPM on %s" % module.params["url"])
    except UpmError as exc:
        module.fail_json(msg="%s on %s: %s" % (module.params["key"], module.params["url"], exc))
    except ValueError as exc:
        module.fail_json(msg="Cannot compare versions of %s: %s" % (module.params["key"], exc))
    finally:
        client.close()
    module.exit_json(**result)


if __name__ == "__main__":
    main()

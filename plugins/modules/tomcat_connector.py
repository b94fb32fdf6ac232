#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: tomcat_connector
short_description: Set or remove attributes of one Connector in a Tomcat server.xml, changing nothing else
version_added: 0.1.0
description:
  - Edits one C(Connector) element of a Tomcat C(conf/server.xml), as used by Jira and Confluence Data Center,
    for example to add C(secure="true") and the proxy attributes an application tunnel needs.
  - lxml parses the file, finds the connector and checks the result; the change itself is patched into the
    original bytes of the connector's start tag only. Every byte outside that tag stays as it was (XML
    declaration, comments, blank lines, CRLF or LF line endings, character references such as C(&#x5c;&#x60;)
    in Jira's C(relaxedQueryChars)).
  - Inside the tag, attributes that are not changed keep their spelling, quoting, entity references and line
    layout. A changed value keeps its quote style. A new attribute follows the tag's layout, on its own line
    with the same indentation as the other attributes of a multi-line tag, after one space on a single-line tag.
  - After patching, the module parses the result again and writes nothing and fails unless the new document
    is well-formed and differs from the original only in the requested attributes.
  - The file is replaced atomically and keeps its owner, group, mode and SELinux context. The encoding the file
    declares is kept (UTF-8, ISO-8859-1 or any other encoding Python knows).
  - A symlinked O(path) stays a symlink; the file it points to is edited. The new file is written completely
    before anything else (a read-only mount or a full disk fails the run with the file unchanged and no backup),
    and a file that changed since the module read it is not overwritten (the run fails; run it again).
  - Values of secret-looking attributes (C(keystorePass), C(truststorePass), C(certificateKeyPassword), the AJP
    C(secret), anything named with C(pass), C(secret), C(token) or C(credential)) are masked in RV(connector),
    RV(changes) and the diff.
  - Connectors inside XML comments, such as the commented-out proxy and HTTPS examples of the stock Jira and
    Confluence files, are never selected.
author:
  - dcops engineers (@dcops)
requirements:
  - lxml >= 4.0 on the managed node
extends_documentation_fragment:
  - dcops.atlassian_cloud.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
    details:
      - The diff is the real line diff of the file text, not a pretty-printed rendering of the XML tree.
options:
  path:
    description:
      - The Tomcat C(server.xml) to edit, for example C(/opt/atlassian/jira/conf/server.xml).
    type: path
    required: true
    aliases: [dest]
  port:
    description:
      - Select the connector whose C(port) attribute is this number.
      - With neither O(port) nor O(protocol), the single plain HTTP connector (not AJP, not C(SSLEnabled="true"))
        is selected.
    type: int
  protocol:
    description:
      - Select the connector whose C(protocol) attribute is exactly this value, for example C(HTTP/1.1) or
        C(org.apache.coyote.http11.Http11NioProtocol). A connector without C(protocol) counts as C(HTTP/1.1),
        Tomcat's default.
      - Combine with O(port) when several connectors share a port number on different addresses.
    type: str
  attributes:
    description:
      - Attributes to set on the selected connector, name to value.
      - Values are written as strings; YAML booleans become C(true) or C(false) and numbers their decimal form.
      - C(port), C(proxyPort) and C(redirectPort) must be port numbers.
    type: dict
    default: {}
  absent_attributes:
    description:
      - Names of attributes to remove from the selected connector. Names that are not present are ignored.
    type: list
    elements: str
    default: []
  backup:
    description:
      - Before changing the file, copy it to a file named after it with a timestamp, and return that name in
        RV(backup_file).
    type: bool
    default: false
  validate:
    description:
      - A command that checks the new file before it replaces O(path), like the O(ansible.builtin.template#module:validate)
        option. C(%s) stands for the path of the new file. A non-zero exit leaves O(path) untouched and fails.
      - Check mode runs it too, on a copy of the new file in a private temporary directory, and fails where the
        real run would.
    type: str
notes:
  - When no connector or more than one connector matches, the module fails and returns every connector of the
    file (port, protocol and line) in RV(candidates) so that O(port) and O(protocol) can be set.
  - Tomcat reads C(server.xml) only at start-up; restart the product to apply a change, or use the
    C(dcops.atlassian_cloud.app_tunnel) role, which edits, restarts and checks the node's health.
seealso:
  - module: community.general.xml
    description: Generic XML editing; it re-serialises the whole file.
"""

EXAMPLES = r"""
- name: Mark the HTTP connector behind an application tunnel as secure
  dcops.atlassian_cloud.tomcat_connector:
    path: /opt/atlassian/jira/conf/server.xml
    attributes:
      secure: "true"
    backup: true
  register: connector
  notify: Restart Jira

- name: Application tunnel with its public name, port and scheme on the connector listening on 8090
  dcops.atlassian_cloud.tomcat_connector:
    path: /opt/atlassian/confluence/conf/server.xml
    port: 8090
    attributes:
      secure: "true"
      scheme: https
      proxyName: confluence.example.com
      proxyPort: "443"
    backup: true
    validate: /usr/bin/xmllint --noout %s

- name: Take the connector off the tunnel again
  dcops.atlassian_cloud.tomcat_connector:
    path: /opt/atlassian/jira/conf/server.xml
    port: 8080
    protocol: HTTP/1.1
    absent_attributes: [secure, scheme, proxyName, proxyPort]
"""

RETURN = r"""
connector:
  description: The selected connector's attributes after the run (as they will be in check mode), values unescaped.
  returned: success
  type: dict
  sample:
    port: "8080"
    protocol: HTTP/1.1
    relaxedQueryChars: '[]|{}^\`"<>'
    secure: "true"
    scheme: https
    proxyName: jira.example.com
    proxyPort: "443"
line:
  description: Line of the file on which the connector's start tag begins.
  returned: success
  type: int
  sample: 36
changes:
  description: Each attribute that was (or in check mode would be) set or removed, with its value before and after.
  returned: success
  type: list
  elements: dict
  contains:
    attribute:
      description: "The attribute."
      type: str
    before:
      description: "Its value before (V(null) when absent)."
      type: str
    after:
      description: "Its value after (V(null) when removed)."
      type: str
  sample:
    - {attribute: secure, before: null, after: "true"}
    - {attribute: proxyPort, before: "80", after: "443"}
backup_file:
  description: Name of the backup copy made before the change.
  returned: changed and O(backup=true) and not in check mode
  type: str
  sample: /opt/atlassian/jira/conf/server.xml.12345.2026-01-31@10:00:00~
target:
  description: The file edited when O(path) is a symlink (the link itself is kept).
  returned: success, when O(path) is a symlink
  type: str
  sample: /srv/jira-config/server.xml
candidates:
  description: Every connector in the file when none or several matched the selection.
  returned: failure to select a connector
  type: list
  elements: dict
  contains:
    line:
      description: "Line of the connector in server.xml."
      type: int
    port:
      description: "Its C(port) attribute."
      type: str
    protocol:
      description: "Its C(protocol) attribute."
      type: str
  sample:
    - {port: "8080", protocol: HTTP/1.1, line: 36}
    - {port: "8009", protocol: AJP/1.3, line: 52}
"""

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.argspec import create_ansible_module
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.errors import CollectionError, fail_from_exception
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._tomcat.connector_module import CONNECTOR_OPTIONS, read_and_plan
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._tomcat.files import check_replaceable, replace_file
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._tomcat.server_xml import mask_attributes, mask_changes, mask_text

ARGUMENT_SPEC = dict(
    path=dict(type="path", required=True, aliases=["dest"]),
    backup=dict(type="bool", default=False),
    validate=dict(type="str"),
    **CONNECTOR_OPTIONS
)


def _write(module, plan, path, real, raw, result):
    """Check mode proves the file could be replaced (validate included); the real run replaces it."""
    params = module.params
    try:
        if module.check_mode:
            check_replaceable(module, path, real, plan.after, validate=params["validate"])
            return
        backup_file = replace_file(module, path, real, raw, plan.after, backup=params["backup"],
                                   validate=params["validate"])
        if backup_file:
            result["backup_file"] = backup_file
    except CollectionError as exc:
        fail_from_exception(module, exc)


def main():
    module = create_ansible_module(ARGUMENT_SPEC)
    params = module.params
    path = params["path"]
    # First: it hides the secret attribute values from every result, failures included.
    real, raw, plan = read_and_plan(module)
    if params["validate"] and "%s" not in params["validate"]:
        module.fail_json(msg="validate must contain %%s for the path of the new file, got %r" % params["validate"])

    result = dict(
        changed=plan.changed,
        connector=mask_attributes(plan.connector_attributes()),
        line=plan.line,
        changes=mask_changes(plan.changes),
    )
    if real != path:
        result["target"] = real
    if plan.changed:
        if module._diff:
            result["diff"] = dict(
                before_header=path, after_header=path, before=mask_text(plan.document.text),
                after=mask_text(plan.new_text)
            )
        _write(module, plan, path, real, raw, result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()

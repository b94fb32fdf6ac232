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

import os
import tempfile

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible.module_utils.common.text.converters import to_native

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._tomcat.server_xml import (
    HAS_LXML,
    LXML_IMPORT_ERROR,
    ServerXmlError,
    ServerXmlSelectionError,
    plan_connector,
)


def _read(module, path):
    if not os.path.exists(path):
        module.fail_json(msg="%s does not exist; expected the Tomcat server.xml of the product" % path)
    if not os.path.isfile(path):
        module.fail_json(msg="%s is not a regular file; expected the Tomcat server.xml of the product" % path)
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except (IOError, OSError) as exc:
        module.fail_json(msg="cannot read %s: %s" % (path, to_native(exc)))


def _write(module, path, content, validate):
    """Write `content` next to `path`, validate it, then move it over `path` keeping its attributes."""
    descriptor, temporary = tempfile.mkstemp(prefix=".%s." % os.path.basename(path), dir=os.path.dirname(path))
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
        if validate:
            rc, stdout, stderr = module.run_command(validate % temporary)
            if rc != 0:
                module.fail_json(
                    msg="validation of the new %s failed (rc=%d), file left unchanged: %s"
                    % (path, rc, (stderr or stdout).strip()),
                    rc=rc, stdout=stdout, stderr=stderr,
                )
        module.atomic_move(temporary, path, unsafe_writes=False, keep_dest_attrs=True)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type="path", required=True, aliases=["dest"]),
            port=dict(type="int"),
            protocol=dict(type="str"),
            attributes=dict(type="dict", default={}),
            absent_attributes=dict(type="list", elements="str", default=[]),
            backup=dict(type="bool", default=False),
            validate=dict(type="str"),
        ),
        supports_check_mode=True,
    )
    if not HAS_LXML:
        module.fail_json(msg=missing_required_lib("lxml"), exception=to_native(LXML_IMPORT_ERROR))
    params = module.params
    path = params["path"]
    if params["validate"] and "%s" not in params["validate"]:
        module.fail_json(msg="validate must contain %%s for the path of the new file, got %r" % params["validate"])

    raw = _read(module, path)
    try:
        plan = plan_connector(
            raw,
            port=params["port"],
            protocol=params["protocol"],
            attributes=params["attributes"],
            absent_attributes=params["absent_attributes"],
        )
    except ServerXmlSelectionError as exc:
        module.fail_json(msg="%s: %s" % (path, exc), candidates=exc.candidates)
    except ServerXmlError as exc:
        module.fail_json(msg="%s: %s" % (path, exc))

    result = dict(
        changed=plan.changed,
        connector=plan.connector_attributes(),
        line=plan.line,
        changes=plan.changes,
    )
    if plan.changed:
        if module._diff:
            result["diff"] = dict(
                before_header=path, after_header=path, before=plan.document.text, after=plan.new_text
            )
        if not module.check_mode:
            if params["backup"]:
                result["backup_file"] = module.backup_local(path)
            _write(module, path, plan.after, params["validate"])
    module.exit_json(**result)


if __name__ == "__main__":
    main()

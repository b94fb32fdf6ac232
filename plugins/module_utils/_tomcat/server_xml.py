# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Byte-minimal edits of a Tomcat ``server.xml`` Connector start tag.

lxml parses, locates and validates; the change itself is spliced into the original text of the one
start tag being edited, so every byte outside that tag (declaration, comments, line endings,
character references, attribute layout) stays exactly as the administrator wrote it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import codecs
import dataclasses
import re

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.errors import CollectionError

try:
    from lxml import etree

    HAS_LXML = True
    LXML_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - exercised by ansible-test's import sanity test
    HAS_LXML = False
    LXML_IMPORT_ERROR = exc


# Tomcat rejects these at start-up when they are not numbers; catching it here saves a failed restart.
INTEGER_ATTRIBUTES = ("port", "proxyPort", "redirectPort")
DEFAULT_PROTOCOL = "HTTP/1.1"

# The scanner only has to find token boundaries: lxml has already proven the document well-formed.
_NAME = r"[^\s=/>'\"<]+"
_START_TAG_NAME = re.compile(r"<(" + _NAME + r")")
_ATTRIBUTE = re.compile(r"(\s+)(" + _NAME + r")(\s*=\s*)(?:\"([^\"]*)\"|'([^']*)')")
_TAG_CLOSE = re.compile(r"(\s*)(/?>)")


class ServerXmlError(CollectionError):
    """A user-facing problem with the file or the request; the message says what and where."""


class ServerXmlSelectionError(ServerXmlError):
    """No connector or several matched; `candidates` lists every connector with port, protocol and line."""

    def __init__(self, message, candidates):
        super(ServerXmlSelectionError, self).__init__(message)
        self.candidates = candidates


@dataclasses.dataclass(eq=False, repr=False)  # a plain object's identity and repr: a value may be a keystorePass
class Attribute(object):
    """One attribute of a start tag as written: leading whitespace, then `name=quote value quote`."""

    space: str
    name: str
    equals: str
    quote: str
    raw_value: str

    def text(self):
        return self.name + self.equals + self.quote + self.raw_value + self.quote


@dataclasses.dataclass(eq=False, repr=False)  # a plain object's identity and repr: a value may be a keystorePass
class StartTag(object):
    """A start tag's exact text split into its parts, with its offsets in the document text."""

    name: str
    start: int
    end: int
    attributes: list
    trailing_space: str
    close: str
    line: int

    def render(self):
        parts = ["<", self.name]
        for attribute in self.attributes:
            parts.append(attribute.space)
            parts.append(attribute.text())
        parts.append(self.trailing_space)
        parts.append(self.close)
        return "".join(parts)


def _skip_doctype(text, index):
    """Offset just after a DOCTYPE declaration, internal subset included."""
    depth = 0
    quote = None
    position = index + 2
    while position < len(text):
        char = text[position]
        if quote:
            if char == quote:
                quote = None
        elif text.startswith("<!--", position):
            position = text.index("-->", position) + 3
            continue
        elif char in "\"'":
            quote = char
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == ">" and depth == 0:
            return position + 1
        position += 1
    raise ServerXmlError("unterminated DOCTYPE declaration")


def scan_start_tags(text):
    """Every element start tag of a well-formed document, in document order.

    Comments, CDATA sections, processing instructions, the DOCTYPE and end tags are skipped, so a
    Connector inside a comment is never returned.
    """
    tags = []
    position = text.find("<")
    while position != -1:
        if text.startswith("<!--", position):
            position = text.index("-->", position + 4) + 3
        elif text.startswith("<![CDATA[", position):
            position = text.index("]]>", position + 9) + 3
        elif text.startswith("<?", position):
            position = text.index("?>", position + 2) + 2
        elif text.startswith("<!", position):
            position = _skip_doctype(text, position)
        elif text.startswith("</", position):
            position = text.index(">", position) + 1
        else:
            tag = _scan_start_tag(text, position)
            tags.append(tag)
            position = tag.end
        position = text.find("<", position)
    return tags


def _scan_start_tag(text, start):
    match = _START_TAG_NAME.match(text, start)
    if not match:
        raise ServerXmlError("unexpected markup at offset %d" % start)
    name = match.group(1)
    position = match.end()
    attributes = []
    while True:
        attribute = _ATTRIBUTE.match(text, position)
        if not attribute:
            break
        double, single = attribute.group(4), attribute.group(5)
        quote, raw_value = ('"', double) if double is not None else ("'", single)
        attributes.append(Attribute(attribute.group(1), attribute.group(2), attribute.group(3), quote, raw_value))
        position = attribute.end()
    close = _TAG_CLOSE.match(text, position)
    if not close:
        raise ServerXmlError("could not read the start tag <%s> at line %d" % (name, text.count("\n", 0, start) + 1))
    return StartTag(
        name, start, close.end(), attributes, close.group(1), close.group(2), text.count("\n", 0, start) + 1
    )


def _parser():
    # No DTD loading, no entity expansion, no network: server.xml is configuration, not a document to fetch.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_blank_text=False)


def _parse(raw):
    try:
        return etree.fromstring(raw, _parser()).getroottree()
    except etree.XMLSyntaxError as exc:
        raise ServerXmlError("not well-formed XML: %s" % exc)


def _serialized(tree):
    return etree.tostring(tree, encoding="UTF-8")


def is_plain_http(element):
    """True for an HTTP connector without TLS: not AJP and not SSLEnabled."""
    protocol = (element.get("protocol") or DEFAULT_PROTOCOL).lower()
    return "ajp" not in protocol and (element.get("SSLEnabled") or "").strip().lower() != "true"


@dataclasses.dataclass(eq=False, repr=False)  # a plain object's identity and repr, as before
class Connector(object):
    """A Connector element found outside comments: its position, lxml element and start tag."""

    index: int
    element: object  # the lxml element
    tag: StartTag

    @property
    def port(self):
        return self.element.get("port")

    @property
    def protocol(self):
        return self.element.get("protocol") or DEFAULT_PROTOCOL

    def describe(self):
        flags = []
        if (self.element.get("SSLEnabled") or "").strip().lower() == "true":
            flags.append("SSLEnabled")
        return "port %s protocol %s%s at line %d" % (
            self.port, self.protocol, " (%s)" % ", ".join(flags) if flags else "", self.tag.line
        )

    def as_candidate(self):
        return {"port": self.port, "protocol": self.protocol, "line": self.tag.line}


class ServerXml(object):
    """A parsed server.xml: its bytes, decoded text, lxml tree and start tags matched to elements."""

    def __init__(self, raw):
        if not raw.strip():
            raise ServerXmlError("the file is empty, expected a Tomcat server.xml")
        self.raw = raw
        self.tree = _parse(raw)
        self.encoding = self.tree.docinfo.encoding or "UTF-8"
        try:
            codecs.lookup(self.encoding)
            self.text = raw.decode(self.encoding)
        except (LookupError, UnicodeDecodeError) as exc:
            raise ServerXmlError("cannot decode the file as its declared encoding %s: %s" % (self.encoding, exc))
        if self.text.encode(self.encoding) != raw:
            raise ServerXmlError(
                "the file does not round-trip through its declared encoding %s, so it cannot be edited "
                "byte for byte" % self.encoding
            )
        root = self.tree.getroot()
        if root.tag != "Server" or root.find("Service") is None:
            raise ServerXmlError(
                "not a Tomcat server.xml: expected a <Server> root element with a <Service> child, found <%s>"
                % root.tag
            )
        self.elements = [element for element in root.iter() if isinstance(element.tag, str)]
        self.tags = scan_start_tags(self.text)
        names = [tag.name for tag in self.tags]
        if names != [element.tag for element in self.elements]:
            raise ServerXmlError(
                "the start tags in the file text do not line up with the parsed elements "
                "(entity references that expand to elements are not supported)"
            )

    def connectors(self):
        return [
            Connector(index, element, self.tags[index])
            for index, element in enumerate(self.elements)
            if element.tag == "Connector"
        ]

    def select_connector(self, port=None, protocol=None):
        """The one Connector matching `port`/`protocol`; with neither, the single plain-HTTP one."""
        connectors = self.connectors()
        if port is None and protocol is None:
            wanted = "the plain HTTP connector (not AJP, not SSLEnabled)"
            matches = [connector for connector in connectors if is_plain_http(connector.element)]
        else:
            criteria = []
            if port is not None:
                criteria.append("port %s" % port)
            if protocol is not None:
                criteria.append("protocol %s" % protocol)
            wanted = "a connector with " + " and ".join(criteria)
            matches = [
                connector
                for connector in connectors
                if (port is None or (connector.port or "").strip() == str(port))
                and (protocol is None or connector.protocol == protocol)
            ]
        if len(matches) == 1:
            return matches[0]
        listing = "; ".join(connector.describe() for connector in connectors) or "none"
        problem = "no connector matches" if not matches else "%d connectors match" % len(matches)
        raise ServerXmlSelectionError(
            "%s %s; set port (and protocol) to pick one. Connectors in the file: %s" % (problem, wanted, listing),
            [connector.as_candidate() for connector in connectors],
        )


def normalize_attributes(attributes):
    """Attribute values as the strings Tomcat reads; booleans become `true`/`false`."""
    normalized = {}
    probe = etree.Element("probe")
    for name, value in (attributes or {}).items():
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, (int, float)):
            value = str(value)
        elif value is None:
            raise ServerXmlError("attribute %s has no value; list it in absent_attributes to remove it" % name)
        elif not isinstance(value, str):
            raise ServerXmlError("attribute %s must be a string, number or boolean, got %s" % (name, type(value).__name__))
        if ":" in name:
            raise ServerXmlError("attribute %s: names with a namespace prefix are not supported" % name)
        try:
            probe.set(name, value)
        except ValueError as exc:
            raise ServerXmlError("attribute %s=%r cannot be written to XML: %s" % (name, value, exc))
        if name in INTEGER_ATTRIBUTES and not _is_port_number(value):
            raise ServerXmlError("attribute %s must be an integer port number (0-65535), got %r" % (name, value))
        normalized[name] = value
    return normalized


def _is_port_number(value):
    return re.match(r"^[0-9]{1,5}$", value) is not None and int(value) <= 65535


def escape_attribute_value(value, quote, encoding):
    """`value` as attribute text inside `quote`, parsed back by any XML parser to exactly `value`."""
    escaped = value.replace("&", "&amp;").replace("<", "&lt;")
    # Literal tabs and line breaks would be normalised to spaces by the parser; references survive.
    escaped = escaped.replace("\t", "&#9;").replace("\n", "&#10;").replace("\r", "&#13;")
    escaped = escaped.replace(quote, "&quot;" if quote == '"' else "&apos;")
    return escaped.encode(encoding, "xmlcharrefreplace").decode(encoding)


def _line_break_and_indent(space):
    line_break = "\r\n" if "\r\n" in space else "\n"
    return line_break + space[space.rfind("\n") + 1:]


# Connector attributes that hold secrets: keystorePass, truststorePass, certificateKeyPassword,
# certificateKeystorePassword, the AJP secret / requiredSecret, and anything else named like one.
_SECRET_NAME = re.compile(r"(?i)(pass|secret|token|credential)")
_ATTRIBUTE_IN_TEXT = re.compile(r"(?s)(\s)([A-Za-z_][\w:.-]*)(\s*=\s*)([\"'])(.*?)\4")
MASK = "********"


def is_secret_attribute(name):
    return bool(_SECRET_NAME.search(str(name)))


def mask_attributes(attributes):
    """A copy of `attributes` with the values of secret-looking attributes masked."""
    return dict((k, MASK if is_secret_attribute(k) and v is not None else v) for k, v in attributes.items())


def mask_changes(changes):
    masked = []
    for change in changes:
        if is_secret_attribute(change["attribute"]):
            change = dict(change, before=None if change["before"] is None else MASK,
                          after=None if change["after"] is None else MASK + (" (changed)" if change["before"] else ""))
        masked.append(change)
    return masked


def mask_text(text):
    """`text` (the file, for the diff) with the value of every secret-looking attribute masked."""
    def mask(match):
        if not is_secret_attribute(match.group(2)):
            return match.group(0)
        return "%s%s%s%s%s%s" % (match.group(1), match.group(2), match.group(3), match.group(4), MASK, match.group(4))
    return _ATTRIBUTE_IN_TEXT.sub(mask, text)


class ConnectorPlan(object):
    """What a run would do: the file bytes before and after, and the connector as it ends up."""

    def __init__(self, document, connector, new_text, changes):
        self.document = document
        self.connector = connector
        self.new_text = new_text
        self.changes = changes
        self.after = new_text.encode(document.encoding)

    @property
    def changed(self):
        return self.after != self.document.raw

    @property
    def line(self):
        return self.connector.tag.line

    def connector_attributes(self):
        tree = _parse(self.after)
        element = [element for element in tree.getroot().iter() if isinstance(element.tag, str)][self.connector.index]
        return dict(element.attrib)


def patch_start_tag(tag, current, attributes, absent_attributes, encoding):
    """The tag's new text and the list of changes; untouched attributes keep their exact spelling."""
    changes = []
    by_name = dict((attribute.name, attribute) for attribute in tag.attributes)
    for name, value in attributes.items():
        attribute = by_name.get(name)
        if attribute is not None and current.get(name) != value:
            changes.append({"attribute": name, "before": current.get(name), "after": value})
            attribute.raw_value = escape_attribute_value(value, attribute.quote, encoding)
    for name in absent_attributes:
        attribute = by_name.get(name)
        if attribute is None:
            continue
        changes.append({"attribute": name, "before": current.get(name), "after": None})
        position = tag.attributes.index(attribute)
        following = tag.attributes[position + 1] if position + 1 < len(tag.attributes) else None
        # When the removed attribute starts a line and the next one shares that line, the next one
        # moves to the start of the line instead of being joined onto the line above.
        if following is not None and "\n" in attribute.space and "\n" not in following.space:
            following.space = attribute.space
        del tag.attributes[position]
    additions = [(name, value) for name, value in attributes.items() if name not in by_name]
    if additions:
        multi_line = [attribute.space for attribute in tag.attributes if "\n" in attribute.space]
        separator = _line_break_and_indent(multi_line[-1]) if multi_line else " "
        quote = tag.attributes[-1].quote if tag.attributes else '"'
        for name, value in additions:
            changes.append({"attribute": name, "before": None, "after": value})
            tag.attributes.append(Attribute(separator, name, "=", quote, escape_attribute_value(value, quote, encoding)))
    return tag.render(), changes


def plan_connector(raw, port=None, protocol=None, attributes=None, absent_attributes=None):
    """Plan the edit of one Connector of the server.xml bytes `raw`; raises ServerXmlError on any problem."""
    attributes = normalize_attributes(attributes)
    absent_attributes = list(absent_attributes or [])
    both = sorted(set(attributes) & set(absent_attributes))
    if both:
        raise ServerXmlError("attributes to set and to remove overlap: %s" % ", ".join(both))
    document = ServerXml(raw)
    connector = document.select_connector(port, protocol)
    tag = _scan_start_tag(document.text, connector.tag.start)
    current = dict(connector.element.attrib)
    new_tag, changes = patch_start_tag(tag, current, attributes, absent_attributes, document.encoding)
    new_text = document.text[:tag.start] + new_tag + document.text[tag.end:]
    plan = ConnectorPlan(document, connector, new_text, changes)
    if plan.changed:
        verify_plan(plan, attributes, absent_attributes)
    return plan


def verify_plan(plan, attributes, absent_attributes):
    """Re-parse the patched bytes and prove they differ from the original only by the intended attributes."""
    document = plan.document
    tag = plan.connector.tag
    suffix = document.text[tag.end:]
    if plan.new_text[:tag.start] != document.text[:tag.start] or not plan.new_text.endswith(suffix):
        raise ServerXmlError("internal check failed: bytes outside the connector tag would change; nothing written")
    try:
        patched = _parse(plan.after)
    except ServerXmlError as exc:
        raise ServerXmlError("the patched file would not be well-formed (%s); nothing written" % exc)
    expected = _parse(document.raw)
    element = [element for element in expected.getroot().iter() if isinstance(element.tag, str)][plan.connector.index]
    for name, value in attributes.items():
        element.set(name, value)
    for name in absent_attributes:
        element.attrib.pop(name, None)
    if _serialized(expected) != _serialized(patched):
        raise ServerXmlError(
            "the patched file would differ from the original in more than the requested attributes; nothing written"
        )

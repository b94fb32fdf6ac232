"""A small LDAP proxy that applies Active Directory's MaxValRange rule to a directory that does not.

Windows AD returns at most MaxValRange (1,500 by default) values of a multi-valued attribute per read: a
search for `member` on a group of 3,000 answers `member;range=0-1499` with the first 1,500 values, and the
client must ask for `member;range=1500-*` next; the last chunk is named `member;range=1500-*`. Samba answers
ranged requests the same way but returns every value of a plain read, so a test against bare Samba proves
nothing about ranges. This proxy sits between the client (host loopback) and Samba (inside the test's network
namespace) and rewrites every SearchResultEntry it forwards so that no attribute carries more than `max_values`
values, naming the chunk as AD does. Requests pass through unchanged; `ranged_requests` counts the search
requests that asked for a range, so a test can see how the client read.

Only the BER needed for LDAPMessage framing and SearchResultEntry (RFC 4511 section 4.5.2) is parsed.
"""

import ctypes
import socket
import threading

CLONE_NEWNET = 0x40000000
SEARCH_REQUEST = 0x63
SEARCH_RESULT_ENTRY = 0x64


def _read_length(data, offset):
    """(length, offset of the content) of the BER length at data[offset]."""
    first = data[offset]
    if first < 0x80:
        return first, offset + 1
    count = first & 0x7F
    return int.from_bytes(data[offset + 1:offset + 1 + count], "big"), offset + 1 + count


def _encode_length(length):
    if length < 0x80:
        return bytes([length])
    raw = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def _tlv(tag, content):
    return bytes([tag]) + _encode_length(len(content)) + content


def _elements(data):
    """[(tag, content)] of the BER elements concatenated in data."""
    elements = []
    offset = 0
    while offset < len(data):
        tag = data[offset]
        length, start = _read_length(data, offset + 1)
        elements.append((tag, data[start:start + length]))
        offset = start + length
    return elements


def message_size(buffer):
    """Size of the first complete LDAPMessage in buffer, or None when more bytes are needed."""
    if len(buffer) < 2:
        return None
    first = buffer[1]
    header = 2 if first < 0x80 else 2 + (first & 0x7F)
    if len(buffer) < header:
        return None
    length, start = _read_length(buffer, 1)
    return start + length if len(buffer) >= start + length else None


def _capped_attribute(name, values, max_values):
    """AD's answer for one attribute: at most max_values values, the chunk named attr;range=low-high."""
    if len(values) <= max_values:
        return name, values
    attribute, _sep, requested = name.decode().partition(";range=")
    low = int(requested.split("-", 1)[0]) if requested else 0
    return ("%s;range=%d-%d" % (attribute, low, low + max_values - 1)).encode(), values[:max_values]


def cap_search_entry(message, max_values, drop_later_chunks=False):
    """The LDAPMessage bytes with every attribute of a SearchResultEntry capped; other messages unchanged.

    drop_later_chunks leaves out every chunk after the first, as a directory that stops answering would.
    """
    (_tag, body), = _elements(message)
    parts = _elements(body)
    if len(parts) < 2 or parts[1][0] != SEARCH_RESULT_ENTRY:
        return message
    (name_tag, object_name), (list_tag, attribute_list) = _elements(parts[1][1])
    attributes = b""
    for _seq, attribute in _elements(attribute_list):
        (type_tag, attribute_type), (set_tag, value_set) = _elements(attribute)
        values = [content for _t, content in _elements(value_set)]
        if drop_later_chunks and b";range=" in attribute_type and not attribute_type.split(b";range=")[1].startswith(b"0-"):
            continue
        attribute_type, values = _capped_attribute(attribute_type, values, max_values)
        attributes += _tlv(0x30, _tlv(type_tag, attribute_type) + _tlv(set_tag, b"".join(_tlv(0x04, v) for v in values)))
    entry = _tlv(name_tag, object_name) + _tlv(list_tag, attributes)
    rest = b"".join(_tlv(tag, content) for tag, content in parts[2:])
    return _tlv(0x30, _tlv(parts[0][0], parts[0][1]) + _tlv(SEARCH_RESULT_ENTRY, entry) + rest)


def requested_attributes(message):
    """The attribute names a SearchRequest asks for ([] for other messages)."""
    (_tag, body), = _elements(message)
    parts = _elements(body)
    if len(parts) < 2 or parts[1][0] != SEARCH_REQUEST:
        return []
    fields = _elements(parts[1][1])
    return [content.decode() for _t, content in _elements(fields[-1][1])]


def connect_in_namespace(namespace, address):
    """A TCP connection to address made from inside the named network namespace.

    setns() changes the namespace of the calling thread only, so it runs in a short-lived thread; the socket
    keeps its namespace when other threads use it.
    """
    result = {}

    def connect():
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            with open("/run/netns/%s" % namespace, "rb") as handle:
                if libc.setns(handle.fileno(), CLONE_NEWNET) != 0:
                    raise OSError(ctypes.get_errno(), "setns into %s failed" % namespace)
            result["socket"] = socket.create_connection(address, timeout=10)
        except OSError as exc:
            result["error"] = exc

    thread = threading.Thread(target=connect)
    thread.start()
    thread.join(15)
    if "error" in result:
        raise result["error"]
    return result["socket"]


class RangeCappingProxy:
    """Listens on a free loopback port; forwards to upstream (host, port) inside `namespace`."""

    def __init__(self, namespace, upstream, max_values=1500):
        self.namespace = namespace
        self.upstream = upstream
        self.max_values = max_values
        self.drop_later_chunks = False
        self.ranged_requests = 0
        self.search_requests = 0
        self._lock = threading.Lock()
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self._listener.settimeout(0.5)
        self.port = self._listener.getsockname()[1]
        self.uri = "ldap://127.0.0.1:%d" % self.port
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def reset_counts(self):
        with self._lock:
            self.ranged_requests = 0
            self.search_requests = 0

    def _accept(self):
        while not self._stopping.is_set():
            try:
                client, _address = self._listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            client.settimeout(None)
            try:
                server = connect_in_namespace(self.namespace, self.upstream)
            except OSError:
                client.close()  # the directory is not up (yet): the client sees the connection close
                continue
            server.settimeout(None)
            threading.Thread(target=self._pipe, args=(client, server, self._count), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client, self._cap), daemon=True).start()

    def _count(self, message):
        if _is_search(message):
            ranged = any(";range=" in name for name in requested_attributes(message))
            with self._lock:
                self.search_requests += 1
                self.ranged_requests += ranged
        return message

    def _cap(self, message):
        if not self.max_values:
            return message
        return cap_search_entry(message, self.max_values, self.drop_later_chunks)

    @staticmethod
    def _pipe(source, destination, transform):
        buffer = b""
        try:
            while True:
                chunk = source.recv(65536)
                if not chunk:
                    break
                buffer += chunk
                size = message_size(buffer)
                while size is not None:
                    destination.sendall(transform(buffer[:size]))
                    buffer = buffer[size:]
                    size = message_size(buffer)
        except OSError:
            pass
        finally:
            for end in (source, destination):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                end.close()

    def stop(self):
        self._stopping.set()
        self._listener.close()
        self._thread.join(5)


def _is_search(message):
    (_tag, body), = _elements(message)
    parts = _elements(body)
    return len(parts) >= 2 and parts[1][0] == SEARCH_REQUEST

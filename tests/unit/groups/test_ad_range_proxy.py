"""The BER rewriting of the Samba AD tests' range proxy (tests/integration/groups_ad/ad_range_proxy.py)."""

import sys
from pathlib import Path

from ldap3.protocol.rfc4511 import LDAPMessage
from pyasn1.codec.ber import decoder

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "integration" / "groups_ad"))

from ad_range_proxy import _tlv, cap_search_entry, message_size, requested_attributes  # noqa: E402


def search_entry(attributes):
    """An LDAPMessage (id 7) with a SearchResultEntry for cn=g holding attributes {name: [values]}."""
    partial = b"".join(_tlv(0x30, _tlv(0x04, name.encode()) + _tlv(0x31, b"".join(_tlv(0x04, v.encode()) for v in values)))
                       for name, values in attributes.items())
    return _tlv(0x30, _tlv(0x02, b"\x07") + _tlv(0x64, _tlv(0x04, b"cn=g") + _tlv(0x30, partial)))


def decoded(message):
    value, rest = decoder.decode(message, asn1Spec=LDAPMessage())
    assert rest == b""
    entry = value["protocolOp"]["searchResEntry"]
    return dict((str(a["type"]), [str(v) for v in a["vals"]]) for a in entry["attributes"])


def test_a_large_attribute_is_cut_to_the_cap_and_named_as_ad_names_chunks():
    values = ["cn=u%04d" % i for i in range(3000)]
    capped = cap_search_entry(search_entry({"cn": ["g"], "member": values}), 1500)
    assert message_size(capped) == len(capped)
    assert decoded(capped) == {"cn": ["g"], "member;range=0-1499": values[:1500]}
    later = cap_search_entry(search_entry({"member;range=1500-*": values[1500:]}), 1000)
    assert decoded(later) == {"member;range=1500-2499": values[1500:2500]}


def test_small_attributes_and_other_messages_pass_unchanged():
    entry = search_entry({"member": ["cn=a", "cn=b"]})
    assert cap_search_entry(entry, 1500) == entry
    done = _tlv(0x30, _tlv(0x02, b"\x07") + _tlv(0x65, _tlv(0x0A, b"\x00") + _tlv(0x04, b"") + _tlv(0x04, b"")))
    assert cap_search_entry(done, 1) == done
    assert requested_attributes(done) == []


def test_dropping_later_chunks_leaves_the_first_one_only():
    entry = search_entry({"member;range=1000-*": ["cn=a"]})
    assert decoded(cap_search_entry(entry, 1000, drop_later_chunks=True)) == {}
    first = search_entry({"member": ["cn=a", "cn=b"]})
    assert decoded(cap_search_entry(first, 1, drop_later_chunks=True)) == {"member;range=0-0": ["cn=a"]}

"""Which format a bank file is in, told from its content (never from its name: banks
send camt files without an extension and MT940 files named ``.txt``)."""

from __future__ import annotations

import enum
import re


class Format(enum.StrEnum):
    """The formats a file can be told to be."""

    CAMT = "camt"
    MT940 = "mt940"
    OFX = "ofx"
    QIF = "qif"
    OTHER = "other"  # read as CSV, and only with a profile


_CAMT_NAMESPACE = re.compile(rb"urn:iso:std:iso:20022:tech:xsd:camt\.05\d\.")
_MT940_TAG = re.compile(rb"(?m)^[ \t]*:(20|25|28C?|60[FM]|61|62[FM]):")
_SWIFT_ENVELOPE = re.compile(rb"\{1:[^}]*\}\s*(\{2:[^}]*\}\s*)?(\{3:[^}]*\}\s*)?\{4:")
_QIF = re.compile(rb"!(Type|Account|Option|Clear)", re.IGNORECASE)
_SNIFF = 8192


def detect(data: bytes) -> Format:
    """The format of ``data``, by its first few kilobytes."""
    head = data[:_SNIFF]
    start = head.lstrip(b"\xef\xbb\xbf").lstrip(b"\x00\x01\x02\x03 \t\r\n")
    upper = start.upper()
    if upper.startswith(b"OFXHEADER:") or b"<?OFX" in upper[:1024] or upper.startswith(b"<OFX>"):
        return Format.OFX
    if start.startswith(b"<"):
        # Any other XML goes to the camt reader, which names a wrong namespace.
        return Format.CAMT
    if _SWIFT_ENVELOPE.search(head) or _MT940_TAG.search(head):
        return Format.MT940
    if _QIF.match(start):
        return Format.QIF
    if _CAMT_NAMESPACE.search(head):
        return Format.CAMT
    return Format.OTHER

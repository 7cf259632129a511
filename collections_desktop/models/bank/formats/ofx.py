"""OFX 1 (SGML) and OFX 2 (XML) read with ``ofxtools``' header reader and tree builder.

ofxtools' model conversion (``OFXTree.convert``) is not used: it applies the
specification's limits to the letter and so refuses files banks really send (a
10-digit BANKID, several BANKTRANLISTs in one statement). The tree it builds is read
here instead, with our own checks: every date must exist, every amount must be a number,
and a server's error response is refused with the bank's own message.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import xml.etree.ElementTree as ET

from ofxtools.header import OFXHeaderError, parse_header
from ofxtools.Parser import ParseError, TreeBuilder

from collections_desktop.i18n import _
from collections_desktop.models.bank.formats.reading import Reading, account_id, iban_or_none
from collections_desktop.models.bank.parsed import ParsedFile, ParsedLine, ParsedStatement

_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})(\d{2})?(\d{2})?(\d{2})?(\.\d+)?(\[[^\]]*\])?")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>\s*(<\?OFX[^>]*\?>)?", re.IGNORECASE)


def _body(data: bytes, reading: Reading) -> tuple[str, str]:
    """The OFX markup and the format's name (``OFX 1.02``, ``OFX 2.11``)."""
    start = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if start[:10].upper().startswith(b"OFXHEADER:") or start[:5] == b"<?xml":
        try:
            header, message = parse_header(io.BytesIO(start))
        except (OFXHeaderError, ValueError, UnicodeDecodeError) as error:
            raise reading.fail(
                None, _("the OFX header is damaged ({error}).").format(error=error)
            ) from None
        version = str(getattr(header, "version", ""))
        name = f"OFX {version[0]}.{version[1:]}" if len(version) == 3 else "OFX"
        return message, name
    try:
        text = start.decode("utf-8")
    except UnicodeDecodeError:
        text = start.decode("cp1252", errors="replace")
    reading.note(_("The OFX file has no header; it was read as OFX 1."))
    return _XML_DECLARATION.sub("", text), "OFX"


def _find(element: ET.Element, path: str) -> str | None:
    found = element.find(path)
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


class _Ofx:
    """One OFX document being read."""

    def __init__(self, reading: Reading) -> None:
        self.reading = reading

    def date(self, element: ET.Element, tag: str, where: str, *, required: bool) -> dt.date | None:
        """An OFX date (``YYYYMMDD[HHMMSS[.XXX]][TZ]``), the day as written."""
        found = element.find(tag)
        raw = (found.text or "").strip() if found is not None else ""
        place = f"{where} / {tag}"
        if not raw:
            if required:
                raise self.reading.fail(place, _("the date is missing."))
            return None
        match = _DATE.fullmatch(raw)
        if not match:
            raise self.reading.fail(place, _("“{value}” is not a date.").format(value=raw))
        day = self.reading.date(int(match[1]), int(match[2]), int(match[3]), raw, place)
        hour, minute, second = (int(match[i] or 0) for i in (4, 5, 6))
        if hour > 23 or minute > 59 or second > 60:
            raise self.reading.fail(
                place, _("the date “{value}” does not exist.").format(value=raw)
            )
        return day

    def statement(self, stmtrs: ET.Element, where: str) -> ParsedStatement:
        """One ``STMTRS`` (bank account) or ``CCSTMTRS`` (credit card)."""
        currency = _find(stmtrs, "CURDEF")
        if not currency:
            raise self.reading.fail(f"{where} / CURDEF", _("the statement gives no currency."))
        currency = currency.upper()
        account_from = stmtrs.find("BANKACCTFROM")
        if account_from is None:
            account_from = stmtrs.find("CCACCTFROM")
        account = _find(account_from, "ACCTID") if account_from is not None else None
        if not account:
            raise self.reading.fail(
                f"{where} / BANKACCTFROM", _("the statement names no account (ACCTID).")
            )
        lines: list[ParsedLine] = []
        from_date = to_date = None
        for tranlist in stmtrs.iterfind("BANKTRANLIST"):
            start = self.date(tranlist, "DTSTART", where, required=False)
            end = self.date(tranlist, "DTEND", where, required=False)
            from_date = min(filter(None, (from_date, start)), default=None)
            to_date = max(filter(None, (to_date, end)), default=None)
            for transaction in tranlist.iterfind("STMTTRN"):
                number = len(lines) + 1
                place = f"{where} / STMTTRN {number}" if " " in where else f"STMTTRN {number}"
                lines.append(self.line(transaction, place, currency))
        closing = None
        ledger = stmtrs.find("LEDGERBAL")
        if ledger is not None:
            closing = self.reading.amount(_find(ledger, "BALAMT"), f"{where} / LEDGERBAL / BALAMT")
            self.date(ledger, "DTASOF", f"{where} / LEDGERBAL", required=False)
        if not lines:
            self.reading.note(_("{place}: no entries.").format(place=where))
        return ParsedStatement(
            account=account_id(account),
            currency=currency,
            kind="statement",
            statement_number=None,
            from_date=from_date,
            to_date=to_date,
            opening_balance=None,  # OFX gives the balance at the end only
            closing_balance=closing,
            lines=tuple(lines),
        )

    def line(self, transaction: ET.Element, where: str, currency: str) -> ParsedLine:
        """One ``STMTTRN``."""
        booking = self.date(transaction, "DTPOSTED", where, required=True)
        assert booking is not None
        value_date = self.date(transaction, "DTAVAIL", where, required=False)
        amount = self.reading.amount(_find(transaction, "TRNAMT"), f"{where} / TRNAMT")
        name = _find(transaction, "NAME") or _find(transaction, "PAYEE/NAME")
        account_to = _find(transaction, "BANKACCTTO/ACCTID")
        clean = self.reading.text
        return ParsedLine(
            booking_date=booking,
            value_date=value_date,
            amount=amount,
            currency=currency,
            counterparty_name=clean(name, f"{where} / NAME"),
            counterparty_iban=iban_or_none(account_to),
            remittance=clean(_find(transaction, "MEMO"), f"{where} / MEMO"),
            creditor_reference=None,
            bank_reference=clean(_find(transaction, "FITID"), f"{where} / FITID"),
            end_to_end_id=None,
        )


def _errors(root: ET.Element, reading: Reading) -> None:
    """Refuse a server's error response, with the bank's message."""
    for status in root.iter("STATUS"):
        if (_find(status, "SEVERITY") or "").upper() == "ERROR":
            message = _find(status, "MESSAGE") or ""
            code = _find(status, "CODE") or ""
            raise reading.fail(
                None,
                _(
                    "the bank's server answered with an error instead of a statement: "
                    "“{message}” (code {code})."
                ).format(message=message, code=code),
            )


def read(data: bytes, file_name: str) -> ParsedFile:
    """Read an OFX 1 or OFX 2 file."""
    reading = Reading(file_name)
    markup, name = _body(data, reading)
    builder = TreeBuilder()
    try:
        builder.feed(_COMMENT.sub("", markup))
        root = builder.close()
    except (ParseError, ET.ParseError, IndexError, AssertionError) as error:
        raise reading.fail(
            None, _("the OFX markup is damaged or cut short ({error}).").format(error=error)
        ) from None
    if root is None or root.tag != "OFX":
        raise reading.fail(None, _("the file does not hold an <OFX> document."))
    _errors(root, reading)
    found = [e for e in root.iter() if e.tag in ("STMTRS", "CCSTMTRS")]
    if not found:
        raise reading.fail(None, _("the OFX file holds no statement (STMTRS)."))
    ofx = _Ofx(reading)
    statements = tuple(
        ofx.statement(element, f"{element.tag} {i}" if len(found) > 1 else element.tag)
        for i, element in enumerate(found, start=1)
    )
    return ParsedFile(
        file_name=file_name, file_format=name, statements=statements, notes=tuple(reading.notes)
    )

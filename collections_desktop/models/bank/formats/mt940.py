"""SWIFT MT940 (and the MT942 layout) read with the ``mt-940`` library.

The file is cut into statements at each ``:20:`` before the library reads them, so a
file of several statements gives several statements (the library alone would merge
them). Each tag's failure is reported with its line in the file. The German structured
``:86:`` (``?20``… sub-fields, SEPA ``EREF+``/``SVWZ+`` keywords) is split by the
library's processor; other banks' free ``:86:`` text is kept whole as the remittance.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

import mt940
from mt940 import models as mt_models
from mt940 import processors

from collections_desktop.i18n import _
from collections_desktop.models.bank.formats.reading import Reading, account_id, iban_or_none
from collections_desktop.models.bank.parsed import ParsedFile, ParsedLine, ParsedStatement

_TAG = re.compile(r"^:\n?(?P<full_tag>(?P<tag>[0-9]{2}|NS)(?P<sub_tag>[A-Z])?):", re.MULTILINE)
_ENVELOPE_START = re.compile(r"\{1:[^}]*\}\s*(\{2:[^}]*\}\s*)?(\{3:(\{[^}]*\})*\}\s*)?\{4:\s*")
_ENVELOPE_END = re.compile(r"(?m)^-\}(\{5:.*?\})?\s*$")
# A :61: starts with its value date, an optional entry date, the debit/credit mark, an
# optional funds code, the amount (the comma is left out by some banks: "C500NTRF") and
# the four-character type code (N..., F..., S...).
_ENTRY_START = re.compile(
    r"\d{6}(\d{4}|\s{4})?R?[DC][A-Z]?[\n ]?\d+(,\d*)?[NFS][A-Z0-9 ]{3}", re.IGNORECASE
)
_CONTROL = "\x01\x03"  # start and end of a SWIFT transmission
_NO_REFERENCE = {"NONREF", "NOTPROVIDED", ""}
_OPENING = ("final_opening_balance", "intermediate_opening_balance", "opening_balance")
_CLOSING = ("final_closing_balance", "intermediate_closing_balance", "closing_balance")


def decode(data: bytes, reading: Reading) -> str:
    """The text of an MT940 file: UTF-8 when it is valid UTF-8; otherwise cp1252 or
    cp852, whichever turns the bytes above 127 into more letters (Hungarian and Polish
    banks write cp852, whose accented letters are box-drawing signs in cp1252)."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best, best_score = "", -1
    for encoding in ("cp1252", "cp852"):
        text = data.decode(encoding, errors="replace")
        score = sum(1 for c in text if ord(c) > 127 and c.isalpha()) - 5 * text.count("\ufffd")
        if score > best_score:
            best, best_score = text, score
            chosen = encoding
    reading.note(_("The file is not UTF-8; it was read as {encoding}.").format(encoding=chosen))
    return best


class _Lines:
    """Maps a position in the text the library reads back to a line of the file."""

    def __init__(self, kept: list[tuple[int, str]]) -> None:
        self.numbers = [number for number, _line in kept]
        self.starts: list[int] = []
        position = 0
        for _number, line in kept:
            self.starts.append(position)
            position += len(line) + 1
        self.text = "\n".join(line for _number, line in kept)

    def line_at(self, position: int) -> int:
        """The file's line number of a position in ``text``."""
        return self.numbers[max(bisect.bisect_right(self.starts, position) - 1, 0)]


class _EntryTag(mt940.tags.Statement):
    """``:61:`` as banks write it: ASN Bank puts the counterparty's IBAN (22 characters)
    where the standard allows 16, and the name on the next line; the library's pattern
    refuses both, this one reads them (the IBAN lands in ``customer_reference``, the
    name in ``extra_details``)."""

    pattern = mt940.tags.Statement.pattern.replace(
        "((?!//)[^\\n]){0,16}", "((?!//)[^\\n]){0,34}"
    ).replace("(?P<extra_details>.*)", "(?P<extra_details>[^\\n]*(\\n[^\\n]*)*)")


class _Statement(mt_models.Transactions):
    """The library's reader, with every tag's failure turned into a refusal naming its
    line, and a tag out of place (an account inside an entry) refused."""

    def __init__(self, reading: Reading, lines: _Lines) -> None:
        super().__init__(tags={61: _EntryTag()}, options=mt940.Options.all())
        # No date "fix-up": the library would turn 30 February into the 29th; a date
        # that does not exist refuses the file instead.
        self.processors["pre_statement"] = []
        self.processors["post_transaction_details"] = [
            processors.transaction_details_post_processor
        ]
        self.reading = reading
        self.lines = lines
        self.entry_lines: list[int] = []
        self.tags_seen: set[str] = set()

    def _process_match(
        self, match: re.Match[str], i: int, valid_matches: list[Any], data: str
    ) -> None:
        """The library's step for one tag, refusing the file with the tag's line."""
        line = self.lines.line_at(match.start())
        tag = match.group("full_tag")
        where = f"{_('line')} {line} (:{tag}:)"
        if tag == "25" and self.transactions:
            raise self.reading.fail(
                where,
                _("an account (:25:) appears after the first entry; the statement is broken."),
            )
        if tag in ("20", "25") and tag in self.tags_seen:
            raise self.reading.fail(where, _("the tag :{tag}: appears twice.").format(tag=tag))
        end = valid_matches[i + 1].start() if i + 1 < len(valid_matches) else len(data)
        value = data[match.end() : end].strip().split("\n")[0]
        if tag == "61" and not _ENTRY_START.match(value):
            # The library's pattern takes "2x,50" as the amount 2 and the rest as a
            # reference: the date, mark, amount and type code are checked here first.
            raise self.reading.fail(
                where,
                _("“{value}” is incomplete or not what this tag holds.").format(value=value),
            )
        if tag == "61" and self.transactions:
            # The library fills the last entry again when it has no type code (NTRF,
            # ...); every :61: is an entry of its own.
            self.transactions.append(mt_models.Transaction(self))
        try:
            super()._process_match(match, i, valid_matches, data)
        except RuntimeError:
            raise self.reading.fail(
                where,
                _("“{value}” is incomplete or not what this tag holds.").format(value=value),
            ) from None
        except (ValueError, InvalidOperation):
            raise self.reading.fail(
                where,
                _(
                    "“{value}” holds a date that does not exist or an amount that is not a number."
                ).format(value=value),
            ) from None
        if tag == "61":
            self.entry_lines.append(line)
        self.tags_seen.add(tag)


def _prepare(text: str, reading: Reading) -> list[tuple[int, str]]:
    """The file's lines (with their numbers) as the library reads them: the SWIFT
    envelope and transmission control bytes removed, blank lines and ``-`` ends dropped."""
    for char in _CONTROL:
        if char in text:
            text = text.replace(char, "")
    envelope = _ENVELOPE_START.search(text)
    if envelope:
        # Keep the line count: replace the envelope by as many newlines as it spanned.
        text = (
            text[: envelope.start()] + "\n" * envelope.group(0).count("\n") + text[envelope.end() :]
        )
        text = _ENVELOPE_END.sub("", text)
    kept = []
    for number, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        line = raw.rstrip()
        if not line or line.strip() == "-":
            continue
        kept.append((number, line))
    return kept


def _split(kept: list[tuple[int, str]], reading: Reading) -> list[list[tuple[int, str]]]:
    """The statements of the file, each from its ``:20:`` on. Tags before the first
    ``:20:`` (a fragment, a file cut at the top) refuse the file; other lines before it
    (bank header lines) are ignored."""
    blocks: list[list[tuple[int, str]]] = []
    for number, line in kept:
        if line.startswith(":20:"):
            blocks.append([])
        elif not blocks:
            if _TAG.match(line):
                raise reading.fail(
                    f"{_('line')} {number}",
                    _(
                        "the MT940 data starts without a statement reference (:20:); "
                        "the file is incomplete."
                    ),
                )
            continue
        blocks[-1].append((number, line))
    if not blocks:
        raise reading.fail(None, _("the file has no MT940 statement (no :20: tag)."))
    return blocks


def read(data: bytes, file_name: str) -> ParsedFile:
    """Read an MT940 file."""
    reading = Reading(file_name)
    text = decode(data, reading)
    statements = []
    empty = []
    for block in _split(_prepare(text, reading), reading):
        statement = _statement(block, reading)
        statements.append(statement)
        if not statement.lines:
            empty.append(str(block[0][0]))
    if empty:
        reading.note(
            _("{n} statement(s) with no entries (starting at line {lines}).").format(
                n=len(empty), lines=", ".join(empty)
            )
        )
    return ParsedFile(
        file_name=file_name,
        file_format="MT940",
        statements=tuple(statements),
        notes=tuple(reading.notes),
    )


def _statement(block: list[tuple[int, str]], reading: Reading) -> ParsedStatement:
    """One statement (one ``:20:`` block)."""
    lines = _Lines(block)
    first = f"{_('line')} {block[0][0]}"
    parser = _Statement(reading, lines)
    parser.parse(lines.text)
    data = parser.data
    account = (data.get("account_identification") or "").strip()
    if not account:
        raise reading.fail(first, _("the statement names no account (:25:)."))
    opening = next((data[k] for k in _OPENING if data.get(k)), None)
    closing = next((data[k] for k in _CLOSING if data.get(k)), None)
    if opening is None:
        raise reading.fail(first, _("the statement has no opening balance (:60F:)."))
    if closing is None:
        raise reading.fail(
            first, _("the statement has no closing balance (:62F:); the file is cut short.")
        )
    currency = str(opening.amount.currency).upper()
    if str(closing.amount.currency).upper() != currency:
        raise reading.fail(
            first,
            _("the closing balance is in {other}, the opening balance in {currency}.").format(
                other=closing.amount.currency, currency=currency
            ),
        )
    parsed_lines = []
    for transaction, line in zip(parser.transactions, parser.entry_lines, strict=True):
        parsed_lines.append(_line(transaction.data, reading, f"{_('line')} {line}", currency))
    return ParsedStatement(
        account=account_id(account),
        currency=currency,
        kind="statement",
        statement_number=(
            data.get("statement_number") or data.get("transaction_reference") or None
        ),
        from_date=_date(opening.date),
        to_date=_date(closing.date),
        opening_balance=reading.checked(
            Decimal(opening.amount.amount), str(opening.amount.amount), first
        ),
        closing_balance=reading.checked(
            Decimal(closing.amount.amount), str(closing.amount.amount), first
        ),
        lines=tuple(parsed_lines),
    )


def _date(value: Any) -> dt.date:
    return dt.date(value.year, value.month, value.day)


def _line(data: dict[str, Any], reading: Reading, where: str, currency: str) -> ParsedLine:
    """One ``:61:`` with its ``:86:``."""
    amount = data["amount"]
    if str(amount.currency).upper() != currency:
        raise reading.fail(where, _("the entry is not in the statement's currency."))
    value = reading.checked(Decimal(amount.amount), str(amount.amount), where)
    value_date = _date(data["date"])
    booking = _date(data["entry_date"]) if data.get("entry_date") else value_date
    clean = reading.text
    structured = "posting_text" in data  # the structured :86: was split into its fields
    if structured:
        name = data.get("applicant_name")
        iban = data.get("applicant_iban") or data.get("gvc_applicant_iban")
        remittance = data.get("purpose")
        end_to_end = data.get("end_to_end_reference")
    else:
        end_to_end = None
        # Free text: the :86: (or the :NS: of Hungarian banks) is the remittance; an
        # IBAN in the customer reference and a name after the :61: line are ASN Bank's.
        iban = iban_or_none(data.get("customer_reference"))
        name = (data.get("extra_details") or None) if iban else None
        remittance = data.get("transaction_details") or data.get("non_swift_text")
    bank_reference = (data.get("bank_reference") or "").strip()
    if bank_reference.upper() in _NO_REFERENCE:
        bank_reference = ""
    if end_to_end and end_to_end.strip().upper() in _NO_REFERENCE:
        end_to_end = None
    return ParsedLine(
        booking_date=booking,
        value_date=value_date,
        amount=value,
        currency=currency,
        counterparty_name=clean(name, f"{where} (:86: ?32)"),
        counterparty_iban=iban_or_none(iban),
        remittance=clean(remittance, f"{where} (:86:)"),
        creditor_reference=None,
        bank_reference=clean(bank_reference, f"{where} (:61:)"),
        end_to_end_id=clean(end_to_end, f"{where} (:86: EREF)"),
    )

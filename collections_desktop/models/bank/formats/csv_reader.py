"""A bank's CSV export read through the user's ``CsvProfile``.

A file whose currency column holds several currencies gives one statement per currency
(in the order they first appear), all of the profile's account. With a balance column,
the closing balance is the last row's balance and the opening balance the first row's
balance before its own amount.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal

from collections_desktop.i18n import _
from collections_desktop.models.bank.formats.csv_profile import Column, CsvProfile
from collections_desktop.models.bank.formats.reading import Reading, account_id, iban_or_none
from collections_desktop.models.bank.parsed import ParsedFile, ParsedLine, ParsedStatement


def decode(data: bytes, profile: CsvProfile, reading: Reading) -> str:
    """The file's text in the profile's encoding; ``auto``: UTF-8 (a BOM dropped), else
    cp1252 (with a note)."""
    if profile.encoding != "auto":
        try:
            return data.decode(profile.encoding).removeprefix("\ufeff")
        except UnicodeDecodeError as error:
            raise reading.fail(
                None,
                _("the file is not in {encoding} (byte {position}).").format(
                    encoding=profile.encoding, position=error.start + 1
                ),
            ) from None
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        reading.note(_("The file is not UTF-8; it was read as cp1252 (Windows)."))
        return data.decode("cp1252", errors="replace")


class _Rows:
    """The rows of the file, each with its line number, and the columns by name."""

    def __init__(self, text: str, profile: CsvProfile, reading: Reading) -> None:
        self.profile = profile
        self.reading = reading
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=profile.delimiter)
        records: list[tuple[int, list[str]]] = []
        try:
            for record in reader:
                records.append((reader.line_num, record))
        except csv.Error as error:
            raise reading.fail(
                f"{_('line')} {reader.line_num}",
                _("the line cannot be read as CSV ({error}).").format(error=error),
            ) from None
        records = records[profile.skip_lines :]
        self.names: dict[str, int] = {}
        self.repeated: set[str] = set()
        if profile.header:
            if not records:
                raise reading.fail(None, _("the file has no header row."))
            for index, name in enumerate(records[0][1]):
                key = name.strip()
                if key in self.names:
                    self.repeated.add(key)
                self.names.setdefault(key, index)
            records = records[1:]
        records = [(n, r) for n, r in records if any(cell.strip() for cell in r)]
        if profile.skip_footer:
            records = records[: -profile.skip_footer] if profile.skip_footer < len(records) else []
        self.records = records

    def index(self, column: Column) -> int | None:
        """The 0-based index of ``column`` (a name, or a position from 1)."""
        if column is None:
            return None
        if isinstance(column, int):
            return column - 1
        if column in self.repeated:
            raise self.reading.fail(
                None,
                _(
                    "the column name “{name}” appears twice in the header; choose the column "
                    "by its position in the profile."
                ).format(name=column),
            )
        if column not in self.names:
            raise self.reading.fail(
                f"{_('line')} {self.profile.skip_lines + 1}",
                _("the header has no column “{name}” (the profile {profile} expects it).").format(
                    name=column, profile=self.profile.name
                ),
            )
        return self.names[column]


class _Row:
    """One record and what the profile reads from it."""

    def __init__(self, rows: _Rows, number: int, cells: list[str]) -> None:
        self.rows = rows
        self.number = number
        self.cells = cells

    def where(self, column: Column) -> str:
        label = f"“{column}”" if isinstance(column, str) else f"{column}"
        return f"{_('line')} {self.number}, {_('column')} {label}"

    def cell(self, column: Column) -> str | None:
        index = self.rows.index(column)
        if index is None:
            return None
        if index >= len(self.cells):
            raise self.rows.reading.fail(
                self.where(column),
                _("the line has {n} columns; the profile reads column {position}.").format(
                    n=len(self.cells), position=index + 1
                ),
            )
        return self.cells[index].strip() or None

    def date(self, column: Column, *, required: bool) -> dt.date | None:
        raw = self.cell(column)
        profile = self.rows.profile
        if raw is None:
            if required:
                raise self.rows.reading.fail(self.where(column), _("the date is missing."))
            return None
        try:
            return dt.datetime.strptime(raw, profile.date_format).date()
        except ValueError:
            raise self.rows.reading.fail(
                self.where(column),
                _("“{value}” is not a date written as {format}, or does not exist.").format(
                    value=raw, format=_readable(profile.date_format)
                ),
            ) from None

    def number_in(self, column: Column, *, required: bool) -> tuple[Decimal, str] | None:
        """The amount in ``column`` and the sign written in the file (``+``, ``-`` or '')."""
        raw = self.cell(column)
        if raw is None:
            if required:
                raise self.rows.reading.fail(self.where(column), _("the amount is missing."))
            return None
        profile = self.rows.profile
        text = raw.replace("\u00a0", "").replace(" ", "")
        if profile.thousands_separator:
            text = text.replace(profile.thousands_separator, "")
        if profile.decimal_separator == ",":
            if "." in text:
                raise self.rows.reading.fail(
                    self.where(column), _("“{value}” is not an amount.").format(value=raw)
                )
            text = text.replace(",", ".")
        if text.endswith("-") and re.fullmatch(r"[\d.]+-", text):
            text = "-" + text[:-1]  # 12.50- (a trailing minus)
        sign = text[0] if text[:1] in "+-" and text else ""
        value = self.rows.reading.amount(text, self.where(column))
        if value != value or not re.fullmatch(r"[+-]?[\d.]+", text):
            raise self.rows.reading.fail(
                self.where(column), _("“{value}” is not an amount.").format(value=raw)
            )
        return value, sign


def _readable(date_format: str) -> str:
    """``%d/%m/%Y`` as a person writes it: ``DD/MM/YYYY``."""
    for code, text in (("%d", "DD"), ("%m", "MM"), ("%Y", "YYYY"), ("%y", "YY")):
        date_format = date_format.replace(code, text)
    return date_format


def _amount(row: _Row, profile: CsvProfile) -> Decimal:
    """The signed amount of a row, by the profile's layout."""
    if profile.amount is not None and profile.indicator is None:
        found = row.number_in(profile.amount, required=True)
        assert found is not None
        value = found[0]
    elif profile.amount is not None:
        found = row.number_in(profile.amount, required=True)
        assert found is not None
        marker = row.cell(profile.indicator)
        if marker is None:
            raise row.rows.reading.fail(
                row.where(profile.indicator), _("the debit/credit mark is missing.")
            )
        # The indicator decides the direction; the amount's own sign is not read.
        value = abs(found[0]) if marker.upper() == profile.credit_marker.upper() else -abs(found[0])
    else:
        debit = row.number_in(profile.debit, required=False)
        credit = row.number_in(profile.credit, required=False)
        if debit is not None and debit[0] == 0:
            debit = None
        if credit is not None and credit[0] == 0:
            credit = None
        if debit is not None and credit is not None:
            raise row.rows.reading.fail(
                f"{_('line')} {row.number}", _("the line has both a debit and a credit.")
            )
        if debit is None and credit is None:
            return Decimal("0.00")
        if credit is not None:
            if credit[1] == "-":
                raise row.rows.reading.fail(
                    row.where(profile.credit),
                    _(
                        "the credit column holds a negative amount ({value}); a credit is money in."
                    ).format(value=row.cell(profile.credit)),
                )
            value = credit[0]
        else:
            assert debit is not None
            if debit[1] == "+":
                raise row.rows.reading.fail(
                    row.where(profile.debit),
                    _(
                        "the debit column holds a positive signed amount ({value}); a debit "
                        "is money out."
                    ).format(value=row.cell(profile.debit)),
                )
            value = -abs(debit[0])
    return -value if profile.sign == "inverted" else value


def read(data: bytes, file_name: str, profile: CsvProfile) -> ParsedFile:
    """Read a CSV export with ``profile``."""
    reading = Reading(file_name)
    problems = profile.problems()
    if problems:
        raise reading.fail(None, " ".join(problems))
    if not profile.account.strip():
        raise reading.fail(
            None,
            _(
                "the profile {name} names no account; add the account (IBAN or number) to "
                "the profile."
            ).format(name=profile.name),
        )
    rows = _Rows(decode(data, profile, reading), profile, reading)
    grouped: dict[str, list[tuple[ParsedLine, Decimal | None]]] = {}
    for number, cells in rows.records:
        row = _Row(rows, number, cells)
        currency = (row.cell(profile.currency_column) or profile.currency).strip().upper()
        if not currency:
            raise reading.fail(
                row.where(profile.currency_column)
                if profile.currency_column
                else f"{_('line')} {number}",
                _("the line gives no currency and the profile has no default currency."),
            )
        booking = row.date(profile.booking_date, required=True)
        assert booking is not None
        value_date = row.date(profile.value_date, required=False)
        amount = _amount(row, profile)
        balance = row.number_in(profile.balance, required=False)
        remittance = " ".join(filter(None, (row.cell(c) for c in profile.remittance)))
        here = f"{_('line')} {number}"
        line = ParsedLine(
            booking_date=booking,
            value_date=value_date,
            amount=amount,
            currency=currency,
            counterparty_name=reading.text(row.cell(profile.counterparty_name), here),
            counterparty_iban=iban_or_none(row.cell(profile.counterparty_iban)),
            remittance=reading.text(remittance, here),
            creditor_reference=None,
            bank_reference=reading.text(row.cell(profile.reference), here),
            end_to_end_id=None,
        )
        signed_balance = None
        if balance is not None:
            signed_balance = -balance[0] if profile.sign == "inverted" else balance[0]
        grouped.setdefault(currency, []).append((line, signed_balance))
    if not grouped:
        if not profile.currency:
            raise reading.fail(
                None, _("the file has no lines and the profile has no default currency.")
            )
        grouped[profile.currency.upper()] = []
        reading.note(_("The file has no entries."))
    statements = []
    for currency, entries in grouped.items():
        lines = tuple(line for line, _balance in entries)
        opening = closing = None
        if profile.balance is not None and entries:
            first_line, first_balance = entries[0]
            if first_balance is not None:
                opening = first_balance - first_line.amount
            closing = entries[-1][1]
        statements.append(
            ParsedStatement(
                account=account_id(profile.account),
                currency=currency,
                kind="statement",
                statement_number=None,
                from_date=min((x.booking_date for x in lines), default=None),
                to_date=max((x.booking_date for x in lines), default=None),
                opening_balance=opening,
                closing_balance=closing,
                lines=lines,
            )
        )
    return ParsedFile(
        file_name=file_name,
        file_format=f"CSV ({profile.name})",
        statements=tuple(statements),
        notes=tuple(reading.notes),
    )

"""Reading an import's rows into checked, typed values: columns, formats, one row at a time.

The columns are found by the mapping's headers; the decimal separator and the date
formats, when the mapping names none, are sniffed from the first rows of the file. Each
bad cell is a problem of its row (``problems``); a good row becomes a ``Row``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from collections_desktop.formatting import text_formats
from collections_desktop.i18n import _
from collections_desktop.kernel.money import STORAGE_PLACES, ZERO
from collections_desktop.models.db.schema import Currency, ReceivablesParameters, TransactionType
from collections_desktop.models.importers import ImportInputError
from collections_desktop.models.importers.mapping import (
    Cell,
    Column,
    ImportMapping,
    describe_date_format,
)
from collections_desktop.models.importers.reading import Record, Table
from collections_desktop.models.importers.receivables.fields import (
    DATE_FIELDS,
    DATE_FORMATS,
    DOCUMENT_TYPES,
    EARLIEST_DATE,
    FIELDS,
    LENGTHS,
    MONEY_FIELDS,
    REQUIRED,
)
from collections_desktop.models.importers.receivables.problems import (
    Labels,
    Problems,
    RowProblem,
    shorten,
)
from collections_desktop.models.importers.values import (
    GROUPED,
    BadValue,
    cell_at,
    cell_text,
    country_code,
    email_address,
    is_blank,
    number_key,
    parse_date,
    parse_flag,
    parse_money,
    ten_years_after,
)

_SNIFF_SAMPLE = 1000
CHUNK_ROWS = 10_000
"""Rows checked or written at a time: memory is bounded by this, not by the file."""
_COMPARED = ("amount", "currency", "document_date", "due_date", "settled_amount", "settled_date")
"""Fields compared with a document already in the database."""
T = TypeVar("T")
_Converter = Callable[[Cell, str], T]
"""Turns a non-blank cell of a field into a value, or raises ``BadValue``."""


def batches(records: Iterable[T], size: int) -> Iterator[list[T]]:
    """``records`` in lists of ``size`` (the last one shorter)."""
    iterator = iter(records)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


@dataclass(frozen=True)
class Books:
    """What the checks read of the company: the accounting currency and currency decimals."""

    accounting: str
    places: dict[str, int]

    @classmethod
    def load(cls, session: Session) -> Books:
        accounting = session.scalar(select(ReceivablesParameters.accounting_currency).limit(1))
        assert accounting is not None  # has_company() was checked
        places = {code: n for code, n in session.execute(select(Currency.code, Currency.decimals))}
        return cls(accounting, places)


@dataclass
class Row:
    """One good row: what the file says, checked and typed."""

    row: int
    account: str
    number: str
    type: TransactionType
    document_date: dt.date
    due_date: dt.date
    amount: Decimal
    currency: str | None
    settled_date: dt.date | None
    settled_amount: Decimal
    disputed: bool
    description: str | None
    master: dict[str, tuple[object, str]] = field(default_factory=dict)
    shown: dict[str, str] = field(default_factory=dict)  # cells as the file writes them

    @property
    def account_key(self) -> str:
        return number_key(self.account)

    @property
    def key(self) -> tuple[str, str, str]:
        """How a document is recognised: customer, type, number (leading zeros aside)."""
        return (self.account_key, self.type, number_key(self.number))


class Parser:
    """Reads each row's fields from its cells, the mapping's templates and its defaults."""

    def __init__(
        self,
        table: Table,
        mapping: ImportMapping,
        books: Books,
        path: Path,
        today: dt.date,
        problems: Problems,
    ) -> None:
        self.table = table
        self.mapping = mapping
        self.books = books
        self.earliest = mapping.source.earliest_date or EARLIEST_DATE
        self.latest = mapping.source.latest_date or ten_years_after(today)
        self.problems = problems
        self._labels = Labels(mapping)
        self.index = self._header_index(path)
        self._sources = {name: self._source(name) for name in FIELDS}
        separator, date_values = self._sniff()
        self.decimal_separator = mapping.source.decimal_separator or separator
        self.date_formats = self._date_formats(date_values)
        self._dates: dict[tuple[str, str], dt.date | None] = {}

    def parse(self, records: Iterable[Record]) -> list[Row]:
        """The good rows of ``records``; each problem of the others goes to ``problems``."""
        rows = []
        for number, record in records:
            row = self._row(number, record)
            if row is not None:
                rows.append(row)
        return rows

    # --- columns, separators and formats of the whole file

    def _header_index(self, path: Path) -> dict[str, int]:
        index: dict[str, int] = {}
        for position, header in enumerate(self.table.headers):
            index.setdefault(header, position)
        unknown = sorted(h for h in self.mapping.headers if h not in index)
        if unknown:
            shown = [f"“{shorten(h, 40)}”" for h in self.table.headers if h]
            if len(shown) > 40:
                shown[40:] = ["…"]
            raise ImportInputError(
                _(
                    "{path} has no column {unknown}. Its columns are: {headers}. "
                    "Correct [columns] in the mapping."
                ).format(
                    path=path,
                    unknown=", ".join(f"“{shorten(h, 40)}”" for h in unknown),
                    headers=", ".join(shown),
                )
            )
        return index

    def _source(self, name: str) -> tuple[int | None, Column | None, Cell]:
        """Where a field's value comes from: a column's position, a template; the default."""
        column = self.mapping.columns.get(name)
        default = self.mapping.defaults.get(name)
        if column is None:
            return None, None, default
        if column.is_template:
            return None, column, default
        return self.index[column.text], None, default

    def _sniff(self) -> tuple[str, dict[str, list[str]]]:
        """One pass over the file for what the mapping leaves to the values: the decimal
        separator (a comma when amounts are written 12,50 or 1.234,50; else a point) and
        the first distinct values of each date column."""
        source = self.mapping.source
        money = [
            position
            for position in ([] if source.decimal_separator else self._positions(MONEY_FIELDS))
            if position is not None
        ]
        positions = [] if source.date_format else self._positions(DATE_FIELDS)
        dates = {
            name: position
            for name, position in zip(DATE_FIELDS, positions, strict=False)
            if position is not None
        }
        votes = {".": 0, ",": 0}
        values: dict[str, dict[str, None]] = {name: {} for name in DATE_FIELDS}
        if not money and not dates:
            return ".", {name: [] for name in DATE_FIELDS}
        for _number, record in self.table.rows():
            for position in money:
                text = _text_at(record, position)
                last = max(text.rfind("."), text.rfind(","))
                if last >= 0 and not GROUPED.match(text.lstrip("-+")):
                    votes[text[last]] += 1
            for name, position in dates.items():
                if len(values[name]) < _SNIFF_SAMPLE:
                    text = _text_at(record, position)
                    if text:
                        values[name].setdefault(text)
        separator = "," if votes[","] > votes["."] else "."
        return separator, {name: list(found) for name, found in values.items()}

    def _positions(self, names: Sequence[str]) -> list[int | None]:
        """The column of each field that reads one column (not a template), else None."""
        positions: list[int | None] = []
        for name in names:
            column = self.mapping.columns.get(name)
            positions.append(
                None if column is None or column.is_template else self.index[column.text]
            )
        return positions

    def _date_formats(self, values: dict[str, list[str]]) -> dict[str, str | None]:
        """The format of each date column: the mapping's, or the one that fits its values.

        The format that reads the most values of all date columns wins; a column it does
        not fit gets the format that fits it best. When two formats read the same values
        as different dates (1/2/2013), the file is ambiguous and the mapping must say.
        """
        names = list(DATE_FIELDS)
        if self.mapping.source.date_format:
            return dict.fromkeys(names, self.mapping.source.date_format)
        overall = self._best_format([v for name in names for v in values[name]], names)
        chosen: dict[str, str | None] = {}
        for name in names:
            if overall and all(parse_date(v, overall) for v in values[name]):
                chosen[name] = overall
            else:
                chosen[name] = self._best_format(values[name], [name]) or overall
        return chosen

    def _best_format(self, values: list[str], names: list[str]) -> str | None:
        if not values:
            return None
        scores = {f: sum(1 for v in values if parse_date(v, f)) for f in DATE_FORMATS}
        best = max(scores.values())
        if best == 0:
            return None
        tied = [f for f in DATE_FORMATS if scores[f] == best]
        for other in tied[1:]:
            if any(parse_date(v, tied[0]) != parse_date(v, other) for v in values):
                raise ImportInputError(
                    _(
                        "The dates in {columns} can be read as {first} or as {second}; "
                        "set date_format in [source] of the mapping."
                    ).format(
                        columns=", ".join(self._label(n) for n in names),
                        first=describe_date_format(tied[0]),
                        second=describe_date_format(other),
                    )
                )
        return tied[0]

    # --- one row

    def _row(self, number: int, record: tuple[Cell, ...]) -> Row | None:
        before = len(self.problems)
        extra = record[len(self.table.headers) :]
        if any(not is_blank(cell) for cell in extra):
            self._problem(
                number,
                _("the row"),
                None,
                _(
                    "it has {values} values but the header names {columns} columns; "
                    "does a value hold the delimiter without quotes?"
                ).format(values=len(record), columns=len(self.table.headers)),
            )
            return None
        account = self._text(number, record, "customer_account")
        doc_number = self._text(number, record, "document_number")
        doc_type = self._check(number, record, "document_type", _document_type)
        currency = self._check(number, record, "currency", self._currency)
        places = self.books.places.get(currency or self.books.accounting, STORAGE_PLACES)
        money_in = currency or self.books.accounting
        amount = self._money(number, record, "amount", places, money_in, signed=True)
        if amount is not None and amount < ZERO:
            if doc_type is TransactionType.INVOICE:
                self._problem(
                    number,
                    self._label("amount"),
                    self._shown(number, record, "amount"),
                    _("an invoice's amount must be positive; a credit note is its own type."),
                )
            doc_type, amount = TransactionType.CREDIT_NOTE, -amount
        if amount is not None and amount == ZERO:
            self._problem(
                number,
                self._label("amount"),
                self._shown(number, record, "amount"),
                _("a document cannot be for zero."),
            )
        doc_type = doc_type or TransactionType.INVOICE
        document_date = self._check(number, record, "document_date", self._date)
        due_date = self._check(number, record, "due_date", self._date) or document_date
        if document_date and due_date and due_date < document_date:
            self._problem(
                number,
                self._label("due_date"),
                self._shown(number, record, "due_date"),
                _("the due date is before the document date {date}.").format(
                    date=text_formats().date(document_date)
                ),
            )
        settled_date = self._check(number, record, "settled_date", self._date)
        checked = len(self.problems)
        settled = self._money(number, record, "settled_amount", places, money_in, signed=False)
        if settled is None and len(self.problems) > checked:
            return None  # a wrong settled amount: nothing more to say about the settlement
        if settled is None and "settled_amount" in self.mapping.fields():
            settled = ZERO  # a settled-amount column with a blank cell: nothing was paid
        elif settled is None:
            # No settled amounts in the file: a settled date means settled in full.
            settled = amount if settled_date is not None and amount is not None else ZERO
        if settled > ZERO:
            self._check_settlement(
                number, record, doc_type, amount, settled, settled_date, document_date
            )
        disputed = self._check(number, record, "disputed", parse_flag) or False
        description = self._text(number, record, "description", required=False)
        master = self._master(number, record)
        if len(self.problems) > before:
            return None
        assert account is not None
        assert doc_number is not None
        assert document_date is not None
        assert due_date is not None
        assert amount is not None
        return Row(
            row=number,
            account=account,
            number=doc_number,
            type=doc_type,
            document_date=document_date,
            due_date=due_date,
            amount=amount,
            currency=currency,
            settled_date=settled_date if settled > ZERO else None,
            settled_amount=settled,
            disputed=disputed,
            description=description,
            master=master,
            shown={name: self._shown(number, record, name) for name in _COMPARED},
        )

    def _check_settlement(
        self,
        number: int,
        record: tuple[Cell, ...],
        doc_type: TransactionType,
        amount: Decimal | None,
        settled: Decimal,
        settled_date: dt.date | None,
        document_date: dt.date | None,
    ) -> None:
        """A settlement needs an invoice, a date on or after the document's, and no more
        than the amount."""
        name = "settled_amount" if "settled_amount" in self.mapping.fields() else "settled_date"
        shown = self._shown(number, record, name)
        if doc_type is TransactionType.CREDIT_NOTE:
            self._problem(
                number,
                self._label(name),
                shown,
                _("a credit note is settled against invoices in the app, not by the import."),
            )
        elif settled_date is None:
            self._problem(
                number, self._label(name), shown, _("a settled amount needs a settled date.")
            )
        elif amount is not None and settled > amount:
            self._problem(
                number,
                self._label(name),
                shown,
                _("more than the document's amount {amount} cannot be settled.").format(
                    amount=text_formats().amount(amount)
                ),
            )
        if settled_date is not None and document_date is not None and settled_date < document_date:
            self._problem(
                number,
                self._label("settled_date"),
                self._shown(number, record, "settled_date"),
                _("the settled date is before the document date {date}.").format(
                    date=text_formats().date(document_date)
                ),
            )

    def _master(self, number: int, record: tuple[Cell, ...]) -> dict[str, tuple[object, str]]:
        """The customer's master data on this row: field → (value compared, value shown)."""
        master: dict[str, tuple[object, str]] = {}
        name = self._text(number, record, "customer_name", required=False)
        if name:
            name = " ".join(name.split())
            master["customer_name"] = (name, name)
        for key in ("customer_group", "phone"):
            text = self._text(number, record, key, required=False)
            if text:
                master[key] = (text, text)
        country = self._check(number, record, "country", country_code)
        if country:
            master["country"] = (country, country)
        email = self._check(number, record, "email", email_address)
        if email:
            master["email"] = (email.casefold(), email)
        limit = self._money(
            number,
            record,
            "credit_limit",
            self.books.places[self.books.accounting],
            self.books.accounting,
            signed=False,
        )
        if limit is not None:
            master["credit_limit"] = (limit, text_formats().amount(limit))
        return master

    # --- cells and values

    def _cell(self, number: int, record: tuple[Cell, ...], name: str) -> Cell:
        """The field's value in this row: its column or template, else the mapping's default."""
        position, template, default = self._sources[name]
        value: Cell = None
        if template is not None:
            texts = {h: cell_text(cell_at(record, self.index[h])) for h in template.headers}
            if not template.headers or any(texts.values()):
                value = template.value(texts, number)
        elif position is not None and position < len(record):
            value = record[position]
        if value is None or (isinstance(value, str) and not value.strip()):
            value = default
        return value

    def _label(self, name: str) -> str:
        return self._labels(name)

    def _shown(self, number: int, record: tuple[Cell, ...], name: str) -> str:
        return cell_text(self._cell(number, record, name))

    def _problem(self, number: int, column: str, value: str | None, reason: str) -> None:
        self.problems.append(RowProblem(number, column, value, reason))

    def _text(
        self, number: int, record: tuple[Cell, ...], name: str, *, required: bool = True
    ) -> str | None:
        text = cell_text(self._cell(number, record, name))
        if not text:
            if required and name in REQUIRED:
                self._problem(number, self._label(name), None, _("a value is required."))
            return None
        limit = LENGTHS.get(name)
        if limit is not None and len(text) > limit:
            reason = _("longer than {limit} characters.").format(limit=limit)
            if "\n" in text:
                reason += " " + _('It runs over several lines: is a quote (") never closed?')
            self._problem(number, self._label(name), text, reason)
            return None
        return text

    def _check(
        self, number: int, record: tuple[Cell, ...], name: str, convert: _Converter[T]
    ) -> T | None:
        """The field converted, or None when blank or wrong (a wrong value is a problem)."""
        cell = self._cell(number, record, name)
        if is_blank(cell):
            if name in REQUIRED:
                self._problem(number, self._label(name), None, _("a value is required."))
            return None
        try:
            return convert(cell, name)
        except BadValue as bad:
            self._problem(number, self._label(name), cell_text(cell), str(bad))
            return None

    def _money(
        self,
        number: int,
        record: tuple[Cell, ...],
        name: str,
        places: int,
        currency: str,
        *,
        signed: bool,
    ) -> Decimal | None:
        def convert(cell: Cell, _name: str) -> Decimal:
            value = parse_money(cell, self.decimal_separator, places, currency)
            if not signed and value < ZERO:
                raise BadValue(_("cannot be negative."))
            return value

        return self._check(number, record, name, convert)

    def _currency(self, cell: Cell, _name: str) -> str:
        code = cell_text(cell).upper()
        if code not in self.books.places:
            raise BadValue(
                _("not a currency of the company ({codes}).").format(
                    codes=", ".join(sorted(self.books.places))
                )
            )
        return code

    def _date(self, cell: Cell, name: str) -> dt.date:
        if isinstance(cell, dt.datetime):
            cell = cell.date()
        if isinstance(cell, dt.date):
            return self._in_range(cell)
        if not isinstance(cell, str):
            raise BadValue(_("a number, not a date."))
        text = cell.strip()
        date_format = self.date_formats.get(name)
        if name in self.mapping.defaults and cell is self.mapping.defaults[name]:
            parsed = parse_date(text, date_format or "%Y-%m-%d") or parse_date(text, "%Y-%m-%d")
        else:
            key = (text, date_format or "")
            if key not in self._dates:
                self._dates[key] = parse_date(text, date_format) if date_format else None
            parsed = self._dates[key]
        if parsed is None:
            if date_format is None:
                raise BadValue(_("no known date format fits; set date_format in [source]."))
            raise BadValue(
                _("not a date in the form {format}.").format(
                    format=describe_date_format(date_format)
                )
            )
        return self._in_range(parsed)

    def _in_range(self, day: dt.date) -> dt.date:
        """A date no ledger of today holds (year 1, 9999) is a typing or export error."""
        if not self.earliest <= day <= self.latest:
            raise BadValue(
                _(
                    "outside the dates an import accepts, {earliest} to {latest}; if it is "
                    "right, set earliest_date or latest_date in [source] of the mapping."
                ).format(
                    earliest=text_formats().date(self.earliest),
                    latest=text_formats().date(self.latest),
                )
            )
        return day


def _text_at(record: tuple[Cell, ...], position: int) -> str:
    """A text cell, trimmed; any other cell (an XLSX number or date) is not sniffed."""
    cell = cell_at(record, position)
    return cell.strip() if isinstance(cell, str) else ""


def _document_type(cell: Cell, _name: str) -> TransactionType:
    key = re.sub(r"[\s_\-]", "", cell_text(cell).casefold())
    if key not in DOCUMENT_TYPES:
        raise BadValue(_("not a document type; write “invoice” or “credit note”."))
    return DOCUMENT_TYPES[key]

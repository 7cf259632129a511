"""Import of receivables from another system: customers, invoices, credit notes, payments.

How a row becomes ledger entries:
- the customer (``customer_account``) is created when the database has no such account, in
  the accounting currency, named after the account unless ``customer_name`` is mapped;
- the document is posted as an invoice or a credit note on its document date;
- a ``settled_date`` adds a payment of ``settled_amount`` (default: the whole amount) and a
  settlement of the document against it, both dated then;
- ``disputed`` sets the new document's collection status to disputed, with a history row.

What is already there: a document is known by its customer, its type and its number;
numbers made only of digits match with and without leading zeros (Excel drops them), and
so do accounts. A row whose document is stored and agrees with it (amount, currency,
dates, the amount settled by its settled date) is "already imported" and adds nothing; a
row that disagrees with the stored document or customer is an error. Collection status
is the collectors' after the first import, so ``disputed`` is not compared.

Nothing is written unless every row is good: every row is checked first and every problem
is counted (the first ones reported with their row numbers); then everything is written in
the caller's transaction through the ledger's batch functions, which apply the ledger's own
rules. The file is streamed in chunks for both, so memory does not grow with its rows.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import re
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from collections_desktop.formatting import text_formats
from collections_desktop.i18n import _, ngettext
from collections_desktop.kernel.money import STORAGE_PLACES, ZERO
from collections_desktop.models.company.setup import has_company
from collections_desktop.models.db.schema import (
    CollectionStatus,
    CollectionStatusChange,
    Currency,
    Customer,
    CustomerTransaction,
    ReceivablesParameters,
    SettlementLine,
    TransactionType,
)
from collections_desktop.models.db.types import new_id
from collections_desktop.models.importers import ImportInputError
from collections_desktop.models.importers.mapping import (
    Cell,
    Column,
    ImportMapping,
    describe_date_format,
    load_mapping,
)
from collections_desktop.models.importers.reading import Record, Table, read_table
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
from collections_desktop.models.ledger import books as ledger_books
from collections_desktop.models.ledger import postings
from collections_desktop.models.ledger import settlements as ledger_settlements

FIELDS: dict[str, str] = {
    "customer_account": "text",
    "customer_name": "text",
    "document_number": "text",
    "document_type": "type",
    "document_date": "date",
    "due_date": "date",
    "amount": "amount",
    "currency": "currency",
    "settled_date": "date",
    "settled_amount": "amount",
    "disputed": "flag",
    "description": "text",
    "country": "country",
    "customer_group": "text",
    "credit_limit": "amount",
    "email": "email",
    "phone": "text",
}
"""The fields a mapping can fill, and the kind of value each one takes."""

REQUIRED = ("customer_account", "document_number", "document_date", "amount")
CUSTOMER_FIELDS = ("customer_name", "country", "customer_group", "credit_limit", "email", "phone")
"""Master data of the customer: the same on every row of one account, and as stored."""

_LENGTHS = {
    "customer_account": 30,
    "customer_name": 200,
    "document_number": 50,
    "customer_group": 30,
    "email": 200,
    "phone": 50,
    "description": 200,
}
_DATE_FORMATS = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d.%m.%Y",
    "%d-%m-%Y",
    "%m-%d-%Y",
    "%Y/%m/%d",
    "%d-%b-%y",
    "%d-%b-%Y",
    "%d %b %Y",
    "%d/%m/%y",
    "%m/%d/%y",
    "%d.%m.%y",
    "%Y%m%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%m/%d/%Y %H:%M",
    "%d-%m-%Y %H:%M",
)
"""Formats tried, in this order of preference, when the mapping names none."""
_SNIFF_SAMPLE = 1000
_MONEY_FIELDS = ("amount", "settled_amount", "credit_limit")
_DATE_FIELDS = tuple(name for name, kind in FIELDS.items() if kind == "date")
CHUNK_ROWS = 10_000
"""Rows checked or written at a time: memory is bounded by this, not by the file."""
PROBLEMS_KEPT = 1_000
"""Problems kept for the report (those of the first rows); the rest are only counted."""
SHOWN_WIDTH = 80
"""The most characters of a value a problem shows."""
EARLIEST_DATE = dt.date(1990, 1, 1)
"""The earliest date an import accepts unless the mapping says otherwise; the latest is
ten years after today."""
_COMPARED = ("amount", "currency", "document_date", "due_date", "settled_amount", "settled_date")
"""Fields compared with a document already in the database."""
_TYPES = {
    "invoice": TransactionType.INVOICE,
    "inv": TransactionType.INVOICE,
    "creditnote": TransactionType.CREDIT_NOTE,
    "credit": TransactionType.CREDIT_NOTE,
    "creditmemo": TransactionType.CREDIT_NOTE,
    "cn": TransactionType.CREDIT_NOTE,
}

T = TypeVar("T")
_Converter = Callable[[Cell, str], T]
"""Turns a non-blank cell of a field into a value, or raises ``BadValue``."""


class ImportRejected(ImportInputError):
    """Rows of the file are wrong; nothing was written. ``problems`` lists the first of them
    (by row, up to ``PROBLEMS_KEPT``), ``count`` counts them all and ``bad_rows`` their rows."""

    def __init__(
        self,
        path: Path,
        problems: Sequence[RowProblem],
        limit: int = 50,
        *,
        count: int | None = None,
        bad_rows: int | None = None,
    ) -> None:
        self.path = path
        self.problems = sorted(problems, key=lambda p: p.row)
        self.count = len(self.problems) if count is None else count
        self.bad_rows = len({p.row for p in self.problems}) if bad_rows is None else bad_rows
        super().__init__(self.report(limit))

    def report(self, limit: int = 50) -> str:
        """The first ``limit`` problems, one a line, after a line that counts the bad rows."""
        rows = self.bad_rows
        lines = [
            ngettext(
                "{path}: {count} row cannot be imported; nothing was written.",
                "{path}: {count} rows cannot be imported; nothing was written.",
                rows,
            ).format(path=self.path, count=text_formats().count(rows))
        ]
        lines += [problem.describe() for problem in self.problems[:limit]]
        more = self.count - min(limit, len(self.problems))
        if more > 0:
            lines.append(
                ngettext(
                    "… and {count} more problem.", "… and {count} more problems.", more
                ).format(count=text_formats().count(more))
            )
        return "\n".join(lines)


@dataclass(frozen=True)
class RowProblem:
    """What is wrong in one row: the row as a spreadsheet numbers it, the column, the value."""

    row: int
    column: str
    value: str | None
    reason: str

    def describe(self) -> str:
        """One line of the report; a long value (an unclosed quote reads the rest of the
        file into one cell) is shortened, so a line stays a line."""
        if self.value is None:
            return _("Row {row}, {column}: {reason}").format(
                row=self.row, column=shorten(self.column), reason=self.reason
            )
        return _("Row {row}, {column} “{value}”: {reason}").format(
            row=self.row, column=shorten(self.column), value=shorten(self.value), reason=self.reason
        )


def shorten(text: str, width: int = SHOWN_WIDTH) -> str:
    """``text`` on one line and at most ``width`` characters (``…`` marks a cut)."""
    text = text.replace("\r\n", "↵").replace("\n", "↵").replace("\r", "↵")
    return text if len(text) <= width else text[: width - 1] + "…"


class _Problems:
    """The problems found so far: all counted, the first ``keep`` by row kept, so a file
    with a million bad rows reports in bounded memory."""

    def __init__(self, keep: int = 0) -> None:
        self.keep = keep
        self.count = 0
        self._heap: list[tuple[int, int, RowProblem]] = []
        self._rows = bytearray()

    def append(self, problem: RowProblem) -> None:
        self.count += 1
        byte, bit = divmod(problem.row, 8)
        if byte >= len(self._rows):
            self._rows.extend(bytes(max(byte + 1 - len(self._rows), len(self._rows))))
        self._rows[byte] |= 1 << bit
        if self.keep:
            heapq.heappush(self._heap, (-problem.row, -self.count, problem))
            if len(self._heap) > self.keep:
                heapq.heappop(self._heap)  # the one of the highest row goes

    def __bool__(self) -> bool:
        return self.count > 0

    def __len__(self) -> int:
        return self.count

    def rejected(self, path: Path) -> ImportRejected:
        kept = [problem for _row, _order, problem in sorted(self._heap, reverse=True)]
        bad_rows = int.from_bytes(self._rows, "little").bit_count()
        return ImportRejected(path, kept, count=self.count, bad_rows=bad_rows)


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote, and what it found already imported."""

    file: str
    rows: int
    customers_created: int
    invoices: int
    credit_notes: int
    payments: int
    settlements: int
    disputed: int
    already_imported: int
    seconds: float

    def describe(self) -> str:
        """A summary for the command line and the log."""
        count = text_formats().count
        return _(
            "Imported {file}: {rows} rows; {customers} customers created, {invoices} invoices, "
            "{credit_notes} credit notes, {payments} payments, {settlements} settlements, "
            "{disputed} disputed; {already} rows were already imported ({seconds} s)."
        ).format(
            file=self.file,
            rows=count(self.rows),
            customers=count(self.customers_created),
            invoices=count(self.invoices),
            credit_notes=count(self.credit_notes),
            payments=count(self.payments),
            settlements=count(self.settlements),
            disputed=count(self.disputed),
            already=count(self.already_imported),
            seconds=text_formats().number(self.seconds, 1),
        )


def load_receivables_mapping(path: Path | str) -> ImportMapping:
    """Read and check a receivables mapping (raises ``MappingError``)."""
    return load_mapping(path, fields=FIELDS, required=REQUIRED)


def import_receivables(
    session: Session,
    path: Path | str,
    mapping: ImportMapping,
    now: dt.datetime,
    *,
    chunk_rows: int = CHUNK_ROWS,
) -> ImportResult:
    """Import the receivables of ``path`` into the caller's transaction, all or nothing.

    The file is streamed twice: every row is checked first (in chunks of ``chunk_rows``,
    keeping only what later rows are compared with), and only when no row is wrong is it
    read again and written, chunk by chunk, in the caller's transaction. Memory stays
    bounded by the chunk and by the customers, not by the rows.

    Raises ``ImportInputError`` (``ImportRejected`` for bad rows, with the first problems
    and a count of all) before anything is written; the caller commits on success and rolls
    back on any error.
    """
    started = time.perf_counter()
    path = Path(path)
    if not has_company(session):
        raise ImportInputError(_("The database holds no company yet; create one first."))
    table = read_table(path, mapping.source)
    if next(table.rows(), None) is None:
        raise ImportInputError(
            _("{path} has a header but no rows; nothing was imported.").format(path=path)
        )
    books = _Books.load(session)
    problems = _Problems(keep=PROBLEMS_KEPT)
    parser = _Parser(table, mapping, books, path, now.date(), problems)
    check = _Check(session, books, mapping, problems)
    for chunk in _batches(table.rows(), chunk_rows):
        check.add(parser.parse(chunk))
    check.finish(parser)
    if problems:
        raise problems.rejected(path)
    writer = _Writer(session, check, now, path.name)
    try:
        for chunk in _batches(table.rows(), chunk_rows):
            writer.write(parser.parse(chunk))
    except ledger_books.LedgerError as error:  # the checks above should make this unreachable
        raise ImportInputError(
            _("The ledger refused the import of {path}: {reason}").format(path=path, reason=error)
        ) from error
    return ImportResult(
        file=str(path),
        rows=check.rows,
        already_imported=check.already_count,
        seconds=time.perf_counter() - started,
        **writer.counts,
    )


def _batches(records: Iterable[T], size: int) -> Iterator[list[T]]:
    """``records`` in lists of ``size`` (the last one shorter)."""
    iterator = iter(records)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


# --- parsing rows ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Books:
    """What the checks read of the company: the accounting currency and currency decimals."""

    accounting: str
    places: dict[str, int]

    @classmethod
    def load(cls, session: Session) -> _Books:
        accounting = session.scalar(select(ReceivablesParameters.accounting_currency).limit(1))
        assert accounting is not None  # has_company() was checked
        places = {code: n for code, n in session.execute(select(Currency.code, Currency.decimals))}
        return cls(accounting, places)


@dataclass
class _Row:
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


class _Parser:
    """Reads each row's fields from its cells, the mapping's templates and its defaults."""

    def __init__(
        self,
        table: Table,
        mapping: ImportMapping,
        books: _Books,
        path: Path,
        today: dt.date,
        problems: _Problems,
    ) -> None:
        self.table = table
        self.mapping = mapping
        self.books = books
        self.earliest = mapping.source.earliest_date or EARLIEST_DATE
        self.latest = mapping.source.latest_date or ten_years_after(today)
        self.problems = problems
        self._labels = _Labels(mapping)
        self.index = self._header_index(path)
        self._sources = {name: self._source(name) for name in FIELDS}
        separator, date_values = self._sniff()
        self.decimal_separator = mapping.source.decimal_separator or separator
        self.date_formats = self._date_formats(date_values)
        self._dates: dict[tuple[str, str], dt.date | None] = {}

    def parse(self, records: Iterable[Record]) -> list[_Row]:
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
        money = [] if source.decimal_separator else self._positions(_MONEY_FIELDS)
        positions = [] if source.date_format else self._positions(_DATE_FIELDS)
        dates = {
            name: position
            for name, position in zip(_DATE_FIELDS, positions, strict=False)
            if position is not None
        }
        money = [position for position in money if position is not None]
        votes = {".": 0, ",": 0}
        values: dict[str, dict[str, None]] = {name: {} for name in _DATE_FIELDS}
        if not money and not dates:
            return ".", {name: [] for name in _DATE_FIELDS}
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
            plain = column is not None and not column.is_template
            positions.append(self.index[column.text] if plain else None)  # type: ignore[union-attr]
        return positions

    def _date_formats(self, values: dict[str, list[str]]) -> dict[str, str | None]:
        """The format of each date column: the mapping's, or the one that fits its values.

        The format that reads the most values of all date columns wins; a column it does
        not fit gets the format that fits it best. When two formats read the same values
        as different dates (1/2/2013), the file is ambiguous and the mapping must say.
        """
        names = list(_DATE_FIELDS)
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
        scores = {f: sum(1 for v in values if parse_date(v, f)) for f in _DATE_FORMATS}
        best = max(scores.values())
        if best == 0:
            return None
        tied = [f for f in _DATE_FORMATS if scores[f] == best]
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

    def _row(self, number: int, record: tuple[Cell, ...]) -> _Row | None:
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
        return _Row(
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
        limit = _LENGTHS.get(name)
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
    if key not in _TYPES:
        raise BadValue(_("not a document type; write “invoice” or “credit note”."))
    return _TYPES[key]


# --- checking against the file and the database ----------------------------------------


@dataclass(frozen=True)
class _StoredCustomer:
    id: uuid.UUID
    account: str
    currency: str
    deleted: bool
    master: dict[str, tuple[object, str]]


@dataclass(frozen=True)
class _StoredDocument:
    id: uuid.UUID
    voucher: str
    number: str
    document_date: dt.date
    due_date: dt.date
    amount: Decimal
    currency: str


class _Value:
    """A value of a customer's master field in the file: how many rows give it, the first."""

    __slots__ = ("count", "row", "shown", "value")

    def __init__(self, value: object, shown: str, row: int) -> None:
        self.value, self.shown, self.row, self.count = value, shown, row, 1


class _Check:
    """The checks of rows against each other and the database, fed chunk by chunk.

    Only what later rows are compared with is kept: per customer, its first row and the
    values of its master data (with counts); per document, a 60-bit hash of its key. What
    needs the rows themselves (which rows contradict the majority, which documents repeat,
    rare with a hash) is found by reading the file once more, only when there is some.
    """

    def __init__(
        self, session: Session, books: _Books, mapping: ImportMapping, problems: _Problems
    ) -> None:
        self.session = session
        self.books = books
        self.label = _Labels(mapping)
        self.problems = problems
        self.rows = 0
        self.first: dict[str, tuple[int, str]] = {}  # account key → (first row, account)
        self.master: dict[str, dict[str, _Value]] = {}  # account key → field → first value
        self.others: dict[tuple[str, str], dict[object, _Value]] = {}  # later values
        self.stored: dict[str, _StoredCustomer | None] = {}
        self._keys: set[int] = set()
        self._repeated: set[int] = set()
        self._already = bytearray()
        self.already_count = 0

    def is_already(self, row: int) -> bool:
        """Whether the row's document is stored and agrees with it (it adds nothing)."""
        byte, bit = divmod(row, 8)
        return byte < len(self._already) and bool(self._already[byte] >> bit & 1)

    def add(self, rows: list[_Row]) -> None:
        """Check one chunk of good rows, in file order."""
        self.rows += len(rows)
        for row in rows:
            key = row.account_key
            self.first.setdefault(key, (row.row, row.account))
            fields = self.master.setdefault(key, {})
            for name, (value, shown) in row.master.items():
                first = fields.get(name)
                if first is None:
                    fields[name] = _Value(value, shown, row.row)
                elif first.value == value:
                    first.count += 1
                else:
                    other = self.others.setdefault((key, name), {}).get(value)
                    if other is None:
                        self.others[(key, name)][value] = _Value(value, shown, row.row)
                    else:
                        other.count += 1
            digest = _digest(row.key)
            if digest in self._keys:
                self._repeated.add(digest)
            else:
                self._keys.add(digest)
        unknown = {row.account for row in rows if row.account_key not in self.stored}
        if unknown:
            found = _stored_customers(self.session, unknown)
            for row in rows:
                self.stored.setdefault(row.account_key, found.get(row.account_key))
        for row in rows:
            customer = self.stored[row.account_key]
            currency = row.currency or (customer.currency if customer else self.books.accounting)
            if currency != self.books.accounting:
                self.problems.append(
                    RowProblem(
                        row.row,
                        self.label("currency") if row.currency else self.label("customer_account"),
                        row.currency or row.account,
                        _(
                            "documents in {currency} need an exchange rate to {accounting}, "
                            "which the import does not read; post them in the app."
                        ).format(currency=currency, accounting=self.books.accounting),
                    )
                )
            row.currency = currency
        self._match_stored(rows)

    def _match_stored(self, rows: list[_Row]) -> None:
        """Rows whose document is stored: already imported when they agree, else problems."""
        known = [row for row in rows if self.stored[row.account_key] is not None]
        if not known:
            return
        by_id = {self.stored[row.account_key].id: row.account_key for row in known}  # type: ignore[union-attr]
        documents = _stored_documents(self.session, known, by_id)
        matches = [(row, documents[row.key]) for row in known if row.key in documents]
        settled = _settled_lines(self.session, [doc.id for row, doc in matches if row.settled_date])
        for row, doc in matches:
            if _agrees(row, doc, settled[doc.id], self.problems, self.label):
                byte, bit = divmod(row.row, 8)
                if byte >= len(self._already):
                    self._already.extend(bytes(byte + 1 - len(self._already) + 4096))
                self._already[byte] |= 1 << bit
                self.already_count += 1

    def finish(self, parser: _Parser) -> None:
        """After the last chunk: each customer's master data (the value most rows give,
        the first seen on a tie), the rows that contradict it, the documents that repeat,
        and each stored customer against the file."""
        conflicts: set[tuple[str, str]] = set()
        for (key, name), others in self.others.items():
            first = self.master[key][name]
            reference = max([first, *others.values()], key=lambda v: v.count)
            self.master[key][name] = reference
            conflicts.add((key, name))
        if conflicts or self._repeated:
            self._reread(parser, conflicts)
        for key, (row, _account) in self.first.items():
            customer = self.stored[key]
            if customer is None:
                continue
            if customer.deleted:
                self.problems.append(
                    RowProblem(
                        row,
                        self.label("customer_account"),
                        _account,
                        _("customer {account} was deleted in the database.").format(
                            account=customer.account
                        ),
                    )
                )
            for name, value in self.master[key].items():
                stored_value = customer.master.get(name)
                if stored_value is not None and stored_value[0] != value.value:
                    self.problems.append(
                        RowProblem(
                            value.row,
                            self.label(name),
                            value.shown,
                            _(
                                "customer {account} has “{stored}” in the database; "
                                "change it there or in the file."
                            ).format(account=customer.account, stored=stored_value[1]),
                        )
                    )
        self._keys.clear()

    def _reread(self, parser: _Parser, conflicts: set[tuple[str, str]]) -> None:
        """Read the file again for the rows that contradict a customer's master data and
        the documents that repeat (their problems were counted on the first reading)."""
        problems, parser.problems = parser.problems, _Problems()
        first_of: dict[tuple[str, str, str], int] = {}
        try:
            for chunk in _batches(parser.table.rows(), CHUNK_ROWS):
                for row in parser.parse(chunk):
                    self._contradictions(row, conflicts)
                    if self._repeated and _digest(row.key) in self._repeated:
                        other = first_of.setdefault(row.key, row.row)
                        if other != row.row:
                            problems.append(
                                RowProblem(
                                    row.row,
                                    self.label("document_number"),
                                    row.number,
                                    _(
                                        "the same document of customer {account} is on row {other}."
                                    ).format(account=row.account, other=other),
                                )
                            )
        finally:
            parser.problems = problems

    def _contradictions(self, row: _Row, conflicts: set[tuple[str, str]]) -> None:
        key = row.account_key
        for name, (value, shown) in row.master.items():
            if (key, name) not in conflicts:
                continue
            reference = self.master[key][name]
            if value == reference.value:
                continue
            account = self.first[key][1]
            self.problems.append(
                RowProblem(
                    row.row,
                    self.label(name),
                    shown,
                    ngettext(
                        "contradicts row {other}, where customer {account} has "
                        "“{value}” (as on {count} row in all).",
                        "contradicts row {other}, where customer {account} has "
                        "“{value}” (as on {count} rows in all).",
                        reference.count,
                    ).format(
                        other=reference.row,
                        account=account,
                        value=reference.shown,
                        count=reference.count,
                    ),
                )
            )


class _Writer:
    """Writes checked rows chunk by chunk: customers when first met, then the documents,
    payments, settlements and disputes, through the ledger's batch functions."""

    def __init__(self, session: Session, check: _Check, now: dt.datetime, file_name: str):
        self.session = session
        self.check = check
        self.now = now
        self.customers = {key: c.id for key, c in check.stored.items() if c is not None}
        self.note = _("Imported from {file}").format(file=file_name)[:200]
        self.counts = dict.fromkeys(
            (
                "customers_created",
                "invoices",
                "credit_notes",
                "payments",
                "settlements",
                "disputed",
            ),
            0,
        )

    def write(self, rows: list[_Row]) -> None:
        """Write one chunk of rows (those not already imported)."""
        session, now = self.session, self.now
        new = [row for row in rows if not self.check.is_already(row.row)]
        customer_rows = []
        for row in new:
            key = row.account_key
            if key in self.customers:
                continue
            master = {name: v.value for name, v in self.check.master.get(key, {}).items()}
            shown = {name: v.shown for name, v in self.check.master.get(key, {}).items()}
            self.customers[key] = new_id()
            customer_rows.append(
                {
                    "id": self.customers[key],
                    "account": self.check.first[key][1],
                    "name": shown.get("customer_name", self.check.first[key][1]),
                    "customer_group": master.get("customer_group"),
                    "country": master.get("country"),
                    "credit_limit": master.get("credit_limit"),
                    "email": shown.get("email"),
                    "phone": master.get("phone"),
                    "currency": self.check.books.accounting,
                    "updated_at": now,
                }
            )
        if customer_rows:
            session.execute(insert(Customer), customer_rows)
        for row in new:
            row.currency = row.currency or self._currency(row)
        document_ids = postings.post_transactions(
            session,
            [
                postings.Posting(
                    customer_id=self.customers[row.account_key],
                    type=row.type,
                    amount=row.amount,
                    posting_date=row.document_date,
                    document_date=row.document_date,
                    due_date=row.due_date,
                    document_number=row.number,
                    currency=row.currency,
                    description=row.description,
                )
                for row in new
            ],
            now,
        )
        settled = [
            (row, document_id)
            for row, document_id in zip(new, document_ids, strict=True)
            if row.settled_date is not None
        ]
        payment_ids = postings.post_transactions(
            session,
            [
                postings.Posting(
                    customer_id=self.customers[row.account_key],
                    type=TransactionType.PAYMENT,
                    amount=row.settled_amount,
                    posting_date=row.settled_date,  # type: ignore[arg-type]
                    currency=row.currency,
                    description=_payment_description(row.number),
                )
                for row, _document_id in settled
            ],
            now,
        )
        ledger_settlements.settle_many(
            session,
            [
                ledger_settlements.SettlementRequest(
                    {document_id: row.settled_amount, payment_id: row.settled_amount},
                    row.settled_date,  # type: ignore[arg-type]
                    self.note,
                )
                for (row, document_id), payment_id in zip(settled, payment_ids, strict=True)
            ],
            now,
        )
        disputed = [
            document_id for row, document_id in zip(new, document_ids, strict=True) if row.disputed
        ]
        _mark_disputed(session, disputed, now, self.note)
        counts = self.counts
        counts["customers_created"] += len(customer_rows)
        counts["invoices"] += sum(1 for row in new if row.type is TransactionType.INVOICE)
        counts["credit_notes"] += sum(1 for row in new if row.type is TransactionType.CREDIT_NOTE)
        counts["payments"] += len(payment_ids)
        counts["settlements"] += len(settled)
        counts["disputed"] += len(disputed)

    def _currency(self, row: _Row) -> str:
        customer = self.check.stored.get(row.account_key)
        return customer.currency if customer else self.check.books.accounting


def _digest(key: tuple[str, str, str]) -> int:
    """A document's key as a 60-bit number (a small int): repeats are confirmed by key."""
    return hash(key) & (1 << 60) - 1


class _Labels:
    """Names fields in the report the way the file does (its headers)."""

    def __init__(self, mapping: ImportMapping) -> None:
        self.mapping = mapping

    def __call__(self, name: str) -> str:
        column = self.mapping.columns.get(name)
        return column.text if column is not None and not column.is_template else name


def _agrees(
    row: _Row,
    doc: _StoredDocument,
    lines: list[tuple[dt.date, Decimal]],
    problems: list[RowProblem],
    label: _Labels,
) -> bool:
    """Whether a row says what its stored document says; each difference is a problem."""
    formats = text_formats()
    differences = []
    if abs(doc.amount) != row.amount:
        differences.append(("amount", formats.amount(abs(doc.amount))))
    if doc.currency != row.currency:
        differences.append(("currency", doc.currency))
    if doc.document_date != row.document_date:
        differences.append(("document_date", formats.date(doc.document_date)))
    if doc.due_date != row.due_date:
        differences.append(("due_date", formats.date(doc.due_date)))
    if row.settled_date is not None:
        settled = abs(sum((a for day, a in lines if day <= row.settled_date), ZERO))
        # Without a settled-amount column the file says "settled in full on that date".
        expected = row.settled_amount if row.shown.get("settled_amount") else abs(doc.amount)
        if settled != expected:
            name = "settled_amount" if row.shown.get("settled_amount") else "settled_date"
            differences.append(
                (
                    name,
                    _("{amount} settled by {date}").format(
                        amount=formats.amount(settled), date=formats.date(row.settled_date)
                    ),
                )
            )
    for name, stored in differences:
        problems.append(
            RowProblem(
                row.row,
                label(name),
                row.shown.get(name) or None,
                _("document {number} is already in the database ({voucher}) with {stored}.").format(
                    number=doc.number, voucher=doc.voucher, stored=stored
                ),
            )
        )
    return not differences


def _payment_description(number: str) -> str:
    return _("Payment of {number} (imported)").format(number=number)[:200]


def _chunks(items: Sequence[T], size: int = 500) -> Iterable[Sequence[T]]:
    return (items[start : start + size] for start in range(0, len(items), size))


def _stored_customers(session: Session, accounts: set[str]) -> dict[str, _StoredCustomer]:
    """The stored customers of the file's accounts, by compared account number."""
    exact = sorted(accounts)
    digits = sorted({number_key(a) for a in exact if number_key(a).isdigit()})
    if "0" in digits:
        digits.append("")  # ltrim("000", "0") is empty
    conditions = [Customer.account.in_(chunk) for chunk in _chunks(exact)]
    conditions += [func.ltrim(Customer.account, "0").in_(chunk) for chunk in _chunks(digits)]
    stored: dict[str, _StoredCustomer] = {}
    for condition in conditions:
        for c in session.scalars(select(Customer).where(condition)):
            master: dict[str, tuple[object, str]] = {}
            if c.name:
                master["customer_name"] = (" ".join(c.name.split()), c.name)
            for name, text in (
                ("customer_group", c.customer_group),
                ("phone", c.phone),
                ("country", c.country),
            ):
                if text:
                    master[name] = (text, text)
            if c.email:
                master["email"] = (c.email.casefold(), c.email)
            if c.credit_limit is not None:
                master["credit_limit"] = (c.credit_limit, text_formats().amount(c.credit_limit))
            stored.setdefault(
                number_key(c.account),
                _StoredCustomer(c.id, c.account, c.currency, c.deleted_at is not None, master),
            )
    return stored


def _stored_documents(
    session: Session, rows: list[_Row], customers: dict[uuid.UUID, str]
) -> dict[tuple[str, str, str], _StoredDocument]:
    """The stored invoices and credit notes that the rows may be (same customer, type and
    number, leading zeros aside), by the rows' key; the last by voucher when several."""
    exact = sorted({row.number for row in rows})
    digits = sorted({number_key(row.number) for row in rows if number_key(row.number).isdigit()})
    if "0" in digits:
        digits.append("")  # ltrim("000", "0") is empty
    conditions = [CustomerTransaction.document_number.in_(chunk) for chunk in _chunks(exact)]
    conditions += [
        func.ltrim(CustomerTransaction.document_number, "0").in_(chunk) for chunk in _chunks(digits)
    ]
    found: dict[uuid.UUID, tuple[tuple[str, str, str], _StoredDocument]] = {}
    for ids in _chunks(list(customers)):
        for condition in conditions:
            for row in session.execute(
                select(
                    CustomerTransaction.customer_id,
                    CustomerTransaction.type,
                    CustomerTransaction.id,
                    CustomerTransaction.voucher,
                    CustomerTransaction.document_number,
                    CustomerTransaction.document_date,
                    CustomerTransaction.due_date,
                    CustomerTransaction.amount,
                    CustomerTransaction.currency,
                ).where(
                    CustomerTransaction.customer_id.in_(ids),
                    CustomerTransaction.type.in_(
                        [TransactionType.INVOICE, TransactionType.CREDIT_NOTE]
                    ),
                    condition,
                )
            ):
                key = (customers[row.customer_id], row.type, number_key(row.document_number))
                found[row.id] = (key, _StoredDocument(*tuple(row)[2:]))
    documents: dict[tuple[str, str, str], _StoredDocument] = {}
    for key, document in sorted(found.values(), key=lambda item: item[1].voucher):
        documents[key] = document
    return documents


def _settled_lines(
    session: Session, transaction_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[tuple[dt.date, Decimal]]]:
    lines: dict[uuid.UUID, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    for chunk in _chunks(transaction_ids):
        for txn_id, day, amount in session.execute(
            select(
                SettlementLine.transaction_id,
                SettlementLine.settlement_date,
                SettlementLine.amount,
            ).where(SettlementLine.transaction_id.in_(chunk))
        ):
            lines[txn_id].append((day, amount))
    return lines


def _mark_disputed(
    session: Session, transaction_ids: list[uuid.UUID], now: dt.datetime, note: str
) -> None:
    """Set the collection status to disputed the way every status change is made:
    the mutable columns (``updated_at``, ``version``) and one history row each."""
    for chunk in _chunks(transaction_ids):
        session.execute(
            update(CustomerTransaction)
            .where(CustomerTransaction.id.in_(chunk))
            .values(
                collection_status=CollectionStatus.DISPUTED,
                updated_at=now,
                version=CustomerTransaction.version + 1,
            )
            .execution_options(synchronize_session=False)
        )
    if transaction_ids:
        session.execute(
            insert(CollectionStatusChange),
            [
                {
                    "id": new_id(),
                    "transaction_id": txn_id,
                    "changed_at": now,
                    "from_status": CollectionStatus.NONE,
                    "to_status": CollectionStatus.DISPUTED,
                    "note": note,
                }
                for txn_id in transaction_ids
            ],
        )

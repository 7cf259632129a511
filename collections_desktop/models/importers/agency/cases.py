"""Reading a client's case files from a CSV or XLSX file, checking all of them, and opening
them in the caller's transaction (all or nothing).

The file is read with the receivables import's reader and mapping (``reading``,
``mapping``) and its values parsed by ``values``; problems are reported as that import
reports them (``receivables.problems``): row number, column, value, reason.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from collections_desktop.formatting import text_formats
from collections_desktop.i18n import _
from collections_desktop.kernel.money import ZERO
from collections_desktop.models.agency.cases import (
    CaseValues,
    DebtorValues,
    find_debtor,
    open_case,
)
from collections_desktop.models.agency.errors import AgencyError
from collections_desktop.models.db.schema import (
    AgencyCase,
    AgencyClient,
    AgencyStaff,
    Currency,
    DebtorKind,
    Employee,
)
from collections_desktop.models.importers import ImportInputError
from collections_desktop.models.importers.agency.fields import (
    DATE_FIELDS,
    DEBTOR_KINDS,
    DOCUMENT_FIELDS,
    LENGTHS,
    LIST_FIELDS,
    MONEY_FIELDS,
    REQUIRED,
    load_case_mapping,
)
from collections_desktop.models.importers.mapping import (
    Cell,
    Column,
    ImportMapping,
    describe_date_format,
)
from collections_desktop.models.importers.reading import Record, Table, read_table
from collections_desktop.models.importers.receivables.fields import DATE_FORMATS, EARLIEST_DATE
from collections_desktop.models.importers.receivables.problems import (
    PROBLEMS_KEPT,
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
    email_address,
    is_blank,
    parse_date,
    parse_money,
    ten_years_after,
)

T = TypeVar("T")
_SNIFF_SAMPLE = 1000
_SEPARATORS = (";", "\n")


@dataclass(frozen=True)
class CaseImportResult:
    """What an import of case files wrote."""

    file: str
    client_code: str
    rows: int
    cases: int
    documents: int
    debtors_created: int
    debtors_matched: int
    first_number: str | None
    last_number: str | None
    seconds: float

    def describe(self) -> str:
        """A summary for the command line and the log."""
        count = text_formats().count
        return _(
            "Imported {file} for client {client}: {rows} rows, {cases} case files "
            "({first} to {last}), {documents} documents; {created} new debtors, {matched} "
            "matched by tax id ({seconds} s)."
        ).format(
            file=self.file,
            client=self.client_code,
            rows=count(self.rows),
            cases=count(self.cases),
            first=self.first_number or "—",
            last=self.last_number or "—",
            documents=count(self.documents),
            created=count(self.debtors_created),
            matched=count(self.debtors_matched),
            seconds=text_formats().number(self.seconds, 1),
        )

    def __str__(self) -> str:
        return self.describe()


@dataclass
class _Case:
    """One case file as the rows of its client reference say it."""

    reference: str
    row: int  # its first row
    values: dict[str, tuple[Any, int]] = field(default_factory=dict)  # field → (value, row)
    lists: dict[str, list[str]] = field(default_factory=dict)
    documents: list[tuple[str, dt.date | None, dt.date | None, Decimal]] = field(
        default_factory=list
    )
    rows: list[int] = field(default_factory=list)
    bad: bool = False  # a row of it has a problem: its totals are not judged

    def get(self, name: str, default: Any = None) -> Any:
        found = self.values.get(name)
        return default if found is None else found[0]


def import_case_files(
    session: Session,
    path: Path | str,
    mapping: ImportMapping | Path | str,
    *,
    client_code: str,
    now: dt.datetime,
    by: uuid.UUID | None = None,
) -> CaseImportResult:
    """Open the case files of ``path`` for the client ``client_code``, all or nothing.

    Every row is checked first; on any problem ``ImportRejected`` lists them by row and
    column and nothing is written. Then each case file is opened through
    ``models.agency.cases.open_case`` (its number from the agency's counter, its debtor
    matched by tax id) in the caller's transaction; the caller commits. ``mapping`` is a
    checked mapping or the path of its TOML file.
    """
    started = time.perf_counter()
    path = Path(path)
    if not isinstance(mapping, ImportMapping):
        mapping = load_case_mapping(mapping)
    client = session.execute(
        select(
            AgencyClient.id, AgencyClient.code, AgencyClient.currency, AgencyClient.language
        ).where(
            func.upper(AgencyClient.code) == client_code.strip().upper(),
            AgencyClient.deleted_at.is_(None),
        )
    ).first()
    if client is None:
        codes = sorted(session.scalars(select(AgencyClient.code)))
        raise ImportInputError(
            _("The agency has no client {code}; its clients are: {codes}.").format(
                code=client_code, codes=", ".join(codes) or "—"
            )
        )
    table = read_table(path, mapping.source)
    records = list(table.rows())
    if not records:
        raise ImportInputError(
            _("{path} has a header but no rows; nothing was imported.").format(path=path)
        )
    problems = Problems(keep=PROBLEMS_KEPT)
    reader = _Reader(session, table, mapping, path, now.date(), client.currency, problems)
    cases = reader.read(records)
    reader.check_cases(cases, client.id)
    if problems:
        raise problems.rejected(path)
    numbers: list[str] = []
    created = matched = documents = 0
    for case in cases:
        kind = case.get("debtor_kind", DebtorKind.PERSON.value)
        tax_id = case.get("debtor_tax_id")
        existing = find_debtor(session, tax_id)
        if existing is None:
            created += 1
        else:
            matched += 1
        # A debtor the agency has (by tax id) gets the case, and the file's contacts it
        # does not have yet (open_case matches it).
        debtor = DebtorValues(
            kind=kind,
            name=case.get("debtor_name"),
            tax_id=tax_id,
            language=case.get("debtor_language", client.language),
            addresses=tuple(case.lists.get("addresses", ())),
            phones=tuple(case.lists.get("phones", ())),
            emails=tuple(case.lists.get("emails", ())),
        )
        values = CaseValues(
            client_id=client.id,
            client_reference=case.reference,
            debtor=debtor,
            currency=case.get("currency"),
            principal=case.get("principal"),
            interest=case.get("interest", ZERO),
            fees=case.get("fees", ZERO),
            debt_date=case.get("debt_date"),
            collector_id=case.get("collector"),
            assigned_on=case.get("assigned_on"),
            documents=tuple(case.documents),
        )
        try:
            numbers.append(open_case(session, values, now=now, by=by))
        except AgencyError as error:
            # The checks above should have caught it: still a row-numbered refusal.
            refused = Problems(keep=1)
            column = Labels(mapping)("client_reference")
            refused.append(RowProblem(case.row, column, case.reference, str(error)))
            raise refused.rejected(path) from None
        documents += len(case.documents)
    return CaseImportResult(
        file=path.name,
        client_code=client.code,
        rows=len(records),
        cases=len(numbers),
        documents=documents,
        debtors_created=created,
        debtors_matched=matched,
        first_number=numbers[0] if numbers else None,
        last_number=numbers[-1] if numbers else None,
        seconds=time.perf_counter() - started,
    )


class _Reader:
    """Reads the rows into case files, each bad cell a problem of its row and column."""

    def __init__(
        self,
        session: Session,
        table: Table,
        mapping: ImportMapping,
        path: Path,
        today: dt.date,
        client_currency: str,
        problems: Problems,
    ) -> None:
        self.session = session
        self.table = table
        self.mapping = mapping
        self.path = path
        self.today = today
        self.client_currency = client_currency
        self.problems = problems
        self.label = Labels(mapping)
        self.index = self._header_index()
        self.places = dict(session.execute(select(Currency.code, Currency.decimals)).all())
        self.earliest = mapping.source.earliest_date or EARLIEST_DATE
        self.latest = mapping.source.latest_date or ten_years_after(today)
        self.collectors = self._collectors()

    # --- the whole file

    def _header_index(self) -> dict[str, int]:
        index: dict[str, int] = {}
        for position, header in enumerate(self.table.headers):
            index.setdefault(header, position)
        unknown = sorted(h for h in self.mapping.headers if h not in index)
        if unknown:
            raise ImportInputError(
                _(
                    "{path} has no column {unknown}. Its columns are: {headers}. "
                    "Correct [columns] in the mapping."
                ).format(
                    path=self.path,
                    unknown=", ".join(f"“{shorten(h, 40)}”" for h in unknown),
                    headers=", ".join(f"“{shorten(h, 40)}”" for h in self.table.headers if h),
                )
            )
        return index

    def _collectors(self) -> dict[str, uuid.UUID]:
        """The agency's staff by employee number and by login (both compared in lower case)."""
        found: dict[str, uuid.UUID] = {}
        for employee_id, number, login in self.session.execute(
            select(Employee.id, Employee.number, Employee.user_name)
            .join(AgencyStaff, AgencyStaff.employee_id == Employee.id)
            .where(AgencyStaff.deleted_at.is_(None))
        ):
            found[number.casefold()] = employee_id
            if login:
                found[login.casefold()] = employee_id
        return found

    def read(self, records: Sequence[Record]) -> list[_Case]:
        self.separator = self.mapping.source.decimal_separator or self._sniff_separator(records)
        self.formats = self._date_formats(records)
        cases: dict[str, _Case] = {}
        for number, record in records:
            self._row(number, record, cases)
        return list(cases.values())

    def _sniff_separator(self, records: Sequence[Record]) -> str:
        """A comma when amounts are written 12,50 or 1.234,50; else a point."""
        votes = {".": 0, ",": 0}
        for name in MONEY_FIELDS:
            for _number, record in records[:_SNIFF_SAMPLE]:
                text = self._cell(record, name, 0)
                if not isinstance(text, str):
                    continue
                text = text.strip()
                last = max(text.rfind("."), text.rfind(","))
                if last >= 0 and not GROUPED.match(text.lstrip("-+")):
                    votes[text[last]] += 1
        return "," if votes[","] > votes["."] else "."

    def _date_formats(self, records: Sequence[Record]) -> str | None:
        """The mapping's date format, or the one that reads the file's dates (the first
        of ``DATE_FORMATS`` that reads the most); two that read them differently are
        ambiguous and the mapping must say."""
        if self.mapping.source.date_format:
            return self.mapping.source.date_format
        values: dict[str, None] = {}
        for name in DATE_FIELDS:
            for _number, record in records[:_SNIFF_SAMPLE]:
                cell = self._cell(record, name, 0)
                if isinstance(cell, str) and cell.strip():
                    values.setdefault(cell.strip())
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
                        "The dates of {path} can be read as {first} or as {second}; "
                        "set date_format in [source] of the mapping."
                    ).format(
                        path=self.path,
                        first=describe_date_format(tied[0]),
                        second=describe_date_format(other),
                    )
                )
        return tied[0]

    # --- one row

    def _row(self, number: int, record: tuple[Cell, ...], cases: dict[str, _Case]) -> None:
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
            return
        reference = self._text(number, record, "client_reference")
        if reference is None:
            return
        case = cases.get(reference)
        if case is None:
            case = cases[reference] = _Case(reference, number)
        case.rows.append(number)
        before = len(self.problems)
        currency = self._check(number, record, "currency", self._currency)
        self._keep(case, number, record, "currency", currency)
        places = self.places.get(currency or case.get("currency") or self.client_currency, 2)
        in_currency = currency or case.get("currency") or self.client_currency
        for name in ("debtor_name", "debtor_tax_id", "debtor_language"):
            value = self._text(number, record, name)
            if value is not None and name == "debtor_name":
                value = " ".join(value.split())
            self._keep(case, number, record, name, value)
        self._keep(
            case,
            number,
            record,
            "debtor_kind",
            self._check(number, record, "debtor_kind", _debtor_kind),
        )
        for name in ("principal", "interest", "fees"):
            amount = self._money(number, record, name, places, in_currency)
            self._keep(case, number, record, name, amount)
        for name in ("debt_date", "assigned_on"):
            self._keep(case, number, record, name, self._check(number, record, name, self._date))
        self._keep(
            case,
            number,
            record,
            "collector",
            self._check(number, record, "collector", self._collector),
        )
        for name in LIST_FIELDS:
            for item in self._list(number, record, name):
                known = case.lists.setdefault(name, [])
                if item.casefold() not in {k.casefold() for k in known}:
                    known.append(item)
        self._document(number, record, case, places, in_currency)
        case.bad = case.bad or len(self.problems) > before

    def _document(
        self,
        number: int,
        record: tuple[Cell, ...],
        case: _Case,
        places: int,
        currency: str,
    ) -> None:
        if all(is_blank(self._cell(record, name, number)) for name in DOCUMENT_FIELDS):
            return
        before = len(self.problems)
        doc_number = self._text(number, record, "document_number", required=True)
        amount = self._money(number, record, "document_amount", places, currency, required=True)
        if amount is not None and amount <= ZERO:
            self._problem(
                number,
                self.label("document_amount"),
                self._shown(record, "document_amount", number),
                _("a document's amount must be above zero."),
            )
        date = self._check(number, record, "document_date", self._date)
        due = self._check(number, record, "document_due_date", self._date)
        if date and due and due < date:
            self._problem(
                number,
                self.label("document_due_date"),
                self._shown(record, "document_due_date", number),
                _("the due date is before the document date {date}.").format(
                    date=text_formats().date(date)
                ),
            )
        if len(self.problems) == before and doc_number is not None and amount is not None:
            if any(d[0] == doc_number for d in case.documents):
                self._problem(
                    number,
                    self.label("document_number"),
                    doc_number,
                    _("this case file already has this document in an earlier row."),
                )
                return
            case.documents.append((doc_number, date, due, amount))

    def _keep(
        self, case: _Case, number: int, record: tuple[Cell, ...], name: str, value: Any
    ) -> None:
        """A case file's value: the first row that gives it; a later row that gives
        another one is a problem."""
        if value is None:
            return
        known = case.values.get(name)
        if known is None:
            case.values[name] = (value, number)
        elif known[0] != value:
            self._problem(
                number,
                self.label(name),
                self._shown(record, name, number),
                _("row {row} of case {reference} says “{value}”; a case file has one.").format(
                    row=known[1], reference=case.reference, value=_shown_value(known[0])
                ),
            )

    # --- the case files, once every row is read

    def check_cases(self, cases: Iterable[_Case], client_id: uuid.UUID) -> None:
        """What only the whole case file (or the database) tells: its debt, its dates,
        the debtor's kind and tax id, a reference already imported."""
        cases = list(cases)
        references = [case.reference for case in cases]
        imported: dict[str, str] = {}
        for start in range(0, len(references), 500):
            chunk = references[start : start + 500]
            imported.update(
                (str(reference), number)
                for reference, number in self.session.execute(
                    select(AgencyCase.client_reference, AgencyCase.number).where(
                        AgencyCase.client_id == client_id,
                        AgencyCase.client_reference.in_(chunk),
                        AgencyCase.deleted_at.is_(None),
                    )
                ).all()
            )
        for case in cases:
            row = case.row
            if case.reference in imported:
                self._problem(
                    row,
                    self.label("client_reference"),
                    case.reference,
                    _("already imported for this client as case file {number}.").format(
                        number=imported[case.reference]
                    ),
                )
            case.values.setdefault("currency", (self.client_currency, row))
            case.values.setdefault("debtor_kind", (DebtorKind.PERSON.value, row))
            case.values.setdefault("assigned_on", (self.today, row))
            case.values.setdefault("interest", (ZERO, row))
            case.values.setdefault("fees", (ZERO, row))
            if case.bad or case.get("debtor_name") is None:
                continue  # already a problem of its rows
            if case.get("principal") is None:
                total = sum((d[3] for d in case.documents), ZERO)
                if total > ZERO:
                    case.values["principal"] = (total, row)
                else:
                    self._problem(
                        row,
                        self.label("principal"),
                        None,
                        _("a value is required (or documents with their amounts)."),
                    )
            elif case.get("principal") <= ZERO:
                self._problem(
                    row,
                    self.label("principal"),
                    _shown_value(case.get("principal")),
                    _("the principal must be above zero."),
                )
            for name in ("interest", "fees"):
                if case.get(name) < ZERO:
                    self._problem(
                        case.values[name][1],
                        self.label(name),
                        _shown_value(case.get(name)),
                        _("cannot be negative."),
                    )
            if case.get("debt_date") is None:
                dues = [d[2] or d[1] for d in case.documents if d[2] or d[1]]
                if dues:
                    case.values["debt_date"] = (min(dues), row)  # type: ignore[type-var]
                else:
                    self._problem(
                        row,
                        self.label("debt_date"),
                        None,
                        _("a value is required (or documents with due dates)."),
                    )
            assigned, assigned_row = case.values["assigned_on"]
            if assigned > self.today:
                self._problem(
                    assigned_row,
                    self.label("assigned_on"),
                    _shown_value(assigned),
                    _("a case file cannot be assigned on a future date."),
                )
            debt_date = case.get("debt_date")
            if debt_date is not None and debt_date > assigned:
                self._problem(
                    case.values["debt_date"][1],
                    self.label("debt_date"),
                    _shown_value(debt_date),
                    _("the debt fell due after the case was assigned ({date}).").format(
                        date=text_formats().date(assigned)
                    ),
                )
            if case.get("debtor_kind") == DebtorKind.COMPANY and not case.get("debtor_tax_id"):
                self._problem(
                    row, self.label("debtor_tax_id"), None, _("a company debtor needs its tax id.")
                )

    # --- cells and values

    def _cell(self, record: tuple[Cell, ...], name: str, number: int) -> Cell:
        """The field's value in this row: its column or template, else the mapping's default."""
        column: Column | None = self.mapping.columns.get(name)
        value: Cell = None
        if column is not None and column.is_template:
            texts = {h: cell_text(cell_at(record, self.index[h])) for h in column.headers}
            if not column.headers or any(texts.values()):
                value = column.value(texts, number)
        elif column is not None:
            value = cell_at(record, self.index[column.text])
        if is_blank(value):
            value = self.mapping.defaults.get(name)
        return value

    def _shown(self, record: tuple[Cell, ...], name: str, number: int) -> str:
        return cell_text(self._cell(record, name, number))

    def _problem(self, number: int, column: str, value: str | None, reason: str) -> None:
        self.problems.append(RowProblem(number, column, value, reason))

    def _text(
        self, number: int, record: tuple[Cell, ...], name: str, *, required: bool = False
    ) -> str | None:
        text = cell_text(self._cell(record, name, number))
        if not text:
            if required or name in REQUIRED:
                self._problem(number, self.label(name), None, _("a value is required."))
            return None
        limit = LENGTHS.get(name)
        if limit is not None and len(text) > limit:
            self._problem(
                number,
                self.label(name),
                text,
                _("longer than {limit} characters.").format(limit=limit),
            )
            return None
        return text

    def _list(self, number: int, record: tuple[Cell, ...], name: str) -> list[str]:
        text = cell_text(self._cell(record, name, number))
        for separator in _SEPARATORS[1:]:
            text = text.replace(separator, _SEPARATORS[0])
        items = [" ".join(item.split()) for item in text.split(_SEPARATORS[0])]
        found = []
        for item in items:
            if not item:
                continue
            if name == "emails":
                try:
                    item = email_address(item, name)
                except BadValue as bad:
                    self._problem(number, self.label(name), item, str(bad))
                    continue
            found.append(item)
        return found

    def _check(
        self,
        number: int,
        record: tuple[Cell, ...],
        name: str,
        convert: Callable[[Cell, str], T],
        *,
        required: bool = False,
    ) -> T | None:
        cell = self._cell(record, name, number)
        if is_blank(cell):
            if required:
                self._problem(number, self.label(name), None, _("a value is required."))
            return None
        try:
            return convert(cell, name)
        except BadValue as bad:
            self._problem(number, self.label(name), cell_text(cell), str(bad))
            return None

    def _money(
        self,
        number: int,
        record: tuple[Cell, ...],
        name: str,
        places: int,
        currency: str,
        *,
        required: bool = False,
    ) -> Decimal | None:
        def convert(cell: Cell, _name: str) -> Decimal:
            return parse_money(cell, self.separator, places, currency)

        return self._check(number, record, name, convert, required=required)

    def _currency(self, cell: Cell, _name: str) -> str:
        code = cell_text(cell).upper()
        if code not in self.places:
            raise BadValue(
                _("not a currency of the company ({codes}).").format(
                    codes=", ".join(sorted(self.places))
                )
            )
        return code

    def _collector(self, cell: Cell, _name: str) -> uuid.UUID:
        found = self.collectors.get(cell_text(cell).casefold())
        if found is None:
            raise BadValue(
                _(
                    "no one of the agency's staff has this employee number or login; add "
                    "them to the agency's staff first, or leave the cell blank."
                )
            )
        return found

    def _date(self, cell: Cell, _name: str) -> dt.date:
        if isinstance(cell, dt.datetime):
            cell = cell.date()
        if isinstance(cell, dt.date):
            return self._in_range(cell)
        if not isinstance(cell, str):
            raise BadValue(_("a number, not a date."))
        text = cell.strip()
        parsed = parse_date(text, self.formats) if self.formats else None
        if parsed is None:
            parsed = parse_date(text, "%Y-%m-%d")  # a default written in the mapping
        if parsed is None:
            if self.formats is None:
                raise BadValue(_("no known date format fits; set date_format in [source]."))
            raise BadValue(
                _("not a date in the form {format}.").format(
                    format=describe_date_format(self.formats)
                )
            )
        return self._in_range(parsed)

    def _in_range(self, day: dt.date) -> dt.date:
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


def _debtor_kind(cell: Cell, _name: str) -> str:
    kind = DEBTOR_KINDS.get(cell_text(cell).casefold())
    if kind is None:
        raise BadValue(_("not a kind of debtor; write “person” or “company”."))
    return kind


def _shown_value(value: Any) -> str:
    if isinstance(value, dt.date):
        return text_formats().date(value)
    if isinstance(value, Decimal):
        return text_formats().amount(value)
    if isinstance(value, uuid.UUID):
        return _("another collector")
    return str(value)

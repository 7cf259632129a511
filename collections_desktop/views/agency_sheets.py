"""The agency desk's monthly reports as sheets: tables and figures, ready for the screen,
a PDF, an XLSX workbook or a terminal.

A report of ``models.agency.reports`` (the collection report, the expense report, a
collector's statement, a client's remittance statement) becomes one ``ReportSheet``: its
title and filters, one or two tables whose cells keep their types (amounts are
``Decimal``, dates are dates) and the figures under them (totals, net to remit). The
screen, the PDF, the workbook and the ``agency report`` command all show the same sheet,
so they say the same figures. A sheet is written in one language: the user's for the
screen and the internal reports, the client's for a remittance statement that goes to
the client (``printed_sheet``).

Nothing of Qt here: the command line prints sheets without a display.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from babel.dates import format_skeleton

from collections_desktop.formatting import Formats
from collections_desktop.i18n import N_, _, base_language, translations_for
from collections_desktop.models.agency.rows import (
    CollectionReport,
    CollectorStatement,
    CommissionLine,
    ExpenseReport,
    ExpenseRow,
    RemittanceStatement,
)
from collections_desktop.models.letters.render import customer_formats
from collections_desktop.models.screens.exports import XlsxCell, xlsx_bytes

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

COLLECTIONS = "collections"
EXPENSES = "expenses"
STATEMENT = "statement"
REMITTANCE = "remittance"
REPORT_KINDS = (
    (COLLECTIONS, N_("Collections by collector")),
    (EXPENSES, N_("Expenses by type")),
    (STATEMENT, N_("Collector's statement")),
    (REMITTANCE, N_("Client remittance")),
)
"""The reports: (key, name); names translated where shown."""

EXPENSE_KINDS = (
    ("fuel", N_("Fuel")),
    ("calls", N_("Calls")),
    ("burofax", N_("Burofax")),
    ("travel", N_("Travel")),
    ("other", N_("Other")),
)
"""The types of expense (``ExpenseKind`` values) and their names, in the form's order."""

EXPENSE_STATES = {
    "draft": N_("Draft"),
    "submitted": N_("Submitted"),
    "approved": N_("Approved"),
    "rejected": N_("Rejected"),
}
"""An expense's state (``ExpenseState`` values) in words."""

HUNDREDTH = Decimal("0.01")

Cell = str | Decimal | int | dt.date | None
"""A cell of a sheet: text, an amount, a count, a date, or nothing."""

# What a column holds: how it is written and sized.
TEXT, KEY, LABEL, FREE, AMOUNT, PERCENT, COUNT, DATE = (
    "text", "key", "label", "free", "amount", "percent", "count", "date",
)  # fmt: skip
FIGURES = frozenset({AMOUNT, PERCENT, COUNT})
"""The kinds of column set to the right."""


@dataclass(frozen=True)
class SheetTable:
    """One table of a sheet: its heading, its columns (header and kind), its rows and the
    total line under them (None: no total, e.g. amounts in several currencies)."""

    key: str
    title: str
    header: tuple[str, ...]
    kinds: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    total: tuple[Cell, ...] | None
    empty: str
    """What the table says when it has no rows."""

    @property
    def figures(self) -> frozenset[int]:
        """The columns of figures (set to the right)."""
        return frozenset(i for i, kind in enumerate(self.kinds) if kind in FIGURES)


@dataclass(frozen=True)
class SheetFigure:
    """A figure under the tables: a total, the net to remit, the day to remit by."""

    key: str
    label: str
    value: Decimal | dt.date | str
    currency: str = ""
    strong: bool = False


@dataclass(frozen=True)
class ReportSheet:
    """A report as it is shown, printed and exported."""

    kind: str
    name: str
    """The report's name ("Client remittance statement")."""
    month: dt.date
    month_text: str
    """The month in words, in the sheet's language ("November 2026", "noviembre de 2026")."""
    language: str
    filters: tuple[tuple[str, str], ...]
    tables: tuple[SheetTable, ...]
    figures: tuple[SheetFigure, ...]
    file_stem: str
    """The file name offered, without its suffix ("remittance-CL01-2026-11")."""
    recipient: tuple[str, ...] = field(default=())
    """A statement's addressee: name and address lines (the client's, the collector's)."""
    notes: tuple[str, ...] = field(default=())
    """Sentences under the figures (the remittance terms)."""

    @property
    def title(self) -> str:
        """The report's name and its month."""
        return f"{self.name} · {self.month_text}"


def month_text(month: dt.date, formats: Formats) -> str:
    """``month`` in words in the language of ``formats`` ("November 2026")."""
    return str(format_skeleton("yMMMM", month, locale=formats.locale))


def cell_text(value: Cell, kind: str, formats: Formats) -> str:
    """A cell as it reads: amounts and dates in ``formats``, percentages with their sign."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        if kind == PERCENT:  # two decimals, grouped as amounts are (Babel's own is slow)
            return f"{formats.amount(value.quantize(HUNDREDTH))}\xa0%"
        return formats.amount(value)
    if isinstance(value, int):
        return formats.count(value)
    if isinstance(value, dt.date):
        return formats.date(value)
    return value


def figure_text(figure: SheetFigure, formats: Formats) -> str:
    """A figure as it reads: an amount with its currency, a date, or a text."""
    value = figure.value
    if isinstance(value, Decimal):
        return formats.money(value, figure.currency) if figure.currency else formats.amount(value)
    if isinstance(value, dt.date):
        return formats.date(value)
    return value


def figure_labels(sheet: ReportSheet) -> list[str]:
    """Each figure's label, blank under the same figure in another currency (a figure in
    several currencies is named once, its amounts one under the other)."""
    labels, previous = [], None
    for figure in sheet.figures:
        labels.append("" if figure.key == previous else figure.label)
        previous = figure.key
    return labels


def _sum(values: Iterable[Decimal]) -> Decimal:
    return sum(values, Decimal(0))


def _one_currency(currencies: Iterable[str]) -> str | None:
    """The currency when all are the same (None: several, or none)."""
    found = set(currencies)
    return found.pop() if len(found) == 1 else None


def _with(header: str, currency: str | None) -> str:
    return f"{header} ({currency})" if currency else header


def _per_currency(
    key: str,
    label: str,
    amounts: Iterable[tuple[str, Decimal]],
    *,
    strong: bool = False,
    default_currency: str = "",
) -> list[SheetFigure]:
    """One figure per currency of ``amounts`` (one, at zero, when there are none)."""
    totals: dict[str, Decimal] = {}
    for currency, amount in amounts:
        totals[currency] = totals.get(currency, Decimal(0)) + amount
    if not totals:
        totals[default_currency] = Decimal("0.00")
    return [
        SheetFigure(key, label, amount, currency, strong)
        for currency, amount in sorted(totals.items())
    ]


# --- the collection report -----------------------------------------------------------------


def collections_sheet(
    report: CollectionReport, formats: Formats, *, collector_name: str | None = None
) -> ReportSheet:
    """Approved collections of a month by collector: each collection with the commission it
    earns and the collector's share, then a line per collector, then the totals."""
    lines = report.lines
    currency = _one_currency(line.currency for line in lines)
    several = currency is None and bool(lines)
    header = [_("Date"), _("Case"), _("Client"), _("Debtor"), _("Collector")]
    kinds = [DATE, KEY, LABEL, FREE, LABEL]
    header += [_with(_("Collected"), currency)] + ([_("Currency")] if several else [])
    kinds += [AMOUNT] + ([TEXT] if several else [])
    header += [_("Rate"), _with(_("Commission"), currency), _("Share rate")]
    header += [_with(_("Collector's share"), currency)]
    kinds += [PERCENT, AMOUNT, PERCENT, AMOUNT]
    rows = tuple(
        (
            line.collected_on,
            line.case_number,
            line.client_name,
            line.debtor_name,
            line.collector_name,
            line.amount,
            *((line.currency,) if several else ()),
            line.commission_percent,
            line.commission,
            line.share_percent,
            line.share,
        )
        for line in lines
    )
    total: tuple[Cell, ...] | None = None
    if not several:
        total = (
            _("Total"), None, None, None, None,
            _sum(line.amount for line in lines), None,
            _sum(line.commission for line in lines), None,
            _sum(line.share for line in lines),
        )  # fmt: skip
    detail = SheetTable(
        "collections",
        _("Approved collections"),
        tuple(header),
        tuple(kinds),
        rows,
        total,
        _("No collection was approved for this month."),
    )
    totals = report.totals
    by_currency = _one_currency(t.currency for t in totals)
    several_totals = by_currency is None and bool(totals)
    by_collector = SheetTable(
        "collectors",
        _("By collector"),
        (
            _("Collector"),
            *([_("Currency")] if several_totals else []),
            _("Collections"),
            _with(_("Collected"), by_currency),
            _with(_("Commission"), by_currency),
            _with(_("Collector's share"), by_currency),
        ),
        (KEY, *([TEXT] if several_totals else []), COUNT, AMOUNT, AMOUNT, AMOUNT),
        tuple(
            (
                t.collector_name,
                *((t.currency,) if several_totals else ()),
                t.collections,
                t.collected,
                t.commission,
                t.share,
            )
            for t in totals
        ),
        None
        if several_totals
        else (
            _("Total"),
            sum(t.collections for t in totals),
            _sum(t.collected for t in totals),
            _sum(t.commission for t in totals),
            _sum(t.share for t in totals),
        ),
        _("No collector has approved collections this month."),
    )
    figures = [
        *_per_currency(COLLECTIONS, _("Collected"), ((t.currency, t.collected) for t in totals)),
        *_per_currency("commission", _("Commission"), ((t.currency, t.commission) for t in totals)),
        *_per_currency(
            "share", _("Collectors' share"), ((t.currency, t.share) for t in totals), strong=True
        ),
    ]
    month = month_text(report.month, formats)
    filters = [(_("Month"), month)]
    if collector_name:
        filters.append((_("Collector"), collector_name))
    return ReportSheet(
        COLLECTIONS,
        _("Collections by collector"),
        report.month,
        month,
        "",
        tuple(filters),
        (detail, by_collector),
        tuple(figures),
        f"collections-{report.month:%Y-%m}",
    )


# --- the expense report --------------------------------------------------------------------


def expense_kind_name(kind: str) -> str:
    """A type of expense in the user's words."""
    names = dict(EXPENSE_KINDS)
    return _(names[kind]) if kind in names else kind


def expense_state_name(state: str) -> str:
    """An expense's state in the user's words."""
    return _(EXPENSE_STATES[state]) if state in EXPENSE_STATES else state


def _receipts(row: ExpenseRow) -> str:
    return ", ".join(receipt.file_name for receipt in row.receipts)


def expenses_sheet(
    report: ExpenseReport, formats: Formats, *, collector_name: str | None = None
) -> ReportSheet:
    """A month's expenses by type: each expense with its state and receipts, then a line
    per type, then the total."""
    lines = report.lines
    currency = _one_currency(line.currency for line in lines)
    several = currency is None and bool(lines)
    detail = SheetTable(
        "expenses",
        _("Expenses"),
        (
            _("Type"),
            _("Date"),
            _("Collector"),
            _("Case"),
            _("Description"),
            _with(_("Amount"), currency),
            *([_("Currency")] if several else []),
            _("State"),
            _("Receipts"),
        ),
        (LABEL, DATE, LABEL, KEY, FREE, AMOUNT, *([TEXT] if several else []), LABEL, LABEL),
        tuple(
            (
                expense_kind_name(line.kind),
                line.spent_on,
                line.employee_name,
                line.case_number,
                line.description,
                line.amount,
                *((line.currency,) if several else ()),
                expense_state_name(line.state),
                _receipts(line) or _("none"),
            )
            for line in lines
        ),
        None
        if several
        else (_("Total"), None, None, None, None, _sum(line.amount for line in lines), None, None),
        _("No expense was reported for this month."),
    )
    totals = report.totals
    by_currency = _one_currency(t.currency for t in totals)
    several_totals = by_currency is None and bool(totals)
    by_kind = SheetTable(
        "kinds",
        _("By type"),
        (
            _("Type"),
            *([_("Currency")] if several_totals else []),
            _("Expenses"),
            _with(_("Amount"), by_currency),
        ),
        (LABEL, *([TEXT] if several_totals else []), COUNT, AMOUNT),
        tuple(
            (
                expense_kind_name(t.kind),
                *((t.currency,) if several_totals else ()),
                t.count,
                t.amount,
            )
            for t in totals
        ),
        None
        if several_totals
        else (_("Total"), sum(t.count for t in totals), _sum(t.amount for t in totals)),
        _("No expense was reported for this month."),
    )
    figures = _per_currency(
        EXPENSES, _("Total expenses"), ((t.currency, t.amount) for t in totals), strong=True
    )
    month = month_text(report.month, formats)
    filters = [(_("Month"), month)]
    if collector_name:
        filters.append((_("Collector"), collector_name))
    return ReportSheet(
        EXPENSES,
        _("Expenses by type"),
        report.month,
        month,
        "",
        tuple(filters),
        (detail, by_kind),
        tuple(figures),
        f"expenses-{report.month:%Y-%m}",
    )


# --- the collector's statement (minuta) ----------------------------------------------------


def statement_sheet(statement: CollectorStatement, formats: Formats) -> ReportSheet:
    """What the agency pays a collector for a month: their share of the commission on each
    approved collection, plus their approved expenses."""
    currency = statement.currency
    collections = SheetTable(
        "collections",
        _("Approved collections"),
        (
            _("Date"),
            _("Case"),
            _("Client"),
            _("Debtor"),
            _with(_("Collected"), currency),
            _("Rate"),
            _with(_("Commission"), currency),
            _("Share rate"),
            _with(_("Share"), currency),
        ),
        (DATE, KEY, LABEL, FREE, AMOUNT, PERCENT, AMOUNT, PERCENT, AMOUNT),
        tuple(
            (
                line.collected_on,
                line.case_number,
                line.client_name,
                line.debtor_name,
                line.amount,
                line.commission_percent,
                line.commission,
                line.share_percent,
                line.share,
            )
            for line in statement.collections
        ),
        (
            _("Total"),
            None,
            None,
            None,
            statement.collected,
            None,
            _sum(line.commission for line in statement.collections),
            None,
            statement.share,
        ),
        _("No collection of this collector was approved for this month."),
    )
    expenses = SheetTable(
        "expenses",
        _("Approved expenses"),
        (
            _("Date"),
            _("Type"),
            _("Case"),
            _("Description"),
            _with(_("Amount"), currency),
            _("Receipts"),
        ),
        (DATE, LABEL, KEY, FREE, AMOUNT, LABEL),
        tuple(
            (
                row.spent_on,
                expense_kind_name(row.kind),
                row.case_number,
                row.description,
                row.amount,
                _receipts(row) or _("none"),
            )
            for row in statement.expenses
        ),
        (_("Total"), None, None, None, statement.expenses_total, None),
        _("No expense of this collector was approved for this month."),
    )
    figures = (
        SheetFigure("collected", _("Collected"), statement.collected, currency),
        SheetFigure("share", _("Share of the commission"), statement.share, currency),
        SheetFigure("expenses", _("Approved expenses"), statement.expenses_total, currency),
        SheetFigure("total", _("Total to pay"), statement.total, currency, strong=True),
    )
    month = month_text(statement.month, formats)
    return ReportSheet(
        STATEMENT,
        _("Collector's statement"),
        statement.month,
        month,
        "",
        ((_("Month"), month), (_("Collector"), statement.collector_name)),
        (collections, expenses),
        figures,
        f"statement-{_stem(statement.collector_name)}-{statement.month:%Y-%m}",
        recipient=(statement.collector_name,),
    )


def _stem(text: str) -> str:
    """``text`` fit for a file name: letters, digits and hyphens."""
    kept = "".join(c if c.isalnum() else "-" for c in text.strip())
    return "-".join(part for part in kept.split("-") if part) or "report"


# --- the client's remittance statement -----------------------------------------------------


@dataclass(frozen=True)
class ClientAddress:
    """What a remittance statement prints about its client besides the figures."""

    name: str
    address: str | None = None
    tax_id: str | None = None
    remittance_terms: str | None = None


def remittance_sheet(
    statement: RemittanceStatement,
    gettext: Callable[[str], str],
    formats: Formats,
    *,
    client: ClientAddress | None = None,
    issued_on: dt.date | None = None,
) -> ReportSheet:
    """What the agency remits to a client for a month, written for the client in
    ``gettext`` (of the client's language: ``translations_for(language).gettext``) and
    ``formats``: each approved collection with the
    commission kept and the net, then collected, commission, net to remit and the day it
    is remitted by. A reversal shows as a negative collection of its own month.
    ``issued_on``: the statement's date, printed under the month."""
    currency = statement.currency
    lines: Sequence[CommissionLine] = statement.lines
    table = SheetTable(
        "collections",
        gettext("Collections"),
        (
            gettext("Date"),
            gettext("Case"),
            gettext("Debtor"),
            _with(gettext("Collected"), currency),
            gettext("Commission rate"),
            _with(gettext("Commission"), currency),
            _with(gettext("Net"), currency),
        ),
        (DATE, KEY, FREE, AMOUNT, PERCENT, AMOUNT, AMOUNT),
        tuple(
            (
                line.collected_on,
                line.case_number,
                line.debtor_name,
                line.amount,
                line.commission_percent,
                line.commission,
                line.amount - line.commission,
            )
            for line in lines
        ),
        (
            gettext("Total"),
            None,
            None,
            statement.collected,
            None,
            statement.commission,
            statement.net,
        ),
        gettext("Nothing was collected for you this month."),
    )
    figures = (
        SheetFigure("collected", gettext("Collected"), statement.collected, currency),
        SheetFigure("commission", gettext("Our commission"), statement.commission, currency),
        SheetFigure("net", gettext("Net to remit"), statement.net, currency, strong=True),
        SheetFigure("remit_by", gettext("To be remitted by"), statement.remit_by),
    )
    month = month_text(statement.month, formats)
    recipient: tuple[str, ...] = (statement.client_name,)
    notes: tuple[str, ...] = ()
    if client is not None:
        recipient = (client.name, *(client.address or "").splitlines())
        if client.remittance_terms:
            notes = (client.remittance_terms,)
    return ReportSheet(
        REMITTANCE,
        gettext("Remittance statement"),
        statement.month,
        month,
        statement.client_language,
        (
            (gettext("Month"), month),
            (gettext("Client"), f"{statement.client_code} · {statement.client_name}"),
            (gettext("Currency"), currency),
            *(((gettext("Date"), formats.date(issued_on)),) if issued_on else ()),
        ),
        (table,),
        figures,
        f"remittance-{_stem(statement.client_code)}-{statement.month:%Y-%m}",
        recipient=tuple(line for line in recipient if line.strip()),
        notes=notes,
    )


# --- reading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportSource:
    """A report as read, with what its sheets print besides the figures."""

    kind: str
    month: dt.date
    report: CollectionReport | ExpenseReport | CollectorStatement | RemittanceStatement
    collector_name: str | None = None
    """The collector a report was narrowed to."""
    client: ClientAddress | None = None
    company_name: str = ""


def read_report(
    session: Session,
    kind: str,
    month: dt.date,
    *,
    collector_id: uuid.UUID | None = None,
    client_id: uuid.UUID | None = None,
) -> ReportSource:
    """Read report ``kind`` of ``month`` (its first day): the collections or expenses of
    everyone or of ``collector_id``; the statement of ``collector_id``; the remittance
    statement of ``client_id``. ``AgencyError`` when the collector or the client is
    missing."""
    from collections_desktop.models.agency.errors import AgencyError
    from collections_desktop.models.agency.reports import (
        collection_report,
        collector_statement,
        expense_report,
        remittance_statement,
    )
    from collections_desktop.models.agency.staff import list_staff
    from collections_desktop.models.setup.parameters import list_parameters

    names = {row.employee_id: row.name for row in list_staff(session)}
    company = list_parameters(session)[0].company_name
    month = month.replace(day=1)
    if kind == COLLECTIONS:
        report = collection_report(session, month, collector_id=collector_id)
        return ReportSource(kind, month, report, names.get(collector_id) if collector_id else None)
    if kind == EXPENSES:
        found = expense_report(session, month, employee_id=collector_id)
        return ReportSource(kind, month, found, names.get(collector_id) if collector_id else None)
    if kind == STATEMENT:
        if collector_id is None:
            raise AgencyError(_("Choose the collector whose statement to show."))
        statement = collector_statement(session, month, collector_id)
        return ReportSource(kind, month, statement, statement.collector_name, None, company)
    if kind == REMITTANCE:
        from collections_desktop.models.agency.clients import list_clients

        if client_id is None:
            raise AgencyError(_("Choose the client whose remittance statement to show."))
        remittance = remittance_statement(session, month, client_id)
        client = next((c for c in list_clients(session) if c.id == client_id), None)
        address = (
            ClientAddress(client.name, client.address, client.tax_id, client.remittance_terms)
            if client is not None
            else None
        )
        return ReportSource(kind, month, remittance, None, address, company)
    raise ValueError(f"no agency report {kind!r}")


def screen_sheet(source: ReportSource, formats: Formats) -> ReportSheet:
    """The sheet of ``source`` in the user's language and ``formats`` (the screen, and the
    files of the internal reports)."""
    report = source.report
    if isinstance(report, CollectionReport):
        return collections_sheet(report, formats, collector_name=source.collector_name)
    if isinstance(report, ExpenseReport):
        return expenses_sheet(report, formats, collector_name=source.collector_name)
    if isinstance(report, CollectorStatement):
        return statement_sheet(report, formats)
    return remittance_sheet(report, _, formats, client=source.client)


def printed_sheet(
    source: ReportSource, formats: Formats, *, issued_on: dt.date | None = None
) -> tuple[ReportSheet, Formats]:
    """The sheet of ``source`` as it is printed and saved, with the formats it is written
    in: a remittance statement in the client's language and its formats (it goes to the
    client; dated ``issued_on``), every other report as on screen."""
    report = source.report
    if isinstance(report, RemittanceStatement):
        language = base_language(report.client_language)
        client_formats = customer_formats(language)
        words = translations_for(language)
        sheet = remittance_sheet(
            report, words.gettext, client_formats, client=source.client, issued_on=issued_on
        )
        return sheet, client_formats
    return screen_sheet(source, formats), formats


# --- out of the sheet -----------------------------------------------------------------------


def sheet_xlsx_bytes(sheet: ReportSheet) -> bytes:
    """The sheet as an XLSX workbook: its title and filters, each table (its heading,
    header, rows and total), then the figures; amounts and dates stay the spreadsheet's
    own numbers and dates."""
    first, *others = sheet.tables
    rows: list[Sequence[XlsxCell]] = [*first.rows]
    if first.total is not None:
        rows.append(first.total)
    for table in others:
        rows += [[], [table.title], list(table.header), *table.rows]
        if table.total is not None:
            rows.append(table.total)
    rows.append([])
    for figure in sheet.figures:
        rows.append([figure.label, figure.value, figure.currency or None])
    for note in sheet.notes:
        rows.append([note])
    return xlsx_bytes(
        first.header, rows, title=sheet.title, filters=sheet.filters, sheet=sheet.name
    )


def sheet_text(sheet: ReportSheet, formats: Formats, *, width: Callable[[str], int] = len) -> str:
    """The sheet as plain text for a terminal: title, filters, each table in aligned
    columns with its total, then the figures."""
    out = [sheet.title, "=" * width(sheet.title)]
    out += [f"{label}: {value}" for label, value in sheet.filters]
    for table in sheet.tables:
        out += ["", table.title, "-" * width(table.title)]
        if not table.rows:
            out.append(table.empty)
            continue
        body = [[cell_text(v, k, formats) for v, k in zip(row, table.kinds, strict=True)]
                for row in table.rows]  # fmt: skip
        if table.total is not None:
            body.append(
                [cell_text(v, k, formats) for v, k in zip(table.total, table.kinds, strict=True)]
            )
        lines = [list(table.header), *body]
        sizes = [max(width(line[i]) for line in lines) for i in range(len(table.header))]
        figures = table.figures
        for number, line in enumerate(lines):
            if table.total is not None and number == len(lines) - 1:
                out.append("  ".join("-" * size for size in sizes))
            out.append(
                "  ".join(
                    text.rjust(size) if i in figures else text.ljust(size)
                    for i, (text, size) in enumerate(zip(line, sizes, strict=True))
                ).rstrip()
            )
    if sheet.figures:
        out.append("")
        labels = max(width(f.label) for f in sheet.figures)
        for figure, label in zip(sheet.figures, figure_labels(sheet), strict=True):
            out.append(f"{label.ljust(labels)}  {figure_text(figure, formats)}")
    out += ["", *sheet.notes] if sheet.notes else []
    return "\n".join(out) + "\n"

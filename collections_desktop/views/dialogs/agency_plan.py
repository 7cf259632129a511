"""New promise… and New payment plan… of a case file.

A promise is one payment by a day. A payment plan is two or more instalments with
rising due dates: the collector gives the total agreed, the number of instalments, the
first due date and the interval, and the dialog divides the total into instalments (to
the cent, the remainder on the last one). Each row stays editable (its due date and
amount), rows can be added and removed, and the instalments must add up to the total
agreed before the plan can be sent. ``models.agency.plans`` checks the rest.
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QWidget,
)

from collections_desktop.formatting import Formats
from collections_desktop.i18n import N_, _, ngettext
from collections_desktop.kernel.money import ZERO, MoneyError
from collections_desktop.views.dialogs.action_dialog import ActionDialog
from collections_desktop.views.dialogs.agency_names import PlanKind
from collections_desktop.views.dialogs.fields import (
    date_edit,
    hint_label,
    parse_amount,
    pydate,
    qdate,
)
from collections_desktop.views.style import ERROR_COLOUR, muted_palette, tabular_font

CENT = Decimal("0.01")
DEFAULT_PROMISE_DAYS = 7
"""A promise is dated a week ahead until the collector picks a day."""
DEFAULT_COUNT = 6
MOST_INSTALMENTS = 120

WEEKLY, FORTNIGHTLY, MONTHLY = "weekly", "fortnightly", "monthly"
INTERVALS = (
    (MONTHLY, N_("Monthly")),
    (FORTNIGHTLY, N_("Every two weeks")),
    (WEEKLY, N_("Weekly")),
)
"""The intervals between instalments the dialog offers: (key, label)."""

DUE, AMOUNT = range(2)


@dataclass(frozen=True)
class PlanInput:
    """What was agreed, as ``plans.add_plan`` takes it."""

    kind: str
    agreed_on: dt.date
    instalments: tuple[tuple[dt.date, Decimal], ...]
    note: str | None


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved ``months`` months on, kept within the month (31 Jan + 1 → 28 Feb)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_dates(first: dt.date, count: int, interval: str) -> list[dt.date]:
    """``count`` due dates from ``first``, ``interval`` apart (months counted from the
    first date, so 31 Jan, 28 Feb, 31 Mar)."""
    if interval == MONTHLY:
        return [add_months(first, n) for n in range(count)]
    step = dt.timedelta(days=7 if interval == WEEKLY else 14)
    return [first + step * n for n in range(count)]


def divide(total: Decimal, count: int) -> list[Decimal]:
    """``total`` in ``count`` instalments to the cent; the rounding's remainder goes on the
    last, so they add up to ``total`` exactly (100.00 / 3 = 33.33, 33.33, 33.34)."""
    if count <= 0:
        return []
    share = (total / count).quantize(CENT, rounding=ROUND_DOWN)
    return [share] * (count - 1) + [total - share * (count - 1)]


class PlanDialog(ActionDialog):
    """A promise (``kind`` PROMISE) or payment plan (PLAN); ``value()``: ``PlanInput``."""

    def __init__(
        self,
        kind: str,
        case_label: str,
        currency: str,
        outstanding: Decimal,
        formats: Formats,
        today: dt.date,
        parent: QWidget | None = None,
    ) -> None:
        promise = kind == PlanKind.PROMISE
        super().__init__(
            (_("New promise · {case}") if promise else _("New payment plan · {case}")).format(
                case=case_label
            ),
            _("Add promise") if promise else _("Add plan"),
            parent,
        )
        self.setObjectName("agency_promise_dialog" if promise else "agency_plan_dialog")
        self.setMinimumWidth(520 if promise else 600)
        self._kind = kind
        self._formats = formats
        self._today = today
        self._currency = currency
        self.agreed_on = date_edit(today, formats, "plan_agreed_on")
        self.agreed_on.setMaximumDate(qdate(today))
        self.form.addRow(_("Agreed &on"), self.agreed_on)
        suggested = outstanding if outstanding > ZERO else ZERO
        self.total = _amount_edit(formats.amount(suggested) if suggested else "", "plan_total")
        self.total.setToolTip(
            _("{amount} is outstanding on the case.").format(
                amount=formats.money(outstanding, currency)
            )
        )
        self.note = QPlainTextEdit()
        self.note.setObjectName("plan_note")
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(56)
        self.note.setPlaceholderText(_("Who agreed, how they will pay (optional)"))
        self.table: QTableWidget | None = None
        if promise:
            self.promise_date = date_edit(
                today + dt.timedelta(days=DEFAULT_PROMISE_DAYS), formats, "promise_date"
            )
            self.promise_date.setMinimumDate(qdate(today))
            self.form.addRow(_("Promised &by"), self.promise_date)
            self.form.addRow(
                _("Promised &amount ({currency})").format(currency=currency), self.total
            )
            self.form.addRow(_("&Note"), self.note)
            self.form.addRow(
                hint_label(
                    _(
                        "The promise is kept when approved collections pay it by its date "
                        "(with the usual days of grace), broken when they do not."
                    )
                )
            )
        else:
            self._plan_fields(today)
        self.total.setFocus()
        self.total.selectAll()

    # --- the plan's fields ---------------------------------------------------------------

    def _plan_fields(self, today: dt.date) -> None:
        self.form.addRow(
            _("&Total agreed ({currency})").format(currency=self._currency), self.total
        )
        self.count = QSpinBox()
        self.count.setObjectName("plan_count")
        self.count.setRange(2, MOST_INSTALMENTS)
        self.count.setValue(DEFAULT_COUNT)
        self.first_due = date_edit(add_months(today, 1), self._formats, "plan_first_due")
        self.first_due.setMinimumDate(qdate(today))
        self.first_due.setMinimumWidth(
            self.first_due.fontMetrics().horizontalAdvance(self.first_due.text()) + 48
        )
        self.interval = QComboBox()
        self.interval.setObjectName("plan_interval")
        for key, label in INTERVALS:
            self.interval.addItem(_(label), key)
        self.divide_button = QPushButton(_("&Divide"))
        self.divide_button.setObjectName("plan_divide")
        self.divide_button.setToolTip(
            _(
                "Fill the instalments below from the total, their number, the first date "
                "and the interval"
            )
        )
        self.divide_button.clicked.connect(self.divide)
        line = QHBoxLayout()
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.count)
        line.addWidget(QLabel(_("instalments from")))
        line.addWidget(self.first_due)
        line.addWidget(self.interval)
        line.addWidget(self.divide_button)
        line.addStretch(1)
        self.form.addRow(_("&Instalments"), _wrap(line))

        table = self.table = QTableWidget(0, 2)
        table.setObjectName("plan_instalments")
        table.setHorizontalHeaderLabels(
            [_("Due"), _("Amount {currency}").format(currency=self._currency)]
        )
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setFont(tabular_font(table.font()))
        header = table.horizontalHeader()
        header.setSectionResizeMode(DUE, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(AMOUNT, QHeaderView.ResizeMode.Stretch)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 14)
        table.setMinimumHeight(table.fontMetrics().height() * 12)
        self.body.addWidget(table, 1)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(_("Add instalment"))
        self.add_button.setObjectName("plan_add_instalment")
        self.add_button.clicked.connect(self._add_after_last)
        self.remove_button = QPushButton(_("Remove instalment"))
        self.remove_button.setObjectName("plan_remove_instalment")
        self.remove_button.clicked.connect(self._remove_selected)
        self.sum_label = QLabel()
        self.sum_label.setObjectName("plan_sum")
        self.sum_label.setFont(tabular_font(self.sum_label.font()))
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(self.sum_label)
        self.body.addLayout(buttons)
        self.body.addWidget(QLabel(_("Note")))
        self.body.addWidget(self.note)
        self.total.textChanged.connect(self._update_sum)
        self.divide()

    def divide(self) -> None:
        """Fill the instalments from the total, their number, the first date and the interval
        (a total that is no amount leaves the amounts empty)."""
        table = self.table
        if table is None:
            return
        count = self.count.value()
        dates = due_dates(pydate(self.first_due.date()), count, str(self.interval.currentData()))
        try:
            amounts: list[Decimal | None] = list(divide(self._total(), count))
        except MoneyError:
            amounts = [None] * count
        table.setRowCount(0)
        for day, amount in zip(dates, amounts, strict=True):
            self.add_instalment(day, amount)
        self._update_sum()

    def add_instalment(self, due: dt.date, amount: Decimal | None) -> None:
        """A row at the end of the table."""
        table = self.table
        assert table is not None
        row = table.rowCount()
        table.insertRow(row)
        edit = date_edit(due, self._formats, "instalment_due")
        edit.setMinimumDate(qdate(self._today))
        edit.setFrame(False)
        table.setCellWidget(row, DUE, edit)
        field = _amount_edit(self._formats.amount(amount) if amount is not None else "", "")
        field.setObjectName("instalment_amount")
        field.setFrame(False)
        field.setMaximumWidth(16_777_215)  # the whole cell, the figure on its right
        field.textChanged.connect(self._update_sum)
        table.setCellWidget(row, AMOUNT, field)
        self._update_sum()

    def rows(self) -> list[tuple[dt.date, str]]:
        """The instalments as entered: (due date, amount text)."""
        table = self.table
        if table is None:
            return [(pydate(self.promise_date.date()), self.total.text())]
        found = []
        for row in range(table.rowCount()):
            due, amount = table.cellWidget(row, DUE), table.cellWidget(row, AMOUNT)
            assert isinstance(due, QDateEdit)
            assert isinstance(amount, QLineEdit)
            found.append((pydate(due.date()), amount.text()))
        return found

    def _add_after_last(self) -> None:
        rows = self.rows()
        interval = str(self.interval.currentData())
        last = rows[-1][0] if rows else pydate(self.first_due.date())
        following = due_dates(last, 2, interval)[1] if rows else last
        self.add_instalment(following, None)
        assert self.table is not None
        self.table.setCurrentCell(self.table.rowCount() - 1, AMOUNT)

    def _remove_selected(self) -> None:
        table = self.table
        assert table is not None
        chosen = sorted({index.row() for index in table.selectedIndexes()}, reverse=True)
        if not chosen and table.rowCount():
            chosen = [table.currentRow() if table.currentRow() >= 0 else table.rowCount() - 1]
        for row in chosen:
            table.removeRow(row)
        self._update_sum()

    def _total(self) -> Decimal:
        return parse_amount(self.total.text(), self._formats)

    def _sum(self) -> Decimal | None:
        """What the instalments add up to; None while one is no amount."""
        try:
            return sum((parse_amount(text, self._formats) for _day, text in self.rows()), ZERO)
        except MoneyError:
            return None

    def _update_sum(self) -> None:
        if self.table is None:
            return
        fmt, currency = self._formats, self._currency
        count = self.table.rowCount()
        added = self._sum()
        try:
            total: Decimal | None = self._total()
        except MoneyError:
            total = None
        instalments = ngettext("{count} instalment", "{count} instalments", count).format(
            count=fmt.count(count)
        )
        if added is None:
            text, right = (
                _("{instalments}: an amount is missing").format(instalments=instalments),
                False,
            )
        else:
            text = _("{instalments} add up to {sum}").format(
                instalments=instalments, sum=fmt.money(added, currency)
            )
            right = total is not None and added == total
            if total is not None and not right:
                text += " · " + _("{difference} off the total").format(
                    difference=fmt.money(added - total, currency)
                )
        self.sum_label.setText(text)
        palette = muted_palette(self.palette())
        if not right:
            palette.setColor(QPalette.ColorRole.WindowText, QColor(ERROR_COLOUR))
        self.sum_label.setPalette(palette)

    # --- value and checks -------------------------------------------------------------------

    def value(self) -> PlanInput:
        return PlanInput(
            kind=self._kind,
            agreed_on=pydate(self.agreed_on.date()),
            instalments=tuple(
                (day, parse_amount(text, self._formats)) for day, text in self.rows()
            ),
            note=self.note.toPlainText().strip() or None,
        )

    def check(self) -> str | None:
        try:
            total = self._total()
        except MoneyError as error:
            return str(error)
        if total <= ZERO:
            return _("The amount agreed must be above zero.")
        rows = self.rows()
        if self.table is not None and len(rows) < 2:
            return _("A payment plan has two instalments or more; for one, add a promise.")
        amounts = []
        for number, (day, text) in enumerate(rows, start=1):
            try:
                amount = parse_amount(text, self._formats)
            except MoneyError as error:
                return _("Instalment {number}: {reason}").format(number=number, reason=error)
            if amount <= ZERO:
                return _("Instalment {number}: the amount must be above zero.").format(
                    number=number
                )
            if day < self._today:
                return _("Instalment {number} falls due before today.").format(number=number)
            amounts.append(amount)
        for number, (before, after) in enumerate(itertools.pairwise(rows), start=2):
            if after[0] <= before[0]:
                return _("Instalment {number} must fall due after instalment {previous}.").format(
                    number=number, previous=number - 1
                )
        added = sum(amounts, ZERO)
        if added != total:
            return _(
                "The instalments add up to {sum}, not to the {total} agreed: change an "
                "amount, or Divide again."
            ).format(
                sum=self._formats.money(added, self._currency),
                total=self._formats.money(total, self._currency),
            )
        return None


def _amount_edit(text: str, name: str) -> QLineEdit:
    edit = QLineEdit(text)
    if name:
        edit.setObjectName(name)
    edit.setAlignment(Qt.AlignmentFlag.AlignRight)
    edit.setFont(tabular_font(edit.font()))
    edit.setMaximumWidth(180)
    return edit


def _wrap(layout: QHBoxLayout) -> QWidget:
    widget = QWidget()
    widget.setLayout(layout)
    return widget

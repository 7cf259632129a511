"""Interest codes: how interest on overdue invoices is computed, its ranges and the fee."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QSpinBox, QWidget
from sqlalchemy.orm import Session

from collections_desktop.i18n import N_, _
from collections_desktop.kernel.money import MoneyError
from collections_desktop.models.actions.interest import INTERVAL, RANGE
from collections_desktop.models.setup.fields import SetupError, whole_number
from collections_desktop.models.setup.interest_codes import (
    MAX_DAYS,
    InterestCodeRow,
    InterestCodeValues,
    InterestLineValues,
    delete_interest_code,
    list_interest_codes,
    method_labels,
    save_interest_code,
)
from collections_desktop.views.context import PageContext
from collections_desktop.views.dialogs.fields import hint_label, parse_amount
from collections_desktop.views.itemmodels.rows import Column
from collections_desktop.views.setup.lines import LinesTable, keep_browsable
from collections_desktop.views.setup.section import SetupSection

FROM, TO, RATE = 0, 1, 2


def next_range(lines: list[list[str]]) -> list[str]:
    """A new last range: it starts the day after the one above, which is closed at 30 days
    when it was open-ended; the new one is open-ended with the rate above."""
    if not lines:
        return ["1", "", ""]
    last = lines[-1]
    try:
        start = int(last[FROM])
        if not last[TO]:
            last[TO] = str(start + 29)
        return [str(int(last[TO]) + 1), "", last[RATE]]
    except ValueError:
        return ["", "", ""]


class InterestCodesSection(SetupSection[InterestCodeRow, InterestCodeValues]):
    """Interest codes with their rates by range of days overdue."""

    key = "interest_codes"
    title = N_("Interest codes")
    description = N_(
        "How interest on overdue invoices is computed: the rate of each range of days "
        "overdue, after the grace days, and the fee of each interest note."
    )
    what = N_("interest code")
    deletable = True

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        keep_browsable(self, self.browsable)

    def activate(self) -> None:
        """Read again each time the section is shown: another section may have changed
        what it shows (the company language, the aging definitions, who uses a row)."""
        if self.started and not self.dirty:
            self.load()
        else:
            super().activate()

    def columns(self) -> Sequence[Column[InterestCodeRow]]:
        methods = {RANGE: _("By range"), INTERVAL: _("By interval")}
        formats = self.context.formats
        return (
            Column(_("Code"), lambda row: row.code),
            Column(_("Name"), lambda row: row.name),
            Column(_("Method"), lambda row: methods.get(row.method, row.method)),
            Column(_("Customers"), lambda row: row.customers, formats.count),
        )

    def read(self, session: Session) -> Sequence[InterestCodeRow]:
        return list_interest_codes(session)

    def build_form(self, form: QFormLayout) -> None:
        self.code = QLineEdit()
        self.code.setObjectName("interest_code_code")
        self.code.setMaxLength(30)
        self.name = QLineEdit()
        self.name.setObjectName("interest_code_name")
        self.name.setMaxLength(100)
        self.method = QComboBox()
        self.method.setObjectName("interest_code_method")
        for value, label in method_labels():
            self.method.addItem(label, value)
        self.interval = QSpinBox()
        self.interval.setObjectName("interest_code_interval")
        self.interval.setRange(1, MAX_DAYS)
        self.interval.setSuffix(_(" days"))
        self.grace = QSpinBox()
        self.grace.setObjectName("interest_code_grace")
        self.grace.setRange(0, MAX_DAYS)
        self.grace.setSuffix(_(" days"))
        self.fee = QLineEdit()
        self.fee.setObjectName("interest_code_fee")
        self.fee.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.fee.setMaximumWidth(160)
        self.interest_account = QLineEdit()
        self.interest_account.setObjectName("interest_code_interest_account")
        self.interest_account.setMaxLength(30)
        self.fee_account = QLineEdit()
        self.fee_account.setObjectName("interest_code_fee_account")
        self.fee_account.setMaxLength(30)
        form.addRow(_("&Code"), self.code)
        form.addRow(_("&Name"), self.name)
        form.addRow(_("&Method"), self.method)
        form.addRow(_("&Interval"), self.interval)
        form.addRow(_("&Grace days"), self.grace)
        form.addRow(_("Note &fee"), self.fee)
        form.addRow(_("Interest &account"), self.interest_account)
        form.addRow(_("Fee acc&ount"), self.fee_account)
        widgets = (self.code, self.name, self.method, self.interval, self.grace, self.fee,
                   self.interest_account, self.fee_account)  # fmt: skip
        for widget in widgets:
            self.watch(widget)
        self.method.currentIndexChanged.connect(self._method_changed)
        self.ranges = LinesTable(
            "interest_ranges",
            _("Ranges"),
            [_("From day"), _("To day"), _("Rate %")],
            self.context.icons,
            numeric=(FROM, TO, RATE),
            new_line=next_range,
        )
        self.ranges.changed.connect(self.mark_changed)
        self.below.addWidget(self.ranges)
        hint = hint_label(
            _(
                "Days overdue, both included; leave To empty on the last range. By "
                "range, a rate is a percentage per 30 days of the days in its range; by "
                "interval, it is charged once for each interval that starts in its "
                "range. The fee is in the accounting currency (0: none)."
            )
        )
        self.below.addWidget(hint)
        self.browsable = (self.ranges, hint)

    def _method_changed(self) -> None:
        self.interval.setEnabled(self.method.currentData() == INTERVAL)

    def show_row(self, row: InterestCodeRow | None) -> None:
        formats = self.context.formats
        self.code.setText(row.code if row else "")
        self.name.setText(row.name if row else "")
        self.method.setCurrentIndex(max(0, self.method.findData(row.method if row else RANGE)))
        self.interval.setValue(row.interval_days if row else 30)
        self.grace.setValue(row.grace_days if row else 0)
        self.fee.setText(formats.amount(row.fee if row else Decimal(0)))
        self.interest_account.setText(row.interest_account if row else "")
        self.fee_account.setText(row.fee_account if row else "")
        self._method_changed()
        if row is None:
            self.ranges.set_lines([["1", "", ""]])
            return
        self.ranges.set_lines(
            [
                [
                    str(line.from_days),
                    "" if line.to_days is None else str(line.to_days),
                    formats.amount(line.rate),
                ]
                for line in row.lines
            ],
            keys=[str(line.id) for line in row.lines],
        )

    def values(self) -> InterestCodeValues:
        formats = self.context.formats
        try:
            fee = parse_amount(self.fee.text() or "0", formats)
        except MoneyError as error:
            raise SetupError(_("Fee: {problem}").format(problem=error)) from None
        lines = []
        for index, cells in enumerate(self.ranges.lines()):
            number = index + 1
            start = whole_number(
                cells[FROM], _("From day of range {number}").format(number=number),
                minimum=0, maximum=MAX_DAYS,
            )  # fmt: skip
            end = (
                whole_number(
                    cells[TO],
                    _("To day of range {number}").format(number=number),
                    minimum=0,
                    maximum=MAX_DAYS,
                )
                if cells[TO]
                else None
            )
            try:
                rate = parse_amount(cells[RATE], formats)
            except MoneyError as error:
                raise SetupError(
                    _("The rate of range {number}: {problem}").format(number=number, problem=error)
                ) from None
            key = self.ranges.key(index)
            lines.append(InterestLineValues(start, end, rate, uuid.UUID(key) if key else None))
        return InterestCodeValues(
            code=self.code.text(),
            name=self.name.text(),
            method=str(self.method.currentData()),
            interval_days=self.interval.value(),
            grace_days=self.grace.value(),
            fee=fee,
            interest_account=self.interest_account.text(),
            fee_account=self.fee_account.text(),
            lines=tuple(lines),
        )

    def save(
        self, session: Session, row: InterestCodeRow | None, values: InterestCodeValues
    ) -> uuid.UUID:
        return save_interest_code(
            session,
            row.id if row else None,
            row.version if row else 0,
            values,
            by=self.context.employee_id,
            now=self.context.clock.now(),
        )

    def delete(self, session: Session, row: InterestCodeRow) -> None:
        delete_interest_code(
            session, row.id, row.version, by=self.context.employee_id, now=self.context.clock.now()
        )

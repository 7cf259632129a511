"""The agency desk's expense dialogs: a new or corrected expense, and a rejection's reason.

``ExpenseDialog`` holds what an expense says (date, type, amount, currency, the case it
was spent on, a description) and checks that the amount is one and the case is known;
the rules (``models.agency.expenses``) decide the rest and their refusals show inline.
``ReasonDialog`` asks why an expense is rejected: the collector reads it to correct it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QLineEdit, QPlainTextEdit, QWidget

from collections_desktop.formatting import Formats
from collections_desktop.i18n import _
from collections_desktop.kernel.money import MoneyError
from collections_desktop.views.agency_sheets import EXPENSE_KINDS
from collections_desktop.views.dialogs.action_dialog import ActionDialog
from collections_desktop.views.dialogs.fields import date_edit, hint_label, parse_amount, pydate


@dataclass(frozen=True)
class CaseChoice:
    """A case an expense may name: its number and debtor."""

    id: uuid.UUID
    number: str
    debtor_name: str

    @property
    def text(self) -> str:
        return f"{self.number} · {self.debtor_name}"


@dataclass(frozen=True)
class ExpenseEntry:
    """What the expense dialog gives: the fields of ``ExpenseValues``."""

    spent_on: dt.date
    kind: str
    amount: Decimal
    currency: str
    case_id: uuid.UUID | None
    description: str | None


class ExpenseDialog(ActionDialog):
    """A new expense, or a draft or rejected one corrected (``entry`` filled in)."""

    def __init__(
        self,
        formats: Formats,
        *,
        today: dt.date,
        currencies: Sequence[str],
        cases: Sequence[CaseChoice],
        entry: ExpenseEntry | None = None,
        case_number: str | None = None,
        rejection: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        editing = entry is not None
        super().__init__(
            _("Edit expense") if editing else _("New expense"),
            _("Save") if editing else _("Add expense"),
            parent,
        )
        self.setObjectName("agency_expense_dialog")
        self._formats = formats
        self._cases = {case.number.casefold(): case for case in cases}
        if entry is not None and entry.case_id is not None and case_number:
            # The expense's own case stays choosable, even once it is closed.
            self._cases.setdefault(
                case_number.casefold(), CaseChoice(entry.case_id, case_number, "")
            )
        self._texts = {case.text.casefold(): case for case in cases}
        self.spent_on = date_edit(entry.spent_on if entry else today, formats, "expense_date")
        self.kind = QComboBox()
        self.kind.setObjectName("expense_kind")
        for key, name in EXPENSE_KINDS:
            self.kind.addItem(_(name), key)
        self.amount = QLineEdit()
        self.amount.setObjectName("expense_amount")
        self.amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.amount.setPlaceholderText(formats.amount(Decimal("0.00")))
        self.currency = QComboBox()
        self.currency.setObjectName("expense_currency")
        for code in currencies:
            self.currency.addItem(code, code)
        self.case = QLineEdit()
        self.case.setObjectName("expense_case")
        self.case.setPlaceholderText(_("Case number (optional)"))
        completer = QCompleter([case.text for case in cases], self.case)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.case.setCompleter(completer)
        self.description = QLineEdit()
        self.description.setObjectName("expense_description")
        self.description.setPlaceholderText(_("What it was for (a receipt can be attached)"))
        if entry is not None:
            self.kind.setCurrentIndex(max(self.kind.findData(entry.kind), 0))
            self.amount.setText(formats.amount(entry.amount))
            if self.currency.findData(entry.currency) < 0:
                self.currency.addItem(entry.currency, entry.currency)
            self.currency.setCurrentIndex(self.currency.findData(entry.currency))
            self.case.setText(case_number or "")
            self.description.setText(entry.description or "")
        self.form.addRow(_("&Date"), self.spent_on)
        self.form.addRow(_("&Type"), self.kind)
        self.form.addRow(_("&Amount"), self.amount)
        self.form.addRow(_("C&urrency"), self.currency)
        self.form.addRow(_("&Case"), self.case)
        self.form.addRow(_("D&escription"), self.description)
        if rejection:
            self.body.addWidget(
                hint_label(_("Rejected: {reason}").format(reason=rejection), "expense_rejection")
            )

    def _case(self) -> CaseChoice | str | None:
        """The case typed (None: none; the text when it names no case of the list)."""
        text = self.case.text().strip()
        if not text:
            return None
        found = self._texts.get(text.casefold()) or self._cases.get(
            text.split(" · ")[0].strip().casefold()
        )
        return found if found is not None else text

    def check(self) -> str | None:
        try:
            amount = parse_amount(self.amount.text(), self._formats, places=2)
        except MoneyError as error:
            return str(error)
        if amount <= 0:
            return _("An expense's amount must be above zero.")
        case = self._case()
        if isinstance(case, str):
            return _(
                "“{case}” is none of your case files: choose one from the list, "
                "or leave the case empty."
            ).format(case=case)
        return None

    def value(self) -> ExpenseEntry:
        case = self._case()
        return ExpenseEntry(
            spent_on=pydate(self.spent_on.date()),
            kind=str(self.kind.currentData()),
            amount=parse_amount(self.amount.text(), self._formats, places=2),
            currency=str(self.currency.currentData()),
            case_id=case.id if isinstance(case, CaseChoice) else None,
            description=self.description.text().strip() or None,
        )


class ReasonDialog(ActionDialog):
    """Why something is rejected (required): the collector reads it to correct it."""

    def __init__(self, title: str, what: str, parent: QWidget | None = None) -> None:
        super().__init__(title, _("Reject"), parent)
        self.setObjectName("agency_reason_dialog")
        self.body.insertWidget(0, hint_label(what, "reason_what"))
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("reason_text")
        self.reason.setPlaceholderText(_("Why: the collector reads this to correct it"))
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.form.addRow(_("&Reason"), self.reason)

    def check(self) -> str | None:
        if not self.reason.toPlainText().strip():
            return _("Say why it is rejected.")
        return None

    def value(self) -> str:
        return self.reason.toPlainText().strip()

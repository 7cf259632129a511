"""Bank charges by charges group, and the bank accounts that name a group.

Two sections: the charges (what a returned payment costs: group, code, amount, currency,
account, billed automatically on an NSF payment) and the bank accounts (their ledger
account, currency, charges group, and the IBAN bank statements name them by).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSplitter,
    QWidget,
)
from sqlalchemy.orm import Session

from collections_desktop.i18n import N_, _
from collections_desktop.kernel.money import MoneyError
from collections_desktop.models.bank.iban import format_iban, is_valid_iban
from collections_desktop.models.setup.bank_charges import (
    DESCRIPTION_LENGTH,
    IBAN_LENGTH,
    NAME_LENGTH,
    BankAccountRow,
    BankAccountValues,
    BankChargeRow,
    BankChargeValues,
    charges_groups,
    delete_bank_account,
    delete_bank_charge,
    list_bank_accounts,
    list_bank_charges,
    save_bank_account,
    save_bank_charge,
)
from collections_desktop.models.setup.fields import SetupError
from collections_desktop.models.setup.reference_fields import currency_codes
from collections_desktop.views.context import PageContext
from collections_desktop.views.dialogs.fields import parse_amount
from collections_desktop.views.itemmodels.rows import RIGHT, Column, Fit
from collections_desktop.views.setup.section import SetupSection


def fill_codes(combo: QComboBox, codes: Sequence[str], current: str, *, blank: str = "") -> None:
    """Offer ``codes`` (and ``blank`` first, meaning none, when given), selecting
    ``current``; a current code no longer offered stays shown."""
    combo.clear()
    if blank:
        combo.addItem(blank, "")
    for code in codes:
        combo.addItem(code, code)
    if current and combo.findData(current) < 0:
        combo.addItem(current, current)
    if combo.isEditable():
        combo.setEditText(current)
    else:
        combo.setCurrentIndex(max(0, combo.findData(current)))


def favour_list(section: SetupSection[Any, Any], list_share: int = 500) -> None:
    """Give the list the larger part of the width: its rows have many columns and the
    form only short fields."""
    splitter = section.findChild(QSplitter, f"setup_{section.key}_splitter")
    if splitter is not None:
        splitter.setSizes([list_share, 900 - list_share])


class MoneyColumn(Column[BankChargeRow]):
    """An amount with its currency (sorted by currency, then amount), to the right."""

    def align(self, value: Any) -> Qt.AlignmentFlag:
        return RIGHT


def default_marked(row: BankAccountRow) -> str:
    """A bank account's name, marked when it is the default one."""
    return _("{name} (default)").format(name=row.name) if row.default else row.name


class BankChargesSection(SetupSection[BankChargeRow, BankChargeValues]):
    """The charges of each charges group; automatic ones are billed on an NSF payment."""

    key = "bank_charges"
    title = N_("Bank charges")
    description = N_(
        "What a returned (NSF) payment costs the customer. A bank account names a charges "
        "group; the group's automatic charges are billed when a payment into it is returned. "
        "A new group name makes a new group."
    )
    what = N_("bank charge")
    deletable = True
    stretch = 2
    currencies: list[str]
    groups: list[str]

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        favour_list(self)

    def columns(self) -> Sequence[Column[BankChargeRow]]:
        formats = self.context.formats
        return (
            Column(_("Group"), lambda row: row.charges_group, tooltip=self._group_tooltip),
            Column(_("Code"), lambda row: row.code),
            Column(_("Description"), lambda row: row.description),
            MoneyColumn(
                _("Amount"),
                lambda row: (row.currency, row.amount),
                lambda value: formats.money(value[1], value[0]),
            ),
            Column(_("Automatic NSF"), lambda row: _("Yes") if row.automatic_nsf else _("No")),
        )

    def read(self, session: Session) -> Sequence[BankChargeRow]:
        self.currencies = currency_codes(session)
        self.groups = charges_groups(session)
        return list_bank_charges(session)

    def build_form(self, form: QFormLayout) -> None:
        self.currencies = []
        self.groups = []
        self.group = QComboBox()
        self.group.setObjectName("bank_charge_group")
        self.group.setEditable(True)
        group_edit = self.group.lineEdit()
        assert group_edit is not None  # an editable combo box has one
        group_edit.setMaxLength(30)
        self.group.setToolTip(_("Choose a group, or type a new one"))
        self.code = QLineEdit()
        self.code.setObjectName("bank_charge_code")
        self.code.setMaxLength(30)
        self.description_edit = QLineEdit()
        self.description_edit.setObjectName("bank_charge_description")
        self.description_edit.setMaxLength(DESCRIPTION_LENGTH)
        self.amount = QLineEdit()
        self.amount.setObjectName("bank_charge_amount")
        self.amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.amount.setMaximumWidth(160)
        self.currency = QComboBox()
        self.currency.setObjectName("bank_charge_currency")
        self.account = QLineEdit()
        self.account.setObjectName("bank_charge_account")
        self.account.setMaxLength(30)
        self.automatic = QCheckBox(_("Billed when a payment is returned"))
        self.automatic.setObjectName("bank_charge_automatic")
        form.addRow(_("Charges &group"), self.group)
        form.addRow(_("&Code"), self.code)
        form.addRow(_("&Description"), self.description_edit)
        form.addRow(_("A&mount"), self.amount)
        form.addRow(_("C&urrency"), self.currency)
        form.addRow(_("Ledger &account"), self.account)
        form.addRow(_("Au&tomatic NSF"), self.automatic)
        self.used_by = QLabel()
        self.used_by.setObjectName("bank_charge_used_by")
        form.addRow("", self.used_by)
        group_edit.textChanged.connect(self.mark_changed)
        for widget in (
            self.code,
            self.description_edit,
            self.amount,
            self.currency,
            self.account,
            self.automatic,
        ):
            self.watch(widget)

    def show_row(self, row: BankChargeRow | None) -> None:
        fill_codes(self.group, self.groups, row.charges_group if row else "")
        fill_codes(self.currency, self.currencies, row.currency if row else self._accounting())
        self.code.setText(row.code if row else "")
        self.description_edit.setText(row.description if row else "")
        self.amount.setText(self.context.formats.amount(row.amount) if row else "")
        self.account.setText(row.ledger_account if row else "")
        self.automatic.setChecked(row.automatic_nsf if row else False)
        accounts = ", ".join(row.bank_accounts) if row else ""
        self.used_by.setText(
            _("Bank accounts with this group: {accounts}").format(accounts=accounts)
            if accounts
            else _("No bank account names this group.")
            if row
            else ""
        )

    def values(self) -> BankChargeValues:
        text = self.amount.text().strip()
        amount: Decimal | str = text
        if text:
            try:
                amount = parse_amount(text, self.context.formats)
            except MoneyError as error:
                raise SetupError(_("Amount: {reason}").format(reason=error)) from None
        return BankChargeValues(
            charges_group=self.group.currentText(),
            code=self.code.text(),
            description=self.description_edit.text(),
            amount=amount,
            currency=self.currency.currentData() or "",
            ledger_account=self.account.text(),
            automatic_nsf=self.automatic.isChecked(),
        )

    def save(
        self, session: Session, row: BankChargeRow | None, values: BankChargeValues
    ) -> uuid.UUID:
        return save_bank_charge(
            session,
            row.id if row else None,
            row.version if row else 0,
            values,
            by=self.context.employee_id,
            now=self.context.clock.now(),
        )

    def delete(self, session: Session, row: BankChargeRow) -> None:
        delete_bank_charge(
            session, row.id, row.version, by=self.context.employee_id, now=self.context.clock.now()
        )

    def _group_tooltip(self, row: BankChargeRow) -> str:
        accounts = ", ".join(row.bank_accounts)
        return (
            _("Bank accounts with this group: {accounts}").format(accounts=accounts)
            if accounts
            else _("No bank account names this group.")
        )

    def row_name(self, row: BankChargeRow) -> str:
        return f"{row.charges_group} · {row.code}"

    def _accounting(self) -> str:
        return self.rows[0].currency if self.rows else ""


class BankAccountsSection(SetupSection[BankAccountRow, BankAccountValues]):
    """The bank accounts payments arrive in, and the charges group each names."""

    key = "bank_accounts"
    title = N_("Bank accounts")
    description = N_(
        "The bank accounts payments arrive in. Each names a charges group: its automatic "
        "charges are billed when a payment into the account is returned (NSF). Its IBAN "
        "is how bank statements name it."
    )
    what = N_("bank account")
    deletable = True
    currencies: list[str]
    groups: list[str]

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        favour_list(self, 600)  # the whole IBAN shows in the list

    def columns(self) -> Sequence[Column[BankAccountRow]]:
        return (
            Column(_("Code"), lambda row: row.code),
            Column(
                _("Name"),
                lambda row: (
                    _("{name} (default)").format(name=row.name) if row.default else row.name
                ),
            ),
            # Beside the name: what identifies the account, never cut (the rest may scroll).
            Column(_("IBAN"), lambda row: row.iban_shown or "—", fit=Fit.KEY),
            Column(_("Account"), lambda row: row.ledger_account),
            Column(_("Currency"), lambda row: row.currency),
            Column(_("Charges group"), lambda row: row.charges_group or "—"),
        )

    def read(self, session: Session) -> Sequence[BankAccountRow]:
        self.currencies = currency_codes(session)
        self.groups = charges_groups(session)
        return list_bank_accounts(session)

    def build_form(self, form: QFormLayout) -> None:
        self.currencies = []
        self.groups = []
        self.code = QLineEdit()
        self.code.setObjectName("bank_account_code")
        self.code.setMaxLength(30)
        self.name = QLineEdit()
        self.name.setObjectName("bank_account_name")
        self.name.setMaxLength(NAME_LENGTH)
        self.account = QLineEdit()
        self.account.setObjectName("bank_account_ledger")
        self.account.setMaxLength(30)
        self.currency = QComboBox()
        self.currency.setObjectName("bank_account_currency")
        self.group = QComboBox()
        self.group.setObjectName("bank_account_group")
        self.iban = QLineEdit()
        self.iban.setObjectName("bank_account_iban")
        self.iban.setMaxLength(IBAN_LENGTH + 12)  # room for the blanks between groups
        self.iban.setPlaceholderText(_("ES91 2100 0418 4502 0005 1332"))
        self.iban.setToolTip(
            _(
                "The account's IBAN, as bank statements name it. An account without one "
                "keeps its account number here."
            )
        )
        self.iban.editingFinished.connect(self._group_iban)
        # Wide enough for a Spanish IBAN in groups of four (24 characters); longer ones
        # scroll in the field, and show whole in the list.
        self.iban.setMinimumWidth(
            self.iban.fontMetrics().horizontalAdvance("ES91 2100 0418 4502 0005 1332") + 16
        )
        form.addRow(_("&Code"), self.code)
        form.addRow(_("&Name"), self.name)
        form.addRow(_("Ledger &account"), self.account)
        form.addRow(_("C&urrency"), self.currency)
        form.addRow(_("Charges &group"), self.group)
        form.addRow(_("&IBAN"), self.iban)
        for widget in (self.code, self.name, self.account, self.currency, self.group, self.iban):
            self.watch(widget)

    def show_row(self, row: BankAccountRow | None) -> None:
        accounting = self.rows[0].currency if self.rows else ""
        fill_codes(self.currency, self.currencies, row.currency if row else accounting)
        fill_codes(
            self.group,
            self.groups,
            (row.charges_group or "") if row else "",
            blank=_("None: no charges"),
        )
        self.code.setText(row.code if row else "")
        self.name.setText(row.name if row else "")
        self.account.setText(row.ledger_account if row else "")
        self.iban.setText(row.iban_shown if row else "")
        self.code.setReadOnly(bool(row and row.default))
        self.code.setToolTip(
            _("The default account keeps its code.") if row and row.default else ""
        )

    def values(self) -> BankAccountValues:
        return BankAccountValues(
            code=self.code.text(),
            name=self.name.text(),
            ledger_account=self.account.text(),
            currency=self.currency.currentData() or "",
            charges_group=self.group.currentData() or "",
            iban=self.iban.text(),
        )

    def _group_iban(self) -> None:
        """Show a valid IBAN in groups of four once typed (the stored form has no blanks)."""
        text = self.iban.text()
        if is_valid_iban(text) and format_iban(text) != text:
            self.iban.setText(format_iban(text))

    def save(
        self, session: Session, row: BankAccountRow | None, values: BankAccountValues
    ) -> uuid.UUID:
        return save_bank_account(
            session,
            row.id if row else None,
            row.version if row else 0,
            values,
            by=self.context.employee_id,
            now=self.context.clock.now(),
        )

    def delete(self, session: Session, row: BankAccountRow) -> None:
        delete_bank_account(
            session, row.id, row.version, by=self.context.employee_id, now=self.context.clock.now()
        )

"""The customer record: general data, addresses, contacts, credit and collections, the
IBANs the customer pays from, history.

The dialog shows a ``CustomerRecord`` read at one version and leaves a ``RecordChanges``
(the whole record as edited); ``views.actions.customer_record`` saves it with
``models.customers.record.save_record`` in one write, which refuses a stale copy and
writes a history row per changed field. Addresses and contacts are edited in their
tables (Add, Remove, and typing in a cell); the collections contact is the one ticked in
the Collections column, and ticking one clears the others. An IBAN typed in is shown in
groups of four and announced (``iban_entered``) so the controller can name the other
customers paying from it (``show_iban_owners``); the dialog itself reads nothing.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from collections_desktop.formatting import Formats
from collections_desktop.i18n import N_, _
from collections_desktop.kernel.money import MoneyError
from collections_desktop.models.bank.iban import IbanError, check_iban, format_iban, normal_iban
from collections_desktop.models.customers.record import (
    ACCOUNT_STATUSES,
    ADDRESS_PURPOSES,
    CONTACT_ROLES,
    AddressLine,
    BankAccountLine,
    ChangeRow,
    ContactLine,
    CustomerRecord,
    RecordChanges,
    purpose_name,
)
from collections_desktop.models.texts.business import LANGUAGES
from collections_desktop.views.dialogs.action_dialog import ActionDialog
from collections_desktop.views.dialogs.fields import hint_label, parse_amount
from collections_desktop.views.dialogs.grids import dense_grid
from collections_desktop.views.dialogs.recurring_billing import RecurringBillingTab
from collections_desktop.views.style import ERROR_COLOUR, heading_font, tabular_font

ID_ROLE = Qt.ItemDataRole.UserRole
"""A line's saved id as hex text ("" for a new line): item data stay plain values."""

LANGUAGE_NAMES = {"en": "English", "es": "Español", "fr": "Français", "pt": "Português"}
"""Each language in its own words (the same in every interface language)."""

ROLE_NAMES = {
    "collections": N_("Collections"),
    "billing": N_("Billing"),
    "purchasing": N_("Purchasing"),
    "management": N_("Management"),
    "other": N_("Other"),
}
STATUS_NAMES = {"active": N_("Active"), "on_hold": N_("On hold"), "closed": N_("Closed")}
FIELD_NAMES = {
    "name": N_("Name"),
    "customer_group": N_("Customer group"),
    "language": N_("Language"),
    "responsible": N_("Responsible"),
    "credit_limit": N_("Credit limit"),
    "credit_group": N_("Credit group"),
    "account_status": N_("Account status"),
    "address": N_("Address"),
    "contact": N_("Contact"),
    "collections_contact": N_("Collections contact"),
    "recurring_billing": N_("Recurring billing"),
    "bank_account": N_("Bank account (IBAN)"),
}
"""The history's field names in words."""

SOURCE_NAMES = {"entered": N_("Entered"), "statement": N_("Learned from a bank statement")}
"""Where an IBAN of the customer came from."""

HISTORY_TEXT_WIDTH = 300
"""The widest the history's "from" column starts (a contact's line is long)."""
FIELD_WIDTH = 360
"""The widest a form's choosers grow (a long combo box reads as a text field)."""

ADDRESS_PURPOSE, STREET, CITY, POSTAL_CODE, COUNTRY, PRIMARY = range(6)
CONTACT_NAME, ROLE, EMAIL, PHONE, LANGUAGE, COLLECTIONS = range(6)
IBAN, SOURCE, OTHER_CUSTOMERS = range(3)
BANK_TAB = 4


class CustomerRecordDialog(ActionDialog):
    """A customer's record in tabs; Save emits ``submitted`` with ``RecordChanges``."""

    iban_entered = Signal(str)
    """A valid IBAN was typed in (as stored): who else pays from it?"""

    def __init__(
        self,
        record: CustomerRecord,
        formats: Formats,
        parent: QWidget | None = None,
        *,
        today: dt.date | None = None,
    ) -> None:
        values = record.values
        super().__init__(
            _("Customer record · {account} {name}").format(
                account=record.account, name=values.name
            ),
            _("Save"),
            parent,
        )
        self.setObjectName("customer_record_dialog")
        self.record = record
        self._formats = formats
        self.setMinimumWidth(920)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("customer_record_tabs")
        self.body.addWidget(self.tabs)
        self.tabs.addTab(self._general(record), _("General"))
        self.tabs.addTab(self._addresses(values.addresses), _("Addresses"))
        self.tabs.addTab(self._contacts(values.contacts), _("Contacts"))
        self.tabs.addTab(self._credit(record), _("Credit and collections"))
        self.tabs.addTab(self._bank_accounts(record), _("Bank accounts"))
        self.recurring_tab: RecurringBillingTab | None = None
        if record.billing is not None:
            # The month a new recurring line starts from: today's (the clock's), else the
            # record's own latest line's.
            start = today or max(
                (line.start_month for line in record.billing.lines), default=dt.date(2026, 1, 1)
            )
            self.recurring_tab = RecurringBillingTab(record.billing, formats, start)
            self.tabs.addTab(self.recurring_tab, _("Recurring billing"))
        self.tabs.addTab(self._history(record.changes), _("History"))

    # --- the tabs -----------------------------------------------------------------------

    def _general(self, record: CustomerRecord) -> QWidget:
        values = record.values
        page = QWidget()
        form = QFormLayout(page)
        account = QLabel(record.account)
        account.setObjectName("record_account")
        account.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(_("Account:"), account)
        self.name_edit = QLineEdit(values.name)
        self.name_edit.setObjectName("record_name")
        self.name_edit.setMaxLength(200)
        form.addRow(_("&Name:"), self.name_edit)
        self.group_edit = _text_combo("record_customer_group", record.customer_groups)
        self.group_edit.setCurrentText(values.customer_group or "")
        form.addRow(_("Customer &group:"), self.group_edit)
        form.addRow(_("Currency:"), QLabel(record.currency))
        self.language_edit = QComboBox()
        self.language_edit.setObjectName("record_language")
        self.language_edit.setMaximumWidth(FIELD_WIDTH)
        for code in LANGUAGES:
            self.language_edit.addItem(LANGUAGE_NAMES.get(code, code), code)
        self.language_edit.setCurrentIndex(max(self.language_edit.findData(values.language), 0))
        form.addRow(_("&Language:"), self.language_edit)
        self.responsible_edit = QComboBox()
        self.responsible_edit.setObjectName("record_responsible")
        self.responsible_edit.setMaximumWidth(FIELD_WIDTH)
        self.responsible_edit.addItem(_("(nobody)"), "")
        for employee in record.employees:
            self.responsible_edit.addItem(employee.name, employee.id.hex)
        chosen = values.responsible_employee_id
        self.responsible_edit.setCurrentIndex(
            max(self.responsible_edit.findData(chosen.hex if chosen else ""), 0)
        )
        form.addRow(_("&Responsible:"), self.responsible_edit)
        form.addRow(
            hint_label(
                _("Letters and statements are written in the customer's language."),
                "record_language_hint",
            )
        )
        return page

    def _addresses(self, lines: Sequence[AddressLine]) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        table = self.address_table = QTableWidget(0, 6)
        table.setObjectName("record_addresses")
        table.setHorizontalHeaderLabels(
            [_("Purpose"), _("Street"), _("City"), _("Postal code"), _("Country"), _("Primary")]
        )
        _editable_table(table, STREET)
        for line in lines:
            self._add_address(line)
        layout.addWidget(table, 1)
        layout.addLayout(
            _buttons(
                (_("Add address"), "record_add_address", lambda: self._add_address(None)),
                (_("Remove address"), "record_remove_address", lambda: _remove(table)),
            )
        )
        layout.addWidget(
            hint_label(
                _(
                    "One address of each purpose is the primary one; the primary business "
                    "address is the customer's own. Countries are two-letter codes (ES, FR)."
                )
            )
        )
        return page

    def _contacts(self, lines: Sequence[ContactLine]) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        table = self.contact_table = QTableWidget(0, 6)
        table.setObjectName("record_contacts")
        table.setHorizontalHeaderLabels(
            [_("Name"), _("Role"), _("E-mail"), _("Phone"), _("Language"), _("Collections")]
        )
        _editable_table(table, EMAIL)
        for line in lines:
            self._add_contact(line)
        table.itemChanged.connect(self._collections_ticked)
        layout.addWidget(table, 1)
        layout.addLayout(
            _buttons(
                (_("Add contact"), "record_add_contact", lambda: self._add_contact(None)),
                (_("Remove contact"), "record_remove_contact", lambda: _remove(table)),
            )
        )
        layout.addWidget(
            hint_label(
                _(
                    "The collections contact (ticked) receives the collection letters and is "
                    "the one the Workspace offers to call or e-mail."
                )
            )
        )
        return page

    def _credit(self, record: CustomerRecord) -> QWidget:
        values = record.values
        page = QWidget()
        layout = QVBoxLayout(page)
        form = QFormLayout()
        self.credit_limit_edit = QLineEdit(
            self._formats.amount(values.credit_limit) if values.credit_limit is not None else ""
        )
        self.credit_limit_edit.setObjectName("record_credit_limit")
        self.credit_limit_edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.credit_limit_edit.setFont(tabular_font(self.credit_limit_edit.font()))
        self.credit_limit_edit.setPlaceholderText(_("no limit"))
        self.credit_limit_edit.setMaximumWidth(180)
        form.addRow(
            _("Credit &limit ({currency}):").format(currency=record.currency),
            self.credit_limit_edit,
        )
        self.credit_group_edit = _text_combo("record_credit_group", record.credit_groups)
        self.credit_group_edit.setCurrentText(values.credit_group or "")
        form.addRow(_("Credit &group:"), self.credit_group_edit)
        self.status_edit = QComboBox()
        self.status_edit.setObjectName("record_account_status")
        self.status_edit.setMaximumWidth(FIELD_WIDTH)
        for status in ACCOUNT_STATUSES:
            self.status_edit.addItem(_(STATUS_NAMES.get(status, status)), status)
        self.status_edit.setCurrentIndex(max(self.status_edit.findData(values.account_status), 0))
        form.addRow(_("Account &status:"), self.status_edit)
        pools = QLabel(", ".join(record.pools) if record.pools else _("No pool selects it"))
        pools.setObjectName("record_pools")
        pools.setWordWrap(True)
        pools.setToolTip(_("Pools select customers by their criteria; change those in Set-up."))
        form.addRow(_("In pools:"), pools)
        layout.addLayout(form)
        title = QLabel(_("Credit limit history"))
        title.setFont(heading_font(title.font()))
        layout.addWidget(title)
        changes = record.history("credit_limit")
        self.credit_history = self._history_table(
            "record_credit_history", changes, with_field=False
        )
        layout.addWidget(self.credit_history, 1)
        if not changes:
            layout.addWidget(hint_label(_("The credit limit has not been changed in the app yet.")))
        return page

    def _bank_accounts(self, record: CustomerRecord) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        table = self.iban_table = QTableWidget(0, 3)
        table.setObjectName("record_ibans")
        table.setHorizontalHeaderLabels(
            [_("IBAN"), _("Source"), _("Other customers paying from it")]
        )
        _editable_table(table, OTHER_CUSTOMERS)
        table.setFont(tabular_font(table.font()))
        self._owners: dict[str, tuple[str, ...]] = dict(record.iban_owners)
        self._removed_ibans: list[BankAccountLine] = []
        self.iban_warning = QLabel()
        self.iban_warning.setObjectName("record_iban_warning")
        self.iban_warning.setWordWrap(True)
        self.iban_warning.setStyleSheet(f"color: {ERROR_COLOUR};")
        for line in record.values.bank_accounts or ():
            self._add_iban(line)
        table.itemChanged.connect(self._iban_typed)
        layout.addWidget(table, 1)
        layout.addLayout(
            _buttons(
                (_("Add IBAN"), "record_add_iban", lambda: self._add_iban(None)),
                (_("Remove IBAN"), "record_remove_iban", self._remove_iban),
            )
        )
        layout.addWidget(self.iban_warning)
        layout.addWidget(
            hint_label(
                _(
                    "The bank reconciliation knows a payment by the IBAN it comes from. An "
                    "IBAN is learned when a statement line from it is confirmed for this "
                    "customer; add one here when you know it. One IBAN may belong to two "
                    "customers, such as a parent company paying for its subsidiary."
                ),
                "record_iban_hint",
            )
        )
        self._show_iban_warning()
        return page

    def _history(self, changes: Sequence[ChangeRow]) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.history_table = self._history_table("record_history", changes, with_field=True)
        layout.addWidget(self.history_table, 1)
        layout.addWidget(
            hint_label(
                _("Every change saved in this record: who made it, when, from what to what.")
                if changes
                else _("Nothing has been changed in this record yet.")
            )
        )
        return page

    def _history_table(
        self, name: str, changes: Sequence[ChangeRow], *, with_field: bool
    ) -> QTableWidget:
        headers = [_("Changed"), _("By")]
        if with_field:
            headers.append(_("Field"))
        headers += [_("From"), _("To")]
        table = QTableWidget(len(changes), len(headers))
        table.setObjectName(name)
        table.setHorizontalHeaderLabels(headers)
        dense_grid(table, len(changes), 6)
        table.setWordWrap(False)
        for row, change in enumerate(changes):
            cells = [
                self._formats.moment(change.changed_at.astimezone()),
                change.changed_by or _("(unknown)"),
            ]
            if with_field:
                cells.append(_(FIELD_NAMES.get(change.field, change.field)))
            cells += [
                self._history_value(change.field, change.old_value),
                self._history_value(change.field, change.new_value),
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if not with_field and column >= len(cells) - 2:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                table.setItem(row, column, item)
        header = table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        table.resizeColumnsToContents()
        if with_field:  # texts: "from" kept readable, "to" takes the room (tooltips: all)
            header.resizeSection(3, min(header.sectionSize(3), HISTORY_TEXT_WIDTH))
            header.setStretchLastSection(True)
        else:  # amounts: kept beside each other, the name takes the room
            header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        return table

    def _history_value(self, field: str, value: str | None) -> str:
        if value is None:
            return "—"
        if field == "credit_limit":
            try:
                return self._formats.amount(Decimal(value))
            except ArithmeticError:
                return value
        if field == "account_status":
            return _(STATUS_NAMES.get(value, value))
        if field == "language":
            return LANGUAGE_NAMES.get(value, value)
        return value

    # --- lines --------------------------------------------------------------------------

    def _add_address(self, line: AddressLine | None) -> None:
        table = self.address_table
        purposes = [self._address_purpose(r) for r in range(table.rowCount())]
        if line is None:
            purpose = "business" if "business" not in purposes else "invoice"
            line = AddressLine(purpose, is_primary=purpose not in purposes)
        row = table.rowCount()
        table.insertRow(row)
        combo = QComboBox()
        for value in ADDRESS_PURPOSES:
            combo.addItem(purpose_name(value).capitalize(), value)
        combo.setCurrentIndex(max(combo.findData(line.purpose), 0))
        table.setCellWidget(row, ADDRESS_PURPOSE, combo)
        first = QTableWidgetItem()
        first.setData(ID_ROLE, line.id.hex if line.id else "")
        table.setItem(row, ADDRESS_PURPOSE, first)
        for column, text in (
            (STREET, line.street),
            (CITY, line.city),
            (POSTAL_CODE, line.postal_code),
            (COUNTRY, line.country),
        ):
            table.setItem(row, column, QTableWidgetItem(text or ""))
        table.setItem(row, PRIMARY, _tick(line.is_primary))
        if line.id is None and line.street is None:
            table.setCurrentCell(row, STREET)

    def _address_purpose(self, row: int) -> str:
        combo = self.address_table.cellWidget(row, ADDRESS_PURPOSE)
        return str(combo.currentData()) if isinstance(combo, QComboBox) else ""

    def _add_contact(self, line: ContactLine | None) -> None:
        table = self.contact_table
        if line is None:
            line = ContactLine("", is_collections=table.rowCount() == 0)
        table.blockSignals(True)
        row = table.rowCount()
        table.insertRow(row)
        name = QTableWidgetItem(line.name)
        name.setData(ID_ROLE, line.id.hex if line.id else "")
        table.setItem(row, CONTACT_NAME, name)
        role = QComboBox()
        role.addItem("", "")
        for value in CONTACT_ROLES:
            role.addItem(_(ROLE_NAMES.get(value, value)), value)
        role.setCurrentIndex(max(role.findData(line.role or ""), 0))
        table.setCellWidget(row, ROLE, role)
        table.setItem(row, EMAIL, QTableWidgetItem(line.email or ""))
        table.setItem(row, PHONE, QTableWidgetItem(line.phone or ""))
        language = QComboBox()
        language.addItem("", "")
        for code in LANGUAGES:
            language.addItem(LANGUAGE_NAMES.get(code, code), code)
        language.setCurrentIndex(max(language.findData(line.language or ""), 0))
        table.setCellWidget(row, LANGUAGE, language)
        table.setItem(row, COLLECTIONS, _tick(line.is_collections))
        table.blockSignals(False)
        if line.id is None and not line.name:
            table.setCurrentCell(row, CONTACT_NAME)

    def _collections_ticked(self, item: QTableWidgetItem) -> None:
        if item.column() != COLLECTIONS or item.checkState() != Qt.CheckState.Checked:
            return
        table = self.contact_table
        table.blockSignals(True)
        for row in range(table.rowCount()):
            other = table.item(row, COLLECTIONS)
            if row != item.row() and other is not None:
                other.setCheckState(Qt.CheckState.Unchecked)
        table.blockSignals(False)

    def _add_iban(self, line: BankAccountLine | None) -> None:
        table = self.iban_table
        table.blockSignals(True)
        row = table.rowCount()
        table.insertRow(row)
        iban = QTableWidgetItem(format_iban(line.iban) if line else "")
        iban.setData(ID_ROLE, line.id.hex if line and line.id else "")
        if line is not None and line.id is not None:
            # A saved IBAN does not change: remove it and add the right one instead.
            iban.setFlags(iban.flags() & ~Qt.ItemFlag.ItemIsEditable)
            iban.setToolTip(_("A saved IBAN does not change; remove it and add another."))
        table.setItem(row, IBAN, iban)
        source = line.source if line else "entered"
        source_item = _read_only(_(SOURCE_NAMES.get(source, source)))
        source_item.setData(ID_ROLE, source)
        table.setItem(row, SOURCE, source_item)
        table.setItem(row, OTHER_CUSTOMERS, _read_only(""))
        table.blockSignals(False)
        self._show_owners(row)
        if line is None:
            table.setCurrentCell(row, IBAN)
            table.editItem(iban)

    def _remove_iban(self) -> None:
        """Take the chosen IBANs off the list; a saved one is removed when the record is
        saved (kept as removed, never deleted)."""
        table = self.iban_table
        rows = sorted({index.row() for index in table.selectedIndexes()}, reverse=True)
        if not rows and table.currentRow() >= 0:
            rows = [table.currentRow()]
        for row in rows:
            line_id = _line_id(table, row, IBAN)
            if line_id is not None:
                iban = normal_iban(_cell(table, row, IBAN) or "")
                source = str(_item_data(table, row, SOURCE) or "entered")
                self._removed_ibans.append(BankAccountLine(iban, source, line_id, removed=True))
            table.removeRow(row)
        self._show_iban_warning()

    def _iban_typed(self, item: QTableWidgetItem) -> None:
        """A valid IBAN typed in: shown in groups of four, and asked about."""
        if item.column() != IBAN:
            return
        text = item.text()
        try:
            iban = check_iban(text)
        except IbanError:
            self._show_owners(item.row())
            return
        if format_iban(iban) != text:
            self.iban_table.blockSignals(True)
            item.setText(format_iban(iban))
            self.iban_table.blockSignals(False)
        self._show_owners(item.row())
        if iban not in self._owners:
            self.iban_entered.emit(iban)

    def show_iban_owners(self, owners: Mapping[str, tuple[str, ...]]) -> None:
        """The other customers paying from the IBANs asked about (an IBAN left out: none)."""
        self._owners.update(owners)
        for row in range(self.iban_table.rowCount()):
            self._show_owners(row)

    def _show_owners(self, row: int) -> None:
        item = self.iban_table.item(row, OTHER_CUSTOMERS)
        if item is None:
            return
        iban = normal_iban(_cell(self.iban_table, row, IBAN) or "")
        names = "; ".join(self._owners.get(iban, ()))
        self.iban_table.blockSignals(True)
        item.setText(names)
        item.setToolTip(names)
        self.iban_table.blockSignals(False)
        self._show_iban_warning()

    def _show_iban_warning(self) -> None:
        shared = []
        for row in range(self.iban_table.rowCount()):
            iban = normal_iban(_cell(self.iban_table, row, IBAN) or "")
            others = self._owners.get(iban)
            if others:
                shared.append(
                    _("{iban} is also the IBAN of {customers}.").format(
                        iban=format_iban(iban), customers="; ".join(others)
                    )
                )
        if shared:
            shared.append(_("A payment from it may be for either; check before confirming."))
        self.iban_warning.setText(" ".join(shared))
        self.iban_warning.setVisible(bool(shared))

    # --- what was entered ---------------------------------------------------------------

    def check(self) -> str | None:
        """The credit limit must read as an amount (or be empty), and so must the recurring
        lines' quantities and prices."""
        try:
            self._credit_limit()
        except MoneyError as error:
            self.tabs.setCurrentIndex(3)
            return _("Credit limit: {reason}").format(reason=error)
        for row in range(self.iban_table.rowCount()):
            if _cell(self.iban_table, row, IBAN) is None:
                continue  # a line added and left blank is no IBAN
            try:
                check_iban(_cell(self.iban_table, row, IBAN) or "")
            except IbanError as error:
                self.tabs.setCurrentIndex(BANK_TAB)
                self.iban_table.setCurrentCell(row, IBAN)
                return _("Bank accounts: {reason}").format(reason=error)
        if self.recurring_tab is not None:
            message = self.recurring_tab.check()
            if message is not None:
                self.tabs.setCurrentWidget(self.recurring_tab)
                return message
        return None

    def _credit_limit(self) -> Decimal | None:
        text = self.credit_limit_edit.text().strip()
        return parse_amount(text, self._formats) if text else None

    def value(self) -> RecordChanges:
        """The record as edited."""
        responsible = self.responsible_edit.currentData()
        return RecordChanges(
            name=self.name_edit.text(),
            customer_group=self.group_edit.currentText(),
            language=str(self.language_edit.currentData()),
            responsible_employee_id=uuid.UUID(responsible) if responsible else None,
            credit_limit=self._credit_limit(),
            credit_group=self.credit_group_edit.currentText(),
            account_status=str(self.status_edit.currentData()),
            addresses=tuple(self._address_lines()),
            contacts=tuple(self._contact_lines()),
            recurring=self.recurring_tab.lines() if self.recurring_tab is not None else None,
            bank_accounts=(*self._iban_lines(), *self._removed_ibans),
        )

    def _iban_lines(self) -> list[BankAccountLine]:
        table = self.iban_table
        return [
            BankAccountLine(
                iban=normal_iban(_cell(table, row, IBAN) or ""),
                source=str(_item_data(table, row, SOURCE) or "entered"),
                id=_line_id(table, row, IBAN),
            )
            for row in range(table.rowCount())
            if _cell(table, row, IBAN) is not None
        ]

    def _address_lines(self) -> list[AddressLine]:
        table = self.address_table
        return [
            AddressLine(
                purpose=self._address_purpose(row),
                street=_cell(table, row, STREET),
                city=_cell(table, row, CITY),
                postal_code=_cell(table, row, POSTAL_CODE),
                country=_cell(table, row, COUNTRY),
                is_primary=_ticked(table, row, PRIMARY),
                id=_line_id(table, row, ADDRESS_PURPOSE),
            )
            for row in range(table.rowCount())
        ]

    def _contact_lines(self) -> list[ContactLine]:
        table = self.contact_table
        return [
            ContactLine(
                name=_cell(table, row, CONTACT_NAME) or "",
                role=_combo_value(table, row, ROLE),
                email=_cell(table, row, EMAIL),
                phone=_cell(table, row, PHONE),
                language=_combo_value(table, row, LANGUAGE),
                is_collections=_ticked(table, row, COLLECTIONS),
                id=_line_id(table, row, CONTACT_NAME),
            )
            for row in range(table.rowCount())
        ]

    def show_error(self, message: str) -> None:
        """Show the refusal and bring the tab it concerns to the front."""
        lowered = message.casefold()
        if self.recurring_tab is not None and _("recurring billing").casefold() in lowered:
            self.tabs.setCurrentWidget(self.recurring_tab)
            super().show_error(message)
            return
        for words, tab in (  # "contact" first: a contact's message names an e-mail address
            (_("bank account").casefold(), BANK_TAB),
            (_("contact").casefold(), 2),
            (_("address").casefold(), 1),
            (_("credit").casefold(), 3),
            (_("account status").casefold(), 3),
        ):
            if words in lowered:
                self.tabs.setCurrentIndex(tab)
                break
        super().show_error(message)


# --- helpers ------------------------------------------------------------------------------


def _text_combo(name: str, choices: Sequence[str]) -> QComboBox:
    """A combo box offering ``choices`` that also takes a new value typed in."""
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setEditable(True)
    combo.addItem("")
    combo.addItems(list(choices))
    combo.setMinimumContentsLength(16)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMaximumWidth(FIELD_WIDTH)
    return combo


def _editable_table(table: QTableWidget, stretch: int) -> None:
    dense_grid(table, 4, 8, editable=True)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(
        QAbstractItemView.EditTrigger.DoubleClicked
        | QAbstractItemView.EditTrigger.EditKeyPressed
        | QAbstractItemView.EditTrigger.AnyKeyPressed
    )
    header = table.horizontalHeader()
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setStretchLastSection(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)


def _buttons(*buttons: tuple[str, str, object]) -> QHBoxLayout:
    row = QHBoxLayout()
    for text, name, slot in buttons:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        row.addWidget(button)
    row.addStretch(1)
    return row


def _remove(table: QTableWidget) -> None:
    rows = sorted({index.row() for index in table.selectedIndexes()}, reverse=True)
    if not rows and table.currentRow() >= 0:
        rows = [table.currentRow()]
    for row in rows:
        table.removeRow(row)


def _tick(on: bool) -> QTableWidgetItem:
    item = QTableWidgetItem()
    item.setFlags(
        Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
    )
    item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
    return item


def _read_only(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    return item


def _item_data(table: QTableWidget, row: int, column: int) -> object:
    item = table.item(row, column)
    return item.data(ID_ROLE) if item is not None else None


def _cell(table: QTableWidget, row: int, column: int) -> str | None:
    item = table.item(row, column)
    text = item.text().strip() if item is not None else ""
    return text or None


def _ticked(table: QTableWidget, row: int, column: int) -> bool:
    item = table.item(row, column)
    return item is not None and item.checkState() == Qt.CheckState.Checked


def _line_id(table: QTableWidget, row: int, column: int) -> uuid.UUID | None:
    item = table.item(row, column)
    value = item.data(ID_ROLE) if item is not None else ""
    return uuid.UUID(str(value)) if value else None


def _combo_value(table: QTableWidget, row: int, column: int) -> str | None:
    combo = table.cellWidget(row, column)
    value = combo.currentData() if isinstance(combo, QComboBox) else ""
    return str(value) if value else None

"""The Bank charges and Bank accounts sections: a charge and an account saved through the
forms (the amount typed in the user's locale), refusals shown, a stale copy refused,
read-only for a clerk."""

from __future__ import annotations

from decimal import Decimal

import pytest

from collections_desktop.formatting import Formats
from collections_desktop.kernel.clock import FixedClock
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import BankAccount, BankCharge
from collections_desktop.models.setup.bank_charges import BankChargeValues, save_bank_charge
from collections_desktop.views.setup.bank_charges import BankAccountsSection, BankChargesSection
from tests.gui import setup_sections as shared
from tests.gui.reference_sections import choose, listed, read_only
from tests.gui.setup_sections import refused, saved

admin, runner, open_section = shared.admin, shared.runner, shared.open_section


@pytest.fixture
def charges(open_section) -> BankChargesSection:
    shown = open_section("bank_charges")
    assert isinstance(shown, BankChargesSection)
    return shown


@pytest.fixture
def accounts(open_section) -> BankAccountsSection:
    shown = open_section("bank_accounts")
    assert isinstance(shown, BankAccountsSection)
    return shown


def test_a_charge_of_a_new_group_is_saved_and_an_account_names_the_group(
    qtbot, charges, accounts, sqlite_db: Database
) -> None:
    assert listed(charges) == [("STD", "NSF", "Returned payment (NSF) fee", "25.00\xa0EUR", "Yes")]
    assert charges.used_by.text() == "Bank accounts with this group: OPER"
    charges.new_action.trigger()
    assert charges.currency.currentText() == "EUR"
    charges.group.setEditText("usd")
    charges.code.setText("nsf")
    charges.description_edit.setText("Returned payment fee")
    charges.amount.setText("1,230.5")
    charges.currency.setCurrentIndex(charges.currency.findText("USD"))
    charges.account.setText("758100")
    charges.automatic.setChecked(True)
    saved(qtbot, charges)
    assert ("USD", "NSF", "Returned payment fee", "1,230.50\xa0USD", "Yes") in listed(charges)
    with sqlite_db.sessions() as session:
        charge = session.query(BankCharge).filter_by(charges_group="USD").one()
        assert (charge.amount, charge.currency, charge.automatic_nsf) == (
            Decimal("1230.5"),
            "USD",
            True,
        )
    accounts.load()  # the new group is offered once the accounts are read again
    qtbot.waitUntil(lambda: accounts.group.findData("USD") >= 0, timeout=10_000)
    accounts.new_action.trigger()
    accounts.code.setText("us")
    accounts.name.setText("Dollar account")
    accounts.account.setText("512100")
    accounts.currency.setCurrentIndex(accounts.currency.findText("USD"))
    accounts.group.setCurrentIndex(accounts.group.findData("USD"))
    saved(qtbot, accounts)
    assert ("US", "Dollar account", "—", "512100", "USD", "USD") in listed(accounts)
    with sqlite_db.sessions() as session:
        assert session.query(BankAccount).filter_by(code="US").one().charges_group == "USD"


def test_the_first_row_is_chosen_while_shift_is_held(qtbot, open_section) -> None:
    """A read that ends while the user holds Shift (or Ctrl) still fills the form with the
    first row: choosing it from code does not read the keyboard."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLineEdit

    elsewhere = QLineEdit()
    qtbot.addWidget(elsewhere)
    qtbot.keyPress(elsewhere, Qt.Key.Key_Shift, Qt.KeyboardModifier.ShiftModifier)
    try:
        charges = open_section("bank_charges")
        assert charges.amount.text() == "25.00"
        assert charges.grid.current_row() is charges.rows[0]
    finally:
        qtbot.keyRelease(elsewhere, Qt.Key.Key_Shift)


def test_refusals_are_shown_under_the_form(qtbot, charges) -> None:
    charges.amount.setText("-5")
    assert refused(qtbot, charges) == "Amount cannot be negative."
    charges.amount.setText("five")
    assert refused(qtbot, charges) == "Amount: “five” is not an amount."
    charges.amount.setText("25.005")
    assert refused(qtbot, charges) == "Amount: 25.005 has more than 2 decimal places."
    charges.amount.setText("25")
    charges.group.setEditText("OTHER")
    assert refused(qtbot, charges) == (
        "NSF is the last charge of the group STD, which bank account OPER names: it cannot "
        "move to another group. Change the account's charges group first."
    )


def test_an_amount_is_typed_in_the_users_locale(
    qtbot, sqlite_db: Database, runner, clock, admin
) -> None:
    from collections_desktop.models.people.scope import company_scope
    from collections_desktop.views.pages.setup_page import SetupPage
    from tests.gui.conftest import page_context

    with sqlite_db.sessions() as session:
        scope = company_scope(session)
    context = page_context(
        sqlite_db, runner, scope, admin, clock, may_change_setup=True, formats=Formats("es_ES")
    )
    page = SetupPage(context)
    qtbot.addWidget(page)
    page.show()
    section = page.show_section("bank_charges")
    qtbot.waitUntil(lambda: bool(section.rows), timeout=10_000)
    assert section.amount.text() == "25,00"
    section.amount.setText("1.234,5")
    saved(qtbot, section)
    with sqlite_db.sessions() as session:
        assert session.query(BankCharge).one().amount == Decimal("1234.5")


def test_an_edit_over_a_copy_someone_changed_is_refused(
    qtbot, charges, sqlite_db: Database, clock: FixedClock, admin
) -> None:
    nsf = choose(charges, "NSF")
    values = BankChargeValues("STD", "NSF", "NSF fee", Decimal(30), "EUR", "758000", True)
    with sqlite_db.sessions.begin() as session:
        save_bank_charge(session, nsf.id, nsf.version, values, by=admin, now=clock.now())
    charges.amount.setText("40")
    assert refused(qtbot, charges).startswith(
        "Bank charge STD NSF was changed by someone else since you opened it."
    )
    with sqlite_db.sessions() as session:
        assert session.get(BankCharge, nsf.id).amount == Decimal(30)  # type: ignore[union-attr]


def test_an_account_refusal_is_shown(qtbot, accounts) -> None:
    assert accounts.code.isReadOnly()  # the default account keeps its code
    accounts.new_action.trigger()
    accounts.code.setText("oper")
    accounts.name.setText("Again")
    accounts.account.setText("512000")
    assert refused(qtbot, accounts) == "There is already a bank account OPER."


def test_an_iban_is_typed_grouped_and_listed(qtbot, accounts, sqlite_db: Database) -> None:
    choose(accounts, "OPER")
    assert accounts.iban.text() == ""
    accounts.iban.setText("es9121000418450200051332")
    accounts.iban.editingFinished.emit()
    assert accounts.iban.text() == "ES91 2100 0418 4502 0005 1332"
    saved(qtbot, accounts)
    assert listed(accounts) == [
        ("OPER", "Operating account (default)", "ES91 2100 0418 4502 0005 1332", "512000",
         "EUR", "STD"),
    ]  # fmt: skip
    with sqlite_db.sessions() as session:
        assert session.query(BankAccount).one().iban == "ES9121000418450200051332"
    accounts.iban.setText("ES91 2100 0418 4502 0005 1333")
    accounts.iban.editingFinished.emit()  # a wrong IBAN is left as typed
    assert accounts.iban.text() == "ES91 2100 0418 4502 0005 1333"
    assert refused(qtbot, accounts) == (
        "IBAN: ES91 2100 0418 4502 0005 1333: the check digits do not match; check for a "
        "typing error."
    )


def test_a_clerk_reads_charges_and_accounts_only(open_section) -> None:
    for key in ("bank_charges", "bank_accounts"):
        assert read_only(open_section(key, administrator=False))

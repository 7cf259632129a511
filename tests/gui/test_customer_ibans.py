"""The customer record's Bank accounts tab: IBANs added, grouped, checked and removed as a
collector does it, the other customer paying from an IBAN named, all saved with the record."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton
from sqlalchemy import select

from collections_desktop.models.db.schema import Customer, CustomerBankAccount, CustomerChange
from collections_desktop.views.dialogs.customer_record import BANK_TAB, IBAN, OTHER_CUSTOMERS
from tests.gui import test_customers_page as shared
from tests.gui.test_customers_page import LOAD, Screen, Setting, open_record, save

setting, runner, screen = shared.setting, shared.runner, shared.screen

CAIXA = "ES9121000418450200051332"
BARCLAYS = "GB82WEST12345698765432"


def rows(table) -> list[list[str]]:
    return [
        [table.item(row, column).text() for column in range(table.columnCount())]
        for row in range(table.rowCount())
    ]


def test_an_iban_is_added_with_a_warning_naming_the_other_customer_and_saved(
    qtbot, screen: Screen, setting: Setting
) -> None:
    o = setting.books
    with setting.database.sessions.begin() as session:
        # Garnier pays from Caixa; Ruiz's Barclays IBAN was learned from a statement.
        session.add_all([
            CustomerBankAccount(customer_id=o.garnier.id, iban=CAIXA, source="statement",
                                updated_at=o.ruiz.updated_at),
            CustomerBankAccount(customer_id=o.ruiz.id, iban=BARCLAYS, source="statement",
                                updated_at=o.ruiz.updated_at),
        ])  # fmt: skip
    dialog = open_record(qtbot, screen)
    assert dialog.tabs.tabText(BANK_TAB) == "Bank accounts"
    dialog.tabs.setCurrentIndex(BANK_TAB)
    table = dialog.iban_table
    assert rows(table) == [["GB82 WEST 1234 5698 7654 32", "Learned from a bank statement", ""]]
    assert dialog.iban_warning.isHidden()

    dialog.findChild(QPushButton, "record_add_iban").click()
    assert table.rowCount() == 2
    table.item(1, IBAN).setText("es91-2100-0418-4502-0005-1332")
    assert table.item(1, IBAN).text() == "ES91 2100 0418 4502 0005 1332"  # grouped
    garnier = f"{o.garnier.account} Garnier SA"
    qtbot.waitUntil(lambda: table.item(1, OTHER_CUSTOMERS).text() == garnier, timeout=LOAD)
    assert dialog.iban_warning.isVisible()
    assert dialog.iban_warning.text() == (
        f"ES91 2100 0418 4502 0005 1332 is also the IBAN of {garnier}. A payment from it may "
        "be for either; check before confirming."
    )
    # The learned Barclays IBAN is taken off.
    table.setCurrentCell(0, IBAN)
    dialog.findChild(QPushButton, "record_remove_iban").click()
    assert rows(table) == [["ES91 2100 0418 4502 0005 1332", "Entered", garnier]]
    save(qtbot, screen, dialog)
    with setting.database.sessions() as session:
        ibans = session.execute(
            select(CustomerBankAccount.iban, CustomerBankAccount.source,
                   CustomerBankAccount.deleted_at.is_(None))
            .where(CustomerBankAccount.customer_id == o.ruiz.id)
            .order_by(CustomerBankAccount.iban)
        ).all()  # fmt: skip
        assert [tuple(row) for row in ibans] == [
            (CAIXA, "entered", True),
            (BARCLAYS, "statement", False),
        ]
        assert session.get(Customer, o.ruiz.id).version == 2
        assert sorted(session.scalars(select(CustomerChange.field))) == [
            "bank_account",
            "bank_account",
        ]
    qtbot.waitUntil(lambda: screen.records.dialog is None, timeout=LOAD)
    again = open_record(qtbot, screen)
    assert rows(again.iban_table) == [["ES91 2100 0418 4502 0005 1332", "Entered", garnier]]
    assert again.iban_warning.text().startswith("ES91 2100 0418 4502 0005 1332 is also")
    again.reject()


def test_a_wrong_iban_is_refused_in_the_dialog(qtbot, screen: Screen, setting: Setting) -> None:
    dialog = open_record(qtbot, screen)
    dialog.tabs.setCurrentIndex(0)
    dialog.findChild(QPushButton, "record_add_iban").click()
    dialog.findChild(QPushButton, "record_add_iban").click()  # left blank: ignored
    dialog.iban_table.item(0, IBAN).setText("ES91 2100 0418 4502 0005 1333")
    dialog.ok_button.click()
    assert dialog.error.text() == (
        "Bank accounts: ES91 2100 0418 4502 0005 1333: the check digits do not match; "
        "check for a typing error."
    )
    assert dialog.tabs.currentIndex() == BANK_TAB
    assert dialog.isVisible()
    dialog.iban_table.item(0, IBAN).setText("ES91 2100 0418 4502 0005 1332")
    assert dialog.iban_warning.isHidden()
    save(qtbot, screen, dialog)
    with setting.database.sessions() as session:
        assert session.scalars(select(CustomerBankAccount.iban)).all() == [CAIXA]

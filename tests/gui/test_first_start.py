"""The first start, clicked through: the demo, a new company with the IBM sample imported
through the guided mapping, and an existing file; then the File menu's recent databases."""

from __future__ import annotations

import csv
import datetime as dt
import tomllib
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel
from sqlalchemy import func, select

from collections_desktop import app as app_module
from collections_desktop import paths
from collections_desktop.demo.company import COMPANY_NAME
from collections_desktop.kernel.clock import FixedClock
from collections_desktop.models.company.new_file import NewCompany, create_company_database
from collections_desktop.models.db.schema import (
    CustomerTransaction,
    Employee,
    ReceivablesParameters,
    TransactionType,
)
from collections_desktop.models.people.scope import company_scope
from collections_desktop.models.people.users import login_name
from collections_desktop.models.screens.customer_list import list_customers
from collections_desktop.views.dialogs.first_start import FirstStartDialog
from collections_desktop.views.dialogs.import_wizard import ImportDialog
from collections_desktop.views.settings import recent_databases
from tests.shared_data import shared_file

ROOT = Path(__file__).resolve().parents[2]
IBM = "ar/ibm/WA_Fn-UseC_-Accounts-Receivable.csv"
IBM_WITH_MISSING = "ar/ibm/variants/WA_Fn-UseC_-Accounts-Receivable_with_missing.csv"


def answer_first_start(act: Callable[[FirstStartDialog], None]) -> list[FirstStartDialog]:
    """Once the first-start dialog shows, do ``act`` on it (it runs its own event loop)."""
    seen: list[FirstStartDialog] = []

    def look() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, FirstStartDialog) and widget.isVisible():
                seen.append(widget)
                act(widget)
                return
        QTimer.singleShot(10, look)

    QTimer.singleShot(0, look)
    return seen


def test_the_first_start_opens_the_demo(qtbot, shell, dialogs, monkeypatch) -> None:
    monkeypatch.setattr(app_module, "DEMO_CUSTOMERS", 12)  # the real writer, a small company
    path = paths.default_database_path()

    def choose_demo(dialog: FirstStartDialog) -> None:
        assert dialog.windowTitle() == "Welcome to Collections Desktop"
        assert dialog.demo_choice.isChecked()  # the default choice
        assert dialog.ok_button.text() == "Open the demo"
        assert any("12 customers" in label.text() for label in dialog.findChildren(QLabel))
        dialog.ok_button.click()

    seen = answer_first_start(choose_demo)
    assert shell.start(None) is None
    assert seen
    window = shell.window
    assert window is not None
    with qtbot.waitSignal(window.company_page.loaded, timeout=20_000):
        pass
    assert window.windowTitle() == f"Collections Desktop — {COMPANY_NAME}"
    assert window.company_page.customers.value.text() == "12"
    assert recent_databases(shell.settings) == [str(path)]


def test_a_new_company_then_the_ibm_sample_through_the_guided_mapping(
    qtbot, shell, dialogs, tmp_path
) -> None:
    ibm = shared_file(IBM)
    path = paths.default_database_path()

    def create(dialog: FirstStartDialog) -> None:
        dialog.choose("new")
        assert dialog.ok_button.text() == "Create the company"
        dialog.ok_button.click()  # nothing typed yet: refused in the dialog
        assert dialog.isVisible()
        assert dialog.error.text() == "Type the company's name."
        dialog.name_edit.setText("IBM sample")
        dialog.currency.setCurrentIndex(dialog.currency.findData("USD"))
        dialog.country.setCurrentIndex(dialog.country.findData("US"))
        dialog.language.setCurrentIndex(dialog.language.findData("en"))
        dialog.user_name_edit.setText("Ana Ruiz")
        assert dialog.login_edit.text() == login_name()
        assert dialog.import_check.isChecked()
        dialog.ok_button.click()

    answer_first_start(create)
    assert shell.start(None) is None
    window = shell.window
    assert window is not None
    assert path.exists()
    assert not Path(f"{path}.partial").exists()
    with shell.database.sessions() as session:
        parameters = session.scalars(select(ReceivablesParameters)).one()
        assert (parameters.company_name, parameters.accounting_currency) == ("IBM sample", "USD")
        assert (parameters.country, parameters.language) == ("US", "en")
        first_user = session.scalars(select(Employee)).one()
        assert (first_user.name, first_user.user_name) == ("Ana Ruiz", login_name())
        assert first_user.is_administrator
    assert window.viewer.may_change_setup

    # "Then import receivables" opens the guided import on the new company.
    qtbot.waitUntil(lambda: window.import_controller is not None)
    dialog = window.import_controller.dialog
    assert isinstance(dialog, ImportDialog)
    with qtbot.waitSignal(dialog.preview_shown, timeout=10_000):
        dialog.choose_file(ibm)
    # The columns whose names say what they hold are guessed; the rest is mapped by hand.
    assert dialog.columns() == {
        "customer_account": "customerID",
        "document_number": "invoiceNumber",
        "document_date": "InvoiceDate",
        "due_date": "DueDate",
        "amount": "InvoiceAmount",
        "settled_date": "SettledDate",
        "disputed": "Disputed",
    }
    dialog.set_column("customer_group", "countryCode")
    dialog.set_default("document_type", "invoice")
    dialog.set_date_format("%m/%d/%Y")
    preview = dialog.preview_table
    headers = [preview.horizontalHeaderItem(c).text() for c in range(preview.columnCount())]
    assert headers[:4] == [
        "Row",
        "Customer account",
        "Document number",
        "Document type (invoice or credit note)",
    ]
    first = {headers[c]: preview.item(0, c).text() for c in range(preview.columnCount())}
    assert first["Row"] == "2"
    assert first["Customer account"] == "0379-NEVHP"
    assert first["Document number"] == "0000611365"
    assert first["Document type (invoice or credit note)"] == "invoice"
    assert first["Amount"] == "55.94"
    assert first["Customer group"] == "391"
    assert preview.rowCount() == 8

    # Saved as TOML, the mapping is the one shipped for this file.
    saved = tmp_path / "ibm.toml"
    assert dialog.save_mapping_file(saved)
    shipped = tomllib.loads(
        (ROOT / "docs" / "import-mappings" / "ibm-accounts-receivable.toml").read_text()
    )
    assert tomllib.loads(saved.read_text()) == shipped
    # …and loads back into the table.
    dialog.set_column("customer_group", "")
    assert dialog.load_mapping_file(saved)
    assert dialog.columns()["customer_group"] == "countryCode"

    with qtbot.waitSignal(window.import_controller.imported, timeout=180_000) as imported:
        dialog.ok_button.click()
    result = imported.args[0]
    assert (result.rows, result.customers_created, result.invoices) == (2466, 100, 2466)
    assert not dialog.isVisible()
    assert window.statusBar().currentMessage() == (
        "Imported WA_Fn-UseC_-Accounts-Receivable.csv: 100 customers created, "
        "2,466 invoices, 0 credit notes, 2,466 payments."
    )

    # The Customers page finds the imported customers.
    page = window.customers_page
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        window.show_page("customers")
    accounts = {row.account for row in page.grid.model.rows()}
    assert len(accounts) == 100
    assert "0379-NEVHP" in accounts

    # One customer's balance on a past day, from the file's own rows: invoiced by then
    # and not yet settled.
    day = dt.date(2013, 6, 30)
    expected = Decimal(0)
    with ibm.open(newline="") as handle:
        for row in csv.DictReader(handle):
            invoiced = dt.datetime.strptime(row["InvoiceDate"], "%m/%d/%Y").date()
            settled = dt.datetime.strptime(row["SettledDate"], "%m/%d/%Y").date()
            if row["customerID"] == "0379-NEVHP" and invoiced <= day < settled:
                expected += Decimal(row["InvoiceAmount"])
    assert expected > 0
    with shell.database.sessions() as session:
        rows = list_customers(session, company_scope(session), day)
        (customer,) = [row for row in rows if row.account == "0379-NEVHP"]
        assert customer.balance == expected
        assert customer.customer_group == "391"
        invoices = session.scalar(
            select(func.count())
            .select_from(CustomerTransaction)
            .where(CustomerTransaction.type == TransactionType.INVOICE)
        )
        assert invoices == 2466


def test_rows_that_cannot_be_imported_are_reported_and_nothing_is_written(
    qtbot, window_on, tmp_path
) -> None:
    window = window_on(_new_company(tmp_path / "dirty.sqlite"))
    controller = window.import_receivables()
    dialog = controller.dialog
    assert dialog is not None
    with qtbot.waitSignal(dialog.preview_shown, timeout=10_000):
        dialog.choose_file(shared_file(IBM_WITH_MISSING))
    assert dialog.load_mapping_file(
        ROOT / "docs" / "import-mappings" / "ibm-accounts-receivable.toml"
    )
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: dialog.report.isVisible(), timeout=120_000)
    assert dialog.isVisible()
    assert dialog.error.text().endswith("101 rows cannot be imported; nothing was written.")
    report = dialog.report.toPlainText().splitlines()
    assert report[0].startswith("Row 3, countryCode “897”: contradicts row 58")
    assert report[-1] == "… and 51 more problems."
    with window.database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(CustomerTransaction)) == 0


def test_the_first_start_opens_an_existing_file(qtbot, shell, dialogs, tmp_path) -> None:
    existing = _new_company(tmp_path / "acme.sqlite")

    def open_file(dialog: FirstStartDialog) -> None:
        dialog.choose("file")
        dialog.ok_button.click()
        assert dialog.error.text() == (
            "Choose the database file to open, or type the team database's address."
        )
        dialog.open_file_edit.setText(str(tmp_path / "missing.sqlite"))
        dialog.ok_button.click()
        assert dialog.error.text() == f"There is no file {tmp_path / 'missing.sqlite'}."
        dialog.open_file_edit.setText(str(existing))
        assert dialog.ok_button.text() == "Open the company"
        dialog.ok_button.click()

    answer_first_start(open_file)
    assert shell.start(None) is None
    window = shell.window
    assert window is not None
    assert window.database.display_name == str(existing)
    with qtbot.waitSignal(window.company_page.loaded, timeout=20_000):
        pass
    assert window.windowTitle() == "Collections Desktop — Acme"
    assert not paths.default_database_path().exists()  # nothing made at the default place
    assert recent_databases(shell.settings) == [str(existing)]


def test_a_database_without_a_company_offers_the_first_start(
    qtbot, shell, dialogs, tmp_path, monkeypatch
) -> None:
    from collections_desktop.models.company.opening import open_company

    empty = tmp_path / "empty.sqlite"
    open_company(empty, clock=shell.clock).dispose()  # tables, no company
    asked: list[Path] = []
    monkeypatch.setattr(
        app_module, "ask_first_start", lambda *, location, **_: asked.append(location)
    )
    assert shell.start(str(empty)) == app_module.EXIT_FAILED  # closed without a choice
    assert asked == [empty]
    assert dialogs["critical"] == []


def test_a_team_database_address_is_checked(qtbot, tmp_path) -> None:
    dialog = FirstStartDialog(location=tmp_path / "c.sqlite", login="ana", demo_customers=5)
    qtbot.addWidget(dialog)
    dialog.choose("file")
    dialog.server_edit.setText("postgresql://ana:secret@server/collections")
    assert dialog.kind == "team"
    dialog.ok_button.click()
    assert (
        dialog.error.text() == "Leave the password out of the address; type it in the Password box."
    )
    dialog.server_edit.setText("server/collections")
    with qtbot.waitSignal(dialog.submitted) as submitted:
        dialog.ok_button.click()
    assert submitted.args[0].location == "postgresql://server/collections"


def test_recent_databases_drop_files_that_are_gone(qtbot, shell, dialogs, tmp_path) -> None:
    first = _new_company(tmp_path / "first.sqlite")
    second = _new_company(tmp_path / "second.sqlite")
    assert shell.open(str(first))
    assert shell.open(str(second))
    window = shell.window
    assert window is not None
    titles = [action.text() for action in window.menuBar().actions()[0].menu().actions()]
    assert titles[:3] == ["&New company…", "&Open…", "&Recent databases"]
    assert "&Import receivables…" in titles
    assert titles[-1] == "&Quit"
    first.unlink()
    window.fill_recent_menu()
    shown = [action.data() for action in window.recent_menu.actions()]
    assert shown == [str(second)]
    assert window.statusBar().currentMessage() == (
        f"Taken off the recent databases, the file is gone: {first}"
    )
    assert recent_databases(shell.settings) == [str(second)]


@pytest.fixture
def window_on(shell, clock: FixedClock):  # type: ignore[no-untyped-def]
    """The app's window on a given file."""

    def open_window(path: Path):  # type: ignore[no-untyped-def]
        assert shell.open(str(path))
        return shell.window

    return open_window


def _new_company(path: Path) -> Path:
    create_company_database(
        path,
        NewCompany("Acme", "EUR", None, "en", "Ana Ruiz", login_name()),
        clock=FixedClock.on(dt.date(2026, 11, 23)),
    )
    return path


def test_file_new_company_creates_and_opens_it(qtbot, shell, dialogs, tmp_path) -> None:
    existing = _new_company(tmp_path / "acme.sqlite")
    assert shell.open(str(existing))
    first = shell.window
    assert first is not None
    target = tmp_path / "globex.sqlite"

    def create(dialog: FirstStartDialog) -> None:
        assert dialog.windowTitle() == "New company"
        assert not dialog.demo_choice.isVisible()
        dialog.file_edit.setText(str(existing))
        dialog.name_edit.setText("Globex")
        dialog.user_name_edit.setText("Ana Ruiz")
        dialog.import_check.setChecked(False)
        dialog.ok_button.click()
        assert dialog.error.text() == (
            f"{existing} exists already; choose a new file for the new company."
        )
        dialog.file_edit.setText(str(target))
        dialog.ok_button.click()

    answer_first_start(create)
    first.new_company_action.trigger()
    window = shell.window
    assert window is not None
    assert window is not first
    assert window.database.display_name == str(target)
    with qtbot.waitSignal(window.company_page.loaded, timeout=20_000):
        pass
    assert window.windowTitle() == "Collections Desktop — Globex"
    assert window.import_controller is None
    assert recent_databases(shell.settings)[:2] == [str(target), str(existing)]

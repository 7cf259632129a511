"""The Customers page and the customer record, driven as a collector drives them."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QDate, QItemSelectionModel, Qt
from PySide6.QtWidgets import QPushButton
from sqlalchemy import func, select

from collections_desktop.kernel.clock import FixedClock
from collections_desktop.models.casework.activities import close_activities, create_activity
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import Contact, Customer, CustomerChange
from collections_desktop.views.actions.customer_record import CustomerRecordActions
from collections_desktop.views.dialogs.customer_record import (
    COLLECTIONS,
    EMAIL,
    CustomerRecordDialog,
)
from collections_desktop.views.pages import customers_page
from collections_desktop.views.pages.customers_page import CustomersPage
from collections_desktop.views.tasks import TaskRunner
from tests.gui.conftest import page_context
from tests.gui.test_overview_page import double_click
from tests.pdf_text import pdf_text
from tests.unit.test_list_pages import Books, books
from tests.unit.test_snapshot import NOW

LOAD = 10_000
D = Decimal


@dataclass(frozen=True)
class Setting:
    """The list pages' books: Ruiz (1,634.51, limit 2,000.00, Wholesale) and Lopes (250.00,
    on hold) in the agent's pool Iberia; Garnier (France, 700.00) outside it."""

    database: Database
    books: Books
    ana: uuid.UUID


@pytest.fixture
def setting(sqlite_db: Database) -> Setting:
    with sqlite_db.sessions.begin() as session:
        o = books(session)
        o.ruiz.customer_group = "Wholesale"
        o.lopes.customer_group = "Retail"
        o.lopes.account_status = "on_hold"
        ana = Contact(customer_id=o.ruiz.id, name="Ana Ruiz", email="ana@ruiz.example",
                      updated_at=o.ruiz.updated_at)  # fmt: skip
        session.add(ana)
        session.flush()
        o.ruiz.collections_contact_id = ana.id
        return Setting(sqlite_db, o, ana.id)


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    made = TaskRunner()
    yield made
    made.shutdown()


@dataclass
class Screen:
    page: CustomersPage
    records: CustomerRecordActions
    notes: list[str]


@pytest.fixture
def screen(qtbot, setting: Setting, runner: TaskRunner, clock: FixedClock) -> Screen:
    o = setting.books
    context = page_context(setting.database, runner, o.scope, o.me, clock)
    page = CustomersPage(context)
    qtbot.addWidget(page)
    page.resize(1400, 800)
    page.show()
    records = CustomerRecordActions(context, page)
    page.record_requested.connect(records.open)
    notes: list[str] = []
    records.changed.connect(notes.append)
    with qtbot.waitSignal(page.loaded, timeout=LOAD):
        page.refresh()
    return Screen(page, records, notes)


def texts(page: CustomersPage, column: int) -> list[str]:
    model = page.grid.model
    return [model.index(row, column).data() for row in range(model.rowCount())]


def reload(qtbot, page: CustomersPage, change: Callable[[], object]) -> None:
    with qtbot.waitSignal(page.loaded, timeout=LOAD):
        change()


def open_record(qtbot, screen: Screen, row: int = 0) -> CustomerRecordDialog:
    view = screen.page.grid.view
    double_click(qtbot, view, screen.page.grid.model.index(row, 0))
    qtbot.waitUntil(lambda: screen.records.dialog is not None, timeout=LOAD)
    dialog = screen.records.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def save(qtbot, screen: Screen, dialog: CustomerRecordDialog) -> None:
    with qtbot.waitSignal(screen.records.changed, timeout=LOAD):
        dialog.ok_button.click()


def test_the_list_shows_the_agents_customers_with_their_figures_in_order(
    qtbot, screen: Screen
) -> None:
    page = screen.page
    assert texts(page, 1) == ["Ruiz Hermanos SL", "Lopes & Filhos Lda"]
    accounts = texts(page, 0)
    assert accounts == sorted(accounts)
    assert texts(page, 2) == ["1,634.51", "250.00"]
    assert texts(page, 3) == ["1,534.56", "300.00"]
    assert texts(page, 4) == ["53", "39"]
    assert texts(page, 8) == ["Wholesale", "Retail"]
    assert texts(page, 9) == ["ES", "ES"]
    assert texts(page, 10) == ["2,000.00", ""]
    assert texts(page, 11) == ["Active", "On hold"]
    assert page.grid.title.text() == "2 customers"
    assert page.status == "2 customers · balance 1,884.51 · past due 1,834.56"
    # The link colour says what a double-click opens.
    link = page.palette().color(page.palette().ColorRole.Link)
    assert page.grid.model.index(0, 0).data(Qt.ItemDataRole.ForegroundRole) == link

    status = page.status_filter
    reload(qtbot, page, lambda: status.setCurrentIndex(status.findData("on_hold")))
    assert texts(page, 1) == ["Lopes & Filhos Lda"]
    reload(qtbot, page, lambda: page.status_filter.setCurrentIndex(0))
    group = page.group_filter
    assert [group.itemText(i) for i in range(group.count())] == [
        "All groups",
        "Retail",
        "Wholesale",
    ]
    reload(qtbot, page, lambda: group.setCurrentIndex(group.findData("Wholesale")))
    assert texts(page, 1) == ["Ruiz Hermanos SL"]
    reload(qtbot, page, lambda: group.setCurrentIndex(0))
    country = page.country_filter
    # The choices are the agent's customers': Garnier, in France, is outside the pool.
    assert [country.itemData(i) for i in range(country.count())] == ["", "ES"]
    reload(qtbot, page, lambda: country.setCurrentIndex(country.findData("ES")))
    assert texts(page, 1) == ["Ruiz Hermanos SL", "Lopes & Filhos Lda"]
    reload(qtbot, page, lambda: status.setCurrentIndex(status.findData("closed")))
    assert page.grid.stack.currentWidget() is page.grid.empty
    assert page.grid.empty.text() == "No customers match these filters."
    reload(qtbot, page, lambda: status.setCurrentIndex(0))
    qtbot.keyClicks(page.grid.filter, "lopes")
    assert texts(page, 1) == ["Lopes & Filhos Lda"]


def test_export_writes_the_rows_shown(qtbot, screen: Screen, tmp_path) -> None:
    page = screen.page
    target = tmp_path / "customers.csv"
    with qtbot.waitSignal(page.status_changed, timeout=LOAD):
        page.export_csv(target)
    lines = target.read_text(encoding="utf-8").splitlines()
    ruiz, lopes = texts(page, 0)
    assert lines == [
        "Account,Customer,Balance,Past due,Days past due,Last action,By,Responsible,Group,"
        "Country,Credit limit,Status",
        f"{ruiz},Ruiz Hermanos SL,1634.51,1534.56,53,,,,Wholesale,ES,2000.00,Active",
        f"{lopes},Lopes & Filhos Lda,250.00,300.00,39,,,,Retail,ES,,On hold",
    ]
    assert page.status == f"2 rows exported to {target}"


def test_export_to_excel_and_pdf_with_the_filters_above_the_rows(
    qtbot, screen: Screen, tmp_path
) -> None:
    page = screen.page
    qtbot.keyClicks(page.grid.filter, "ruiz")
    book_path, pdf_path = tmp_path / "customers.xlsx", tmp_path / "customers.pdf"
    with qtbot.waitSignal(page.status_changed, timeout=LOAD):
        page.export_xlsx(book_path)
    assert page.status == f"1 row exported to {book_path}"
    sheet = load_workbook(book_path).active
    lines = [row for row in sheet.iter_rows(values_only=True) if any(row)]
    assert lines[0][0] == "Customers"
    assert "Rows containing: ruiz" in [line[0] for line in lines]
    header = lines.index(
        ("Account", "Customer", "Balance", "Past due", "Days past due", "Last action", "By",
         "Responsible", "Group", "Country", "Credit limit", "Status")
    )  # fmt: skip
    (ruiz,) = lines[header + 1 :]
    assert ruiz[1:5] == ("Ruiz Hermanos SL", 1634.51, 1534.56, 53)  # numbers
    assert ruiz[8:11] == ("Wholesale", "ES", 2000)
    with qtbot.waitSignal(page.status_changed, timeout=LOAD):
        page.export_pdf(pdf_path)
    text = pdf_text(pdf_path)
    assert "Customers" in text
    assert "Rows containing: ruiz" in text
    assert "Ruiz Hermanos SL" in text
    assert "1,634.51" in text
    assert "Lopes" not in text
    assert page.export_action.menu() is not None
    assert [action.text() for action in page.export_action.menu().actions()] == [
        "CSV…",
        "Excel workbook (XLSX)…",
        "PDF…",
    ]


def test_enter_and_the_name_open_the_workspace(qtbot, screen: Screen, setting: Setting) -> None:
    page = screen.page
    view = page.grid.view
    with qtbot.waitSignal(page.customer_chosen) as chosen:
        double_click(qtbot, view, page.grid.model.index(1, 1))
    assert chosen.args == [setting.books.lopes.id]
    view.setFocus()
    view.setCurrentIndex(page.grid.model.index(0, 0))
    with qtbot.waitSignal(page.customer_chosen) as chosen:
        qtbot.keyClick(view, Qt.Key.Key_Return)
    assert chosen.args == [setting.books.ruiz.id]
    assert screen.records.dialog is None
    with qtbot.waitSignal(page.record_requested) as asked:
        page.record_action.trigger()
    assert asked.args == [setting.books.ruiz.id]


def test_the_account_opens_the_record_and_a_new_credit_limit_has_its_history_row(
    qtbot, screen: Screen, setting: Setting, clock: FixedClock
) -> None:
    dialog = open_record(qtbot, screen)
    assert dialog.name_edit.text() == "Ruiz Hermanos SL"
    assert dialog.credit_limit_edit.text() == "2,000.00"
    assert dialog.credit_history.rowCount() == 0
    assert dialog.contact_table.item(0, COLLECTIONS).checkState() == Qt.CheckState.Checked
    assert dialog.findChild(type(dialog.tabs), "customer_record_tabs").count() == 7
    dialog.tabs.setCurrentIndex(3)
    dialog.credit_limit_edit.setText("3,500.00")
    with qtbot.waitSignal(screen.page.loaded, timeout=LOAD):  # the owner reads the list again
        screen.records.changed.connect(lambda _note: screen.page.refresh())
        save(qtbot, screen, dialog)
    assert screen.notes == [f"Customer {setting.books.ruiz.account} saved"]
    assert texts(screen.page, 10) == ["3,500.00", ""]
    qtbot.waitUntil(lambda: screen.records.dialog is None, timeout=LOAD)

    again = open_record(qtbot, screen)
    history = again.credit_history
    assert history.rowCount() == 1
    row = [history.item(0, c).text() for c in range(history.columnCount())]
    assert row[1:] == [
        f"Agent {setting.books.user.removeprefix('agent')}",
        "2,000.00",
        "3,500.00",
    ]
    assert row[0] == screen.page.context.formats.moment(clock.now().astimezone())
    with setting.database.sessions() as session:
        change = session.execute(select(CustomerChange)).scalar_one()
        assert (change.field, change.old_value, change.new_value) == (
            "credit_limit",
            "2000.00",
            "3500.00",
        )
        assert change.changed_by_id == setting.books.me
    again.reject()


def test_a_refusal_is_shown_in_the_dialog_which_stays_open(
    qtbot, screen: Screen, setting: Setting
) -> None:
    dialog = open_record(qtbot, screen)
    dialog.tabs.setCurrentIndex(0)
    dialog.credit_limit_edit.setText("-5")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=LOAD)
    assert dialog.error.text() == "The credit limit cannot be negative; leave it empty for none."
    assert dialog.tabs.currentIndex() == 3
    assert dialog.isVisible()
    assert dialog.ok_button.isEnabled()

    dialog.credit_limit_edit.setText("2,000.00")
    dialog.contact_table.item(0, EMAIL).setText("ana at ruiz")
    dialog.tabs.setCurrentIndex(0)
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: "e-mail" in dialog.error.text(), timeout=LOAD)
    assert dialog.error.text() == (
        "Contact Ana Ruiz: “ana at ruiz” is not an e-mail address (name@example.com)."
    )
    assert dialog.tabs.currentIndex() == 2

    dialog.credit_limit_edit.setText("lots")
    dialog.ok_button.click()
    assert dialog.error.text() == "Credit limit: “lots” is not an amount."
    with setting.database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(CustomerChange)) == 0
        assert session.get(Customer, setting.books.ruiz.id).version == 1
    dialog.reject()


def test_contacts_and_addresses_are_added_and_removed_in_the_dialog(
    qtbot, screen: Screen, setting: Setting
) -> None:
    dialog = open_record(qtbot, screen)
    add = dialog.findChild(QPushButton, "record_add_contact")
    add.click()
    table = dialog.contact_table
    assert table.rowCount() == 2
    table.item(1, 0).setText("Luis Ruiz")
    table.item(1, EMAIL).setText("luis@ruiz.example")
    table.item(1, COLLECTIONS).setCheckState(Qt.CheckState.Checked)
    assert table.item(0, COLLECTIONS).checkState() == Qt.CheckState.Unchecked  # one only
    addresses = dialog.address_table
    assert addresses.rowCount() == 1  # the customer's own address (its country)
    assert addresses.item(0, 4).text() == "ES"
    addresses.item(0, 1).setText("Calle Mayor 4")
    addresses.item(0, 2).setText("Madrid")
    dialog.findChild(QPushButton, "record_add_address").click()
    assert addresses.rowCount() == 2
    assert addresses.item(1, 5).checkState() == Qt.CheckState.Checked  # the first invoice one
    addresses.item(1, 1).setText("Apartado 12")
    addresses.item(1, 2).setText("Madrid")
    addresses.item(1, 4).setText("es")
    save(qtbot, screen, dialog)
    with setting.database.sessions() as session:
        customer = session.get(Customer, setting.books.ruiz.id)
        luis = session.get(Contact, customer.collections_contact_id)
        assert luis.name == "Luis Ruiz"
        assert (customer.street, customer.city, customer.country) == (
            "Calle Mayor 4",
            "Madrid",
            "ES",
        )
        changes = sorted(
            session.execute(
                select(CustomerChange.field, CustomerChange.old_value, CustomerChange.new_value)
            ).all(),
            key=lambda c: (c.field, c.old_value or "", c.new_value or ""),
        )
        assert [tuple(c) for c in changes] == [
            ("address", None, "business, primary: Calle Mayor 4, Madrid, ES"),
            ("address", None, "invoice, primary: Apartado 12, Madrid, ES"),
            ("address", "business, primary: ES", None),
            ("collections_contact", "Ana Ruiz", "Luis Ruiz"),
            ("contact", None, "Luis Ruiz, luis@ruiz.example"),
        ]


def test_the_window_lists_customers_after_the_workspace_and_accounts_open_records(
    qtbot, loaded_window
) -> None:
    window = loaded_window
    assert window.page_keys[:3] == ("overview", "workspace", "customers")
    with qtbot.waitSignal(window.customers_page.loaded, timeout=LOAD):
        window.show_page("customers")
    page = window.customers_page
    assert texts(page, 1) == ["Ruiz Hermanos SL", "Garnier SA", "Lopes & Filhos Lda"]
    assert texts(page, 2) == ["1,034.56", "500.00", "99.95"]
    garnier = page.grid.model.row(page.grid.model.index(1, 0)).customer_id
    window.aged_balances_page.record_requested.emit(garnier)
    qtbot.waitUntil(lambda: window.record_actions.dialog is not None, timeout=LOAD)
    dialog = window.record_actions.dialog
    assert dialog.record.account == "C-000002"
    assert dialog.status_edit.currentText() == "On hold"
    dialog.reject()
    qtbot.waitUntil(lambda: window.record_actions.dialog is None, timeout=LOAD)
    # The Workspace's header offers the record of the customer it shows.
    ruiz = page.grid.model.row(page.grid.model.index(0, 0)).customer_id
    assert not window.workspace_page.record_action.isEnabled()
    with qtbot.waitSignal(window.workspace_page.loaded, timeout=LOAD):
        window.show_customer(ruiz)
    window.workspace_page.record_action.trigger()
    qtbot.waitUntil(lambda: window.record_actions.dialog is not None, timeout=LOAD)
    assert window.record_actions.dialog.record.account == "C-000001"
    window.record_actions.dialog.reject()


# --- the customer explorer --------------------------------------------------------------


def call(database: Database, books: Books, customer: Customer, end: dt.datetime) -> None:
    """A call to ``customer`` ended at ``end``, entered and closed as a collector does."""
    with database.sessions.begin() as session:
        made = create_activity(session, books.scope, now=NOW, responsible_id=books.me,
                               type="action", purpose="Called about the open invoices",
                               customer_id=customer.id, start_at=end - dt.timedelta(minutes=10),
                               end_at=end)  # fmt: skip
        close_activities(session, books.scope, [made.id], NOW, books.me)


def agent_name(setting: Setting) -> str:
    return f"Agent {setting.books.user.removeprefix('agent')}"


def test_the_debt_and_action_filters_change_the_rows(
    qtbot, screen: Screen, setting: Setting
) -> None:
    page = screen.page
    o = setting.books
    call(setting.database, o, o.ruiz, dt.datetime(2026, 11, 20, 16, tzinfo=dt.UTC))
    reload(qtbot, page, page.refresh)
    assert texts(page, 5) == ["Nov 20, 2026", ""]  # Lopes was never contacted
    assert texts(page, 6) == [agent_name(setting), ""]
    assert page.grid.model.index(0, 5).data(Qt.ItemDataRole.ToolTipRole).startswith("Activity ")
    age = page.age_filter
    reload(qtbot, page, lambda: age.setCurrentIndex(age.findData(30)))
    assert texts(page, 1) == ["Ruiz Hermanos SL", "Lopes & Filhos Lda"]  # 53 and 39 days
    reload(qtbot, page, lambda: age.setCurrentIndex(age.findData(60)))
    assert texts(page, 1) == []
    assert page.grid.empty.text() == "No customers match these filters."
    assert not page.age_days.isVisibleTo(page)
    reload(qtbot, page, lambda: age.setCurrentIndex(age.findData(-1)))  # Other…: 120 days
    assert page.age_days.isVisibleTo(page)
    reload(qtbot, page, lambda: page.age_days.setValue(40))  # read after a pause
    assert texts(page, 1) == ["Ruiz Hermanos SL"]
    reload(qtbot, page, lambda: age.setCurrentIndex(0))
    action = page.action_filter
    reload(qtbot, page, lambda: action.setCurrentIndex(action.findData("30")))
    assert texts(page, 1) == ["Lopes & Filhos Lda"]  # Ruiz was called 3 days ago
    reload(qtbot, page, lambda: action.setCurrentIndex(action.findData("never")))
    assert texts(page, 1) == ["Lopes & Filhos Lda"]
    reload(qtbot, page, lambda: action.setCurrentIndex(action.findData("since")))
    assert page.action_since.isVisibleTo(page)
    assert texts(page, 1) == ["Lopes & Filhos Lda"]  # since 24 Oct, 30 days ago
    reload(qtbot, page, lambda: page.action_since.setDate(QDate(2026, 11, 21)))
    assert texts(page, 1) == ["Ruiz Hermanos SL", "Lopes & Filhos Lda"]
    reload(qtbot, page, lambda: action.setCurrentIndex(0))
    reload(qtbot, page, lambda: qtbot.keyClicks(page.min_balance, "1,000"))
    assert texts(page, 1) == ["Ruiz Hermanos SL"]
    page.min_balance.clear()
    qtbot.keyClicks(page.min_balance, "lots")  # no amount: said in the field, not applied
    reload(qtbot, page, lambda: qtbot.keyClick(page.min_balance, Qt.Key.Key_Return))
    assert texts(page, 1) == ["Ruiz Hermanos SL", "Lopes & Filhos Lda"]
    assert page.min_balance.toolTip() == "“lots” is not an amount."
    reload(qtbot, page, page.min_balance.clear)
    reload(qtbot, page, lambda: qtbot.keyClicks(page.text_filter, "FILHOS"))
    assert texts(page, 1) == ["Lopes & Filhos Lda"]
    # Combined: Lopes, older than 30 days, not called in 30 days, and named so.
    reload(qtbot, page, lambda: age.setCurrentIndex(age.findData(30)))
    reload(qtbot, page, lambda: action.setCurrentIndex(action.findData("30")))
    assert texts(page, 1) == ["Lopes & Filhos Lda"]
    assert page.status == "1 customer · balance 250.00 · past due 300.00"


def test_presets_are_the_two_reports_with_their_titles(
    qtbot, screen: Screen, setting: Setting
) -> None:
    page = screen.page
    o = setting.books
    call(setting.database, o, o.ruiz, dt.datetime(2026, 11, 20, 16, tzinfo=dt.UTC))
    page.grid.view.horizontalHeader().setSectionHidden(10, True)  # Credit limit
    qtbot.keyClicks(page.text_filter, "ruiz")
    reload(qtbot, page, lambda: page.show_preset("without_action", since=dt.date(2026, 11, 15)))
    assert page.report_title() == "Customers without action since Nov 15, 2026"
    assert texts(page, 1) == ["Lopes & Filhos Lda"]
    assert page.text_filter.text() == ""
    assert page.action_filter.currentData() == "since"
    assert ("Without action since", "Nov 15, 2026") in page.report_filters()
    assert page.export_file_name() == "customers-without-action.csv"
    reload(qtbot, page, lambda: page.show_preset("register"))
    assert page.report_title() == "Customer register"
    assert texts(page, 1) == ["Ruiz Hermanos SL", "Lopes & Filhos Lda"]
    header = page.grid.view.horizontalHeader()
    assert not any(header.isSectionHidden(c) for c in range(header.count()))
    assert page.report_filters() == [
        ("Pool", "All my pools"),
        ("Group", "All groups"),
        ("Status", "All statuses"),
        ("Country", "All countries"),
    ]
    with pytest.raises(ValueError, match="Unknown preset"):
        page.show_preset("ledger")


def select_rows(page: CustomersPage, rows: list[int]) -> None:
    view, model = page.grid.view, page.grid.model
    view.clearSelection()
    for row in rows:
        view.selectionModel().select(
            model.index(row, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )


def watch_actions(page: CustomersPage, monkeypatch) -> list[tuple[str, list[str]]]:
    """What the page's actions were asked to do: ("mail" | "record" | "payment", accounts),
    in order, instead of opening their dialogs."""
    asked: list[tuple[str, list[str]]] = []
    monkeypatch.setattr(
        customers_page,
        "send_template_mail",
        lambda _context, _parent, accounts: asked.append(("mail", list(accounts))),
    )
    monkeypatch.setattr(
        page.records, "enter", lambda accounts: asked.append(("record", list(accounts)))
    )
    monkeypatch.setattr(
        page.receipts, "record", lambda account=None: asked.append(("payment", [account]))
    )
    return asked


def test_several_customers_are_selected_and_the_menu_acts_on_them(
    qtbot, screen: Screen, setting: Setting, monkeypatch
) -> None:
    page = screen.page
    ruiz, lopes = texts(page, 0)
    menu = page.grid.view.actions()
    assert [action.text() for action in menu] == [
        "Send e-mail from template…",
        "Enter record…",
        "Open Workspace",
        "Record payment…",
        "Customer record…",
        "Export",
    ]
    menu = menu[:5]
    assert page.grid.view.contextMenuPolicy() == Qt.ContextMenuPolicy.ActionsContextMenu

    def enabled() -> list[bool]:
        return [action.isEnabled() for action in menu]

    select_rows(page, [])
    assert enabled() == [False] * 5
    assert page.mail_action.toolTip() == "Select the customers to write to"
    select_rows(page, [0, 1])
    assert enabled() == [True, True, False, False, False]
    assert page.payment_action.toolTip() == "Select one customer (several are selected)"
    asked = watch_actions(page, monkeypatch)
    page.mail_action.trigger()
    page.enter_record_action.trigger()
    select_rows(page, [1])
    assert enabled() == [True] * 5
    page.payment_action.trigger()
    assert asked == [("mail", [ruiz, lopes]), ("record", [ruiz, lopes]), ("payment", [lopes])]
    with qtbot.waitSignal(page.customer_chosen) as chosen:
        page.workspace_action.trigger()
    assert chosen.args == [setting.books.lopes.id]
    with qtbot.waitSignal(page.record_requested) as asked:
        page.record_action.trigger()
    assert asked.args == [setting.books.lopes.id]


def test_a_record_entered_takes_the_customer_off_the_not_called_list(
    qtbot, screen: Screen, setting: Setting, monkeypatch
) -> None:
    page = screen.page
    o = setting.books
    reload(qtbot, page, lambda: page.show_preset("without_action", since=dt.date(2026, 11, 15)))
    assert texts(page, 1) == ["Ruiz Hermanos SL", "Lopes & Filhos Lda"]
    select_rows(page, [1])
    asked = watch_actions(page, monkeypatch)
    page.enter_record_action.trigger()
    assert asked == [("record", [o.lopes.account])]
    call(setting.database, o, o.lopes, dt.datetime(2026, 11, 23, 8, 30, tzinfo=dt.UTC))
    reload(qtbot, page, lambda: page.action_done("Record entered for Lopes & Filhos Lda"))
    assert texts(page, 1) == ["Ruiz Hermanos SL"]
    assert page.status == (
        "Record entered for Lopes & Filhos Lda · Customers without action since Nov 15, 2026"
        " · 1 customer · balance 1,634.51 · past due 1,534.56"
    )
    # F5 reads again too: Ruiz called now leaves the list.
    call(setting.database, o, o.ruiz, dt.datetime(2026, 11, 23, 8, 45, tzinfo=dt.UTC))
    reload(qtbot, page, page.refresh_action.trigger)
    assert texts(page, 1) == []


def test_the_exports_carry_the_explorers_filters_in_words(qtbot, screen: Screen, tmp_path) -> None:
    page = screen.page
    age, action = page.age_filter, page.action_filter
    reload(qtbot, page, lambda: age.setCurrentIndex(age.findData(30)))
    reload(qtbot, page, lambda: action.setCurrentIndex(action.findData("never")))
    reload(qtbot, page, lambda: qtbot.keyClicks(page.min_balance, "100"))
    reload(qtbot, page, lambda: qtbot.keyClicks(page.text_filter, "ruiz"))
    assert texts(page, 1) == ["Ruiz Hermanos SL"]
    pdf_path, book_path = tmp_path / "explorer.pdf", tmp_path / "explorer.xlsx"
    with qtbot.waitSignal(page.status_changed, timeout=LOAD):
        page.export_pdf(pdf_path)
    text = pdf_text(pdf_path)
    for line in (
        "Customers",
        "Debt older than: 30 days",
        "Without action: never contacted",
        "Balance at least: 100.00",
        "Account or name containing: ruiz",
        "Ruiz Hermanos SL",
        "1,534.56",
    ):
        assert line in text, line
    assert "Lopes" not in text
    reload(qtbot, page, lambda: page.show_preset("without_action", since=dt.date(2026, 11, 3)))
    with qtbot.waitSignal(page.status_changed, timeout=LOAD):
        page.export_xlsx(book_path)
    sheet = load_workbook(book_path).active
    lines = [row[0] for row in sheet.iter_rows(values_only=True) if any(row)]
    assert lines[0] == "Customers without action since Nov 3, 2026"
    assert "Without action since: Nov 3, 2026" in lines
    assert "Debt older than: 30 days" not in lines
    with qtbot.waitSignal(page.status_changed, timeout=LOAD):
        page.export_pdf(pdf_path)
    text = pdf_text(pdf_path)
    assert "Customers without action since Nov 3, 2026" in text
    assert "Without action since: Nov 3, 2026" in text
    assert "Lopes & Filhos Lda" in text
    assert "None" not in text  # a blank cell (never contacted, no credit limit) is blank


def test_the_filters_and_columns_are_kept_between_sessions(
    qtbot, screen: Screen, setting: Setting, runner: TaskRunner, clock: FixedClock
) -> None:
    page = screen.page
    age, action, group = page.age_filter, page.action_filter, page.group_filter
    reload(qtbot, page, lambda: age.setCurrentIndex(age.findData(-1)))
    reload(qtbot, page, lambda: page.age_days.setValue(45))
    reload(qtbot, page, lambda: action.setCurrentIndex(action.findData("since")))
    reload(qtbot, page, lambda: page.action_since.setDate(QDate(2026, 11, 1)))
    reload(qtbot, page, lambda: group.setCurrentIndex(group.findData("Wholesale")))
    reload(qtbot, page, lambda: qtbot.keyClicks(page.min_balance, "50"))
    reload(qtbot, page, lambda: qtbot.keyClicks(page.text_filter, "hermanos"))
    page.grid.view.horizontalHeader().setSectionHidden(6, True)
    state = page.save_state()

    o = setting.books
    again = CustomersPage(page_context(setting.database, runner, o.scope, o.me, clock))
    qtbot.addWidget(again)
    again.restore_state(state)
    assert again.older_than_days() == 45
    assert again.age_days.isVisibleTo(again)
    assert again.without_action_since() == dt.date(2026, 11, 1)
    assert again.group_filter.currentData() == "Wholesale"
    assert again.chosen_filters() == page.chosen_filters()
    assert again.grid.view.horizontalHeader().isSectionHidden(6)
    again.show()
    with qtbot.waitSignal(again.loaded, timeout=LOAD):
        again.activate()
    assert texts(again, 1) == ["Ruiz Hermanos SL"]
    assert again.group_filter.currentData() == "Wholesale"  # kept once the choices came

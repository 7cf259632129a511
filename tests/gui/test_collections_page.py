"""The Collections page of one customer: cases, transactions, activities, fact boxes."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest
from babel.dates import format_time
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QToolButton
from sqlalchemy import select

from collections_desktop.kernel.clock import FixedClock
from collections_desktop.models.aging.snapshot import take_snapshot
from collections_desktop.models.casework.cases import close_case, create_case
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import Activity
from collections_desktop.models.ledger import balances, postings, settlements
from collections_desktop.models.screens.customer_collections import live_facts
from collections_desktop.views.pages.collections_page import CollectionsPage
from collections_desktop.views.tasks import TaskRunner
from collections_desktop.views.widgets.facts import FactsOrigin
from tests.gui.conftest import page_context
from tests.unit.test_list_pages import Books, at, books
from tests.unit.test_overview import add_activity
from tests.unit.test_snapshot import NOW, TODAY, add_customer, invoice

LOAD = 10_000
D = Decimal


@dataclass(frozen=True)
class Setting:
    """Ruiz with an open case (invoice a) and a closed one (invoice b), three activities."""

    database: Database
    books: Books
    autumn: uuid.UUID
    autumn_number: str
    dispute: uuid.UUID
    dispute_number: str
    quiet: uuid.UUID


@pytest.fixture
def setting(sqlite_db: Database) -> Setting:
    with sqlite_db.sessions.begin() as session:
        o = books(session)
        old = invoice(session, o.ruiz, "80.00", dt.date(2026, 9, 1))
        paid = postings.post_payment(
            session,
            customer_id=o.ruiz.id,
            amount=D("80.00"),
            posting_date=dt.date(2026, 9, 30),
            now=NOW,
        )
        settlements.settle(
            session, {old.id: D("80.00"), paid.id: D("80.00")}, dt.date(2026, 9, 30), NOW
        )
        autumn = create_case(
            session,
            o.scope,
            o.ruiz.id,
            "COLL",
            "Autumn invoices",
            at(18),
            responsible_id=o.me,
            transaction_ids=[o.a.id, old.id],
            created_by_id=o.me,
        )
        dispute = create_case(
            session,
            o.scope,
            o.ruiz.id,
            "DISPUTE",
            "Invoice b is disputed",
            at(19),
            responsible_id=o.me,
            transaction_ids=[o.b.id],
            created_by_id=o.me,
        )
        close_case(session, o.scope, dispute.id, at(20))
        call = add_activity(session, o.me, at(24), o.ruiz, purpose="Call about invoice a")
        call.case_id = autumn.id
        add_activity(session, o.me, at(21), o.ruiz, purpose="Ask for the PO")
        add_activity(session, o.me, at(12), o.ruiz, purpose="Letter sent", closed=True)
        quiet = add_customer(session, "ES", credit_limit=D("900.00"))
        quiet.name = "Quiet Customer SA"
        take_snapshot(session, TODAY, o.scope, at(23, 6), pool_id=o.iberia)
        return Setting(
            sqlite_db,
            o,
            autumn.id,
            autumn.number,
            dispute.id,
            dispute.number,
            quiet.id,
        )


@pytest.fixture
def page(qtbot, setting: Setting, clock: FixedClock) -> Iterator[CollectionsPage]:
    runner = TaskRunner()
    made = CollectionsPage(
        page_context(setting.database, runner, setting.books.scope, setting.books.me, clock)
    )
    qtbot.addWidget(made)
    made.resize(1400, 900)
    made.show()
    yield made
    made.close()
    runner.shutdown()


def show(qtbot, page: CollectionsPage, customer: uuid.UUID, case: uuid.UUID | None = None):
    with qtbot.waitSignal(page.loaded, timeout=LOAD):
        page.show_customer(customer, case)


def texts(grid, column: int) -> list[str]:
    model = grid.model
    return [model.index(row, column).data() for row in range(model.rowCount())]


def values(box) -> dict[str, str]:
    return {key: label.text() for key, label in box.values.items()}


def test_cases_transactions_activities_and_the_snapshots_facts(
    qtbot, page: CollectionsPage, setting: Setting
) -> None:
    o = setting.books
    show(qtbot, page, o.ruiz.id)
    assert page.customer_combo.currentText() == f"{o.ruiz.account} Ruiz Hermanos SL"
    assert page.cases.title.text() == "2 cases"
    assert texts(page.cases, 0) == [setting.dispute_number, setting.autumn_number]
    assert texts(page.cases, 3) == ["Closed", "Open"]
    assert texts(page.cases, 6) == ["500.00", "1,034.56"]
    # Every case: what is open, and the settled invoice that the case holds.
    assert page.case_id is None
    assert page.transactions.title.text() == "Transactions: open, or in a case (4)"
    assert texts(page.transactions, 2) == [
        "Aug 2, 2026",
        "Sep 1, 2026",
        "Oct 2, 2026",
        "Nov 10, 2026",
    ]
    assert texts(page.transactions, 6) == ["settled", "1,034.56", "500.00", "99.95"]
    assert texts(page.transactions, 4) == ["", "53", "22", ""]
    assert texts(page.transactions, 9) == [
        setting.autumn_number,
        setting.autumn_number,
        setting.dispute_number,
        "",
    ]
    assert texts(page.activities, 2) == ["Ask for the PO", "Call about invoice a", "Letter sent"]
    assert texts(page.activities, 7) == ["", setting.autumn_number, ""]
    assert texts(page.activities, 1)[0] == "Nov 21, 2026  ⚠"

    # The fact boxes: the customer's row of the newest snapshot, with its date.
    taken = format_time(at(23, 6).astimezone(), format="short", locale="en_US")
    assert page.facts_source.text() == f"Snapshot of Nov 23, 2026, taken at {taken} · Standard"
    aged = values(page.aged_box)
    assert [page.aged_box.captions[f"c{i}"].text() for i in range(7)] == [
        "Current",
        "1-30 days",
        "31-60 days",
        "61-90 days",
        "91-120 days",
        "Over 120 days",
        "Unapplied",
    ]
    assert [aged[f"c{i}"] for i in range(7)] == [
        "99.95",
        "500.00",
        "1,034.56",
        "0.00",
        "0.00",
        "0.00",
        "0.00",
    ]
    assert aged["total"] == "1,634.51"
    credit = values(page.credit_box)
    assert credit["credit_limit"] == "2,000.00"
    assert credit["balance"] == "1,634.51"
    assert credit["available"] == "365.49"
    assert credit["past_due"] == "1,534.56"
    assert credit["oldest"] == "53 days"
    assert credit["disputed"] == "nothing"
    assert credit["risk"].endswith(" of 100")
    assert page.aged_box.values["c2"].alignment() & Qt.AlignmentFlag.AlignRight
    assert page.status.startswith(f"{o.ruiz.account} Ruiz Hermanos SL · 2 cases · ")


def test_choosing_a_case_filters_transactions_and_activities(
    qtbot, page: CollectionsPage, setting: Setting
) -> None:
    show(qtbot, page, setting.books.ruiz.id)
    assert not page.all_cases_button.isEnabled()
    page.cases.view.selectRow(1)  # the autumn case
    assert page.case_id == setting.autumn
    assert page.transactions.title.text() == f"Transactions of {setting.autumn_number} (2)"
    assert texts(page.transactions, 6) == ["settled", "1,034.56"]
    assert texts(page.activities, 2) == ["Call about invoice a"]
    assert page.all_cases_button.isEnabled()
    assert page.close_case_action.isEnabled()
    assert not page.reopen_case_action.isEnabled()
    page.cases.view.selectRow(0)  # the closed dispute
    assert texts(page.transactions, 6) == ["500.00"]
    assert page.activities.model.rowCount() == 0
    assert f"Case {setting.dispute_number} has no activities" in page.activities.empty.text()
    assert page.reopen_case_action.isEnabled()
    page.all_cases_button.click()
    assert page.case_id is None
    assert page.transactions.model.rowCount() == 4
    assert page.activities.model.rowCount() == 3


def test_a_case_asked_for_is_chosen_when_the_customer_loads(
    qtbot, page: CollectionsPage, setting: Setting
) -> None:
    show(qtbot, page, setting.books.ruiz.id, setting.dispute)
    assert page.case_id == setting.dispute
    assert [r.id for r in page.cases.selected_rows()] == [setting.dispute]
    assert texts(page.transactions, 0) == [setting.books.b.document_number]


def test_refresh_reads_everything_again_and_ages_the_customer_live(
    qtbot, page: CollectionsPage, setting: Setting
) -> None:
    """One command, Refresh (F5): the rows and the facts are read again, the facts live."""
    o = setting.books
    show(qtbot, page, o.ruiz.id)
    assert page.facts_origin is FactsOrigin.SNAPSHOT
    # Paid elsewhere (another collector, the Workspace, an import).
    with setting.database.sessions.begin() as session:
        paid = postings.post_payment(
            session, customer_id=o.ruiz.id, amount=D("1034.56"), posting_date=TODAY, now=NOW
        )
        settlements.settle(session, {o.a.id: D("1034.56"), paid.id: D("1034.56")}, TODAY, NOW)
    assert values(page.aged_box)["c2"] == "1,034.56"  # what was read, until Refresh
    # One Refresh button; no second "Reload" beside it.
    buttons = {b.objectName() for b in page.findChildren(QToolButton)} | {
        b.objectName() for b in page.findChildren(QPushButton)
    }
    assert "collections_refresh_button" in buttons
    assert not {"collections_reload_button", "refresh_facts_button"} & buttons
    assert "(F5)" in page.refresh_action.toolTip()
    with qtbot.waitSignal(page.loaded, timeout=LOAD):
        page.refresh_action.trigger()
    assert page.facts_origin is FactsOrigin.REFRESHED
    assert page.facts is not None
    assert page.facts.live
    assert page.facts_source.text() == "As of today, live (Nov 23, 2026) · Standard"
    assert texts(page.transactions, 6) == ["settled", "settled", "500.00", "99.95"]
    aged = values(page.aged_box)
    assert [aged[f"c{i}"] for i in range(3)] == ["99.95", "500.00", "0.00"]
    assert aged["total"] == "599.95"
    credit = values(page.credit_box)
    assert (credit["balance"], credit["available"], credit["past_due"]) == (
        "599.95",
        "1,400.05",
        "500.00",
    )
    assert credit["oldest"] == "22 days"


def test_a_customer_no_snapshot_holds_is_aged_live(
    qtbot, page: CollectionsPage, setting: Setting
) -> None:
    show(qtbot, page, setting.quiet)
    assert page.facts_origin is FactsOrigin.NO_SNAPSHOT
    assert page.facts_source.text() == (
        "As of today, live (Nov 23, 2026): no snapshot holds this customer yet · Standard"
    )
    assert values(page.aged_box)["total"] == "0.00"
    assert values(page.credit_box)["balance"] == "0.00"
    assert values(page.credit_box)["available"] == "900.00"
    assert page.cases.stack.currentWidget() is page.cases.empty
    assert "No cases for this customer" in page.cases.empty.text()
    assert "Nothing is open on this account" in page.transactions.empty.text()


def live_figures(setting: Setting, customer: uuid.UUID) -> dict[str, str]:
    """The customer's balances read from the database now, formatted as the boxes show them."""
    with setting.database.sessions() as session:
        facts = live_facts(session, setting.books.scope, customer, TODAY)
        owed = balances.balance(session, customer, TODAY)
    assert facts.balance == owed
    return {
        "total": f"{owed:,.2f}",
        **{f"c{i}": f"{amount:,.2f}" for i, amount in enumerate(facts.columns)},
        "past_due": f"{facts.past_due:,.2f}",
        "available": f"{facts.available_credit:,.2f}",
    }


def test_after_a_status_change_the_facts_are_live_without_refresh(
    qtbot, page: CollectionsPage, setting: Setting
) -> None:
    """Invoice a (1,034.56) disputed through the page: the Disputed fact says so at once."""
    o = setting.books
    show(qtbot, page, o.ruiz.id)
    assert values(page.credit_box)["disputed"] == "nothing"
    row = texts(page.transactions, 6).index("1,034.56")
    page.transactions.view.selectRow(row)
    page.transaction_actions.actions["change_status"].trigger()
    qtbot.waitUntil(lambda: page.transaction_actions.dialog is not None, timeout=LOAD)
    dialog = page.transaction_actions.dialog
    dialog.status.setCurrentIndex(dialog.status.findData("disputed"))
    with qtbot.waitSignal(page.loaded, timeout=LOAD):
        dialog.ok_button.click()
    assert page.facts_origin is FactsOrigin.CHANGED
    assert page.facts_source.text() == (
        "Live, after your change: as of today (Nov 23, 2026) · Standard"
    )
    assert values(page.credit_box)["disputed"] == "1 item · 1,034.56"
    assert texts(page.transactions, 8)[1] == "Disputed"
    # Away to another customer and back: still live, the snapshot no longer tells them.
    show(qtbot, page, setting.quiet)
    show(qtbot, page, o.ruiz.id)
    assert page.facts_origin is FactsOrigin.CHANGED
    assert values(page.credit_box)["disputed"] == "1 item · 1,034.56"


def test_a_new_activity_goes_into_the_chosen_case(
    qtbot, page: CollectionsPage, setting: Setting
) -> None:
    show(qtbot, page, setting.books.ruiz.id)
    page.cases.view.selectRow(1)  # the autumn case
    page.new_activity_action.trigger()
    qtbot.waitUntil(lambda: page.activity_actions.dialog is not None, timeout=LOAD)
    dialog = page.activity_actions.dialog
    # The customer is the page's: shown, not to be changed.
    assert dialog.customer_search is None
    assert dialog.customer.text() == f"{setting.books.ruiz.account} · Ruiz Hermanos SL"
    assert dialog.case is not None
    assert dialog.case.currentData() == setting.autumn.hex
    qtbot.keyClicks(dialog.purpose, "Send the statement of the autumn invoices")
    with qtbot.waitSignal(page.loaded, timeout=LOAD):
        dialog.ok_button.click()
    # Read again, still filtered by the case, the new activity in it (ending first).
    assert page.case_id == setting.autumn
    assert texts(page.activities, 2) == [
        "Send the statement of the autumn invoices",
        "Call about invoice a",
    ]
    with setting.database.sessions() as session:
        made = session.scalars(
            select(Activity).where(Activity.purpose.startswith("Send the statement"))
        ).one()
        assert (made.customer_id, made.case_id) == (setting.books.ruiz.id, setting.autumn)


def test_closing_the_case_from_the_page(qtbot, page: CollectionsPage, setting: Setting) -> None:
    show(qtbot, page, setting.books.ruiz.id)
    page.cases.view.selectRow(1)
    with qtbot.waitSignal(page.loaded, timeout=LOAD):
        page.close_case_action.trigger()
    assert texts(page.cases, 3) == ["Closed", "Closed"]
    assert page.status.startswith(f"Case {setting.autumn_number} closed; 1 of its activities")


# The completer's popup opens while typing; the offscreen platform cannot raise it or
# grab the keyboard for it, and says so.
@pytest.mark.qt_log_ignore("does not support raise", "does not support grabbing the keyboard")
def test_the_customer_is_chosen_by_typing(qtbot, page: CollectionsPage, setting: Setting) -> None:
    page.activate()
    assert page.hint.isVisible()
    qtbot.waitUntil(lambda: page.customer_combo.count() == 3, timeout=LOAD)  # not Garnier
    qtbot.keyClicks(page.customer_combo.lineEdit(), "lopes")
    qtbot.waitUntil(lambda: page.customer_combo.count() == 1, timeout=LOAD)
    label = page.customer_combo.itemText(0)
    assert label == f"{setting.books.lopes.account} Lopes & Filhos Lda"
    with qtbot.waitSignal(page.loaded, timeout=LOAD):
        page.completer.activated[str].emit(label)
    page.completer.popup().hide()
    assert not page.hint.isVisible()
    assert page.data.customer.name == "Lopes & Filhos Lda"


def test_a_customer_outside_the_scope_is_refused(
    qtbot, page: CollectionsPage, setting: Setting
) -> None:
    page.show_customer(setting.books.garnier.id)
    qtbot.waitUntil(lambda: page.error.isVisible(), timeout=LOAD)
    assert "outside their pools" in page.error.text()
    assert page.data is None


def test_splitters_and_columns_round_trip(qtbot, page: CollectionsPage, setting: Setting) -> None:
    show(qtbot, page, setting.books.ruiz.id)
    page.transactions.view.horizontalHeader().resizeSection(0, 141)
    state = page.save_state()
    page.transactions.view.horizontalHeader().resizeSection(0, 60)
    page.restore_state(state)
    assert page.transactions.view.horizontalHeader().sectionSize(0) == 141
    sizes = page.vertical.sizes()
    page.restore_state({key: b"rubbish" for key in state})  # refused: nothing changes
    assert page.transactions.view.horizontalHeader().sectionSize(0) == 141
    assert page.vertical.sizes() == sizes


def test_writing_off_from_the_collections_page(
    qtbot, page: CollectionsPage, setting: Setting
) -> None:
    """The marked invoice of 99.95 is written off; the page reloads and it is gone."""
    from PySide6.QtCore import QItemSelectionModel

    from collections_desktop.models.db.schema import Journal, JournalLine

    o = setting.books
    show(qtbot, page, o.ruiz.id)
    actions = page.transaction_actions.actions
    assert not actions["write_off"].isEnabled()  # nothing marked
    row = texts(page.transactions, 6).index("99.95")
    page.transactions.view.selectionModel().select(
        page.transactions.model.index(row, 0),
        QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
    )
    assert actions["write_off"].isEnabled()
    actions["write_off"].trigger()
    qtbot.waitUntil(lambda: page.transaction_actions.dialog is not None, timeout=LOAD)
    dialog = page.transaction_actions.dialog
    dialog.reason.setCurrentIndex(dialog.reason.findData("SMALL"))
    with qtbot.waitSignal(page.loaded, timeout=LOAD):
        dialog.ok_button.click()
    assert texts(page.transactions, 6) == ["settled", "1,034.56", "500.00"]
    assert page.status.startswith("Written off in journal JNL-0000001: 99.95")
    # The fact boxes agree with the rows at once: aged live, and the caption says so.
    assert page.facts_origin is FactsOrigin.CHANGED
    assert page.facts_source.text().startswith("Live, after your change")
    aged, credit = values(page.aged_box), values(page.credit_box)
    now = live_figures(setting, o.ruiz.id)
    assert now["total"] == "1,534.56"  # 1,634.51 − 99.95
    assert [aged[f"c{i}"] for i in range(7)] == [now[f"c{i}"] for i in range(7)]
    assert aged["c0"] == "0.00"  # the current invoice written off
    assert aged["total"] == credit["balance"] == now["total"]
    assert credit["past_due"] == now["past_due"] == "1,534.56"
    assert credit["available"] == now["available"] == "465.44"
    with setting.database.sessions() as session:
        journal = session.scalars(select(Journal)).one()
        lines = session.execute(
            select(JournalLine.account_type, JournalLine.account, JournalLine.amount)
            .where(JournalLine.journal_id == journal.id)
            .order_by(JournalLine.line_number)
        ).all()
    assert journal.reason_code == "SMALL"
    assert [tuple(line) for line in lines] == [
        ("customer", o.ruiz.account, D("-99.95")),
        ("ledger", "681000", D("99.95")),
    ]

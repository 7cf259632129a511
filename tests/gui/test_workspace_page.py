"""The Workspace page on a real company: one customer's card, grids, timeline and contacts."""

from __future__ import annotations

import datetime as dt
import tempfile
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from collections_desktop.formatting import Formats
from collections_desktop.kernel.clock import Clock, FixedClock
from collections_desktop.models.actions.nsf import process_nsf
from collections_desktop.models.aging.snapshot import age_customers
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import CollectionStatusChange, CustomerPool
from collections_desktop.models.ledger import postings
from collections_desktop.models.people.pools import PoolCriteria
from collections_desktop.models.people.scope import AgentScope, company_scope, load_scope
from collections_desktop.models.screens.customer_card import open_transactions
from collections_desktop.models.screens.workspace import WorkspaceData
from collections_desktop.views.pages import workspace_page
from collections_desktop.views.pages.workspace_page import WorkspacePage
from collections_desktop.views.settings import CALL_METHOD, Settings
from collections_desktop.views.tasks import TaskRunner
from tests.gui.conftest import page_context
from tests.unit.test_scope import add_agent
from tests.unit.test_snapshot import NOW, TODAY, add_customer, invoice
from tests.unit.test_workspace import dressed

ENCODED = QUrl.ComponentFormattingOption.FullyEncoded


@dataclass
class Desk:
    """A Workspace page on a company, and what the page asked the desktop to open."""

    page: WorkspacePage
    ruiz: uuid.UUID
    ruiz_account: str
    other: uuid.UUID
    risk: int
    documents: list[str]
    urls: list[QUrl] = field(default_factory=list)
    settings: Settings = field(
        default_factory=lambda: Settings(Path(tempfile.mkdtemp()) / "settings.ini")
    )
    opens: list[bool] = field(default_factory=lambda: [True])

    def url_texts(self) -> list[str]:
        return [url.toString(ENCODED) for url in self.urls]


def make_page(
    qtbot, database: Database, scope: AgentScope, desk_args: dict, clock: Clock | None = None
) -> Desk:
    runner = TaskRunner()
    desk = Desk(page=None, **desk_args)  # type: ignore[arg-type]

    def open_url(url: QUrl) -> bool:
        desk.urls.append(url)
        return desk.opens[0]

    desk.page = WorkspacePage(
        page_context(
            database, runner, scope, None, clock or FixedClock.on(TODAY), settings=desk.settings
        ),
        open_url=open_url,
    )
    desk.page._test_runner = runner  # type: ignore[attr-defined]
    qtbot.addWidget(desk.page)
    desk.page.resize(1400, 900)
    desk.page.show()
    desk.page.activate()  # on screen, as the main window shows it: the selector's list
    return desk


@pytest.fixture
def desk(qtbot, sqlite_db: Database) -> Iterator[Desk]:
    with sqlite_db.sessions.begin() as session:
        customer = dressed(session)
        other = add_customer(session)
        other.name = "Garnier SA"
        invoice(session, other, "80.00", dt.date(2026, 12, 1))
        scope = company_scope(session)
        risk = {r.customer_id: r.risk_score for r in age_customers(session, TODAY, scope).rows}
        session.flush()
        args = {
            "ruiz": customer.id,
            "ruiz_account": customer.account,
            "other": other.id,
            "risk": risk[customer.id],
            "documents": [],
        }
    with sqlite_db.sessions() as session:
        args["documents"] = [
            r.document_number for r in open_transactions(session, scope, args["ruiz"], TODAY)
        ]
    desk = make_page(qtbot, sqlite_db, scope, args)
    yield desk
    desk.page._test_runner.shutdown()  # type: ignore[attr-defined]


def load(qtbot, desk: Desk, customer_id: uuid.UUID | None = None) -> None:
    with qtbot.waitSignal(desk.page.loaded, timeout=10_000):
        desk.page.show_customer(customer_id or desk.ruiz)


def grid_texts(grid) -> list[list[str]]:
    model = grid.model
    return [
        [model.index(row, column).data() for column in range(model.columnCount())]
        for row in range(model.rowCount())
    ]


# The completer's popup opens while typing; the offscreen platform cannot raise it or
# grab the keyboard for it, and says so.
@pytest.mark.qt_log_ignore("does not support raise", "does not support grabbing the keyboard")
def test_choosing_a_customer_in_the_selector_fills_the_page(qtbot, desk: Desk) -> None:
    page = desk.page
    assert page.hint.isVisible()
    qtbot.waitUntil(lambda: page.customer_combo.count() == 2, timeout=10_000)
    edit = page.customer_combo.lineEdit()
    qtbot.keyClicks(edit, "ruiz")
    qtbot.waitUntil(lambda: page.customer_combo.count() == 1, timeout=10_000)
    assert page.customer_combo.itemText(0) == f"{desk.ruiz_account} Ruiz Hermanos SL"
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.completer.activated[str].emit(page.customer_combo.itemText(0))
    assert not page.hint.isVisible()
    assert page.customer_combo.currentText() == f"{desk.ruiz_account} Ruiz Hermanos SL"
    assert page.summary.text() == (
        "Ruiz Hermanos SL owes 1,350.00\xa0EUR, of which 700.00 is past due; the oldest item "
        "is 34 days late. Last payment 50.00\xa0EUR on Nov 20, 2026. One promise to pay "
        "(400.00, the next by Nov 10, 2026) is open. One item is disputed (300.00). Last "
        "contact: e-mail on Oct 28, 2026, “Sent statement”. "
        f"Risk score {desk.risk} of 100."
    )
    assert page.risk.text() == f"Risk {desk.risk}"
    assert page.risk.isVisible()
    assert not page.on_hold.isVisible()
    assert page.chart.shown[0][0] == "Current"
    assert [amount for _label, amount in page.chart.shown][:3] == [700, 300, 400]


def test_the_grids_show_the_open_items_in_due_date_order(qtbot, desk: Desk) -> None:
    load(qtbot, desk)
    page = desk.page
    d = desk.documents
    assert [page.tabs.tabText(i) for i in range(page.tabs.count())] == [
        "Open transactions (4)",
        "Disputed (1)",
        "Promised to pay (1)",
        "Unsettled payments (1)",
    ]
    rows = grid_texts(page.open_grid)
    # Document, voucher, type, posted, due, days overdue, amount, open, currency,
    # expected payment, late risk (none predicted yet), status
    assert all(r[9] == r[10] == "" for r in rows)
    assert [(r[0], r[2], r[4], r[5], r[6], r[7], r[8], r[11]) for r in rows] == [
        (d[0], "Invoice", "Oct 20, 2026", "34", "400.00", "400.00", "EUR", "Promised to pay"),
        (d[1], "Invoice", "Nov 3, 2026", "20", "300.00", "300.00", "EUR", "Disputed"),
        (d[2], "Payment", "Nov 20, 2026", "", "-50.00", "-50.00", "EUR", ""),
        (d[3], "Invoice", "Dec 10, 2026", "", "700.00", "700.00", "EUR", ""),
    ]
    amount = page.open_grid.model.index(0, 6)
    assert amount.data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    assert page.open_grid.model.index(0, 5).data(Qt.ItemDataRole.ToolTipRole) == (
        "Due on October 20, 2026"
    )
    assert [r[0] for r in grid_texts(page.disputed_grid)] == [d[1]]
    [promised] = grid_texts(page.promised_grid)
    assert promised[0] == d[0]
    assert promised[-2:] == ["Nov 10, 2026", ""]  # promised date; no promised amount recorded
    assert [(r[0], r[4], r[5]) for r in grid_texts(page.unsettled_grid)] == [
        (d[2], "-50.00", "-50.00")
    ]
    # Clicking a header sorts: the open amount, largest first on the second click.
    page.open_grid.model.sort(7, Qt.SortOrder.DescendingOrder)
    assert [r[7] for r in grid_texts(page.open_grid)] == ["700.00", "400.00", "300.00", "-50.00"]


def test_a_customer_without_disputes_says_so_instead_of_an_empty_grid(qtbot, desk: Desk) -> None:
    load(qtbot, desk, desk.other)
    page = desk.page
    page.tabs.setCurrentWidget(page.disputed_grid)
    assert page.disputed_grid.empty.isVisible()
    assert page.disputed_grid.empty.text() == "No item of this customer is disputed."
    assert not page.disputed_grid.view.isVisible()
    assert not page.reminder_button.isEnabled()  # nothing is past due
    assert page.summary.text().startswith("Garnier SA owes 80.00\xa0EUR; nothing is past due.")


def test_the_timeline_filters_by_type_and_shows_details_in_tooltips(qtbot, desk: Desk) -> None:
    load(qtbot, desk)
    page = desk.page
    assert page.timeline.filter.currentText() == "All types"
    assert len(page.timeline_entries()) == 12
    first = page.timeline.tree.topLevelItem(0)
    assert first.text(0) == "Nov 20, 2026"
    assert first.text(1) == f"Payment {desk.documents[2]} · -50.00\xa0EUR"
    assert "Voucher: " in first.toolTip(1)
    assert "Amount: -50.00\xa0EUR" in first.toolTip(1)
    page.timeline.filter.setCurrentIndex(page.timeline.filter.findText("Tasks"))
    titles = [page.timeline.tree.topLevelItem(i).text(1) for i in range(2)]
    assert page.timeline.tree.topLevelItemCount() == 2
    assert titles == [
        "Task · Follow-up · Marta Soto · Call about the promise · User memo included",
        "Task · Follow-up · Marta Soto · Check credit",
    ]
    tooltip = page.timeline.tree.topLevelItem(0).toolTip(0)
    ends = dt.datetime(2026, 11, 18, 10, 30, tzinfo=dt.UTC).astimezone()  # the computer's
    day = Formats().date(ends.date(), "long")  # "November 18, 2026" in UTC
    assert f"Ends: {day} {Formats().time(ends)}" in tooltip  # "10:30 AM" in UTC
    assert "User memo included" in tooltip
    page.timeline.filter.setCurrentIndex(page.timeline.filter.findText("Payments"))
    assert page.timeline.tree.topLevelItemCount() == 3
    page.timeline.filter.setCurrentIndex(page.timeline.filter.findText("Credit notes"))
    assert page.timeline.empty.isVisible()
    assert page.timeline.empty.text() == "Nothing of this type happened in the last 12 months."
    page.timeline.filter.setCurrentIndex(page.timeline.filter.findText("Invoices"))
    assert page.timeline.tree.topLevelItemCount() == 5


def test_opening_a_timeline_entry_says_what_to_open(qtbot, desk: Desk) -> None:
    load(qtbot, desk)
    page = desk.page
    page.timeline.filter.setCurrentIndex(page.timeline.filter.findText("Tasks"))
    entry = page.timeline_entries()[0]
    item = page.timeline.tree.topLevelItem(0)
    with qtbot.waitSignal(page.document_activated) as signal:
        page.timeline.tree.setCurrentItem(item)
        qtbot.keyClick(page.timeline.tree, Qt.Key.Key_Return)
    assert signal.args == ["activity", entry.target_id]


def test_email_and_call_buttons_open_the_exact_urls(qtbot, desk: Desk) -> None:
    load(qtbot, desk)
    page = desk.page
    assert page.contacts.contact_name.text() == "Ana Ruiz"
    assert page.contacts.contact_email.text() == "ana@ruiz.example"
    assert page.contacts.contact_phone.text() == "+34 91 555 0101"
    assert page.contacts.other_contact.text() == "Luis Ruiz · +34 600 1"
    assert page.contacts.organisation.text() == (
        "Calle Mayor 4, 28013 Madrid, ES · +34 91 555 0100 · info@ruiz.example"
    )
    assert page.contacts.internal_team.text() == (
        "primary contact Luis Ruiz · responsible Marta Soto · m.soto@firm.example · +34 1"
    )
    assert page.contacts.credit.text() == (
        "Credit limit 1,500.00\xa0EUR · Available 150.00\xa0EUR · "
        "Last payment 50.00\xa0EUR on Nov 20, 2026"
    )
    qtbot.mouseClick(page.contacts.email_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.contacts.call_button, Qt.MouseButton.LeftButton)
    desk.settings.set(CALL_METHOD, "teams")
    qtbot.mouseClick(page.contacts.call_button, Qt.MouseButton.LeftButton)
    assert desk.url_texts() == [
        "mailto:ana@ruiz.example",
        "tel:+34915550101",
        "https://teams.microsoft.com/l/call/0/0?users=4:+34915550101",
    ]
    assert page.contacts.call_button.toolTip() == "Call +34 91 555 0101"


def test_the_reminder_email_names_the_subject_and_the_past_due_items(qtbot, desk: Desk) -> None:
    load(qtbot, desk)
    page = desk.page
    qtbot.mouseClick(page.reminder_button, Qt.MouseButton.LeftButton)
    [url] = desk.url_texts()
    address, query = url.split("?", 1)
    assert address == "mailto:ana@ruiz.example"
    fields = {key: unquote(value) for key, value in (p.split("=", 1) for p in query.split("&"))}
    assert fields["subject"] == f"Payment reminder – account {desk.ruiz_account}"
    body = fields["body"]
    assert f"- {desk.documents[0]}, due Oct 20, 2026: 400.00\xa0EUR open (34 days overdue)" in body
    assert f"- {desk.documents[1]}, due Nov 3, 2026: 300.00\xa0EUR open (20 days overdue)" in body
    assert desk.documents[3] not in body  # not due yet
    assert "Total past due: 700.00\xa0EUR" in body
    assert body.endswith("Kind regards,\r\nTest Company")


def test_the_reminder_falls_back_to_the_clipboard(qtbot, desk: Desk) -> None:
    load(qtbot, desk)
    page = desk.page
    desk.opens[0] = False  # no e-mail program
    with qtbot.waitSignal(page.status_changed) as status:
        qtbot.mouseClick(page.reminder_button, Qt.MouseButton.LeftButton)
    assert "copied to the clipboard" in status.args[0]
    text = QApplication.clipboard().text()
    assert text.startswith(
        f"To: ana@ruiz.example\nSubject: Payment reminder – account {desk.ruiz_account}\n\n"
    )
    QApplication.clipboard().clear()
    qtbot.mouseClick(page.copy_button, Qt.MouseButton.LeftButton)
    assert desk.documents[0] in QApplication.clipboard().text()


def select_rows(grid, rows: list[int]) -> None:
    from PySide6.QtCore import QItemSelectionModel

    view = grid.view
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    view.selectionModel().clearSelection()
    for row in rows:
        view.selectionModel().select(grid.model.index(row, 0), flags)


def test_the_actions_follow_the_marked_rows(qtbot, desk: Desk) -> None:
    load(qtbot, desk)
    page = desk.page
    actions = page.transaction_actions.actions
    assert [action.text() for action in actions.values()] == [
        "Record payment…",
        "Change status",
        "Settle",
        "Reverse settlement",
        "Write off",
        "NSF payment",
        "Interest notes",
        "Waive or reinstate",
        "Collection letters",
        "Block letters",
        "Reprint",
        "Receipt",
        "Refund…",
        "View collections history",
    ]
    # Nothing marked: only what needs no marks (the customer has invoices and a payment).
    assert not actions["change_status"].isEnabled()
    assert not actions["write_off"].isEnabled()
    assert actions["settle"].isEnabled()
    assert actions["collections_history"].isEnabled()
    select_rows(page.open_grid, [0])
    assert page.action_context().selected[0].is_debit
    assert actions["change_status"].isEnabled()
    assert actions["write_off"].isEnabled()


def test_a_dispute_set_in_the_workspace_shows_after_the_reload(qtbot, desk: Desk) -> None:
    load(qtbot, desk)
    page = desk.page
    disputed = page.disputed_grid.model.rowCount()
    select_rows(page.open_grid, [0])
    document = page.action_context().selected[0].document_number
    assert document not in [r[0] for r in grid_texts(page.disputed_grid)]
    page.transaction_actions.actions["change_status"].trigger()
    dialog = page.transaction_actions.dialog
    dialog.status.setCurrentIndex(dialog.status.findData("disputed"))
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        dialog.ok_button.click()
    row = next(r for r in grid_texts(page.disputed_grid) if r[0] == document)
    assert "Disputed" in row
    assert page.tabs.tabText(1) == f"Disputed ({disputed + 1})"


def test_a_write_off_refused_in_the_workspace_writes_nothing(qtbot, desk: Desk) -> None:
    load(qtbot, desk)
    page = desk.page
    select_rows(page.open_grid, [0])
    before = grid_texts(page.open_grid)
    page.transaction_actions.actions["write_off"].trigger()
    qtbot.waitUntil(lambda: page.transaction_actions.dialog is not None, timeout=10_000)
    dialog = page.transaction_actions.dialog
    dialog.date.setDate(dialog.date.date().addYears(-5))  # before the invoice was posted
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=10_000)
    assert "posted" in dialog.error.text()
    dialog.reject()
    page.refresh()
    qtbot.waitUntil(lambda: not page.is_loading, timeout=10_000)
    assert grid_texts(page.open_grid) == before


def test_a_newer_customer_supersedes_an_older_one(qtbot, desk: Desk) -> None:
    page = desk.page
    loaded = []
    page.loaded.connect(loaded.append)
    page.show_customer(desk.ruiz)
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.show_customer(desk.other)
    qtbot.waitUntil(lambda: not page._test_runner.active_tasks, timeout=10_000)  # type: ignore[attr-defined]
    assert [data.card.name for data in loaded] == ["Garnier SA"]
    assert not page.is_loading
    assert not page.is_busy_shown


def test_splitter_state_round_trips(qtbot, desk: Desk) -> None:
    load(qtbot, desk)  # the splitters laid out at the page's width
    page = desk.page
    page.horizontal.setSizes([900, 300])
    state = page.save_state()
    assert set(state) == {"horizontal", "vertical"}
    page.horizontal.setSizes([300, 900])
    page.restore_state(state)
    assert page.horizontal.sizes()[0] > page.horizontal.sizes()[1]
    page.restore_state({"horizontal": b"nonsense", "vertical": b""})  # ignored
    assert page.horizontal.sizes()[0] > page.horizontal.sizes()[1]


def test_an_agent_sees_only_their_pools_customers(qtbot, sqlite_db: Database) -> None:
    with sqlite_db.sessions.begin() as session:
        spain, france = add_customer(session, "ES"), add_customer(session, "FR")
        iberia = CustomerPool(
            name="Iberia", criteria=PoolCriteria(countries=("ES",)).to_json(), updated_at=NOW
        )
        session.add(iberia)
        session.flush()
        scope = load_scope(session, add_agent(session, [iberia], default=iberia))
        france_id, spain_account = france.id, spain.account
    desk = make_page(
        qtbot,
        sqlite_db,
        scope,
        {"ruiz": france_id, "ruiz_account": "", "other": france_id, "risk": 0, "documents": []},
    )
    page = desk.page
    try:
        assert [page.pool_combo.itemText(i) for i in range(page.pool_combo.count())] == ["Iberia"]
        qtbot.waitUntil(lambda: page.customer_combo.count() == 1, timeout=10_000)
        assert page.customer_combo.itemText(0).startswith(spain_account)
        with qtbot.waitSignal(page.status_changed, timeout=10_000) as status:
            page.show_customer(france_id)
        assert "cannot see this customer" in status.args[0]
        assert page.error.isVisible()
        assert page.data is None
    finally:
        page._test_runner.shutdown()  # type: ignore[attr-defined]


def test_a_slow_load_shows_the_busy_row_and_never_blocks(qtbot, desk: Desk, monkeypatch) -> None:
    release = threading.Event()
    real = workspace_page.load_workspace

    def slow(*args, **kwargs):
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(workspace_page, "load_workspace", slow)
    page = desk.page
    with qtbot.waitSignal(page.busy_changed, timeout=5_000) as shown:
        page.show_customer(desk.ruiz)
    assert shown.args == [True]
    assert page.is_busy_shown
    assert page.is_loading
    with qtbot.waitSignals([page.busy_changed, page.loaded], timeout=10_000):
        release.set()
    assert not page.is_busy_shown
    assert page.data.card.name == "Ruiz Hermanos SL"


def test_nsf_without_a_marked_payment_asks_which_one(qtbot, desk: Desk) -> None:
    """The payment of 50.00 received on 20 Nov is offered, and choosing it opens the NSF."""
    load(qtbot, desk)
    page = desk.page
    page.transaction_actions.actions["nsf_payment"].trigger()
    qtbot.waitUntil(lambda: page.transaction_actions.dialog is not None, timeout=10_000)
    chooser = page.transaction_actions.dialog
    assert chooser.objectName() == "nsf_chooser"
    assert chooser.comboBoxItems()[0].endswith("of Nov 20, 2026: 50.00\xa0EUR")
    chooser.textValueSelected.emit(chooser.comboBoxItems()[0])
    qtbot.waitUntil(lambda: page.transaction_actions.dialog is not chooser, timeout=10_000)
    assert page.transaction_actions.dialog.objectName() == "nsf_dialog"
    page.transaction_actions.dialog.reject()


STOPPED = FixedClock(dt.datetime(2026, 11, 25, 15, 47, 11, tzinfo=dt.UTC))
"""Two days after the company's figures, at an odd second: no wall clock gives this."""


def test_dates_and_timestamps_come_from_the_clock(qtbot, desk: Desk, sqlite_db: Database) -> None:
    """The dialogs default to the clock's today and a status change is stamped with its now."""
    from sqlalchemy import select

    args = {
        "ruiz": desk.ruiz,
        "ruiz_account": desk.ruiz_account,
        "other": desk.other,
        "risk": desk.risk,
        "documents": desk.documents,
    }
    stopped = make_page(qtbot, sqlite_db, desk.page.context.scope, args, clock=STOPPED)
    page = stopped.page
    try:
        with qtbot.waitSignal(page.loaded, timeout=10_000):
            page.show_customer(desk.ruiz)
        assert page.status.endswith("figures on Nov 25, 2026")
        page.transaction_actions.actions["settle"].trigger()
        assert page.transaction_actions.dialog.date.date().toPython() == dt.date(2026, 11, 25)
        page.transaction_actions.dialog.reject()
        select_rows(page.open_grid, [0])
        marked = page.action_context().selected[0].id
        page.transaction_actions.actions["change_status"].trigger()
        dialog = page.transaction_actions.dialog
        assert dialog.promise_date.date().toPython() == dt.date(2026, 12, 2)  # a week on
        dialog.status.setCurrentIndex(dialog.status.findData("disputed"))
        with qtbot.waitSignal(page.loaded, timeout=10_000):
            dialog.ok_button.click()
        with sqlite_db.sessions() as session:
            changed_at = session.scalars(
                select(CollectionStatusChange.changed_at)
                .where(CollectionStatusChange.transaction_id == marked)
                .order_by(CollectionStatusChange.changed_at.desc())
            ).first()
        assert changed_at is not None
        assert changed_at.replace(tzinfo=changed_at.tzinfo or dt.UTC) == STOPPED.now()
    finally:
        page._test_runner.shutdown()  # type: ignore[attr-defined]


def test_interest_charges_and_letters_open_through_the_actions(qtbot, desk: Desk) -> None:
    """Each action reads its dialog's choices and writes on OK, the same way."""
    load(qtbot, desk)
    page = desk.page
    actions = page.transaction_actions
    actions.actions["interest"].trigger()
    interest = actions.dialog
    assert interest.objectName() == "interest_dialog"
    qtbot.waitUntil(lambda: interest.query() == interest.value(), timeout=10_000)  # proposed
    interest.reject()
    actions.actions["charges"].trigger()
    qtbot.waitUntil(lambda: actions.dialog is not interest, timeout=10_000)
    assert actions.dialog.objectName() == "charges_dialog"
    actions.dialog.reject()
    actions.actions["letters"].trigger()
    assert actions.dialog.objectName() == "letters_dialog"
    actions.dialog.reject()
    actions.actions["letter_block"].trigger()
    block = actions.dialog
    assert block.objectName() == "letter_block_dialog"
    block.reason.setText("Paying in instalments")
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        block.ok_button.click()
    assert page.status.startswith("Letters blocked until Dec 7, 2026")


def test_a_payment_returned_as_nsf_is_no_last_payment_in_summary_or_credit_line(
    qtbot, desk: Desk, sqlite_db: Database
) -> None:
    with sqlite_db.sessions.begin() as session:
        bounced = postings.post_payment(
            session,
            customer_id=desk.ruiz,
            amount=Decimal("25824.50"),
            posting_date=dt.date(2026, 11, 21),
            now=NOW,
        )
        process_nsf(
            session, company_scope(session), bounced.id, dt.date(2026, 11, 22), NOW,
            created_by_id=None,
        )  # fmt: skip
        number = bounced.document_number
    load(qtbot, desk)
    page = desk.page
    # The 25,824.50 came back unpaid: the last payment is the 50.00 of 20 November.
    assert "Last payment 50.00\xa0EUR on Nov 20, 2026." in page.summary.text()
    assert "25,824.50" not in page.summary.text()
    assert page.contacts.credit.text().endswith("Last payment 50.00\xa0EUR on Nov 20, 2026")
    # On the timeline the payment says it came back, and the return is a reversal.
    titles = [e.title for e in page.timeline_entries()]
    returned = f"Payment {number} · -25,824.50\xa0EUR · returned unpaid on Nov 22, 2026"
    assert returned in titles
    assert any(t.startswith("Reversal ") and "25,824.50" in t for t in titles)


def test_a_prediction_shows_its_date_risk_and_why_and_the_summary_says_the_late_amount(
    qtbot, desk: Desk, sqlite_db: Database
) -> None:
    """A stored prediction of the first open invoice (400.00, due Oct 20): its expected
    payment and late risk in the grid, the reasons in their tooltip, and the expected late
    amount (37% of 400.00) in the summary."""
    from collections_desktop.models.db.schema import CustomerTransaction, InvoicePrediction

    with sqlite_db.sessions.begin() as session:
        first = session.scalars(
            select(CustomerTransaction).where(
                CustomerTransaction.document_number == desk.documents[0]
            )
        ).one()
        session.add(
            InvoicePrediction(
                transaction_id=first.id,
                customer_id=desk.ruiz,
                as_of=TODAY,
                predicted_date=dt.date(2026, 12, 18),
                late_chance=3_700,
                usual_delay_days=12,
                trend_days=3,
                disputed=False,
                open_amount=Decimal("400.00"),
                expected_late=Decimal("148.00"),
                created_at=NOW,
            )
        )
    load(qtbot, desk)
    page = desk.page
    row = grid_texts(page.open_grid)[0]
    assert (row[0], row[9], row[10]) == (desk.documents[0], "Dec 18, 2026", "37%")
    assert page.open_grid.model.index(0, 10).data(Qt.ItemDataRole.ToolTipRole) == (
        "Expected to be paid on Dec 18, 2026; 37% chance of paying more than 15 days late.\n"
        "This customer usually pays 12 days after the due date.\n"
        "Lately 3 days slower than before.\n"
        f"Learned from the invoices settled before {TODAY:%b} {TODAY.day}, {TODAY.year}."
    )
    assert "Expected to be paid more than 15 days late: 148.00\xa0EUR." in page.summary.text()


def test_predict_pay_dates_predicts_this_customer_and_shows_it(
    qtbot, desk: Desk, sqlite_db: Database
) -> None:
    """With a year of another customer's settled invoices to learn from, the action
    predicts this customer's three open invoices (not its payment) and reads them back."""
    from collections_desktop.models.db.schema import Customer, InvoicePrediction
    from tests.unit.test_predict import history

    with sqlite_db.sessions.begin() as session:
        history(session, session.get(Customer, desk.other), 40)
    load(qtbot, desk)
    page = desk.page
    assert page.predict_action.isEnabled()
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.predict_action.trigger()
    assert page.status.startswith("Pay dates predicted for 3 open invoices. · ")
    rows = grid_texts(page.open_grid)
    assert [bool(r[9]) for r in rows] == [r[2] == "Invoice" for r in rows]
    with sqlite_db.sessions() as session:
        stored = session.scalars(select(InvoicePrediction.customer_id)).all()
    assert stored == [desk.ruiz] * 3


def test_a_long_timeline_lists_the_newest_entries_and_more_on_request(qtbot) -> None:
    """450 entries: the newest 200 listed and a last row saying 250 are older; opening it
    lists 200 more, then the last 50; a type filter starts again from its newest."""
    from collections_desktop.models.screens.workspace import Target, TimelineEntry, TimelineKind
    from collections_desktop.views.icons import IconRegistry
    from collections_desktop.views.widgets.timeline import CustomerTimeline

    timeline = CustomerTimeline(Formats("en_US"), IconRegistry())
    qtbot.addWidget(timeline)
    start = dt.date(2026, 11, 23)
    entries = [
        TimelineEntry(
            kind=TimelineKind.INVOICE if n % 3 else TimelineKind.PAYMENT,
            date=start - dt.timedelta(days=n),
            at=None,
            title=f"Entry {n}",
            tooltip="",
            target_kind=Target.TRANSACTION,
            target_id=uuid.uuid4(),
        )
        for n in range(450)
    ]
    timeline.set_entries(entries)
    tree = timeline.tree
    assert tree.topLevelItemCount() == 201
    assert tree.topLevelItem(199).text(1) == "Entry 199"
    last = tree.topLevelItem(200)
    assert last.text(1) == "250 older entries: open to list up to 200 more"
    tree.itemActivated.emit(last, 0)
    assert tree.topLevelItemCount() == 401
    assert tree.topLevelItem(400).text(1) == "50 older entries: open to list up to 200 more"
    timeline.show_more()
    assert [tree.topLevelItem(i).text(1) for i in (0, 449)] == ["Entry 0", "Entry 449"]
    assert tree.topLevelItemCount() == 450
    timeline.filter.setCurrentIndex(timeline.filter.findData(TimelineKind.PAYMENT))
    assert tree.topLevelItemCount() == 150  # every third: 150 payments, all listed


def test_a_big_accounts_timeline_reads_a_page_more_each_time_and_filters_in_sql(
    qtbot, desk: Desk, sqlite_db: Database
) -> None:
    """450 invoices in the year: the customer is read with its newest
    100 entries; each ask for older ones reads up to 200 more (and one, to tell whether
    any is older), and a type filter reads the newest of that type."""
    from collections_desktop.models.db.schema import Customer
    from collections_desktop.models.screens.workspace import TimelineKind

    with sqlite_db.sessions.begin() as session:
        garnier = session.get(Customer, desk.other)
        for n in range(450):
            invoice(session, garnier, "10.00", TODAY + dt.timedelta(days=29 - n // 2))
    load(qtbot, desk, desk.other)
    page = desk.page
    tree = page.timeline.tree
    older = "Older entries: open to list them"
    assert tree.topLevelItemCount() == 101
    assert tree.topLevelItem(100).text(1) == older

    def ask_for_older(count: int) -> None:
        tree.itemActivated.emit(tree.topLevelItem(tree.topLevelItemCount() - 1), 0)
        qtbot.waitUntil(lambda: tree.topLevelItemCount() == count, timeout=10_000)

    ask_for_older(201)
    assert tree.topLevelItem(200).text(1) == older
    ask_for_older(401)
    assert tree.topLevelItem(400).text(1) == older
    ask_for_older(451)  # the 450 invoices and the first one, posted before
    assert "older" not in tree.topLevelItem(450).text(1).lower()

    timeline = page.timeline
    wishes: list[tuple[object, int]] = []
    timeline.older_wanted.connect(lambda kind, count: wishes.append((kind, count)))
    timeline.filter.setCurrentIndex(timeline.filter.findData(TimelineKind.PAYMENT))
    assert (tree.topLevelItemCount(), wishes) == (0, [])  # every entry read: no read
    timeline.filter.setCurrentIndex(0)
    timeline.set_entries(timeline.shown()[:100], complete=False)  # as a new read has them
    timeline.filter.setCurrentIndex(timeline.filter.findData(TimelineKind.INVOICE))
    qtbot.waitUntil(lambda: tree.topLevelItemCount() == 201, timeout=10_000)
    assert {entry.kind for entry in timeline.shown()} == {TimelineKind.INVOICE}
    assert tree.topLevelItem(200).text(1) == older
    timeline.filter.setCurrentIndex(timeline.filter.findData(TimelineKind.PAYMENT))
    qtbot.waitUntil(lambda: len(wishes) == 2 and not page.timeline_reads.is_loading, timeout=10_000)
    assert wishes == [(TimelineKind.INVOICE, 201), (TimelineKind.PAYMENT, 201)]
    assert tree.topLevelItemCount() == 0
    assert timeline.empty.text() == "Nothing of this type happened in the last 12 months."


def test_a_big_account_lists_its_first_rows_and_reads_on_as_it_is_scrolled_and_sorted(
    qtbot, desk: Desk, sqlite_db: Database
) -> None:
    """250 open invoices, 120 of them disputed, due one a day: the first screen lists the
    first 100 of each tab in its sort with every tab's whole count, and no action works
    until every row is read for them; a scroll to the end reads the next rows, a header
    click the first ones in the new order (from SQL), and an invoice asked for (a click
    in the timeline) is read through and selected."""
    from collections_desktop.models.actions.status import apply_change
    from collections_desktop.models.db.schema import CollectionStatus, Customer

    with sqlite_db.sessions.begin() as session:
        garnier = session.get(Customer, desk.other)
        made = [
            invoice(session, garnier, f"{n + 1}.00", TODAY - dt.timedelta(days=300 - n))
            for n in range(250)
        ]
        for txn in made[130:]:  # the last 120 by due date, none among the first 100
            apply_change(
                session, txn, CollectionStatus.DISPUTED, NOW,
                changed_by_id=None, note=None, promise_date=None, promise_amount=None,
            )  # fmt: skip
        last = made[-1].id
    page = desk.page
    firsts: list[tuple[bool, object, bool]] = []  # as the first screen is shown

    def first_shown(data: WorkspaceData) -> None:
        firsts.append((data.complete, page.action_context(), page.reminder_button.isEnabled()))

    page.first_shown.connect(first_shown)
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.show_customer(desk.other)
    assert firsts == [(False, None, False)]
    open_model, disputed = page.open_grid.model, page.disputed_grid.model
    assert (open_model.rowCount(), open_model.window) == (100, 251)
    assert open_model.row(open_model.index(0, 0)).amount == Decimal("1.00")
    assert (disputed.rowCount(), disputed.window) == (100, 120)
    assert disputed.row(disputed.index(0, 0)).amount == Decimal("131.00")
    assert [page.tabs.tabText(i) for i in range(2)] == [
        "Open transactions (251)",  # the 80.00 of the fixture, and the 250
        "Disputed (120)",
    ]
    assert page.data.complete  # every row, for the actions and the reminder
    assert page.action_context() is not None
    assert page.reminder_button.isEnabled()

    page.tabs.setCurrentWidget(page.disputed_grid)
    page.disputed_grid.view.scrollToBottom()
    qtbot.waitUntil(lambda: disputed.rowCount() == 120, timeout=10_000)
    assert disputed.row(disputed.index(119, 0)).amount == Decimal("250.00")
    assert not disputed.canFetchMore()

    page.tabs.setCurrentWidget(page.open_grid.parentWidget())
    header = page.open_grid.view.horizontalHeader()
    header.setSortIndicator(6, Qt.SortOrder.DescendingOrder)  # Amount
    qtbot.waitUntil(lambda: not open_model.reading, timeout=10_000)
    amounts = [open_model.row(open_model.index(r, 0)).amount for r in range(3)]
    assert amounts == [Decimal("250.00"), Decimal("249.00"), Decimal("248.00")]
    assert open_model.rowCount() == 200  # a page of the new order

    header.setSortIndicator(4, Qt.SortOrder.AscendingOrder)  # Due, oldest first
    qtbot.waitUntil(lambda: not open_model.reading, timeout=10_000)
    assert page.show_transaction(last)  # not read yet: read through, then selected
    qtbot.waitUntil(lambda: [r.id for r in page.open_grid.marked()] == [last], timeout=10_000)
    assert open_model.rowCount() == 251

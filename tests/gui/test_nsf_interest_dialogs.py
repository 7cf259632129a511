"""The NSF, Interest notes and Interest and fees dialogs, driven like a collector drives them.

Each dialog is opened and written by the Workspace's actions (``TransactionActions``) on a
real SQLite company: the happy path's figures are read back from the database, and a refusal shows
its message in the dialog with nothing written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog, QWidget
from sqlalchemy import func, select

from collections_desktop.formatting import Formats
from collections_desktop.kernel.clock import FixedClock
from collections_desktop.models.actions.charge_rows import charge_state, note_charges
from collections_desktop.models.actions.interest_notes import create_interest_notes
from collections_desktop.models.actions.nsf import process_nsf
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    ChargeAdjustment,
    Customer,
    CustomerTransaction,
    InterestNote,
    Journal,
    Settlement,
)
from collections_desktop.models.ledger import balances
from collections_desktop.models.people.scope import company_scope
from collections_desktop.views.actions.charges import open_charges, open_interest
from collections_desktop.views.actions.transactions import TransactionActions
from collections_desktop.views.dialogs.charges_dialog import ChargesDialog
from collections_desktop.views.dialogs.interest_dialog import InterestDialog
from collections_desktop.views.dialogs.nsf_dialog import NsfDialog
from collections_desktop.views.itemmodels.rows import RIGHT
from collections_desktop.views.tasks import TaskRunner
from tests.gui.conftest import page_context
from tests.unit.test_interest import DAY_60, DAY_90, invoice
from tests.unit.test_nsf import NOW, NSF_DAY, PAID, books

D = Decimal
WAIT = 10_000
FORMATS = Formats("en_US")


@dataclass(frozen=True)
class Office:
    """A customer whose payment of 700.00 paid 400.00 and 300.00 of two invoices; another
    customer with interest code STD and an invoice of 1,000.00 due 2026-09-24."""

    database: Database
    customer_id: object
    account: str
    first_id: object
    second_id: object
    payment_id: object
    debtor_id: object
    debtor_account: str


@pytest.fixture
def office(sqlite_db: Database) -> Office:
    with sqlite_db.sessions.begin() as session:
        customer, first, second, payment = books(session)
        debtor = Customer(
            account="C-000777", name="Garnier SA", currency="EUR", country="FR",
            interest_code="STD", updated_at=NOW,
        )  # fmt: skip
        session.add(debtor)
        session.flush()
        invoice(session, debtor, "1000.00")
        return Office(sqlite_db, customer.id, customer.account, first.id, second.id,
                      payment.id, debtor.id, debtor.account)  # fmt: skip


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    runner = TaskRunner()
    yield runner
    runner.shutdown()


def counts(database: Database) -> dict[str, int]:
    with database.sessions() as session:
        return {
            t.__tablename__: session.scalar(select(func.count()).select_from(t))
            for t in (CustomerTransaction, Settlement, Journal, InterestNote, ChargeAdjustment)
        }


def plain(text: str) -> str:
    """``text`` with the no-break spaces of money formats as plain spaces."""
    return text.replace("\xa0", " ")


def click_ok(qtbot, dialog) -> None:
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


def set_date(edit, day: dt.date) -> None:
    edit.setDate(QDate(day.year, day.month, day.day))


# --- NSF ------------------------------------------------------------------------------


def transaction_actions(qtbot, office: Office, runner: TaskRunner, done: list, clock):
    """The Workspace's actions in a bare host window; ``done`` gets what each write returns."""
    host = QWidget()
    qtbot.addWidget(host)
    with office.database.sessions() as session:
        scope = company_scope(session)
    context = page_context(office.database, runner, scope, None, clock, formats=FORMATS)
    actions = TransactionActions(context, host, target=lambda: None)
    actions.written.connect(done.append)
    return actions, context


def nsf_dialog(qtbot, office: Office, runner: TaskRunner, done: list) -> NsfDialog:
    actions, _context = transaction_actions(qtbot, office, runner, done, FixedClock.on(NSF_DAY))
    actions.nsf_of(office.payment_id)
    qtbot.waitUntil(lambda: isinstance(actions.dialog, NsfDialog), timeout=WAIT)
    dialog = actions.dialog
    assert isinstance(dialog, NsfDialog)
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT)
    return dialog


def test_nsf_dialog_shows_what_reopens_and_processes_the_payment(
    qtbot, office: Office, runner: TaskRunner
) -> None:
    done: list = []
    dialog = nsf_dialog(qtbot, office, runner, done)
    model = dialog.view.model()
    assert model.rowCount() == 2
    assert [model.index(r, 5).data() for r in range(2)] == ["400.00", "300.00"]
    assert model.index(0, 5).data(Qt.ItemDataRole.TextAlignmentRole) == RIGHT
    assert "PAY-0000001" in dialog.payment.text()
    assert "700.00 EUR" in plain(dialog.payment.text())
    assert "Fee to be charged: 25.00 EUR" in plain(dialog.fee.text())
    assert "rises by 725.00 EUR" in plain(dialog.fee.text())
    with office.database.sessions() as session:
        before = balances.balance(session, office.customer_id, NSF_DAY)
    dialog.note.setText("Returned: R01 insufficient funds")
    with qtbot.waitSignal(dialog.finished, timeout=WAIT) as closed:
        click_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: len(done) == 1, timeout=WAIT)
    assert closed.args == [QDialog.DialogCode.Accepted.value]  # closed once written
    (result,) = done
    assert [(r.reopened, r.open_amount) for r in result.reopened] == [
        (D("400.00"), D("400.00")),
        (D("300.00"), D("500.00")),
    ]
    with office.database.sessions() as session:
        assert balances.balance(session, office.customer_id, NSF_DAY) == before + D("725.00")
        assert balances.open_amount(session, office.second_id, NSF_DAY) == D("500.00")
        assert balances.open_amount(session, office.payment_id, NSF_DAY) == 0
        fee = session.scalars(
            select(CustomerTransaction).where(CustomerTransaction.type == "fee")
        ).one()
        assert (fee.amount, fee.posting_date) == (D("25.00"), NSF_DAY)
        journal = session.scalars(select(Journal)).one()
        assert "R01 insufficient funds" in journal.description


def test_nsf_dialog_refuses_a_date_before_the_payment_and_writes_nothing(
    qtbot, office: Office, runner: TaskRunner
) -> None:
    done: list = []
    dialog = nsf_dialog(qtbot, office, runner, done)
    before = counts(office.database)
    set_date(dialog.date, PAID - dt.timedelta(days=1))
    click_ok(qtbot, dialog)
    assert dialog.error.isVisible()
    assert dialog.error.text() == (
        "PAY-0000001 was posted on Nov 2, 2026; it cannot be returned as NSF before that."
    )
    assert dialog.isVisible()
    assert runner.active_tasks == 0
    # Between the payment and its settlement: refused too.
    set_date(dialog.date, dt.date(2026, 11, 4))
    click_ok(qtbot, dialog)
    assert "settled on Nov 5, 2026" in dialog.error.text()
    assert counts(office.database) == before
    assert done == []


def test_nsf_dialog_shows_the_domain_refusal_inline(
    qtbot, office: Office, runner: TaskRunner
) -> None:
    done: list = []
    dialog = nsf_dialog(qtbot, office, runner, done)
    with office.database.sessions.begin() as session:  # someone else was quicker
        process_nsf(session, company_scope(session), office.payment_id, NSF_DAY, NOW,
                    created_by_id=None)  # fmt: skip
    before = counts(office.database)
    click_ok(qtbot, dialog)
    qtbot.waitUntil(dialog.error.isVisible, timeout=WAIT)
    assert "PAY-0000001 was already returned as NSF" in dialog.error.text()
    assert dialog.isVisible()
    assert dialog.ok_button.isEnabled()
    assert counts(office.database) == before
    assert done == []


# --- Interest notes -------------------------------------------------------------------


def interest_dialog(qtbot, office: Office, runner: TaskRunner, done: list, customer_id=None):
    actions, context = transaction_actions(qtbot, office, runner, done, FixedClock(NOW))
    open_interest(actions, context, customer_id or office.debtor_id, "C-000777 Garnier SA",
                  None, "all pools")  # fmt: skip
    dialog = actions.dialog
    assert isinstance(dialog, InterestDialog)
    assert dialog.isVisible()
    return dialog


def tree_rows(tree) -> list[list[str]]:
    rows = []
    for i in range(tree.topLevelItemCount()):
        head = tree.topLevelItem(i)
        rows.append([plain(head.text(c)) for c in range(tree.columnCount())])
        for j in range(head.childCount()):
            child = head.child(j)
            rows.append([plain(child.text(c)) for c in range(tree.columnCount())])
    return rows


def test_interest_dialog_previews_then_creates_the_note(
    qtbot, office: Office, runner: TaskRunner
) -> None:
    done: list = []
    dialog = interest_dialog(qtbot, office, runner, done)
    qtbot.waitUntil(lambda: bool(dialog.notes()), timeout=WAIT)
    assert tree_rows(dialog.tree) == [
        ["C-000777 · Garnier SA", "", "", "", "", "", "25.00 EUR"],
        ["INV-0000003", "Sep 24, 2026", "Nov 23, 2026", "60", "1.00", "1,000.00", "20.00"],
        ["Fee of the note", "", "", "", "", "", "5.00"],
    ]
    assert (
        plain(dialog.summary.text()) == "1 note for 1 customer: interest 20.00 EUR, fees 5.00 EUR."
    )
    # Another date: the proposal follows (60 days at 1%, 30 at 1.5%).
    set_date(dialog.as_of, DAY_90)
    qtbot.waitUntil(
        lambda: dialog.notes() and dialog.notes()[0].lines[0].to_date == DAY_90, timeout=WAIT
    )
    assert dialog.notes()[0].interest == D("35.00")
    set_date(dialog.as_of, DAY_60)
    qtbot.waitUntil(
        lambda: dialog.notes() and dialog.notes()[0].lines[0].to_date == DAY_60, timeout=WAIT
    )
    click_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: len(done) == 1, timeout=WAIT)
    assert done == [["INT-0000001"]]
    with office.database.sessions() as session:
        note = session.scalars(select(InterestNote)).one()
        assert (note.customer_id, note.interest, note.fee) == (
            office.debtor_id,
            D("20.00"),
            D("5.00"),
        )
        assert balances.balance(session, office.debtor_id, DAY_60) == D("1025.00")


def test_interest_dialog_refuses_when_there_is_nothing_to_charge(
    qtbot, office: Office, runner: TaskRunner
) -> None:
    done: list = []
    # The NSF customer has no interest code: nothing to charge.
    dialog = interest_dialog(qtbot, office, runner, done, customer_id=office.customer_id)
    qtbot.waitUntil(lambda: dialog.previewed, timeout=WAIT)
    nothing = (
        "No interest is due for C-000777 Garnier SA as of Nov 23, 2026: no "
        "invoice is overdue beyond its grace days, or its period is already covered by an "
        "interest note."
    )
    assert dialog.empty.text() == nothing  # at once, where the proposal would be
    assert dialog.empty.isVisible()
    assert not dialog.tree.isVisible()
    assert dialog.tree.topLevelItemCount() == 0
    # Create cannot be pressed; its tooltip says why.
    assert not dialog.ok_button.isEnabled()
    assert dialog.ok_button.toolTip() == nothing
    before = counts(office.database)
    click_ok(qtbot, dialog)
    assert dialog.isVisible()
    assert counts(office.database) == before
    assert done == []
    # The whole pool before anything was overdue: the dialog names the pool.
    dialog.pool_choice.setChecked(True)
    set_date(dialog.as_of, dt.date(2026, 9, 1))
    qtbot.waitUntil(lambda: dialog.previewed, timeout=WAIT)
    assert dialog.empty.text().startswith(
        "No interest is due for any customer of all pools as of Sep 1, 2026: "
    )
    assert not dialog.ok_button.isEnabled()


# --- Interest and fees ----------------------------------------------------------------


def charges_dialog(qtbot, office: Office, runner: TaskRunner, done: list) -> ChargesDialog:
    actions, context = transaction_actions(qtbot, office, runner, done, FixedClock(NOW))
    open_charges(actions, context, office.debtor_id, "C-000777 Garnier SA")
    qtbot.waitUntil(lambda: isinstance(actions.dialog, ChargesDialog), timeout=WAIT)
    dialog = actions.dialog
    assert isinstance(dialog, ChargesDialog)
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT)
    return dialog


@pytest.fixture
def noted(office: Office) -> Office:
    with office.database.sessions.begin() as session:
        create_interest_notes(session, company_scope(session), DAY_60, NOW, created_by_id=None)
    return office


def test_charges_dialog_waives_a_whole_note_then_reinstates_one_line(
    qtbot, noted: Office, runner: TaskRunner
) -> None:
    done: list = []
    dialog = charges_dialog(qtbot, noted, runner, done)
    assert tree_rows(dialog.tree) == [
        ["INT-0000001", "", "Nov 23, 2026", "EUR", "25.00", "25.00", "Active"],
        ["Interest", "INV-0000003", "Nov 23, 2026", "EUR", "20.00", "20.00", "Active"],
        ["Fee", "", "Nov 23, 2026", "EUR", "5.00", "5.00", "Active"],
    ]
    dialog.select_row(0)
    assert dialog.ok_button.text() == "Waive"
    dialog.note.setText("Goodwill")
    click_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: len(done) == 1, timeout=WAIT)
    assert [(r.kind, r.amount) for r in done[0]] == [("waive", D("20.00")), ("waive", D("5.00"))]
    with noted.database.sessions() as session:
        line, fee = note_charges(session, session.scalars(select(InterestNote.id)).one())
        assert (charge_state(session, line), charge_state(session, fee)) == ("waived", "waived")
        assert balances.balance(session, noted.debtor_id, DAY_60) == D("1000.00")

    again = charges_dialog(qtbot, noted, runner, done)
    assert tree_rows(again.tree)[1][-2:] == ["0.00", "Waived"]
    again.select_row(1)  # the line: a waived row offers Reinstate
    assert again.ok_button.text() == "Reinstate"
    click_ok(qtbot, again)
    qtbot.waitUntil(lambda: len(done) == 2, timeout=WAIT)
    with noted.database.sessions() as session:
        assert charge_state(session, line) == "active"
        assert balances.open_amount(session, line, DAY_60) == D("20.00")
        assert balances.balance(session, noted.debtor_id, DAY_60) == D("1020.00")


def test_charges_dialog_refusals_show_inline_and_write_nothing(
    qtbot, noted: Office, runner: TaskRunner
) -> None:
    done: list = []
    dialog = charges_dialog(qtbot, noted, runner, done)
    before = counts(noted.database)
    dialog.tree.clearSelection()
    click_ok(qtbot, dialog)
    assert dialog.error.text() == "Select an interest note, a line or a fee first."
    assert runner.active_tasks == 0
    # Reinstating a charge that is not waived: the domain refuses it.
    dialog.select_row(1)
    dialog.set_kind("reinstate")
    click_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: "not waived" in dialog.error.text(), timeout=WAIT)
    assert dialog.error.text() == (
        "The interest on INV-0000003 (INT-0000001) is not waived; "
        "only a waived charge can be reinstated."
    )
    assert dialog.isVisible()
    assert counts(noted.database) == before
    assert done == []

"""Receipts: recording a payment (ticked, oldest first, leftover), every refusal writing
nothing, the cheque life cycle (a return runs the NSF flow), refunds of a credit balance,
and a submit sent twice by two processes at once posting once."""

from __future__ import annotations

import datetime as dt
import textwrap
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    CustomerTransaction,
    Journal,
    JournalLine,
    NumberSequence,
    PaymentDetails,
    PaymentStateChange,
    Settlement,
    SettlementLine,
    TransactionType,
)
from collections_desktop.models.db.writing import write_transaction
from collections_desktop.models.ledger import balances
from collections_desktop.models.ledger.journals import journal_rows
from collections_desktop.models.people.scope import company_scope, load_scope
from collections_desktop.models.receipts.methods import (
    PaymentStateError,
    change_state,
    change_states,
)
from collections_desktop.models.receipts.read import (
    PaymentFilter,
    list_payments,
    mark_receipt_printed,
    payment_methods,
    receipt_detail,
)
from collections_desktop.models.receipts.record import (
    PaymentEntry,
    ReceiptError,
    open_debits,
    record_payment,
)
from collections_desktop.models.receipts.refund import RefundEntry, open_credits, refund
from tests.racing import said_at_once
from tests.unit.test_nsf import NOW, add_customer, post
from tests.unit.test_scope import add_agent, add_pool

D = Decimal
TODAY = NOW.date()  # 2026-11-23
PAID = dt.date(2026, 11, 20)


def invoices(session):
    """Three invoices: 100.00 due 1 Oct, 250.00 due 15 Oct, 400.00 due 1 Nov."""
    customer = add_customer(session)
    rows = [
        post(
            session, customer, TransactionType.INVOICE, amount, dt.date(2026, 9, day), due_date=due
        )
        for amount, day, due in (
            ("100.00", 1, dt.date(2026, 10, 1)),
            ("250.00", 10, dt.date(2026, 10, 15)),
            ("400.00", 20, dt.date(2026, 11, 1)),
        )
    ]
    return customer, rows


def counts(session) -> dict[str, int]:
    tables = (
        CustomerTransaction,
        Settlement,
        SettlementLine,
        Journal,
        JournalLine,
        PaymentDetails,
        PaymentStateChange,
    )
    result = {t.__tablename__: session.scalar(select(func.count()).select_from(t)) for t in tables}
    result["counters"] = session.scalar(select(func.sum(NumberSequence.next_value)))
    return result


def entry(customer, amount: str, **fields) -> PaymentEntry:
    values = {"payment_date": PAID, "currency": "EUR", "method": "bank_transfer"} | fields
    return PaymentEntry(customer_id=customer.id, amount=D(amount), **values)


def test_a_payment_settles_the_ticked_invoices_by_the_amounts_typed(any_db: Database) -> None:
    with any_db.sessions() as session:
        customer, (first, second, third) = invoices(session)
        session.commit()
        scope = company_scope(session)
        assert [d.document_number for d in open_debits(session, scope, customer.id, TODAY)] == [
            first.document_number,
            second.document_number,
            third.document_number,
        ]
        result = record_payment(
            session,
            scope,
            entry(
                customer,
                "300.00",
                reference="TRF 88121",
                allocations={second.id: D("250.00"), third.id: D("30.00")},
            ),
            NOW,
            created_by_id=None,
        )
        session.commit()
        assert result.unsettled == D("20.00")
        assert [(a.document_number, a.amount, a.open_after) for a in result.applied] == [
            (second.document_number, D("250.00"), D("0.00")),
            (third.document_number, D("30.00"), D("370.00")),
        ]
        assert balances.open_amount(session, first.id, TODAY) == D("100.00")
        assert balances.open_amount(session, result.transaction_id, TODAY) == D("-20.00")
        assert balances.balance(session, customer.id, TODAY) == D("450.00")
        details = session.scalars(select(PaymentDetails)).one()
        assert (details.method, details.reference, details.state, details.state_date) == (
            "bank_transfer",
            "TRF 88121",
            "cleared",
            PAID,
        )
        journal = journal_rows(session, session.scalars(select(Journal.id)).one())
        assert [(r.account_type, r.account, r.amount) for r in journal] == [
            ("ledger", "512000", D("300.00")),
            ("customer", customer.account, D("-300.00")),
        ]


def test_a_total_settles_the_oldest_due_first_and_the_rest_stays_unsettled(
    any_db: Database,
) -> None:
    with any_db.sessions() as session:
        customer, (first, second, third) = invoices(session)
        session.commit()
        scope = company_scope(session)
        result = record_payment(
            session,
            scope,
            entry(customer, "420.00", method="cash", oldest_first=True),
            NOW,
            created_by_id=None,
        )
        session.commit()
        assert [(a.document_number, a.amount, a.open_after) for a in result.applied] == [
            (first.document_number, D("100.00"), D("0.00")),
            (second.document_number, D("250.00"), D("0.00")),
            (third.document_number, D("70.00"), D("330.00")),
        ]
        assert result.unsettled == D("0.00")
        # A second total larger than what is open: the leftover stays on the payment.
        more = record_payment(
            session,
            scope,
            entry(customer, "500.00", method="card", oldest_first=True),
            NOW,
            created_by_id=None,
        )
        session.commit()
        assert [(a.document_number, a.amount) for a in more.applied] == [
            (third.document_number, D("330.00"))
        ]
        assert more.unsettled == D("170.00")
        assert balances.balance(session, customer.id, TODAY) == D("-170.00")


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("zero", "greater than zero"),
        ("decimals", "more than 2 decimal places"),
        ("above_open", "has only 100.00 open"),
        ("ticks_above_payment", "more than the payment"),
        ("future", "in the future"),
        ("cheque_without_number", "number of the cheque"),
        ("note_without_due", "needs its due date"),
        ("both_modes", "Either tick"),
        ("out_of_scope", "not in your pools"),
        ("other_currency", "is in USD"),
    ],
)
def test_every_refusal_writes_nothing(sqlite_db: Database, case: str, message: str) -> None:
    with sqlite_db.sessions() as session:
        customer, (first, second, _third) = invoices(session)
        usd = post(
            session,
            customer,
            TransactionType.INVOICE,
            "10.00",
            dt.date(2026, 9, 1),
            currency="USD",
            exchange_rate=D("0.9"),
        )
        session.commit()
        scope = company_scope(session)
        cases = {
            "zero": entry(customer, "0"),
            "decimals": entry(customer, "10.005"),
            "above_open": entry(customer, "500.00", allocations={first.id: D("150.00")}),
            "ticks_above_payment": entry(
                customer, "200.00", allocations={first.id: D("100.00"), second.id: D("150.00")}
            ),
            "future": entry(customer, "10.00", payment_date=TODAY + dt.timedelta(days=1)),
            "cheque_without_number": entry(customer, "10.00", method="cheque"),
            "note_without_due": entry(customer, "10.00", method="promissory_note", reference="7"),
            "both_modes": entry(
                customer, "100.00", allocations={first.id: D("10.00")}, oldest_first=True
            ),
            "out_of_scope": entry(customer, "10.00"),
            "other_currency": entry(customer, "10.00", allocations={usd.id: D("10.00")}),
        }
        if case == "out_of_scope":
            user = add_agent(session, [add_pool(session, ["PT"])])
            session.commit()
            scope = load_scope(session, user)
        before = counts(session)
        with pytest.raises(ReceiptError, match=message):
            record_payment(session, scope, cases[case], NOW, created_by_id=None)
        session.rollback()
        assert counts(session) == before


def test_a_submit_or_a_cheque_is_recorded_once(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        customer, _rows = invoices(session)
        session.commit()
        scope = company_scope(session)
        submit = uuid.uuid4()
        first = record_payment(
            session,
            scope,
            entry(customer, "50.00", method="cheque", reference="0004417", submission_id=submit),
            NOW,
            created_by_id=None,
        )
        session.commit()
        before = counts(session)
        with pytest.raises(ReceiptError, match=f"already recorded as {first.document_number}"):
            record_payment(
                session,
                scope,
                entry(
                    customer, "50.00", method="cheque", reference="0004417", submission_id=submit
                ),
                NOW,
                created_by_id=None,
            )
        session.rollback()
        with pytest.raises(ReceiptError, match="Cheque 0004417 of this customer was already"):
            record_payment(
                session,
                scope,
                entry(customer, "50.00", method="cheque", reference="0004417"),
                NOW,
                created_by_id=None,
            )
        session.rollback()
        assert counts(session) == before


def test_a_cheque_is_deposited_cleared_and_its_history_kept(any_db: Database) -> None:
    with any_db.sessions() as session:
        customer, (first, _second, _third) = invoices(session)
        session.commit()
        scope = company_scope(session)
        cheque = record_payment(
            session,
            scope,
            entry(
                customer,
                "100.00",
                method="cheque",
                reference="88",
                bank_name="Banco Sabadell",
                allocations={first.id: D("100")},
            ),
            NOW,
            created_by_id=None,
        )
        session.commit()
        assert cheque.state == "received"
        before = counts(session)
        with pytest.raises(PaymentStateError, match="is received; it cannot become cleared"):
            change_state(
                session, scope, cheque.transaction_id, "cleared", TODAY, NOW, changed_by_id=None
            )
        session.rollback()
        with pytest.raises(PaymentStateError, match="cannot be before it"):
            change_state(
                session,
                scope,
                cheque.transaction_id,
                "deposited",
                PAID - dt.timedelta(days=1),
                NOW,
                changed_by_id=None,
            )
        session.rollback()
        assert counts(session) == before
        change_state(
            session,
            scope,
            cheque.transaction_id,
            "deposited",
            dt.date(2026, 11, 21),
            NOW,
            changed_by_id=None,
        )
        change_state(
            session,
            scope,
            cheque.transaction_id,
            "cleared",
            dt.date(2026, 11, 23),
            NOW,
            changed_by_id=None,
        )
        session.commit()
        with pytest.raises(PaymentStateError, match="is cleared; it cannot become returned"):
            change_state(
                session, scope, cheque.transaction_id, "returned", TODAY, NOW, changed_by_id=None
            )
        session.rollback()
        info = payment_methods(session, customer.id)[cheque.transaction_id]
        assert (info.method, info.bank_name, info.state) == ("cheque", "Banco Sabadell", "cleared")
        assert [(m.from_state, m.to_state, m.state_date) for m in info.moves] == [
            (None, "received", PAID),
            ("received", "deposited", dt.date(2026, 11, 21)),
            ("deposited", "cleared", dt.date(2026, 11, 23)),
        ]


def test_a_returned_cheque_reopens_its_invoices_and_bills_the_nsf_fee(any_db: Database) -> None:
    with any_db.sessions() as session:
        customer, (first, second, _third) = invoices(session)
        session.commit()
        scope = company_scope(session)
        cheque = record_payment(
            session,
            scope,
            entry(customer, "350.00", method="cheque", reference="9001", oldest_first=True),
            NOW,
            created_by_id=None,
        )
        change_state(
            session,
            scope,
            cheque.transaction_id,
            "deposited",
            dt.date(2026, 11, 21),
            NOW,
            changed_by_id=None,
        )
        session.commit()
        assert balances.balance(session, customer.id, TODAY) == D("400.00")
        changed = change_states(
            session,
            scope,
            [cheque.transaction_id],
            "returned",
            dt.date(2026, 11, 22),
            NOW,
            changed_by_id=None,
            note="Bank letter",
        )
        session.commit()
        nsf = changed[0].nsf
        assert nsf is not None
        assert nsf.fee_total == D("25.00")
        assert balances.open_amount(session, first.id, TODAY) == D("100.00")
        assert balances.open_amount(session, second.id, TODAY) == D("250.00")
        assert balances.balance(session, customer.id, TODAY) == D("775.00")
        rows = list_payments(session, scope, PaymentFilter(state="returned"), TODAY).rows
        assert [(r.document_number, r.state, r.state_date) for r in rows] == [
            (cheque.document_number, "returned", dt.date(2026, 11, 22))
        ]


def test_a_promissory_note_clears_on_or_after_its_due_date(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        customer, _rows = invoices(session)
        session.commit()
        scope = company_scope(session)
        note = record_payment(
            session,
            scope,
            entry(
                customer,
                "80.00",
                method="promissory_note",
                reference="PN-3",
                instrument_due_date=dt.date(2026, 11, 23),
                payment_date=dt.date(2026, 11, 1),
            ),
            NOW,
            created_by_id=None,
        )
        change_state(
            session,
            scope,
            note.transaction_id,
            "deposited",
            dt.date(2026, 11, 2),
            NOW,
            changed_by_id=None,
        )
        session.commit()
        with pytest.raises(PaymentStateError, match="due on"):
            change_state(
                session,
                scope,
                note.transaction_id,
                "cleared",
                dt.date(2026, 11, 22),
                NOW,
                changed_by_id=None,
            )
        session.rollback()
        change_state(session, scope, note.transaction_id, "cleared", TODAY, NOW, changed_by_id=None)


def test_the_payments_list_filters_by_method_state_and_date_newest_first(
    sqlite_db: Database,
) -> None:
    with sqlite_db.sessions() as session:
        customer, _rows = invoices(session)
        session.commit()
        scope = company_scope(session)
        for day, method, reference in (
            (dt.date(2026, 11, 2), "cheque", "11"),
            (dt.date(2026, 11, 9), "cash", None),
            (dt.date(2026, 11, 16), "cheque", "12"),
            (dt.date(2026, 10, 1), "cheque", "10"),
        ):
            record_payment(
                session,
                scope,
                entry(customer, "10.00", method=method, reference=reference, payment_date=day),
                NOW,
                created_by_id=None,
            )
        session.commit()
        every = list_payments(session, scope, PaymentFilter(), TODAY).rows
        assert [r.payment_date.day for r in every] == [16, 9, 2, 1]
        cheques = list_payments(
            session,
            scope,
            PaymentFilter(
                method="cheque",
                state="received",
                since=dt.date(2026, 11, 1),
                until=dt.date(2026, 11, 30),
            ),
            TODAY,
        ).rows
        assert [r.reference for r in cheques] == ["12", "11"]
        assert all(r.unsettled == D("10.00") for r in cheques)


def test_a_receipt_lists_what_the_payment_paid_and_a_reprint_is_a_copy(
    sqlite_db: Database,
) -> None:
    with sqlite_db.sessions() as session:
        customer, (first, second, _third) = invoices(session)
        customer.language = "es"
        session.commit()
        scope = company_scope(session)
        paid = record_payment(
            session, scope, entry(customer, "400.00", oldest_first=True), NOW, created_by_id=None
        )
        session.commit()
        detail = receipt_detail(session, scope, paid.transaction_id, TODAY)
        assert [(line.document_number, line.amount) for line in detail.lines] == [
            (first.document_number, D("100.00")),
            (second.document_number, D("250.00")),
            (_third.document_number, D("50.00")),
        ]
        assert (detail.unsettled, detail.language, detail.printed_before) == (D("0"), "es", False)
        assert mark_receipt_printed(session, paid.transaction_id, NOW) is True
        assert mark_receipt_printed(session, paid.transaction_id, NOW) is False
        session.commit()
        assert receipt_detail(session, scope, paid.transaction_id, TODAY).printed_before


def test_a_refund_pays_out_the_credits_it_uses(any_db: Database) -> None:
    with any_db.sessions() as session:
        customer = add_customer(session)
        note = post(session, customer, TransactionType.CREDIT_NOTE, "120.00", dt.date(2026, 10, 1))
        over = post(session, customer, TransactionType.PAYMENT, "80.00", dt.date(2026, 10, 5))
        session.commit()
        scope = company_scope(session)
        assert [c.document_number for c in open_credits(session, scope, customer.id, TODAY)] == [
            note.document_number,
            over.document_number,
        ]
        before = counts(session)
        with pytest.raises(ReceiptError, match=r"only 200\.00 EUR of credit"):
            refund(
                session,
                scope,
                RefundEntry(customer.id, TODAY, D("250.00"), "EUR", "bank_transfer"),
                NOW,
                created_by_id=None,
            )
        session.rollback()
        with pytest.raises(ReceiptError, match=r"total 50\.00 EUR; the refund is 60\.00"):
            refund(
                session,
                scope,
                RefundEntry(
                    customer.id,
                    TODAY,
                    D("60.00"),
                    "EUR",
                    "bank_transfer",
                    credits={over.id: D("50.00")},
                ),
                NOW,
                created_by_id=None,
            )
        session.rollback()
        assert counts(session) == before
        # Oldest first: all of the credit note, 30.00 of the overpayment.
        result = refund(
            session,
            scope,
            RefundEntry(
                customer.id, TODAY, D("150.00"), "EUR", "bank_transfer", reference="SEPA 42"
            ),
            NOW,
            created_by_id=None,
        )
        session.commit()
        assert result.credits == (
            (note.document_number, D("120.00")),
            (over.document_number, D("30.00")),
        )
        assert result.document_number.startswith("RF-")
        assert balances.balance(session, customer.id, TODAY) == D("-50.00")
        assert balances.open_amount(session, result.transaction_id, TODAY) == D("0")
        journal = journal_rows(session, session.scalars(select(Journal.id)).one())
        assert [(r.account_type, r.amount) for r in journal] == [
            ("customer", D("150.00")),
            ("ledger", D("-150.00")),
        ]
        # The user picks: the rest of the overpayment.
        refund(
            session,
            scope,
            RefundEntry(
                customer.id, TODAY, D("50.00"), "EUR", "cheque", credits={over.id: D("50.00")}
            ),
            NOW,
            created_by_id=None,
        )
        session.commit()
        assert balances.balance(session, customer.id, TODAY) == D("0")


_DOUBLE_SUBMIT = textwrap.dedent(
    """
    import datetime as dt, sys, time, uuid
    from decimal import Decimal
    from collections_desktop.kernel.clock import FixedClock
    from collections_desktop.models.company.opening import open_company
    from collections_desktop.models.db.writing import write_transaction
    from collections_desktop.models.people.scope import company_scope
    from collections_desktop.models.receipts.record import PaymentEntry, record_payment

    url, customer, submit, start = sys.argv[1:5]
    clock = FixedClock.on(dt.date(2026, 11, 23))
    database = open_company(url, clock=clock, create=False)
    entry = PaymentEntry(
        customer_id=uuid.UUID(customer), payment_date=dt.date(2026, 11, 20),
        amount=Decimal("75.00"), currency="EUR", method="cheque", reference="5150",
        oldest_first=True, submission_id=uuid.UUID(submit),
    )
    time.sleep(max(0.0, float(start) - time.time()))
    try:
        with write_transaction(database) as session:
            scope = company_scope(session)
            made = record_payment(session, scope, entry, clock.now(), created_by_id=None)
            print(made.document_number)
    except ValueError as error:
        print("refused:", error)
    database.dispose()
    """
)


@pytest.mark.postgres
def test_two_processes_sending_one_submit_at_once_post_it_once(pg_db: Database) -> None:

    with pg_db.sessions() as session:
        customer, _rows = invoices(session)
        session.commit()
        customer_id = customer.id
    url = pg_db.engine.url.render_as_string(hide_password=False)
    said = said_at_once(_DOUBLE_SUBMIT, url, str(customer_id), str(uuid.uuid4()))
    assert said[0].startswith("PAY-")
    assert said[1].startswith("refused:")
    assert "already recorded" in said[1]
    with write_transaction(pg_db) as session:
        assert session.scalar(select(func.count()).select_from(PaymentDetails)) == 1
        assert (
            session.scalar(
                select(func.count())
                .select_from(CustomerTransaction)
                .where(CustomerTransaction.type == "payment")
            )
            == 1
        )
        assert session.scalar(select(func.count()).select_from(Journal)) == 1


def test_the_nsf_action_on_a_recorded_cheque_marks_it_returned(sqlite_db: Database) -> None:
    from collections_desktop.models.actions.nsf import process_nsf

    with sqlite_db.sessions() as session:
        customer, _rows = invoices(session)
        session.commit()
        scope = company_scope(session)
        cheque = record_payment(
            session,
            scope,
            entry(customer, "100.00", method="cheque", reference="77", oldest_first=True),
            NOW,
            created_by_id=None,
        )
        session.commit()
        process_nsf(
            session, scope, cheque.transaction_id, dt.date(2026, 11, 22), NOW, created_by_id=None
        )
        session.commit()
        info = payment_methods(session, customer.id)[cheque.transaction_id]
        assert info.state == "returned"
        assert [(m.from_state, m.to_state) for m in info.moves] == [
            (None, "received"),
            ("received", "returned"),
        ]
        with pytest.raises(PaymentStateError, match="is returned; it cannot become deposited"):
            change_state(
                session, scope, cheque.transaction_id, "deposited", TODAY, NOW, changed_by_id=None
            )

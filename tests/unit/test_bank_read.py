"""What the Bank reconciliation page reads: lines by state in the order they are worked,
the customer and payment of a confirmed line, an agent's lines only, the statements with
the difference kept, and confirming many lines each in its own transaction."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from collections_desktop.models.bank.batch import ConfirmPlan, confirm_many
from collections_desktop.models.bank.importing import describe_stored
from collections_desktop.models.bank.parsed import ParsedFile, ParsedLine, ParsedStatement
from collections_desktop.models.bank.read import bank_lines, line_counts, line_facts, statements
from collections_desktop.models.bank.reconcile import confirm_line, set_aside
from collections_desktop.models.bank.store import store_file
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import BankLineState, Employee, TransactionType
from collections_desktop.models.db.writing import write_transaction
from collections_desktop.models.ledger.balances import open_amount
from collections_desktop.models.people.pools import PoolCriteria
from collections_desktop.models.people.scope import AgentScope, company_scope
from tests.unit.test_nsf import NOW, add_customer, post

D = Decimal
IBAN = "ES9121000418450200051332"
TODAY = NOW.date()


def line(day: int, amount: str, text: str, name: str | None = None) -> ParsedLine:
    return ParsedLine(
        booking_date=dt.date(2026, 11, day),
        value_date=dt.date(2026, 11, day),
        amount=D(amount),
        currency="EUR",
        counterparty_name=name,
        counterparty_iban="ES7620770024003102575766" if name else None,
        remittance=text,
        bank_reference=f"REF-{day}-{amount}",
    )


def statement(lines, *, closing_gap: str = "0", number: str = "47") -> ParsedStatement:
    total = sum((item.amount for item in lines), D(0))
    return ParsedStatement(
        account=IBAN,
        currency="EUR",
        kind="statement",
        statement_number=number,
        from_date=dt.date(2026, 11, 16),
        to_date=dt.date(2026, 11, 20),
        opening_balance=D("1000.00"),
        closing_balance=D("1000.00") + total + D(closing_gap),
        lines=tuple(lines),
    )


def setup(database: Database):
    """Two customers (Spain, France) with an invoice each, and a statement of four lines:
    two credits naming the invoices, one credit nobody knows, one debit."""
    with write_transaction(database) as session:
        ruiz = add_customer(session, country="ES")
        garnier = add_customer(session, country="FR")
        garnier.name = "Garnier SA"
        first = post(session, ruiz, TransactionType.INVOICE, "1210.00", dt.date(2026, 10, 1),
                     due_date=dt.date(2026, 10, 31))  # fmt: skip
        second = post(session, garnier, TransactionType.INVOICE, "500.00", dt.date(2026, 10, 5),
                      due_date=dt.date(2026, 11, 4))  # fmt: skip
        clerk = Employee(number="E-77", name="Marta Soto", user_name="marta", updated_at=NOW)
        session.add(clerk)
        session.flush()
        lines = [
            line(18, "500.00", f"Pago factura {second.document_number}", "GARNIER SA"),
            line(16, "1210.00", f"INV {first.document_number}", "RUIZ HERMANOS"),
            line(17, "-35.40", "Bank charges"),
            line(20, "77.00", "Donation?"),
        ]
        store_file(session, ParsedFile("nov.xml", "camt.053.001.02", (statement(lines),)), NOW,
                   imported_by_id=clerk.id)  # fmt: skip
        return ruiz.id, garnier.id, first.id, second.id, clerk.id


def test_open_lines_come_oldest_first_with_their_statement(sqlite_db: Database) -> None:
    setup(sqlite_db)
    with sqlite_db.sessions() as session:
        rows = bank_lines(session, company_scope(session), BankLineState.OPEN, as_of=TODAY)
    assert [(r.booking_date.day, r.amount, r.counterparty_name) for r in rows] == [
        (16, D("1210.00"), "RUIZ HERMANOS"),
        (18, D("500.00"), "GARNIER SA"),
        (20, D("77.00"), None),
    ]
    assert {r.statement_label for r in rows} == {f"statement 47 of {IBAN}"}
    assert {r.file_name for r in rows} == {"nov.xml"}
    assert all(r.customer_id is None and r.payment_document is None for r in rows)
    facts = line_facts(rows)
    assert [(f.id, f.amount, f.remittance) for f in facts] == [
        (r.id, r.amount, r.remittance) for r in rows
    ]


def test_a_confirmed_line_names_its_customer_payment_and_who_confirmed_it(
    sqlite_db: Database,
) -> None:
    ruiz, _garnier, first, _second, clerk = setup(sqlite_db)
    with sqlite_db.sessions() as session:
        scope = company_scope(session)
        waiting = bank_lines(session, scope, BankLineState.OPEN, as_of=TODAY)
    later = NOW + dt.timedelta(minutes=5)
    with write_transaction(sqlite_db) as session:
        confirmed = confirm_line(
            session, scope, waiting[0].id, version=waiting[0].version, customer_id=ruiz,
            allocations={first: D("1210.00")}, now=NOW, user_id=clerk,
        )  # fmt: skip
        set_aside(session, waiting[2].id, version=waiting[2].version, note="Ask sales",
                  now=later, user_id=clerk)  # fmt: skip
    with sqlite_db.sessions() as session:
        done = bank_lines(session, scope, BankLineState.CONFIRMED, as_of=TODAY)
        aside = bank_lines(session, scope, BankLineState.SUSPENSE, as_of=TODAY)
        still = bank_lines(session, scope, BankLineState.OPEN, as_of=TODAY)
        counts = line_counts(session, scope, TODAY)
        assert open_amount(session, first, TODAY) == D("0.00")
    assert [(r.account, r.customer_name, r.payment_document, r.changed_by) for r in done] == [
        (done[0].account, "Ruiz Hermanos SL", confirmed.payment.document_number, "Marta Soto")
    ]
    assert done[0].account is not None
    assert done[0].account.startswith("N-")
    assert [(r.amount, r.state_note, r.changed_by) for r in aside] == [
        (D("77.00"), "Ask sales", "Marta Soto")
    ]
    assert [r.amount for r in still] == [D("500.00")]
    assert counts == {"open": 1, "confirmed": 1, "suspense": 1, "outgoing": 1}


def test_an_agent_sees_unplaced_lines_and_those_of_their_customers_only(
    sqlite_db: Database,
) -> None:
    ruiz, garnier, first, second, clerk = setup(sqlite_db)
    with sqlite_db.sessions() as session:
        everyone = company_scope(session)
        waiting = bank_lines(session, everyone, BankLineState.OPEN, as_of=TODAY)
    with write_transaction(sqlite_db) as session:
        for row, customer, invoice, amount in (
            (waiting[0], ruiz, first, "1210.00"),
            (waiting[1], garnier, second, "500.00"),
        ):
            confirm_line(session, everyone, row.id, version=row.version, customer_id=customer,
                         allocations={invoice: D(amount)}, now=NOW, user_id=clerk)  # fmt: skip
    spain = AgentScope("ana", {uuid.uuid4(): PoolCriteria(countries=("ES",))}, {}, None, False)
    with sqlite_db.sessions() as session:
        confirmed = bank_lines(session, spain, BankLineState.CONFIRMED, as_of=TODAY)
        still = bank_lines(session, spain, BankLineState.OPEN, as_of=TODAY)
        all_confirmed = bank_lines(session, everyone, BankLineState.CONFIRMED, as_of=TODAY)
    assert [r.customer_name for r in confirmed] == ["Ruiz Hermanos SL"]
    assert [r.amount for r in still] == [D("77.00")]  # nobody's yet: everyone sees it
    # Newest confirmation first (both at NOW here: the later position first).
    assert [r.customer_name for r in all_confirmed] == ["Garnier SA", "Ruiz Hermanos SL"]


def test_statements_list_their_balances_open_lines_and_a_kept_difference(
    sqlite_db: Database,
) -> None:
    setup(sqlite_db)
    short = statement([line(21, "60.00", "Partial")], closing_gap="-10.00", number="48")
    with write_transaction(sqlite_db) as session:
        stored = store_file(session, ParsedFile("dec.sta", "MT940", (short,)), NOW,
                            imported_by_id=None, accept_differences=True)  # fmt: skip
    assert describe_stored(stored) == (
        "dec.sta (MT940): 1 statement, 1 new line, 0 already known, 1 new credit waiting; "
        f"statement 48 of {IBAN}: a difference of 10.00 EUR kept"
    )
    with sqlite_db.sessions() as session:
        rows = statements(session)
    assert [
        (r.number, r.opening_balance, r.closing_balance, r.difference, r.lines, r.open_lines,
         r.file_name, r.imported_by)
        for r in rows
    ] == [
        ("47", D("1000.00"), D("2751.60"), None, 4, 3, "nov.xml", "Marta Soto"),
        ("48", D("1000.00"), D("1050.00"), D("10.00"), 1, 1, "dec.sta", None),
    ]  # fmt: skip


def test_confirming_many_refuses_a_line_whose_invoice_another_line_just_paid(
    sqlite_db: Database,
) -> None:
    ruiz, _garnier, first, _second, clerk = setup(sqlite_db)
    with sqlite_db.sessions() as session:
        scope = company_scope(session)
        waiting = bank_lines(session, scope, BankLineState.OPEN, as_of=TODAY)
    plans = [
        ConfirmPlan(row.id, row.version, label, ruiz, {first: D("1210.00")})
        for row, label in ((waiting[0], "first line"), (waiting[1], "second line"))
    ]
    steps: list[tuple[int, int, str]] = []
    result = confirm_many(sqlite_db, scope, plans, now=lambda: NOW, user_id=clerk,
                          progress=lambda *step: steps.append(step))  # fmt: skip
    assert len(result.confirmed) == 1
    assert [label for label, _reason in result.refused] == ["second line"]
    assert result.describe().startswith("1 confirmed, 1 refused: second line: ")
    assert steps == [(0, 2, "first line"), (1, 2, "second line"), (2, 2, "")]
    with sqlite_db.sessions() as session:
        still = bank_lines(session, scope, BankLineState.OPEN, as_of=TODAY)
        assert open_amount(session, first, TODAY) == D("0.00")
    assert [r.amount for r in still] == [D("500.00"), D("77.00")]

"""Write-offs with figures: journal lines, sales tax, currencies, accounts, refusals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, update

from collections_desktop.kernel.money import round_money
from collections_desktop.models.actions.writeoff import write_off, write_off_preview
from collections_desktop.models.actions.writeoff_plan import WriteOffError, write_off_reasons
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    Customer,
    CustomerTransaction,
    Journal,
    JournalLine,
    NumberSequence,
    PostingProfile,
    ReceivablesParameters,
    Settlement,
    SettlementLine,
    TransactionTax,
    WriteOffReason,
)
from collections_desktop.models.ledger import balances as ledger_balances
from collections_desktop.models.ledger import postings, settlements
from collections_desktop.models.ledger.journals import journal_rows
from collections_desktop.models.people.scope import company_scope, load_scope
from tests.unit.test_scope import add_agent, add_pool

D = Decimal
NOW = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
POSTED = dt.date(2026, 9, 1)
WRITE_OFF_DAY = dt.date(2026, 11, 20)


def add_customer(session, account="C-000001", country="ES") -> Customer:
    customer = Customer(
        account=account, name="Ruiz Hermanos SL", currency="EUR", country=country, updated_at=NOW
    )
    session.add(customer)
    session.flush()
    return customer


def taxed_invoice(
    session,
    customer,
    amount: str,
    tax: str,
    *,
    dimension: str | None = None,
    currency: str | None = None,
    rate: str | None = None,
    posted: dt.date = POSTED,
    tax_dimension: str | None = None,
) -> CustomerTransaction:
    """An invoice whose amount includes ``tax`` of VAT-STD (account 445710)."""
    txn = postings.post_invoice(
        session,
        customer_id=customer.id,
        amount=D(amount),
        posting_date=posted,
        due_date=posted + dt.timedelta(days=30),
        currency=currency,
        exchange_rate=D(rate) if rate else None,
        dimension=dimension,
        now=NOW,
    )
    if tax != "0":
        session.add(
            TransactionTax(
                transaction_id=txn.id,
                tax_code="VAT-STD",
                tax_account="445710",
                dimension=tax_dimension,
                amount=D(tax),
                amount_accounting=round_money(D(tax) * D(rate or "1"), 2),
            )
        )
        session.flush()
    return txn


def separate_sales_tax(session, on: bool = True) -> None:
    session.execute(update(ReceivablesParameters).values(separate_sales_tax=on))


def lines_of(session, journal_id) -> list[tuple]:
    """(type, account, currency, dimension, tax code, amount, accounting) in line order."""
    return [
        (
            r.account_type,
            r.account,
            r.currency,
            r.dimension,
            r.tax_code,
            r.amount,
            r.amount_accounting,
        )
        for r in journal_rows(session, journal_id)
    ]


def counts(session) -> tuple:
    """Everything a write-off writes, counted: nothing may change on a refusal."""
    tables = (CustomerTransaction, Journal, JournalLine, Settlement, SettlementLine)
    numbers = session.execute(select(NumberSequence.name, NumberSequence.next_value)).all()
    return (
        *(session.scalar(select(func.count()).select_from(table)) for table in tables),
        sorted(numbers),
    )


def test_two_invoices_in_two_dimensions_with_separate_sales_tax(any_db: Database) -> None:
    with any_db.sessions() as session:
        customer = add_customer(session)
        separate_sales_tax(session)
        sales = taxed_invoice(session, customer, "1210.00", "210.00", dimension="SALES")
        service = taxed_invoice(session, customer, "1210.00", "210.00", dimension="SERVICE")
        session.commit()
        before = ledger_balances.balance(session, customer.id, WRITE_OFF_DAY)
        result = write_off(
            session,
            company_scope(session),
            [sales.id, service.id],
            reason_code="UNCOLLECT",
            write_off_date=WRITE_OFF_DAY,
            now=NOW,
            created_by_id=None,
            note="Insolvency proceedings closed",
        )
        session.commit()

        assert lines_of(session, result.journal_id) == [
            ("customer", "C-000001", "EUR", None, None, D("-2420.00"), D("-2420.00")),
            ("ledger", "681000", "EUR", "SALES", None, D("1000.00"), D("1000.00")),
            ("ledger", "681000", "EUR", "SERVICE", None, D("1000.00"), D("1000.00")),
            ("tax", "445710", "EUR", "SALES", "VAT-STD", D("210.00"), D("210.00")),
            ("tax", "445710", "EUR", "SERVICE", "VAT-STD", D("210.00"), D("210.00")),
        ]
        rows = journal_rows(session, result.journal_id)
        assert sum(r.amount for r in rows) == 0
        assert sum(r.amount_accounting for r in rows) == 0
        journal = session.get(Journal, result.journal_id)
        assert (journal.number, journal.type, journal.reason_code, journal.journal_date) == (
            "JNL-0000001",
            "write_off",
            "UNCOLLECT",
            WRITE_OFF_DAY,
        )
        assert (journal.customer_id, journal.description) == (
            customer.id,
            "Insolvency proceedings closed",
        )
        (txn,) = result.transactions
        assert (txn.document_number, txn.amount, txn.amount_accounting) == (
            "WO-0000001",
            D("-2420.00"),
            D("-2420.00"),
        )
        written = session.get(CustomerTransaction, txn.transaction_id)
        assert (written.type, written.posting_date, written.closed_on) == (
            "write_off",
            WRITE_OFF_DAY,
            WRITE_OFF_DAY,
        )
        customer_line = session.scalar(
            select(JournalLine).where(JournalLine.account_type == "customer")
        )
        assert customer_line.transaction_id == txn.transaction_id
        # the invoices are closed; the balance dropped by exactly what was written off
        assert (sales.closed_on, service.closed_on) == (WRITE_OFF_DAY, WRITE_OFF_DAY)
        assert ledger_balances.open_items(session, customer.id, WRITE_OFF_DAY) == []
        after = ledger_balances.balance(session, customer.id, WRITE_OFF_DAY)
        assert (before, after, before - after) == (D("2420.00"), D("0.00"), D("2420.00"))
        assert result.total_accounting == D("2420.00")
        assert [(d.document_number, d.amount, d.tax_amount) for d in result.documents] == [
            (sales.document_number, D("1210.00"), D("210.00")),
            (service.document_number, D("1210.00"), D("210.00")),
        ]
        # the day before, the invoices were still open
        assert ledger_balances.balance(
            session, customer.id, WRITE_OFF_DAY - dt.timedelta(days=1)
        ) == D("2420.00")


def test_partial_write_off_rounds_the_tax_and_keeps_the_remainder_on_the_net(
    sqlite_db: Database,
) -> None:
    with sqlite_db.sessions() as session:
        customer = add_customer(session)
        separate_sales_tax(session)
        inv = taxed_invoice(session, customer, "1210.00", "210.00", dimension="SALES")
        result = write_off(
            session,
            company_scope(session),
            [inv.id],
            reason_code="SMALL",
            write_off_date=WRITE_OFF_DAY,
            now=NOW,
            created_by_id=None,
            amounts={inv.id: D("100.00")},
        )
        # 100.00 × 210 / 1,210 = 17.355… → 17.36 tax; the net takes the rest: 82.64
        assert lines_of(session, result.journal_id) == [
            ("customer", "C-000001", "EUR", None, None, D("-100.00"), D("-100.00")),
            ("ledger", "681000", "EUR", "SALES", None, D("82.64"), D("82.64")),
            ("tax", "445710", "EUR", "SALES", "VAT-STD", D("17.36"), D("17.36")),
        ]
        assert ledger_balances.open_amount(session, inv.id, WRITE_OFF_DAY) == D("1110.00")
        assert inv.closed_on is None
        assert ledger_balances.balance(session, customer.id, WRITE_OFF_DAY) == D("1110.00")


def test_without_separate_sales_tax_the_whole_amount_goes_to_the_write_off_account(
    sqlite_db: Database,
) -> None:
    with sqlite_db.sessions() as session:
        customer = add_customer(session)
        separate_sales_tax(session, on=False)
        inv = taxed_invoice(session, customer, "1210.00", "210.00", dimension="SALES")
        fee = postings.post_transaction(
            session,
            customer_id=customer.id,
            type="fee",
            amount=D("25.00"),
            posting_date=POSTED,
            now=NOW,
        )
        preview = write_off_preview(session, [inv.id, fee.id], WRITE_OFF_DAY, "UNCOLLECT")
        result = write_off(
            session,
            company_scope(session),
            [inv.id, fee.id],
            reason_code="UNCOLLECT",
            write_off_date=WRITE_OFF_DAY,
            now=NOW,
            created_by_id=None,
        )
        assert lines_of(session, result.journal_id) == [
            ("customer", "C-000001", "EUR", None, None, D("-1235.00"), D("-1235.00")),
            ("ledger", "681000", "EUR", None, None, D("25.00"), D("25.00")),
            ("ledger", "681000", "EUR", "SALES", None, D("1210.00"), D("1210.00")),
        ]
        # the preview showed exactly these lines (without the transaction, not posted yet)
        assert [(p.account_type, p.account, p.dimension, p.amount) for p in preview] == [
            (r[0], r[1], r[3], r[5]) for r in lines_of(session, result.journal_id)
        ]
        assert all(p.transaction_id is None for p in preview)


def test_foreign_currency_balances_in_currency_and_in_accounting(any_db: Database) -> None:
    """A USD invoice at 1.0837 and a EUR one: one write-off transaction per currency."""
    with any_db.sessions() as session:
        customer = add_customer(session)
        separate_sales_tax(session)
        usd = taxed_invoice(
            session, customer, "1210.00", "210.00", dimension="SALES", currency="USD", rate="1.0837"
        )
        eur = taxed_invoice(session, customer, "121.00", "21.00", dimension="SALES")
        assert (usd.amount_accounting, eur.amount_accounting) == (D("1311.28"), D("121.00"))
        result = write_off(
            session,
            company_scope(session),
            [usd.id, eur.id],
            reason_code="UNCOLLECT",
            write_off_date=WRITE_OFF_DAY,
            now=NOW,
            created_by_id=None,
        )
        assert lines_of(session, result.journal_id) == [
            ("customer", "C-000001", "EUR", None, None, D("-121.00"), D("-121.00")),
            ("customer", "C-000001", "USD", None, None, D("-1210.00"), D("-1311.28")),
            ("ledger", "681000", "EUR", "SALES", None, D("100.00"), D("100.00")),
            ("ledger", "681000", "USD", "SALES", None, D("1000.00"), D("1083.70")),
            ("tax", "445710", "EUR", "SALES", "VAT-STD", D("21.00"), D("21.00")),
            ("tax", "445710", "USD", "SALES", "VAT-STD", D("210.00"), D("227.58")),
        ]
        rows = journal_rows(session, result.journal_id)
        for currency in ("EUR", "USD"):
            assert sum(r.amount for r in rows if r.currency == currency) == 0
        assert sum(r.amount_accounting for r in rows) == 0
        assert [(t.document_number, t.currency, t.amount, t.amount_accounting) for t in
                result.transactions] == [
            ("WO-0000001", "EUR", D("-121.00"), D("-121.00")),
            ("WO-0000002", "USD", D("-1210.00"), D("-1311.28")),
        ]  # fmt: skip
        assert ledger_balances.balance(session, customer.id, WRITE_OFF_DAY) == 0


def test_partial_foreign_currency_write_off_is_exact_in_accounting(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        customer = add_customer(session)
        separate_sales_tax(session)
        usd = taxed_invoice(
            session, customer, "1210.00", "210.00", dimension="SALES", currency="USD", rate="1.0837"
        )
        before = ledger_balances.balance(session, customer.id, WRITE_OFF_DAY)
        result = write_off(
            session,
            company_scope(session),
            [usd.id],
            reason_code="UNCOLLECT",
            write_off_date=WRITE_OFF_DAY,
            now=NOW,
            created_by_id=None,
            amounts={usd.id: "333.33"},
        )
        # 333.33 USD = 361.23 EUR (pro rata of 1,311.28); tax 57.85 USD = 62.69 EUR;
        # the net takes the remainders: 275.48 USD = 298.54 EUR
        assert lines_of(session, result.journal_id) == [
            ("customer", "C-000001", "USD", None, None, D("-333.33"), D("-361.23")),
            ("ledger", "681000", "USD", "SALES", None, D("275.48"), D("298.54")),
            ("tax", "445710", "USD", "SALES", "VAT-STD", D("57.85"), D("62.69")),
        ]
        assert before - ledger_balances.balance(session, customer.id, WRITE_OFF_DAY) == D("361.23")
        # the rest is written off later: the accounting amount still open, to the cent
        rest = write_off(
            session,
            company_scope(session),
            [usd.id],
            reason_code="UNCOLLECT",
            write_off_date=WRITE_OFF_DAY,
            now=NOW,
            created_by_id=None,
        )
        assert rest.documents[0].amount == D("876.67")
        assert rest.documents[0].amount_accounting == D("1311.28") - D("361.23")
        assert ledger_balances.balance(session, customer.id, WRITE_OFF_DAY) == 0


@pytest.mark.parametrize(
    ("reason_account", "profile_account", "expected"),
    [
        ("654000", "681500", "654000"),  # the reason's own account wins
        (None, "681500", "681500"),  # else the posting profile's
        (None, None, "681000"),  # else the receivables parameters'
    ],
)
def test_the_write_off_account_comes_from_reason_profile_or_parameters(
    sqlite_db: Database, reason_account, profile_account, expected
) -> None:
    with sqlite_db.sessions() as session:
        customer = add_customer(session)
        session.add(
            WriteOffReason(
                code="BANKRUPT",
                description="Customer went bankrupt",
                ledger_account=reason_account,
                updated_at=NOW,
            )
        )
        session.execute(
            update(PostingProfile)
            .where(PostingProfile.code == "GEN")
            .values(write_off_account=profile_account)
        )
        inv = taxed_invoice(session, customer, "500.00", "0")
        result = write_off(
            session,
            company_scope(session),
            [inv.id],
            reason_code="BANKRUPT",
            write_off_date=WRITE_OFF_DAY,
            now=NOW,
            created_by_id=None,
        )
        assert [(r[0], r[1], r[5]) for r in lines_of(session, result.journal_id)] == [
            ("customer", "C-000001", D("-500.00")),
            ("ledger", expected, D("500.00")),
        ]


def test_reasons_are_listed_by_code(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        assert [r.code for r in write_off_reasons(session)] == [
            "DISPUTE",
            "GOODWILL",
            "SMALL",
            "UNCOLLECT",
        ]


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("nothing", "Nothing is marked"),
        ("unknown reason", "no write-off reason LOST. Choose one of: DISPUTE, GOODWILL, SMALL"),
        ("no reason", "Choose a write-off reason: DISPUTE, GOODWILL, SMALL, UNCOLLECT"),
        ("before posting", "was posted on Sep 1, 2026; it cannot be written off on Aug 31"),
        ("payment", "is a credit \\(payment\\): a credit balance cannot be written off"),
        ("over open", "has only 1,210.00 open on Nov 20, 2026; 1,300.00 was asked"),
        ("zero", "must be greater than zero"),
        ("decimals", "more than 2 decimal places"),
        ("closed", "has nothing open on Nov 20, 2026"),
        ("other customer", "different customers"),
        ("outside scope", "not in your pools"),
    ],
)
def test_refusals_write_nothing(sqlite_db: Database, case, message) -> None:
    with sqlite_db.sessions() as session:
        separate_sales_tax(session)
        customer = add_customer(session, country="ES")
        other = add_customer(session, "C-000002", country="FR")
        inv = taxed_invoice(session, customer, "1210.00", "210.00")
        paid = taxed_invoice(session, customer, "50.00", "0")
        payment = postings.post_payment(
            session, customer_id=customer.id, amount=D("80.00"), posting_date=POSTED, now=NOW
        )
        settlements.settle(session, {paid.id: D("50.00"), payment.id: D("50.00")}, POSTED, NOW)
        foreign = taxed_invoice(session, other, "10.00", "0")
        scope = company_scope(session)
        args = {
            "reason_code": "UNCOLLECT",
            "write_off_date": WRITE_OFF_DAY,
            "now": NOW,
            "created_by_id": None,
        }
        ids = [inv.id]
        if case == "nothing":
            ids = []
        elif case == "unknown reason":
            args["reason_code"] = "LOST"
        elif case == "no reason":
            args["reason_code"] = "  "
        elif case == "before posting":
            args["write_off_date"] = POSTED - dt.timedelta(days=1)
        elif case == "payment":
            ids = [inv.id, payment.id]
        elif case == "over open":
            args["amounts"] = {inv.id: D("1300.00")}
        elif case == "zero":
            args["amounts"] = {inv.id: D("0")}
        elif case == "decimals":
            args["amounts"] = {inv.id: D("10.001")}
        elif case == "closed":
            ids = [paid.id]
        elif case == "other customer":
            ids = [inv.id, foreign.id]
        elif case == "outside scope":
            france = add_pool(session, ["FR"])  # the agent works France; the customer is Spanish
            scope = load_scope(session, add_agent(session, [france]))
        session.commit()
        before = counts(session)
        with pytest.raises(WriteOffError, match=message):
            write_off(session, scope, ids, **args)
        # nothing was written, not even in the session (no flush, no number taken)
        assert counts(session) == before
        session.rollback()
        assert counts(session) == before
        assert ledger_balances.open_amount(session, inv.id, WRITE_OFF_DAY) == D("1210.00")


def test_the_preview_refuses_what_the_write_off_refuses(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        customer = add_customer(session)
        inv = taxed_invoice(session, customer, "1210.00", "210.00")
        with pytest.raises(WriteOffError, match="cannot be written off on Aug 31, 2026"):
            write_off_preview(session, [inv.id], dt.date(2026, 8, 31), "UNCOLLECT")
        with pytest.raises(WriteOffError, match="no write-off reason NOPE"):
            write_off_preview(session, [inv.id], WRITE_OFF_DAY, "NOPE")


@pytest.fixture(scope="module")
def property_db(tmp_path_factory) -> Database:
    """One SQLite company for the property test; each example rolls back what it wrote."""
    from collections_desktop.kernel.clock import SystemClock
    from collections_desktop.models.company.opening import open_company
    from collections_desktop.models.company.setup import create_company

    database = open_company(
        tmp_path_factory.mktemp("writeoff") / "company.sqlite", clock=SystemClock()
    )
    with database.sessions.begin() as session:
        create_company(session, "Property SA", "EUR", NOW)
        separate_sales_tax(session)
    yield database
    database.dispose()


invoices = st.lists(
    st.tuples(
        st.decimals(min_value=D("0.05"), max_value=D("50000"), places=2),  # amount
        st.integers(min_value=0, max_value=40),  # tax in percent of the amount
        st.sampled_from([None, "1.0837", "0.8612", "1.3333", "147.21", "0.0071"]),  # USD rate
        st.sampled_from([None, "SALES", "SERVICE"]),
        st.one_of(st.none(), st.integers(min_value=1, max_value=99)),  # partial, in percent
    ),
    min_size=1,
    max_size=5,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(invoices)
def test_every_write_off_journal_balances_exactly(property_db: Database, specs) -> None:
    """Random amounts, taxes, rates and partial amounts: the journal balances to the cent in
    every currency and in accounting, and the balance drops by the customer lines."""
    session = property_db.sessions()
    try:
        customer = add_customer(session, f"P-{len(specs)}")
        ids, amounts = [], {}
        for amount, percent, rate, dimension, partial in specs:
            tax = round_money(amount * percent / (100 + percent), 2)
            txn = taxed_invoice(
                session,
                customer,
                str(amount),
                str(tax),
                dimension=dimension,
                currency="USD" if rate else None,
                rate=rate,
            )
            ids.append(txn.id)
            if partial is not None:
                part = round_money(amount * partial / 100, 2)
                if part > 0:
                    amounts[txn.id] = part
        before = ledger_balances.balance(session, customer.id, WRITE_OFF_DAY)
        preview = write_off_preview(session, ids, WRITE_OFF_DAY, "UNCOLLECT", amounts=amounts)
        result = write_off(
            session,
            company_scope(session),
            ids,
            reason_code="UNCOLLECT",
            write_off_date=WRITE_OFF_DAY,
            now=NOW,
            created_by_id=None,
            amounts=amounts,
        )
        rows = journal_rows(session, result.journal_id)
        assert sum(r.amount_accounting for r in rows) == 0
        for currency in {r.currency for r in rows}:
            assert sum(r.amount for r in rows if r.currency == currency) == 0
        customer_lines = [r for r in rows if r.account_type == "customer"]
        drop = before - ledger_balances.balance(session, customer.id, WRITE_OFF_DAY)
        assert drop == -sum(r.amount_accounting for r in customer_lines)
        assert drop == result.total_accounting
        # the tax lines carry exactly the tax shares, the ledger lines the rest
        assert sum(r.amount for r in rows if r.account_type == "tax") == sum(
            d.tax_amount for d in result.documents
        )
        assert [(p.account, p.amount, p.amount_accounting) for p in preview] == [
            (r.account, r.amount, r.amount_accounting) for r in rows
        ]
        for txn_id in ids:
            expected = amounts.get(txn_id)
            txn = session.get(CustomerTransaction, txn_id)
            left = ledger_balances.open_amount(session, txn_id, WRITE_OFF_DAY)
            assert left == (txn.amount - expected if expected else 0)
    finally:
        session.rollback()
        session.close()


def test_a_write_off_worth_nothing_in_accounting_still_balances(sqlite_db: Database) -> None:
    """0.05 USD at 0.0071 is 0.00 EUR: the write-off transaction gets a rate that keeps it 0."""
    with sqlite_db.sessions() as session:
        customer = add_customer(session)
        usd = taxed_invoice(session, customer, "0.05", "0", currency="USD", rate="0.0071")
        result = write_off(
            session,
            company_scope(session),
            [usd.id],
            reason_code="SMALL",
            write_off_date=WRITE_OFF_DAY,
            now=NOW,
            created_by_id=None,
        )
        assert lines_of(session, result.journal_id) == [
            ("customer", "C-000001", "USD", None, None, D("-0.05"), D("0.00")),
            ("ledger", "681000", "USD", None, None, D("0.05"), D("0.00")),
        ]
        assert usd.closed_on == WRITE_OFF_DAY

"""Account statements: opening, movements, running and closing balance, aging, to the cent,
on a hand-made ledger (a back-dated settlement, a partial payment, exchange differences),
read in batches, refused outside the scope, and written out as XLSX."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from collections_desktop.models.aging.definitions import age_customer, load_definition
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    AddressPurpose,
    Customer,
    CustomerAddress,
    CustomerTransaction,
    Settlement,
    SettlementLine,
    TransactionType,
)
from collections_desktop.models.ledger import balances, postings, settlements
from collections_desktop.models.people.scope import ScopeError, company_scope, load_scope
from collections_desktop.models.statements.period import (
    StatementError,
    StatementPeriod,
    last_month,
    month_period,
    parse_month,
    this_year,
)
from collections_desktop.models.statements.statement import (
    EXCHANGE_DIFFERENCE,
    read_statements,
    statement,
    statement_customers,
)
from collections_desktop.models.statements.xlsx import statement_rows, statement_xlsx_bytes
from tests.statements import statements as recorded_statements
from tests.unit.test_scope import add_agent, add_pool

D = Decimal
NOW = dt.datetime(2026, 12, 3, 9, tzinfo=dt.UTC)
NOVEMBER = month_period(2026, 11)
OCTOBER = month_period(2026, 10)
_accounts = itertools.count(1)


def add_customer(session, *, country="ES", currency="EUR", language="es", name="Ruiz Hermanos SL"):
    customer = Customer(
        account=f"S-{next(_accounts):05d}",
        name=name,
        currency=currency,
        country=country,
        language=language,
        street="Calle Mayor 4",
        city="Madrid",
        postal_code="28013",
        updated_at=NOW,
    )
    session.add(customer)
    session.flush()
    return customer


def post(session, customer, kind, amount, day, **fields) -> CustomerTransaction:
    return postings.post_transaction(
        session,
        customer_id=customer.id,
        type=kind,
        amount=D(amount),
        posting_date=day,
        now=NOW,
        **fields,
    )


def euro_books(session):
    """Invoices A 1,000.00 (Sep, due 10 Oct) and B 500.00 (5 Oct, due 4 Nov); payment P1
    600.00 on 20 Oct applied to A that day; in November invoice C 250.00, payment P2
    200.00 applied to B in part, credit note 50.00 (unapplied) and a fee of 10.00; a
    payment P4 of 100.00 of 25 Oct applied to A by a settlement made last but dated 28 Oct
    (back-dated), and in December an invoice and a settlement that November knows nothing of."""
    customer = add_customer(session)
    day = dt.date
    a = post(session, customer, TransactionType.INVOICE, "1000.00", day(2026, 9, 10),
             due_date=day(2026, 10, 10))  # fmt: skip
    b = post(session, customer, TransactionType.INVOICE, "500.00", day(2026, 10, 5),
             due_date=day(2026, 11, 4))  # fmt: skip
    p1 = post(session, customer, TransactionType.PAYMENT, "600.00", day(2026, 10, 20))
    settlements.settle(session, {a.id: D("600.00"), p1.id: D("600.00")}, day(2026, 10, 20), NOW)
    p4 = post(session, customer, TransactionType.PAYMENT, "100.00", day(2026, 10, 25))
    c = post(session, customer, TransactionType.INVOICE, "250.00", day(2026, 11, 10),
             due_date=day(2026, 12, 10))  # fmt: skip
    p2 = post(session, customer, TransactionType.PAYMENT, "200.00", day(2026, 11, 15))
    settlements.settle(session, {b.id: D("200.00"), p2.id: D("200.00")}, day(2026, 11, 15), NOW)
    credit = post(session, customer, TransactionType.CREDIT_NOTE, "50.00", day(2026, 11, 20))
    fee = post(session, customer, TransactionType.FEE, "10.00", day(2026, 11, 25))
    # Made now, dated before the period: the opening balance and the aging see it there.
    settlements.settle(session, {a.id: D("100.00"), p4.id: D("100.00")}, day(2026, 10, 28), NOW)
    post(session, customer, TransactionType.INVOICE, "99.00", day(2026, 12, 2))
    settlements.settle(session, {c.id: D("50.00"), credit.id: D("50.00")}, day(2026, 12, 3), NOW)
    return customer, {"A": a, "B": b, "C": c, "P2": p2, "CN": credit, "FEE": fee}


def test_opening_movements_running_and_closing_balance_to_the_cent(any_db: Database) -> None:
    with any_db.sessions() as session:
        customer, docs = euro_books(session)
        session.commit()
        result = statement(session, company_scope(session), customer.id, NOVEMBER)

        assert result.opening_balance == D("800.00")  # 1,500.00 - 600.00 - 100.00
        assert [
            (m.date, m.document_number, m.description, m.debit, m.credit, m.balance)
            for m in result.movements
        ] == [
            (dt.date(2026, 11, 10), docs["C"].document_number, "Factura", D("250.00"), 0,
             D("1050.00")),
            (dt.date(2026, 11, 15), docs["P2"].document_number, "Pago", 0, D("200.00"),
             D("850.00")),
            (dt.date(2026, 11, 20), docs["CN"].document_number, "Abono", 0, D("50.00"),
             D("800.00")),
            (dt.date(2026, 11, 25), docs["FEE"].document_number, "Gastos", D("10.00"), 0,
             D("810.00")),
        ]  # fmt: skip
        assert (result.total_debit, result.total_credit) == (D("260.00"), D("250.00"))
        assert result.closing_balance == D("810.00")
        assert result.closing_balance == balances.balance(session, customer.id, NOVEMBER.end)
        assert result.opening_balance == balances.balance(session, customer.id, OCTOBER.end)
        assert result.movements[0].due_date == dt.date(2026, 12, 10)
        assert result.movements[1].due_date is None  # a credit has nothing due
        assert (result.language, result.currency, result.customer_name) == (
            "es",
            "EUR",
            "Ruiz Hermanos SL",
        )
        assert result.address_lines == ("Calle Mayor 4", "28013 Madrid", "España")


def test_aging_of_what_is_open_at_the_end_sums_to_the_closing_balance(
    sqlite_db: Database,
) -> None:
    with sqlite_db.sessions() as session:
        customer, _docs = euro_books(session)
        session.commit()
        result = statement(session, company_scope(session), customer.id, NOVEMBER)
        aging = result.aging
        # A: 300.00 open, 51 days past due; B: 300.00, 26 days; C: 250.00 not yet due;
        # the fee 10.00, 5 days; the credit note's 50.00 unapplied (settled in December).
        assert aging.labels == (
            "No vencido", "1-30 días", "31-60 días", "61-90 días", "91-120 días",
            "Más de 120 días", "Sin aplicar",
        )  # fmt: skip
        assert aging.columns == (D("250.00"), D("310.00"), D("300.00"), 0, 0, 0, D("-50.00"))
        assert aging.total == result.closing_balance == D("810.00")
        live = age_customer(session, customer.id, NOVEMBER.end, load_definition(session))
        assert live.columns == aging.columns


def test_same_day_movements_keep_their_posting_order_and_exchange_differences_come_last(
    any_db: Database,
) -> None:
    """A GBP customer (accounting EUR): an invoice of 100.00 GBP at 1.20 and a payment at
    1.10, settled on 5 Nov, leave 10.00 EUR as the settlement's exchange difference, on
    that date, after that day's documents."""
    with any_db.sessions() as session:
        customer = add_customer(session, country="GB", currency="GBP", language="en",
                                name="Lawrence & Smith Ltd")  # fmt: skip
        day = dt.date(2026, 11, 5)
        invoice = post(session, customer, TransactionType.INVOICE, "100.00",
                       dt.date(2026, 10, 1), currency="GBP", exchange_rate=D("1.20"))  # fmt: skip
        payment = post(session, customer, TransactionType.PAYMENT, "100.00",
                       dt.date(2026, 10, 10), currency="GBP", exchange_rate=D("1.10"))  # fmt: skip
        second = post(session, customer, TransactionType.INVOICE, "20.00", day, currency="GBP",
                      exchange_rate=D("1.20"))  # fmt: skip
        settlements.settle(session, {invoice.id: D("100"), payment.id: D("100")}, day, NOW)
        third = post(session, customer, TransactionType.INVOICE, "30.00", day, currency="GBP",
                     exchange_rate=D("1.20"))  # fmt: skip
        session.commit()
        result = statement(session, company_scope(session), customer.id, NOVEMBER)
        assert result.opening_balance == D("10.00")  # 120.00 - 110.00
        assert [(m.kind, m.debit, m.credit, m.balance) for m in result.movements] == [
            ("invoice", D("24.00"), 0, D("34.00")),
            ("invoice", D("36.00"), 0, D("70.00")),
            (EXCHANGE_DIFFERENCE, 0, D("10.00"), D("60.00")),
        ]
        assert [m.document_number for m in result.movements[:2]] == [
            second.document_number,
            third.document_number,
        ]
        assert result.movements[0].currency == "GBP"
        assert result.movements[0].amount == D("20.00")
        assert result.movements[2].description == "Exchange difference on settlement"
        assert result.closing_balance == balances.balance(session, customer.id, NOVEMBER.end)
        assert result.aging.total == result.closing_balance == D("60.00")


def test_a_back_dated_settlement_with_an_exchange_difference_counts_in_its_own_month(
    sqlite_db: Database,
) -> None:
    """A settlement made after November's but dated 15 Oct moves October's closing and
    November's opening balance; each month's closing is the ledger's balance."""
    with sqlite_db.sessions() as session:
        customer = add_customer(session, country="GB", currency="GBP", language="en")
        gbp = {"currency": "GBP"}
        invoice = post(session, customer, TransactionType.INVOICE, "100.00",
                       dt.date(2026, 10, 1), exchange_rate=D("1.20"), **gbp)  # fmt: skip
        payment = post(session, customer, TransactionType.PAYMENT, "100.00",
                       dt.date(2026, 10, 10), exchange_rate=D("1.10"), **gbp)  # fmt: skip
        settlements.settle(session, {invoice.id: D("100"), payment.id: D("100")},
                           dt.date(2026, 11, 5), NOW)  # fmt: skip
        late = post(session, customer, TransactionType.INVOICE, "50.00", dt.date(2026, 10, 2),
                    exchange_rate=D("1.20"), **gbp)  # fmt: skip
        early = post(session, customer, TransactionType.PAYMENT, "50.00", dt.date(2026, 10, 3),
                     exchange_rate=D("1.30"), **gbp)  # fmt: skip
        settlements.settle(session, {late.id: D("50"), early.id: D("50")},
                           dt.date(2026, 10, 15), NOW)  # fmt: skip
        session.commit()
        scope = company_scope(session)
        october = statement(session, scope, customer.id, OCTOBER)
        november = statement(session, scope, customer.id, NOVEMBER)
        assert october.opening_balance == 0
        assert [(m.date, m.kind, m.debit, m.credit) for m in october.movements][-1] == (
            dt.date(2026, 10, 15), EXCHANGE_DIFFERENCE, D("5.00"), 0,
        )  # fmt: skip
        assert october.closing_balance == D("10.00")  # 120 - 110 + 60 - 65 + 5
        assert november.opening_balance == october.closing_balance
        assert november.closing_balance == 0
        for result, period in ((october, OCTOBER), (november, NOVEMBER)):
            assert result.closing_balance == balances.balance(session, customer.id, period.end)
            assert result.aging.total == result.closing_balance


def test_many_customers_are_read_in_a_few_statements(sqlite_db: Database) -> None:
    """Twelve customers, each with every kind of movement, cost as many statements as one."""
    with sqlite_db.sessions() as session:
        customers = [euro_books(session)[0] for _ in range(12)]
        session.commit()
        ids = [c.id for c in customers]

        def counted(chosen):
            seen, stop = recorded_statements(sqlite_db.engine)
            try:
                return read_statements(session, chosen, NOVEMBER), len(seen)
            finally:
                stop()

        _one, for_one = counted(ids[:1])
        results, for_twelve = counted(list(reversed(ids)))
        assert for_twelve == for_one <= 16  # the company, definitions, then 6 per 500 customers
        assert [r.customer_id for r in results] == list(reversed(ids))
        for result in results:
            assert result.closing_balance == D("810.00")
            assert len(result.movements) == 4


def test_statement_customers_are_those_with_an_open_balance_in_the_scope(
    sqlite_db: Database,
) -> None:
    with sqlite_db.sessions() as session:
        spain = add_pool(session, ["ES"])
        agent = add_agent(session, [spain])
        owing, _docs = euro_books(session)
        settled = add_customer(session)  # everything paid: no statement
        invoice = post(session, settled, TransactionType.INVOICE, "80.00", dt.date(2026, 10, 1))
        payment = post(session, settled, TransactionType.PAYMENT, "80.00", dt.date(2026, 10, 9))
        settlements.settle(session, {invoice.id: D("80"), payment.id: D("80")},
                           dt.date(2026, 10, 9), NOW)  # fmt: skip
        french = add_customer(session, country="FR", language="fr")
        post(session, french, TransactionType.INVOICE, "70.00", dt.date(2026, 11, 1))
        session.commit()
        everyone = statement_customers(session, company_scope(session), NOVEMBER.end)
        assert everyone == sorted(
            [owing.id, french.id], key=lambda i: session.get(Customer, i).account
        )
        scope = load_scope(session, agent)
        assert statement_customers(session, scope, NOVEMBER.end) == [owing.id]
        assert statement_customers(session, scope, NOVEMBER.end, account=owing.account) == [
            owing.id
        ]
        with pytest.raises(ScopeError):
            statement_customers(session, scope, NOVEMBER.end, account=french.account)
        with pytest.raises(StatementError, match="There is no customer NOPE"):
            statement_customers(session, scope, NOVEMBER.end, account="NOPE")


def test_a_customer_outside_the_scope_is_refused_and_nothing_is_read(
    sqlite_db: Database,
) -> None:
    with sqlite_db.sessions() as session:
        agent = add_agent(session, [add_pool(session, ["PT"])])
        customer, _docs = euro_books(session)
        session.commit()
        scope = load_scope(session, agent)
        seen, stop = recorded_statements(sqlite_db.engine)
        try:
            with pytest.raises(ScopeError, match="outside their pools"):
                statement(session, scope, customer.id, NOVEMBER)
        finally:
            stop()
        assert not any("customer_transactions" in s for s in seen)
        counts = [session.scalar(select(func.count()).select_from(t))
                  for t in (CustomerTransaction, Settlement, SettlementLine)]  # fmt: skip
        assert counts == [9, 4, 8]


def test_periods_and_their_presets() -> None:
    assert parse_month("2026-11") == StatementPeriod(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert parse_month("2024-02").end == dt.date(2024, 2, 29)
    assert parse_month("2026-11").name == "2026-11"
    assert last_month(dt.date(2026, 1, 15)) == month_period(2025, 12)
    assert this_year(dt.date(2026, 12, 3)) == StatementPeriod(
        dt.date(2026, 1, 1), dt.date(2026, 12, 3)
    )
    assert this_year(dt.date(2026, 12, 3)).name == "2026-01-01_2026-12-03"
    assert NOVEMBER.opening_date == dt.date(2026, 10, 31)
    for text in ("2026-13", "11/2026", "2026-1"):
        with pytest.raises(StatementError, match="like 2026-11"):
            parse_month(text)
    with pytest.raises(StatementError, match="ends"):
        StatementPeriod(dt.date(2026, 11, 2), dt.date(2026, 11, 1))


def test_the_xlsx_reads_back_with_figures_as_numbers(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        customer, docs = euro_books(session)
        session.get(Customer, customer.id).name = "=HYPERLINK(1)"
        session.commit()
        result = statement(session, company_scope(session), customer.id, NOVEMBER)
    book = load_workbook(io.BytesIO(statement_xlsx_bytes(result)))
    sheet = book.active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[3][:2] == ["Cliente", "'=HYPERLINK(1)"]
    head = next(i for i, row in enumerate(rows) if row[0] == "Fecha")
    # (the words without a Spanish translation yet are left out)
    assert rows[head][:4] + rows[head][5:7] == [
        "Fecha", "Documento", "Descripción", "Fecha de vencimiento", "Crédito", "Saldo",
    ]  # fmt: skip
    opening = rows[head + 1]
    assert opening[0] == dt.datetime(2026, 10, 31)
    assert opening[6] == 800
    lines = rows[head + 2 : head + 6]
    assert [(r[1], r[4], r[5], r[6]) for r in lines] == [
        (docs["C"].document_number, 250, None, 1050),
        (docs["P2"].document_number, None, 200, 850),
        (docs["CN"].document_number, None, 50, 800),
        (docs["FEE"].document_number, 10, None, 810),
    ]
    assert all(isinstance(r[6], int | float) for r in lines)
    totals, closing = rows[head + 6], rows[head + 7]
    assert (totals[4], totals[5]) == (260, 250)
    assert closing[6] == 810
    assert rows[-2] == [
        "No vencido", "1-30 días", "31-60 días", "61-90 días", "91-120 días",
        "Más de 120 días", "Sin aplicar", "Total", None,
    ][: len(rows[-2])]  # fmt: skip
    assert rows[-1][:8] == [250, 310, 300, 0, 0, 0, -50, 810]
    assert sheet.cell(row=head + 3, column=5).number_format == "#,##0.00;-#,##0.00"
    assert len(statement_rows(result)) == len(rows)


def test_a_statement_address_is_used_before_the_business_address(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        customer, _docs = euro_books(session)
        session.add(
            CustomerAddress(
                customer_id=customer.id,
                purpose=AddressPurpose.STATEMENT,
                street="Apartado 17",
                city="Sevilla",
                postal_code="41080",
                country="ES",
                is_primary=True,
                updated_at=NOW,
            )
        )
        session.commit()
        result = statement(session, company_scope(session), customer.id, NOVEMBER)
    assert result.address_lines == ("Apartado 17", "41080 Sevilla", "España")

"""A statement's closing balance is the ledger's balance at the end, whatever happened:
random invoices, payments and credit notes in EUR and GBP (random rates), settled in
random (back-dated) order, and any period."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collections_desktop.kernel.money import ZERO
from collections_desktop.models.aging.definitions import age_customer, load_definition
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import TransactionType
from collections_desktop.models.ledger import balances, settlements
from collections_desktop.models.ledger.books import LedgerError
from collections_desktop.models.people.scope import company_scope
from collections_desktop.models.statements.period import StatementPeriod
from collections_desktop.models.statements.statement import statement
from tests.hypothesis_profiles import examples
from tests.unit.test_statements import NOW, add_customer, post

FIRST = dt.date(2026, 9, 1)
DAYS = 100

postings_ = st.lists(
    st.tuples(
        st.sampled_from([TransactionType.INVOICE, TransactionType.PAYMENT,
                         TransactionType.CREDIT_NOTE, TransactionType.FEE]),
        st.integers(1, 200_000),  # cents
        st.integers(0, DAYS),  # posting day
        st.sampled_from(["1.00", "1.17", "1.2345", "0.9"]),
    ),
    min_size=2,
    max_size=10,
)  # fmt: skip
KINDS_FIRST = (TransactionType.INVOICE, TransactionType.PAYMENT)
"""The first two postings' kinds: something to settle in every example."""
settling = st.lists(
    st.tuples(st.integers(0, 9), st.integers(0, 9), st.integers(0, 20), st.integers(1, 100)),
    min_size=1,
    max_size=8,
)
periods = st.tuples(st.integers(0, 60), st.integers(10, 90))


@settings(
    max_examples=examples(30),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    posted=postings_, settled=settling, period=periods, foreign=st.sampled_from([True, True, False])
)
def test_closing_equals_the_ledgers_balance_and_the_aging(
    sqlite_db: Database, posted, settled, period, foreign
) -> None:
    currency = "GBP" if foreign else "EUR"
    with sqlite_db.sessions() as session:
        customer = add_customer(session, currency=currency)
        made = []
        for index, (kind, cents, day, rate) in enumerate(posted):
            kind = KINDS_FIRST[index] if index < len(KINDS_FIRST) else kind
            made.append(
                post(session, customer, kind, str(Decimal(cents) / 100),
                     FIRST + dt.timedelta(days=day), currency=currency,
                     exchange_rate=Decimal(rate) if foreign else None)
            )  # fmt: skip
        debits = [t for t in made if t.amount > ZERO]
        credits = [t for t in made if t.amount < ZERO]
        for debit_at, credit_at, later, share in settled:
            if not debits or not credits:
                break
            debit, credit = debits[debit_at % len(debits)], credits[credit_at % len(credits)]
            day = max(debit.posting_date, credit.posting_date) + dt.timedelta(days=later)
            room = min(
                settlements.settleable_amount(session, debit, day),
                settlements.settleable_amount(session, credit, day),
            )
            amount = (room * share / 100).quantize(Decimal("0.01"))
            if amount <= ZERO:
                continue
            try:
                settlements.settle(session, {debit.id: amount, credit.id: amount}, day, NOW)
            except LedgerError:
                continue
        session.commit()
        start = FIRST + dt.timedelta(days=period[0])
        chosen = StatementPeriod(start, start + dt.timedelta(days=period[1]))
        result = statement(session, company_scope(session), customer.id, chosen)
        assert result.opening_balance == balances.balance(session, customer.id, chosen.opening_date)
        assert result.closing_balance == balances.balance(session, customer.id, chosen.end)
        running = result.opening_balance
        for movement in result.movements:
            running += movement.debit - movement.credit
            assert movement.balance == running
            assert chosen.start <= movement.date <= chosen.end
        assert [m.date for m in result.movements] == sorted(m.date for m in result.movements)
        assert result.aging.total == result.closing_balance
        live = age_customer(session, customer.id, chosen.end, load_definition(session))
        assert live.columns == result.aging.columns

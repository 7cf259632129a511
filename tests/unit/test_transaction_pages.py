"""A page of a customer's open transactions: the tabs' rows, counted in SQL, through a row.

The order of the pages against the grid's own sort is checked in
``tests/gui/test_transaction_pages.py`` (it needs the grid's item model).
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlalchemy import String, column, literal, select, union_all
from sqlalchemy import text as text_query
from sqlalchemy.dialects import postgresql

from collections_desktop.models.db.database import Database
from collections_desktop.models.db.functions import sort_text
from collections_desktop.models.db.schema import (
    CollectionStatus,
    CustomerPool,
    CustomerTransaction,
    InvoicePrediction,
    TransactionType,
)
from collections_desktop.models.ledger import postings, settlements
from collections_desktop.models.people.pools import PoolCriteria
from collections_desktop.models.people.scope import ScopeError, company_scope, load_scope
from collections_desktop.models.screens.customer_card import (
    TransactionRow,
    disputed_transactions,
    promised_transactions,
    unsettled_payments,
)
from collections_desktop.models.screens.transaction_pages import (
    PageWanted,
    SortKey,
    Tab,
    transaction_page,
)
from collections_desktop.models.screens.workspace import open_rows
from tests.unit.test_scope import add_agent
from tests.unit.test_snapshot import NOW, TODAY, add_customer

D = Decimal
TABS = {
    Tab.OPEN: tuple,
    Tab.DISPUTED: disputed_transactions,
    Tab.PROMISED: promised_transactions,
    Tab.UNSETTLED: unsettled_payments,
}
"""Each tab and how the Workspace picks its rows out of ``open_rows``."""


@dataclass(frozen=True)
class Ledger:
    """A customer whose open items tie on every column, with blanks, and the ids to ask."""

    customer_id: uuid.UUID
    settled: uuid.UUID
    """Settled in full (and closed): on no page."""
    settled_open: uuid.UUID
    """Settled in full by lines dated by today, reopened by a reversal dated later: open
    but for nothing, on no page either."""


def post(session, customer_id, type_, amount, due, *, number=None, posted=None, currency=None):
    """A transaction of the customer, posted 30 days before it is due unless said."""
    return postings.post_transaction(
        session,
        customer_id=customer_id,
        type=type_,
        amount=D(amount),
        posting_date=posted or due - dt.timedelta(days=30),
        due_date=due,
        document_number=number,
        currency=currency,
        exchange_rate=D("0.9") if currency == "USD" else None,
        now=NOW,
    )


def settle(session, day: dt.date, **amounts: tuple[CustomerTransaction, str]):
    return settlements.settle(
        session, {txn.id: D(amount) for txn, amount in amounts.values()}, day, NOW
    )


def predict(session, txn: CustomerTransaction, day: dt.date, chance: int) -> None:
    session.add(
        InvoicePrediction(
            transaction_id=txn.id,
            customer_id=txn.customer_id,
            as_of=TODAY,
            predicted_date=day,
            late_chance=chance,
            usual_delay_days=5,
            trend_days=0,
            disputed=txn.collection_status == CollectionStatus.DISPUTED,
            open_amount=txn.amount,
            expected_late=(txn.amount * chance / 10_000).quantize(D("0.01")),
            created_at=NOW,
        )
    )


def ledger(session) -> Ledger:
    """Ties on the due date, the amounts, the prediction and the promise; blanks (no
    prediction, no days overdue, no status, no promise); statuses; an invoice in dollars;
    payments and credit notes (negative), some partly applied; and two settled in full.

    Document numbers differ in case and punctuation ("a-2" before "A_1" casefolded by
    code point; a collation weighing letters first would say otherwise).
    """
    customer = add_customer(session)
    debit, payment, credit_note = (
        functools.partial(post, session, customer.id, kind)
        for kind in (TransactionType.INVOICE, TransactionType.PAYMENT, TransactionType.CREDIT_NOTE)
    )
    oct1, nov1, dec5 = dt.date(2026, 10, 1), dt.date(2026, 11, 1), dt.date(2026, 12, 5)
    a = debit("100.00", oct1, number="A_1")
    b = debit("100.00", oct1, number="a-2")
    c = debit("250.00", nov1, number="B 10")
    d = debit("250.00", nov1, number="b 9")
    e = debit("80.00", dt.date(2026, 12, 15), number="C-1")  # not due yet
    debit("80.00", TODAY, number="c-1")  # due today: no days overdue
    g = debit("120.00", dt.date(2026, 9, 15), currency="USD")
    h = debit("90.00", oct1)
    i = debit("90.00", oct1)
    j = debit("75.00", nov1)
    k = debit("100.00", oct1, number="a-3")
    m = debit("40.00", dt.date(2026, 11, 20))
    post(session, customer.id, TransactionType.FEE, "15.00", nov1)
    for txn, status in (
        (b, CollectionStatus.DISPUTED),
        (g, CollectionStatus.DISPUTED),
        (k, CollectionStatus.DISPUTED),
        (m, CollectionStatus.PROMISED),
        (c, CollectionStatus.PROMISED),
        (d, CollectionStatus.PROMISED),
        (h, CollectionStatus.BROKEN),
        (i, CollectionStatus.RESOLVED),
        (j, CollectionStatus.LEGAL),
    ):
        txn.collection_status = status
    c.promise_date, c.promise_amount = dec5, D("150.00")
    d.promise_date, d.promise_amount = dec5, D("100.00")
    m.promise_date, m.promise_amount = dt.date(2026, 11, 30), D("40.00")
    h.promise_date, h.promise_amount = dt.date(2026, 10, 20), D("90.00")
    i.promise_date, i.promise_amount = dec5, D("50.00")  # not a promise's: no promise shown
    nov10, nov12 = dt.date(2026, 11, 10), dt.date(2026, 11, 12)
    p1 = payment("160.00", nov10, posted=nov10)
    payment("60.00", nov12, posted=nov12)  # open as much as what is left of p1
    payment("60.00", nov12, posted=nov12)
    cn = credit_note("40.00", dt.date(2026, 11, 5), posted=dt.date(2026, 11, 5))
    settle(session, dt.date(2026, 11, 15), c=(c, "100.00"), p=(p1, "100.00"))
    settle(session, dt.date(2026, 11, 15), e=(e, "20.00"), cn=(cn, "20.00"))
    gone = debit("55.00", oct1, number="A-0")
    settle(session, oct1, x=(gone, "55.00"), y=(payment("55.00", oct1, posted=oct1), "55.00"))
    reopened = debit("65.00", oct1, number="A-00")
    back = payment("65.00", oct1, posted=oct1)
    undone = settle(session, oct1, x=(reopened, "65.00"), y=(back, "65.00"))
    settlements.reverse_settlement(session, undone.id, TODAY + dt.timedelta(days=3), NOW)
    for txn, day, chance in (
        (a, dt.date(2026, 12, 1), 3_000),
        (d, dt.date(2026, 12, 1), 3_000),
        (e, dt.date(2027, 1, 10), 1_200),
        (g, dt.date(2026, 12, 20), 0),
        (c, dt.date(2026, 12, 8), 6_500),
    ):
        predict(session, txn, day, chance)
    session.flush()
    return Ledger(customer.id, gone.id, reopened.id)


def pages(session, scope, customer_id, wanted: PageWanted, limit: int) -> list[TransactionRow]:
    """The tab's rows read page by page as a window reads them: until a page falls short."""
    rows: list[TransactionRow] = []
    while True:
        page = transaction_page(
            session, scope, customer_id, TODAY, wanted, offset=len(rows), limit=limit
        )
        rows += page
        if len(page) < limit:
            return rows


def test_each_tab_holds_the_rows_open_rows_gives_it_and_pages_count_open_rows(
    any_db: Database,
) -> None:
    with any_db.sessions() as session:
        book = ledger(session)
        scope = company_scope(session)
        every = open_rows(session, scope, book.customer_id, TODAY)
        ids = {row.id for row in every}
        assert book.settled not in ids
        assert book.settled_open not in ids
        for tab, rows_of in TABS.items():
            wanted = PageWanted(tab, SortKey.DUE)
            whole = transaction_page(session, scope, book.customer_id, TODAY, wanted, limit=None)
            assert whole == rows_of(every), tab  # rows equal: promises, predictions and all
            assert whole
            # The reopened item would make a page short if SQL counted it.
            assert pages(session, scope, book.customer_id, wanted, 3) == list(whole), tab
            page = transaction_page(
                session, scope, book.customer_id, TODAY, wanted, offset=1, limit=2
            )
            assert page == whole[1:3], tab


def test_through_reads_pages_until_the_row_and_ends_on_a_page_boundary(any_db: Database) -> None:
    with any_db.sessions() as session:
        book = ledger(session)
        scope = company_scope(session)
        wanted = PageWanted(Tab.OPEN, SortKey.AMOUNT, descending=True)
        every = transaction_page(session, scope, book.customer_id, TODAY, wanted, limit=None)
        assert len(every) > 12
        ids = [row.id for row in every]

        def through(wanted_id: uuid.UUID, offset: int = 0) -> list[uuid.UUID]:
            rows = transaction_page(
                session, scope, book.customer_id, TODAY, wanted,
                offset=offset, limit=2, through=wanted_id,
            )  # fmt: skip
            return [row.id for row in rows]

        assert through(ids[0]) == ids[:2]
        assert through(ids[1]) == ids[:2]
        assert through(ids[2]) == ids[:4]
        assert through(ids[9]) == ids[:10]  # read in runs of 2, 4 and 8 rows: cut to 10
        assert through(ids[10]) == ids[:12]
        assert through(ids[-1]) == ids
        assert through(ids[7], offset=3) == ids[3:9]
        assert through(ids[1], offset=3) == ids[3:]  # before the offset: not found
        assert through(book.settled) == ids  # settled meanwhile: every row
        assert through(book.settled, offset=5) == ids[5:]


def test_a_customer_outside_the_scope_is_refused(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        book = ledger(session)  # a Spanish customer
        gaul = CustomerPool(
            name="Gaul", criteria=PoolCriteria(countries=("FR",)).to_json(), updated_at=NOW
        )
        session.add(gaul)
        session.flush()
        scope = load_scope(session, add_agent(session, [gaul], default=gaul))
        with pytest.raises(ScopeError):
            transaction_page(
                session, scope, book.customer_id, TODAY, PageWanted(Tab.OPEN, SortKey.DUE)
            )


SPELLINGS = ["b 9", "B 10", "a-2", "A_1", "a 3", "ä", "Z", "", "10", "9", "C-2", "c-1"]
"""Texts a collation would order otherwise than Python: by letters before punctuation,
"ä" beside "a"."""


def test_sort_text_orders_by_code_point_as_python_sorts_casefolded_text(
    any_db: Database,
) -> None:
    spelled = select(sort_text(column("v"))).compile(dialect=postgresql.dialect())
    assert 'COLLATE "C"' in str(spelled)
    expected = [*sorted(v.casefold() for v in SPELLINGS if v), ""]
    listed = union_all(*(select(literal(v, String).label("v")) for v in SPELLINGS)).subquery()
    text = listed.c.v
    with any_db.sessions() as session:
        if session.get_bind().dialect.name == "postgresql":
            # A column of a collation that weighs letters first: sort_text overrides it.
            icu = session.scalar(
                text_query("select 1 from pg_collation where collname = 'und-x-icu'")
            )
            if icu:
                text = text.collate("und-x-icu")
        key = sort_text(text)
        found = session.scalars(select(listed.c.v).order_by(key.is_(None), key)).all()
    assert [v.casefold() for v in found] == expected

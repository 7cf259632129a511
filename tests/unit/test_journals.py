"""Posted journals: a batch is numbered in order and read back line by line; a journal that
does not balance (in a currency or only in accounting) refuses its whole batch."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    Journal,
    JournalAccountType,
    JournalLine,
    JournalType,
    NumberSequence,
    TransactionType,
)
from collections_desktop.models.ledger.journals import (
    JournalDraft,
    JournalError,
    LineDraft,
    check_balanced,
    journal_rows,
    post_journal,
    post_journals,
)
from tests.unit.test_nsf import NOW, add_customer, post

D = Decimal
DAY = dt.date(2026, 11, 20)
CUSTOMER = JournalAccountType.CUSTOMER
LEDGER = JournalAccountType.LEDGER


def line(account: str, currency: str, amount: str, accounting: str | None = None, **fields):
    kind = LEDGER if account[0].isdigit() else CUSTOMER
    return LineDraft(kind, account, currency, D(amount), D(accounting or amount), **fields)


def fee_draft(account: str, customer_id, amount: str, description: str) -> JournalDraft:
    return JournalDraft(
        type=JournalType.LETTER,
        journal_date=DAY,
        lines=[line(account, "EUR", amount), line("758100", "EUR", f"-{amount}")],
        customer_id=customer_id,
        description=description,
    )


def state(session) -> tuple[int, int, int | None]:
    """Journals, journal lines, and the journal counter's next value."""
    return (
        session.scalar(select(func.count()).select_from(Journal)),
        session.scalar(select(func.count()).select_from(JournalLine)),
        session.scalar(select(NumberSequence.next_value).where(NumberSequence.name == "journal")),
    )


def test_a_balanced_batch_is_numbered_in_order_and_read_back(any_db: Database) -> None:
    with any_db.sessions() as session:
        eur = add_customer(session)
        usd = add_customer(session, currency="USD")
        charge = post(session, eur, TransactionType.FEE, "12.50", DAY)
        session.commit()
        drafts = [
            JournalDraft(
                type=JournalType.INTEREST,
                journal_date=DAY,
                lines=[
                    line(
                        eur.account,
                        "EUR",
                        "12.50",
                        transaction_id=charge.id,
                        posting_profile="GEN",
                        text="INT on INV-1",
                    ),
                    line("763000", "EUR", "-12.50", transaction_id=charge.id, text="INT on INV-1"),
                ],
                customer_id=eur.id,
                reason_code="STD",
                description="Interest note INT-0000001",
            ),
            # Two currencies: each balances on its own, and so does the accounting amount.
            JournalDraft(
                type=JournalType.ADJUSTMENT,
                journal_date=DAY + dt.timedelta(days=1),
                lines=[
                    line(usd.account, "USD", "100.00", "90.00"),
                    line("763000", "USD", "-100.00", "-90.00", dimension="ES"),
                    line(eur.account, "EUR", "-40.00"),
                    line("758100", "EUR", "40.00", tax_code="VAT-STD"),
                ],
                customer_id=usd.id,
            ),
            fee_draft(eur.account, eur.id, "10.00", "Collection letter CL-0000001"),
        ]
        posted = post_journals(session, drafts, NOW, created_by_id=None)
        single = post_journal(
            session,
            type=JournalType.WRITE_OFF,
            journal_date=DAY,
            lines=[line("681000", "EUR", "3.00"), line(eur.account, "EUR", "-3.00")],
            now=NOW,
            customer_id=eur.id,
            reason_code="SMALL",
        )
        session.commit()

        assert [number for _id, number in posted] == ["JNL-0000001", "JNL-0000002", "JNL-0000003"]
        assert single.number == "JNL-0000004"
        assert state(session) == (4, 10, 5)
        heads = session.execute(
            select(Journal.id, Journal.number, Journal.type, Journal.customer_id,
                   Journal.reason_code, Journal.description, Journal.created_at)
            .order_by(Journal.number)
        ).all()  # fmt: skip
        assert [tuple(head) for head in heads] == [
            (posted[0].id, "JNL-0000001", "interest", eur.id, "STD",
             "Interest note INT-0000001", NOW),
            (posted[1].id, "JNL-0000002", "adjustment", usd.id, None, None, NOW),
            (posted[2].id, "JNL-0000003", "letter", eur.id, None,
             "Collection letter CL-0000001", NOW),
            (single.id, "JNL-0000004", "write_off", eur.id, "SMALL", None, NOW),
        ]  # fmt: skip

        first = journal_rows(session, posted[0].id)
        assert [
            (r.number, r.type, r.journal_date, r.line_number, r.account_type, r.account,
             r.amount, r.posting_profile, r.text)
            for r in first
        ] == [
            ("JNL-0000001", "interest", DAY, 1, "customer", eur.account, D("12.50"), "GEN",
             "INT on INV-1"),
            ("JNL-0000001", "interest", DAY, 2, "ledger", "763000", D("-12.50"), None,
             "INT on INV-1"),
        ]  # fmt: skip
        linked = session.scalars(
            select(JournalLine.transaction_id).where(JournalLine.journal_id == posted[0].id)
        ).all()
        assert linked == [charge.id, charge.id]
        second = journal_rows(session, posted[1].id)
        assert [
            (r.line_number, r.account, r.currency, r.amount, r.amount_accounting, r.dimension,
             r.tax_code)
            for r in second
        ] == [
            (1, usd.account, "USD", D("100.00"), D("90.00"), None, None),
            (2, "763000", "USD", D("-100.00"), D("-90.00"), "ES", None),
            (3, eur.account, "EUR", D("-40.00"), D("-40.00"), None, None),
            (4, "758100", "EUR", D("40.00"), D("40.00"), None, "VAT-STD"),
        ]  # fmt: skip
        assert {r.journal_date for r in second} == {DAY + dt.timedelta(days=1)}
        assert [(r.account, r.amount) for r in journal_rows(session, single.id)] == [
            ("681000", D("3.00")),
            (eur.account, D("-3.00")),
        ]
        assert session.scalar(select(func.sum(JournalLine.amount_accounting))) == 0
        assert post_journals(session, [], NOW, created_by_id=None) == []


def _off_in_usd(account: str, customer_id) -> JournalDraft:
    """The accounting amounts balance; the dollars are 0.01 short."""
    return JournalDraft(
        type=JournalType.ADJUSTMENT,
        journal_date=DAY,
        lines=[line(account, "USD", "100.00", "90.00"), line("763000", "USD", "-99.99", "-90.00")],
        customer_id=customer_id,
        description="Waiver of interest and fees",
    )


def _off_in_accounting(account: str, customer_id) -> JournalDraft:
    """Every currency balances; the accounting amounts are 0.02 over."""
    return JournalDraft(
        type=JournalType.INTEREST,
        journal_date=DAY,
        lines=[line(account, "USD", "50.00", "45.02"), line("763000", "USD", "-50.00", "-45.00")],
        customer_id=customer_id,
        description="Interest note INT-0000009",
    )


def _one_line(account: str, customer_id) -> JournalDraft:
    return JournalDraft(JournalType.LETTER, DAY, [line(account, "EUR", "0.00")], customer_id)


@pytest.mark.parametrize(
    ("position", "make", "message"),
    [
        (2, _off_in_usd, "Journal 2 of 3 (Waiver of interest and fees): The journal is off by "
                         "0.01 USD; nothing was posted."),
        (3, _off_in_accounting, "Journal 3 of 3 (Interest note INT-0000009): The journal is "
                                "off by 0.02 in the accounting currency; nothing was posted."),
        (1, _one_line, "Journal 1 of 3: A journal needs at least two lines."),
    ],
    ids=["per-currency", "accounting-only", "one-line"],
)  # fmt: skip
def test_an_unbalanced_journal_refuses_its_whole_batch(
    any_db: Database, position: int, make, message: str
) -> None:
    with any_db.sessions() as session:
        customer = add_customer(session)
        post_journals(session, [fee_draft(customer.account, customer.id, "5.00", "Fee")], NOW)
        session.commit()
        before = state(session)
        assert before == (1, 2, 2)
        drafts = [
            fee_draft(customer.account, customer.id, "10.00", "Collection letter CL-0000002"),
            fee_draft(customer.account, customer.id, "20.00", "Collection letter CL-0000003"),
        ]
        drafts.insert(position - 1, make(customer.account, customer.id))
        with pytest.raises(JournalError) as refused:
            post_journals(session, drafts, NOW, created_by_id=None)
        assert str(refused.value) == message
        assert state(session) == before
        session.rollback()
        assert state(session) == before


def test_a_single_journal_is_refused_with_the_plain_message(any_db: Database) -> None:
    with any_db.sessions() as session:
        customer = add_customer(session)
        with pytest.raises(JournalError) as refused:
            post_journal(
                session,
                type=JournalType.WRITE_OFF,
                journal_date=DAY,
                lines=[line("681000", "EUR", "1000.00"), line(customer.account, "EUR", "-995.00")],
                now=NOW,
            )
        assert str(refused.value) == "The journal is off by 5.00 EUR; nothing was posted."
        assert state(session) == (0, 0, None)


amounts = st.decimals(min_value=D("0.01"), max_value=D("99999.99"), places=2)


@given(
    pairs=st.lists(st.tuples(st.sampled_from(["EUR", "USD", "GBP"]), amounts), min_size=1,
                   max_size=6),
    off=st.decimals(min_value=D("-50.00"), max_value=D("50.00"), places=2).filter(bool),
    at=st.integers(min_value=0),
)  # fmt: skip
def test_debits_with_their_credits_balance_and_any_difference_is_named(pairs, off, at) -> None:
    """Lines made of debits and their credits balance; moving one amount off by ``off``
    (its accounting amount too) is refused naming that difference and its currency."""
    lines = [
        draft
        for currency, amount in pairs
        for draft in (line("C-1", currency, str(amount)), line("700000", currency, str(-amount)))
    ]
    check_balanced(lines)
    index = at % len(lines)
    moved = lines[index]
    lines[index] = LineDraft(
        moved.account_type, moved.account, moved.currency, moved.amount + off,
        moved.amount_accounting + off,
    )  # fmt: skip
    with pytest.raises(JournalError) as refused:
        check_balanced(lines)
    assert str(refused.value) == (
        f"The journal is off by {off:.2f} {moved.currency}; nothing was posted."
    )

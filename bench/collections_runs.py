"""Benchmark: the daily collections runs on a demo company, each in one transaction.

    python bench/collections_runs.py [--customers 2000] [--keep demo.sqlite]

Writes a demo company (every customer on the standard letter sequence and interest
code), then times, as of the demo's last day and again two weeks later:
- judging the promises due (``promises.evaluate_promises``: what the window runs at start);
- the collection letters proposal and run for the whole company (``letters``);
- the interest proposal and the interest notes (``interest``);
and one write-off, one NSF return and one waive-then-reinstate on the largest customer.
Each run is committed; the figures are wall-clock seconds on this machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from collections_desktop.demo.load import write_demo_company
from collections_desktop.kernel.clock import SystemClock
from collections_desktop.models.actions.charges import reinstate, waive
from collections_desktop.models.actions.interest import calculate_interest
from collections_desktop.models.actions.interest_notes import create_interest_notes
from collections_desktop.models.actions.nsf import process_nsf
from collections_desktop.models.actions.promises import evaluate_promises
from collections_desktop.models.actions.writeoff import write_off
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.db.schema import Customer, CustomerTransaction, TransactionType
from collections_desktop.models.ledger.balances import open_items
from collections_desktop.models.letters.propose import propose_letters
from collections_desktop.models.letters.run import create_letters
from collections_desktop.models.people.scope import company_scope


def timed(label: str, work):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = work()
    print(f"  {label:<46} {time.perf_counter() - started:8.3f} s")
    return result


def daily_runs(database, as_of: dt.date) -> None:  # type: ignore[no-untyped-def]
    """The three daily jobs as of ``as_of``, each timed and committed."""
    now = dt.datetime.combine(as_of, dt.time(18), tzinfo=dt.UTC)
    print(f"As of {as_of}:")
    with database.sessions() as session:
        scope = company_scope(session)
        judged = timed("judge promises", lambda: evaluate_promises(session, as_of, now))
        session.commit()
        print(f"    {judged.describe()}")
        proposals = timed("propose letters", lambda: propose_letters(session, scope, as_of))
        run = timed(
            "create letters",
            lambda: create_letters(session, scope, as_of, now, created_by_id=None),
        )
        session.commit()
        print(
            f"    {len(proposals):,} proposals; {run.created_count:,} letters, "
            f"{sum(1 for c in run.created if c.fee):,} with a fee"
        )
        notes = timed("propose interest", lambda: calculate_interest(session, scope, as_of))
        numbers = timed(
            "create interest notes",
            lambda: create_interest_notes(session, scope, as_of, now, created_by_id=None),
        )
        session.commit()
        lines = sum(len(n.lines) for n in notes)
        print(f"    {len(numbers):,} interest notes with {lines:,} lines")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--keep", metavar="FILE", help="write the demo here and keep it")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    path = Path(args.keep) if args.keep else folder / "demo.sqlite"
    today = dt.date(2026, 11, 23)
    stats = write_demo_company(path, customers=args.customers, today=today)
    print(f"{stats.describe()}")
    database = open_company(path, clock=SystemClock())
    last_day = today - dt.timedelta(days=1)
    for as_of in (last_day, last_day + dt.timedelta(days=14)):
        daily_runs(database, as_of)

    as_of = last_day + dt.timedelta(days=14)
    now = dt.datetime.combine(as_of, dt.time(18), tzinfo=dt.UTC)
    with database.sessions() as session:
        scope = company_scope(session)
        largest = session.execute(
            select(Customer.id, Customer.account)
            .join(CustomerTransaction, CustomerTransaction.customer_id == Customer.id)
            .group_by(Customer.id, Customer.account)
            .order_by(func.count().desc())
            .limit(1)
        ).one()
        print(f"On {largest.account}, the customer with the most transactions:")
        items = open_items(session, largest.id, as_of)
        debits = [i.transaction_id for i in items if i.type == TransactionType.INVOICE][:5]
        timed(
            f"write off {len(debits)} invoices",
            lambda: write_off(
                session,
                scope,
                debits,
                reason_code="SMALL",
                write_off_date=as_of,
                now=now,
                created_by_id=None,
            ),
        )
        payment = session.scalar(
            select(CustomerTransaction.id)
            .where(
                CustomerTransaction.customer_id == largest.id,
                CustomerTransaction.type == TransactionType.PAYMENT,
            )
            .order_by(CustomerTransaction.posting_date.desc())
            .limit(1)
        )
        if payment is not None:
            timed(
                "NSF return of the latest payment",
                lambda: process_nsf(session, scope, payment, as_of, now, created_by_id=None),
            )
        charges = [
            i.transaction_id
            for i in open_items(session, largest.id, as_of)
            if i.type in (TransactionType.INTEREST_NOTE, TransactionType.FEE)
        ]
        if charges:
            timed(
                f"waive {len(charges)} charges",
                lambda: waive(session, scope, charges, as_of, now, created_by_id=None, note=None),
            )
            timed(
                f"reinstate {len(charges)} charges",
                lambda: reinstate(
                    session, scope, charges, as_of, now, created_by_id=None, note=None
                ),
            )
        session.commit()
    database.dispose()


if __name__ == "__main__":
    main()

"""Benchmark: the Overview after start, and switching the Workspace to a large customer.

    QT_QPA_PLATFORM=offscreen python bench/collector_pages.py demo.sqlite [--user lfernandez]

On a demo database (e.g. the 100,000-customer one from ``bench/demo.py --keep``):
- adds, once, a customer "BENCH-10K" in the user's default pool with 10,000 invoices
  (half of them paid), so the Workspace has a big account to switch to;
- takes today's snapshot of the user's default pool if there is none (timed, printed);
- starts the main window as the user and times show → Overview populated, 3 runs;
- times the Workspace switching between that customer and the demo's largest one:
  the request → the first screen (card, chart, timeline, the first rows of every grid,
  read in each grid's sort) and → the actions ready (every open row read for them; the
  grids read on only as they are scrolled), medians of 9 after a first switch (printed on
  its own: the caches of this process cold), and the longest pause of the GUI thread
  during a switch;
- times fresh figures after a posting, for both customers (median of 9): a payment of
  1.00 settled oldest first, written as the Workspace writes it (its share of the commit
  re-aging the customer in the newest snapshots, ``models/aging/fresh.py``), then the
  Overview coming back on screen: the write → the customer's rows put in place, and →
  the lists read again and shown.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import statistics
import sys
import time
from decimal import Decimal

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication
from sqlalchemy import func, select

from collections_desktop.app import build_main_window
from collections_desktop.formatting import Formats
from collections_desktop.kernel.clock import FixedClock
from collections_desktop.models.aging import fresh
from collections_desktop.models.aging.snapshot import take_snapshot
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.db.schema import Customer, CustomerTransaction, TransactionType
from collections_desktop.models.ledger import postings as ledger_postings
from collections_desktop.models.ledger import settlements
from collections_desktop.models.people.pools import pool_criteria
from collections_desktop.models.people.scope import load_viewer
from collections_desktop.models.screens.overview import latest_snapshot
from collections_desktop.views.operations import WriteOp

BIG = "BENCH-10K"


def wait_for(signal, timeout_ms: int = 120_000) -> None:
    loop = QEventLoop()
    signal.connect(loop.quit)
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(loop.quit)
    timer.start(timeout_ms)
    loop.exec()
    signal.disconnect(loop.quit)
    if not timer.isActive():
        raise SystemExit(f"gave up waiting {timeout_ms / 1000:.0f} s for {signal}")


class PauseMeter:
    """The longest gap between the ticks of a 5 ms timer: how long the GUI thread was
    busy in one go (the time a click would have waited)."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)
        self.last = 0.0
        self.longest = 0.0

    def start(self) -> None:
        self.last, self.longest = time.perf_counter(), 0.0
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self.last)
        self.last = now

    def stop(self) -> float:
        self._tick()
        self.timer.stop()
        return self.longest


def add_big_customer(database, clock: FixedClock, country: str) -> None:
    """A customer with 10,000 invoices over two years, every other one paid when due."""
    with database.sessions.begin() as session:
        if session.scalar(select(Customer.id).where(Customer.account == BIG)):
            return
        customer = Customer(
            account=BIG, name="Bench Ten Thousand, S.A.", currency="EUR", country=country,
            credit_limit=Decimal("5000000.00"), updated_at=clock.now(),
        )  # fmt: skip
        session.add(customer)
        session.flush()
        start = clock.today() - dt.timedelta(days=730)
        postings = [
            ledger_postings.Posting(
                customer_id=customer.id,
                type=TransactionType.INVOICE,
                amount=Decimal(100 + i % 900) + Decimal("0.25"),
                posting_date=start + dt.timedelta(days=i * 730 // 10_000),
                due_date=start + dt.timedelta(days=i * 730 // 10_000 + 30),
            )
            for i in range(10_000)
        ]
        ids = ledger_postings.post_transactions(session, postings, clock.now())
        paid = [(i, p) for i, p in zip(ids, postings, strict=True)][::2]
        paid = [(i, p) for i, p in paid if p.due_date < clock.today()]
        payments = ledger_postings.post_transactions(
            session,
            [
                ledger_postings.Posting(
                    customer_id=customer.id,
                    type=TransactionType.PAYMENT,
                    amount=p.amount,
                    posting_date=p.due_date,
                )
                for _i, p in paid
            ],
            clock.now(),
        )
        settlements.settle_many(
            session,
            [
                settlements.SettlementRequest({i: p.amount, pay: p.amount}, p.due_date)
                for (i, p), pay in zip(paid, payments, strict=True)
            ],
            clock.now(),
        )


print = functools.partial(print, flush=True)  # progress as it comes, even into a file


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database")
    parser.add_argument("--user", default="lfernandez")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date(2026, 11, 23))
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    clock = FixedClock.on(args.today)
    # As the app opens it: the integrity check runs beside the pages, nothing waits for it.
    database = open_company(args.database, wait_for_integrity_check=False, clock=clock)
    with database.sessions() as session:
        viewer = load_viewer(session, args.user)
        pool_id = viewer.scope.default_pool_id
        countries = pool_criteria(session, pool_id).countries if pool_id else ()
    add_big_customer(database, clock, countries[0] if countries else "ES")
    with database.sessions() as session:
        info = latest_snapshot(session, viewer.scope, pool_id)
        if info is None or info.as_of < clock.today():
            started = time.perf_counter()
            summary = take_snapshot(
                session, clock.today(), viewer.scope, clock.now(), pool_id=pool_id
            )
            session.commit()
            seconds = time.perf_counter() - started
            print(f"snapshot of the pool (first start of the day): {seconds:.2f} s, "
                  f"{summary.customer_count:,} customers")  # fmt: skip
        big = session.scalar(select(Customer.id).where(Customer.account == BIG))
        in_pool = select(Customer.id).where(viewer.scope.customer_condition(clock.today(), pool_id))
        largest = session.execute(
            select(CustomerTransaction.customer_id, func.count().label("n"))
            .where(
                CustomerTransaction.customer_id != big,
                CustomerTransaction.customer_id.in_(in_pool),
            )
            .group_by(CustomerTransaction.customer_id)
            .order_by(func.count().desc())
            .limit(1)
        ).one()
        big_count = session.scalar(
            select(func.count()).where(CustomerTransaction.customer_id == big)
        )
    pool = viewer.scope.pool_names.get(pool_id)
    print(f"user {args.user}: pool {pool}; {BIG} has {big_count:,} transactions, "
          f"the largest demo customer {largest.n:,}")  # fmt: skip

    times = []
    for _run in range(3):
        window = build_main_window(database, clock, formats=Formats("en_US"), user_name=args.user)
        window.resize(1400, 900)
        started = time.perf_counter()
        window.show()
        wait_for(window.overview_page.loaded)
        times.append(time.perf_counter() - started)
        rows = window.overview_page.highest.model.rowCount()
        window.close()
        window.deleteLater()
        app.processEvents()
    runs = ", ".join(f"{t * 1000:.0f}" for t in times)
    print(f"Overview populated after show: median {statistics.median(times) * 1000:.0f} ms "
          f"(runs {runs} ms; {rows} highest balances)")  # fmt: skip

    window = build_main_window(database, clock, formats=Formats("en_US"), user_name=args.user)
    window.resize(1400, 900)
    window.show()
    wait_for(window.overview_page.loaded)
    page = window.workspace_page
    firsts: dict[str, list[float]] = {BIG: [], "largest": []}
    switches: dict[str, list[float]] = {BIG: [], "largest": []}
    pauses: dict[str, list[float]] = {BIG: [], "largest": []}
    ticks = PauseMeter()
    shown: list[float] = []
    page.first_shown.connect(lambda _data: shown.append(time.perf_counter()))
    for run in range(10):
        for name, customer_id in ((BIG, big), ("largest", largest.customer_id)):
            shown.clear()
            started = time.perf_counter()
            ticks.start()
            window.show_customer(customer_id)
            wait_for(page.loaded)
            app.processEvents()  # the grids, chart and timeline painted
            if run:  # the first switch warms the caches
                switches[name].append(time.perf_counter() - started)
                firsts[name].append(shown[0] - started)
                pauses[name].append(ticks.stop())
            else:
                pause = ticks.stop()
                print(f"Workspace's first switch to {name} in this process: first screen "
                      f"{(shown[0] - started) * 1000:.0f} ms, actions ready "
                      f"{(time.perf_counter() - started) * 1000:.0f} ms, longest pause "
                      f"{pause * 1000:.0f} ms")  # fmt: skip
    for name, values in switches.items():
        print(f"Workspace switch to {name}: first screen median "
              f"{statistics.median(firsts[name]) * 1000:.0f} ms "
              f"(max {max(firsts[name]) * 1000:.0f}); actions ready median "
              f"{statistics.median(values) * 1000:.0f} ms (max {max(values) * 1000:.0f}); "
              f"longest pause of the GUI thread {max(pauses[name]) * 1000:.0f} ms")  # fmt: skip
    fresh_figures(app, window, database, clock, {BIG: big, "largest": largest.customer_id})
    window.close()
    window.deleteLater()
    app.processEvents()
    database.dispose()
    return 0


def fresh_figures(app, window, database, clock: FixedClock, customers) -> None:
    """A payment on the Workspace, then the Overview on screen again (see the docstring)."""
    refreshing: list[float] = []
    original = fresh.refresh_customers

    def timed(session, customer_ids):
        started = time.perf_counter()
        try:
            return original(session, customer_ids)
        finally:
            refreshing.append(time.perf_counter() - started)

    fresh.refresh_customers = timed
    runner = window.overview_page.context.runner
    patched: list[float] = []
    window.overview_page.rows_patched.connect(lambda _rows: patched.append(time.perf_counter()))
    for name, customer_id in customers.items():
        writes, refreshes, fresh_rows, shown, on_screen = [], [], [], [], []
        for _run in range(9):
            window.show_customer(customer_id)
            wait_for(window.workspace_page.loaded)

            def pay(session, customer_id=customer_id) -> None:
                payment = ledger_postings.post_payment(
                    session,
                    customer_id=customer_id,
                    amount=Decimal("1.00"),
                    posting_date=clock.today(),
                    now=clock.now(),
                )
                settlements.settle_oldest_first(session, payment.id, clock.today(), clock.now())

            refreshing.clear()
            started = time.perf_counter()
            WriteOp(pay, lambda _result: None, "bench payment").run(runner, database)
            wait_for(runner.written)
            written = time.perf_counter()
            patched.clear()
            window.show_page("overview")
            on_screen.append(time.perf_counter() - written)
            wait_for(window.overview_page.loaded)
            app.processEvents()
            writes.append(written - started)
            refreshes.append(sum(refreshing))
            shown.append(time.perf_counter() - written)
            fresh_rows.append(patched[0] - written)
        print(f"Payment on {name}: write {statistics.median(writes) * 1000:.0f} ms, of which "
              f"re-aging it in the newest snapshots {statistics.median(refreshes) * 1000:.1f} ms; "
              f"then its Overview rows fresh in {statistics.median(fresh_rows) * 1000:.0f} ms "
              f"(max {max(fresh_rows) * 1000:.0f}; the page itself on screen in "
              f"{statistics.median(on_screen) * 1000:.0f} ms of it), the lists read again in "
              f"{statistics.median(shown) * 1000:.0f} ms (medians of 9)")  # fmt: skip
        visible = []
        for _run in range(9):  # the Overview on screen while the payment is written
            patched.clear()
            WriteOp(pay, lambda _result: None, "bench payment").run(runner, database)
            wait_for(runner.written)
            written = time.perf_counter()
            if not patched:
                wait_for(window.overview_page.rows_patched)
            visible.append(patched[0] - written)
        print(
            f"  with the Overview on screen as it is written: its rows fresh in "
            f"{statistics.median(visible) * 1000:.0f} ms (max {max(visible) * 1000:.0f})"
        )
    aged = window.aged_balances_page
    aged_patched: list[float] = []
    aged.rows_patched.connect(lambda _ids: aged_patched.append(time.perf_counter()))
    window.show_page("aged_balances")
    wait_for(aged.loaded)
    for name, customer_id in customers.items():
        times = []
        for _run in range(9):  # the Aged balances on screen while the payment is written

            def pay_again(session, customer_id=customer_id) -> None:
                payment = ledger_postings.post_payment(
                    session, customer_id=customer_id, amount=Decimal("1.00"),
                    posting_date=clock.today(), now=clock.now(),
                )  # fmt: skip
                settlements.settle_oldest_first(session, payment.id, clock.today(), clock.now())

            aged_patched.clear()
            WriteOp(pay_again, lambda _result: None, "bench payment").run(runner, database)
            wait_for(runner.written)
            written = time.perf_counter()
            if not aged_patched:
                wait_for(aged.rows_patched)
            times.append(aged_patched[0] - written)
        print(f"Payment on {name}: its Aged balances row ({aged.grid.model.rowCount():,} rows) "
              f"fresh in {statistics.median(times) * 1000:.0f} ms "
              f"(max {max(times) * 1000:.0f}; the page on screen)")  # fmt: skip
    fresh.refresh_customers = original


if __name__ == "__main__":
    sys.exit(main())

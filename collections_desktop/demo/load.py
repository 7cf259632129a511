"""Writing the demo company into a new database, in one transaction, all or nothing.

``write_demo_company`` is the one public entry (the CLI, the first start and the tests
call it). A new SQLite file is written under a temporary name and moved into place once
complete; a big demo is generated in a second process while this one writes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import multiprocessing
import pickle
import sys
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, func, select, update
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

from collections_desktop.demo.billing import write_recurring_billing
from collections_desktop.demo.company import COMPANY_NAME
from collections_desktop.demo.customers import Builder
from collections_desktop.demo.mail import write_demo_mail
from collections_desktop.demo.payments import write_demo_payments
from collections_desktop.demo.records import add_results
from collections_desktop.demo.writer import COLUMNS, Rows, Writer
from collections_desktop.formatting import text_formats
from collections_desktop.i18n import _
from collections_desktop.kernel.clock import SystemClock
from collections_desktop.models.company import new_file
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.company.reference import DEFAULT_INTEREST_CODE, DEFAULT_SEQUENCE
from collections_desktop.models.company.setup import has_company
from collections_desktop.models.db.bulk import analyse
from collections_desktop.models.db.database import Database, normalise_url
from collections_desktop.models.db.schema import Customer

CHUNK_CUSTOMERS = 500
"""Customers generated and written at a time (about 60,000 rows)."""
SQLITE_CACHE_KIB = 262_144
"""SQLite's page cache while writing the demo (256 MiB): the bound on its memory."""
PARALLEL_FROM = 10_000
"""From this many customers, a second process generates the rows while this one writes."""

DEMO_PARTIAL_SUFFIX = ".demo-partial"

if TYPE_CHECKING:
    from collections_desktop.demo.agency import AgencyDemoCounts

ProgressCallback = Callable[[int, int, str], None]
logger = logging.getLogger(__name__)


class DemoError(Exception):
    """The demo cannot be written (the database already holds a company, bad arguments)."""


@dataclass(frozen=True)
class DemoStats:
    """What ``write_demo_company`` wrote, and how long it took."""

    company_name: str
    database: str
    customers: int
    contacts: int
    transactions: int
    settlements: int
    settlement_lines: int
    status_changes: int
    activities: int
    seconds: float
    agency: AgencyDemoCounts | None = None
    """The agency desk's demo, when it was asked for (``write_demo_company(agency=...)``)."""

    def describe(self) -> str:
        """A one-line summary for the command line and the log."""
        formats = text_formats()
        company = _(
            "Demo company “{company}” written to {database}: {customers} customers, "
            "{contacts} contacts, {transactions} transactions, {settlements} "
            "settlements, {activities} activities in {seconds} s."
        ).format(
            company=self.company_name,
            database=self.database,
            customers=formats.count(self.customers),
            contacts=formats.count(self.contacts),
            transactions=formats.count(self.transactions),
            settlements=formats.count(self.settlements),
            activities=formats.count(self.activities),
            # The agency's own time is on its own line.
            seconds=formats.number(self.seconds - (self.agency.seconds if self.agency else 0), 1),
        )
        return company if self.agency is None else f"{company}\n{self.agency.describe()}"


# --- the public function ---------------------------------------------------------------------


def write_demo_company(
    url: str | Path,
    *,
    customers: int = 2000,
    seed: int = 1,
    today: dt.date | None = None,
    progress: ProgressCallback | None = None,
    payments: bool = False,
    agency: int | None = None,
) -> DemoStats:
    """Create the demo company with ``customers`` customers in the new database at ``url``.

    The data runs up to the day before ``today`` (default: the real date). ``progress`` is
    called now and then with (customers done, customers, what). Raises ``DemoError`` when
    the database already holds a company (nothing is changed) and ``DatabaseOpenError``
    when ``url`` is not a usable database. Everything is written in one transaction: if
    anything fails, nothing is written. A new SQLite file is written under a temporary
    name beside it and moved into place once complete (``_write_new_file``), so a process
    killed while writing leaves no empty or half-made database under the file's name.
    ``payments`` adds a few dozen payments recorded with their method, cheques in every
    state and refunds (``demo/payments.py``), through the app's own rules. ``agency``
    adds the agency desk with that many case files (``demo/agency.py``), in the same
    transaction.
    """
    if customers < 1:
        raise DemoError(_("The demo needs at least one customer."))
    if agency is not None and agency < 1:
        raise DemoError(_("The agency's demo needs at least one case file."))
    started = time.perf_counter()
    today = today or SystemClock().today()
    path = _sqlite_file(normalise_url(url))
    if path is not None and not path.exists():
        counts = _write_new_file(
            path,
            customers=customers,
            seed=seed,
            today=today,
            progress=progress,
            payments=payments,
            agency=agency,
        )
        where = str(path)
    else:
        database = open_company(url, clock=SystemClock())
        try:
            counts = _write(
                database,
                customers=customers,
                seed=seed,
                today=today,
                progress=progress,
                payments=payments,
                agency=agency,
            )
        finally:
            database.dispose()
        where = database.display_name
    agency_counts = counts.pop("agency", None)
    return DemoStats(
        company_name=COMPANY_NAME,
        database=where,
        seconds=time.perf_counter() - started,
        agency=agency_counts,
        **counts,
    )


def partial_path(path: Path) -> Path:
    """Where the demo for the new SQLite file ``path`` is written until it is complete."""
    return new_file.partial_path(path, DEMO_PARTIAL_SUFFIX)


def _write_new_file(
    path: Path,
    *,
    customers: int,
    seed: int,
    today: dt.date,
    progress: ProgressCallback | None,
    payments: bool = False,
    agency: int | None = None,
) -> dict[str, Any]:
    """Write the demo into ``partial_path(path)``, then move the finished file to ``path``
    (``models.company.new_file.write_new_file``, as a new company is made).

    The file only gets its name once the demo is committed and the file closed, so the
    name never shows an empty or half-written company (the first start would otherwise
    open it as "the" database and never write the demo).
    """
    return new_file.write_new_file(
        path,
        lambda database: _write(
            database,
            customers=customers,
            seed=seed,
            today=today,
            progress=progress,
            payments=payments,
            agency=agency,
        ),
        clock=SystemClock(),
        suffix=DEMO_PARTIAL_SUFFIX,
        error=DemoError,
    )


def _sqlite_file(url: URL) -> Path | None:
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def _write(
    database: Database,
    *,
    customers: int,
    seed: int,
    today: dt.date,
    progress: ProgressCallback | None,
    payments: bool = False,
    agency: int | None = None,
) -> dict[str, Any]:
    """Write everything in one transaction of one connection; return the row counts."""
    report = progress or (lambda done, total, what: None)
    what = _("Writing the demo company")
    if database.integrity is not None:
        # The demo goes only into a database without a company, and the bulk mode needs
        # the file to itself: the check's reader would hold it ("database is locked").
        database.integrity.stop()
    # IMMEDIATE: the write lock is held from the first check to the commit (on a partial
    # file it is also what tells a live demo from the leftover of a killed one).
    with database.engine.execution_options(sqlite_immediate=True).connect() as connection:
        # Refuse before touching any setting of the file; checked again in the transaction.
        _refuse_a_company(connection, database.display_name)
        connection.rollback()
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _sqlite_bulk_mode(connection, on=True)
        try:
            with connection.begin():
                builder = _create_company(
                    connection, database.display_name, seed=seed, today=today, customers=customers
                )
                indexes = _drop_plain_indexes(connection) if sqlite else []
                writer = Writer(connection)
                writer.write_all(builder.setup_rows())
                report(0, customers, what)
                for done, rows in _chunks(builder):
                    writer.write_all(rows)
                    report(done, customers, what)
                writer.write_all(builder.closing_rows())
                for sql in indexes:
                    connection.exec_driver_sql(sql)
                _collections_set_up(connection, today)
                write_recurring_billing(connection, seed=seed, today=today, codec=builder.codec)
                write_demo_mail(
                    connection,
                    uuid.UUID(int=builder.codec.bits(builder.rng, builder.company_day, 1439)),
                    COMPANY_NAME,
                    dt.datetime.combine(today, dt.time(6), tzinfo=dt.UTC),
                )
                recorded = write_demo_payments(connection, today, seed) if payments else None
                agency_counts = None
                if agency is not None:
                    from collections_desktop.demo.agency import write_demo_agency

                    report(customers, customers, _("Writing the agency desk"))
                    agency_counts = write_demo_agency(
                        connection, cases=agency, seed=seed, today=today
                    )
                add_results(connection, today)
                analyse(connection, COLUMNS)
        except BaseException:
            if sqlite:
                # Best effort: the error that stopped the demo is the one to report.
                with contextlib.suppress(Exception):
                    _sqlite_bulk_mode(connection, on=False)
            raise
        if sqlite:
            _sqlite_bulk_mode(connection, on=False)
    counts: dict[str, Any] = dict(builder.counts())
    if recorded is not None:
        counts.update(recorded)
    if agency_counts is not None:
        counts["agency"] = agency_counts
    return counts


def _collections_set_up(connection: Connection, today: dt.date) -> None:
    """Every customer gets the standard letter sequence and interest code; a few (accounts
    ending in 97) have their letters blocked for a month while they pay in instalments."""
    connection.execute(
        update(Customer).values(
            letter_sequence=DEFAULT_SEQUENCE, interest_code=DEFAULT_INTEREST_CODE
        )
    )
    connection.execute(
        update(Customer)
        .where(Customer.account.like("%97"))
        .values(
            letter_block_until=today + dt.timedelta(days=30),
            letter_block_reason=_("Paying in agreed instalments"),
        )
    )


def _chunks(builder: Builder) -> Iterator[tuple[int, Rows]]:
    """The builder's chunks; for a big demo, made in a second process while these are written.

    Generating is about a quarter of the work and writing the rest. Both need the GIL (a
    generator thread was measured slower, not faster), so a big demo generates in a spawned
    process that pickles each chunk through a pipe; the pipe holds about one chunk, so memory
    stays bounded. The result is the same rows either way. When the process cannot start
    (a frozen app without ``multiprocessing.freeze_support()``, a main module read from
    stdin), this process generates the chunks itself.
    """
    if builder.customers < PARALLEL_FROM or getattr(sys, "frozen", False):
        yield from builder.chunks(CHUNK_CUSTOMERS)
        return
    try:
        yield from _chunks_from_a_process(builder)
    except _NoGenerator:
        logger.info("the demo generator process did not start; generating in this one")
        yield from builder.chunks(CHUNK_CUSTOMERS)


class _NoGenerator(Exception):
    """The generator process ended before sending anything."""


def _chunks_from_a_process(builder: Builder) -> Iterator[tuple[int, Rows]]:
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    # The builder goes through the pipe, not the process arguments: multiprocessing writes
    # those to the child before checking that it is alive, and would wait forever for a
    # child that died while starting.
    process = context.Process(target=_generate, args=(theirs,), name="collections-demo")
    process.daemon = True
    received = False
    try:
        process.start()
        theirs.close()
        try:
            ours.send_bytes(pickle.dumps(builder, pickle.HIGHEST_PROTOCOL))
        except OSError:  # it is gone already
            raise _NoGenerator from None
        while True:
            try:
                kind, payload = pickle.loads(ours.recv_bytes())
            except (EOFError, OSError):
                if not received:
                    raise _NoGenerator from None
                raise DemoError(_("The demo generator stopped unexpectedly.")) from None
            received = True
            if kind == "chunk":
                yield payload
            elif kind == "done":
                builder.counters, builder.stats = payload
                return
            else:
                raise DemoError(_("The demo generator failed:\n{error}").format(error=payload))
    finally:
        ours.close()
        if process.is_alive():
            process.terminate()
        if process.pid is not None:
            process.join()


def _generate(connection: Any) -> None:
    """The generator process: receive the builder, send its chunks and its final counters."""
    try:
        builder = pickle.loads(connection.recv_bytes())
        for item in builder.chunks(CHUNK_CUSTOMERS):
            connection.send_bytes(pickle.dumps(("chunk", item), pickle.HIGHEST_PROTOCOL))
        done = ("done", (builder.counters, builder.stats))
        connection.send_bytes(pickle.dumps(done, pickle.HIGHEST_PROTOCOL))
    except (BrokenPipeError, ConnectionResetError, EOFError):
        pass  # the writer stopped first, and reports why
    except BaseException:
        connection.send_bytes(pickle.dumps(("error", traceback.format_exc())))
    finally:
        connection.close()


def _refuse_a_company(connection: Connection, where: str) -> None:
    """Raise ``DemoError`` when the database already holds a company or customers."""
    session = Session(bind=connection)
    try:
        if has_company(session) or session.scalar(select(func.count(Customer.id))):
            raise DemoError(
                _(
                    "The database {where} already holds a company; the demo is only written "
                    "into a new, empty database. Nothing was changed."
                ).format(where=where)
            )
    finally:
        session.close()


def _create_company(
    connection: Connection, where: str, *, seed: int, today: dt.date, customers: int
) -> Builder:
    """Refuse a database that holds a company, else create it in the connection's transaction."""
    _refuse_a_company(connection, where)
    session = Session(bind=connection)
    try:
        builder = Builder(seed=seed, today=today, customers=customers, dialect=connection.dialect)
        builder.create_company(session)
    finally:
        session.close()
    return builder


def _sqlite_bulk_mode(connection: Connection, *, on: bool) -> None:
    """Settings of this connection for one very large transaction into a new SQLite file.

    A bigger page cache keeps the growing unique indexes in memory. A rollback journal
    instead of WAL writes each page once: WAL would write every page of the new file twice
    (into the log, then into the file at the checkpoint), while the journal only keeps the
    few pages that existed before. Both are set back afterwards; ``open_database`` also
    turns WAL on whenever it opens the file.
    """
    # journal_mode cannot change inside a transaction, and every statement through the
    # SQLAlchemy connection begins one: these run on the driver's connection directly.
    if connection.in_transaction():
        connection.rollback()
    driver = connection.connection.driver_connection
    assert driver is not None
    if on:
        driver.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        driver.execute("PRAGMA threads = 2")  # sorting for the index builds
        driver.execute("PRAGMA journal_mode = DELETE")
    else:
        driver.execute("PRAGMA journal_mode = WAL")
        driver.execute("PRAGMA threads = 0")
        driver.execute("PRAGMA cache_size = -2000")


def _drop_plain_indexes(connection: Connection) -> list[str]:
    """Drop the named, non-unique SQLite indexes; return the SQL that makes them again.

    Building an index once over millions of rows is faster than growing it row by row.
    This happens inside the transaction, so a failure restores them with everything else.
    """
    rows = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        "AND sql NOT LIKE 'CREATE UNIQUE%' ORDER BY name"
    ).all()
    for name, _sql in rows:
        connection.exec_driver_sql(f'DROP INDEX "{name}"')
    return [sql for _name, sql in rows]

"""The demo company: two years of realistic, deterministic collections data.

``write_demo_company`` fills a new database with a company a collections team would
recognise: Spanish, French, Portuguese and British customers (people's names and streets
from Faker's es_ES, fr_FR, pt_PT and en_GB locales), their contacts, sales people, three
collections agents working two customer pools, and two years of invoices, payments and
credit notes: most paid on time, some late, partly paid, credited, disputed, promised or
still open, with the settlements, the collection-status history and the agents' activities
that go with them.

Rules it keeps:
- **One transaction.** The company and every row are written in one database
  transaction: a failure, or a ``progress`` callback that raises, leaves nothing behind
  (and a SQLite file made for the demo is removed again).
- **Deterministic.** The same ``(seed, today, customers)`` gives the same rows, ids
  included: every id is a UUIDv7 whose timestamp is the time of the fact it identifies
  and whose random bits come from a seeded ``random.Random``; timestamps come from the data
  dates, never from the wall clock. (Faker's name pools depend on the Faker version.)
- **Consistent with the ledger.** Signs, settlement lines (summing to zero, in the
  transaction's own sign, dated on or after their transactions and before ``today``),
  accounting amounts (GBP customers: amount × the month's rate, rounded half-even to
  cents; a line that closes a transaction takes exactly what is left of its accounting
  amount) and human numbers are those ``ledger`` and ``numbering`` make; the counters in
  ``number_sequences`` are set so that later postings continue after the demo's numbers.
- **Fast, in bounded memory.** Customers are generated lazily in chunks and written with
  one ``executemany`` per table and chunk (``COPY`` on PostgreSQL) of plain tuples already
  in the form the column types store: money as integers of 1/10,000, and on SQLite UUIDs as
  16 raw bytes and dates as ISO text. Measured on SQLite, 100,000 transactions: Core
  ``insert()`` with dicts through the column types ran at 27,000 rows/s, the same rows as
  ready tuples at 60,000-80,000 rows/s (the ``Money`` and ``Uuid`` bind processors made most
  of the difference), so the conversion is done here, once per value. On SQLite the plain
  indexes are built after the load, the file uses a rollback journal while it is written
  (WAL would write every page twice), and customers are stored before their contacts are
  linked (see ``_Writer``). Big demos generate in a second process while this one writes
  (see ``_chunks``). 100,000 customers (5.1 million transactions, 4.4 GiB): 180 s on two
  cores, from 242 s for the first working version (``bench/demo.py``).

Money is generated as exact integer cents; nothing about an amount is ever a float.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import multiprocessing
import os
import pickle
import random
import sqlite3
import sys
import time
import traceback
import unicodedata
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, event, func, select, update
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

from collections_desktop.formatting import text_formats
from collections_desktop.i18n import _
from collections_desktop.kernel.clock import SystemClock
from collections_desktop.kernel.money import STORAGE_PLACES
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.company.reference import DEFAULT_INTEREST_CODE, DEFAULT_SEQUENCE
from collections_desktop.models.company.setup import create_company, has_company
from collections_desktop.models.db.database import Database, normalise_url
from collections_desktop.models.db.schema import Base, Customer
from collections_desktop.models.ledger.numbering import SEQUENCES

COMPANY_NAME = "Atlántica Suministros Industriales, S.L."
"""The demo company: a distributor selling to Spain, Portugal, France and the UK."""
ACCOUNTING_CURRENCY = "EUR"
HISTORY_DAYS = 730
"""Invoices are posted over the two years before ``today``."""
CHUNK_CUSTOMERS = 500
"""Customers generated and written at a time (about 60,000 rows)."""
SQLITE_CACHE_KIB = 262_144
"""SQLite's page cache while writing the demo (256 MiB): the bound on its memory."""
PARALLEL_FROM = 10_000
"""From this many customers, a second process generates the rows while this one writes."""

ProgressCallback = Callable[[int, int, str], None]
logger = logging.getLogger(__name__)
Rows = dict[str, list[tuple[Any, ...]]]


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

    def describe(self) -> str:
        """A one-line summary for the command line and the log."""
        formats = text_formats()
        return _(
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
            seconds=formats.number(self.seconds, 1),
        )


# --- the public function ---------------------------------------------------------------------


def write_demo_company(
    url: str | Path,
    *,
    customers: int = 2000,
    seed: int = 1,
    today: dt.date | None = None,
    progress: ProgressCallback | None = None,
) -> DemoStats:
    """Create the demo company with ``customers`` customers in the new database at ``url``.

    The data runs up to the day before ``today`` (default: the real date). ``progress`` is
    called now and then with (customers done, customers, what). Raises ``DemoError`` when
    the database already holds a company (nothing is changed) and ``DatabaseOpenError``
    when ``url`` is not a usable database. Everything is written in one transaction: if
    anything fails, nothing is written. A new SQLite file is written under a temporary
    name beside it and moved into place once complete (``_write_new_file``), so a process
    killed while writing leaves no empty or half-made database under the file's name.
    """
    if customers < 1:
        raise DemoError(_("The demo needs at least one customer."))
    started = time.perf_counter()
    today = today or SystemClock().today()
    path = _sqlite_file(normalise_url(url))
    if path is not None and not path.exists():
        counts = _write_new_file(
            path, customers=customers, seed=seed, today=today, progress=progress
        )
        where = str(path)
    else:
        database = open_company(url, clock=SystemClock())
        try:
            counts = _write(
                database, customers=customers, seed=seed, today=today, progress=progress
            )
        finally:
            database.dispose()
        where = database.display_name
    return DemoStats(
        company_name=COMPANY_NAME,
        database=where,
        seconds=time.perf_counter() - started,
        **counts,
    )


def partial_path(path: Path) -> Path:
    """Where the demo for the new SQLite file ``path`` is written until it is complete."""
    return path.with_name(f"{path.name}.demo-partial")


def _write_new_file(
    path: Path,
    *,
    customers: int,
    seed: int,
    today: dt.date,
    progress: ProgressCallback | None,
) -> dict[str, int]:
    """Write the demo into ``partial_path(path)``, then move the finished file to ``path``.

    A partial file left by a process that was killed is started over; one that another
    process is writing right now is left alone and the demo refused. The file only gets
    its name once the demo is committed and the file closed, so the name never shows an
    empty or half-written company (the first start would otherwise open it as "the"
    database and never write the demo).
    """
    partial = partial_path(path)
    _remove_stale_partial(partial, path)
    try:
        database = open_company(partial, clock=SystemClock())
        try:
            counts = _write(
                database, customers=customers, seed=seed, today=today, progress=progress
            )
        finally:
            database.dispose()
        if path.exists():
            raise DemoError(
                _(
                    "The database {where} was created by another program while the demo "
                    "was written; it was not changed."
                ).format(where=path)
            )
        _sync(partial)
        os.replace(partial, path)
        _sync(path.parent)
    except BaseException:
        # A failed demo leaves nothing behind, not even its partial file.
        _unlink_sqlite_files(partial)
        raise
    return counts


def _remove_stale_partial(partial: Path, path: Path) -> None:
    """Delete the partial file of a demo that was killed; refuse one being written now."""
    if not partial.exists():
        return
    try:
        # The writer of a live demo holds the file's write lock for the whole demo.
        connection = sqlite3.connect(partial, timeout=0, isolation_level=None)
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("ROLLBACK")
        finally:
            connection.close()
    except sqlite3.OperationalError as error:
        if "locked" in str(error):
            raise DemoError(
                _(
                    "A demo company is being written into {where} by another process right "
                    "now ({partial}); nothing was changed."
                ).format(where=path, partial=partial.name)
            ) from error
    except sqlite3.DatabaseError:
        pass  # not even a database: a file killed as it was created
    _unlink_sqlite_files(partial)


def _unlink_sqlite_files(path: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _sync(path: Path) -> None:
    """Flush a file or a folder entry to disk (a folder only where the OS allows it)."""
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except OSError:
        return  # Windows cannot open a folder; its renames are durable enough
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


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
) -> dict[str, int]:
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
                writer = _Writer(connection)
                writer.write_all(builder.setup_rows())
                report(0, customers, what)
                for done, rows in _chunks(builder):
                    writer.write_all(rows)
                    report(done, customers, what)
                writer.write_all(builder.closing_rows())
                for sql in indexes:
                    connection.exec_driver_sql(sql)
                _collections_set_up(connection, today)
        except BaseException:
            if sqlite:
                # Best effort: the error that stopped the demo is the one to report.
                with contextlib.suppress(Exception):
                    _sqlite_bulk_mode(connection, on=False)
            raise
        if sqlite:
            _sqlite_bulk_mode(connection, on=False)
    return builder.counts()


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


def _chunks(builder: _Builder) -> Iterator[tuple[int, Rows]]:
    """The builder's chunks; for a big demo, made in a second process while these are written.

    Generating is about a quarter of the work and writing the rest. Both need the GIL (a
    generator thread was measured slower, not faster), so a big demo generates in a spawned
    process that pickles each chunk through a pipe; the pipe holds about one chunk, so memory
    stays bounded. The result is the same rows either way. When the process cannot start
    (a frozen app without ``multiprocessing.freeze_support()``, a main module read from
    stdin), this process generates the chunks itself.
    """
    if builder.customers < PARALLEL_FROM or getattr(sys, "frozen", False):
        yield from builder.chunks()
        return
    try:
        yield from _chunks_from_a_process(builder)
    except _NoGenerator:
        logger.info("the demo generator process did not start; generating in this one")
        yield from builder.chunks()


class _NoGenerator(Exception):
    """The generator process ended before sending anything."""


def _chunks_from_a_process(builder: _Builder) -> Iterator[tuple[int, Rows]]:
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
        for item in builder.chunks():
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
) -> _Builder:
    """Refuse a database that holds a company, else create it in the connection's transaction."""
    _refuse_a_company(connection, where)
    session = Session(bind=connection)
    try:
        sqlite = connection.dialect.name == "sqlite"
        builder = _Builder(seed=seed, today=today, customers=customers, sqlite=sqlite)
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


# --- writing rows ----------------------------------------------------------------------------

COLUMNS: dict[str, tuple[str, ...]] = {
    "employees": ("id", "number", "name", "email", "phone", "user_name", "updated_at", "version"),
    "customer_pools": ("id", "name", "description", "criteria", "updated_at", "version"),
    "collections_agents": (
        "id", "employee_id", "default_pool_id", "may_view_all_pools", "updated_at", "version",
    ),
    "agent_pools": ("id", "agent_id", "pool_id", "updated_at", "version"),
    "customers": (
        "id", "account", "name", "customer_group", "credit_group", "credit_limit",
        "account_status", "currency", "language", "street", "city", "postal_code", "country",
        "phone", "email", "responsible_employee_id", "primary_contact_id",
        "collections_contact_id", "updated_at", "version",
    ),
    "contacts": (
        "id", "customer_id", "name", "job_title", "email", "phone", "language", "updated_at",
        "version",
    ),
    "customer_transactions": (
        "id", "voucher", "customer_id", "type", "document_number", "posting_date",
        "document_date", "due_date", "currency", "amount", "amount_accounting", "description",
        "created_at", "created_by_id", "collection_status", "promise_date", "promise_amount",
        "closed_on", "updated_at", "version",
    ),
    "settlements": (
        "id", "number", "customer_id", "settlement_date", "note", "created_at", "created_by_id",
    ),
    "settlement_lines": (
        "id", "settlement_id", "transaction_id", "settlement_date", "amount", "amount_accounting",
    ),
    "collection_status_history": (
        "id", "transaction_id", "changed_at", "changed_by_id", "from_status", "to_status",
        "promise_date", "promise_amount", "note",
    ),
    "activities": (
        "id", "number", "type", "category", "purpose", "memo", "responsible_employee_id",
        "customer_id", "start_at", "end_at", "closed", "closed_at", "updated_at", "version",
    ),
    "number_sequences": ("id", "name", "prefix", "width", "next_value", "updated_at", "version"),
}  # fmt: skip
"""The columns the demo fills per table, in the order of its row tuples; parents first."""

_PRIMARY = COLUMNS["customers"].index("primary_contact_id")
_COLLECTIONS = COLUMNS["customers"].index("collections_contact_id")


class _Writer:
    """Stores lists of ready row tuples: ``executemany`` on SQLite, ``COPY`` on PostgreSQL."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        dialect = connection.dialect
        self.copy = dialect.name == "postgresql" and dialect.driver == "psycopg"
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        quote = dialect.identifier_preparer.quote
        self.sql: dict[str, str] = {}
        for name, columns in COLUMNS.items():
            table = quote(Base.metadata.tables[name].name)
            names = ", ".join(quote(column) for column in columns)
            if self.copy:
                self.sql[name] = f"COPY {table} ({names}) FROM STDIN"
            else:
                marks = ", ".join([mark] * len(columns))
                self.sql[name] = f"INSERT INTO {table} ({names}) VALUES ({marks})"
        self.link_sql = (
            f"UPDATE {quote('customers')} SET {quote('primary_contact_id')} = {mark}, "
            f"{quote('collections_contact_id')} = {mark} WHERE {quote('id')} = {mark}"
        )

    def write_all(self, rows: Rows) -> None:
        """Write each table's rows, tables in the order of ``COLUMNS`` (parents first)."""
        links: list[tuple[Any, ...]] = []
        for name in COLUMNS:
            batch = rows.get(name)
            if not batch:
                continue
            if name == "customers" and not self.copy:
                # Customers and contacts refer to each other through a deferred key. Stored
                # before its contacts, a customer would be an open violation, and SQLite then
                # scans every customer for each contact stored (those columns have no index):
                # store the customers without contacts and link them once the contacts exist.
                links = [(row[_PRIMARY], row[_COLLECTIONS], row[0]) for row in batch]
                batch = [(*row[:_PRIMARY], None, None, *row[_COLLECTIONS + 1 :]) for row in batch]
            self.write(name, batch)
            if name == "contacts" and links:
                self.connection.exec_driver_sql(self.link_sql, links)
                links = []

    def write(self, name: str, rows: list[tuple[Any, ...]]) -> None:
        """Write rows of one table (values already in their stored form)."""
        if not self.copy:
            self.connection.exec_driver_sql(self.sql[name], rows)
            return
        driver = self.connection.connection.driver_connection
        assert driver is not None
        with driver.cursor() as cursor, cursor.copy(self.sql[name]) as copy:
            for row in rows:
                copy.write_row(row)


# --- stored forms ------------------------------------------------------------------------------

_UNIX_EPOCH = dt.date(1970, 1, 1).toordinal()
_MONEY_PER_CENT = 10 ** (STORAGE_PLACES - 2)
_RAND_62 = (1 << 62) - 1
_UUID7_BITS = (0x7 << 76) | (0b10 << 62)  # version 7, RFC 9562 variant


class _Codec:
    """Day ordinals, minutes and ids in the form the column types store on this database.

    While generating, dates are proleptic ordinals (``date.toordinal()``) and times are
    minutes of a UTC day; this turns them into ISO text (SQLite, as SQLAlchemy's ``Date``
    and ``DateTime`` store them) or ``date``/``datetime`` objects (PostgreSQL) from tables
    made once.
    """

    def __init__(self, *, sqlite: bool, first: int, last: int) -> None:
        self.sqlite = sqlite
        self.first = first
        dates = [dt.date.fromordinal(o) for o in range(first, last + 1)]
        self.midnights = [dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC) for d in dates]
        self.millis = [(o - _UNIX_EPOCH) * 86_400_000 for o in range(first, last + 1)]
        if sqlite:
            self.days: list[Any] = [d.isoformat() for d in dates]
            self.times = [f" {m // 60:02d}:{m % 60:02d}:00.000000" for m in range(1440)]
        else:
            self.days = dates

    def day(self, ordinal: int) -> Any:
        """A business date."""
        return self.days[ordinal - self.first]

    def stamp(self, ordinal: int, minute: int) -> Any:
        """A UTC timestamp, ``minute`` minutes after midnight of day ``ordinal``."""
        if self.sqlite:
            return self.days[ordinal - self.first] + self.times[minute]
        return self.midnights[ordinal - self.first] + dt.timedelta(minutes=minute)

    def moment(self, ordinal: int, minute: int) -> dt.datetime:
        """The same timestamp as an aware ``datetime`` (for the ORM)."""
        return self.midnights[ordinal - self.first] + dt.timedelta(minutes=minute)

    def uid(self, rng: random.Random, ordinal: int, minute: int) -> Any:
        """A UUIDv7 stamped with the fact's time, its 74 random bits from ``rng``."""
        bits = rng.getrandbits(90)
        millis = self.millis[ordinal - self.first] + minute * 60_000 + (bits >> 74) % 60_000
        value = (millis << 80) | _UUID7_BITS | (((bits >> 62) & 0xFFF) << 64) | (bits & _RAND_62)
        return value.to_bytes(16, "big") if self.sqlite else uuid.UUID(int=value)

    def flag(self, value: bool) -> Any:
        """A boolean."""
        return int(value) if self.sqlite else value


def _money(cents: int) -> int:
    """Integer cents in the stored unit of ``db.types.Money`` (1/10,000)."""
    return cents * _MONEY_PER_CENT


def _to_accounting(cents: int, rate: int) -> int:
    """``cents × rate / 10,000`` rounded half-even, as ``ledger`` rounds a conversion."""
    quotient, remainder = divmod(abs(cents) * rate, 10_000)
    if remainder > 5_000 or (remainder == 5_000 and quotient % 2):
        quotient += 1
    return quotient if cents >= 0 else -quotient


def _share(cents: int, accounting: int, amount: int) -> int:
    """``cents × accounting / amount`` rounded half-even (a settlement line's accounting part)."""
    quotient, remainder = divmod(abs(cents * accounting), abs(amount))
    twice = 2 * remainder
    if twice > abs(amount) or (twice == abs(amount) and quotient % 2):
        quotient += 1
    negative = (cents < 0) != ((accounting < 0) != (amount < 0))
    return -quotient if negative else quotient


def _between(draw: Callable[[], float], low: int, high: int) -> int:
    """An integer in ``[low, high]`` from one ``random()`` draw (several times faster than
    ``randint``; used for days, minutes and percentages, never for an amount's digits)."""
    return low + int(draw() * (high - low + 1))


def _weekday(ordinal: int) -> int:
    """Monday 0 … Sunday 6 of a proleptic ordinal (day 1, 1 January of year 1, was a Monday)."""
    return (ordinal + 6) % 7


def _workday(ordinal: int) -> int:
    """The day itself, or the Monday after when it falls on a weekend."""
    weekday = (ordinal + 6) % 7
    return ordinal + 7 - weekday if weekday >= 5 else ordinal


def _pick(rng: random.Random, table: Sequence[tuple[Any, int]]) -> Any:
    """A weighted choice from ``(value, weight)`` pairs."""
    point = rng.randrange(sum(weight for _value, weight in table))
    for value, weight in table:
        point -= weight
        if point < 0:
            return value
    raise AssertionError("unreachable")  # pragma: no cover


def _ascii(text: str) -> str:
    """The lower-case ASCII letters and digits of ``text`` (for e-mail addresses)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


# --- reference data ----------------------------------------------------------------------------
# The data are in the company's working language (English) whatever the user's language,
# so that the same seed always gives the same rows. Customers' names, addresses, contacts
# and job titles are in each customer's own language.

# Real towns and the start of their postcodes: Faker's fr_FR and en_GB towns are invented,
# and a postcode should match its town.
_TOWNS: dict[str, tuple[tuple[str, str], ...]] = {
    "ES": (
        ("Madrid", "28"), ("Barcelona", "08"), ("Valencia", "46"), ("Sevilla", "41"),
        ("Zaragoza", "50"), ("Málaga", "29"), ("Murcia", "30"), ("Palma", "07"),
        ("Bilbao", "48"), ("Alicante", "03"), ("Córdoba", "14"), ("Valladolid", "47"),
        ("Vigo", "36"), ("Gijón", "33"), ("A Coruña", "15"), ("Granada", "18"),
        ("Vitoria-Gasteiz", "01"), ("Elche", "03"), ("Oviedo", "33"), ("Pamplona", "31"),
        ("Santander", "39"), ("San Sebastián", "20"), ("Salamanca", "37"), ("Burgos", "09"),
        ("Albacete", "02"), ("Logroño", "26"), ("Badajoz", "06"), ("Huelva", "21"),
        ("Tarragona", "43"), ("León", "24"), ("Cádiz", "11"), ("Lleida", "25"),
        ("Girona", "17"), ("Jaén", "23"), ("Almería", "04"), ("Castellón de la Plana", "12"),
        ("Toledo", "45"), ("Cáceres", "10"), ("Lugo", "27"), ("Ourense", "32"),
    ),
    "FR": (
        ("Paris", "75"), ("Lyon", "69"), ("Marseille", "13"), ("Toulouse", "31"),
        ("Nice", "06"), ("Nantes", "44"), ("Strasbourg", "67"), ("Montpellier", "34"),
        ("Bordeaux", "33"), ("Lille", "59"), ("Rennes", "35"), ("Reims", "51"),
        ("Le Havre", "76"), ("Saint-Étienne", "42"), ("Toulon", "83"), ("Grenoble", "38"),
        ("Dijon", "21"), ("Angers", "49"), ("Nîmes", "30"), ("Villeurbanne", "69"),
        ("Clermont-Ferrand", "63"), ("Le Mans", "72"), ("Aix-en-Provence", "13"),
        ("Brest", "29"), ("Tours", "37"), ("Amiens", "80"), ("Limoges", "87"),
        ("Annecy", "74"), ("Perpignan", "66"), ("Metz", "57"), ("Besançon", "25"),
        ("Orléans", "45"), ("Rouen", "76"), ("Mulhouse", "68"), ("Caen", "14"),
        ("Nancy", "54"), ("Poitiers", "86"), ("Pau", "64"), ("La Rochelle", "17"),
        ("Avignon", "84"),
    ),
    "PT": (
        ("Lisboa", "1"), ("Porto", "4"), ("Braga", "47"), ("Coimbra", "30"), ("Faro", "80"),
        ("Aveiro", "38"), ("Setúbal", "29"), ("Leiria", "24"), ("Viseu", "35"),
        ("Funchal", "90"), ("Évora", "70"), ("Guimarães", "48"), ("Viana do Castelo", "49"),
        ("Vila Nova de Gaia", "44"), ("Matosinhos", "445"), ("Amadora", "27"),
        ("Sintra", "27"), ("Cascais", "275"), ("Almada", "28"), ("Santarém", "20"),
        ("Ponta Delgada", "95"), ("Castelo Branco", "60"), ("Bragança", "53"),
        ("Vila Real", "50"), ("Portimão", "85"), ("Barreiro", "283"),
    ),
    "GB": (
        ("London", "SE"), ("Birmingham", "B"), ("Manchester", "M"), ("Leeds", "LS"),
        ("Glasgow", "G"), ("Sheffield", "S"), ("Bristol", "BS"), ("Liverpool", "L"),
        ("Edinburgh", "EH"), ("Leicester", "LE"), ("Coventry", "CV"), ("Nottingham", "NG"),
        ("Newcastle upon Tyne", "NE"), ("Cardiff", "CF"), ("Belfast", "BT"),
        ("Southampton", "SO"), ("Portsmouth", "PO"), ("Brighton", "BN"), ("Reading", "RG"),
        ("Plymouth", "PL"), ("Derby", "DE"), ("Stoke-on-Trent", "ST"), ("Norwich", "NR"),
        ("York", "YO"), ("Oxford", "OX"), ("Cambridge", "CB"), ("Exeter", "EX"),
        ("Aberdeen", "AB"), ("Bath", "BA"), ("Swansea", "SA"), ("Milton Keynes", "MK"),
        ("Peterborough", "PE"), ("Preston", "PR"), ("Ipswich", "IP"),
    ),
}  # fmt: skip

_COUNTRIES = (("ES", 36), ("FR", 27), ("PT", 14), ("GB", 23))
_LOCALES = {"ES": "es_ES", "FR": "fr_FR", "PT": "pt_PT", "GB": "en_GB"}
_LANGUAGE = {"ES": "es", "FR": "fr", "PT": "pt", "GB": "en"}
_CURRENCY = {"ES": "EUR", "FR": "EUR", "PT": "EUR", "GB": "GBP"}
_POOL_OF_COUNTRY = {"ES": 0, "PT": 0, "FR": 1, "GB": 1}

_GROUPS = (("Retail", 52), ("Wholesale", 36), ("Public sector", 12))
_CREDIT_GROUPS = {
    "Retail": (("A", 45), ("B", 38), ("C", 17)),
    "Wholesale": (("A", 55), ("B", 33), ("C", 12)),
    "Public sector": (("A", 60), ("B", 35), ("C", 5)),
}
_TERMS = {"Retail": (30, 30, 45), "Wholesale": (30, 45, 45, 60), "Public sector": (60,)}
_INVOICES_A_YEAR = {"Retail": 9, "Wholesale": 17, "Public sector": 8}
_TYPICAL_CENTS = {"Retail": 42_000, "Wholesale": 310_000, "Public sector": 560_000}
_SIZE_PERCENT = (25, 40, 55, 70, 85, 100, 100, 120, 150, 190, 250, 340)


@dataclass(frozen=True)
class _Behaviour:
    """How a credit group pays: chances per invoice, and the latest a late payment comes."""

    on_time: float
    never: float
    partial: float
    dispute: float
    promise: float
    max_late: int


_BEHAVIOUR = {
    "A": _Behaviour(on_time=0.88, never=0.0002, partial=0.02, dispute=0.008, promise=0.2,
                    max_late=35),
    "B": _Behaviour(on_time=0.64, never=0.001, partial=0.05, dispute=0.02, promise=0.3,
                    max_late=75),
    "C": _Behaviour(on_time=0.36, never=0.006, partial=0.11, dispute=0.04, promise=0.45,
                    max_late=150),
}  # fmt: skip

_BUSINESS_NAMES = {
    "ES": (
        "{last} {last2}, S.L.", "Hermanos {last}, S.A.", "Distribuciones {last}, S.L.",
        "Comercial {town}, S.L.", "{last} y Asociados, S.L.", "Talleres {last}, S.L.",
        "Suministros {last} {last2}, S.L.", "Ferretería {last}", "Construcciones {last}, S.A.",
        "Transportes {last}, S.L.", "Electricidad {last}, S.L.", "Farmacia {last} {last2}",
    ),
    "FR": (
        "{last} SARL", "{last} et Fils", "Établissements {last}", "{last} & {last2} SAS",
        "Boulangerie {last}", "Transports {last}", "Garage {last}", "Distribution {town} SA",
        "Quincaillerie {last}", "Menuiserie {last} SARL", "Électricité {last} SAS",
        "Pharmacie {last}",
    ),
    "PT": (
        "{last} & {last2}, Lda.", "{last} e Filhos, Lda.", "Comercial {town}, Lda.",
        "Transportes {last}, S.A.", "Farmácia {last}", "Construções {last}, Lda.",
        "Ferragens {last} {last2}, Lda.", "Distribuidora {last}, S.A.",
        "Serralharia {last}, Lda.", "Eletricidade {last} & {last2}, Lda.",
    ),
    "GB": (
        "{last} & {last2} Ltd", "{last} Trading Ltd", "{town} Supplies Ltd",
        "{last} Brothers Ltd", "{last} Engineering plc", "{last} & Sons",
        "{last} Logistics Ltd", "{last} Building Services Ltd", "{last} Electrical Ltd",
        "{last} Hardware", "{last} Pharmacy",
    ),
}  # fmt: skip
_PUBLIC_NAMES = {
    "ES": ("Ayuntamiento de {town}", "Hospital Universitario de {town}",
           "Diputación Provincial de {town}", "Universidad de {town}",
           "Instituto de Educación Secundaria {last}"),
    "FR": ("Mairie de {town}", "Centre hospitalier de {town}", "Lycée {last} de {town}",
           "Conseil départemental de {town}", "Université de {town}"),
    "PT": ("Câmara Municipal de {town}", "Hospital de {town}", "Universidade de {town}",
           "Escola Secundária {last}", "Junta de Freguesia de {town}"),
    "GB": ("{town} City Council", "{town} NHS Foundation Trust", "University of {town}",
           "{last} Academy, {town}", "{town} Borough Council"),
}  # fmt: skip
_LEGAL_WORDS = frozenset(
    ("sl", "sa", "lda", "ltd", "plc", "sarl", "sas", "y", "e", "et", "de", "da", "do", "des",
     "du", "la", "le", "and", "the")
)  # fmt: skip
_COMPANY_MAILBOX = {
    "es": "administracion", "fr": "comptabilite", "pt": "contabilidade", "en": "accounts",
}  # fmt: skip
_JOB_TITLES = {
    "es": ("Responsable de cuentas a pagar", "Director financiero", "Gerente"),
    "fr": ("Comptable fournisseurs", "Directeur administratif et financier", "Gérant"),
    "pt": ("Responsável de contas a pagar", "Diretor financeiro", "Sócio-gerente"),
    "en": ("Accounts payable clerk", "Finance director", "Managing director"),
}
_GB_STREETS = (
    "Road", "Street", "Lane", "Avenue", "Close", "Way", "Drive", "Gardens", "Crescent",
    "Place", "Terrace",
)  # fmt: skip
_GB_FIXED_STREETS = (
    "High Street", "Station Road", "Church Lane", "Mill Lane", "Park Road", "Victoria Road",
    "Queen Street", "King Street", "Bridge Street",
)  # fmt: skip
_POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

_PAYMENT_METHODS = {
    "ES": ("SEPA credit transfer", "SEPA direct debit", "Bank transfer"),
    "FR": ("SEPA credit transfer", "SEPA direct debit", "Cheque"),
    "PT": ("SEPA credit transfer", "Multibanco reference", "SEPA direct debit"),
    "GB": ("BACS payment", "Faster Payments", "Cheque"),
}
_CREDIT_REASONS = (
    "Returned goods", "Price correction", "Damaged on delivery", "Volume discount",
    "Short delivery",
)  # fmt: skip
_DISPUTE_REASONS = (
    "Customer says the goods arrived damaged.",
    "Price on the invoice differs from the order.",
    "Customer received fewer units than invoiced.",
    "Invoice sent to the wrong address; customer asks for a copy.",
    "Customer says this invoice duplicates an earlier one.",
    "Service not completed according to the customer.",
    "Purchase order number missing; their accounts payable cannot book it.",
)
_PROMISE_MEMOS = (
    "Will pay in the next payment run.",
    "Transfer approved by their finance director.",
    "Waiting for their own customer's payment first.",
    "Promised on the phone; confirmation sent by e-mail.",
    None,
    None,
)

# Employees: number, name, user name (the three agents), phone, role. Fixed people, so that
# screenshots and documentation show the same team whatever the seed.
_EMPLOYEES = (
    ("E-0001", "Lucía Fernández Ortega", "lfernandez", "+34 910 555 101", "agent"),
    ("E-0002", "Camille Dubois", "cdubois", "+33 1 99 00 12 34", "agent"),
    ("E-0003", "Oliver Bennett", "obennett", "+44 20 7946 0123", "agent"),
    ("E-0004", "Javier Morales Ruiz", None, "+34 910 555 140", "sales ES"),
    ("E-0005", "Ana Sofia Carvalho", None, "+351 210 555 150", "sales PT"),
    ("E-0006", "Claire Lefèvre", None, "+33 1 99 00 56 78", "sales FR"),
    ("E-0007", "James Whitaker", None, "+44 20 7946 0456", "sales GB"),
)
DEMO_USER = _EMPLOYEES[0][2]
"""The user name of the demo's first collections agent (Iberia pool): whom the app works as
on a demo company when the computer's login is not an agent."""
_POOLS = (
    ("Iberia", "Customers in Spain and Portugal.", ("ES", "PT")),
    ("France & UK", "Customers in France and the United Kingdom.", ("FR", "GB")),
)
_POOL_LABELS = ("Iberia", "France & UK", "all pools")  # what each agent reviews


@dataclass(frozen=True)
class _Place:
    """One country's pools of people's names, streets and towns."""

    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    streets: tuple[str, ...]
    towns: tuple[tuple[str, str], ...]


def _places(seed: int) -> dict[str, _Place]:
    """Draw Faker's names and streets once per locale; the seeded RNG combines them later.

    Faker takes microseconds per call; a hundred thousand customers would spend most of
    their time in it. Sorted sets make the pools independent of drawing order.
    """
    from faker import Faker  # only the demo needs Faker, and it is slow to import

    places = {}
    for country, locale in _LOCALES.items():
        fake = Faker(locale)
        fake.seed_instance(seed)
        first = tuple(sorted({fake.first_name() for _n in range(400)}))
        last = tuple(sorted({fake.last_name() for _n in range(600)}))
        if country == "GB":
            # en_GB's street suffixes are American ("Forks", "Mission"): build British ones.
            built = {f"{fake.last_name()} {_GB_STREETS[i % len(_GB_STREETS)]}" for i in range(300)}
            streets = tuple(sorted(built | set(_GB_FIXED_STREETS)))
        else:
            streets = tuple(sorted({fake.street_name() for _n in range(400)}))
        places[country] = _Place(first, last, streets, _TOWNS[country])
    return places


def _postcode(rng: random.Random, country: str, code: str) -> str:
    """A postcode of the right shape that starts like the town's."""
    r = rng.randint
    if country == "ES":
        return f"{code}{r(0, 99) * 10 + r(0, 1) + 1:03d}"
    if country == "FR":
        return f"750{r(1, 20):02d}" if code == "75" else f"{code}{r(0, 9)}{r(0, 9)}0"
    if country == "PT":
        digits = 4 - len(code)
        return f"{code}{r(0, 10**digits - 1):0{digits}d}-{r(0, 999):03d}"
    letters = rng.choice(_POSTCODE_LETTERS) + rng.choice(_POSTCODE_LETTERS)
    return f"{code}{r(1, 20)} {r(1, 9)}{letters}"


def _phone(rng: random.Random, country: str) -> str:
    """A phone number as the country writes them."""
    r = rng.randint
    if country == "ES":
        lead = "6" if rng.random() < 0.4 else "9"
        return f"+34 {lead}{r(10, 99)} {r(0, 999):03d} {r(0, 999):03d}"
    if country == "FR":
        lead = rng.choice("12345" if rng.random() < 0.6 else "67")
        return f"+33 {lead} {r(10, 99)} {r(0, 99):02d} {r(0, 99):02d} {r(0, 99):02d}"
    if country == "PT":
        lead = rng.choice(("21", "22", "23", "25", "91", "93", "96"))
        return f"+351 {lead}{r(0, 9)} {r(0, 999):03d} {r(0, 999):03d}"
    # Ofcom's ranges kept for drama: realistic, and nobody is ever rung by mistake.
    area = rng.choice(("20 7946 0", "161 496 0", "121 496 0", "7700 900"))
    return f"+44 {area}{r(0, 999):03d}"


def _month_end(today: int, months_back: int) -> int:
    """The last day of the month ``months_back`` months before today's month."""
    day = dt.date.fromordinal(today)
    after = day.year * 12 + day.month - months_back  # the month after it, counted from 0
    return dt.date(after // 12, after % 12 + 1, 1).toordinal() - 1


# --- the generator -----------------------------------------------------------------------------

INVOICE, CREDIT_NOTE, PAYMENT = 0, 1, 2
_TYPE_NAMES = ("invoice", "credit_note", "payment")
_DOCUMENT_COUNTERS = ("invoice", "credit_note", "payment")

# One collection-status change: day, minute, from, to, (promise day, cents) or None, note.
_Change = tuple[int, int, str, str, tuple[int, int] | None, str | None]


class _Txn:
    """A transaction being generated (slots: there are millions of them)."""

    __slots__ = (
        "acc", "cents", "day", "description", "doc", "due", "history", "id", "kind",
        "last_settled", "minute", "promise", "settled", "settled_acc", "status",
    )  # fmt: skip

    def __init__(self, kind: int, day: int, due: int, cents: int, description: str) -> None:
        self.kind = kind
        self.day = day
        self.due = due
        self.cents = cents  # signed like the ledger: debits > 0, credits < 0
        self.acc = cents  # the accounting-currency amount, in cents
        self.description = description
        self.status = "none"
        self.promise: tuple[int, int] | None = None  # (day, cents)
        self.history: list[_Change] = []
        self.settled = 0
        self.settled_acc = 0
        self.last_settled = 0  # the day of the latest settlement line
        self.minute = 0
        self.doc = ""
        self.id: Any = None


@dataclass
class _Activity:
    """An activity being generated: (day ordinal, minute) times; ``{doc}`` names ``about``."""

    start: tuple[int, int]
    end: tuple[int, int]
    type: str
    category: str
    purpose: str
    memo: str | None = None
    closed: tuple[int, int] | None = None
    employee: Any = None
    about: _Txn | None = None


class _Builder:
    """Makes every row of the demo from the seed, ``today`` and the number of customers."""

    def __init__(self, *, seed: int, today: dt.date, customers: int, sqlite: bool) -> None:
        self.seed = seed
        self.customers = customers
        self.today = today.toordinal()
        self.window = self.today - HISTORY_DAYS
        self.company_day = self.window - 30
        self.codec = _Codec(sqlite=sqlite, first=self.today - 4000, last=self.today + 400)
        self.rng = random.Random(f"collections-desktop demo {seed}")
        self.places = _places(seed)
        self.counters = dict.fromkeys(SEQUENCES, 0)
        self.formats = {name: f"{prefix}%0{width}d" for name, (prefix, width) in SEQUENCES.items()}
        self.stats = dict.fromkeys(
            ("customers", "contacts", "transactions", "settlements", "settlement_lines",
             "status_changes", "activities"),
            0,
        )  # fmt: skip
        self.rates = self._gbp_rates()
        self.employees: dict[str, Any] = {}
        self.agents: list[Any] = []  # the three agents' employee ids
        # Accounts are numbered by seniority, as they were opened: draw every customer's
        # first day up front (a few bytes each) and generate them in that order.
        since_rng = random.Random(f"{seed}:since")
        self.since = [
            self.today - since_rng.randint(760, 3900)
            if since_rng.random() < 0.8
            else self.today - since_rng.randint(45, 730)
            for _n in range(customers)
        ]
        self.order = sorted(range(customers), key=lambda i: (self.since[i], i))

    # -- numbers and counts

    def number(self, name: str) -> str:
        """The next human number of counter ``name``, formatted as ``numbering`` does."""
        self.counters[name] += 1
        return self.formats[name] % self.counters[name]

    def counts(self) -> dict[str, int]:
        """Rows written, for ``DemoStats``."""
        return dict(self.stats)

    # -- the company and its people

    def create_company(self, session: Session) -> None:
        """``company.create_company``, giving its rows ids from the seeded RNG, not the clock."""
        codec, rng, day = self.codec, self.rng, self.company_day
        minutes = iter(range(420, 1440))

        def seeded_ids(session: Session, _context: object, _instances: object) -> None:
            for instance in session.new:  # in the order they were added
                if getattr(instance, "id", None) is None:
                    value = codec.uid(rng, day, next(minutes))
                    instance.id = value if isinstance(value, uuid.UUID) else uuid.UUID(bytes=value)

        event.listen(session, "before_flush", seeded_ids)
        try:
            create_company(session, COMPANY_NAME, ACCOUNTING_CURRENCY, codec.moment(day, 420))
            session.flush()
        finally:
            event.remove(session, "before_flush", seeded_ids)

    def setup_rows(self) -> Rows:
        """Employees, the two pools, the three agents, their pools and their own tasks."""
        codec, rng, day = self.codec, self.rng, self.company_day
        stamp = codec.stamp(day, 540)
        employees = []
        for minute, (number, name, user, phone, role) in enumerate(_EMPLOYEES, start=540):
            emp_id = codec.uid(rng, day, minute)
            if role == "agent":
                self.agents.append(emp_id)
            else:
                self.employees[role] = emp_id
            parts = name.split()
            surname = parts[-2] if len(parts) > 3 else parts[-1]
            email = f"{_ascii(parts[0])}.{_ascii(surname)}@atlantica-suministros.example"
            employees.append((emp_id, number, name, email, phone, user, stamp, 1))
        pools = []
        for minute, (name, description, countries) in enumerate(_POOLS, start=560):
            criteria = json.dumps({"countries": list(countries)})
            pools.append((codec.uid(rng, day, minute), name, description, criteria, stamp, 1))
        iberia, france_uk = pools[0][0], pools[1][0]
        # Lucía works Iberia, Camille France & UK; Oliver, the team lead, works both and
        # may look at every pool.
        memberships = ((iberia,), (france_uk,), (iberia, france_uk))
        defaults = (iberia, france_uk, iberia)
        agents, agent_pools = [], []
        for index, employee_id in enumerate(self.agents):
            agent_id = codec.uid(rng, day, 570 + index)
            agents.append(
                (agent_id, employee_id, defaults[index], codec.flag(index == 2), stamp, 1)
            )
            for pool_id in memberships[index]:
                agent_pools.append((codec.uid(rng, day, 580 + index), agent_id, pool_id, stamp, 1))
        return {
            "employees": employees,
            "customer_pools": pools,
            "collections_agents": agents,
            "agent_pools": agent_pools,
            "activities": self._team_activities(),
        }

    def _team_activities(self) -> list[tuple[Any, ...]]:
        """Each agent's own recurring work: weekly pool reviews and month-end reports."""
        today = self.today
        monday = today - _weekday(today)
        activities: list[_Activity] = []
        for index, employee in enumerate(self.agents):
            pool = _POOL_LABELS[index]
            for week in range(8, -1, -1):
                start, end = monday - 7 * week, monday - 7 * week + 4
                activities.append(
                    _Activity(
                        start=(start, 480),
                        end=(end, 1020),
                        type="task",
                        category="Review",
                        purpose=f"Review the aging of {pool} and plan the week's calls",
                        closed=(end, 960) if end < today else None,
                        employee=employee,
                    )
                )
            for months_back in range(3, -1, -1):
                month_end = _month_end(today, months_back)  # this month's is always open
                activities.append(
                    _Activity(
                        start=(min(month_end - 5, today - 1), 540),
                        end=(month_end, 1080),
                        type="task",
                        category="Report",
                        purpose=f"Prepare the month-end collections report for {pool}",
                        memo="Include disputed amounts and broken promises.",
                        closed=(month_end, 1020) if month_end < today else None,
                        employee=employee,
                    )
                )
        return self.activity_rows(activities, None, self.rng, None)

    def closing_rows(self) -> Rows:
        """The counters, set after the demo's numbers so that later postings do not collide."""
        day = self.today - 1
        stamp = self.codec.stamp(day, 1200)
        rows = []
        for minute, (name, (prefix, width)) in enumerate(SEQUENCES.items(), start=1200):
            seq_id = self.codec.uid(self.rng, day, minute)
            rows.append((seq_id, name, prefix, width, self.counters[name] + 1, stamp, 1))
        return {"number_sequences": rows}

    def _gbp_rates(self) -> list[int]:
        """GBP→EUR rate of each day (in 1/10,000), monthly steps of a seeded random walk."""
        first = self.codec.first
        rates: list[int] = []
        month, rate = None, 11_500 + self.rng.randrange(-200, 201)
        for ordinal in range(first, self.today + 401):
            date = dt.date.fromordinal(ordinal)
            if (date.year, date.month) != month:
                month = (date.year, date.month)
                rate = min(12_100, max(10_900, rate + self.rng.randrange(-120, 121)))
            rates.append(rate)
        return rates

    # -- customers, in chunks

    def chunks(self, size: int = CHUNK_CUSTOMERS) -> Iterator[tuple[int, Rows]]:
        """The rows of ``size`` customers at a time, with the number of customers done."""
        for first in range(0, self.customers, size):
            last = min(first + size, self.customers)
            rows: Rows = {name: [] for name in COLUMNS}
            for position in range(first, last):
                self._customer(self.order[position], rows)
            yield last, rows

    def _customer(self, index: int, rows: Rows) -> None:
        """One customer: identity, contacts, two years of ledger, history and activities."""
        rng = random.Random(f"{self.seed}:{index}")
        codec, today, since = self.codec, self.today, self.since[index]
        country = _pick(rng, _COUNTRIES)
        place = self.places[country]
        language, currency = _LANGUAGE[country], _CURRENCY[country]
        group = _pick(rng, _GROUPS)
        credit_group = _pick(rng, _CREDIT_GROUPS[group])
        terms = rng.choice(_TERMS[group])
        first_day = max(since + 1, self.window)
        # Each pool has its agent; the team lead takes a quarter of both.
        agent = self.agents[2] if rng.random() < 0.25 else self.agents[_POOL_OF_COUNTRY[country]]
        opened = (since, rng.randint(480, 1020))
        customer_id = codec.uid(rng, *opened)

        town, code = rng.choice(place.towns)
        last, last2 = rng.choice(place.last_names), rng.choice(place.last_names)
        patterns = _PUBLIC_NAMES if group == "Public sector" else _BUSINESS_NAMES
        name = rng.choice(patterns[country]).format(last=last, last2=last2, town=town)
        words = (_ascii(word) for word in name.replace("&", " ").split())
        domain = "-".join(w for w in words if w and w not in _LEGAL_WORDS)[:40].strip("-")
        domain += ".example"  # a reserved domain: a demo never e-mails a real company

        contacts = []
        for position in range(rng.choice((1, 1, 2, 2, 2, 3))):
            first = rng.choice(place.first_names)
            surname = rng.choice(place.last_names)
            if country in ("ES", "PT") and rng.random() < 0.7:
                surname = f"{surname} {rng.choice(place.last_names)}"
            contacts.append(
                (
                    codec.uid(rng, *opened),
                    customer_id,
                    f"{first} {surname}",
                    _JOB_TITLES[language][position],
                    f"{_ascii(first)}.{_ascii(surname.split()[0])}@{domain}",
                    _phone(rng, country),
                    language,
                    codec.stamp(*opened),
                    1,
                )
            )
        # The accounts payable clerk chases invoices; the finance director signs.
        collections_contact = contacts[0][0]
        primary_contact = contacts[min(1, len(contacts) - 1)][0]

        ledger = _CustomerLedger(self, rng, country, terms, _BEHAVIOUR[credit_group], agent)
        ledger.simulate(group, first_day, contacts[0][2])
        txns = ledger.emit(customer_id, rows)

        # A few customers are on hold: mostly bad payers with very old debts.
        overdue_days = max(
            (
                today - t.due
                for t in txns
                if t.kind == INVOICE and t.settled < t.cents and t.status == "none"
            ),
            default=0,
        )
        if credit_group == "C" and overdue_days > 90:
            hold_chance = 0.4
        elif overdue_days > 60:
            hold_chance = 0.06
        else:
            hold_chance = 0.002
        status, version, updated = "active", 1, opened
        if rng.random() < hold_chance:
            status, version = "on_hold", 2
            held = min(today - 1, max(since + 1, today - max(1, overdue_days - 60)))
            updated = (held, rng.randint(540, 1000))
            ledger.activities.append(
                _Activity(
                    start=updated,
                    end=updated,
                    type="event",
                    category="Credit",
                    purpose=f"Account put on hold: {overdue_days} days overdue",
                    memo="No new orders until the overdue balance is paid.",
                    closed=updated,
                )
            )

        # Credit limit: a month and the payment terms of invoicing, in thousands.
        if group == "Public sector" and rng.random() < 0.4:
            limit = None
        else:
            invoiced = sum(t.cents for t in txns if t.kind == INVOICE)
            monthly = invoiced // max(1, (today - first_day) // 30)
            cents = monthly * (terms + 30) // 30 // (2 if credit_group == "C" else 1)
            limit = _money(max(100_000, (cents + 99_999) // 100_000 * 100_000))
            if rng.random() < 0.3:
                reviewed = (today - rng.randint(20, 700), rng.randint(540, 1000))
                ledger.activities.append(
                    _Activity(
                        start=reviewed,
                        end=reviewed,
                        type="event",
                        category="Credit",
                        purpose=f"Annual credit review: limit {limit // _MONEY_PER_CENT // 100:,}"
                        f" {currency} confirmed",
                        closed=reviewed,
                    )
                )
        if rng.random() < 0.15:
            # Bigger accounts get a review meeting now and then; some are coming up.
            meeting = _workday(today + rng.randint(-180, 20))
            held = (meeting, 660) if meeting < today else None
            ledger.activities.append(
                _Activity(
                    start=(min(meeting, today) - rng.randint(3, 15), rng.randint(480, 1000)),
                    end=(meeting, 660),
                    type="appointment",
                    category="Meeting",
                    purpose=f"Account review with {contacts[-1][2]}",
                    closed=held,
                )
            )

        rows["customers"].append(
            (
                customer_id,
                self.number("customer"),
                name,
                group,
                credit_group,
                limit,
                status,
                currency,
                language,
                self._street(rng, country, place),
                town,
                _postcode(rng, country, code),
                country,
                _phone(rng, country),
                f"{_COMPANY_MAILBOX[language]}@{domain}",
                self.employees[f"sales {country}"],
                primary_contact,
                collections_contact,
                codec.stamp(*updated),
                version,
            )
        )
        rows["contacts"].extend(contacts)
        rows["activities"].extend(self.activity_rows(ledger.activities, customer_id, rng, agent))
        self.stats["customers"] += 1
        self.stats["contacts"] += len(contacts)

    def _street(self, rng: random.Random, country: str, place: _Place) -> str:
        name, number = rng.choice(place.streets), rng.randint(1, 180)
        if country == "FR":
            return f"{number} {name}"
        if country == "GB":
            if rng.random() < 0.15:
                return f"Unit {rng.randint(1, 30)}, {rng.choice(place.last_names)} Business Park"
            return f"{number} {name}"
        return f"{name}, {number}"

    def activity_rows(
        self, activities: list[_Activity], customer_id: Any, rng: random.Random, employee: Any
    ) -> list[tuple[Any, ...]]:
        """Number activities in the order they were started and make their rows."""
        codec, stamp = self.codec, self.codec.stamp
        rows = []
        activities.sort(key=lambda a: a.start)
        for activity in activities:
            closed = activity.closed
            purpose = activity.purpose
            if activity.about is not None:
                purpose = purpose.replace("{doc}", activity.about.doc)
            rows.append(
                (
                    codec.uid(rng, *activity.start),
                    self.number("activity"),
                    activity.type,
                    activity.category,
                    purpose,
                    activity.memo,
                    activity.employee or employee,
                    customer_id,
                    stamp(*activity.start),
                    stamp(*activity.end),
                    codec.flag(closed is not None),
                    stamp(*closed) if closed else None,
                    stamp(*(closed or activity.start)),
                    2 if closed else 1,
                )
            )
        self.stats["activities"] += len(rows)
        return rows


class _CustomerLedger:
    """One customer's two years: invoices, and how each was paid, credited, disputed, promised.

    ``simulate`` plans what happened to each invoice; ``emit`` turns the plan into rows:
    transactions in date order (so vouchers and document numbers grow with the dates),
    then the settlements in date order (so the line that closes a transaction is known).
    """

    def __init__(
        self,
        builder: _Builder,
        rng: random.Random,
        country: str,
        terms: int,
        behaviour: _Behaviour,
        agent: Any,
    ) -> None:
        self.builder = builder
        self.rng = rng
        self.draw = rng.random
        self.today = builder.today
        self.country = country
        self.currency = _CURRENCY[country]
        self.terms = terms
        self.behaviour = behaviour
        self.agent = agent
        self.invoices: list[_Txn] = []
        self.credits: list[_Txn] = []
        self.on_account: list[_Txn] = []
        # (day, invoice, cents, credit note or None): what a payment or a credit note took
        # off an invoice on a day.
        self.applications: list[tuple[int, _Txn, int, _Txn | None]] = []
        self.activities: list[_Activity] = []
        self.batch = False  # pays in payment runs: one payment for several invoices
        self.monthly_runs = False

    # -- planning

    def simulate(self, group: str, first_day: int, contact: str) -> None:
        """Plan the invoices from ``first_day`` to yesterday and what happened to each."""
        rng, draw, today = self.rng, self.draw, self.today
        yesterday = today - 1
        if first_day > yesterday:
            return
        self.batch = group != "Retail" and draw() < 0.55
        self.monthly_runs = draw() < 0.5
        typical = _TYPICAL_CENTS[group] * rng.choice(_SIZE_PERCENT) // 100
        per_year = _INVOICES_A_YEAR[group] * rng.choice(_SIZE_PERCENT)
        count = max(1, per_year * (today - first_day) // (365 * 100))
        for day in sorted(_between(draw, first_day, yesterday) for _n in range(count)):
            weekday = _weekday(day)
            if weekday >= 5:
                day -= weekday - 4  # invoices are made on working days
            cents = max(990, typical * _between(draw, 30, 260) // 100 + rng.randrange(100))
            order = _between(draw, 100_000, 999_999)
            invoice = _Txn(INVOICE, day, day + self.terms, cents, f"Sales order SO-{order}")
            self.invoices.append(invoice)
            self._plan(invoice, contact)
        if draw() < 0.07:
            # Money received without a remittance advice stays on account until matched.
            for _n in range(rng.choice((1, 1, 2))):
                day = _workday(today - _between(draw, 1, 40))
                if day < today:
                    cents = rng.choice(self.invoices).cents
                    description = "Payment on account (no remittance advice)"
                    self.on_account.append(_Txn(PAYMENT, day, day, -cents, description))

    def _plan(self, invoice: _Txn, contact: str) -> None:
        """Decide how one invoice was paid (or not), credited, disputed or promised."""
        draw, today, behaviour = self.draw, self.today, self.behaviour
        posted, due, amount = invoice.day, invoice.due, invoice.cents
        if draw() < behaviour.dispute:
            raised = max(posted + 3, due + _between(draw, -10, 20))
            if raised < today:
                self._dispute(invoice, raised)
                return
        chance = draw()
        if chance < behaviour.never:
            pay = None
        elif chance < behaviour.never + behaviour.on_time:
            pay = self._pay_day(max(posted + 1, due - _between(draw, 0, min(10, self.terms // 3))))
        else:
            late = min(_between(draw, 1, behaviour.max_late), _between(draw, 1, behaviour.max_late))
            pay = self._pay_day(due + late)
        remaining = amount
        if draw() < 0.04:
            credited = _workday(posted + _between(draw, 2, 15))
            if credited < today and (pay is None or credited < pay):
                share = self.rng.choice((10, 15, 20, 25, 50, 100))
                cents = max(1, amount * share // 100)
                self._credit(invoice, credited, cents, self.rng.choice(_CREDIT_REASONS))
                remaining -= cents
        if remaining <= 0:
            return
        plan: list[tuple[int | None, int]] = [(pay, remaining)]
        if pay is not None and draw() < behaviour.partial:
            first = remaining * _between(draw, 30, 70) // 100
            second = self._pay_day(pay + _between(draw, 10, 60)) if draw() < 0.92 else None
            plan = [(pay, first), (second, remaining - first)]
        for day, cents in plan:
            if day is not None and day < today:
                self.applications.append((day, invoice, cents, None))
        late = pay is None or pay > due
        if late and due + 1 < today and draw() < behaviour.promise:
            called = due + _between(draw, 1, 10)
            if called < today and (pay is None or called < pay):
                self._promise(invoice, called, pay, plan[0][1], contact)
        elif late and pay is not None and due + 5 < min(pay, today) and draw() < 0.4:
            self._reminder(invoice, due + _between(draw, 3, 5), min(pay, today), contact)

    def _dispute(self, invoice: _Txn, raised: int) -> None:
        """The customer disputes the invoice; resolved by a credit note or a rejection."""
        rng, draw, today = self.rng, self.draw, self.today
        reason = rng.choice(_DISPUTE_REASONS)
        minute = _between(draw, 540, 1000)
        invoice.history.append((raised, minute, "none", "disputed", None, reason))
        task = _Activity(
            start=(raised, minute),
            end=(raised + _between(draw, 7, 21), 1020),
            type="task",
            category="Dispute",
            purpose="Resolve the dispute on {doc}",
            memo=reason,
            about=invoice,
        )
        self.activities.append(task)
        resolved = raised + _between(draw, 7, 100)
        if resolved >= today:
            invoice.status = "disputed"
            return
        task.closed = (resolved, _between(draw, 540, 1000))
        remaining = invoice.cents
        if draw() < 0.55:
            cents = max(1, invoice.cents * rng.choice((10, 20, 30, 50, 100)) // 100)
            self._credit(invoice, resolved, cents, "Dispute settled by credit note")
            remaining -= cents
            outcome = "Resolved: credit note issued."
        else:
            outcome = "Resolved: dispute rejected, the customer will pay."
        invoice.history.append((*task.closed, "disputed", "none", None, outcome))
        pay = self._pay_day(resolved + _between(draw, 2, 25))
        if remaining > 0 and pay < today:
            self.applications.append((pay, invoice, remaining, None))

    def _promise(
        self, invoice: _Txn, called: int, pay: int | None, cents: int, contact: str
    ) -> None:
        """The collector calls about a late invoice and the customer promises to pay."""
        draw, today = self.draw, self.today
        minute = _between(draw, 540, 1000)
        if pay is None or pay - called > 30 or draw() < 0.25:
            promised = _workday(called + _between(draw, 3, 14))  # a promise to be broken
        else:
            promised = pay
        memo = self.rng.choice(_PROMISE_MEMOS)
        invoice.history.append((called, minute, "none", "promised", (promised, cents), memo))
        self.activities.append(
            _Activity(
                start=(called, minute),
                end=(called, minute + 10),
                type="action",
                category="Call",
                purpose=f"Call {contact} about {{doc}} promise",
                memo=memo,
                closed=(called, minute + 10),
                about=invoice,
            )
        )
        if pay is not None and pay < today:
            paid = (pay, _between(draw, 540, 1000))
            invoice.history.append((*paid, "promised", "none", None, "Payment received."))
            return
        check = _Activity(
            start=(called, minute + 11),
            end=(promised, 600),
            type="task",
            category="Promise",
            purpose="Check the payment promised for {doc}",
            about=invoice,
        )
        self.activities.append(check)
        broken = promised + _between(draw, 1, 5)
        if broken < today - 25:
            # Long broken: the collector closed the promise, and the invoice is chased again.
            check.closed = (broken, _between(draw, 540, 1000))
            invoice.history.append((*check.closed, "promised", "none", None, "Promise broken."))
            return
        invoice.status = "promised"
        invoice.promise = (promised, cents)

    def _reminder(self, invoice: _Txn, day: int, paid: int, contact: str) -> None:
        """A reminder call, and for some a reminder letter, about a late invoice."""
        minute = _between(self.draw, 540, 1000)
        self.activities.append(
            _Activity(
                start=(day, minute),
                end=(day, minute + 15),
                type="action",
                category="Call",
                purpose=f"Reminder call to {contact} about {{doc}}",
                closed=(day, minute + 15),
                about=invoice,
            )
        )
        if self.draw() < 0.3 and day + 10 < paid:
            self.activities.append(
                _Activity(
                    start=(day + 10, 600),
                    end=(day + 10, 610),
                    type="action",
                    category="Letter",
                    purpose="Send the first reminder letter for {doc}",
                    closed=(day + 10, 610),
                    about=invoice,
                )
            )

    def _credit(self, invoice: _Txn, day: int, cents: int, reason: str) -> None:
        note = _Txn(CREDIT_NOTE, day, day, -cents, reason)
        self.credits.append(note)
        self.applications.append((day, invoice, cents, note))

    def _pay_day(self, day: int) -> int:
        """The day money arrives: a working day, or the customer's next payment run."""
        if not self.batch:
            return _workday(day)
        if not self.monthly_runs:
            return day + (4 - _weekday(day)) % 7  # Friday runs
        date = dt.date.fromordinal(day)
        if date.day <= 10:
            run = date.replace(day=10)
        elif date.day <= 25:
            run = date.replace(day=25)
        else:
            run = (date.replace(day=28) + dt.timedelta(days=4)).replace(day=10)
        return _workday(run.toordinal())

    # -- rows

    def emit(self, customer_id: Any, rows: Rows) -> list[_Txn]:
        """Turn the plan into transaction, settlement, line and status-history rows."""
        builder, rng, draw = self.builder, self.rng, self.draw
        codec = builder.codec
        uid, day_of, stamp = codec.uid, codec.day, codec.stamp
        # Payments: one per invoice and day, or one per payment run for batch payers.
        payments: dict[tuple[int, int], list[tuple[_Txn, int]]] = {}
        settlements: list[tuple[int, int, list[tuple[_Txn, int]]]] = []
        for day, invoice, cents, note in self.applications:
            if note is not None:
                settlements.append((day, 0, [(invoice, cents), (note, note.cents)]))
            else:
                key = (day, 0 if self.batch else id(invoice))
                payments.setdefault(key, []).append((invoice, cents))
        methods = _PAYMENT_METHODS[self.country]
        paid: list[_Txn] = []
        for (day, _key), parts in payments.items():
            merged: dict[int, list[Any]] = {}
            for invoice, cents in parts:  # a batch may pay two parts of one invoice
                merged.setdefault(id(invoice), [invoice, 0])[1] += cents
            total = sum(cents for _invoice, cents in merged.values())
            payment = _Txn(PAYMENT, day, day, -total, rng.choice(methods))
            paid.append(payment)
            lines = [(invoice, cents) for invoice, cents in merged.values()]
            settlements.append((day, 1, [*lines, (payment, -total)]))

        txns = self.invoices + self.credits + paid + self.on_account
        txns.sort(key=lambda t: (t.day, t.kind))
        formats, counters = builder.formats, builder.counters
        rates, first = builder.rates, codec.first
        foreign = self.currency != ACCOUNTING_CURRENCY
        for txn in txns:
            txn.minute = 420 + int(draw() * 661)
            txn.id = uid(rng, txn.day, txn.minute)
            counter = _DOCUMENT_COUNTERS[txn.kind]
            counters[counter] += 1
            txn.doc = formats[counter] % counters[counter]
            if foreign:
                txn.acc = _to_accounting(txn.cents, rates[txn.day - first])

        settlements.sort(key=lambda s: (s[0], s[1]))
        settlement_rows, line_rows = rows["settlements"], rows["settlement_lines"]
        settlement_format, line_count = formats["settlement"], 0
        for day, _order, lines in settlements:
            minute = min(1439, max(t.minute for t, _cents in lines) + 1 + int(draw() * 45))
            settlement_id = uid(rng, day, minute)
            counters["settlement"] += 1
            settlement_rows.append(
                (
                    settlement_id,
                    settlement_format % counters["settlement"],
                    customer_id,
                    day_of(day),
                    None,
                    stamp(day, minute),
                    None,
                )
            )
            settled_day = day_of(day)
            for txn, cents in lines:
                if not foreign:
                    acc = cents
                elif txn.settled + cents == txn.cents:
                    acc = txn.acc - txn.settled_acc  # the closing line takes what is left
                else:
                    acc = _share(cents, txn.acc, txn.cents)
                txn.settled += cents
                txn.settled_acc += acc
                txn.last_settled = max(txn.last_settled, day)
                line_rows.append(
                    (
                        uid(rng, day, minute),
                        settlement_id,
                        txn.id,
                        settled_day,
                        cents * _MONEY_PER_CENT,
                        acc * _MONEY_PER_CENT,
                    )
                )
            line_count += len(lines)

        self._follow_ups(txns)
        txn_rows, history_rows = rows["customer_transactions"], rows["collection_status_history"]
        currency, agent, changes = self.currency, self.agent, 0
        voucher_format = formats["voucher"]
        for txn in txns:
            created = stamp(txn.day, txn.minute)
            updated, version = created, 1
            for day, minute, before, after, promise, note in txn.history:
                changed = stamp(day, minute)
                history_rows.append(
                    (
                        uid(rng, day, minute),
                        txn.id,
                        changed,
                        agent,
                        before,
                        after,
                        day_of(promise[0]) if promise else None,
                        _money(promise[1]) if promise else None,
                        note,
                    )
                )
                updated, version = changed, version + 1
            changes += len(txn.history)
            counters["voucher"] += 1
            promise = txn.promise
            posted = day_of(txn.day)
            txn_rows.append(
                (
                    txn.id,
                    voucher_format % counters["voucher"],
                    customer_id,
                    _TYPE_NAMES[txn.kind],
                    txn.doc,
                    posted,
                    posted,
                    day_of(txn.due),
                    currency,
                    txn.cents * _MONEY_PER_CENT,
                    txn.acc * _MONEY_PER_CENT,
                    txn.description,
                    created,
                    None,
                    txn.status,
                    day_of(promise[0]) if promise else None,
                    _money(promise[1]) if promise else None,
                    day_of(txn.last_settled) if txn.settled == txn.cents else None,
                    updated,
                    version,
                )
            )
        stats = builder.stats
        stats["transactions"] += len(txns)
        stats["settlements"] += len(settlements)
        stats["settlement_lines"] += line_count
        stats["status_changes"] += changes
        return txns

    def _follow_ups(self, txns: list[_Txn]) -> None:
        """Open work for the collector: overdue invoices nobody is waiting on yet."""
        rng, draw, today = self.rng, self.draw, self.today
        overdue = [
            t
            for t in txns
            if t.kind == INVOICE and t.settled < t.cents and t.due < today and t.status == "none"
        ]
        if not overdue:
            return
        oldest = min(overdue, key=lambda t: t.due)
        open_cents = sum(t.cents - t.settled for t in overdue)
        memo = None
        if draw() < 0.3:
            amount = f"{open_cents // 100:,}.{open_cents % 100:02d}"  # exact, from cents
            memo = f"{len(overdue)} overdue invoice(s), {amount} {self.currency} open."
        more = f" and {len(overdue) - 1} more" if len(overdue) > 1 else ""
        start = min(today - 1, max(oldest.due + 1, today - _between(draw, 1, 20)))
        self.activities.append(
            _Activity(
                start=(start, _between(draw, 480, 1000)),
                end=(max(start, today + _between(draw, -10, 10)), 1020),
                type="task",
                category="Follow-up",
                purpose=f"Follow up overdue {oldest.doc}{more}",
                memo=memo,
            )
        )
        if today - oldest.due > 60 and open_cents > 500_000 and draw() < 0.4:
            meeting = _workday(today + _between(draw, 1, 14))
            self.activities.append(
                _Activity(
                    start=(today - _between(draw, 1, 5), _between(draw, 480, 1000)),
                    end=(meeting, 660),
                    type="appointment",
                    category="Meeting",
                    purpose="Meeting to agree a payment plan for the overdue balance",
                    memo=rng.choice((None, "Bring the statement of account.")),
                )
            )

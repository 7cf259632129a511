"""Writing an import in the caller's transaction, after every row was checked.

Customers are created when first met; documents, payments, settlements and disputes go
through the ledger's batch functions, which apply the ledger's own rules.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from collections_desktop.formatting import text_formats
from collections_desktop.i18n import _
from collections_desktop.models.company.setup import has_company
from collections_desktop.models.db.bulk import analyse
from collections_desktop.models.db.schema import (
    CollectionStatus,
    CollectionStatusChange,
    Customer,
    CustomerTransaction,
    Settlement,
    SettlementLine,
    TransactionType,
)
from collections_desktop.models.db.types import new_id
from collections_desktop.models.importers import ImportInputError
from collections_desktop.models.importers.mapping import ImportMapping
from collections_desktop.models.importers.reading import read_table
from collections_desktop.models.importers.receivables.parse import (
    CHUNK_ROWS,
    Books,
    Parser,
    Row,
    batches,
)
from collections_desktop.models.importers.receivables.plan import Check, chunks
from collections_desktop.models.importers.receivables.problems import PROBLEMS_KEPT, Problems
from collections_desktop.models.ledger import books as ledger_books
from collections_desktop.models.ledger import postings
from collections_desktop.models.ledger import settlements as ledger_settlements

FILLED_TABLES = (
    Customer.__tablename__,
    CustomerTransaction.__tablename__,
    Settlement.__tablename__,
    SettlementLine.__tablename__,
    CollectionStatusChange.__tablename__,
)
"""The tables an import fills, analysed once it has written."""


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote, and what it found already imported."""

    file: str
    rows: int
    customers_created: int
    invoices: int
    credit_notes: int
    payments: int
    settlements: int
    disputed: int
    already_imported: int
    seconds: float

    def describe(self) -> str:
        """A summary for the command line and the log."""
        count = text_formats().count
        return _(
            "Imported {file}: {rows} rows; {customers} customers created, {invoices} invoices, "
            "{credit_notes} credit notes, {payments} payments, {settlements} settlements, "
            "{disputed} disputed; {already} rows were already imported ({seconds} s)."
        ).format(
            file=self.file,
            rows=count(self.rows),
            customers=count(self.customers_created),
            invoices=count(self.invoices),
            credit_notes=count(self.credit_notes),
            payments=count(self.payments),
            settlements=count(self.settlements),
            disputed=count(self.disputed),
            already=count(self.already_imported),
            seconds=text_formats().number(self.seconds, 1),
        )


def import_receivables(
    session: Session,
    path: Path | str,
    mapping: ImportMapping,
    now: dt.datetime,
    *,
    chunk_rows: int = CHUNK_ROWS,
    progress: Callable[[int, int, str], None] | None = None,
) -> ImportResult:
    """Import the receivables of ``path`` into the caller's transaction, all or nothing.

    The file is streamed twice: every row is checked first (in chunks of ``chunk_rows``,
    keeping only what later rows are compared with), and only when no row is wrong is it
    read again and written, chunk by chunk, in the caller's transaction. Memory stays
    bounded by the chunk and by the customers, not by the rows. The tables it filled are
    analysed before it returns (``bulk.analyse``), so the next query is planned from
    their real sizes.

    Raises ``ImportInputError`` (``ImportRejected`` for bad rows, with the first problems
    and a count of all) before anything is written; the caller commits on success and rolls
    back on any error. ``progress`` is told (rows done, rows in all or 0 while not yet
    known, what) after each chunk; an exception it raises (a Cancel) stops the import.
    """
    started = time.perf_counter()
    path = Path(path)
    if not has_company(session):
        raise ImportInputError(_("The database holds no company yet; create one first."))
    table = read_table(path, mapping.source)
    if next(table.rows(), None) is None:
        raise ImportInputError(
            _("{path} has a header but no rows; nothing was imported.").format(path=path)
        )
    books = Books.load(session)
    problems = Problems(keep=PROBLEMS_KEPT)
    parser = Parser(table, mapping, books, path, now.date(), problems)
    check = Check(session, books, mapping, problems)
    done = 0
    for chunk in batches(table.rows(), chunk_rows):
        check.add(parser.parse(chunk))
        done += len(chunk)
        if progress is not None:
            progress(done, 0, _("Checking rows"))
    check.finish(parser)
    if problems:
        raise problems.rejected(path)
    writer = Writer(session, check, now, path.name)
    try:
        done = 0
        for chunk in batches(table.rows(), chunk_rows):
            writer.write(parser.parse(chunk))
            done += len(chunk)
            if progress is not None:
                progress(done, check.rows, _("Writing rows"))
    except ledger_books.LedgerError as error:  # the checks above should make this unreachable
        raise ImportInputError(
            _("The ledger refused the import of {path}: {reason}").format(path=path, reason=error)
        ) from error
    if any(writer.counts.values()):
        analyse(session, FILLED_TABLES)
    return ImportResult(
        file=str(path),
        rows=check.rows,
        already_imported=check.already_count,
        seconds=time.perf_counter() - started,
        **writer.counts,
    )


class Writer:
    """Writes checked rows chunk by chunk: customers when first met, then the documents,
    payments, settlements and disputes, through the ledger's batch functions."""

    def __init__(self, session: Session, check: Check, now: dt.datetime, file_name: str):
        self.session = session
        self.check = check
        self.now = now
        self.customers = {key: c.id for key, c in check.stored.items() if c is not None}
        self.note = _("Imported from {file}").format(file=file_name)[:200]
        self.counts = dict.fromkeys(
            (
                "customers_created",
                "invoices",
                "credit_notes",
                "payments",
                "settlements",
                "disputed",
            ),
            0,
        )

    def write(self, rows: list[Row]) -> None:
        """Write one chunk of rows (those not already imported)."""
        session, now = self.session, self.now
        new = [row for row in rows if not self.check.is_already(row.row)]
        customer_rows = []
        for row in new:
            key = row.account_key
            if key in self.customers:
                continue
            master = {name: v.value for name, v in self.check.master.get(key, {}).items()}
            shown = {name: v.shown for name, v in self.check.master.get(key, {}).items()}
            self.customers[key] = new_id()
            customer_rows.append(
                {
                    "id": self.customers[key],
                    "account": self.check.first[key][1],
                    "name": shown.get("customer_name", self.check.first[key][1]),
                    "customer_group": master.get("customer_group"),
                    "country": master.get("country"),
                    "credit_limit": master.get("credit_limit"),
                    "email": shown.get("email"),
                    "phone": master.get("phone"),
                    "currency": self.check.books.accounting,
                    "updated_at": now,
                }
            )
        if customer_rows:
            session.execute(insert(Customer), customer_rows)
        for row in new:
            row.currency = row.currency or self._currency(row)
        document_ids = postings.post_transactions(
            session,
            [
                postings.Posting(
                    customer_id=self.customers[row.account_key],
                    type=row.type,
                    amount=row.amount,
                    posting_date=row.document_date,
                    document_date=row.document_date,
                    due_date=row.due_date,
                    document_number=row.number,
                    currency=row.currency,
                    description=row.description,
                )
                for row in new
            ],
            now,
        )
        settled = [
            (row, document_id, row.settled_date)
            for row, document_id in zip(new, document_ids, strict=True)
            if row.settled_date is not None
        ]
        payment_ids = postings.post_transactions(
            session,
            [
                postings.Posting(
                    customer_id=self.customers[row.account_key],
                    type=TransactionType.PAYMENT,
                    amount=row.settled_amount,
                    posting_date=settled_date,
                    currency=row.currency,
                    description=_payment_description(row.number),
                )
                for row, _document_id, settled_date in settled
            ],
            now,
        )
        ledger_settlements.settle_many(
            session,
            [
                ledger_settlements.SettlementRequest(
                    {document_id: row.settled_amount, payment_id: row.settled_amount},
                    settled_date,
                    self.note,
                )
                for (row, document_id, settled_date), payment_id in zip(
                    settled, payment_ids, strict=True
                )
            ],
            now,
        )
        disputed = [
            document_id for row, document_id in zip(new, document_ids, strict=True) if row.disputed
        ]
        _mark_disputed(session, disputed, now, self.note)
        counts = self.counts
        counts["customers_created"] += len(customer_rows)
        counts["invoices"] += sum(1 for row in new if row.type is TransactionType.INVOICE)
        counts["credit_notes"] += sum(1 for row in new if row.type is TransactionType.CREDIT_NOTE)
        counts["payments"] += len(payment_ids)
        counts["settlements"] += len(settled)
        counts["disputed"] += len(disputed)

    def _currency(self, row: Row) -> str:
        customer = self.check.stored.get(row.account_key)
        return customer.currency if customer else self.check.books.accounting


def _payment_description(number: str) -> str:
    return _("Payment of {number} (imported)").format(number=number)[:200]


def _mark_disputed(
    session: Session, transaction_ids: list[uuid.UUID], now: dt.datetime, note: str
) -> None:
    """Set the collection status to disputed the way every status change is made:
    the mutable columns (``updated_at``, ``version``) and one history row each."""
    for chunk in chunks(transaction_ids):
        session.execute(
            update(CustomerTransaction)
            .where(CustomerTransaction.id.in_(chunk))
            .values(
                collection_status=CollectionStatus.DISPUTED,
                updated_at=now,
                version=CustomerTransaction.version + 1,
            )
            .execution_options(synchronize_session=False)
        )
    if transaction_ids:
        session.execute(
            insert(CollectionStatusChange),
            [
                {
                    "id": new_id(),
                    "transaction_id": txn_id,
                    "changed_at": now,
                    "from_status": CollectionStatus.NONE,
                    "to_status": CollectionStatus.DISPUTED,
                    "note": note,
                }
                for txn_id in transaction_ids
            ],
        )

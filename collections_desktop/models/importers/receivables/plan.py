"""Deciding what an import posts: rows checked against each other and the database.

A row whose document is stored and agrees with it is already imported and adds nothing;
one that disagrees, a document that repeats, or a customer's master data that differs
between rows or from the database is a problem. What is left is what ``write`` posts.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from collections_desktop.formatting import text_formats
from collections_desktop.i18n import _, ngettext
from collections_desktop.kernel.money import ZERO
from collections_desktop.models.db.schema import (
    Customer,
    CustomerTransaction,
    SettlementLine,
    TransactionType,
)
from collections_desktop.models.importers.mapping import ImportMapping
from collections_desktop.models.importers.receivables.parse import (
    CHUNK_ROWS,
    Books,
    Parser,
    Row,
    batches,
)
from collections_desktop.models.importers.receivables.problems import Labels, Problems, RowProblem
from collections_desktop.models.importers.values import number_key

T = TypeVar("T")


# --- checking against the file and the database ----------------------------------------


@dataclass(frozen=True)
class StoredCustomer:
    id: uuid.UUID
    account: str
    currency: str
    deleted: bool
    master: dict[str, tuple[object, str]]


@dataclass(frozen=True)
class StoredDocument:
    id: uuid.UUID
    voucher: str
    number: str
    document_date: dt.date
    due_date: dt.date
    amount: Decimal
    currency: str


class _Value:
    """A value of a customer's master field in the file: how many rows give it, the first."""

    __slots__ = ("count", "row", "shown", "value")

    def __init__(self, value: object, shown: str, row: int) -> None:
        self.value, self.shown, self.row, self.count = value, shown, row, 1


class Check:
    """The checks of rows against each other and the database, fed chunk by chunk.

    Only what later rows are compared with is kept: per customer, its first row and the
    values of its master data (with counts); per document, a 60-bit hash of its key. What
    needs the rows themselves (which rows contradict the majority, which documents repeat,
    rare with a hash) is found by reading the file once more, only when there is some.
    """

    def __init__(
        self, session: Session, books: Books, mapping: ImportMapping, problems: Problems
    ) -> None:
        self.session = session
        self.books = books
        self.label = Labels(mapping)
        self.problems = problems
        self.rows = 0
        self.first: dict[str, tuple[int, str]] = {}  # account key → (first row, account)
        self.master: dict[str, dict[str, _Value]] = {}  # account key → field → first value
        self.others: dict[tuple[str, str], dict[object, _Value]] = {}  # later values
        self.stored: dict[str, StoredCustomer | None] = {}
        self._keys: set[int] = set()
        self._repeated: set[int] = set()
        self._already = bytearray()
        self.already_count = 0

    def is_already(self, row: int) -> bool:
        """Whether the row's document is stored and agrees with it (it adds nothing)."""
        byte, bit = divmod(row, 8)
        return byte < len(self._already) and bool(self._already[byte] >> bit & 1)

    def add(self, rows: list[Row]) -> None:
        """Check one chunk of good rows, in file order."""
        self.rows += len(rows)
        for row in rows:
            key = row.account_key
            self.first.setdefault(key, (row.row, row.account))
            fields = self.master.setdefault(key, {})
            for name, (value, shown) in row.master.items():
                first = fields.get(name)
                if first is None:
                    fields[name] = _Value(value, shown, row.row)
                elif first.value == value:
                    first.count += 1
                else:
                    other = self.others.setdefault((key, name), {}).get(value)
                    if other is None:
                        self.others[(key, name)][value] = _Value(value, shown, row.row)
                    else:
                        other.count += 1
            digest = _digest(row.key)
            if digest in self._keys:
                self._repeated.add(digest)
            else:
                self._keys.add(digest)
        unknown = {row.account for row in rows if row.account_key not in self.stored}
        if unknown:
            found = _stored_customers(self.session, unknown)
            for row in rows:
                self.stored.setdefault(row.account_key, found.get(row.account_key))
        for row in rows:
            customer = self.stored[row.account_key]
            currency = row.currency or (customer.currency if customer else self.books.accounting)
            if currency != self.books.accounting:
                self.problems.append(
                    RowProblem(
                        row.row,
                        self.label("currency") if row.currency else self.label("customer_account"),
                        row.currency or row.account,
                        _(
                            "documents in {currency} need an exchange rate to {accounting}, "
                            "which the import does not read; post them in the app."
                        ).format(currency=currency, accounting=self.books.accounting),
                    )
                )
            row.currency = currency
        self._match_stored(rows)

    def _match_stored(self, rows: list[Row]) -> None:
        """Rows whose document is stored: already imported when they agree, else problems."""
        known = [row for row in rows if self.stored[row.account_key] is not None]
        if not known:
            return
        by_id = {
            customer.id: row.account_key
            for row in known
            if (customer := self.stored[row.account_key]) is not None
        }
        documents = _stored_documents(self.session, known, by_id)
        matches = [(row, documents[row.key]) for row in known if row.key in documents]
        settled = _settled_lines(self.session, [doc.id for row, doc in matches if row.settled_date])
        for row, doc in matches:
            if _agrees(row, doc, settled[doc.id], self.problems, self.label):
                byte, bit = divmod(row.row, 8)
                if byte >= len(self._already):
                    self._already.extend(bytes(byte + 1 - len(self._already) + 4096))
                self._already[byte] |= 1 << bit
                self.already_count += 1

    def finish(self, parser: Parser) -> None:
        """After the last chunk: each customer's master data (the value most rows give,
        the first seen on a tie), the rows that contradict it, the documents that repeat,
        and each stored customer against the file."""
        conflicts: set[tuple[str, str]] = set()
        for (key, name), others in self.others.items():
            first = self.master[key][name]
            reference = max([first, *others.values()], key=lambda v: v.count)
            self.master[key][name] = reference
            conflicts.add((key, name))
        if conflicts or self._repeated:
            self._reread(parser, conflicts)
        for key, (row, _account) in self.first.items():
            customer = self.stored[key]
            if customer is None:
                continue
            if customer.deleted:
                self.problems.append(
                    RowProblem(
                        row,
                        self.label("customer_account"),
                        _account,
                        _("customer {account} was deleted in the database.").format(
                            account=customer.account
                        ),
                    )
                )
            for name, value in self.master[key].items():
                stored_value = customer.master.get(name)
                if stored_value is not None and stored_value[0] != value.value:
                    self.problems.append(
                        RowProblem(
                            value.row,
                            self.label(name),
                            value.shown,
                            _(
                                "customer {account} has “{stored}” in the database; "
                                "change it there or in the file."
                            ).format(account=customer.account, stored=stored_value[1]),
                        )
                    )
        self._keys.clear()

    def _reread(self, parser: Parser, conflicts: set[tuple[str, str]]) -> None:
        """Read the file again for the rows that contradict a customer's master data and
        the documents that repeat (their problems were counted on the first reading)."""
        problems, parser.problems = parser.problems, Problems()
        first_of: dict[tuple[str, str, str], int] = {}
        try:
            for chunk in batches(parser.table.rows(), CHUNK_ROWS):
                for row in parser.parse(chunk):
                    self._contradictions(row, conflicts)
                    if self._repeated and _digest(row.key) in self._repeated:
                        other = first_of.setdefault(row.key, row.row)
                        if other != row.row:
                            problems.append(
                                RowProblem(
                                    row.row,
                                    self.label("document_number"),
                                    row.number,
                                    _(
                                        "the same document of customer {account} is on row {other}."
                                    ).format(account=row.account, other=other),
                                )
                            )
        finally:
            parser.problems = problems

    def _contradictions(self, row: Row, conflicts: set[tuple[str, str]]) -> None:
        key = row.account_key
        for name, (value, shown) in row.master.items():
            if (key, name) not in conflicts:
                continue
            reference = self.master[key][name]
            if value == reference.value:
                continue
            account = self.first[key][1]
            self.problems.append(
                RowProblem(
                    row.row,
                    self.label(name),
                    shown,
                    ngettext(
                        "contradicts row {other}, where customer {account} has "
                        "“{value}” (as on {count} row in all).",
                        "contradicts row {other}, where customer {account} has "
                        "“{value}” (as on {count} rows in all).",
                        reference.count,
                    ).format(
                        other=reference.row,
                        account=account,
                        value=reference.shown,
                        count=reference.count,
                    ),
                )
            )


def _digest(key: tuple[str, str, str]) -> int:
    """A document's key as a 60-bit number (a small int): repeats are confirmed by key."""
    return hash(key) & (1 << 60) - 1


def _agrees(
    row: Row,
    doc: StoredDocument,
    lines: list[tuple[dt.date, Decimal]],
    problems: Problems,
    label: Labels,
) -> bool:
    """Whether a row says what its stored document says; each difference is a problem."""
    formats = text_formats()
    differences = []
    if abs(doc.amount) != row.amount:
        differences.append(("amount", formats.amount(abs(doc.amount))))
    if doc.currency != row.currency:
        differences.append(("currency", doc.currency))
    if doc.document_date != row.document_date:
        differences.append(("document_date", formats.date(doc.document_date)))
    if doc.due_date != row.due_date:
        differences.append(("due_date", formats.date(doc.due_date)))
    if row.settled_date is not None:
        settled = abs(sum((a for day, a in lines if day <= row.settled_date), ZERO))
        # Without a settled-amount column the file says "settled in full on that date".
        expected = row.settled_amount if row.shown.get("settled_amount") else abs(doc.amount)
        if settled != expected:
            name = "settled_amount" if row.shown.get("settled_amount") else "settled_date"
            differences.append(
                (
                    name,
                    _("{amount} settled by {date}").format(
                        amount=formats.amount(settled), date=formats.date(row.settled_date)
                    ),
                )
            )
    for name, stored in differences:
        problems.append(
            RowProblem(
                row.row,
                label(name),
                row.shown.get(name) or None,
                _("document {number} is already in the database ({voucher}) with {stored}.").format(
                    number=doc.number, voucher=doc.voucher, stored=stored
                ),
            )
        )
    return not differences


def chunks(items: Sequence[T], size: int = 500) -> Iterable[Sequence[T]]:
    return (items[start : start + size] for start in range(0, len(items), size))


def _stored_customers(session: Session, accounts: set[str]) -> dict[str, StoredCustomer]:
    """The stored customers of the file's accounts, by compared account number."""
    exact = sorted(accounts)
    digits = sorted({number_key(a) for a in exact if number_key(a).isdigit()})
    if "0" in digits:
        digits.append("")  # ltrim("000", "0") is empty
    conditions = [Customer.account.in_(chunk) for chunk in chunks(exact)]
    conditions += [func.ltrim(Customer.account, "0").in_(chunk) for chunk in chunks(digits)]
    stored: dict[str, StoredCustomer] = {}
    for condition in conditions:
        for c in session.scalars(select(Customer).where(condition)):
            master: dict[str, tuple[object, str]] = {}
            if c.name:
                master["customer_name"] = (" ".join(c.name.split()), c.name)
            for name, text in (
                ("customer_group", c.customer_group),
                ("phone", c.phone),
                ("country", c.country),
            ):
                if text:
                    master[name] = (text, text)
            if c.email:
                master["email"] = (c.email.casefold(), c.email)
            if c.credit_limit is not None:
                master["credit_limit"] = (c.credit_limit, text_formats().amount(c.credit_limit))
            stored.setdefault(
                number_key(c.account),
                StoredCustomer(c.id, c.account, c.currency, c.deleted_at is not None, master),
            )
    return stored


def _stored_documents(
    session: Session, rows: list[Row], customers: dict[uuid.UUID, str]
) -> dict[tuple[str, str, str], StoredDocument]:
    """The stored invoices and credit notes that the rows may be (same customer, type and
    number, leading zeros aside), by the rows' key; the last by voucher when several."""
    exact = sorted({row.number for row in rows})
    digits = sorted({number_key(row.number) for row in rows if number_key(row.number).isdigit()})
    if "0" in digits:
        digits.append("")  # ltrim("000", "0") is empty
    conditions = [CustomerTransaction.document_number.in_(chunk) for chunk in chunks(exact)]
    conditions += [
        func.ltrim(CustomerTransaction.document_number, "0").in_(chunk) for chunk in chunks(digits)
    ]
    found: dict[uuid.UUID, tuple[tuple[str, str, str], StoredDocument]] = {}
    for ids in chunks(list(customers)):
        for condition in conditions:
            for row in session.execute(
                select(
                    CustomerTransaction.customer_id,
                    CustomerTransaction.type,
                    CustomerTransaction.id,
                    CustomerTransaction.voucher,
                    CustomerTransaction.document_number,
                    CustomerTransaction.document_date,
                    CustomerTransaction.due_date,
                    CustomerTransaction.amount,
                    CustomerTransaction.currency,
                ).where(
                    CustomerTransaction.customer_id.in_(ids),
                    CustomerTransaction.type.in_(
                        [TransactionType.INVOICE, TransactionType.CREDIT_NOTE]
                    ),
                    condition,
                )
            ):
                key = (customers[row.customer_id], row.type, number_key(row.document_number))
                found[row.id] = (key, StoredDocument(*row[2:]))
    documents: dict[tuple[str, str, str], StoredDocument] = {}
    for key, document in sorted(found.values(), key=lambda item: item[1].voucher):
        documents[key] = document
    return documents


def _settled_lines(
    session: Session, transaction_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[tuple[dt.date, Decimal]]]:
    lines: dict[uuid.UUID, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    for chunk in chunks(transaction_ids):
        for txn_id, day, amount in session.execute(
            select(
                SettlementLine.transaction_id,
                SettlementLine.settlement_date,
                SettlementLine.amount,
            ).where(SettlementLine.transaction_id.in_(chunk))
        ):
            lines[txn_id].append((day, amount))
    return lines

"""Issue drafts: each posted as an invoice with its number, its lines and its taxes.

Everything is checked first, for every draft chosen, and the first that does not hold
refuses the whole issue (its message names the draft and what to correct), so an issue
is all or nothing: in the caller's one write transaction, the invoices are posted in
bulk through ``ledger.postings.post_transactions`` (vouchers and ``INV-`` numbers from
the counters, in the order of the list: date, account), each with its lines
(``invoice_lines``) and its sales tax per code (``transaction_taxes``: the write-off's
separate sales tax then finds it), and each draft is marked with its invoice.

An invoice's amount is its lines' net plus the tax of each code on the lines carrying it
(``amounts.document_totals``); a customer in another currency needs the draft's exchange
rate. Invoices post no journal here, as the imported ones do not: the sales ledger is
the invoicing system's (the write-off, interest and fees post theirs).

A draft is issued once. The batch holds the ledger's run lock (``writing.LEDGER``) on
PostgreSQL and the write lock on SQLite, so a second issue waits and then finds the
drafts issued: issuing all the pending ones skips them, naming one refuses it. The
database refuses a second copy of a draft's lines (unique draft and position) and a
second draft pointing at one invoice.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from collections_desktop.formatting import Formats, text_formats
from collections_desktop.i18n import _, ngettext
from collections_desktop.kernel.money import ZERO, round_money
from collections_desktop.models.billing.amounts import document_totals
from collections_desktop.models.billing.errors import BillingError
from collections_desktop.models.billing.months import first_of, next_month
from collections_desktop.models.billing.pending import DraftLine, draft_name
from collections_desktop.models.db.schema import (
    Currency,
    Customer,
    CustomerTransaction,
    InvoiceLine,
    PendingDocument,
    PendingDocumentLine,
    SalesTaxCode,
    TransactionTax,
    TransactionType,
)
from collections_desktop.models.db.types import new_id
from collections_desktop.models.ledger.books import Books, chunks
from collections_desktop.models.ledger.postings import Posting, post_transactions
from collections_desktop.models.people.scope import AgentScope

Progress = Callable[[int, int, str], None]
"""Steps done, steps in all, what is being done; it may raise to stop (Cancel)."""

BATCH = 500
"""Invoices posted per step: progress is reported (and Cancel heard) between steps."""

DESCRIPTION_LENGTH = 200


@dataclass(frozen=True)
class IssuedInvoice:
    """One draft posted: the invoice's number and figures."""

    document_id: uuid.UUID
    transaction_id: uuid.UUID
    number: str
    customer_id: uuid.UUID
    account: str
    currency: str
    net: Decimal
    tax: Decimal
    total: Decimal


@dataclass(frozen=True)
class IssueResult:
    """The invoices an issue posted, in the order they were numbered."""

    invoices: tuple[IssuedInvoice, ...]

    def describe(self, formats: Formats | None = None) -> str:
        """One sentence for the status bar and the command line."""
        formats = formats or text_formats()
        count = len(self.invoices)
        if not count:
            return _("No pending invoice to issue.")
        first, last = self.invoices[0].number, self.invoices[-1].number
        if count == 1:
            return _("Invoice {number} issued.").format(number=first)
        return ngettext(
            "{count} invoice issued: {first} to {last}.",
            "{count} invoices issued: {first} to {last}.",
            count,
        ).format(count=formats.count(count), first=first, last=last)


@dataclass(frozen=True)
class _Draft:
    id: uuid.UUID
    version: int
    customer_id: uuid.UUID
    account: str
    document_date: dt.date
    due_date: dt.date
    currency: str
    exchange_rate: Decimal | None
    issued: uuid.UUID | None


def pending_ids(
    session: Session, scope: AgentScope, *, as_of: dt.date, month: dt.date | None = None
) -> list[uuid.UUID]:
    """The drafts not yet issued of ``scope``'s customers (dated in ``month`` if given)."""
    d = PendingDocument
    query = (
        select(d.id)
        .join(Customer, Customer.id == d.customer_id)
        .where(
            d.deleted_at.is_(None),
            d.issued_transaction_id.is_(None),
            scope.customer_condition(as_of),
        )
        .order_by(d.document_date, Customer.account, d.due_date, d.id)
    )
    if month is not None:
        start = first_of(month)
        query = query.where(d.document_date >= start, d.document_date < next_month(start))
    return list(session.scalars(query))


def issue_drafts(
    session: Session,
    scope: AgentScope,
    document_ids: Sequence[uuid.UUID] | None,
    *,
    now: dt.datetime,
    created_by_id: uuid.UUID | None = None,
    month: dt.date | None = None,
    progress: Progress | None = None,
) -> IssueResult:
    """Issue the drafts ``document_ids`` (None: every pending one of ``scope``, in
    ``month`` if given) in the caller's write transaction; all or nothing."""
    report = progress or (lambda done, total, what: None)
    as_of = now.date()
    if document_ids is None:
        document_ids = pending_ids(session, scope, as_of=as_of, month=month)
    wanted = list(dict.fromkeys(document_ids))
    if not wanted:
        return IssueResult(())
    steps = 2 + (len(wanted) + BATCH - 1) // BATCH
    report(0, steps, _("Checking the pending invoices…"))
    drafts = _drafts(session, scope, wanted, as_of)
    lines = _lines(session, wanted)
    books = Books.load(session)
    accounting = books.accounting_currency()
    taxes = {
        row.code: row
        for row in session.scalars(select(SalesTaxCode).where(SalesTaxCode.deleted_at.is_(None)))
    }
    rates = {code: row.rate for code, row in taxes.items()}
    places = dict(session.execute(select(Currency.code, Currency.decimals)).all())
    postings = []
    figures = []
    for draft in drafts:
        name = draft_name(draft.account, draft.document_date)
        own = lines.get(draft.id, [])
        _check(draft, own, name, rates, accounting)
        totals = document_totals(own, rates, places.get(draft.currency, 2))
        if totals.total <= ZERO:
            raise BillingError(
                _("{document}: its total must be greater than zero; nothing was issued.").format(
                    document=name
                )
            )
        figures.append(totals)
        postings.append(
            Posting(
                customer_id=draft.customer_id,
                type=TransactionType.INVOICE,
                amount=totals.total,
                posting_date=draft.document_date,
                due_date=draft.due_date,
                document_date=draft.document_date,
                currency=draft.currency,
                exchange_rate=draft.exchange_rate if draft.currency != accounting else None,
                description=_description(own),
            )
        )
    report(1, steps, _("Posting the invoices…"))
    ids: list[uuid.UUID] = []
    for start in range(0, len(postings), BATCH):
        ids += post_transactions(
            session, postings[start : start + BATCH], now, created_by_id=created_by_id
        )
        report(
            1 + start // BATCH + 1,
            steps,
            _("Posted {done} of {count} invoices…").format(
                done=min(start + BATCH, len(postings)), count=len(postings)
            ),
        )
    numbers = _numbers(session, ids)
    accounting_places = places.get(accounting, 2)
    tax_rows, line_rows, marks = [], [], []
    for draft, transaction_id, totals in zip(drafts, ids, figures, strict=True):
        rate = (
            draft.exchange_rate
            if draft.currency != accounting and draft.exchange_rate is not None
            else Decimal(1)
        )
        for tax in totals.taxes:
            tax_rows.append(
                {
                    "id": new_id(),
                    "transaction_id": transaction_id,
                    "tax_code": tax.code,
                    "tax_account": taxes[tax.code].account,
                    "dimension": None,
                    "amount": tax.amount,
                    "amount_accounting": round_money(tax.amount * rate, accounting_places),
                }
            )
        for position, line in enumerate(lines[draft.id], start=1):
            line_rows.append(
                {
                    "id": new_id(),
                    "transaction_id": transaction_id,
                    "pending_document_id": draft.id,
                    "position": position,
                    "description": line.description,
                    "quantity": line.quantity,
                    "unit_price": line.unit_price,
                    "tax_code": line.tax_code,
                    "tax_rate": rates.get(line.tax_code) if line.tax_code else None,
                    "amount": line.amount,
                }
            )
        marks.append(
            {
                "id": draft.id,
                "issued_transaction_id": transaction_id,
                "issued_at": now,
                "issued_by_id": created_by_id,
                "version": draft.version + 1,
                "updated_at": now,
            }
        )
    if tax_rows:
        session.execute(insert(TransactionTax), tax_rows)
    session.execute(insert(InvoiceLine), line_rows)
    session.execute(update(PendingDocument), marks)
    report(steps, steps, _("Invoices issued."))
    return IssueResult(
        tuple(
            IssuedInvoice(
                document_id=draft.id,
                transaction_id=transaction_id,
                number=numbers[transaction_id],
                customer_id=draft.customer_id,
                account=draft.account,
                currency=draft.currency,
                net=totals.net,
                tax=totals.tax,
                total=totals.total,
            )
            for draft, transaction_id, totals in zip(drafts, ids, figures, strict=True)
        )
    )


def _drafts(
    session: Session, scope: AgentScope, wanted: list[uuid.UUID], as_of: dt.date
) -> list[_Draft]:
    """The drafts in the order they are numbered (date, account); refuses one that is gone,
    issued or not the agent's."""
    d = PendingDocument
    found: dict[uuid.UUID, _Draft] = {}
    seen: set[uuid.UUID] = set()
    for chunk in chunks(wanted):
        for row in session.execute(
            select(
                d.id,
                d.version,
                d.customer_id,
                Customer.account,
                d.document_date,
                d.due_date,
                d.currency,
                d.exchange_rate,
                d.issued_transaction_id,
                d.deleted_at,
            )
            .join(Customer, Customer.id == d.customer_id)
            .where(d.id.in_(chunk))
        ):
            if row.deleted_at is None:
                found[row.id] = _Draft(
                    id=row.id,
                    version=row.version,
                    customer_id=row.customer_id,
                    account=row.account,
                    document_date=row.document_date,
                    due_date=row.due_date,
                    currency=row.currency,
                    exchange_rate=row.exchange_rate,
                    issued=row.issued_transaction_id,
                )
        seen.update(
            session.scalars(
                select(d.id)
                .join(Customer, Customer.id == d.customer_id)
                .where(d.id.in_(chunk), scope.customer_condition(as_of))
            )
        )
    for document_id in wanted:
        draft = found.get(document_id)
        if draft is None:
            raise BillingError(
                _("A pending invoice chosen was deleted by someone else; nothing was issued.")
            )
        name = draft_name(draft.account, draft.document_date)
        if document_id not in seen:
            raise BillingError(
                _("{document}: customer {account} is not one you work; nothing was issued.").format(
                    document=name, account=draft.account
                )
            )
        if draft.issued is not None:
            number = session.scalar(
                select(CustomerTransaction.document_number).where(
                    CustomerTransaction.id == draft.issued
                )
            )
            raise BillingError(
                _(
                    "{document} was already issued as invoice {number}; nothing was issued. "
                    "Refresh the list."
                ).format(document=name, number=number)
            )
    return sorted(
        (found[i] for i in wanted), key=lambda x: (x.document_date, x.account, x.due_date, x.id)
    )


def _lines(session: Session, wanted: list[uuid.UUID]) -> dict[uuid.UUID, list[DraftLine]]:
    line = PendingDocumentLine
    found: dict[uuid.UUID, list[DraftLine]] = {i: [] for i in wanted}
    for chunk in chunks(wanted):
        for row in session.execute(
            select(
                line.document_id,
                line.description,
                line.quantity,
                line.unit_price,
                line.tax_code,
                line.amount,
                line.id,
            )
            .where(line.document_id.in_(chunk), line.deleted_at.is_(None))
            .order_by(line.document_id, line.position, line.id)
        ):
            found[row.document_id].append(DraftLine(*row[1:]))
    return found


def _check(
    draft: _Draft,
    lines: list[DraftLine],
    name: str,
    rates: Mapping[str, Decimal],
    accounting: str,
) -> None:
    if not lines:
        raise BillingError(_("{document} has no lines; nothing was issued.").format(document=name))
    for number, line in enumerate(lines, start=1):
        if line.tax_code and line.tax_code not in rates:
            raise BillingError(
                _(
                    "{document}, line {number}: the tax code {code} is no longer one of the "
                    "company's; nothing was issued."
                ).format(document=name, number=number, code=line.tax_code)
            )
    if draft.currency != accounting and draft.exchange_rate is None:
        raise BillingError(
            _(
                "{document} is in {currency}: type its exchange rate to {accounting} in the "
                "draft first; nothing was issued."
            ).format(document=name, currency=draft.currency, accounting=accounting)
        )
    if draft.due_date < draft.document_date:
        raise BillingError(
            _("{document}: the due date is before the invoice's date; nothing was issued.").format(
                document=name
            )
        )


def _description(lines: list[DraftLine]) -> str:
    text = "; ".join(line.description for line in lines)
    return text if len(text) <= DESCRIPTION_LENGTH else text[: DESCRIPTION_LENGTH - 1] + "…"


def _numbers(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    found: dict[uuid.UUID, str] = {}
    for chunk in chunks(ids):
        found.update(
            session.execute(
                select(CustomerTransaction.id, CustomerTransaction.document_number).where(
                    CustomerTransaction.id.in_(chunk)
                )
            ).all()
        )
    return found

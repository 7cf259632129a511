"""The pending documents: listed by date, read one at a time, edited and deleted.

A draft is a mutable row with its lines (version, tombstone): its due date, exchange
rate and lines (description, quantity, unit price, tax code, amount) change until it is
issued; a save over a stale copy is refused (``db.editing.update_versioned``) and a
removed line is tombstoned. Deleting a draft tombstones it and its lines: a recurring
line stays billed for the month, so the next run does not make it again. An issued
draft names its invoice and changes no more.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from collections_desktop.formatting import text_formats
from collections_desktop.i18n import _
from collections_desktop.kernel.money import MoneyError, round_money, to_money
from collections_desktop.models.billing.amounts import DocumentTotals, document_totals
from collections_desktop.models.billing.errors import BillingError
from collections_desktop.models.billing.recurring import (
    DESCRIPTION_LENGTH,
    TaxCodeChoice,
    tax_code_choices,
)
from collections_desktop.models.db.editing import StaleEditError, stale_message, update_versioned
from collections_desktop.models.db.schema import (
    Currency,
    Customer,
    CustomerTransaction,
    PendingDocument,
    PendingDocumentLine,
    SalesTaxCode,
)
from collections_desktop.models.db.types import new_id
from collections_desktop.models.ledger.books import Books, chunks
from collections_desktop.models.people.scope import AgentScope, customers_seen

PENDING, ISSUED = "pending", "issued"
"""The status filter's values ("" lists both)."""

LIST_LIMIT = 20_000
"""The most documents listed at once."""


@dataclass(frozen=True)
class PendingRow:
    """One pending (or issued) document in the list."""

    id: uuid.UUID
    version: int
    customer_id: uuid.UUID
    account: str
    customer_name: str
    document_date: dt.date
    due_date: dt.date
    currency: str
    exchange_rate: Decimal | None
    line_count: int
    net: Decimal
    tax: Decimal
    total: Decimal
    description: str  # the first line's, and how many more
    invoice_number: str | None
    invoice_id: uuid.UUID | None

    @property
    def is_issued(self) -> bool:
        return self.invoice_id is not None


@dataclass(frozen=True)
class DraftLine:
    """A line of a draft as the dialog shows and leaves it; ``id`` None for a new one."""

    description: str
    quantity: Decimal
    unit_price: Decimal
    tax_code: str | None
    amount: Decimal
    id: uuid.UUID | None = None


@dataclass(frozen=True)
class DraftChanges:
    """What the draft dialog edits."""

    due_date: dt.date
    exchange_rate: Decimal | None
    lines: tuple[DraftLine, ...]


@dataclass(frozen=True)
class Draft:
    """One draft at ``version``, with what its dialog offers."""

    id: uuid.UUID
    version: int
    customer_id: uuid.UUID
    account: str
    customer_name: str
    currency: str
    places: int
    accounting_currency: str
    document_date: dt.date
    values: DraftChanges
    tax_codes: tuple[TaxCodeChoice, ...]
    invoice_number: str | None

    @property
    def rates(self) -> dict[str, Decimal]:
        return {choice.code: choice.rate for choice in self.tax_codes}

    def totals(self, lines: Sequence[DraftLine] | None = None) -> DocumentTotals:
        """The figures of the draft's lines (or of ``lines`` as edited)."""
        chosen = self.values.lines if lines is None else lines
        return document_totals(chosen, self.rates, self.places)


def draft_name(account: str, document_date: dt.date) -> str:
    """How messages name a draft: it has no number before it is issued."""
    return _("The pending invoice of {account} dated {date}").format(
        account=account, date=text_formats().date(document_date)
    )


# --- the list --------------------------------------------------------------------------


def list_pending(
    session: Session,
    scope: AgentScope,
    *,
    as_of: dt.date,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    status: str = PENDING,
    limit: int = LIST_LIMIT,
) -> list[PendingRow]:
    """The documents of ``scope``'s customers dated from ``date_from`` to ``date_to``
    (inclusive), pending, issued or both, by date and account."""
    d = PendingDocument
    query = (
        select(
            d.id,
            d.version,
            d.customer_id,
            Customer.account,
            Customer.name,
            d.document_date,
            d.due_date,
            d.currency,
            d.exchange_rate,
            d.issued_transaction_id,
            CustomerTransaction.document_number,
        )
        .join(Customer, Customer.id == d.customer_id)
        .outerjoin(CustomerTransaction, CustomerTransaction.id == d.issued_transaction_id)
        .where(d.deleted_at.is_(None), scope.customer_condition(as_of))
        .order_by(d.document_date, Customer.account, d.due_date, d.id)
        .limit(limit)
    )
    if date_from is not None:
        query = query.where(d.document_date >= date_from)
    if date_to is not None:
        query = query.where(d.document_date <= date_to)
    if status == PENDING:
        query = query.where(d.issued_transaction_id.is_(None))
    elif status == ISSUED:
        query = query.where(d.issued_transaction_id.is_not(None))
    documents = session.execute(query).all()
    lines = _lines_of(session, [row.id for row in documents])
    rates = _rates(session)
    places = _places(session)
    result = []
    for row in documents:
        own = lines.get(row.id, [])
        totals = document_totals(own, rates, places.get(row.currency, 2))
        description = own[0].description if own else ""
        if len(own) > 1:
            description = _("{first} and {count} more").format(
                first=description, count=len(own) - 1
            )
        result.append(
            PendingRow(
                id=row.id,
                version=row.version,
                customer_id=row.customer_id,
                account=row.account,
                customer_name=row.name,
                document_date=row.document_date,
                due_date=row.due_date,
                currency=row.currency,
                exchange_rate=row.exchange_rate,
                line_count=len(own),
                net=totals.net,
                tax=totals.tax,
                total=totals.total,
                description=description,
                invoice_number=row.document_number,
                invoice_id=row.issued_transaction_id,
            )
        )
    return result


def _lines_of(session: Session, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[DraftLine]]:
    found: dict[uuid.UUID, list[DraftLine]] = defaultdict(list)
    line = PendingDocumentLine
    for chunk in chunks(list(ids)):
        for row in session.execute(
            select(
                line.document_id,
                line.id,
                line.description,
                line.quantity,
                line.unit_price,
                line.tax_code,
                line.amount,
            )
            .where(line.document_id.in_(chunk), line.deleted_at.is_(None))
            .order_by(line.document_id, line.position, line.id)
        ):
            found[row.document_id].append(
                DraftLine(
                    row.description, row.quantity, row.unit_price, row.tax_code, row.amount, row.id
                )
            )
    return found


def _rates(session: Session) -> dict[str, Decimal]:
    return dict(
        session.execute(
            select(SalesTaxCode.code, SalesTaxCode.rate).where(SalesTaxCode.deleted_at.is_(None))
        ).all()
    )


def _places(session: Session) -> dict[str, int]:
    return dict(session.execute(select(Currency.code, Currency.decimals)).all())


# --- one draft -------------------------------------------------------------------------


def _document(
    session: Session,
    scope: AgentScope,
    document_id: uuid.UUID,
    as_of: dt.date,
    *,
    lock: bool = True,
) -> tuple[PendingDocument, Customer]:
    """The draft and its customer; refused when it is gone or not the agent's. A writer
    (``lock``) holds the customer's lock on PostgreSQL, as every action does."""
    row = session.execute(
        select(PendingDocument, Customer)
        .join(Customer, Customer.id == PendingDocument.customer_id)
        .where(PendingDocument.id == document_id, PendingDocument.deleted_at.is_(None))
    ).first()
    if row is None:
        raise BillingError(_("The pending invoice no longer exists. Refresh the list."))
    document, customer = row
    if lock:
        seen = customer.id in customers_seen(session, scope, [customer.id], as_of)
    else:
        seen = (
            session.scalar(
                select(Customer.id).where(
                    Customer.id == customer.id, scope.customer_condition(as_of)
                )
            )
            is not None
        )
    if not seen:
        raise BillingError(
            _("Customer {account} is not one you work.").format(account=customer.account)
        )
    return document, customer


def read_draft(
    session: Session, scope: AgentScope, document_id: uuid.UUID, *, as_of: dt.date
) -> Draft:
    """One draft with its lines and the tax codes its lines may carry."""
    document, customer = _document(session, scope, document_id, as_of, lock=False)
    number = (
        session.scalar(
            select(CustomerTransaction.document_number).where(
                CustomerTransaction.id == document.issued_transaction_id
            )
        )
        if document.issued_transaction_id is not None
        else None
    )
    return Draft(
        id=document.id,
        version=document.version,
        customer_id=customer.id,
        account=customer.account,
        customer_name=customer.name,
        currency=document.currency,
        places=_places(session).get(document.currency, 2),
        accounting_currency=Books.load(session).accounting_currency(),
        document_date=document.document_date,
        values=DraftChanges(
            due_date=document.due_date,
            exchange_rate=document.exchange_rate,
            lines=tuple(_lines_of(session, [document.id]).get(document.id, [])),
        ),
        tax_codes=tax_code_choices(session),
        invoice_number=number,
    )


def check_draft(
    changes: DraftChanges,
    *,
    document_date: dt.date,
    places: int,
    tax_codes: Sequence[str],
) -> DraftChanges:
    """The changes normalised, or ``BillingError`` naming the line and field to correct."""
    if changes.due_date < document_date:
        raise BillingError(
            _("Due date: it cannot be before the invoice's date, {date}.").format(
                date=text_formats().date(document_date)
            )
        )
    rate = changes.exchange_rate
    if rate is not None:
        try:
            rate = to_money(rate)
        except MoneyError as error:
            raise BillingError(_("Exchange rate: {reason}").format(reason=error)) from error
        if rate <= 0:
            raise BillingError(_("Exchange rate: it must be greater than zero."))
    if not changes.lines:
        raise BillingError(_("A pending invoice needs at least one line."))
    known = set(tax_codes)
    lines = []
    for number, line in enumerate(changes.lines, start=1):

        def refuse(field: str, reason: str, number: int = number) -> BillingError:
            return BillingError(
                _("Line {number}, {field}: {reason}").format(
                    number=number, field=field, reason=reason
                )
            )

        description = " ".join(line.description.split())
        if not description:
            raise refuse(_("description"), _("say what is billed."))
        if len(description) > DESCRIPTION_LENGTH:
            raise refuse(
                _("description"),
                _("at most {count} characters.").format(count=DESCRIPTION_LENGTH),
            )
        values = {}
        for key, field in (
            ("quantity", _("quantity")),
            ("unit_price", _("unit price")),
            ("amount", _("amount")),
        ):
            try:
                values[key] = to_money(getattr(line, key))
            except MoneyError as error:
                raise refuse(field, str(error)) from error
            if values[key] <= 0:
                raise refuse(field, _("it must be greater than zero."))
        if round_money(values["amount"], places) != values["amount"]:
            raise refuse(
                _("amount"),
                _("at most {places} decimals in this currency.").format(places=places),
            )
        tax_code = (line.tax_code or "").strip() or None
        if tax_code is not None and tax_code not in known:
            raise refuse(
                _("tax code"),
                _("{code} is not one of the company's sales-tax codes.").format(code=tax_code),
            )
        lines.append(
            replace(
                line,
                description=description,
                tax_code=tax_code,
                quantity=values["quantity"],
                unit_price=values["unit_price"],
                amount=values["amount"],
            )
        )
    return DraftChanges(changes.due_date, rate, tuple(lines))


def save_draft(
    session: Session,
    scope: AgentScope,
    document_id: uuid.UUID,
    version: int,
    changes: DraftChanges,
    now: dt.datetime,
) -> int:
    """Save ``changes`` over the draft read at ``version``; its new version.

    Refused: an issued draft, a stale copy, a line or field that does not hold.
    """
    document, customer = _document(session, scope, document_id, now.date())
    name = draft_name(customer.account, document.document_date)
    _refuse_issued(session, document, name)
    changes = check_draft(
        changes,
        document_date=document.document_date,
        places=_places(session).get(document.currency, 2),
        tax_codes=list(_rates(session)),
    )
    saved = {
        row.id: row
        for row in session.scalars(
            select(PendingDocumentLine).where(
                PendingDocumentLine.document_id == document.id,
                PendingDocumentLine.deleted_at.is_(None),
            )
        )
    }
    kept = set()
    for position, line in enumerate(changes.lines, start=1):
        values = {
            "position": position,
            "description": line.description,
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "tax_code": line.tax_code,
            "amount": line.amount,
        }
        if line.id is None:
            session.add(
                PendingDocumentLine(
                    id=new_id(), document_id=document.id, updated_at=now, version=1, **values
                )
            )
            continue
        row = saved.get(line.id)
        if row is None:
            raise StaleEditError(stale_message(name))
        kept.add(row.id)
        if any(getattr(row, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
            row.version += 1
            row.updated_at = now
    for row_id, row in saved.items():
        if row_id not in kept:
            row.deleted_at = now
            row.updated_at = now
            row.version += 1
    session.flush()
    update_versioned(
        session,
        document,
        version,
        now=now,
        what=name,
        due_date=changes.due_date,
        exchange_rate=changes.exchange_rate,
    )
    return document.version


def delete_drafts(
    session: Session,
    scope: AgentScope,
    versions: Mapping[uuid.UUID, int],
    now: dt.datetime,
) -> int:
    """Tombstone the drafts read at ``versions`` (id → version) and their lines; how many.

    All or nothing: an issued draft or a stale copy refuses the whole deletion.
    """
    for document_id, version in versions.items():
        document, customer = _document(session, scope, document_id, now.date())
        name = draft_name(customer.account, document.document_date)
        _refuse_issued(session, document, name)
        update_versioned(session, document, version, now=now, what=name, deleted_at=now)
        session.execute(
            update(PendingDocumentLine)
            .where(
                PendingDocumentLine.document_id == document_id,
                PendingDocumentLine.deleted_at.is_(None),
            )
            .values(deleted_at=now, updated_at=now, version=PendingDocumentLine.version + 1)
            .execution_options(synchronize_session=False)
        )
    return len(versions)


def _refuse_issued(session: Session, document: PendingDocument, name: str) -> None:
    if document.issued_transaction_id is None:
        return
    number = session.scalar(
        select(CustomerTransaction.document_number).where(
            CustomerTransaction.id == document.issued_transaction_id
        )
    )
    raise BillingError(
        _("{document} was issued as invoice {number}; it can no longer change.").format(
            document=name, number=number
        )
    )

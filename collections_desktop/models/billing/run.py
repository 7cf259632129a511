"""A month's run: the pending (draft) invoices of every recurring line due in a month.

A line is due in a month from its start month to its end month (inclusive). The run
makes one draft per customer and due day (the line's day of the month, or the month's
last day when it is shorter) dated the first of the month, with one line per recurring
line; the schema keeps no payment terms, so the line's day is the due date. A line is
billed once per month, whoever runs the month and however often: a line already billed
in the month (even on a draft deleted since) is skipped, and the database's unique key
(recurring line, month) refuses a second copy outright, so two runs at once make one
set of drafts.

A customer in another currency than the company's gets the exchange rate of their
latest invoice in it (the draft's, to be corrected in the draft dialog); a customer
without one gets a draft without a rate, which cannot be issued until one is typed.
Closed accounts are not billed.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from sqlalchemy import func, insert, or_, select
from sqlalchemy.orm import Session

from collections_desktop.formatting import Formats, text_formats
from collections_desktop.i18n import _, ngettext
from collections_desktop.kernel.money import round_money
from collections_desktop.models.billing.months import day_in_month, first_of, month_name
from collections_desktop.models.db.schema import (
    AccountStatus,
    Currency,
    Customer,
    CustomerTransaction,
    PendingDocument,
    PendingDocumentLine,
    RecurringBillingLine,
    TransactionType,
)
from collections_desktop.models.db.types import new_id
from collections_desktop.models.ledger.books import Books, chunks
from collections_desktop.models.people.scope import AgentScope

RATE_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class RunResult:
    """What a month's run made."""

    month: dt.date
    drafts: int
    lines: int
    customers: int

    def describe(self, formats: Formats | None = None) -> str:
        """One sentence for the status bar and the command line."""
        formats = formats or text_formats()
        month = month_name(self.month, formats)
        if not self.drafts:
            return _("Nothing new to bill for {month}: every recurring line is billed.").format(
                month=month
            )
        return ngettext(
            "{count} pending invoice created for {month}.",
            "{count} pending invoices created for {month}.",
            self.drafts,
        ).format(count=formats.count(self.drafts), month=month)


def create_month_drafts(
    session: Session,
    scope: AgentScope,
    month: dt.date,
    now: dt.datetime,
    *,
    created_by_id: uuid.UUID | None = None,
) -> RunResult:
    """Make the drafts of ``month`` (any day of it) for the customers of ``scope``, in the
    caller's write transaction; nothing already billed for the month is billed again."""
    month = first_of(month)
    r = RecurringBillingLine
    billed = (
        select(PendingDocumentLine.id)
        .where(
            PendingDocumentLine.recurring_line_id == r.id,
            PendingDocumentLine.billing_month == month,
        )
        .exists()
    )
    rows = session.execute(
        select(
            r.id,
            r.customer_id,
            r.description,
            r.quantity,
            r.unit_price,
            r.tax_code,
            r.day_of_month,
            Customer.currency,
        )
        .join(Customer, Customer.id == r.customer_id)
        .where(
            r.deleted_at.is_(None),
            r.start_month <= month,
            or_(r.end_month.is_(None), r.end_month >= month),
            Customer.deleted_at.is_(None),
            Customer.account_status != AccountStatus.CLOSED,
            scope.customer_condition(now.date()),
            ~billed,
        )
        .order_by(Customer.account, r.day_of_month, r.position, r.id)
    ).all()
    if not rows:
        return RunResult(month, 0, 0, 0)
    places = dict(session.execute(select(Currency.code, Currency.decimals)).all())
    accounting = Books.load(session).accounting_currency()
    foreign = sorted({row.customer_id for row in rows if row.currency != accounting})
    rates = latest_rates(session, foreign)
    groups: dict[tuple[uuid.UUID, int], list[Any]] = defaultdict(list)
    for row in rows:
        due = day_in_month(month, row.day_of_month)
        groups[(row.customer_id, due.day)].append(row)
    documents, lines = [], []
    for (customer_id, day), members in groups.items():
        document_id = new_id()
        currency = members[0].currency
        documents.append(
            {
                "id": document_id,
                "customer_id": customer_id,
                "document_date": month,
                "due_date": month.replace(day=day),
                "billing_month": month,
                "currency": currency,
                "exchange_rate": Decimal(1) if currency == accounting else rates.get(customer_id),
                "description": None,
                "created_at": now,
                "created_by_id": created_by_id,
                "issued_transaction_id": None,
                "issued_at": None,
                "issued_by_id": None,
                "updated_at": now,
                "version": 1,
                "deleted_at": None,
            }
        )
        for position, row in enumerate(members, start=1):
            lines.append(
                {
                    "id": new_id(),
                    "document_id": document_id,
                    "position": position,
                    "description": row.description,
                    "quantity": row.quantity,
                    "unit_price": row.unit_price,
                    "tax_code": row.tax_code,
                    "amount": round_money(
                        row.quantity * row.unit_price,
                        places.get(currency, 2),
                    ),
                    "recurring_line_id": row.id,
                    "billing_month": month,
                    "updated_at": now,
                    "version": 1,
                    "deleted_at": None,
                }
            )
    session.execute(insert(PendingDocument), documents)
    session.execute(insert(PendingDocumentLine), lines)
    return RunResult(month, len(documents), len(lines), len({c for c, _d in groups}))


def latest_rates(session: Session, customer_ids: list[uuid.UUID]) -> dict[uuid.UUID, Decimal]:
    """The exchange rate (accounting ÷ amount, four decimals) of each customer's latest
    invoice in their own currency."""
    t = CustomerTransaction
    rates: dict[uuid.UUID, Decimal] = {}
    for chunk in chunks(customer_ids):
        ranked = (
            select(
                t.customer_id,
                t.amount,
                t.amount_accounting,
                func.row_number()
                .over(
                    partition_by=t.customer_id, order_by=(t.posting_date.desc(), t.voucher.desc())
                )
                .label("rank"),
            )
            .join(Customer, Customer.id == t.customer_id)
            .where(
                t.customer_id.in_(chunk),
                t.type == TransactionType.INVOICE,
                t.currency == Customer.currency,
                t.amount != 0,
            )
            .subquery()
        )
        for customer_id, amount, accounting in session.execute(
            select(ranked.c.customer_id, ranked.c.amount, ranked.c.amount_accounting).where(
                ranked.c.rank == 1
            )
        ):
            rates[customer_id] = (accounting / amount).quantize(RATE_PLACES, ROUND_HALF_EVEN)
    return rates

"""An issued invoice read whole for its PDF: the customer's address and language, the
lines as issued, the tax by code as posted, the totals and the due date.

Only invoices issued from a draft have lines (``invoice_lines``); ``has_lines`` tells
the callers (the Workspace's reprint) which ones can be printed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from babel import Locale, UnknownLocaleError
from sqlalchemy import select
from sqlalchemy.orm import Session

from collections_desktop.i18n import _
from collections_desktop.kernel.money import ZERO
from collections_desktop.models.billing.amounts import TaxTotal
from collections_desktop.models.billing.errors import BillingError
from collections_desktop.models.db.schema import (
    Customer,
    CustomerTransaction,
    InvoiceLine,
    ReceivablesParameters,
    TransactionTax,
)
from collections_desktop.models.ledger.books import chunks
from collections_desktop.models.letters.render import letter_language
from collections_desktop.models.texts.business import company_language


@dataclass(frozen=True)
class InvoiceLineDetail:
    """A line as issued."""

    description: str
    quantity: Decimal
    unit_price: Decimal
    tax_code: str | None
    tax_rate: Decimal | None
    amount: Decimal


@dataclass(frozen=True)
class InvoiceDetail:
    """Everything an invoice's PDF shows, in ``language`` (the customer's, else the
    company's)."""

    transaction_id: uuid.UUID
    number: str
    document_date: dt.date
    due_date: dt.date
    currency: str
    company_name: str
    account: str
    customer_name: str
    address_lines: tuple[str, ...]
    language: str
    lines: tuple[InvoiceLineDetail, ...]
    taxes: tuple[TaxTotal, ...]
    total: Decimal

    @property
    def net(self) -> Decimal:
        return sum((line.amount for line in self.lines), start=ZERO)

    @property
    def tax(self) -> Decimal:
        return sum((tax.amount for tax in self.taxes), start=ZERO)


def has_lines(session: Session, transaction_id: uuid.UUID) -> bool:
    """Whether the invoice was issued here, with lines a PDF can show."""
    return (
        session.scalar(
            select(InvoiceLine.id).where(InvoiceLine.transaction_id == transaction_id).limit(1)
        )
        is not None
    )


def invoice_details(session: Session, transaction_ids: Sequence[uuid.UUID]) -> list[InvoiceDetail]:
    """The invoices ``transaction_ids`` (issued from drafts), in that order."""
    wanted = list(dict.fromkeys(transaction_ids))
    t = CustomerTransaction
    heads: dict[uuid.UUID, tuple[CustomerTransaction, Customer]] = {}
    lines: dict[uuid.UUID, list[InvoiceLineDetail]] = defaultdict(list)
    taxes: dict[uuid.UUID, list[tuple[str, Decimal]]] = defaultdict(list)
    for chunk in chunks(wanted):
        for txn, customer in session.execute(
            select(t, Customer).join(Customer, Customer.id == t.customer_id).where(t.id.in_(chunk))
        ):
            heads[txn.id] = (txn, customer)
        for row in session.scalars(
            select(InvoiceLine)
            .where(InvoiceLine.transaction_id.in_(chunk))
            .order_by(InvoiceLine.transaction_id, InvoiceLine.position)
        ):
            lines[row.transaction_id].append(
                InvoiceLineDetail(
                    row.description,
                    row.quantity,
                    row.unit_price,
                    row.tax_code,
                    row.tax_rate,
                    row.amount,
                )
            )
        for transaction_id, code, amount in session.execute(
            select(TransactionTax.transaction_id, TransactionTax.tax_code, TransactionTax.amount)
            .where(TransactionTax.transaction_id.in_(chunk))
            .order_by(TransactionTax.tax_code)
        ):
            taxes[transaction_id].append((code, amount))
    company = company_language(session)
    company_name = session.scalar(select(ReceivablesParameters.company_name)) or ""
    details = []
    for transaction_id in wanted:
        if transaction_id not in heads or not lines.get(transaction_id):
            raise BillingError(
                _("This invoice was not issued from a pending invoice: it has no lines to print.")
            )
        txn, customer = heads[transaction_id]
        language = letter_language(customer.language, company)
        own = lines[transaction_id]
        bases: dict[str, Decimal] = defaultdict(lambda: ZERO)
        rates: dict[str, Decimal] = {}
        for line in own:
            if line.tax_code:
                bases[line.tax_code] += line.amount
                rates[line.tax_code] = line.tax_rate or ZERO
        details.append(
            InvoiceDetail(
                transaction_id=txn.id,
                number=txn.document_number,
                document_date=txn.document_date,
                due_date=txn.due_date,
                currency=txn.currency,
                company_name=company_name,
                account=customer.account,
                customer_name=customer.name,
                address_lines=address_lines(customer, language),
                language=language,
                lines=tuple(own),
                taxes=tuple(
                    TaxTotal(code, rates.get(code, ZERO), bases.get(code, ZERO), amount)
                    for code, amount in taxes.get(transaction_id, [])
                ),
                total=txn.amount,
            )
        )
    return details


def address_lines(customer: Customer, language: str) -> tuple[str, ...]:
    """The customer's address as printed: street, postal code and city, the country named
    in ``language``."""
    city = " ".join(part for part in (customer.postal_code, customer.city) if part)
    country = customer.country
    if country:
        with contextlib.suppress(ValueError, TypeError, UnknownLocaleError):
            country = Locale.parse(language or "en").territories.get(country, country)
    return tuple(part for part in (customer.street, city, country) if part)

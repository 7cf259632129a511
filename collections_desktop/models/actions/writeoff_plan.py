"""The plan of a write-off: what would be posted, computed before anything is written.

The preview shows it and ``write_off`` posts it, so both agree to the cent: each
document's part (whole or partial), its sales tax, the accounting amounts closing the last
cent exactly, one write-off transaction per currency.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from collections_desktop.formatting import text_formats
from collections_desktop.i18n import _, current_language
from collections_desktop.kernel.money import ZERO, MoneyError, round_money, to_money
from collections_desktop.models.db.schema import (
    DEBIT_TYPES,
    Currency,
    Customer,
    CustomerTransaction,
    JournalAccountType,
    PostingProfile,
    ReceivablesParameters,
    SettlementLine,
    TransactionTax,
    TransactionType,
    WriteOffReason,
)
from collections_desktop.models.ledger import journals, settlements
from collections_desktop.models.ledger.journals import LineDraft
from collections_desktop.models.people.scope import AgentScope, customers_seen
from collections_desktop.models.texts.business import texts_in


@dataclass(frozen=True)
class _TaxPart:
    tax_code: str
    tax_account: str
    dimension: str | None
    amount: Decimal
    amount_accounting: Decimal


@dataclass(frozen=True)
class _Part:
    """The write-off of one transaction, split into tax parts and the net."""

    transaction_id: uuid.UUID
    document_number: str
    type: str
    currency: str
    dimension: str | None
    posting_profile: str
    write_off_account: str
    amount: Decimal
    amount_accounting: Decimal
    taxes: tuple[_TaxPart, ...]

    @property
    def tax(self) -> Decimal:
        return sum((t.amount for t in self.taxes), start=ZERO)

    @property
    def net(self) -> Decimal:
        return self.amount - self.tax

    @property
    def net_accounting(self) -> Decimal:
        return self.amount_accounting - sum((t.amount_accounting for t in self.taxes), start=ZERO)


@dataclass(frozen=True)
class WriteOffPlan:
    customer_id: uuid.UUID
    customer_account: str
    reason: WriteOffReasonOption
    accounting_currency: str
    accounting_places: int
    parts: tuple[_Part, ...]

    def currencies(self) -> list[str]:
        return sorted({p.currency for p in self.parts})

    def totals(self, currency: str) -> tuple[Decimal, Decimal]:
        """What is written off in ``currency``: (amount, accounting amount), both positive."""
        mine = [p for p in self.parts if p.currency == currency]
        return (
            sum((p.amount for p in mine), start=ZERO),
            sum((p.amount_accounting for p in mine), start=ZERO),
        )

    def lines(self, write_off_ids: Mapping[str, uuid.UUID] | None = None) -> list[LineDraft]:
        """The journal lines: customer lines, then ledger lines, then tax lines, each sorted."""
        numbers = write_off_ids or {}
        result = []
        for currency in self.currencies():
            amount, accounting = self.totals(currency)
            result.append(
                LineDraft(
                    account_type=JournalAccountType.CUSTOMER,
                    account=self.customer_account,
                    currency=currency,
                    amount=-amount,
                    amount_accounting=-accounting,
                    transaction_id=numbers.get(currency),
                    text=_("Write-off: {reason}").format(reason=self.reason.description),
                )
            )
        ledger_groups: dict[tuple[str, str, str, str], list[Decimal]] = defaultdict(
            lambda: [ZERO, ZERO]
        )
        tax_groups: dict[tuple[str, str, str, str], list[Decimal]] = defaultdict(
            lambda: [ZERO, ZERO]
        )
        # Empty text stands for "no dimension" in the keys, so that they sort.
        for part in self.parts:
            key = (
                part.currency,
                part.dimension or "",
                part.posting_profile,
                part.write_off_account,
            )
            ledger_groups[key][0] += part.net
            ledger_groups[key][1] += part.net_accounting
            for tax in part.taxes:
                tax_key = (part.currency, tax.tax_account, tax.dimension or "", tax.tax_code)
                tax_groups[tax_key][0] += tax.amount
                tax_groups[tax_key][1] += tax.amount_accounting
        for (currency, dimension, profile, account), (amount, accounting) in sorted(
            ledger_groups.items()
        ):
            if amount == ZERO and accounting == ZERO:
                continue  # e.g. a fee that is all tax
            result.append(
                LineDraft(
                    account_type=JournalAccountType.LEDGER,
                    account=account,
                    currency=currency,
                    amount=amount,
                    amount_accounting=accounting,
                    dimension=dimension or None,
                    posting_profile=profile,
                    text=self.reason.code,
                )
            )
        for (currency, account, dimension, code), (amount, accounting) in sorted(
            tax_groups.items()
        ):
            if amount == ZERO and accounting == ZERO:
                continue
            result.append(
                LineDraft(
                    account_type=JournalAccountType.TAX,
                    account=account,
                    currency=currency,
                    amount=amount,
                    amount_accounting=accounting,
                    dimension=dimension or None,
                    tax_code=code,
                    text=_("Sales tax {code} written off").format(code=code),
                )
            )
        return result


def plan_write_off(
    session: Session,
    scope: AgentScope | None,
    transaction_ids: Iterable[uuid.UUID],
    *,
    reason_code: str,
    write_off_date: dt.date,
    amounts: Mapping[uuid.UUID, object] | None,
    as_of: dt.date,
) -> WriteOffPlan:
    """Check a write-off and compute every figure of it; reads only, writes nothing."""
    fmt = text_formats()
    ids = list(dict.fromkeys(transaction_ids))
    if not ids:
        raise WriteOffError(
            _("Nothing is marked. Mark the invoices, interest notes or fees to write off.")
        )
    given = dict(amounts or {})
    stray = [txn_id for txn_id in given if txn_id not in ids]
    if stray:
        raise WriteOffError(_("An amount was given for a transaction that is not marked."))
    reason = _reason(session, reason_code)
    params = session.scalars(select(ReceivablesParameters).limit(1)).first()
    if params is None:
        raise WriteOffError(_("The company's receivables parameters are not set up."))
    places = dict(session.execute(select(Currency.code, Currency.decimals)).all())
    accounting_places = places[params.accounting_currency]
    transactions = {
        txn.id: txn
        for txn in session.scalars(
            select(CustomerTransaction).where(CustomerTransaction.id.in_(ids))
        )
    }
    if len(transactions) != len(ids):
        raise WriteOffError(_("A marked transaction no longer exists. Refresh the list."))
    customers = {txn.customer_id for txn in transactions.values()}
    if len(customers) != 1:
        raise WriteOffError(
            _("The marked transactions belong to different customers; write off one at a time.")
        )
    customer_id = customers.pop()
    customer = session.get(Customer, customer_id)
    assert customer is not None  # a transaction refers to it
    if scope is not None and not customers_seen(session, scope, [customer_id], as_of):
        raise WriteOffError(
            _("This customer is not in your pools; you cannot write off their debts.")
        )
    profiles = dict(
        session.execute(
            select(PostingProfile.code, PostingProfile.write_off_account).where(
                PostingProfile.deleted_at.is_(None)
            )
        ).all()
    )
    lines: dict[uuid.UUID, list[tuple[Decimal, Decimal]]] = defaultdict(list)
    for row in session.execute(
        select(
            SettlementLine.transaction_id, SettlementLine.amount, SettlementLine.amount_accounting
        ).where(SettlementLine.transaction_id.in_(ids))
    ):
        lines[row.transaction_id].append((row.amount, row.amount_accounting))
    taxes: dict[uuid.UUID, list[TransactionTax]] = defaultdict(list)
    if params.separate_sales_tax:
        for tax in session.scalars(
            select(TransactionTax)
            .where(TransactionTax.transaction_id.in_(ids))
            .order_by(TransactionTax.tax_code)
        ):
            taxes[tax.transaction_id].append(tax)

    parts = []
    ordered = sorted(
        transactions.values(), key=lambda t: (t.posting_date, t.document_number, t.voucher)
    )
    for txn in ordered:
        if txn.amount <= ZERO:
            raise WriteOffError(
                _(
                    "{document} is a credit ({type}): a credit balance cannot be written off; "
                    "mark invoices, interest notes or fees."
                ).format(document=txn.document_number, type=_type_text(txn.type))
            )
        if txn.type not in DEBIT_TYPES:
            raise WriteOffError(
                _(
                    "{document} is a {type}: only invoices, interest notes and fees can be "
                    "written off."
                ).format(document=txn.document_number, type=_type_text(txn.type))
            )
        if write_off_date < txn.posting_date:
            raise WriteOffError(
                _(
                    "{document} was posted on {posted}; it cannot be written off on {date}, "
                    "an earlier date."
                ).format(
                    document=txn.document_number,
                    posted=fmt.date(txn.posting_date),
                    date=fmt.date(write_off_date),
                )
            )
        currency_places = places[txn.currency]
        available = settlements.settleable_amount(session, txn, write_off_date)
        if available <= ZERO:
            raise WriteOffError(
                _("{document} has nothing open on {date}; there is nothing to write off.").format(
                    document=txn.document_number, date=fmt.date(write_off_date)
                )
            )
        if txn.id in given:
            value = _partial(given[txn.id], currency_places, txn.document_number)
            if value > available:
                raise WriteOffError(
                    _("{document} has only {open} open on {date}; {asked} was asked.").format(
                        document=txn.document_number,
                        open=fmt.amount(available),
                        date=fmt.date(write_off_date),
                        asked=fmt.amount(value),
                    )
                )
        else:
            value = available
        accounting = _accounting_share(txn, lines.get(txn.id, []), value, accounting_places)
        tax_parts = []
        for tax in taxes.get(txn.id, []):
            share = round_money(value * tax.amount / txn.amount, currency_places)
            share_accounting = (
                tax.amount_accounting
                if share == tax.amount
                else round_money(share * txn.amount_accounting / txn.amount, accounting_places)
            )
            tax_parts.append(
                _TaxPart(
                    tax_code=tax.tax_code,
                    tax_account=tax.tax_account,
                    dimension=tax.dimension if tax.dimension is not None else txn.dimension,
                    amount=share,
                    amount_accounting=share_accounting,
                )
            )
        account = (
            reason.ledger_account or profiles.get(txn.posting_profile) or (params.write_off_account)
        )
        parts.append(
            _Part(
                transaction_id=txn.id,
                document_number=txn.document_number,
                type=txn.type,
                currency=txn.currency,
                dimension=txn.dimension,
                posting_profile=txn.posting_profile,
                write_off_account=account,
                amount=value,
                amount_accounting=accounting,
                taxes=tuple(tax_parts),
            )
        )
    plan = WriteOffPlan(
        customer_id=customer_id,
        customer_account=customer.account,
        reason=reason,
        accounting_currency=params.accounting_currency,
        accounting_places=accounting_places,
        parts=tuple(parts),
    )
    try:
        journals.check_balanced(plan.lines())
    except journals.JournalError as error:  # cannot happen by construction; say so if it does
        raise WriteOffError(str(error)) from None
    return plan


def _partial(value: object, places: int, document: str) -> Decimal:
    """A partial amount to write off: exact, with the currency's decimals, above zero."""
    try:
        amount = to_money(value, places=places)
    except MoneyError as error:
        raise WriteOffError(
            _("The amount to write off of {document}: {problem}").format(
                document=document, problem=error
            )
        ) from None
    if amount <= ZERO:
        raise WriteOffError(
            _("The amount to write off of {document} must be greater than zero.").format(
                document=document
            )
        )
    return amount


def _accounting_share(
    txn: CustomerTransaction,
    lines: Sequence[tuple[Decimal, Decimal]],
    value: Decimal,
    places: int,
) -> Decimal:
    """The accounting amount the settlement line of ``value`` will carry (the ledger's rule).

    When the write-off takes everything still unsettled, it is the accounting amount
    still open, to the cent; otherwise it is pro rata, rounded. ``settlements.settle`` applies
    the same rule and ``_check_settled`` holds the two equal.
    """
    settled = sum((amount for amount, _acc in lines), start=ZERO)
    if value == txn.amount - settled:
        return txn.amount_accounting - sum((acc for _amount, acc in lines), start=ZERO)
    return round_money(value * txn.amount_accounting / txn.amount, places)


def accounting_rate(
    currency: str, amount: Decimal, accounting: Decimal, plan: WriteOffPlan
) -> Decimal | None:
    """The exchange rate that gives the write-off transaction exactly ``accounting``."""
    if currency == plan.accounting_currency and amount == accounting:
        return None
    if accounting == ZERO:
        # Worth less than half a unit in the accounting currency (a few cents at a tiny
        # rate): a rate small enough that any amount rounds to zero.
        rate = Decimal(1).scaleb(-(plan.accounting_places + 16))
    else:
        rate = accounting / amount
    if round_money(amount * rate, plan.accounting_places) != accounting:
        raise WriteOffError(
            _("The write-off of {amount} {currency} cannot be converted exactly.").format(
                amount=text_formats().amount(amount), currency=currency
            )
        )
    return rate


class WriteOffError(ValueError):
    """A write-off that is refused; the message says what to change. Nothing was written."""


@dataclass(frozen=True)
class WriteOffReasonOption:
    """A write-off reason for the dialog's list; ``ledger_account`` None: the default account."""

    code: str
    description: str
    ledger_account: str | None


def _reason(session: Session, code: str) -> WriteOffReasonOption:
    """The reason with ``code``; refused with the list of valid codes otherwise."""
    reasons = write_off_reasons(session)
    wanted = (code or "").strip()
    for reason in reasons:
        if reason.code == wanted:
            return reason
    valid = ", ".join(r.code for r in reasons) or _("none is set up")
    if not wanted:
        raise WriteOffError(_("Choose a write-off reason: {codes}.").format(codes=valid))
    raise WriteOffError(
        _("There is no write-off reason {code}. Choose one of: {codes}.").format(
            code=wanted, codes=valid
        )
    )


def _type_text(value: str) -> str:
    names: dict[str, str] = {
        TransactionType.PAYMENT: _("payment"),
        TransactionType.CREDIT_NOTE: _("credit note"),
        TransactionType.WRITE_OFF: _("write-off"),
        TransactionType.REVERSAL: _("reversal"),
    }
    return names.get(value, value)


def write_off_reasons(session: Session, language: str | None = None) -> list[WriteOffReasonOption]:
    """The write-off reasons in use, by code (the dialog's list), described in ``language``
    (the user's by default) where the reason has a text in it."""
    shown = texts_in(session, "write_off_reasons", "description", language or current_language())
    return [
        WriteOffReasonOption(row.code, shown.get(row.id, row.description), row.ledger_account)
        for row in session.execute(
            select(
                WriteOffReason.id,
                WriteOffReason.code,
                WriteOffReason.description,
                WriteOffReason.ledger_account,
            )
            .where(WriteOffReason.deleted_at.is_(None))
            .order_by(WriteOffReason.code)
        )
    ]

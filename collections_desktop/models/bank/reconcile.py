"""What the Bank reconciliation page does to a statement line, one transaction each.

- **Confirm** posts the line as a payment received by bank transfer through the receipts'
  own ``record_payment`` (the same payment, settlement and journal as a receipt), settled
  against the chosen open items or left unsettled on the customer (a payment on account),
  and marks the line confirmed. The counterparty's IBAN is remembered on the customer, so
  the next payment from it is found by the IBAN rule. A short payment within the
  company's tolerance may have its difference written off with the small-difference
  reason in the same transaction.
- **Set aside** moves a line nobody can place to the suspense list; **put back** returns
  it to the open lines.
- **Undo** takes a confirmation back through the NSF action's reversal (its settlements,
  then the payment itself, without charges) and opens the line again.

A line is changed only at the version the user saw, and its payment carries an id made
from the line and that version: two collectors (or two processes) confirming one line at
once post it once; the second is told who was first.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from collections_desktop.formatting import text_formats
from collections_desktop.i18n import _
from collections_desktop.kernel.money import ZERO
from collections_desktop.models.actions.nsf import NsfError, nsf_preview, process_nsf
from collections_desktop.models.actions.writeoff import write_off
from collections_desktop.models.actions.writeoff_plan import WriteOffError
from collections_desktop.models.db.schema import (
    BankAccount,
    BankLineState,
    BankStatement,
    BankStatementLine,
    CustomerBankAccount,
    CustomerTransaction,
    Employee,
    PaymentMethod,
    ReceivablesParameters,
)
from collections_desktop.models.db.writing import lock_customers
from collections_desktop.models.ledger.balances import open_amount
from collections_desktop.models.people.scope import AgentScope
from collections_desktop.models.receipts.record import (
    PaymentEntry,
    ReceiptError,
    RecordedPayment,
    paying_customer,
    record_payment,
)

SMALL_DIFFERENCE_REASON = "SMALL"
"""The write-off reason of a short payment's difference within the tolerance."""

_SUBMISSIONS = uuid.UUID("6f1c2d0e-5b7a-4c1e-9a53-0b4c7d2e8f10")


class ReconcileError(ValueError):
    """A line that cannot be changed as asked; the message says why, nothing written."""


@dataclass(frozen=True)
class ConfirmedLine:
    """What confirming a line posted."""

    line_id: uuid.UUID
    payment: RecordedPayment
    written_off: Decimal  # the small difference written off (zero when none)
    iban_learned: bool  # the counterparty's IBAN is now known on the customer


def tolerance(session: Session, amount: Decimal) -> Decimal:
    """The largest difference the company lets pass on a payment of ``amount``."""
    row = session.execute(
        select(
            ReceivablesParameters.bank_tolerance_amount,
            ReceivablesParameters.bank_tolerance_percent,
        ).limit(1)
    ).first()
    if row is None:
        return ZERO
    by_percent = (abs(amount) * row.bank_tolerance_percent / 100).quantize(Decimal("0.01"))
    allowed: Decimal = max(row.bank_tolerance_amount, by_percent)
    return allowed


def confirm_line(
    session: Session,
    scope: AgentScope,
    line_id: uuid.UUID,
    *,
    version: int,
    customer_id: uuid.UUID,
    allocations: Mapping[uuid.UUID, Decimal],
    now: dt.datetime,
    user_id: uuid.UUID | None,
    write_off_difference: bool = False,
) -> ConfirmedLine:
    """Post line ``line_id`` as ``customer_id``'s payment settling ``allocations``.

    Empty ``allocations`` leave the whole amount unsettled on the customer. Refused
    (``ReconcileError``, nothing written) when the line moved on since ``version``, is
    money out, or the receipt refuses (outside the scope, an item no longer open or
    ticked above what is open, a future date, ...). The caller commits.
    """
    line = _line(session, line_id, version)
    if line.state not in (BankLineState.OPEN, BankLineState.SUSPENSE):
        raise ReconcileError(_("This line is not waiting to be matched any more."))
    lock_customers(session, [customer_id])
    statement = session.get(BankStatement, line.statement_id)
    assert statement is not None  # a foreign key
    bank_code = None
    if statement.bank_account_id is not None:
        bank_code = session.scalar(
            select(BankAccount.code).where(BankAccount.id == statement.bank_account_id)
        )
    try:
        customer = paying_customer(session, scope, now.date(), customer_id=customer_id)
        rate = None
        if line.currency != customer.accounting_currency:
            rate = customer.rates.get(line.currency)
            if rate is None:
                raise ReconcileError(
                    _(
                        "{account} has no transactions in {currency} to take an exchange "
                        "rate from; record this payment with Record payment instead."
                    ).format(account=customer.account, currency=line.currency)
                )
        payment = record_payment(
            session,
            scope,
            PaymentEntry(
                customer_id=customer_id,
                payment_date=line.booking_date,
                amount=line.amount,
                currency=line.currency,
                method=PaymentMethod.BANK_TRANSFER,
                reference=line.end_to_end_id or line.bank_reference,
                allocations=dict(allocations),
                exchange_rate=rate,
                note=_short(line.remittance or line.counterparty_name),
                submission_id=uuid.uuid5(_SUBMISSIONS, f"{line.import_id}:{line.version}"),
                bank_account=bank_code,
            ),
            now,
            created_by_id=user_id,
        )
    except ReceiptError as error:
        raise ReconcileError(str(error)) from None
    written_off = ZERO
    if write_off_difference:
        written_off = _write_off_rest(session, scope, line, payment, now, user_id)
    learned = _learn_iban(session, customer_id, line.counterparty_iban, now)
    line.state = BankLineState.CONFIRMED
    line.customer_id = customer_id
    line.payment_id = payment.transaction_id
    line.state_note = None
    _touch(line, now, user_id)
    session.flush()
    return ConfirmedLine(line.id, payment, written_off, learned)


def set_aside(
    session: Session,
    line_id: uuid.UUID,
    *,
    version: int,
    note: str | None,
    now: dt.datetime,
    user_id: uuid.UUID | None,
) -> None:
    """Move an open line to the suspense list (nobody can place it yet)."""
    line = _line(session, line_id, version)
    if line.state != BankLineState.OPEN:
        raise ReconcileError(_("Only a line waiting to be matched can be set aside."))
    line.state = BankLineState.SUSPENSE
    line.state_note = (note or "").strip() or None
    _touch(line, now, user_id)
    session.flush()


def put_back(
    session: Session,
    line_id: uuid.UUID,
    *,
    version: int,
    now: dt.datetime,
    user_id: uuid.UUID | None,
) -> None:
    """Return a line from the suspense list to the open lines."""
    line = _line(session, line_id, version)
    if line.state != BankLineState.SUSPENSE:
        raise ReconcileError(_("This line is not in the suspense list."))
    line.state = BankLineState.OPEN
    _touch(line, now, user_id)
    session.flush()


def undo_confirmation(
    session: Session,
    scope: AgentScope,
    line_id: uuid.UUID,
    *,
    version: int,
    now: dt.datetime,
    user_id: uuid.UUID | None,
) -> str:
    """Reverse the payment a confirmed line posted (its settlements, then itself) and open
    the line again; returns the reversal's document number."""
    line = _line(session, line_id, version)
    if line.state != BankLineState.CONFIRMED or line.payment_id is None:
        raise ReconcileError(_("This line is not confirmed; there is nothing to undo."))
    payment = session.get(CustomerTransaction, line.payment_id)
    assert payment is not None  # a foreign key
    lock_customers(session, [payment.customer_id])
    description = _("Bank line matched in error: payment {document} taken back").format(
        document=payment.document_number
    )
    try:
        # Dated when the payment was (or was last settled), so the documents it paid are
        # open again from then on and the line can be confirmed anew on its own date.
        on = nsf_preview(session, scope, payment.id, now.date()).earliest_date
        result = process_nsf(
            session,
            scope,
            payment.id,
            on,
            now,
            created_by_id=user_id,
            undo=description,
        )
    except NsfError as error:
        raise ReconcileError(str(error)) from None
    line.state = BankLineState.OPEN
    line.customer_id = None
    line.payment_id = None
    line.state_note = description
    _touch(line, now, user_id)
    session.flush()
    return result.reversal_document


# --- helpers ----------------------------------------------------------------------------


def _line(session: Session, line_id: uuid.UUID, version: int) -> BankStatementLine:
    line = session.get(BankStatementLine, line_id, populate_existing=True, with_for_update=True)
    if line is None:
        raise ReconcileError(_("This statement line no longer exists. Refresh the list."))
    if line.version != version:
        who = None
        if line.changed_by_id is not None:
            who = session.scalar(select(Employee.name).where(Employee.id == line.changed_by_id))
        fmt = text_formats()
        raise ReconcileError(
            _(
                "{who} changed this line at {moment}; nothing was posted twice. Refresh the "
                "list to see what it is now."
            ).format(who=who or _("Someone"), moment=fmt.moment(line.updated_at))
        )
    return line


def _touch(line: BankStatementLine, now: dt.datetime, user_id: uuid.UUID | None) -> None:
    line.version += 1
    line.updated_at = now
    line.changed_by_id = user_id


def _write_off_rest(
    session: Session,
    scope: AgentScope,
    line: BankStatementLine,
    payment: RecordedPayment,
    now: dt.datetime,
    user_id: uuid.UUID | None,
) -> Decimal:
    """Write off what the payment left open of the documents it paid, when it is small."""
    rest = {doc.transaction_id: doc.open_after for doc in payment.applied if doc.open_after > ZERO}
    total = sum(rest.values(), ZERO)
    if not rest:
        return ZERO
    allowed = tolerance(session, line.amount)
    if total > allowed:
        fmt = text_formats()
        raise ReconcileError(
            _(
                "{rest} would stay open, more than the small difference of {allowed} the "
                "company writes off; leave it open instead."
            ).format(rest=fmt.amount(total), allowed=fmt.amount(allowed))
        )
    try:
        write_off(
            session,
            scope,
            list(rest),
            reason_code=SMALL_DIFFERENCE_REASON,
            write_off_date=line.booking_date,
            now=now,
            created_by_id=user_id,
            note=_("Small difference of payment {document}").format(
                document=payment.document_number
            ),
            amounts=rest,
        )
    except WriteOffError as error:
        raise ReconcileError(str(error)) from None
    assert all(open_amount(session, i, line.booking_date) == ZERO for i in rest)
    return total


def _learn_iban(
    session: Session, customer_id: uuid.UUID, iban: str | None, now: dt.datetime
) -> bool:
    if not iban:
        return False
    known = session.scalar(
        select(CustomerBankAccount.id).where(
            CustomerBankAccount.customer_id == customer_id, CustomerBankAccount.iban == iban
        )
    )
    if known is not None:
        return False
    session.add(
        CustomerBankAccount(customer_id=customer_id, iban=iban, source="statement", updated_at=now)
    )
    return True


def _short(text: str | None) -> str | None:
    text = " ".join((text or "").split())
    return text[:140] or None

"""Payment methods and the life cycle of a payment's money.

Cash, card, bank transfer and direct debit are money in the bank when recorded: their
state starts *cleared*. A cheque or a promissory note is a paper instrument: it starts
*received*, is *deposited* at the bank and then *cleared*, or comes back unpaid
(*returned*), which runs the NSF flow. A direct debit can be returned too (a rejected
collection). Each move is dated and written to the insert-only history;
``change_state`` checks the move and its date first, then writes it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from collections_desktop.formatting import text_formats
from collections_desktop.i18n import N_, _
from collections_desktop.models.actions.nsf import NsfResult, process_nsf
from collections_desktop.models.db.editing import (
    StaleEditError,
    stale_message,
    update_versioned,
)
from collections_desktop.models.db.schema import (
    INSTRUMENT_METHODS,
    CustomerTransaction,
    PaymentDetails,
    PaymentMethod,
    PaymentState,
    PaymentStateChange,
)
from collections_desktop.models.people.scope import AgentScope, customers_seen

METHOD_NAMES: dict[str, str] = {
    PaymentMethod.CASH: N_("Cash"),
    PaymentMethod.CARD: N_("Card"),
    PaymentMethod.BANK_TRANSFER: N_("Bank transfer"),
    PaymentMethod.DIRECT_DEBIT: N_("Direct debit"),
    PaymentMethod.CHEQUE: N_("Cheque"),
    PaymentMethod.PROMISSORY_NOTE: N_("Promissory note"),
}
"""Each method's name, translated when shown (in the order the dialog offers them)."""

STATE_NAMES: dict[str, str] = {
    PaymentState.RECEIVED: N_("Received"),
    PaymentState.DEPOSITED: N_("Deposited"),
    PaymentState.CLEARED: N_("Cleared"),
    PaymentState.RETURNED: N_("Returned"),
}
"""Each state's name, translated when shown."""

TRANSITIONS: dict[str, dict[str, frozenset[str]]] = {
    **{
        method: {
            PaymentState.RECEIVED: frozenset({PaymentState.DEPOSITED, PaymentState.RETURNED}),
            PaymentState.DEPOSITED: frozenset({PaymentState.CLEARED, PaymentState.RETURNED}),
        }
        for method in INSTRUMENT_METHODS
    },
    PaymentMethod.DIRECT_DEBIT: {PaymentState.CLEARED: frozenset({PaymentState.RETURNED})},
}
"""The moves each method allows from each state; every other move is refused."""


class PaymentStateError(ValueError):
    """A move of a payment's state that is refused; the message says why, nothing written."""


def method_name(method: str) -> str:
    """The translated name of a payment method ("cheque" → "Cheque")."""
    name = METHOD_NAMES.get(method)
    return _(name) if name else method


def state_name(state: str) -> str:
    """The translated name of a payment state ("deposited" → "Deposited")."""
    name = STATE_NAMES.get(state)
    return _(name) if name else state


def first_state(method: str) -> PaymentState:
    """The state a payment of ``method`` starts in: an instrument is only received."""
    return PaymentState.RECEIVED if method in INSTRUMENT_METHODS else PaymentState.CLEARED


def allowed_moves(method: str, state: str) -> frozenset[str]:
    """The states a payment of ``method`` in ``state`` may move to (none: it is final)."""
    return TRANSITIONS.get(method, {}).get(state, frozenset())


@dataclass(frozen=True)
class StateChanged:
    """What ``change_state`` wrote: the payment's new state and, when returned, the NSF."""

    transaction_id: uuid.UUID
    document_number: str
    from_state: str
    to_state: str
    state_date: dt.date
    nsf: NsfResult | None


def change_state(
    session: Session,
    scope: AgentScope,
    transaction_id: uuid.UUID,
    to_state: str,
    state_date: dt.date,
    now: dt.datetime,
    *,
    version: int | None = None,
    changed_by_id: uuid.UUID | None,
    note: str | None = None,
) -> StateChanged:
    """Move the payment ``transaction_id`` to ``to_state`` on ``state_date``.

    Refused (``PaymentStateError``, nothing written) when the payment has no details, is
    outside the scope, the move is not one its method allows from its state, the date is
    before its last move or after today, or a promissory note is cleared before its due
    date. ``version``: the copy the user saw (a stale copy is refused). Returning a
    payment runs ``process_nsf`` in the same transaction: its invoices reopen and the
    bank's NSF fee is billed. The caller commits.
    """
    fmt = text_formats()
    details = session.scalars(
        select(PaymentDetails).where(
            PaymentDetails.transaction_id == transaction_id, PaymentDetails.deleted_at.is_(None)
        )
    ).one_or_none()
    payment = session.get(CustomerTransaction, transaction_id)
    if details is None or payment is None:
        raise PaymentStateError(
            _("This payment has no method recorded here; its state cannot change.")
        )
    document = payment.document_number
    if not customers_seen(session, scope, [details.customer_id], now.date()):
        raise PaymentStateError(
            _("{document} belongs to a customer outside your pools.").format(document=document)
        )
    if to_state not in allowed_moves(details.method, details.state):
        raise PaymentStateError(
            _("{document} ({method}) is {state}; it cannot become {target}.").format(
                document=document,
                method=method_name(details.method).lower(),
                state=state_name(details.state).lower(),
                target=state_name(to_state).lower(),
            )
        )
    if state_date < details.state_date:
        raise PaymentStateError(
            _("{document} became {state} on {date}; the new date cannot be before it.").format(
                document=document,
                state=state_name(details.state).lower(),
                date=fmt.date(details.state_date),
            )
        )
    if state_date > now.date():
        raise PaymentStateError(
            _("{date} is in the future; record what has happened, on the day it did.").format(
                date=fmt.date(state_date)
            )
        )
    if (
        to_state == PaymentState.CLEARED
        and details.method == PaymentMethod.PROMISSORY_NOTE
        and details.instrument_due_date is not None
        and state_date < details.instrument_due_date
    ):
        raise PaymentStateError(
            _("{document} is a promissory note due on {due}; it cannot clear before then.").format(
                document=document, due=fmt.date(details.instrument_due_date)
            )
        )
    note = (note or "").strip() or None
    from_state = details.state
    if version is not None and version != details.version:
        raise PaymentStateError(stale_message(_("Payment {document}").format(document=document)))
    if to_state == PaymentState.RETURNED:
        # The NSF action marks the payment returned and writes its history row.
        nsf = process_nsf(
            session, scope, transaction_id, state_date, now, created_by_id=changed_by_id, note=note
        )
        return StateChanged(transaction_id, document, from_state, to_state, state_date, nsf)
    try:
        update_versioned(
            session,
            details,
            details.version if version is None else version,
            now=now,
            what=_("Payment {document}").format(document=document),
            state=to_state,
            state_date=state_date,
        )
    except StaleEditError as error:
        raise PaymentStateError(str(error)) from None
    session.add(
        PaymentStateChange(
            transaction_id=transaction_id,
            from_state=from_state,
            to_state=to_state,
            state_date=state_date,
            changed_at=now,
            changed_by_id=changed_by_id,
            note=note,
        )
    )
    session.flush()
    return StateChanged(transaction_id, document, from_state, to_state, state_date, None)


def change_states(
    session: Session,
    scope: AgentScope,
    transaction_ids: list[uuid.UUID],
    to_state: str,
    state_date: dt.date,
    now: dt.datetime,
    *,
    changed_by_id: uuid.UUID | None,
    note: str | None = None,
) -> list[StateChanged]:
    """Move each payment as ``change_state`` does, all or none (the Payments page's rows).

    A refusal names the payment; the caller's transaction then writes nothing.
    """
    if not transaction_ids:
        raise PaymentStateError(_("Select one or more payments first."))
    return [
        change_state(
            session,
            scope,
            txn_id,
            to_state,
            state_date,
            now,
            changed_by_id=changed_by_id,
            note=note,
        )
        for txn_id in transaction_ids
    ]

"""What the Bank reconciliation page reads: statement lines by state, and the statements.

``bank_lines`` reads the lines of one state in one statement, with the statement they
came in, the customer they were assigned or confirmed to, the payment a confirmed line
posted and who changed the line last. Lines waiting (open, set aside) come oldest
booking date first, the order they are worked in; confirmed lines newest confirmation
first, where an Undo is looked for. An agent sees the lines nobody has placed yet and
those of the customers in their scope; never a line of another agent's customer.

``statements`` lists the statements imported, newest import first, with their balances,
the difference kept when a statement that did not add up was imported anyway, and how
many of their lines still wait.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from collections_desktop.i18n import _
from collections_desktop.models.bank.matching import LineFacts
from collections_desktop.models.db.schema import (
    BankLineState,
    BankStatement,
    BankStatementLine,
    Customer,
    CustomerTransaction,
    Employee,
)
from collections_desktop.models.people.scope import AgentScope

__all__ = [
    "BankLineRow",
    "BankLineState",
    "StatementRow",
    "bank_lines",
    "line_counts",
    "line_facts",
    "statements",
]

WAITING_STATES = (BankLineState.OPEN, BankLineState.SUSPENSE)
"""The states of lines still to be placed (read oldest first)."""


@dataclass(frozen=True)
class BankLineRow:
    """A statement line as the page lists it."""

    id: uuid.UUID
    version: int
    booking_date: dt.date
    value_date: dt.date | None
    amount: Decimal  # signed: above zero money in
    currency: str
    counterparty_name: str | None
    counterparty_iban: str | None
    remittance: str | None
    creditor_reference: str | None
    end_to_end_id: str | None
    state: str
    state_note: str | None
    statement_id: uuid.UUID
    statement_label: str  # "statement 2026-47 of NL77ABNA0574908765"
    file_name: str
    customer_id: uuid.UUID | None  # assigned or confirmed to
    account: str | None
    customer_name: str | None
    payment_id: uuid.UUID | None  # the payment a confirmed line posted
    payment_document: str | None
    changed_by: str | None  # who moved the line last (None: as imported)
    changed_at: dt.datetime


@dataclass(frozen=True)
class StatementRow:
    """An imported statement, as the Statements view lists it."""

    id: uuid.UUID
    account: str
    currency: str
    number: str | None
    kind: str
    from_date: dt.date | None
    to_date: dt.date | None
    opening_balance: Decimal | None
    closing_balance: Decimal | None
    difference: Decimal | None  # kept when it was imported although it did not add up
    lines: int  # lines in the file
    new_lines: int  # lines stored (the others were known already)
    open_lines: int  # lines of it still waiting to be matched
    file_name: str
    file_format: str
    imported_at: dt.datetime
    imported_by: str | None


def statement_text(account: str, number: str | None, to_date: dt.date | None) -> str:
    """How a statement is named on screen: its number, else its last day, and its account."""
    if number:
        return _("statement {number} of {account}").format(number=number, account=account)
    if to_date is not None:
        return _("the statement of {date} of {account}").format(
            date=to_date.isoformat(), account=account
        )
    return _("the statement of {account}").format(account=account)


def bank_lines(
    session: Session,
    scope: AgentScope,
    state: str,
    *,
    limit: int | None = None,
    as_of: dt.date | None = None,
) -> list[BankLineRow]:
    """The lines in ``state`` the viewer may see (see the module docstring for the order).

    ``as_of`` is the day the scope's pools are judged on (today by default).
    """
    line, statement = BankStatementLine, BankStatement
    payment = aliased(CustomerTransaction)
    changer = aliased(Employee)
    day = as_of or dt.date.today()
    query = (
        select(
            line,
            statement.account.label("statement_account"),
            statement.statement_number,
            statement.to_date,
            statement.file_name,
            Customer.account,
            Customer.name,
            payment.document_number,
            changer.name.label("changer"),
        )
        .join(statement, statement.id == line.statement_id)
        .outerjoin(Customer, Customer.id == line.customer_id)
        .outerjoin(payment, payment.id == line.payment_id)
        .outerjoin(changer, changer.id == line.changed_by_id)
        .where(line.state == state)
        .where(or_(line.customer_id.is_(None), scope.customer_condition(day)))
    )
    if state in WAITING_STATES:
        query = query.order_by(line.booking_date, statement.account, line.position)
    else:
        query = query.order_by(
            line.updated_at.desc(), line.booking_date.desc(), line.position.desc()
        )
    if limit is not None:
        query = query.limit(limit)
    return [
        BankLineRow(
            id=r.BankStatementLine.id,
            version=r.BankStatementLine.version,
            booking_date=r.BankStatementLine.booking_date,
            value_date=r.BankStatementLine.value_date,
            amount=r.BankStatementLine.amount,
            currency=r.BankStatementLine.currency,
            counterparty_name=r.BankStatementLine.counterparty_name,
            counterparty_iban=r.BankStatementLine.counterparty_iban,
            remittance=r.BankStatementLine.remittance,
            creditor_reference=r.BankStatementLine.creditor_reference,
            end_to_end_id=r.BankStatementLine.end_to_end_id,
            state=r.BankStatementLine.state,
            state_note=r.BankStatementLine.state_note,
            statement_id=r.BankStatementLine.statement_id,
            statement_label=statement_text(r.statement_account, r.statement_number, r.to_date),
            file_name=r.file_name,
            customer_id=r.BankStatementLine.customer_id,
            account=r.account,
            customer_name=r.name,
            payment_id=r.BankStatementLine.payment_id,
            payment_document=r.document_number,
            changed_by=r.changer,
            changed_at=r.BankStatementLine.updated_at,
        )
        for r in session.execute(query)
    ]


def line_facts(rows: Iterable[BankLineRow]) -> list[LineFacts]:
    """What the matching needs of each line (``matching.match_lines``)."""
    return [
        LineFacts(
            id=row.id,
            booking_date=row.booking_date,
            amount=row.amount,
            currency=row.currency,
            counterparty_name=row.counterparty_name,
            counterparty_iban=row.counterparty_iban,
            remittance=row.remittance,
            creditor_reference=row.creditor_reference,
            end_to_end_id=row.end_to_end_id,
        )
        for row in rows
    ]


def statements(session: Session, *, limit: int | None = None) -> list[StatementRow]:
    """The imported statements, newest import first, with how many lines still wait."""
    waiting = (
        select(func.count())
        .where(
            BankStatementLine.statement_id == BankStatement.id,
            BankStatementLine.state == BankLineState.OPEN,
        )
        .correlate(BankStatement)
        .scalar_subquery()
    )
    query = (
        select(BankStatement, waiting.label("waiting"), Employee.name)
        .outerjoin(Employee, Employee.id == BankStatement.imported_by_id)
        .order_by(
            BankStatement.imported_at.desc(),
            BankStatement.account,
            BankStatement.to_date.desc(),
        )
    )
    if limit is not None:
        query = query.limit(limit)
    found = []
    for r in session.execute(query):
        s = r.BankStatement
        found.append(
            StatementRow(
                id=s.id,
                account=s.account,
                currency=s.currency,
                number=s.statement_number,
                kind=s.kind,
                from_date=s.from_date,
                to_date=s.to_date,
                opening_balance=s.opening_balance,
                closing_balance=s.closing_balance,
                difference=s.difference,
                lines=s.line_count,
                new_lines=s.new_lines,
                open_lines=r.waiting,
                file_name=s.file_name,
                file_format=s.file_format,
                imported_at=s.imported_at,
                imported_by=r.name,
            )
        )
    return found


def line_counts(session: Session, scope: AgentScope, as_of: dt.date) -> dict[str, int]:
    """How many lines the viewer sees in each state (open, suspense, confirmed)."""
    query = (
        select(BankStatementLine.state, func.count())
        .outerjoin(Customer, Customer.id == BankStatementLine.customer_id)
        .where(or_(BankStatementLine.customer_id.is_(None), scope.customer_condition(as_of)))
        .group_by(BankStatementLine.state)
    )
    return {state: count for state, count in session.execute(query)}

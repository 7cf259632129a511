"""The company: receivables parameters, currencies, the default aging definition, a summary."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, or_, select, type_coerce
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.selectable import ScalarSelect

from collections_desktop.i18n import N_, _
from collections_desktop.models.company.reference import seed_reference_data
from collections_desktop.models.db.schema import (
    AgingDefinition,
    AgingPeriod,
    Currency,
    Customer,
    CustomerTransaction,
    ReceivablesParameters,
    SettlementLine,
)
from collections_desktop.models.db.types import Money

CURRENCIES: tuple[tuple[str, str, int], ...] = (
    ("EUR", N_("Euro"), 2),
    ("USD", N_("US dollar"), 2),
    ("GBP", N_("Pound sterling"), 2),
    ("BRL", N_("Brazilian real"), 2),
    ("MXN", N_("Mexican peso"), 2),
    ("CHF", N_("Swiss franc"), 2),
    ("JPY", N_("Japanese yen"), 0),
    ("KWD", N_("Kuwaiti dinar"), 3),
)
"""Currencies a new company starts with: code, name, decimals (ISO 4217)."""

DEFAULT_AGING_PERIODS: tuple[tuple[str, int, int | None], ...] = (
    (N_("1-30 days"), 1, 30),
    (N_("31-60 days"), 31, 60),
    (N_("61-90 days"), 61, 90),
    (N_("91-120 days"), 91, 120),
    (N_("Over 120 days"), 121, None),
)


class CompanyError(ValueError):
    """The database holds no company, or already holds one."""


@dataclass(frozen=True)
class CompanySummary:
    """What the start page and the status bar say about the open company."""

    company_name: str
    accounting_currency: str
    customers: int
    on_hold: int
    open_transactions: int
    balance: Decimal
    as_of: dt.date


def create_company(session: Session, name: str, accounting_currency: str, now: dt.datetime) -> None:
    """Set up an empty database as a company: currencies, parameters, aging periods and the
    default collections set-up (``models/company/reference.py``)."""
    if session.scalar(select(func.count()).select_from(ReceivablesParameters)):
        raise CompanyError(_("This database already holds a company."))
    codes = [code for code, _name, _decimals in CURRENCIES]
    if accounting_currency not in codes:
        raise CompanyError(_("Unknown currency {code}.").format(code=accounting_currency))
    session.add_all(Currency(code=c, name=n, decimals=d) for c, n, d in CURRENCIES)
    definition = AgingDefinition(name=_("Standard"), updated_at=now)
    session.add(definition)
    session.flush()
    session.add_all(
        AgingPeriod(
            definition_id=definition.id,
            position=position,
            label=_(label),
            from_days=low,
            to_days=high,
            updated_at=now,
        )
        for position, (label, low, high) in enumerate(DEFAULT_AGING_PERIODS, start=1)
    )
    session.flush()
    session.add(
        ReceivablesParameters(
            company_name=name,
            accounting_currency=accounting_currency,
            default_aging_definition_id=definition.id,
            updated_at=now,
        )
    )
    session.flush()
    seed_reference_data(session, now)


def has_company(session: Session) -> bool:
    """Whether the database has been set up as a company."""
    return bool(session.scalar(select(func.count()).select_from(ReceivablesParameters)))


def company_summary(session: Session, as_of: dt.date) -> CompanySummary:
    """Counts and the total receivables balance on ``as_of`` (accounting currency).

    The balance is Σ posted − Σ settled on ``as_of``, read without scanning every
    settlement line: a transaction closed by then (``closed_on`` ≤ ``as_of``, kept by the
    ledger) had all its lines by then and they settle its whole amount, the closing one
    taking exactly what was left in the accounting currency, so it adds nothing to
    either figure. Only the others are read, through the ``closed_on`` index, with their
    lines through the (transaction, date) index (tests/unit/test_company_summary.py
    holds it equal to the sums over every row).
    """
    params = _parameters(session)
    customers, on_hold = _customer_counts(session)
    not_closed = or_(CustomerTransaction.closed_on.is_(None), CustomerTransaction.closed_on > as_of)
    unclosed = (
        select(
            CustomerTransaction.amount.label("amount"),
            CustomerTransaction.amount_accounting.label("accounting"),
            _settled_on(as_of, SettlementLine.amount).label("settled"),
            _settled_on(as_of, SettlementLine.amount_accounting).label("settled_accounting"),
        )
        .where(not_closed, CustomerTransaction.posting_date <= as_of)
        .subquery()
    )
    open_count, balance = session.execute(
        select(
            func.count().filter(unclosed.c.amount != unclosed.c.settled),
            type_coerce(
                func.coalesce(func.sum(unclosed.c.accounting - unclosed.c.settled_accounting), 0),
                Money(),
            ),
        )
    ).one()
    return CompanySummary(
        company_name=params.company_name,
        accounting_currency=params.accounting_currency,
        customers=customers,
        on_hold=on_hold,
        open_transactions=open_count or 0,
        balance=Decimal(balance or 0),
        as_of=as_of,
    )


def _settled_on(as_of: dt.date, column: InstrumentedAttribute[Decimal]) -> ScalarSelect[Decimal]:
    """Correlated sum of a transaction's settlement lines dated on or before ``as_of``."""
    return (
        select(func.coalesce(func.sum(column), 0))
        .where(
            SettlementLine.transaction_id == CustomerTransaction.id,
            SettlementLine.settlement_date <= as_of,
        )
        .correlate(CustomerTransaction)
        .scalar_subquery()
    )


def _parameters(session: Session) -> ReceivablesParameters:
    params = session.scalars(select(ReceivablesParameters).limit(1)).first()
    if params is None:
        raise CompanyError(_("This database holds no company yet."))
    return params


def _customer_counts(session: Session) -> tuple[int, int]:
    """Customers not deleted, and how many of them are on hold (one pass)."""
    customers, on_hold = session.execute(
        select(
            func.count(),
            func.count().filter(Customer.account_status == "on_hold"),
        )
        .select_from(Customer)
        .where(Customer.deleted_at.is_(None))
    ).one()
    return customers or 0, on_hold or 0

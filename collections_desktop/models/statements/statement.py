"""A customer's account statement for a period, read for one customer or thousands at once.

The statement is in the accounting currency, the currency of the ledger's balance and of
the aging (a document in another currency shows its own amount beside it):

- the **opening balance** is the ledger's balance on the day before the period
  (``ledger.balances``: what was posted by then less the settlement lines dated by then,
  so a settlement back-dated into an earlier period is counted where its date puts it);
- the **movements** are every transaction posted in the period (invoices, payments,
  credit notes, interest notes, fees, write-offs, reversals such as an NSF return), and,
  for a settlement in the period whose lines do not sum to zero in the accounting
  currency (two exchange rates met), that difference, on the settlement's date;
- the **closing balance** is the opening balance plus the movements, which is exactly the
  ledger's balance at the end: ``balance(D) = Σ posted ≤ D − Σ lines ≤ D``, and a
  settlement's lines in the period add nothing but their exchange difference;
- the **aging** is that of the items open at the end, spread over the columns of the
  customer's definition (the first of the scope's pools that holds the customer and has
  one, else the company default), as ``aging.age_customer`` would; its columns sum to the
  closing balance.

Everything the customer reads (descriptions, the aging's labels, the country) is in the
customer's language (``letters.render.letter_language``). ``read_statements`` reads many
customers in a few statements per 500 customers, whatever the number of movements.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from babel import Locale, UnknownLocaleError
from sqlalchemy import ColumnElement, and_, func, or_, select, type_coerce
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from collections_desktop.i18n import _, translate_into, translations_for
from collections_desktop.kernel.money import ZERO
from collections_desktop.models.aging.definitions import (
    CURRENT,
    UNAPPLIED,
    CustomerAging,
    Definition,
    age_items,
    load_definition,
    load_definition_row,
)
from collections_desktop.models.db.schema import (
    AddressPurpose,
    Customer,
    CustomerAddress,
    CustomerPool,
    CustomerTransaction,
    InterestNoteLine,
    ReceivablesParameters,
    Settlement,
    SettlementLine,
    TransactionType,
)
from collections_desktop.models.db.types import Money
from collections_desktop.models.ledger.balances import OpenItem, balances_by_customer
from collections_desktop.models.ledger.books import chunks
from collections_desktop.models.letters.render import letter_language
from collections_desktop.models.people.pools import PoolCriteria, customer_condition
from collections_desktop.models.people.scope import AgentScope
from collections_desktop.models.screens.customer_card import TRANSACTION_TYPE_NAMES, check_customer
from collections_desktop.models.statements.period import StatementError, StatementPeriod
from collections_desktop.models.texts.business import company_language

EXCHANGE_DIFFERENCE = "exchange_difference"
"""The kind of a movement that is no transaction: a settlement's exchange difference."""


@dataclass(frozen=True)
class Movement:
    """One line of the statement: a transaction posted in the period (or a settlement's
    exchange difference), in the accounting currency, with the balance after it."""

    date: dt.date
    kind: str  # a TransactionType, or EXCHANGE_DIFFERENCE
    document_number: str
    description: str  # in the statement's language
    debit: Decimal  # what the customer owes more (>= 0)
    credit: Decimal  # what the customer owes less (>= 0)
    balance: Decimal  # the running balance after this line
    due_date: dt.date | None  # a debit's; None for credits and differences
    currency: str  # the document's own currency
    amount: Decimal  # in that currency, signed (debits positive)


@dataclass(frozen=True)
class StatementAging:
    """The aging of what is open at the end: labels in the statement's language."""

    definition_name: str
    labels: tuple[str, ...]  # Current, the periods, Unapplied
    columns: tuple[Decimal, ...]  # in the order of ``labels``

    @property
    def total(self) -> Decimal:
        """The sum of the columns: the closing balance."""
        return sum(self.columns, ZERO)


@dataclass(frozen=True)
class Statement:
    """A customer's account statement for a period; amounts in ``currency`` (accounting)."""

    customer_id: uuid.UUID
    account: str
    customer_name: str
    address_lines: tuple[str, ...]
    language: str  # the customer's, when we write in it; else the company's
    company_name: str
    currency: str
    period: StatementPeriod
    opening_balance: Decimal
    movements: tuple[Movement, ...]
    aging: StatementAging

    @property
    def total_debit(self) -> Decimal:
        """The sum of the period's debits."""
        return sum((m.debit for m in self.movements), ZERO)

    @property
    def total_credit(self) -> Decimal:
        """The sum of the period's credits."""
        return sum((m.credit for m in self.movements), ZERO)

    @property
    def closing_balance(self) -> Decimal:
        """Opening balance plus debits minus credits: the ledger's balance at the end."""
        return self.opening_balance + self.total_debit - self.total_credit


# --- the public readers --------------------------------------------------------------------


def statement(
    session: Session,
    scope: AgentScope,
    customer_id: uuid.UUID,
    period: StatementPeriod,
    *,
    seen_on: dt.date | None = None,
) -> Statement:
    """The statement of one customer the scope sees on ``seen_on`` (default: the period's
    end); ``ScopeError`` for a customer outside it, and nothing is read about them."""
    check_customer(session, scope, customer_id, seen_on or period.end)
    return read_statements(session, [customer_id], period)[0]


def statement_customers(
    session: Session,
    scope: AgentScope,
    period_end: dt.date,
    *,
    pool_id: uuid.UUID | None = None,
    account: str | None = None,
) -> list[uuid.UUID]:
    """The customers the scope sees (in ``pool_id`` if given) with an open balance on
    ``period_end``, by account; ``account`` keeps only that customer, and is refused
    when the scope does not see it."""
    condition: ColumnElement[bool] = and_(
        Customer.deleted_at.is_(None), scope.customer_condition(period_end, pool_id)
    )
    if account is not None:
        found = session.scalar(
            select(Customer.id).where(Customer.account == account, Customer.deleted_at.is_(None))
        )
        if found is None:
            raise StatementError(_("There is no customer {account}.").format(account=account))
        check_customer(session, scope, found, period_end)
        condition = and_(condition, Customer.id == found)
    balances = balances_by_customer(period_end, condition)
    return list(
        session.scalars(
            select(Customer.id)
            .join(balances, balances.c.customer_id == Customer.id)
            .where(balances.c.balance != 0)
            .order_by(Customer.account)
        )
    )


def read_statements(
    session: Session, customer_ids: Sequence[uuid.UUID], period: StatementPeriod
) -> list[Statement]:
    """The statements of ``customer_ids`` (in that order) for ``period``, with no scope
    check (the callers choose the customers through one): six statements per 500
    customers, plus one per pool that has its own aging definition."""
    ids = list(dict.fromkeys(customer_ids))
    if not ids:
        return []
    company = session.execute(
        select(ReceivablesParameters.company_name, ReceivablesParameters.accounting_currency).where(
            ReceivablesParameters.deleted_at.is_(None)
        )
    ).one()
    own_language = company_language(session)
    definitions = _Definitions(session, period.end)
    found: dict[uuid.UUID, Statement] = {}
    for chunk in chunks(ids):
        people = _customers(session, chunk)
        opening = _balances(session, chunk, period.opening_date)
        lines = _movement_rows(session, chunk, period)
        items = _open_items(session, chunk, period.end)
        chosen = definitions.of(chunk)
        for customer_id in chunk:
            person = people.get(customer_id)
            if person is None:
                continue  # no such customer (or deleted): nothing to state
            language = letter_language(person.language, own_language)
            definition = definitions.definition(chosen[customer_id], language)
            aging = age_items(items.get(customer_id, []), period.end, definition)
            found[customer_id] = Statement(
                customer_id=customer_id,
                account=person.account,
                customer_name=person.name,
                address_lines=_address_lines(person, language),
                language=language,
                company_name=company.company_name,
                currency=company.accounting_currency,
                period=period,
                opening_balance=opening.get(customer_id, ZERO),
                movements=_movements(lines.get(customer_id, []), opening.get(customer_id, ZERO),
                                     language),
                aging=_statement_aging(definition, aging, language),
            )  # fmt: skip
    return [found[customer_id] for customer_id in ids if customer_id in found]


# --- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Person:
    account: str
    name: str
    language: str | None
    street: str | None
    city: str | None
    postal_code: str | None
    country: str | None


def _customers(session: Session, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, _Person]:
    """Name, language and address of each customer: the primary statement address when
    the customer has one, else the customer's own (business) address."""
    people = {
        row.id: _Person(row.account, row.name, row.language, row.street, row.city,
                        row.postal_code, row.country)
        for row in session.execute(
            select(Customer.id, Customer.account, Customer.name, Customer.language,
                   Customer.street, Customer.city, Customer.postal_code, Customer.country)
            .where(Customer.id.in_(ids), Customer.deleted_at.is_(None))
        )
    }  # fmt: skip
    a = CustomerAddress
    statement_addresses = session.execute(
        select(a.customer_id, a.street, a.city, a.postal_code, a.country)
        .where(
            a.customer_id.in_(ids),
            a.purpose == AddressPurpose.STATEMENT,
            a.deleted_at.is_(None),
        )
        .order_by(a.customer_id, a.is_primary.desc(), a.id)
    )
    seen: set[uuid.UUID] = set()
    for row in statement_addresses:
        person = people.get(row.customer_id)
        if person is None or row.customer_id in seen:
            continue
        seen.add(row.customer_id)
        people[row.customer_id] = _Person(
            person.account, person.name, person.language, row.street, row.city,
            row.postal_code, row.country,
        )  # fmt: skip
    return people


def _address_lines(person: _Person, language: str) -> tuple[str, ...]:
    """Street, postal code and city, and the country named in ``language``."""
    city = " ".join(part for part in (person.postal_code, person.city) if part)
    country = person.country
    if country:
        with contextlib.suppress(ValueError, TypeError, UnknownLocaleError):
            country = Locale.parse(language or "en").territories.get(country, country)
    return tuple(part for part in (person.street, city, country) if part)


def _balances(
    session: Session, ids: Sequence[uuid.UUID], as_of: dt.date
) -> dict[uuid.UUID, Decimal]:
    """Each customer's ledger balance on ``as_of`` (absent: zero)."""
    balances = balances_by_customer(as_of, Customer.id.in_(ids))
    return {
        row.customer_id: row.balance
        for row in session.execute(select(balances.c.customer_id, balances.c.balance))
    }


@dataclass(frozen=True)
class _Line:
    date: dt.date
    rank: int  # transactions before exchange differences on one date
    order: str  # the voucher (posting order) or the settlement's number
    kind: str
    document_number: str
    amount_accounting: Decimal  # signed: debits positive
    currency: str
    amount: Decimal
    due_date: dt.date | None
    reverses_document: str | None
    reverses_type: str | None
    interest_on: str | None


def _movement_rows(
    session: Session, ids: Sequence[uuid.UUID], period: StatementPeriod
) -> dict[uuid.UUID, list[_Line]]:
    """The period's transactions and settlement differences of each customer, in order."""
    t = CustomerTransaction
    original = aliased(CustomerTransaction)
    invoice = aliased(CustomerTransaction)
    found: dict[uuid.UUID, list[_Line]] = defaultdict(list)
    query = (
        select(
            t.customer_id, t.posting_date, t.voucher, t.type, t.document_number,
            t.amount_accounting, t.currency, t.amount, t.due_date,
            original.document_number.label("reverses_document"),
            original.type.label("reverses_type"),
            invoice.document_number.label("interest_on"),
        )
        .outerjoin(original, original.id == t.reverses_transaction_id)
        .outerjoin(InterestNoteLine, InterestNoteLine.interest_transaction_id == t.id)
        .outerjoin(invoice, invoice.id == InterestNoteLine.invoice_id)
        .where(t.customer_id.in_(ids), t.posting_date >= period.start,
               t.posting_date <= period.end)
    )  # fmt: skip
    for row in session.execute(query):
        debit = row.amount > ZERO
        found[row.customer_id].append(
            _Line(
                row.posting_date,
                0,
                row.voucher,
                row.type,
                row.document_number,
                row.amount_accounting,
                row.currency,
                row.amount,
                row.due_date if debit else None,
                row.reverses_document,
                row.reverses_type,
                row.interest_on,
            )
        )
    difference = type_coerce(func.sum(SettlementLine.amount_accounting), Money())
    differences = (
        select(
            Settlement.customer_id,
            Settlement.settlement_date,
            Settlement.number,
            difference.label("difference"),
        )
        .join(SettlementLine, SettlementLine.settlement_id == Settlement.id)
        .where(
            Settlement.customer_id.in_(ids),
            Settlement.settlement_date >= period.start,
            Settlement.settlement_date <= period.end,
        )
        .group_by(Settlement.customer_id, Settlement.id, Settlement.settlement_date,
                  Settlement.number)
        .having(func.sum(SettlementLine.amount_accounting) != 0)
    )  # fmt: skip
    for difference_row in session.execute(differences):
        # The lines took ``difference`` off the balance more than they put back on it.
        found[difference_row.customer_id].append(
            _Line(
                difference_row.settlement_date,
                1,
                difference_row.number,
                EXCHANGE_DIFFERENCE,
                difference_row.number,
                -difference_row.difference,
                "",
                ZERO,
                None,
                None,
                None,
                None,
            )
        )
    for lines in found.values():
        lines.sort(key=lambda line: (line.date, line.rank, line.order))
    return found


def _settled_by(as_of: dt.date, column: InstrumentedAttribute[Decimal]) -> ColumnElement[Decimal]:
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


def _open_items(
    session: Session, ids: Sequence[uuid.UUID], as_of: dt.date
) -> dict[uuid.UUID, list[OpenItem]]:
    """Each customer's items open on ``as_of``, as ``ledger.balances.open_items`` reads
    them for one customer (oldest due date first)."""
    t = CustomerTransaction
    open_amount = type_coerce(t.amount - _settled_by(as_of, SettlementLine.amount), Money())
    open_accounting = type_coerce(
        t.amount_accounting - _settled_by(as_of, SettlementLine.amount_accounting), Money()
    )
    query = (
        select(
            t.customer_id, t.id, t.voucher, t.document_number, t.type, t.posting_date,
            t.document_date, t.due_date, t.currency, t.amount, open_amount.label("open_amount"),
            t.amount_accounting, open_accounting.label("open_amount_accounting"),
            t.collection_status,
        )
        .where(
            t.customer_id.in_(ids),
            t.posting_date <= as_of,
            or_(t.closed_on.is_(None), t.closed_on > as_of),
        )
        .order_by(t.customer_id, t.due_date, t.voucher)
    )  # fmt: skip
    found: dict[uuid.UUID, list[OpenItem]] = defaultdict(list)
    for row in session.execute(query):
        if row.open_amount != ZERO:
            found[row.customer_id].append(
                OpenItem(
                    row.id,
                    row.voucher,
                    row.document_number,
                    row.type,
                    row.posting_date,
                    row.document_date,
                    row.due_date,
                    row.currency,
                    row.amount,
                    row.open_amount,
                    row.amount_accounting,
                    row.open_amount_accounting,
                    row.collection_status,
                )
            )
    return found


class _Definitions:
    """Which aging definition applies to each customer, and its labels in a language."""

    def __init__(self, session: Session, as_of: dt.date) -> None:
        self._session = session
        self._as_of = as_of
        self._default_id = load_definition_row(session)[0]
        self._pools: list[tuple[PoolCriteria, uuid.UUID]] = [
            (PoolCriteria.from_json(row.criteria), row.aging_definition_id)
            for row in session.execute(
                select(CustomerPool.criteria, CustomerPool.aging_definition_id)
                .where(
                    CustomerPool.deleted_at.is_(None),
                    CustomerPool.aging_definition_id.is_not(None),
                )
                .order_by(CustomerPool.name)
            )
        ]
        self._loaded: dict[tuple[uuid.UUID, str], Definition] = {}

    def of(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
        """The definition of each customer: the first pool's (by name) that holds the
        customer and has one, else the company default."""
        chosen: dict[uuid.UUID, uuid.UUID] = {}
        for criteria, definition_id in self._pools:
            left = [i for i in ids if i not in chosen]
            if not left:
                break
            held = self._session.scalars(
                select(Customer.id).where(
                    Customer.id.in_(left), customer_condition(criteria, self._as_of)
                )
            )
            for customer_id in held:
                chosen[customer_id] = definition_id
        return {i: chosen.get(i, self._default_id) for i in ids}

    def definition(self, definition_id: uuid.UUID, language: str) -> Definition:
        """The definition with its period labels in ``language``."""
        key = (definition_id, language)
        if key not in self._loaded:
            self._loaded[key] = load_definition(self._session, definition_id, language=language)
        return self._loaded[key]


# --- wording ----------------------------------------------------------------------------------


def _statement_aging(definition: Definition, aging: CustomerAging, language: str) -> StatementAging:
    labels = (
        translate_into(language, CURRENT),
        *(period.label for period in definition.periods),
        translate_into(language, UNAPPLIED),
    )
    return StatementAging(definition.name, labels, aging.columns)


def _movements(lines: Iterable[_Line], opening: Decimal, language: str) -> tuple[Movement, ...]:
    running = opening
    movements = []
    for line in lines:
        running += line.amount_accounting
        movements.append(
            Movement(
                date=line.date,
                kind=line.kind,
                document_number=line.document_number,
                description=_describe(line, language),
                debit=line.amount_accounting if line.amount_accounting > ZERO else ZERO,
                credit=-line.amount_accounting if line.amount_accounting < ZERO else ZERO,
                balance=running,
                due_date=line.due_date,
                currency=line.currency,
                amount=line.amount,
            )
        )
    return tuple(movements)


def _describe(line: _Line, language: str) -> str:
    """What a movement is, in words for the customer, in ``language``: the kind of
    document, what a reversal undoes (a returned payment is said so), and what invoice
    an interest note charges for."""
    words = translations_for(language)
    if line.kind == EXCHANGE_DIFFERENCE:
        return words.gettext("Exchange difference on settlement")
    if line.kind == TransactionType.REVERSAL and line.reverses_document:
        if line.reverses_type == TransactionType.PAYMENT:
            return words.gettext("Returned payment {document}").format(
                document=line.reverses_document
            )
        return words.gettext("Reversal of {document}").format(document=line.reverses_document)
    if line.kind == TransactionType.INTEREST_NOTE and line.interest_on:
        return words.gettext("Interest on invoice {document}").format(document=line.interest_on)
    name = TRANSACTION_TYPE_NAMES.get(line.kind)
    return words.gettext(name) if name else line.kind


_UNSAFE = re.compile(r"[^\w.-]+")


def file_name(statement: Statement, suffix: str) -> str:
    """The statement's file name: the account and the period, ``C-000003-2026-11.pdf``
    (characters a file name cannot hold become ``_``)."""
    account = _UNSAFE.sub("_", statement.account).strip("._") or "customer"
    return f"{account}-{statement.period.name}.{suffix}"

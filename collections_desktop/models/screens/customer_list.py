"""The Customers page (the customer explorer): every customer in the viewer's scope with
today's balance, what is past due and how late, and the last action taken.

One statement joins the customers of the scope to their open figures
(``ledger.balances.open_figures_by_customer``: exact sums of the open items), their last
contact (``casework.last_contacts``, the rule the Workspace's recent contacts follow) and
their responsible employee; every filter (pool, group, status, country, debt older than
N days, without action since a day or never, a minimum balance, a text) is a condition of
the same statement, so a list of 100,000 customers is one read, never a query per row.
The reports *Customer register* and *Customers without action* are this list.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, and_, func, literal, or_, select, type_coerce
from sqlalchemy.orm import Session, aliased

from collections_desktop.kernel.money import ZERO
from collections_desktop.models.casework.last_contacts import LastContactJoin
from collections_desktop.models.db.schema import Customer, Employee
from collections_desktop.models.db.types import Money
from collections_desktop.models.ledger.balances import open_figures_by_customer
from collections_desktop.models.people.scope import AgentScope


@dataclass(frozen=True)
class CustomerListRow:
    """One customer as the Customers page lists it (amounts in the accounting currency).

    ``past_due`` is what is open of the debits due before the day, ``oldest_past_due_days``
    how many days the oldest of them is late (None: nothing past due). The last action is
    the customer's newest contact by the day (``casework.last_contacts``): its day, its
    end for an activity (None for a letter), who (the activity's responsible employee or
    the letter's creator) and what (``ContactKind``); all None when never contacted.
    """

    customer_id: uuid.UUID
    account: str
    name: str
    customer_group: str | None
    country: str | None
    balance: Decimal
    credit_limit: Decimal | None
    account_status: str
    responsible_name: str | None
    past_due: Decimal = ZERO
    oldest_past_due_days: int | None = None
    last_action_on: dt.date | None = None
    last_action_at: dt.datetime | None = None
    last_action_by: str | None = None
    last_action_kind: str | None = None
    last_action_number: str | None = None


@dataclass(frozen=True)
class CustomerFilters:
    """What the Customers page narrows the list by; every filter set is combined (AND).

    ``older_than_days``: customers with a past-due item at least that many days late.
    ``without_action_since``: customers with no contact on or after that day (never
    contacted included); ``never_contacted``: customers with no contact at all.
    ``min_balance``: a balance of at least that amount. ``text``: the account or the
    name contains it (case ignored: ASCII letters on SQLite, every letter on PostgreSQL).
    """

    pool_id: uuid.UUID | None = None
    customer_group: str | None = None
    account_status: str | None = None
    country: str | None = None
    older_than_days: int | None = None
    without_action_since: dt.date | None = None
    never_contacted: bool = False
    min_balance: Decimal | None = None
    text: str = ""


@dataclass(frozen=True)
class CustomerFilterChoices:
    """The customer groups and countries the scope's customers have (for the filters)."""

    groups: tuple[str, ...]
    countries: tuple[str, ...]


def list_customers(
    session: Session,
    scope: AgentScope,
    as_of: dt.date,
    *,
    pool_id: uuid.UUID | None = None,
    customer_group: str | None = None,
    account_status: str | None = None,
    country: str | None = None,
    limit: int | None = None,
    filters: CustomerFilters | None = None,
) -> list[CustomerListRow]:
    """The scope's customers (in ``pool_id`` when given) matching the filters, by account.

    ``filters`` holds every filter; the keywords before it are the older spelling of its
    first four (and are combined with it).
    """
    chosen_filters = filters or CustomerFilters()
    if pool_id is not None:
        chosen_filters = replace(chosen_filters, pool_id=pool_id)
    if customer_group is not None:
        chosen_filters = replace(chosen_filters, customer_group=customer_group)
    if account_status is not None:
        chosen_filters = replace(chosen_filters, account_status=account_status)
    if country is not None:
        chosen_filters = replace(chosen_filters, country=country)
    query = customer_list_query(scope, as_of, chosen_filters)
    if limit is not None:
        query = query.limit(limit)
    return [
        CustomerListRow(
            customer_id=row[0],
            account=row[1],
            name=row[2],
            customer_group=row[3],
            country=row[4],
            balance=row[5] if row[5] is not None else ZERO,
            credit_limit=row[6],
            account_status=row[7],
            responsible_name=row[8],
            past_due=row[9] if row[9] is not None else ZERO,
            oldest_past_due_days=(as_of - row[10]).days if row[10] is not None else None,
            last_action_on=row[11],
            last_action_at=row[12],
            last_action_by=row[13],
            last_action_kind=row[14],
            last_action_number=row[15],
        )
        # Core rows, not the ORM's: a list of 100,000 customers spends a second less.
        for row in session.connection().execute(query)
    ]


def customer_list_query(
    scope: AgentScope, as_of: dt.date, filters: CustomerFilters
) -> Select[*tuple[Any, ...]]:
    """The one statement behind ``list_customers``: the scope's customers joined to their
    open figures (``ledger.balances.open_figures_by_customer``), their last contact
    (``casework.last_contacts.LastContactJoin``) and their responsible employee, every
    filter a condition of it, by account."""
    conditions = [scope.customer_condition(as_of, filters.pool_id)]
    if filters.customer_group is not None:
        conditions.append(Customer.customer_group == filters.customer_group)
    if filters.account_status is not None:
        conditions.append(Customer.account_status == filters.account_status)
    if filters.country is not None:
        conditions.append(Customer.country == filters.country)
    if text := filters.text.strip().lower():
        conditions.append(
            or_(
                func.lower(Customer.account).contains(text, autoescape=True),
                func.lower(Customer.name).contains(text, autoescape=True),
            )
        )
    chosen = and_(*conditions)
    # The filters go into the aggregates too: only the chosen customers' rows are read.
    figures = open_figures_by_customer(as_of, chosen)
    contact = LastContactJoin(as_of, Customer.id)
    responsible = aliased(Employee)
    actor = aliased(Employee)
    outer = [Customer.deleted_at.is_(None), chosen]
    if filters.older_than_days is not None:
        outer.append(
            figures.c.oldest_past_due <= as_of - dt.timedelta(days=filters.older_than_days)
        )
    if filters.min_balance is not None:
        outer.append(func.coalesce(figures.c.balance, 0) >= literal(filters.min_balance, Money()))
    if filters.never_contacted:
        outer.append(contact.contact_on.is_(None))
    if filters.without_action_since is not None:
        outer.append(
            or_(
                contact.contact_on.is_(None),
                contact.contact_on < filters.without_action_since,
            )
        )
    query = (
        select(
            Customer.id,
            Customer.account,
            Customer.name,
            Customer.customer_group,
            Customer.country,
            type_coerce(func.coalesce(figures.c.balance, 0), Money()),
            Customer.credit_limit,
            Customer.account_status,
            responsible.name,
            type_coerce(func.coalesce(figures.c.past_due, 0), Money()),
            figures.c.oldest_past_due,
            contact.contact_on,
            contact.contact_at,
            actor.name,
            contact.kind,
            contact.number,
        )
        .select_from(Customer)
        .outerjoin(figures, figures.c.customer_id == Customer.id)
        .outerjoin(responsible, responsible.id == Customer.responsible_employee_id)
    )
    return (
        contact.join(query)
        .outerjoin(actor, actor.id == contact.employee_id)
        .where(*outer)
        .order_by(Customer.account)
    )


def customer_filter_choices(
    session: Session, scope: AgentScope, as_of: dt.date
) -> CustomerFilterChoices:
    """Every customer group and country of the scope's customers, sorted."""
    in_scope = (Customer.deleted_at.is_(None), scope.customer_condition(as_of))
    groups = session.scalars(
        select(Customer.customer_group)
        .where(*in_scope, Customer.customer_group.is_not(None))
        .distinct()
        .order_by(Customer.customer_group)
    ).all()
    countries = session.scalars(
        select(Customer.country)
        .where(*in_scope, Customer.country.is_not(None))
        .distinct()
        .order_by(Customer.country)
    ).all()
    return CustomerFilterChoices(
        tuple(g for g in groups if g is not None), tuple(c for c in countries if c is not None)
    )

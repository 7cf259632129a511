"""People and customers: employees, pools, collections agents and their pools, customers
and their contacts.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    ForeignKey,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from collections_desktop.models.db.schema.base import Base, Mutable, primary_id
from collections_desktop.models.db.schema.enums import (
    AccountStatus,
    AddressPurpose,
)


class Employee(Mutable, Base):
    """A person of the company; a user of the app when ``user_name`` is set."""

    __tablename__ = "employees"
    id: Mapped[uuid.UUID] = primary_id()
    number: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str]
    email: Mapped[str | None]
    phone: Mapped[str | None] = mapped_column(String(50))
    user_name: Mapped[str | None] = mapped_column(String(100), unique=True)
    # An administrator may change the company's set-up (pools, agents, users, parameters).
    is_administrator: Mapped[bool] = mapped_column(Boolean, default=False)


class CustomerPool(Mutable, Base):
    """A saved set of criteria that selects the customers an agent works."""

    __tablename__ = "customer_pools"
    id: Mapped[uuid.UUID] = primary_id()
    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    criteria: Mapped[str] = mapped_column(Text, default="{}")  # JSON, see models/people/pools.py
    aging_definition_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("aging_definitions.id")
    )


class CollectionsAgent(Mutable, Base):
    """An employee who works customer pools."""

    __tablename__ = "collections_agents"
    id: Mapped[uuid.UUID] = primary_id()
    employee_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("employees.id"), unique=True)
    default_pool_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("customer_pools.id"))
    may_view_all_pools: Mapped[bool] = mapped_column(Boolean, default=False)


class AgentPool(Mutable, Base):
    """An agent's membership of a pool."""

    __tablename__ = "agent_pools"
    id: Mapped[uuid.UUID] = primary_id()
    agent_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("collections_agents.id"), index=True)
    pool_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customer_pools.id"))


class Customer(Mutable, Base):
    """A customer account."""

    __tablename__ = "customers"
    id: Mapped[uuid.UUID] = primary_id()
    account: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    customer_group: Mapped[str | None] = mapped_column(String(30))
    credit_group: Mapped[str | None] = mapped_column(String(30))
    credit_limit: Mapped[Decimal | None]
    account_status: Mapped[str] = mapped_column(String(20), default=AccountStatus.ACTIVE)
    currency: Mapped[str] = mapped_column(ForeignKey("currencies.code"))
    language: Mapped[str] = mapped_column(String(10), default="en")
    street: Mapped[str | None]
    city: Mapped[str | None] = mapped_column(String(100))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(2))
    phone: Mapped[str | None] = mapped_column(String(50))
    email: Mapped[str | None]
    responsible_employee_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("employees.id"))
    # Indexed: a deferred foreign key is checked at commit by looking up the referring rows.
    primary_contact_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("contacts.id", use_alter=True, deferrable=True, initially="DEFERRED"),
        index=True,
    )
    collections_contact_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("contacts.id", use_alter=True, deferrable=True, initially="DEFERRED"),
        index=True,
    )
    posting_profile: Mapped[str] = mapped_column(String(30), default="GEN")
    interest_code: Mapped[str | None] = mapped_column(String(30))
    letter_sequence: Mapped[str | None] = mapped_column(String(30))
    # No collection letters are made for the customer before this date, for this reason.
    letter_block_until: Mapped[dt.date | None]
    letter_block_reason: Mapped[str | None]


class Contact(Mutable, Base):
    """A person at a customer."""

    __tablename__ = "contacts"
    id: Mapped[uuid.UUID] = primary_id()
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"), index=True)
    name: Mapped[str]
    job_title: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str | None]
    phone: Mapped[str | None] = mapped_column(String(50))
    language: Mapped[str | None] = mapped_column(String(10))
    role: Mapped[str | None] = mapped_column(String(20))  # ContactRole


class CustomerAddress(Mutable, Base):
    """An address of a customer and what it is used for (invoices, statements, deliveries)."""

    __tablename__ = "customer_addresses"
    id: Mapped[uuid.UUID] = primary_id()
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(20), default=AddressPurpose.BUSINESS)
    street: Mapped[str | None]
    city: Mapped[str | None] = mapped_column(String(100))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(2))
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)

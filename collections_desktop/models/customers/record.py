"""Read a customer's record whole and save what the user changed in it.

The record is the customer row with its addresses (``customer_addresses``), contacts and
the IBANs the customer pays from (``customer_bank_accounts``);
it is read at one ``version`` of the customer and saved over that version only
(``db.editing.update_versioned``): saving always bumps the customer's version, so an
edit of the addresses or contacts over a stale copy is refused like one of the credit
limit. Everything is checked before anything is written, and each refusal names the
field (and the line) to correct. Every changed field leaves one ``CustomerChange`` row
(old and new value as text, who, when) in the same transaction: the credit limit's
history is read from there.

The collections contact is the contact the customer row points to
(``Customer.collections_contact_id``: the Workspace and the letters use it); a contact's
``role`` says what else they do. The primary business address is also kept in the
customer's own address columns, which the Workspace, the pools (by country) and the
lists read. On an offline replica the capture triggers record each changed column of
each row, so these edits sync field by field like any other.

The IBANs are the bank reconciliation's surest clue to who paid: it learns one each time
a statement line from it is confirmed (source "statement"), and the user adds or removes
them here (source "entered"). Because the reconciliation learns IBANs without touching
the customer's version, a save removes only the IBANs the form marks removed, never one
it did not show. An IBAN may belong to two customers (a parent paying for its
subsidiary); the record names the other customers so the user knows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import case, select
from sqlalchemy.orm import Session, aliased

from collections_desktop.i18n import _
from collections_desktop.models.bank.iban import IbanError, check_iban, format_iban, normal_iban
from collections_desktop.models.billing.recurring import (
    RecurringBilling,
    RecurringLine,
    check_recurring_lines,
    read_recurring,
    save_recurring_lines,
    tax_code_choices,
)
from collections_desktop.models.db.changes import note_customers
from collections_desktop.models.db.editing import update_versioned
from collections_desktop.models.db.schema import (
    AccountStatus,
    AddressPurpose,
    Contact,
    ContactRole,
    Customer,
    CustomerAddress,
    CustomerBankAccount,
    CustomerChange,
    CustomerPool,
    Employee,
)
from collections_desktop.models.db.types import new_id
from collections_desktop.models.people.pools import PoolCriteria, customer_condition
from collections_desktop.models.people.scope import AgentScope, ScopeError
from collections_desktop.models.texts.business import LANGUAGES

NAME_LENGTH = 200
GROUP_LENGTH = 30
CITY_LENGTH = 100
POSTAL_CODE_LENGTH = 20
PHONE_LENGTH = 50
CREDIT_LIMIT_PLACES = 2

EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
"""Something, an at sign, a domain with a dot: the shape of an e-mail address."""
PHONE_SHAPE = re.compile(r"^\+?[0-9 ()./-]+$")
COUNTRY_SHAPE = re.compile(r"^[A-Z]{2}$")

IBAN_SOURCES = ("entered", "statement")
"""Typed in the record, or learned when a bank statement line from it was confirmed."""

ACCOUNT_STATUSES = tuple(status.value for status in AccountStatus)
CONTACT_ROLES = tuple(role.value for role in ContactRole)
ADDRESS_PURPOSES = tuple(purpose.value for purpose in AddressPurpose)


class RecordError(ValueError):
    """A value of the record cannot be saved; the message names the field."""


@dataclass(frozen=True)
class AddressLine:
    """One address; ``id`` None for an address not saved yet."""

    purpose: str
    street: str | None = None
    city: str | None = None
    postal_code: str | None = None
    country: str | None = None
    is_primary: bool = False
    id: uuid.UUID | None = None


@dataclass(frozen=True)
class ContactLine:
    """One contact person; ``id`` None for a contact not saved yet."""

    name: str
    role: str | None = None
    email: str | None = None
    phone: str | None = None
    language: str | None = None
    is_collections: bool = False
    id: uuid.UUID | None = None


@dataclass(frozen=True)
class BankAccountLine:
    """An IBAN the customer pays from; ``id`` None for one not saved yet.

    A saved line marked ``removed`` is tombstoned on save; a saved IBAN missing from
    the lines is left as it is (the reconciliation may have learned it meanwhile).
    """

    iban: str
    source: str = "entered"
    id: uuid.UUID | None = None
    removed: bool = False


@dataclass(frozen=True)
class RecordChanges:
    """The record's editable fields as a form leaves them: only what differs is written."""

    name: str
    customer_group: str | None
    language: str
    responsible_employee_id: uuid.UUID | None
    credit_limit: Decimal | None
    credit_group: str | None
    account_status: str
    addresses: tuple[AddressLine, ...]
    contacts: tuple[ContactLine, ...]
    recurring: tuple[RecurringLine, ...] | None = None
    """The recurring billing lines (``models.billing.recurring``); None: left as they are."""
    bank_accounts: tuple[BankAccountLine, ...] | None = None
    """The IBANs the customer pays from; None: left as they are."""


@dataclass(frozen=True)
class ChangeRow:
    """One changed field in the history (newest first)."""

    changed_at: dt.datetime
    changed_by: str | None
    field: str
    old_value: str | None
    new_value: str | None


@dataclass(frozen=True)
class EmployeeChoice:
    """An employee who may be made responsible for the customer."""

    id: uuid.UUID
    name: str


@dataclass(frozen=True)
class CustomerRecord:
    """A customer's record at ``version``: ``values`` is what a form edits."""

    customer_id: uuid.UUID
    account: str
    currency: str
    version: int
    values: RecordChanges
    pools: tuple[str, ...]
    """The names of the pools that select the customer today (shown, never edited here)."""
    changes: tuple[ChangeRow, ...]
    employees: tuple[EmployeeChoice, ...]
    customer_groups: tuple[str, ...]
    credit_groups: tuple[str, ...]
    billing: RecurringBilling | None = None
    """The recurring billing lines and the tax codes they may carry."""
    iban_owners: Mapping[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    """For each of the customer's IBANs the other customers paying from it
    ("C-00012 Ruiz SA"), when there are any."""

    def history(self, field: str) -> tuple[ChangeRow, ...]:
        """The changes of one field, newest first."""
        return tuple(change for change in self.changes if change.field == field)


CUSTOMER_FIELDS = (
    "name",
    "customer_group",
    "language",
    "responsible_employee_id",
    "credit_limit",
    "credit_group",
    "account_status",
)
"""The customer's own columns a record edits (the field names of the history too)."""

ADDRESS_COLUMNS = ("street", "city", "postal_code", "country")


# --- reading ----------------------------------------------------------------------------


def read_record(
    session: Session,
    customer_id: uuid.UUID,
    *,
    as_of: dt.date,
    scope: AgentScope | None = None,
) -> CustomerRecord:
    """The customer's record as it is now; pool membership as of ``as_of``.

    With ``scope``, a customer outside it is refused (``ScopeError``).
    """
    customer = _customer(session, customer_id, scope, as_of)
    addresses = session.scalars(
        select(CustomerAddress)
        .where(CustomerAddress.customer_id == customer_id, CustomerAddress.deleted_at.is_(None))
        .order_by(CustomerAddress.purpose, CustomerAddress.is_primary.desc(), CustomerAddress.id)
    ).all()
    address_lines = tuple(
        AddressLine(
            purpose=a.purpose,
            street=a.street,
            city=a.city,
            postal_code=a.postal_code,
            country=a.country,
            is_primary=a.is_primary,
            id=a.id,
        )
        for a in addresses
    )
    if not address_lines and any(getattr(customer, c) for c in ADDRESS_COLUMNS):
        # Customers made before addresses had their own table: their address, unsaved.
        address_lines = (_legacy_address(customer),)
    contacts = session.scalars(
        select(Contact)
        .where(Contact.customer_id == customer_id, Contact.deleted_at.is_(None))
        .order_by(Contact.name, Contact.id)
    ).all()
    contact_lines = tuple(
        ContactLine(
            name=c.name,
            role=c.role,
            email=c.email,
            phone=c.phone,
            language=c.language,
            is_collections=c.id == customer.collections_contact_id,
            id=c.id,
        )
        for c in contacts
    )
    by = aliased(Employee)
    changes = tuple(
        ChangeRow(row.changed_at, row.name, row.field, row.old_value, row.new_value)
        for row in session.execute(
            select(
                CustomerChange.changed_at,
                by.name,
                CustomerChange.field,
                CustomerChange.old_value,
                CustomerChange.new_value,
            )
            .outerjoin(by, by.id == CustomerChange.changed_by_id)
            .where(CustomerChange.customer_id == customer_id)
            .order_by(CustomerChange.changed_at.desc(), CustomerChange.id.desc())
        )
    )
    employees = tuple(
        EmployeeChoice(row.id, row.name)
        for row in session.execute(
            select(Employee.id, Employee.name)
            .where(
                (Employee.deleted_at.is_(None)) | (Employee.id == customer.responsible_employee_id)
            )
            .order_by(Employee.name)
        )
    )
    ibans = tuple(
        BankAccountLine(iban=row.iban, source=row.source, id=row.id)
        for row in session.scalars(
            select(CustomerBankAccount)
            .where(
                CustomerBankAccount.customer_id == customer_id,
                CustomerBankAccount.deleted_at.is_(None),
            )
            .order_by(CustomerBankAccount.iban)
        )
    )
    billing = read_recurring(session, customer_id)
    groups = session.execute(
        select(Customer.customer_group, Customer.credit_group)
        .where(Customer.deleted_at.is_(None))
        .distinct()
    ).all()
    return CustomerRecord(
        customer_id=customer.id,
        account=customer.account,
        currency=customer.currency,
        version=customer.version,
        values=RecordChanges(
            name=customer.name,
            customer_group=customer.customer_group,
            language=customer.language,
            responsible_employee_id=customer.responsible_employee_id,
            credit_limit=customer.credit_limit,
            credit_group=customer.credit_group,
            account_status=customer.account_status,
            addresses=address_lines,
            contacts=contact_lines,
            recurring=billing.lines,
            bank_accounts=ibans,
        ),
        pools=_pools_of(session, customer_id, as_of),
        changes=changes,
        employees=employees,
        customer_groups=tuple(sorted({g for g, _c in groups if g})),
        credit_groups=tuple(sorted({c for _g, c in groups if c})),
        billing=billing,
        iban_owners=iban_owners(session, [line.iban for line in ibans], customer_id=customer_id),
    )


def iban_owners(
    session: Session, ibans: Iterable[str], *, customer_id: uuid.UUID | None
) -> dict[str, tuple[str, ...]]:
    """The live customers other than ``customer_id`` paying from each of ``ibans`` (as
    typed or stored), by stored IBAN: "account name", by account. IBANs no other
    customer has are left out."""
    wanted = {normal_iban(iban) for iban in ibans if iban.strip()}
    if not wanted:
        return {}
    query = (
        select(CustomerBankAccount.iban, Customer.account, Customer.name)
        .join(Customer, Customer.id == CustomerBankAccount.customer_id)
        .where(
            CustomerBankAccount.iban.in_(sorted(wanted)),
            CustomerBankAccount.deleted_at.is_(None),
            Customer.deleted_at.is_(None),
        )
        .order_by(CustomerBankAccount.iban, Customer.account)
    )
    if customer_id is not None:
        query = query.where(CustomerBankAccount.customer_id != customer_id)
    owners: dict[str, list[str]] = {}
    for row in session.execute(query):
        owners.setdefault(row.iban, []).append(f"{row.account} {row.name}")
    return {iban: tuple(names) for iban, names in owners.items()}


def _customer(
    session: Session, customer_id: uuid.UUID, scope: AgentScope | None, as_of: dt.date
) -> Customer:
    customer = session.get(Customer, customer_id, populate_existing=True)
    if customer is None or customer.deleted_at is not None:
        raise RecordError(_("This customer no longer exists."))
    if scope is not None:
        seen = session.scalar(
            select(Customer.id).where(Customer.id == customer_id, scope.customer_condition(as_of))
        )
        if seen is None:
            raise ScopeError(
                _("{user} does not work customer {account}.").format(
                    user=scope.user_name, account=customer.account
                )
            )
    return customer


def _legacy_address(customer: Customer) -> AddressLine:
    return AddressLine(
        purpose=AddressPurpose.BUSINESS.value,
        street=customer.street,
        city=customer.city,
        postal_code=customer.postal_code,
        country=customer.country,
        is_primary=True,
    )


def _pools_of(session: Session, customer_id: uuid.UUID, as_of: dt.date) -> tuple[str, ...]:
    """The pools whose criteria select the customer on ``as_of`` (one statement)."""
    pools = session.execute(
        select(CustomerPool.name, CustomerPool.criteria)
        .where(CustomerPool.deleted_at.is_(None))
        .order_by(CustomerPool.name)
    ).all()
    if not pools:
        return ()
    tests = [
        case((customer_condition(PoolCriteria.from_json(p.criteria), as_of), 1), else_=0)
        for p in pools
    ]
    found = session.execute(select(*tests).where(Customer.id == customer_id)).one_or_none()
    if found is None:
        return ()
    return tuple(p.name for p, inside in zip(pools, found, strict=True) if inside)


# --- checking ---------------------------------------------------------------------------


def _text(value: str | None) -> str | None:
    """Stripped text, None when blank."""
    if value is None:
        return None
    value = value.strip()
    return value or None


def _length(value: str | None, limit: int, label: str) -> None:
    if value is not None and len(value) > limit:
        raise RecordError(
            _("{field} is too long: at most {limit} characters.").format(field=label, limit=limit)
        )


def _normalised(changes: RecordChanges) -> RecordChanges:
    """Blank texts as None, countries in capitals, e-mail addresses without spaces."""
    return RecordChanges(
        name=(changes.name or "").strip(),
        customer_group=_text(changes.customer_group),
        language=(changes.language or "").strip().lower(),
        responsible_employee_id=changes.responsible_employee_id,
        credit_limit=changes.credit_limit,
        credit_group=_text(changes.credit_group),
        account_status=changes.account_status,
        addresses=tuple(
            AddressLine(
                purpose=a.purpose,
                street=_text(a.street),
                city=_text(a.city),
                postal_code=_text(a.postal_code),
                country=(_text(a.country) or "").upper() or None,
                is_primary=a.is_primary,
                id=a.id,
            )
            for a in changes.addresses
        ),
        contacts=tuple(
            ContactLine(
                name=(c.name or "").strip(),
                role=_text(c.role),
                email=_text(c.email),
                phone=_text(c.phone),
                language=(_text(c.language) or "").lower() or None,
                is_collections=c.is_collections,
                id=c.id,
            )
            for c in changes.contacts
        ),
        recurring=changes.recurring,
        bank_accounts=(
            tuple(
                BankAccountLine(normal_iban(b.iban or ""), b.source, b.id, b.removed)
                for b in changes.bank_accounts
            )
            if changes.bank_accounts is not None
            else None
        ),
    )


def check_changes(changes: RecordChanges) -> RecordChanges:
    """The changes normalised, or ``RecordError`` naming the first field to correct."""
    changes = _normalised(changes)
    if not changes.name:
        raise RecordError(_("The customer's name cannot be empty."))
    _length(changes.name, NAME_LENGTH, _("The name"))
    _length(changes.customer_group, GROUP_LENGTH, _("The customer group"))
    _length(changes.credit_group, GROUP_LENGTH, _("The credit group"))
    _check_language(changes.language, _("The language"))
    limit = changes.credit_limit
    if limit is not None:
        if not isinstance(limit, Decimal) or not limit.is_finite():
            raise RecordError(_("The credit limit must be an amount."))
        if limit < 0:
            raise RecordError(_("The credit limit cannot be negative; leave it empty for none."))
        exponent = limit.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -CREDIT_LIMIT_PLACES:
            raise RecordError(
                _("The credit limit may have at most {places} decimals.").format(
                    places=CREDIT_LIMIT_PLACES
                )
            )
    if changes.account_status not in ACCOUNT_STATUSES:
        raise RecordError(
            _("The account status “{status}” is not known.").format(status=changes.account_status)
        )
    _check_addresses(changes.addresses)
    _check_contacts(changes.contacts)
    if changes.bank_accounts is not None:
        _check_bank_accounts(changes.bank_accounts)
    return changes


def _check_language(language: str | None, label: str) -> None:
    if language is not None and language not in LANGUAGES:
        raise RecordError(
            _("{field} must be one of {languages} (not “{value}”).").format(
                field=label, languages=", ".join(LANGUAGES), value=language
            )
        )


def _check_addresses(addresses: Sequence[AddressLine]) -> None:
    primaries: dict[str, int] = {}
    for number, address in enumerate(addresses, start=1):
        where = _("Address {number}").format(number=number)
        if address.purpose not in ADDRESS_PURPOSES:
            raise RecordError(
                _("{where}: the purpose “{purpose}” is not known.").format(
                    where=where, purpose=address.purpose
                )
            )
        if not any(getattr(address, c) for c in ADDRESS_COLUMNS):
            raise RecordError(
                _("{where}: enter a street, a city or a country.").format(where=where)
            )
        _length(address.street, NAME_LENGTH, _("{where}: the street").format(where=where))
        _length(address.city, CITY_LENGTH, _("{where}: the city").format(where=where))
        _length(
            address.postal_code,
            POSTAL_CODE_LENGTH,
            _("{where}: the postal code").format(where=where),
        )
        if address.country is not None and not COUNTRY_SHAPE.match(address.country):
            raise RecordError(
                _(
                    "{where}: the country must be its two-letter code, such as ES or FR "
                    "(not “{value}”)."
                ).format(where=where, value=address.country)
            )
        if address.is_primary:
            primaries[address.purpose] = primaries.get(address.purpose, 0) + 1
    for purpose in dict.fromkeys(a.purpose for a in addresses):
        count = primaries.get(purpose, 0)
        if count != 1:
            raise RecordError(
                (
                    _("Mark one {purpose} address as the primary one.")
                    if count == 0
                    else _("Only one {purpose} address can be the primary one.")
                ).format(purpose=purpose_name(purpose))
            )


def _check_contacts(contacts: Sequence[ContactLine]) -> None:
    for number, contact in enumerate(contacts, start=1):
        where = _("Contact {number}").format(number=number)
        if not contact.name:
            raise RecordError(_("{where}: the name cannot be empty.").format(where=where))
        where = _("Contact {name}").format(name=contact.name)
        _length(contact.name, NAME_LENGTH, _("{where}: the name").format(where=where))
        if contact.role is not None and contact.role not in CONTACT_ROLES:
            raise RecordError(
                _("{where}: the role “{role}” is not known.").format(where=where, role=contact.role)
            )
        if contact.email is not None and not EMAIL_SHAPE.match(contact.email):
            raise RecordError(
                _("{where}: “{value}” is not an e-mail address (name@example.com).").format(
                    where=where, value=contact.email
                )
            )
        if contact.phone is not None:
            _length(contact.phone, PHONE_LENGTH, _("{where}: the phone").format(where=where))
            if not PHONE_SHAPE.match(contact.phone):
                raise RecordError(
                    _(
                        "{where}: the phone “{value}” may hold only digits, spaces, "
                        "a leading + and ( ) . / -."
                    ).format(where=where, value=contact.phone)
                )
        _check_language(contact.language, _("{where}: the language").format(where=where))
    marked = sum(1 for c in contacts if c.is_collections)
    if contacts and marked == 0:
        raise RecordError(_("Mark one contact as the collections contact."))
    if marked > 1:
        raise RecordError(_("Only one contact can be the collections contact."))


def _check_bank_accounts(lines: Sequence[BankAccountLine]) -> None:
    seen: set[str] = set()
    for line in lines:
        if line.removed:
            continue
        try:
            check_iban(line.iban)
        except IbanError as error:
            raise RecordError(_("Bank accounts: {reason}").format(reason=error)) from None
        if line.iban in seen:
            raise RecordError(
                _("Bank accounts: {iban} is listed twice.").format(iban=format_iban(line.iban))
            )
        seen.add(line.iban)
        if line.source not in IBAN_SOURCES:
            raise RecordError(
                _("Bank accounts: the source “{source}” is not known.").format(source=line.source)
            )


def purpose_name(purpose: str) -> str:
    """An address purpose in words (lower case, for messages and lists)."""
    names = {
        AddressPurpose.BUSINESS: _("business"),
        AddressPurpose.INVOICE: _("invoice"),
        AddressPurpose.DELIVERY: _("delivery"),
        AddressPurpose.STATEMENT: _("statement"),
    }
    return names.get(AddressPurpose(purpose), purpose) if purpose in ADDRESS_PURPOSES else purpose


# --- saving -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SavedRecord:
    """What a save did: the new version and the fields that changed (history field names)."""

    version: int
    changed: tuple[str, ...]


def save_record(
    session: Session,
    customer_id: uuid.UUID,
    version: int,
    changes: RecordChanges,
    by: uuid.UUID | None,
    now: dt.datetime,
    *,
    scope: AgentScope | None = None,
) -> SavedRecord:
    """Save ``changes`` over the record read at ``version``, in the caller's transaction.

    Checks everything first (``RecordError`` naming the field); a copy older than the
    customer's row is refused (``StaleEditError``). Writes the changed columns, the
    addresses and contacts added, changed or removed (tombstones), and one
    ``CustomerChange`` per changed field.
    """
    changes = check_changes(changes)
    recurring = (
        check_recurring_lines(changes.recurring, [c.code for c in tax_code_choices(session)])
        if changes.recurring is not None
        else None
    )
    customer = _customer(session, customer_id, scope, now.date())
    if by is not None and session.get(Employee, by) is None:
        raise RecordError(_("The employee saving this record is not known."))
    if changes.responsible_employee_id is not None:
        responsible = session.get(Employee, changes.responsible_employee_id)
        if responsible is None or (
            responsible.deleted_at is not None
            and changes.responsible_employee_id != customer.responsible_employee_id
        ):
            raise RecordError(_("The responsible employee is not known."))
    history: list[tuple[str, str | None, str | None]] = []
    columns: dict[str, Any] = {}
    names = _employee_names(session, customer.responsible_employee_id, changes)
    for field in CUSTOMER_FIELDS:
        old, new = getattr(customer, field), getattr(changes, field)
        if old != new:
            columns[field] = new
            if field == "responsible_employee_id":
                history.append(("responsible", names.get(old), names.get(new)))
            else:
                history.append((field, _as_text(old), _as_text(new)))
    if "credit_limit" in columns:  # a snapshot holds the limit and the credit left
        note_customers(session, [customer.id])

    address_history, legacy = _save_addresses(session, customer, changes.addresses, now)
    history += address_history
    for column in ADDRESS_COLUMNS:
        old, new = getattr(customer, column), legacy.get(column)
        if old != new:
            columns[column] = new
    contact_history, collections_id, removed = _save_contacts(
        session, customer, changes.contacts, now
    )
    history += contact_history
    if collections_id != customer.collections_contact_id:
        columns["collections_contact_id"] = collections_id
        named: dict[uuid.UUID, str] = {
            row.id: row.name
            for row in session.execute(
                select(Contact.id, Contact.name).where(Contact.customer_id == customer.id)
            )
        }
        old_contact = customer.collections_contact_id
        history.append(
            (
                "collections_contact",
                named.get(old_contact) if old_contact else None,
                named.get(collections_id) if collections_id else None,
            )
        )
    if customer.primary_contact_id in removed:
        columns["primary_contact_id"] = None
    if recurring is not None:
        history += save_recurring_lines(session, customer.id, recurring, now)
    if changes.bank_accounts is not None:
        history += _save_bank_accounts(session, customer, changes.bank_accounts, now)
    session.flush()
    update_versioned(
        session,
        customer,
        version,
        now=now,
        what=_("Customer {account}").format(account=customer.account),
        **columns,
    )
    for field, old_text, new_text in history:
        session.add(
            CustomerChange(
                customer_id=customer.id,
                changed_at=now,
                changed_by_id=by,
                field=field,
                old_value=old_text,
                new_value=new_text,
            )
        )
    session.flush()
    return SavedRecord(customer.version, tuple(field for field, _o, _n in history))


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return f"{value:.2f}" if value == value.quantize(Decimal("0.01")) else str(value)
    return str(value)


def _employee_names(
    session: Session, old: uuid.UUID | None, changes: RecordChanges
) -> dict[uuid.UUID | None, str]:
    ids = {i for i in (old, changes.responsible_employee_id) if i is not None}
    if not ids:
        return {}
    return {
        row.id: row.name
        for row in session.execute(select(Employee.id, Employee.name).where(Employee.id.in_(ids)))
    }


def address_text(line: AddressLine | CustomerAddress) -> str:
    """An address on one line with its purpose's code, as the history keeps it (the same
    in every language): "invoice, primary: Calle Mayor 4, 28001 Madrid, ES"."""
    town = " ".join(p for p in (line.postal_code, line.city) if p)
    parts = ", ".join(p for p in (line.street, town, line.country) if p)
    primary = ", primary" if line.is_primary else ""
    return f"{line.purpose}{primary}: {parts}"


def contact_text(line: ContactLine | Contact) -> str:
    """A contact on one line: "Ana Ruiz, billing, ana@ruiz.es, +34 91 555 0101, es"."""
    return ", ".join(p for p in (line.name, line.role, line.email, line.phone, line.language) if p)


def _save_addresses(
    session: Session, customer: Customer, lines: Sequence[AddressLine], now: dt.datetime
) -> tuple[list[tuple[str, str | None, str | None]], dict[str, str | None]]:
    """Insert, update and tombstone addresses; their history, and the address the
    customer's own columns keep (the primary business one, else none)."""
    existing = {
        a.id: a
        for a in session.scalars(
            select(CustomerAddress).where(
                CustomerAddress.customer_id == customer.id, CustomerAddress.deleted_at.is_(None)
            )
        )
    }
    history: list[tuple[str, str | None, str | None]] = []
    kept: set[uuid.UUID] = set()
    legacy = (
        _normalised_legacy(customer)
        if not existing and any(getattr(customer, c) for c in ADDRESS_COLUMNS)
        else None
    )
    legacy_kept = False
    for line in lines:
        if line.id is None:
            if line == legacy and not legacy_kept:
                legacy_kept = True  # the customer's own address, shown and left as it was
                continue
            session.add(
                CustomerAddress(
                    id=new_id(),
                    customer_id=customer.id,
                    purpose=line.purpose,
                    street=line.street,
                    city=line.city,
                    postal_code=line.postal_code,
                    country=line.country,
                    is_primary=line.is_primary,
                    updated_at=now,
                    version=1,
                )
            )
            history.append(("address", None, address_text(line)))
            continue
        row = existing.get(line.id)
        if row is None:
            raise RecordError(
                _(
                    "An address you changed was removed by someone else meanwhile: "
                    "reload the record and make your changes again."
                )
            )
        kept.add(row.id)
        before = address_text(row)
        values = {
            "purpose": line.purpose,
            "street": line.street,
            "city": line.city,
            "postal_code": line.postal_code,
            "country": line.country,
            "is_primary": line.is_primary,
        }
        if any(getattr(row, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
            row.version += 1
            row.updated_at = now
            history.append(("address", before, address_text(line)))
    if legacy is not None and not legacy_kept:
        history.append(("address", address_text(legacy), None))
    for row_id, row in existing.items():
        if row_id not in kept:
            history.append(("address", address_text(row), None))
            row.deleted_at = now
            row.version += 1
            row.updated_at = now
    main = next((a for a in lines if a.purpose == AddressPurpose.BUSINESS and a.is_primary), None)
    return history, {
        column: getattr(main, column) if main is not None else None for column in ADDRESS_COLUMNS
    }


def _normalised_legacy(customer: Customer) -> AddressLine:
    return _normalised(
        RecordChanges("-", None, "en", None, None, None, "", (_legacy_address(customer),), ())
    ).addresses[0]


def _save_contacts(
    session: Session, customer: Customer, lines: Sequence[ContactLine], now: dt.datetime
) -> tuple[list[tuple[str, str | None, str | None]], uuid.UUID | None, set[uuid.UUID]]:
    """Insert, update and tombstone contacts; their history, the collections contact's
    id and the ids removed."""
    existing = {
        c.id: c
        for c in session.scalars(
            select(Contact).where(Contact.customer_id == customer.id, Contact.deleted_at.is_(None))
        )
    }
    history: list[tuple[str, str | None, str | None]] = []
    kept: set[uuid.UUID] = set()
    collections_id: uuid.UUID | None = None
    for line in lines:
        values = {
            "name": line.name,
            "role": line.role,
            "email": line.email,
            "phone": line.phone,
            "language": line.language,
        }
        if line.id is None:
            row = Contact(id=new_id(), customer_id=customer.id, updated_at=now, version=1, **values)
            session.add(row)
            history.append(("contact", None, contact_text(row)))
        else:
            found = existing.get(line.id)
            if found is None:
                raise RecordError(
                    _(
                        "A contact you changed was removed by someone else meanwhile: "
                        "reload the record and make your changes again."
                    )
                )
            row = found
            kept.add(row.id)
            before = contact_text(row)
            if any(getattr(row, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(row, key, value)
                row.version += 1
                row.updated_at = now
                history.append(("contact", before, contact_text(row)))
        if line.is_collections:
            collections_id = row.id
    removed = set(existing) - kept
    for row_id in removed:
        row = existing[row_id]
        history.append(("contact", contact_text(row), None))
        row.deleted_at = now
        row.version += 1
        row.updated_at = now
    return history, collections_id, removed


def iban_text(iban: str, source: str) -> str:
    """An IBAN on one line, as the history keeps it (the same in every language):
    "ES91 2100 0418 4502 0005 1332, entered"."""
    return f"{format_iban(iban)}, {source}"


def _save_bank_accounts(
    session: Session, customer: Customer, lines: Sequence[BankAccountLine], now: dt.datetime
) -> list[tuple[str, str | None, str | None]]:
    """Add the new IBANs (bringing a removed one back), tombstone those marked removed;
    their history. A new IBAN the customer already has (learned meanwhile) stays as it is."""
    rows = {
        row.iban: row
        for row in session.scalars(
            select(CustomerBankAccount).where(CustomerBankAccount.customer_id == customer.id)
        )
    }
    by_id = {row.id: row for row in rows.values()}
    history: list[tuple[str, str | None, str | None]] = []
    # Removals first, so an IBAN removed and typed in again comes back as entered.
    for line in sorted(lines, key=lambda line: not line.removed):
        if line.id is not None:  # a saved line: kept or removed (its IBAN never changes)
            row = by_id.get(line.id)
            if row is None or row.deleted_at is not None:
                if line.removed:
                    continue  # removed meanwhile, as asked here
                raise RecordError(
                    _(
                        "A bank account you kept was removed by someone else meanwhile: "
                        "reload the record and make your changes again."
                    )
                )
            if line.removed:
                history.append(("bank_account", iban_text(row.iban, row.source), None))
                row.deleted_at = now
                row.version += 1
                row.updated_at = now
            continue
        if line.removed:
            continue  # added, then removed again before saving
        found = rows.get(line.iban)
        if found is not None and found.deleted_at is None:
            continue  # learned from a statement since the record was read
        if found is not None:  # removed once (the pair is unique): it comes back
            found.deleted_at = None
            found.source = "entered"
            found.version += 1
            found.updated_at = now
        else:
            found = CustomerBankAccount(
                id=new_id(),
                customer_id=customer.id,
                iban=line.iban,
                source="entered",
                updated_at=now,
                version=1,
            )
            session.add(found)
            rows[line.iban] = found
        history.append(("bank_account", None, iban_text(line.iban, "entered")))
    return history

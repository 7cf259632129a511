"""Bank charges and bank accounts: what a returned (NSF) payment costs the customer.

A bank account names a charges group; the group's charges marked *automatic NSF* are
billed to the customer when a payment into that account is returned. Charges are
grouped by that name only (there is no table of groups), so a group exists while it
has a charge, and the last charge of a group a bank account names is not deleted.
Payments keep their bank account's code, so an account in use keeps its code and is
not deleted; the default account (``OPER``) takes the payments that name none.

A bank account's IBAN is how a bank statement names it: a statement read from a file
goes to the account with its IBAN. An account without an IBAN (a US account, some
banks' own numbering) keeps its plain account number there instead; a text shaped like
an IBAN must be one, check digits and all, so a typing error is caught here rather than
leaving the account's statements unplaced.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from collections_desktop.i18n import _, ngettext
from collections_desktop.models.bank.iban import (
    IbanError,
    check_iban,
    format_iban,
    looks_like_iban,
)
from collections_desktop.models.company.reference import DEFAULT_BANK_ACCOUNT
from collections_desktop.models.db.editing import update_versioned
from collections_desktop.models.db.schema import (
    BankAccount,
    BankCharge,
    CustomerTransaction,
    TransactionType,
)
from collections_desktop.models.setup.fields import (
    SetupError,
    optional_text,
    require_administrator,
    required_text,
)
from collections_desktop.models.setup.reference_fields import (
    checked_account,
    checked_amount,
    checked_code,
    known_currency,
    live_clash,
    tombstoned,
)

NAME_LENGTH = 100
DESCRIPTION_LENGTH = 200
IBAN_LENGTH = 34

_ACCOUNT_NUMBER = re.compile(r"^[A-Z0-9./-]+$")
"""What a plain (not IBAN) account number may hold once its spaces are gone."""


@dataclass(frozen=True)
class BankChargeRow:
    """A charge of a charges group, and the bank accounts that name its group."""

    id: uuid.UUID
    charges_group: str
    code: str
    description: str
    amount: Decimal
    currency: str
    ledger_account: str
    automatic_nsf: bool
    bank_accounts: tuple[str, ...]
    version: int


@dataclass(frozen=True)
class BankChargeValues:
    """What the form holds for one charge (``amount`` as typed, or a Decimal)."""

    charges_group: str
    code: str
    description: str
    amount: Decimal | str
    currency: str
    ledger_account: str
    automatic_nsf: bool = False


@dataclass(frozen=True)
class BankAccountRow:
    """A bank account payments arrive in. (Its payments are not counted here: that would
    read every transaction; a change that needs to know looks for one.)"""

    id: uuid.UUID
    code: str
    name: str
    ledger_account: str
    currency: str
    charges_group: str | None
    default: bool
    version: int
    iban: str | None = None
    """As stored: an IBAN upper case without spaces, else the plain account number."""

    @property
    def iban_shown(self) -> str:
        """The IBAN in groups of four (a plain account number as it is; "" for none)."""
        if not self.iban:
            return ""
        return format_iban(self.iban) if looks_like_iban(self.iban) else self.iban


@dataclass(frozen=True)
class BankAccountValues:
    """What the form holds for one bank account."""

    code: str
    name: str
    ledger_account: str
    currency: str
    charges_group: str = ""
    iban: str = ""
    """The IBAN as typed (spaces allowed), or the account number of an account without one."""


# --- charges -----------------------------------------------------------------------------


def list_bank_charges(session: Session) -> list[BankChargeRow]:
    """The live charges by group and code, each with the accounts naming its group."""
    accounts: dict[str, list[str]] = {}
    for group, code in session.execute(
        select(BankAccount.charges_group, BankAccount.code)
        .where(BankAccount.deleted_at.is_(None), BankAccount.charges_group.isnot(None))
        .order_by(BankAccount.code)
    ):
        if group is not None:
            accounts.setdefault(group, []).append(code)
    rows = session.scalars(
        select(BankCharge)
        .where(BankCharge.deleted_at.is_(None))
        .order_by(BankCharge.charges_group, BankCharge.code)
    )
    return [
        BankChargeRow(
            id=row.id,
            charges_group=row.charges_group,
            code=row.code,
            description=row.description,
            amount=row.amount,
            currency=row.currency,
            ledger_account=row.ledger_account,
            automatic_nsf=row.automatic_nsf,
            bank_accounts=tuple(accounts.get(row.charges_group, ())),
            version=row.version,
        )
        for row in rows
    ]


def charges_groups(session: Session) -> list[str]:
    """The groups that have a live charge, by name (what a bank account may name)."""
    return list(
        session.scalars(
            select(BankCharge.charges_group)
            .where(BankCharge.deleted_at.is_(None))
            .group_by(BankCharge.charges_group)
            .order_by(BankCharge.charges_group)
        )
    )


def save_bank_charge(
    session: Session,
    charge_id: uuid.UUID | None,
    version: int,
    values: BankChargeValues,
    *,
    by: uuid.UUID | None,
    now: dt.datetime,
) -> uuid.UUID:
    """Add a charge (``charge_id`` None; a new group name makes a new group) or change one
    read at ``version``."""
    require_administrator(session, by)
    group = checked_code(values.charges_group, _("Charges group"))
    code = checked_code(values.code)
    description = required_text(values.description, _("Description"), max_length=DESCRIPTION_LENGTH)
    currency, places = known_currency(session, values.currency)
    amount = checked_amount(values.amount, _("Amount"), places=places)
    account = checked_account(values.ledger_account, _("Ledger account"), required=True)
    clash = select(BankCharge).where(BankCharge.charges_group == group, BankCharge.code == code)
    found = session.scalars(clash).one_or_none()
    if found is not None and found.deleted_at is None and found.id != charge_id:
        raise SetupError(
            _("The charges group {group} already has a charge {code}.").format(
                group=group, code=code
            )
        )
    fields = {
        "charges_group": group,
        "code": code,
        "description": description,
        "amount": amount,
        "currency": currency,
        "ledger_account": account,
        "automatic_nsf": values.automatic_nsf,
    }
    if charge_id is None:
        if found is None:
            charge = BankCharge(**fields, updated_at=now)
            session.add(charge)
        else:  # a deleted charge of that group and code: it comes back with the new values
            charge = found
            for name, value in fields.items():
                setattr(charge, name, value)
            charge.deleted_at, charge.updated_at = None, now
            charge.version += 1
        session.flush()
        return charge.id
    charge = _charge(session, charge_id)
    if found is not None and found.id != charge_id:  # a tombstone holds the new key
        raise SetupError(
            _(
                "The charges group {group} had a charge {code} that was deleted; add it as a "
                "new charge instead."
            ).format(group=group, code=code)
        )
    if group != charge.charges_group:
        _refuse_emptying(session, charge, moving=True)
    update_versioned(
        session,
        charge,
        version,
        now=now,
        what=_("Bank charge {group} {code}").format(group=charge.charges_group, code=charge.code),
        **fields,
    )
    return charge_id


def delete_bank_charge(
    session: Session,
    charge_id: uuid.UUID,
    version: int,
    *,
    by: uuid.UUID | None,
    now: dt.datetime,
) -> None:
    """Remove a charge (a tombstone), unless it is the last of a group an account names."""
    require_administrator(session, by)
    charge = _charge(session, charge_id)
    _refuse_emptying(session, charge, moving=False)
    update_versioned(
        session,
        charge,
        version,
        now=now,
        what=_("Bank charge {group} {code}").format(group=charge.charges_group, code=charge.code),
        deleted_at=now,
    )


def _refuse_emptying(session: Session, charge: BankCharge, *, moving: bool) -> None:
    """Refuse taking the last charge out of a group that a bank account names."""
    others = session.scalar(
        select(func.count()).where(
            BankCharge.charges_group == charge.charges_group,
            BankCharge.deleted_at.is_(None),
            BankCharge.id != charge.id,
        )
    )
    if others:
        return
    accounts = list(
        session.scalars(
            select(BankAccount.code)
            .where(
                BankAccount.charges_group == charge.charges_group,
                BankAccount.deleted_at.is_(None),
            )
            .order_by(BankAccount.code)
        )
    )
    if not accounts:
        return
    if moving:
        message = ngettext(
            "{code} is the last charge of the group {group}, which bank account {accounts} "
            "names: it cannot move to another group. Change the account's charges group first.",
            "{code} is the last charge of the group {group}, which bank accounts {accounts} "
            "name: it cannot move to another group. Change the accounts' charges group first.",
            len(accounts),
        )
    else:
        message = ngettext(
            "{code} is the last charge of the group {group}, which bank account {accounts} "
            "names: it cannot be deleted. Change the account's charges group first.",
            "{code} is the last charge of the group {group}, which bank accounts {accounts} "
            "name: it cannot be deleted. Change the accounts' charges group first.",
            len(accounts),
        )
    raise SetupError(
        message.format(code=charge.code, group=charge.charges_group, accounts=", ".join(accounts))
    )


def _charge(session: Session, charge_id: uuid.UUID) -> BankCharge:
    charge = session.get(BankCharge, charge_id)
    if charge is None or charge.deleted_at is not None:
        raise SetupError(_("That bank charge no longer exists: reload the list."))
    return charge


# --- bank accounts -----------------------------------------------------------------------


def list_bank_accounts(session: Session) -> list[BankAccountRow]:
    """The live bank accounts by code."""
    rows = session.execute(
        select(
            BankAccount.id,
            BankAccount.code,
            BankAccount.name,
            BankAccount.ledger_account,
            BankAccount.currency,
            BankAccount.charges_group,
            BankAccount.version,
            BankAccount.iban,
        )
        .where(BankAccount.deleted_at.is_(None))
        .order_by(BankAccount.code)
    )
    return [
        BankAccountRow(
            id=row.id,
            code=row.code,
            name=row.name,
            ledger_account=row.ledger_account,
            currency=row.currency,
            charges_group=row.charges_group,
            default=row.code == DEFAULT_BANK_ACCOUNT,
            version=row.version,
            iban=row.iban,
        )
        for row in rows
    ]


def checked_bank_iban(value: str) -> str | None:
    """A bank account's IBAN as stored (upper case, no spaces), its plain account number
    when it has no IBAN, or None when empty.

    A text shaped like an IBAN (country code, two digits, letters and digits) must be a
    valid one; anything else is taken as an account number of letters, digits and
    ``. / -``.
    """
    label = _("IBAN")
    if not value.strip():
        return None
    if looks_like_iban(value):
        try:
            return check_iban(value)
        except IbanError as error:
            raise SetupError(_("{field}: {reason}").format(field=label, reason=error)) from None
    number = "".join(value.split()).upper()
    if not _ACCOUNT_NUMBER.match(number):
        raise SetupError(
            _(
                "{field}: “{value}” is neither an IBAN nor an account number (letters, "
                "digits and . / - only)."
            ).format(field=label, value=value.strip())
        )
    if len(number) > IBAN_LENGTH:
        raise SetupError(
            _("{field} is too long: at most {count} characters.").format(
                field=label, count=IBAN_LENGTH
            )
        )
    return number


def save_bank_account(
    session: Session,
    account_id: uuid.UUID | None,
    version: int,
    values: BankAccountValues,
    *,
    by: uuid.UUID | None,
    now: dt.datetime,
) -> uuid.UUID:
    """Add a bank account (``account_id`` None) or change one read at ``version``."""
    require_administrator(session, by)
    code = checked_code(values.code)
    name = required_text(values.name, _("Name"), max_length=NAME_LENGTH)
    ledger = checked_account(values.ledger_account, _("Ledger account"), required=True)
    currency, _places = known_currency(session, values.currency)
    group = optional_text(values.charges_group, label=_("Charges group"), max_length=30)
    if group is not None:
        group = group.upper()
        if group not in charges_groups(session):
            raise SetupError(
                _(
                    "Charges group: there is no group {group}. Choose one from the list, or "
                    "add a charge to it first."
                ).format(group=group)
            )
    if live_clash(session, BankAccount.code, code, account_id):
        raise SetupError(_("There is already a bank account {code}.").format(code=code))
    iban = checked_bank_iban(values.iban)
    if iban is not None:
        _refuse_iban_clash(session, iban, account_id)
    fields = {
        "code": code,
        "name": name,
        "ledger_account": ledger,
        "currency": currency,
        "charges_group": group,
        "iban": iban,
    }
    if account_id is None:
        account = tombstoned(session, BankAccount, BankAccount.code, code)
        if account is None:
            account = BankAccount(**fields, updated_at=now)
            session.add(account)
        else:  # the code of a deleted account: it comes back with the new values
            for field, value in fields.items():
                setattr(account, field, value)
            account.deleted_at, account.updated_at = None, now
            account.version += 1
        session.flush()
        return account.id
    account = _account(session, account_id)
    if code != account.code:
        reason = _account_in_use(session, account.code)
        if reason:
            raise SetupError(
                _("The code of {code} cannot change: {reason}").format(
                    code=account.code, reason=reason
                )
            )
    update_versioned(
        session,
        account,
        version,
        now=now,
        what=_("Bank account {code}").format(code=account.code),
        **fields,
    )
    return account_id


def delete_bank_account(
    session: Session,
    account_id: uuid.UUID,
    version: int,
    *,
    by: uuid.UUID | None,
    now: dt.datetime,
) -> None:
    """Remove a bank account no payment names (a tombstone); never the default one."""
    require_administrator(session, by)
    account = _account(session, account_id)
    reason = _account_in_use(session, account.code)
    if reason:
        raise SetupError(
            _("{code} cannot be deleted: {reason}").format(code=account.code, reason=reason)
        )
    update_versioned(
        session,
        account,
        version,
        now=now,
        what=_("Bank account {code}").format(code=account.code),
        deleted_at=now,
    )


def _refuse_iban_clash(session: Session, iban: str, account_id: uuid.UUID | None) -> None:
    """Refuse an IBAN another live account has: a statement must go to one account."""
    query = select(BankAccount.code).where(
        BankAccount.iban == iban, BankAccount.deleted_at.is_(None)
    )
    if account_id is not None:
        query = query.where(BankAccount.id != account_id)
    other = session.scalar(query.limit(1))
    if other is not None:
        shown = format_iban(iban) if looks_like_iban(iban) else iban
        raise SetupError(
            _(
                "IBAN: bank account {code} already has {iban}; a statement must belong to "
                "one account."
            ).format(code=other, iban=shown)
        )


def _account_in_use(session: Session, code: str) -> str | None:
    """Why the bank account ``code`` must stay as it is (None: nothing uses it)."""
    if code == DEFAULT_BANK_ACCOUNT:
        return _("it is the default account, which takes the payments that name none.")
    payment = session.scalar(
        select(CustomerTransaction.document_number)
        .where(
            CustomerTransaction.bank_account == code,
            CustomerTransaction.type == TransactionType.PAYMENT,
        )
        .limit(1)
    )
    if payment is not None:
        return _("payments arrived in it (such as {document}).").format(document=payment)
    return None


def _account(session: Session, account_id: uuid.UUID) -> BankAccount:
    account = session.get(BankAccount, account_id)
    if account is None or account.deleted_at is not None:
        raise SetupError(_("That bank account no longer exists: reload the list."))
    return account

"""Posting profiles: the ledger accounts a customer's transactions post to.

Customers, their transactions and journal lines keep a profile's code, so a profile in
use keeps its code and is not deleted. The default profile (``GEN``) is what a new or
imported customer gets, so it is never deleted and its code never changes.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from collections_desktop.i18n import _, ngettext
from collections_desktop.models.company.reference import DEFAULT_PROFILE
from collections_desktop.models.db.editing import update_versioned
from collections_desktop.models.db.schema import (
    Customer,
    CustomerTransaction,
    JournalLine,
    PostingProfile,
)
from collections_desktop.models.setup.fields import SetupError, require_administrator, required_text
from collections_desktop.models.setup.reference_fields import (
    checked_account,
    checked_code,
    live_clash,
    tombstoned,
)

NAME_LENGTH = 100


@dataclass(frozen=True)
class PostingProfileRow:
    """A posting profile as the set-up lists it, with how many customers have it."""

    id: uuid.UUID
    code: str
    name: str
    receivables_account: str
    write_off_account: str | None
    customers: int
    default: bool
    version: int


@dataclass(frozen=True)
class PostingProfileValues:
    """What the form holds for one profile."""

    code: str
    name: str
    receivables_account: str
    write_off_account: str = ""


def list_posting_profiles(session: Session) -> list[PostingProfileRow]:
    """The live profiles by code, each with its number of customers."""
    customers = dict(  # one pass over the customers
        session.execute(
            select(Customer.posting_profile, func.count())
            .where(Customer.deleted_at.is_(None))
            .group_by(Customer.posting_profile)
        ).all()
    )
    rows = session.execute(
        select(
            PostingProfile.id,
            PostingProfile.code,
            PostingProfile.name,
            PostingProfile.receivables_account,
            PostingProfile.write_off_account,
            PostingProfile.version,
        )
        .where(PostingProfile.deleted_at.is_(None))
        .order_by(PostingProfile.code)
    )
    return [
        PostingProfileRow(
            id=row.id,
            code=row.code,
            name=row.name,
            receivables_account=row.receivables_account,
            write_off_account=row.write_off_account,
            customers=customers.get(row.code, 0),
            default=row.code == DEFAULT_PROFILE,
            version=row.version,
        )
        for row in rows
    ]


def save_posting_profile(
    session: Session,
    profile_id: uuid.UUID | None,
    version: int,
    values: PostingProfileValues,
    *,
    by: uuid.UUID | None,
    now: dt.datetime,
) -> uuid.UUID:
    """Add a profile (``profile_id`` None) or change one read at ``version``."""
    require_administrator(session, by)
    code = checked_code(values.code)
    name = required_text(values.name, _("Name"), max_length=NAME_LENGTH)
    receivables = checked_account(
        values.receivables_account, _("Receivables account"), required=True
    )
    write_off = checked_account(values.write_off_account, _("Write-off account"), required=False)
    if live_clash(session, PostingProfile.code, code, profile_id):
        raise SetupError(_("There is already a posting profile {code}.").format(code=code))
    if profile_id is None:
        profile = tombstoned(session, PostingProfile, PostingProfile.code, code)
        if profile is None:
            profile = PostingProfile(
                code=code,
                name=name,
                receivables_account=receivables,
                write_off_account=write_off,
                updated_at=now,
            )
            session.add(profile)
        else:  # the code of a deleted profile: it comes back with the new values
            profile.name, profile.receivables_account = name, receivables or ""
            profile.write_off_account, profile.deleted_at = write_off, None
            profile.updated_at, profile.version = now, profile.version + 1
        session.flush()
        return profile.id
    profile = _profile(session, profile_id)
    if code != profile.code:
        reason = _in_use(session, profile.code)
        if reason:
            raise SetupError(
                _("The code of {code} cannot change: {reason}").format(
                    code=profile.code, reason=reason
                )
            )
    update_versioned(
        session,
        profile,
        version,
        now=now,
        what=_("Posting profile {code}").format(code=profile.code),
        code=code,
        name=name,
        receivables_account=receivables,
        write_off_account=write_off,
    )
    return profile_id


def delete_posting_profile(
    session: Session,
    profile_id: uuid.UUID,
    version: int,
    *,
    by: uuid.UUID | None,
    now: dt.datetime,
) -> None:
    """Remove a profile nothing uses (a tombstone); never the default one."""
    require_administrator(session, by)
    profile = _profile(session, profile_id)
    reason = _in_use(session, profile.code)
    if reason:
        raise SetupError(
            _("{code} cannot be deleted: {reason}").format(code=profile.code, reason=reason)
        )
    update_versioned(
        session,
        profile,
        version,
        now=now,
        what=_("Posting profile {code}").format(code=profile.code),
        deleted_at=now,
    )


def _in_use(session: Session, code: str) -> str | None:
    """Why the profile ``code`` must stay as it is (None: nothing uses it)."""
    if code == DEFAULT_PROFILE:
        return _("it is the default profile, which new and imported customers get.")
    customers = (
        session.scalar(
            select(func.count()).where(
                Customer.posting_profile == code, Customer.deleted_at.is_(None)
            )
        )
        or 0
    )
    if customers:
        return ngettext("{count} customer has it.", "{count} customers have it.", customers).format(
            count=customers
        )
    posted = session.scalar(
        select(
            exists().where(CustomerTransaction.posting_profile == code)
            | exists().where(JournalLine.posting_profile == code)
        )
    )
    if posted:
        return _("transactions were posted with it.")
    return None


def _profile(session: Session, profile_id: uuid.UUID) -> PostingProfile:
    profile = session.get(PostingProfile, profile_id)
    if profile is None or profile.deleted_at is not None:
        raise SetupError(_("That posting profile no longer exists: reload the list."))
    return profile

"""The CSV profiles saved by name (``bank_csv_profiles``): a bank's layout set up once
and chosen again for the next file from that bank."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from collections_desktop.i18n import _
from collections_desktop.models.bank.formats.csv_profile import CsvProfile, CsvProfileError
from collections_desktop.models.db.schema import BankCsvProfile


def save_profile(session: Session, profile: CsvProfile, now: dt.datetime) -> None:
    """Save ``profile`` under its name: a new row, or the same name's row updated (its
    version counted up). A profile that could read no file is refused."""
    problems = profile.problems()
    if problems:
        raise CsvProfileError(" ".join(problems))
    name = profile.name.strip()
    row = session.scalars(select(BankCsvProfile).where(BankCsvProfile.name == name)).first()
    if row is None:
        session.add(BankCsvProfile(name=name, settings=profile.to_json(), updated_at=now))
        return
    row.settings = profile.to_json()
    row.updated_at = now
    row.version += 1
    row.deleted_at = None


def profiles(session: Session) -> list[CsvProfile]:
    """Every saved profile, by name."""
    rows = session.scalars(
        select(BankCsvProfile)
        .where(BankCsvProfile.deleted_at.is_(None))
        .order_by(BankCsvProfile.name)
    )
    return [_profile(row) for row in rows]


def profile_named(session: Session, name: str) -> CsvProfile | None:
    """The saved profile called ``name``, or ``None``."""
    row = session.scalars(
        select(BankCsvProfile).where(
            BankCsvProfile.name == name.strip(), BankCsvProfile.deleted_at.is_(None)
        )
    ).first()
    return _profile(row) if row is not None else None


def _profile(row: BankCsvProfile) -> CsvProfile:
    try:
        return CsvProfile.from_json(row.settings)
    except (ValueError, TypeError) as error:
        raise CsvProfileError(
            _("The saved CSV profile {name} cannot be read ({error}).").format(
                name=row.name, error=error
            )
        ) from error

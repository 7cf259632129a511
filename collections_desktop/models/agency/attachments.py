"""Files kept with an annotation (a registry extract, a photo) or an expense (its
receipt): PDF or an image, recognised by its content (not its name) and at most
``MAX_ATTACHMENT_BYTES``."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from pathlib import PurePath

from sqlalchemy import select
from sqlalchemy.orm import Session

from collections_desktop.i18n import _
from collections_desktop.models.agency._common import load
from collections_desktop.models.agency.errors import AgencyError
from collections_desktop.models.db.schema import (
    AgencyAnnotation,
    AgencyAttachment,
    AgencyExpense,
    ExpenseState,
)

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"
WEBP = "image/webp"
TIFF = "image/tiff"


def media_type(content: bytes) -> str | None:
    """The type the content's first bytes announce, among the ones kept; else None."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return WEBP
    if content.startswith((b"II*\x00", b"MM\x00*")):
        return TIFF
    return None


def _name(file_name: str) -> str:
    name = PurePath(file_name.replace("\\", "/")).name.strip()
    if not name:
        raise AgencyError(_("The file has no name."))
    return name


def check_attachment(file_name: str, content: bytes) -> str:
    """The file's media type; ``AgencyError`` naming the file when it is empty, too big,
    or neither a PDF nor an image (PNG, JPEG, GIF, WebP, TIFF)."""
    name = _name(file_name)
    if not content:
        raise AgencyError(_("{file} is empty.").format(file=name))
    if len(content) > MAX_ATTACHMENT_BYTES:
        raise AgencyError(
            _(
                "{file} is {size:.1f} MB; a file kept with a case file is at most {limit} MB."
            ).format(
                file=name,
                size=len(content) / (1024 * 1024),
                limit=MAX_ATTACHMENT_BYTES // (1024 * 1024),
            )
        )
    found = media_type(content)
    if found is None:
        raise AgencyError(
            _(
                "{file} is not a PDF or an image (PNG, JPEG, GIF, WebP, TIFF), whatever its "
                "name says; save it as PDF or as an image and attach that."
            ).format(file=name)
        )
    return found


def attach(
    session: Session,
    *,
    annotation_id: uuid.UUID | None = None,
    expense_id: uuid.UUID | None = None,
    file_name: str,
    content: bytes,
    by: uuid.UUID | None,
    now: dt.datetime,
) -> uuid.UUID:
    """Keep the checked file with an annotation or (a receipt) with an expense that is
    still a draft or rejected."""
    if (annotation_id is None) == (expense_id is None):
        raise AgencyError(_("A file is kept with one annotation or one expense."))
    kind = check_attachment(file_name, content)
    if annotation_id is not None:
        load(session, AgencyAnnotation, annotation_id, _("The annotation no longer exists."))
    if expense_id is not None:
        expense = load(session, AgencyExpense, expense_id, _("The expense no longer exists."))
        if expense.state in (ExpenseState.SUBMITTED, ExpenseState.APPROVED):
            raise AgencyError(
                _("The expense is {state}; a receipt can no longer be added.").format(
                    state=_("submitted")
                    if expense.state == ExpenseState.SUBMITTED
                    else _("approved")
                )
            )
    made = AgencyAttachment(
        annotation_id=annotation_id,
        expense_id=expense_id,
        file_name=_name(file_name)[:255],
        media_type=kind,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        added_by_id=by,
        added_at=now,
        updated_at=now,
        version=1,
    )
    session.add(made)
    session.flush()
    return made.id


def read_attachment(session: Session, attachment_id: uuid.UUID) -> tuple[str, str, bytes]:
    """The file's name, media type and content."""
    row = session.execute(
        select(
            AgencyAttachment.file_name, AgencyAttachment.media_type, AgencyAttachment.content
        ).where(AgencyAttachment.id == attachment_id, AgencyAttachment.deleted_at.is_(None))
    ).first()
    if row is None:
        raise AgencyError(_("The file no longer exists."))
    return row.file_name, row.media_type, bytes(row.content)

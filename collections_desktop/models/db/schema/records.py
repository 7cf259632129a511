"""Records of calls and actions: the results a record may have (a set-up list).

A record itself is a closed activity (``Activity``) whose ``result`` holds one of these
codes; see ``models/casework/records.py``.
"""

from __future__ import annotations

import uuid

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from collections_desktop.models.db.schema.base import Base, Mutable, primary_id


class RecordResult(Mutable, Base):
    """What came of a call or an action (reached, no answer, promised…); ``name`` is in
    the company's language, other languages are business texts."""

    __tablename__ = "record_results"
    id: Mapped[uuid.UUID] = primary_id()
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

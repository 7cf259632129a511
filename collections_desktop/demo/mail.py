"""The demo's mail set-up: the standard templates come with every company
(``models/company/reference.py``); the demo also names a mail server, a relay on this
computer (``localhost:1025``, such as MailHog or ``python -m aiosmtpd -n``), so template
e-mails can be tried without sending anything to the demo's invented customers."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Connection, insert

from collections_desktop.models.db.schema import MailServer

DEMO_RELAY = ("localhost", 1025)
DEMO_SENDER = "collections@demo-company.example"


def write_demo_mail(
    connection: Connection, row_id: uuid.UUID, company_name: str, now: dt.datetime
) -> None:
    """The demo's mail server row (its id from the demo's seeded generator)."""
    host, port = DEMO_RELAY
    connection.execute(
        insert(MailServer).values(
            id=row_id,
            method="smtp",
            host=host,
            port=port,
            security="none",
            user_name="",
            from_address=DEMO_SENDER,
            from_name=company_name,
            updated_at=now,
            version=1,
        )
    )

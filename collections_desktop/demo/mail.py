"""The demo's mail set-up: the standard templates come with every company
(``models/company/reference.py``); the demo also names a mail server, a relay on this
computer (``localhost:1025``, such as MailHog or ``python -m aiosmtpd -n``), so template
e-mails can be tried without sending anything to the demo's invented customers."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, insert

from collections_desktop.models.db.schema import MailServer
from collections_desktop.models.db.types import new_id

DEMO_RELAY = ("localhost", 1025)
DEMO_SENDER = "collections@demo-company.example"


def write_demo_mail(connection: Connection, company_name: str, now: dt.datetime) -> None:
    """The demo's mail server row."""
    host, port = DEMO_RELAY
    connection.execute(
        insert(MailServer).values(
            id=new_id(),
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

"""What the pages say about a stored snapshot: when it was taken, by whom, of how many.

The figures of the list pages are as old as the snapshot they read, so the Aged balances
and Collections pages name it in the same words.
"""

from __future__ import annotations

import datetime as dt

from collections_desktop.formatting import Formats
from collections_desktop.i18n import _, ngettext
from collections_desktop.models.screens.aged_balances import SnapshotHeader


def snapshot_taken(
    as_of: dt.date, created_at: dt.datetime, formats: Formats, user: str | None = None
) -> str:
    """ "taken at 6:00 AM (by lfernandez)" on its own as-of day, else "taken Nov 24, 2026,
    6:00 AM": the words differ with a time alone ("a las 6:00", "le 24 nov."). Every page
    that names a snapshot (Overview, Aged balances, Collections) says it this way."""
    if created_at.astimezone().date() == as_of:
        time = formats.time(created_at)
        if user:
            return _("taken at {time} by {user}").format(time=time, user=user)
        return _("taken at {time}").format(time=time)
    moment = formats.moment(created_at)
    if user:
        return _("taken {moment} by {user}").format(moment=moment, user=user)
    return _("taken {moment}").format(moment=moment)


def snapshot_sentence(snapshot: SnapshotHeader, formats: Formats, shown: int | None = None) -> str:
    """ "Snapshot of Nov 23, 2026, taken at 6:00 AM by lfernandez · 2,000 customers with
    open items"."""
    taken = snapshot_taken(snapshot.as_of, snapshot.created_at, formats, snapshot.user_name)
    count = snapshot.customer_count if shown is None else shown
    # A snapshot holds the customers with something open: say so, as the Overview counts
    # every customer of the pool.
    customers = ngettext(
        "{count} customer with open items", "{count} customers with open items", count
    ).format(count=formats.count(count))
    return _("Snapshot of {date}, {taken} · {customers}").format(
        date=formats.date(snapshot.as_of), taken=taken, customers=customers
    )

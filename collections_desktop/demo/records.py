"""The demo's records: the collectors' recent calls get the result a collector noted.

The demo already logs calls (closed actions of category CALL: reminders and calls where a
customer promised to pay). Those of the last ``MONTHS`` months become records: a call
about a promise *promised to pay*, the others spread over reached, no answer, left a
message, wrong number and refused by the last digit of the activity's number, so the
demo is the same for a seed and the reports have data on a first start. One UPDATE.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, case, func, update

from collections_desktop.models.db.schema import Activity, ActivityType

MONTHS = 6
"""How far back the calls get their results."""

_BY_DIGIT = {
    "0": "REACHED", "1": "REACHED", "2": "REACHED", "3": "REACHED", "4": "NO_ANSWER",
    "5": "NO_ANSWER", "6": "MESSAGE", "7": "MESSAGE", "8": "WRONG_NUMBER", "9": "REFUSED",
}  # fmt: skip


def add_results(connection: Connection, today: dt.date) -> int:
    """Give the recent closed calls their results; returns how many."""
    since = dt.datetime.combine(today - dt.timedelta(days=30 * MONTHS), dt.time(), dt.UTC)
    digit = func.substr(Activity.number, func.length(Activity.number), 1)
    result = case(
        (Activity.purpose.like("%promise"), "PROMISED"),
        else_=case(_BY_DIGIT, value=digit, else_="REACHED"),
    )
    done = connection.execute(
        update(Activity)
        .where(
            Activity.type == ActivityType.ACTION,
            Activity.category == "CALL",
            Activity.closed.is_(True),
            Activity.end_at >= since,
        )
        .values(result=result)
    )
    return int(done.rowcount or 0)

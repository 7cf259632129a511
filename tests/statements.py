"""Counting the SQL statements a block of code runs (transaction control left out)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine, event


def statements(engine: Engine) -> tuple[list[str], Callable[[], None]]:
    """Record the statements ``engine`` runs until the returned ``stop`` is called.

    The ``BEGIN`` that SQLite connections emit for every transaction is not a query and
    is not counted.
    """
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if not statement.startswith("BEGIN"):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    return seen, lambda: event.remove(engine, "before_cursor_execute", record)

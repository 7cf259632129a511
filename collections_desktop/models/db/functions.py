"""SQL expressions whose spelling differs between SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnExpressionArgument, Date, Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement


class days_between(FunctionElement[int]):
    """Whole days from the second date to the first (``later - earlier``)."""

    type = Integer()
    inherit_cache = True

    def __init__(
        self,
        later: ColumnExpressionArgument[dt.date | None],
        earlier: ColumnExpressionArgument[dt.date | None],
    ) -> None:
        super().__init__(later, earlier)


@compiles(days_between, "sqlite")
def _days_between_sqlite(element: days_between, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


@compiles(days_between, "postgresql")
def _days_between_postgresql(element: days_between, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"({later} - {earlier})"


class utc_date(FunctionElement[dt.date]):
    """The UTC calendar day of a timestamp (``UtcDateTime``): ``date(t)`` on SQLite, which
    keeps UTC text, and the day of ``t`` at UTC on PostgreSQL."""

    type = Date()
    inherit_cache = True

    def __init__(self, stamp: ColumnExpressionArgument[dt.datetime | None]) -> None:
        super().__init__(stamp)


@compiles(utc_date, "sqlite")
def _utc_date_sqlite(element: utc_date, compiler: Any, **kw: Any) -> str:
    (stamp,) = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"date({stamp})"


@compiles(utc_date, "postgresql")
def _utc_date_postgresql(element: utc_date, compiler: Any, **kw: Any) -> str:
    (stamp,) = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(timezone('UTC', {stamp}) AS DATE)"

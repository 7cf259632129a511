"""SQL expressions whose spelling differs between SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnExpressionArgument, Date, Integer, String
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


class sort_text(FunctionElement[str]):
    """Text as Python sorts it casefolded (the grids' order): lower-cased and compared by
    code point, a blank ('') as NULL. SQLite's BINARY compares by code point already;
    PostgreSQL's default collation would not (it weighs letters before punctuation), so
    ``COLLATE "C"`` there. ``lower`` folds ASCII letters as ``casefold`` does; other
    letters may fold otherwise (SQLite folds only ASCII)."""

    type = String()
    inherit_cache = True

    def __init__(self, text: ColumnExpressionArgument[str | None]) -> None:
        super().__init__(text)


@compiles(sort_text)
def _sort_text(element: sort_text, compiler: Any, **kw: Any) -> str:
    (text,) = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"nullif(lower({text}), '')"


@compiles(sort_text, "postgresql")
def _sort_text_postgresql(element: sort_text, compiler: Any, **kw: Any) -> str:
    (text,) = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"nullif(lower({text}), '') COLLATE \"C\""

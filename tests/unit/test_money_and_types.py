"""Exact money in Python and in storage; time-ordered keys; UTC timestamps."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Column, MetaData, Table, create_engine, func, insert, select

from collections_desktop.models.db.types import Money, UtcDateTime, UuidKey, new_id
from collections_desktop.models.money import MoneyError, round_money, to_money


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12.34", Decimal("12.34")), (" -0.5 ", Decimal("-0.5")), (7, Decimal(7))],
)
def test_to_money_accepts_exact_values(value, expected) -> None:
    assert to_money(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (0.1, "not floating-point"),
        ("12,34", "is not an amount"),
        ("NaN", "is not an amount"),
        ("1.23456", "more than 4 decimal places"),
        ("100000000000000", "too large"),
    ],
)
def test_to_money_refuses_inexact_or_bad_values(value, message) -> None:
    with pytest.raises(MoneyError, match=message):
        to_money(value)


def test_currency_places_are_enforced_not_rounded() -> None:
    with pytest.raises(MoneyError, match="more than 0 decimal places"):
        to_money("100.5", places=0)
    assert round_money(Decimal("2.345"), 2) == Decimal("2.34")  # half-even
    assert round_money(Decimal("2.355"), 2) == Decimal("2.36")


@given(st.lists(st.decimals(min_value=-(10**9), max_value=10**9, places=4), max_size=40))
def test_money_column_round_trips_and_sums_exactly(values) -> None:
    engine = create_engine("sqlite://")
    table = Table("t", MetaData(), Column("amount", Money()))
    table.metadata.create_all(engine)  # a throw-away in-memory table, not a user's file
    with engine.begin() as connection:
        if values:
            connection.execute(insert(table), [{"amount": v} for v in values])
        stored = connection.execute(select(table.c.amount)).scalars().all()
        total = connection.execute(select(func.coalesce(func.sum(table.c.amount), 0))).scalar()
    assert stored == values
    assert total == sum(values, Decimal(0))


def test_money_results_show_cents_when_exact() -> None:
    money = Money()
    assert str(money.process_result_value(1234500, None)) == "123.45"
    assert str(money.process_result_value(1234567, None)) == "123.4567"


def test_keys_are_uuid7_and_ordered_by_time() -> None:
    keys = [new_id() for _ in range(200)]
    assert all(key.version == 7 for key in keys)
    assert len(set(keys)) == 200
    stamps = [key.int >> 80 for key in keys]
    assert stamps == sorted(stamps)


def test_timestamps_must_be_aware_and_come_back_utc() -> None:
    kind = UtcDateTime()
    madrid = dt.timezone(dt.timedelta(hours=1))
    stored = kind.process_bind_param(dt.datetime(2026, 11, 23, 10, tzinfo=madrid), _Dialect())
    assert stored == dt.datetime(2026, 11, 23, 9)
    assert kind.process_result_value(stored, _Dialect()) == dt.datetime(
        2026, 11, 23, 9, tzinfo=dt.UTC
    )
    with pytest.raises(ValueError, match="timezone-aware"):
        kind.process_bind_param(dt.datetime(2026, 11, 23, 10), _Dialect())


class _Dialect:
    name = "sqlite"


@given(st.uuids())
def test_a_key_made_as_an_integer_is_stored_like_the_uuid(key) -> None:
    from sqlalchemy.dialects import postgresql, sqlite

    for dialect in (sqlite.dialect(), postgresql.dialect()):
        stored = UuidKey().bind_function(dialect)(key)
        assert UuidKey().int_bind_function(dialect)(key.int) == stored

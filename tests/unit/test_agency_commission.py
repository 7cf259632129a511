"""Commission to the cent and instalments judged like promises to pay."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from collections_desktop.models.agency.commission import commission, rate, share
from collections_desktop.models.agency.instalments import InstalmentOutcome, grace_days, judge
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import ReceivablesParameters

D = dt.date
M = Decimal
BANDS = [(365, M("30")), (180, M("25"))]  # in any order


@pytest.mark.parametrize(
    ("age", "expected"),
    [(-5, "20"), (0, "20"), (179, "20"), (180, "25"), (364, "25"), (365, "30"), (4000, "30")],
)
def test_rate_by_age_band(age: int, expected: str) -> None:
    assert rate(M("20"), BANDS, age) == M(expected)


def test_rate_without_bands_is_the_clients() -> None:
    assert rate(M("12.5"), [], 900) == M("12.5")


@pytest.mark.parametrize(
    ("amount", "percent", "expected"),
    [
        ("150.10", "15", "22.52"),  # 22.515: half up
        ("-150.10", "15", "-22.52"),  # a reversal takes back exactly as much
        ("400.10", "15", "60.02"),  # 60.015
        ("-400.10", "15", "-60.02"),
        ("33.33", "20", "6.67"),  # 6.666
        ("0.05", "10", "0.01"),  # 0.005
        ("0.04", "10", "0.00"),  # 0.004
        ("1234.5678", "12.5", "154.32"),  # 154.320975
        ("100", "0", "0.00"),
    ],
)
def test_commission_to_the_cent_half_up(amount: str, percent: str, expected: str) -> None:
    result = commission(M(amount), M(percent))
    assert result == M(expected)
    assert result.as_tuple().exponent == -2


def test_share_of_commission() -> None:
    assert share(M("6.67"), M("12.5")) == M("0.83")  # 0.83375
    assert share(M("22.52"), M("10")) == M("2.25")  # 2.252
    assert share(M("-60.02"), M("12.5")) == M("-7.50")  # -7.5025
    assert share(M("0.20"), M("12.5")) == M("0.03")  # 0.025: half up


def test_totals_are_sums_of_rounded_lines() -> None:
    lines = [commission(M("0.05"), M("10")) for _ in range(3)]
    assert sum(lines) == M("0.03")  # not 0.015 rounded to 0.02


AS_OF = D(2026, 11, 23)
PLAN = [(D(2026, 10, 10), M("100")), (D(2026, 11, 10), M("100")), (D(2026, 12, 10), M("100"))]


def outcomes(result: list[tuple[Decimal, InstalmentOutcome]]) -> list[tuple[Decimal, str]]:
    return [(paid, outcome.value) for paid, outcome in result]


def test_kept_partly_kept_open() -> None:
    payments = [(D(2026, 10, 9), M("100")), (D(2026, 11, 12), M("40"))]
    assert outcomes(judge(PLAN, payments, as_of=AS_OF, grace_days=3)) == [
        (M("100"), "kept"),
        (M("40"), "partly_kept"),
        (M("0"), "open"),
    ]


def test_grace_days_like_promises() -> None:
    """A payment counts through the due date + grace; the instalment is judged only on
    the day after (on that very day it is still open)."""
    plan = [(D(2026, 11, 10), M("100"))]
    late = [(D(2026, 11, 13), M("100"))]
    assert outcomes(judge(plan, late, as_of=D(2026, 11, 20), grace_days=3)) == [(M("100"), "kept")]
    too_late = [(D(2026, 11, 14), M("100"))]
    assert outcomes(judge(plan, too_late, as_of=D(2026, 11, 20), grace_days=3)) == [
        (M("0"), "broken")
    ]
    assert outcomes(judge(plan, [], as_of=D(2026, 11, 13), grace_days=3)) == [(M("0"), "open")]
    assert outcomes(judge(plan, [], as_of=D(2026, 11, 14), grace_days=3)) == [(M("0"), "broken")]
    assert outcomes(judge(plan, [], as_of=D(2026, 11, 11), grace_days=0)) == [(M("0"), "broken")]


def test_payments_fill_instalments_in_due_order() -> None:
    payments = [(D(2026, 10, 1), M("250"))]  # early: fills the first two, half the third
    assert outcomes(judge(PLAN, payments, as_of=AS_OF, grace_days=3)) == [
        (M("100"), "kept"),
        (M("100"), "kept"),
        (M("50"), "open"),
    ]
    shuffled = [PLAN[2], PLAN[0], PLAN[1]]  # returned in the order given
    assert outcomes(judge(shuffled, payments, as_of=AS_OF, grace_days=3)) == [
        (M("50"), "open"),
        (M("100"), "kept"),
        (M("100"), "kept"),
    ]


def test_reversal_takes_money_back() -> None:
    payments = [(D(2026, 10, 5), M("200")), (D(2026, 11, 1), M("-200"))]
    assert outcomes(judge(PLAN, payments, as_of=AS_OF, grace_days=3)) == [
        (M("100"), "kept"),  # judged on 14 Oct, with the 200 then paid
        (M("0"), "broken"),  # by 13 Nov nothing was left for it
        (M("0"), "open"),
    ]


def test_late_money_does_not_mend_a_broken_instalment() -> None:
    payments = [(D(2026, 10, 20), M("100"))]
    assert outcomes(judge(PLAN, payments, as_of=AS_OF, grace_days=3)) == [
        (M("0"), "broken"),  # due 10 Oct (13 Oct with grace), paid on the 20th
        (M("0"), "broken"),  # the 100 went to the first: 200 were due by 13 Nov, 100 paid
        (M("0"), "open"),
    ]


def test_cancelled_plan() -> None:
    payments = [(D(2026, 10, 9), M("100")), (D(2026, 11, 20), M("100"))]
    result = judge(PLAN, payments, as_of=AS_OF, grace_days=3, cancelled_on=D(2026, 11, 12))
    assert outcomes(result) == [
        (M("100"), "kept"),  # judged before the cancellation
        (M("0"), "cancelled"),  # 13 Nov, its last day, came after the cancellation
        (M("0"), "cancelled"),
    ]
    before = judge(PLAN, [], as_of=D(2026, 11, 1), grace_days=3, cancelled_on=D(2026, 11, 12))
    assert outcomes(before) == [(M("0"), "broken"), (M("0"), "open"), (M("0"), "open")]


def test_grace_days_from_the_receivables_parameters(sqlite_db: Database) -> None:
    with sqlite_db.sessions.begin() as session:
        assert grace_days(session) == 3
        parameters = session.query(ReceivablesParameters).one()
        parameters.promise_tolerance_days = 5
    with sqlite_db.sessions() as session:
        assert grace_days(session) == 5

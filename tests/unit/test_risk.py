"""The risk score formula on hand-made payment histories."""

from __future__ import annotations

from decimal import Decimal

import pytest

from collections_desktop.models.aging.risk import RiskFactors, risk_parts, risk_score

D = Decimal


def test_a_customer_with_no_history_scores_zero() -> None:
    assert risk_score(RiskFactors()) == 0


def test_always_on_time_and_well_inside_the_limit_scores_zero() -> None:
    factors = RiskFactors(
        recent_invoices=12,
        late_invoices=0,
        weighted_days_late=0,
        weights=18,
        balance=D("2400.00"),
        credit_limit=D("10000.00"),
    )
    assert risk_score(factors) == 0


def test_a_chronic_late_payer_near_the_limit() -> None:
    """Ten recent invoices, all late, 60 days on average; 90 % of the limit; one broken promise."""
    factors = RiskFactors(
        recent_invoices=10,
        late_invoices=10,
        weighted_days_late=900,  # 15 weights x 60 days
        weights=15,
        balance=D("9000.00"),
        credit_limit=D("10000.00"),
        broken_promises=1,
    )
    assert risk_parts(factors) == {
        "days_late": D(35),
        "late_share": D(25),
        "disputes": D(0),
        "utilisation": D("12.0"),  # (0.9 - 0.5) / 0.5 x 15
        "broken_promises": D(5),
    }
    assert risk_score(factors) == 77


def test_every_part_at_its_cap_scores_one_hundred() -> None:
    factors = RiskFactors(
        recent_invoices=4,
        late_invoices=4,
        weighted_days_late=4 * 2 * 150,
        weights=8,
        balance=D("5000.00"),
        disputed_amount=D("9000.00"),  # more than the balance: capped
        credit_limit=D("1000.00"),  # five times over the limit: capped
        broken_promises=7,
    )
    assert risk_score(factors) == 100


def test_recent_lateness_weighs_twice() -> None:
    """The same days late score higher when they fall in the last 90 days (weight 2)."""
    old = RiskFactors(recent_invoices=2, late_invoices=1, weighted_days_late=30, weights=2)
    new = RiskFactors(recent_invoices=2, late_invoices=1, weighted_days_late=60, weights=3)
    assert risk_parts(old)["days_late"] == D("8.75")  # 15 days on average
    assert risk_parts(new)["days_late"] == D(35) * D(20) / D(60)  # 60 / 3 = 20 days
    assert risk_score(new) > risk_score(old)


@pytest.mark.parametrize(
    ("balance", "expected"),
    [
        (D("-500.00"), 0),  # a credit balance is no risk
        (D("0.00"), 0),
        (D("5000.00"), 0),  # half the limit: still nothing
        (D("7500.00"), 8),  # 7.5 rounds half up
        (D("10000.00"), 15),
        (D("25000.00"), 15),
    ],
)
def test_utilisation_counts_from_half_the_limit(balance: Decimal, expected: int) -> None:
    factors = RiskFactors(balance=balance, credit_limit=D("10000.00"))
    assert risk_score(factors) == expected


def test_without_a_credit_limit_utilisation_does_not_count() -> None:
    assert risk_score(RiskFactors(balance=D("99999.00"), credit_limit=None)) == 0
    assert risk_score(RiskFactors(balance=D("99999.00"), credit_limit=D("0"))) == 0


def test_disputes_count_as_a_share_of_the_balance() -> None:
    factors = RiskFactors(balance=D("1000.00"), disputed_amount=D("250.00"))
    assert risk_parts(factors)["disputes"] == D("3.75")
    assert risk_score(factors) == 4

"""Every CSV export writes text a spreadsheet cannot run, and amounts as numbers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from decimal import Decimal
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from collections_desktop.models.aging.report import to_csv
from collections_desktop.models.screens.aged_balances import AgedBalanceRow, aged_balances_csv
from collections_desktop.models.screens.exports import (
    csv_text,
    export_cell,
    neutralise,
    xlsx_bytes,
)

ATTACKS = [
    '=HYPERLINK("http://evil.example","Click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", ATTACKS)
def test_text_that_starts_a_formula_gets_a_quote(text: str) -> None:
    assert neutralise(text) == "'" + text
    assert export_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["Ruiz Hermanos SL", "", "A=B", "1-30 days", "'quoted"])
def test_other_text_is_written_as_it_is(text: str) -> None:
    assert neutralise(text) == text


def test_amounts_stay_numbers_even_when_negative() -> None:
    assert export_cell(Decimal("-50")) == "-50.00"
    assert export_cell(Decimal("-0.005")) == "-0.005"
    assert export_cell(Decimal("1234.5")) == "1234.50"
    assert export_cell(-3) == "-3"
    assert export_cell(None) == ""
    # The same characters as text are neutralised: only real amounts are numbers.
    assert export_cell("-50.00") == "'-50.00"


def test_csv_text_neutralises_header_and_text_cells_only() -> None:
    text = csv_text(["name", "=label", "amount"], [["=1+1", "x", Decimal("-12.5")]])
    assert list(csv.reader(io.StringIO(text))) == [
        ["name", "'=label", "amount"],
        ["'=1+1", "x", "-12.50"],
    ]


def _fake_aged_row(account: str, name: str) -> AgedBalanceRow:
    return AgedBalanceRow(
        customer_id=uuid.uuid4(),
        account=account,
        name=name,
        columns=(Decimal("-50"),),
        balance=Decimal("-50"),
        past_due=Decimal("0"),
        credit_limit=None,
        available_credit=None,
        risk_score=0,
        oldest_past_due_days=None,
        account_status="active",
    )


def test_the_aged_balances_export_neutralises_names_and_keeps_negative_amounts() -> None:
    row = _fake_aged_row(account="-7", name='=HYPERLINK("http://x")')
    text = aged_balances_csv(["Current"], [row])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][:4] == ["'-7", '\'=HYPERLINK("http://x")', "-50.00", "-50.00"]
    assert rows[2][:4] == ["TOTAL", "", "-50.00", "-50.00"]


def test_the_aging_csv_neutralises_names_and_keeps_negative_amounts() -> None:
    row = SimpleNamespace(
        account="@1", name="+cmd|' /C calc'!A0", columns=(Decimal("-50"),), balance=Decimal("-50")
    )
    result = SimpleNamespace(
        definition=SimpleNamespace(labels=("Unapplied",)),
        rows=(row,),
        totals=(Decimal("-50"),),
        balance=Decimal("-50"),
    )
    rows = list(csv.reader(io.StringIO(to_csv(result))))  # type: ignore[arg-type]
    assert rows[1] == ["'@1", "'+cmd|' /C calc'!A0", "-50.00", "-50.00"]
    assert rows[2] == ["TOTAL", "", "-50.00", "-50.00"]


def test_an_xlsx_keeps_numbers_and_dates_and_neutralises_formulas() -> None:
    data = xlsx_bytes(
        ["Customer", "Balance", "Due"],
        [["=HYPERLINK(1)", Decimal("-1234.50"), dt.date(2026, 11, 3)], ["Ruiz", 7, None]],
        title="Customers without action",
        filters=[("Pool", "Iberia")],
    )
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Customers without action"
    assert rows[1][0] == "Pool: Iberia"
    assert rows[3] == ("Customer", "Balance", "Due")
    assert rows[4] == ("'=HYPERLINK(1)", -1234.5, dt.datetime(2026, 11, 3))
    assert rows[5] == ("Ruiz", 7, None)
    assert sheet.cell(5, 2).number_format == "#,##0.00;-#,##0.00"
    assert sheet.title == "Customers without action"[:31]

"""``collections-desktop predict`` on the IBM sample ledger: the back-test's four lines, the
model ahead of every baseline, and a refused cut-off said plainly."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.test_cli_import import MAPPING, company, data

__all__ = ["company"]


@pytest.fixture
def ibm(run_cli, company: Path) -> Path:
    ledger = data("ibm/WA_Fn-UseC_-Accounts-Receivable.csv")
    done = run_cli(
        "import", "receivables", str(ledger), "--mapping", str(MAPPING), "--database", str(company)
    )
    assert done.returncode == 0, done.stderr
    return company


def test_the_backtest_prints_each_method_and_the_model_beats_every_baseline(run_cli, ibm) -> None:
    done = run_cli("predict", "backtest", "--cutoff", "2013-01-01", "--database", str(ibm))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == (
        "Learned from the invoices settled before Jan 1, 2013; tested on the invoices issued "
        "from it."
    )
    scores = {}
    for line in lines[1:]:
        name, rest = line.split("  ", 1)
        count, mae = rest.strip().split("  ")
        assert count == "1,189 invoices"
        assert mae.startswith("MAE ")
        assert mae.endswith(" days")
        scores[name.strip()] = float(mae.split()[1])
    # The baselines are plain arithmetic on the sample: exact to the hundredth.
    assert {k: scores[k] for k in ("due date", "customer mean", "customer mean by dispute")} == {
        "due date": 11.03,
        "customer mean": 7.00,
        "customer mean by dispute": 5.95,
    }
    assert scores["model"] < min(scores["due date"], scores["customer mean"])
    assert scores["model"] < scores["customer mean by dispute"]


def test_a_cutoff_after_every_invoice_is_refused_plainly(run_cli, ibm) -> None:
    done = run_cli("predict", "backtest", "--cutoff", "2030-01-01", "--database", str(ibm))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "error: No settled invoice was issued on or after the cut-off: choose an earlier date.\n"
    )
    done = run_cli("predict", "backtest", "--cutoff", "1 Jan", "--database", str(ibm))
    assert done.returncode == 2
    assert done.stderr == "error: --cutoff must be a date like 2013-01-01\n"

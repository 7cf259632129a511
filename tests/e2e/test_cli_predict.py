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


@pytest.mark.parametrize(
    ("cutoff", "said", "tested", "baselines"),
    [
        ("2013-01-01", "Jan 1, 2013", "1,189", (11.03, 7.00, 5.95)),
        ("2013-04-01", "Apr 1, 2013", "872", (11.05, 6.82, 5.74)),
        ("2013-07-01", "Jul 1, 2013", "536", (11.11, 6.71, 5.50)),
    ],
)
def test_the_backtest_prints_each_method_and_the_model_beats_every_baseline(
    run_cli, ibm, cutoff: str, said: str, tested: str, baselines: tuple[float, float, float]
) -> None:
    """The three cut-offs docs/PERFORMANCE.md reports."""
    done = run_cli("predict", "backtest", "--cutoff", cutoff, "--database", str(ibm))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == (
        f"Learned from the invoices settled before {said}; tested on the invoices issued from it."
    )
    scores = {}
    for line in lines[1:]:
        name, rest = line.split("  ", 1)
        count, mae = rest.strip().split("  ")
        assert count == f"{tested} invoices"
        assert mae.startswith("MAE ")
        assert mae.endswith(" days")
        scores[name.strip()] = float(mae.split()[1])
    # The baselines are plain arithmetic on the sample: exact to the hundredth.
    names = ("due date", "customer mean", "customer mean by dispute")
    assert tuple(scores[name] for name in names) == baselines
    assert scores["model"] < min(baselines)


def test_a_cutoff_after_every_invoice_is_refused_plainly(run_cli, ibm) -> None:
    done = run_cli("predict", "backtest", "--cutoff", "2030-01-01", "--database", str(ibm))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "error: No settled invoice was issued on or after the cut-off: choose an earlier date.\n"
    )
    done = run_cli("predict", "backtest", "--cutoff", "1 Jan", "--database", str(ibm))
    assert done.returncode == 2
    assert done.stderr == "error: --cutoff must be a date like 2013-01-01\n"

"""``predict backtest`` measures the pay-date predictions against three simple guesses;
``predict run`` predicts the open invoices now (all, or one customer's) and stores them."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import TYPE_CHECKING

from collections_desktop.cli.common import EXIT_OK, CommandError, as_of, opened_database
from collections_desktop.formatting import text_formats
from collections_desktop.i18n import _, ngettext

if TYPE_CHECKING:
    from collections_desktop.models.predict.store import PredictionRun


def backtest(args: argparse.Namespace) -> int:
    """Learn from what was settled before ``--cutoff``, predict what was issued from it, and
    print each method's mean absolute error in days."""
    from collections_desktop.models.predict.backtest import BacktestError
    from collections_desktop.models.predict.backtest import backtest as run_backtest

    try:
        cutoff = dt.date.fromisoformat(args.cutoff)
    except ValueError as error:
        raise CommandError(_("error: --cutoff must be a date like 2013-01-01")) from error
    with (
        opened_database(args, refused=(BacktestError,)) as database,
        database.sessions() as session,
    ):
        scores = run_backtest(session, cutoff)
    formats = text_formats()
    names = [_(score.method) for score in scores]
    width = max(map(len, names))
    print(
        _("Learned from the invoices settled before {date}; tested on the invoices issued from it.")
        .format(date=formats.date(cutoff))
    )  # fmt: skip
    for name, score in zip(names, scores, strict=True):
        invoices = ngettext("{count} invoice", "{count} invoices", score.count).format(
            count=formats.count(score.count)
        )
        mae = _("MAE {value} days").format(value=f"{score.mean_absolute_error:.2f}")
        print(f"{name.ljust(width)}  {invoices:>16}  {mae}")
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    """Predict the open invoices (of ``--customer``, else all) and store the predictions."""
    from collections_desktop.kernel.clock import SystemClock
    from collections_desktop.models.casework.activities import ActivityError, find_customer
    from collections_desktop.models.db.writing import write_transaction
    from collections_desktop.models.people.scope import company_scope
    from collections_desktop.models.predict.store import predict_open_invoices

    clock = SystemClock()
    day = as_of(args, clock.today())
    with (
        opened_database(args, refused=(ActivityError,)) as database,
        write_transaction(database, run="predict", what=_("predictions")) as session,
    ):
        customers = None
        if args.customer:
            customers = [find_customer(session, company_scope(session), args.customer, day)]
        result = predict_open_invoices(session, day, clock.now(), customers)
    print(describe_run(result))
    return EXIT_OK


def describe_run(run: PredictionRun) -> str:
    """What a prediction run did, in one line."""
    formats = text_formats()
    return _(
        "Open invoices predicted: {count}; customers: {customers}; settled invoices "
        "learned from: {learned}."
    ).format(
        count=formats.count(run.predicted),
        customers=formats.count(run.customers),
        learned=formats.count(run.learned_from),
    )

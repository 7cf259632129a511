"""``aging`` prints the aged balances of a scope; ``snapshot`` stores them and prints the sums."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from collections_desktop.cli.common import EXIT_OK, as_of, opened_database, scope_and_pool
from collections_desktop.formatting import text_formats
from collections_desktop.i18n import _, ngettext

if TYPE_CHECKING:
    from collections_desktop.models.aging.snapshot import SnapshotSummary


def aging(args: argparse.Namespace) -> int:
    """Print the aged balance of every customer as of a date (table, CSV or JSON)."""
    from collections_desktop.kernel.clock import SystemClock
    from collections_desktop.models.aging.definitions import (
        AgingDefinitionError,
        definition_id_by_name,
    )
    from collections_desktop.models.aging.report import to_csv, to_json, to_table
    from collections_desktop.models.aging.snapshot import age_customers
    from collections_desktop.models.people.pools import PoolError
    from collections_desktop.models.people.scope import ScopeError

    day = as_of(args, SystemClock().today())
    refused = (AgingDefinitionError, PoolError, ScopeError)
    with opened_database(args, refused=refused) as database, database.sessions() as session:
        scope, pool_id = scope_and_pool(session, args)
        definition = args.definition and definition_id_by_name(session, args.definition)
        result = age_customers(
            session, day, scope, pool_id=pool_id, definition_id=definition or None
        )
    if args.format == "csv":
        sys.stdout.write(to_csv(result))
    elif args.format == "json":
        sys.stdout.write(to_json(result, args.pool))
    else:
        sys.stdout.write(to_table(result, text_formats()))
    return EXIT_OK


def snapshot(args: argparse.Namespace) -> int:
    """Store an aging snapshot of the scope in one transaction and print its summary; then
    predict its customers' pay dates (read, then a short write) and say how many."""
    from collections_desktop.cli.predict import describe_run
    from collections_desktop.kernel.clock import SystemClock
    from collections_desktop.models.aging.definitions import AgingDefinitionError
    from collections_desktop.models.aging.snapshot import snapshot_customers, take_snapshot
    from collections_desktop.models.db.writing import write_transaction
    from collections_desktop.models.people.pools import PoolError
    from collections_desktop.models.people.scope import ScopeError
    from collections_desktop.models.predict.store import prepare_predictions, store_predictions

    clock = SystemClock()
    day = as_of(args, clock.today())
    refused = (AgingDefinitionError, PoolError, ScopeError)
    with opened_database(args, refused=refused) as database:
        with write_transaction(database, run="snapshot", what=_("snapshot")) as session:
            scope, pool_id = scope_and_pool(session, args)
            summary = take_snapshot(session, day, scope, clock.now(), pool_id=pool_id)
        print(describe_snapshot(summary))
        with database.sessions() as session:
            prepared = prepare_predictions(
                session, day, where=snapshot_customers(scope, day, pool_id)
            )
        with write_transaction(database, run="predict", what=_("predictions")) as session:
            print(describe_run(store_predictions(session, prepared, clock.now())))
    return EXIT_OK


def describe_snapshot(summary: SnapshotSummary) -> str:
    """The snapshot's summary: what was stored, then the total of each aging period."""
    formats = text_formats()
    lines = [
        ngettext(
            "Snapshot {id} stored: {count} customer as of {date}, definition “{definition}”, "
            "{pool}.",
            "Snapshot {id} stored: {count} customers as of {date}, definition “{definition}”, "
            "{pool}.",
            summary.customer_count,
        ).format(
            id=summary.id,
            count=formats.count(summary.customer_count),
            date=formats.date(summary.as_of),
            definition=summary.definition_name,
            pool=_("pool “{name}”").format(name=summary.pool_name)
            if summary.pool_name
            else _("all pools"),
        )
    ]
    width = max(map(len, summary.labels), default=0)
    for label, total in zip(summary.labels, summary.totals, strict=True):
        lines.append(f"  {label.ljust(width)}  {formats.amount(total):>18}")
    lines.append(f"  {_('Balance').ljust(width)}  {formats.amount(summary.balance):>18}")
    return "\n".join(lines)

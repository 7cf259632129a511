"""Benchmark: how well and how fast bank statement lines are matched to open items.

    python bench/bank_matching.py DEMO.sqlite                 # 5,000 lines
    python bench/bank_matching.py DEMO.sqlite --lines 300 --seed 3 --camt /tmp/bank.xml

Builds a statement from the demo company's open items with known truth
(``demo/bank_statement.py``), matches it for the whole company (a supervisor's scope) at
the company's confirm confidence, and prints:

- precision: of the lines confirmed automatically (best suggestion at or above the
  threshold), those whose customer and settled documents are the truth's;
- recall: of the lines that are a customer's payment, those confirmed correctly;
- both per rule (the rule of the best suggestion) and per kind of line;
- the time ``match_lines`` took (best of ``--repeat``), the data size and the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select

from collections_desktop.demo.bank_statement import Truth, test_bank, write_camt053
from collections_desktop.kernel.clock import SystemClock
from collections_desktop.models.bank.matching import (
    LineFacts,
    Suggestion,
    match_lines,
    match_settings,
)
from collections_desktop.models.bank.parsed import ParsedStatement
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.db.schema import Customer, CustomerTransaction
from collections_desktop.models.people.scope import company_scope


def line_facts(statement: ParsedStatement) -> list[LineFacts]:
    """The statement's lines as matching reads them, with ids made from their position."""
    return [
        LineFacts(
            id=uuid.UUID(int=position + 1),
            booking_date=line.booking_date,
            amount=line.amount,
            currency=line.currency,
            counterparty_name=line.counterparty_name,
            counterparty_iban=line.counterparty_iban,
            remittance=line.remittance,
            creditor_reference=line.creditor_reference,
            end_to_end_id=line.end_to_end_id,
        )
        for position, line in enumerate(statement.lines)
    ]


def correct(suggestion: Suggestion, truth: Truth) -> bool:
    """The suggestion's customer and documents are the truth's."""
    documents = frozenset(a.document_number for a in suggestion.allocations)
    return suggestion.customer_id == truth.customer_id and documents == truth.documents


def score(
    results: dict[uuid.UUID, tuple[Suggestion, ...]],
    facts: list[LineFacts],
    truths: dict[int, Truth],
    threshold: int,
) -> dict[str, Counter[str]]:
    """Counts per group ("all", "rule:...", "kind:..."): auto, right, payments, found."""
    counts: dict[str, Counter[str]] = {}
    for position, fact in enumerate(facts):
        truth = truths[position]
        best = results[fact.id][0] if results[fact.id] else None
        auto = best is not None and best.confidence >= threshold
        right = auto and best is not None and correct(best, truth)
        groups = ["all", f"kind:{truth.kind}"]
        if auto and best is not None:
            groups.append(f"rule:{best.rule}")
        for group in groups:
            c = counts.setdefault(group, Counter())
            c["lines"] += 1
            c["auto"] += auto
            c["right"] += right
            c["payments"] += truth.customer_id is not None
            c["found"] += right and truth.customer_id is not None
    return counts


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:6.2f} %" if whole else "     - "


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", type=Path)
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=None)
    parser.add_argument("--camt", type=Path, help="also write the statement as camt.053 here")
    parser.add_argument("--misses", type=int, default=0, help="print this many wrong matches")
    args = parser.parse_args(argv)
    if not args.database.exists():
        print(f"{args.database} does not exist", file=sys.stderr)
        return 2
    database = open_company(args.database, clock=SystemClock())
    with database.sessions() as session:
        as_of = args.as_of or session.scalar(select(func.max(CustomerTransaction.posting_date)))
        started = time.perf_counter()
        statement, truths = test_bank(session, as_of, lines=args.lines, seed=args.seed)
        built = time.perf_counter() - started
        if args.camt:
            write_camt053(statement, args.camt)
        facts = line_facts(statement)
        settings = match_settings(session)
        scope = company_scope(session)
        times = []
        for _run in range(args.repeat):
            started = time.perf_counter()
            results = match_lines(session, scope, facts, as_of, settings)
            times.append(time.perf_counter() - started)
            session.rollback()
        customers = session.scalar(select(func.count(Customer.id)))
        transactions = session.scalar(select(func.count(CustomerTransaction.id)))
    database.dispose()

    counts = score(results, facts, truths, settings.confirm_confidence)
    total = counts["all"]
    print(f"database      {args.database.name}: {customers:,} customers, "
          f"{transactions:,} transactions")  # fmt: skip
    print(f"statement     {len(facts):,} lines as of {as_of} (seed {args.seed}), "
          f"built in {built:.2f} s")  # fmt: skip
    print(f"threshold     {settings.confirm_confidence} (tolerance {settings.tolerance_amount} "
          f"or {settings.tolerance_percent} %)")  # fmt: skip
    print(f"match time    {min(times):.3f} s (best of {len(times)}: "
          f"{', '.join(f'{t:.3f}' for t in times)})")  # fmt: skip
    print(f"precision     {_percent(total['right'], total['auto'])}  "
          f"({total['right']:,} right of {total['auto']:,} confirmed automatically)")  # fmt: skip
    print(f"recall        {_percent(total['found'], total['payments'])}  "
          f"({total['found']:,} of {total['payments']:,} customer payments)")  # fmt: skip
    print()
    print(f"{'group':<26}{'lines':>7}{'auto':>7}{'right':>7}{'precision':>11}{'recall':>10}")
    for group in sorted(g for g in counts if g != "all"):
        c = counts[group]
        print(
            f"{group:<26}{c['lines']:>7}{c['auto']:>7}{c['right']:>7}"
            f"{_percent(c['right'], c['auto']):>11}{_percent(c['found'], c['payments']):>10}"
        )
    shown = 0
    for position, fact in enumerate(facts):
        if shown >= args.misses:
            break
        best = results[fact.id][0] if results[fact.id] else None
        truth = truths[position]
        if best and best.confidence >= settings.confirm_confidence and not correct(best, truth):
            shown += 1
            print(f"\nWRONG {truth.kind} {truth.account} {sorted(truth.documents)} {fact}")
            print(f"  -> {best.account} {[a.document_number for a in best.allocations]} "
                  f"{best.confidence} {best.rule}: {best.reason}")  # fmt: skip
    print()
    print(f"machine       {platform.machine()}, {os.cpu_count()} CPUs, {_cpu()}, "
          f"Python {platform.python_version()}")  # fmt: skip
    return 0


def _cpu() -> str:
    try:
        for row in Path("/proc/cpuinfo").read_text().splitlines():
            if row.startswith("model name"):
                return row.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


if __name__ == "__main__":
    sys.exit(main())

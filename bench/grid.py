"""Benchmark: load, sort and filter 100,000 rows in the table model every grid uses.

    QT_QPA_PLATFORM=offscreen python bench/grid.py [ROWS]

Prints the time to load the rows (keys and texts computed once), the first sort of a
column (which orders it once), later sorts both ways, and a filter on a word; the
repeated ones are the best of 5.
"""

from __future__ import annotations

import random
import sys
import time
from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import QCoreApplication, Qt

from collections_desktop.views.itemmodels.rows import Column, RowTableModel


@dataclass(frozen=True)
class Row:
    account: str
    name: str
    balance: Decimal
    risk: int


def best(run, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times) * 1000


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    app = QCoreApplication.instance() or QCoreApplication([])
    rng = random.Random(1)
    words = ["Garnier", "Ruiz", "Lopes", "Hartley", "Bilbao", "Faria", "Molins", "Dubois"]
    rows = [
        Row(
            f"C-{i:06d}",
            f"{rng.choice(words)} {rng.choice(words)} SA",
            Decimal(rng.randrange(-10_000_00, 500_000_00)) / 100,
            rng.randrange(101),
        )
        for i in range(count)
    ]
    model = RowTableModel(
        [
            Column("Account", lambda r: r.account),
            Column("Name", lambda r: r.name),
            Column("Balance", lambda r: r.balance, text=lambda v: f"{v:,.2f}"),
            Column("Risk", lambda r: r.risk),
        ]
    )
    print(f"{count:,} rows")
    print(f"load (texts, keys):   {best(lambda: model.set_rows(rows), 3):8.1f} ms")
    print(f"first sort, balance:  {best(lambda: model.sort(2), 1):8.1f} ms (orders a column once)")
    print(f"first sort, name:     {best(lambda: model.sort(1), 1):8.1f} ms")
    print(
        f"sort balance desc:    {best(lambda: model.sort(2, Qt.SortOrder.DescendingOrder)):8.1f} ms"
    )
    print(
        f"sort balance asc:     {best(lambda: model.sort(2, Qt.SortOrder.AscendingOrder)):8.1f} ms"
    )
    print(
        f"sort name:            {best(lambda: model.sort(1, Qt.SortOrder.AscendingOrder)):8.1f} ms"
    )
    print(f"filter 'ruiz':        {best(lambda: model.set_filter('ruiz')):8.1f} ms")
    model.set_filter("")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())

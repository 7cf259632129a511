"""An aging result written out as a table for people, or as CSV or JSON for other programs.

CSV and JSON carry plain amounts (``1234.50``: a point, no grouping) so spreadsheets
and scripts read them in any locale, and CSV text cannot run as a formula (``exports``);
the table uses the user's number format. Each lists one row per customer account, the
columns in the definition's order and the balance last, then the totals (in CSV, a row
whose account is ``TOTAL``).
"""

from __future__ import annotations

import json

from collections_desktop.formatting import Formats
from collections_desktop.i18n import _
from collections_desktop.models.aging.snapshot import AgingResult
from collections_desktop.models.screens.exports import ExportCell, csv_text
from collections_desktop.models.screens.exports import plain_amount as _plain

TOTAL = "TOTAL"


def to_csv(result: AgingResult) -> str:
    """A header row, one row per customer, then ``TOTAL`` (text cannot run as a formula)."""
    rows: list[list[ExportCell]] = [
        [row.account, row.name, *row.columns, row.balance] for row in result.rows
    ]
    rows.append([TOTAL, "", *result.totals, result.balance])
    return csv_text(
        ["customer_account", "customer_name", *result.definition.labels, "balance"], rows
    )


def to_json(result: AgingResult, pool_name: str | None) -> str:
    """The as-of date, definition, pool, labels, customers and totals as one JSON object."""
    labels = result.definition.labels
    document = {
        "as_of": result.as_of.isoformat(),
        "definition": result.definition.name,
        "basis": result.definition.basis.value,
        "pool": pool_name,
        "columns": list(labels),
        "customers": [
            {
                "customer_account": row.account,
                "customer_name": row.name,
                "columns": dict(zip(labels, map(_plain, row.columns), strict=True)),
                "balance": _plain(row.balance),
                "risk_score": row.risk_score,
            }
            for row in result.rows
        ],
        "totals": {
            "columns": dict(zip(labels, map(_plain, result.totals), strict=True)),
            "balance": _plain(result.balance),
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def to_table(result: AgingResult, formats: Formats) -> str:
    """Aligned text columns: account, name (shortened), each column and the balance."""
    header = [_("Account"), _("Name"), *result.definition.labels, _("Balance")]
    body = [
        [row.account, _short(row.name), *map(formats.amount, row.columns),
         formats.amount(row.balance)]
        for row in result.rows
    ]  # fmt: skip
    body.append(
        [_("Total"), "", *map(formats.amount, result.totals), formats.amount(result.balance)]
    )
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        text = [cells[0].ljust(widths[0]), cells[1].ljust(widths[1])]
        text += [cell.rjust(width) for cell, width in zip(cells[2:], widths[2:], strict=True)]
        return "  ".join(text).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(header), rule, *map(line, body[:-1]), rule, line(body[-1])]) + "\n"


def _short(name: str, width: int = 28) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"

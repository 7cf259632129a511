"""Confirm many lines at once ("Confirm all ≥ 90 %", ``bank match --confirm-above``).

Each line is confirmed in its own write transaction, in the order given: a line the
receipt refuses (its documents were just paid by a line before it, the line moved on
since it was read, the customer left the scope) is reported with the reason and the
others go on; nothing is posted twice, nothing half-written.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from collections_desktop.formatting import Formats, text_formats
from collections_desktop.i18n import _
from collections_desktop.models.bank.matching import Suggestion
from collections_desktop.models.bank.read import BankLineRow
from collections_desktop.models.bank.reconcile import ConfirmedLine, ReconcileError, confirm_line
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.writing import write_transaction
from collections_desktop.models.people.scope import AgentScope


@dataclass(frozen=True)
class ConfirmPlan:
    """One line to confirm with the allocations of the suggestion chosen for it."""

    line_id: uuid.UUID
    version: int
    label: str  # how messages name the line ("1,210.00 EUR of Nov 16, 2026 from Ruiz")
    customer_id: uuid.UUID
    allocations: Mapping[uuid.UUID, Decimal]
    write_off_difference: bool = False


@dataclass(frozen=True)
class BatchResult:
    """What a batch confirmed and what was refused (the line's label and the reason)."""

    confirmed: tuple[ConfirmedLine, ...] = ()
    refused: tuple[tuple[str, str], ...] = ()
    cancelled: bool = False

    def describe(self) -> str:
        """ "41 confirmed, 2 refused: …"."""
        fmt = text_formats()
        text = _("{confirmed} confirmed, {refused} refused").format(
            confirmed=fmt.count(len(self.confirmed)), refused=fmt.count(len(self.refused))
        )
        if self.refused:
            text += ": " + "; ".join(f"{label}: {reason}" for label, reason in self.refused)
        if self.cancelled:
            text += " " + _("(stopped before the end)")
        return text


def line_label(row: BankLineRow, formats: Formats | None = None) -> str:
    """How a message names a statement line: amount, date and who paid."""
    fmt = formats or text_formats()
    label = _("{amount} of {date}").format(
        amount=fmt.money(row.amount, row.currency), date=fmt.date(row.booking_date)
    )
    if row.counterparty_name:
        label = _("{line} from {name}").format(line=label, name=row.counterparty_name)
    return label


def plan_for(
    row: BankLineRow,
    suggestion: Suggestion,
    *,
    write_off_difference: bool = False,
    formats: Formats | None = None,
) -> ConfirmPlan:
    """The plan that confirms ``row`` as ``suggestion`` says."""
    return ConfirmPlan(
        line_id=row.id,
        version=row.version,
        label=line_label(row, formats),
        customer_id=suggestion.customer_id,
        allocations={a.transaction_id: a.amount for a in suggestion.allocations},
        write_off_difference=write_off_difference,
    )


def plans_at_or_above(
    rows: Sequence[BankLineRow],
    suggestions: Mapping[uuid.UUID, Sequence[Suggestion]],
    threshold: int,
    *,
    formats: Formats | None = None,
) -> list[ConfirmPlan]:
    """A plan for every line whose best suggestion's confidence reaches ``threshold``."""
    plans = []
    for row in rows:
        found = suggestions.get(row.id) or ()
        if found and found[0].confidence >= threshold:
            plans.append(plan_for(row, found[0], formats=formats))
    return plans


@dataclass
class _Tally:
    confirmed: list[ConfirmedLine] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


def confirm_many(
    database: Database,
    scope: AgentScope,
    plans: Sequence[ConfirmPlan],
    *,
    now: Callable[[], dt.datetime],
    user_id: uuid.UUID | None,
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> BatchResult:
    """Confirm each plan in its own write transaction (see the module docstring)."""
    tally = _Tally()
    total = len(plans)
    for done, plan in enumerate(plans):
        if cancelled():
            return BatchResult(tuple(tally.confirmed), tuple(tally.refused), cancelled=True)
        if progress is not None:
            progress(done, total, plan.label)
        try:
            with write_transaction(database) as session:
                result = confirm_line(
                    session,
                    scope,
                    plan.line_id,
                    version=plan.version,
                    customer_id=plan.customer_id,
                    allocations=plan.allocations,
                    now=now(),
                    user_id=user_id,
                    write_off_difference=plan.write_off_difference,
                )
        except (ReconcileError, ValueError) as error:
            tally.refused.append((plan.label, str(error)))
            continue
        tally.confirmed.append(result)
    if progress is not None:
        progress(total, total, "")
    return BatchResult(tuple(tally.confirmed), tuple(tally.refused))

"""Interest and fees on a customer: new interest notes, and corrections of the charged ones.

Two steps of the transaction actions (``transactions.TransactionActions``), kept apart
because each carries a read of its own: the interest dialog asks for a proposal every
time its date or scope changes (a ``QueryOp`` per request, the newest winning), and the
charges dialog lists the customer's interest notes and fees before it opens.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from collections_desktop.i18n import _, ngettext
from collections_desktop.models.actions.charge_rows import ChargeRow, charge_rows
from collections_desktop.models.actions.charges import reinstate, reverse, waive
from collections_desktop.models.actions.interest import ProposedNote, calculate_interest
from collections_desktop.models.actions.interest_notes import create_interest_notes
from collections_desktop.views.actions.controller import ActionController, dialog_reads
from collections_desktop.views.context import PageContext
from collections_desktop.views.dialogs.charges_dialog import ChargeActionInput, ChargesDialog
from collections_desktop.views.dialogs.interest_dialog import InterestDialog, InterestQuery
from collections_desktop.views.operations import QueryOp
from collections_desktop.views.tasks import TaskState

CHARGE_CORRECTIONS = {"waive": waive, "reinstate": reinstate, "reverse": reverse}
"""What each correction of the charges dialog writes (by ``AdjustmentKind`` value)."""


def open_interest(
    actions: ActionController,
    context: PageContext,
    customer_id: uuid.UUID,
    customer: str,
    pool_id: uuid.UUID | None,
    pool_name: str,
) -> None:
    """The interest dialog on ``customer`` or the pool ``pool_id`` (None: all customers)."""
    database, scope, employee, clock = (
        context.database,
        context.scope,
        context.employee_id,
        context.clock,
    )
    dialog = InterestDialog(
        clock.today(),
        context.formats,
        customer=customer,
        pool=pool_name or _("all your customers"),
        icons=context.icons,
        parent=actions.parent_widget,
    )
    previews, is_open = dialog_reads(dialog)

    def whom(query: InterestQuery) -> dict[str, Any]:
        if query.whole_pool:
            return {"pool_id": pool_id}
        return {"customer_ids": [customer_id]}

    def preview(query: InterestQuery) -> None:
        if not is_open():
            return

        def read(_state: TaskState) -> list[ProposedNote]:
            with database.sessions() as session:
                return calculate_interest(session, scope, query.as_of, **whom(query))

        QueryOp(
            read,
            lambda notes: dialog.show_preview(query, notes) if is_open() else None,
            "interest preview",
            failure=lambda error: (
                dialog.show_preview_error(query, str(error)) if is_open() else None
            ),
        ).run(context.runner, previews)

    def work(session: Session, query: InterestQuery) -> list[str]:
        return create_interest_notes(
            session, scope, query.as_of, clock.now(), created_by_id=employee, **whom(query)
        )

    def message(numbers: list[str]) -> str:
        return ngettext(
            "{count} interest note created", "{count} interest notes created", len(numbers)
        ).format(count=context.formats.count(len(numbers)))

    dialog.preview_requested.connect(preview)
    actions.open(dialog, work, message, "interest notes")
    dialog.request_preview()


def open_charges(
    actions: ActionController, context: PageContext, customer_id: uuid.UUID, customer: str
) -> None:
    """Read the customer's interest notes and fees, then the dialog that corrects them."""
    scope, today = context.scope, context.clock.today()
    actions.read(
        lambda session: charge_rows(session, scope, customer_id, today),
        lambda rows: _show_charges(actions, context, customer, rows),
        "charges",
    )


def _show_charges(
    actions: ActionController, context: PageContext, customer: str, rows: Sequence[ChargeRow]
) -> None:
    scope, employee, clock = context.scope, context.employee_id, context.clock
    dialog = ChargesDialog(
        rows,
        clock.today(),
        context.formats,
        customer=customer,
        icons=context.icons,
        parent=actions.parent_widget,
    )

    def work(session: Session, value: ChargeActionInput) -> list[Any]:
        return CHARGE_CORRECTIONS[value.kind](
            session,
            scope,
            value.transaction_ids,
            value.date,
            clock.now(),
            created_by_id=employee,
            note=value.note,
        )

    def message(results: list[Any]) -> str:
        return ngettext(
            "{count} charge corrected", "{count} charges corrected", len(results)
        ).format(count=context.formats.count(len(results)))

    actions.open(dialog, work, message, "charges")

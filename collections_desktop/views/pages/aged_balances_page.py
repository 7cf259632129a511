"""Aged balances: every customer of a pool's newest snapshot, one column per aging period.

The grid reads the stored snapshot (``models.screens.aged_balances.newest_aged_balances``: one
statement whatever the pool's size), so it opens at once; the snapshot's date, time and
author are shown on top, because these figures are as old as the snapshot. **Create
snapshot** ages the pool again as a long write on the background lane, with a progress
bar and Cancel (a cancelled snapshot is rolled back, nothing is stored), and shows the
new one when it is done.

The period headers carry the aging colour scale (``aging_colour``) as a swatch, and
past-due amounts a light tint of their period's colour, so the eye finds the old money;
every amount is also plain text, so colour is never the only cue. Enter or a
double-click opens the customer's Workspace; the grid exports to CSV.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QColor, QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget
from sqlalchemy.orm import Session

from collections_desktop.i18n import N_, _, ngettext
from collections_desktop.models.aging.snapshot import snapshot_customers, take_snapshot
from collections_desktop.models.db.database import Database
from collections_desktop.models.people.scope import AgentScope
from collections_desktop.models.screens.aged_balances import (
    AgedBalanceRow,
    AgedBalances,
    aged_balances,
    aged_balances_csv,
    newest_aged_balances,
)
from collections_desktop.views.context import PageContext
from collections_desktop.views.itemmodels.aging import FIXED_BEFORE, AgingModel
from collections_desktop.views.itemmodels.prepared import (
    PreparedRows,
    count_text,
    prepare_rows,
    replaced_in_place,
    replaced_rows,
)
from collections_desktop.views.itemmodels.rows import Column, Fit
from collections_desktop.views.operations import ReadSlot, WriteOp
from collections_desktop.views.pages.base import ListPage, PageState
from collections_desktop.views.predictions import predict_in_background
from collections_desktop.views.snapshot_text import snapshot_sentence
from collections_desktop.views.style import alert_colour, heading_font, muted_palette
from collections_desktop.views.tasks import Task, TaskState
from collections_desktop.views.widgets.grid import ListGrid, pool_combo, restore_header

ColumnSet = Callable[[tuple[str, ...]], Sequence[Column[AgedBalanceRow]]]
"""The grid's columns for a snapshot's labels."""


@dataclass(frozen=True)
class AgedBalancesData:
    """What the page shows for one pool, read in one short session."""

    pool_id: uuid.UUID | None
    balances: AgedBalances | None  # None: the pool has no snapshot yet
    currency: str
    took_snapshot: bool = False
    prepared: PreparedRows[AgedBalanceRow] | None = None  # the rows, formatted for the grid


def period(i: int) -> Callable[[AgedBalanceRow], Decimal]:
    """The value of a row's ``i``-th snapshot column (Current, a period, Unapplied)."""
    return lambda row: row.columns[i]


def load_aged_balances(
    database: Database,
    state: TaskState,
    *,
    scope: AgentScope,
    pool_id: uuid.UUID | None,
    as_of: dt.date,
    took_snapshot: bool = False,
    columns: ColumnSet | None = None,
) -> AgedBalancesData:
    """Read the pool's newest snapshot (runs on the read lane).

    ``columns`` gives the grid's columns for the snapshot's labels: the rows are then
    formatted here, off the GUI thread.
    """
    with database.sessions() as session:
        listed = newest_aged_balances(session, scope, as_of, pool_id)
    balances, prepared = listed.balances, None
    if balances is not None and columns is not None:
        state.raise_if_cancelled()
        prepared = prepare_rows(columns(balances.snapshot.labels), balances.rows)
    return AgedBalancesData(pool_id, balances, listed.currency, took_snapshot, prepared)


class AgedBalancesPage(ListPage):
    """Every customer of the chosen pool's newest snapshot, aged, with Create snapshot."""

    key = "aged_balances"
    shows_snapshot = True
    rows_patched = Signal(object)
    """The rows of customers a write changed were read and put in place (their ids)."""
    title = N_("Aged balances")
    description = N_("Every customer of a pool by aging period, from its newest snapshot")
    busy_name = "aged_busy"
    busy_width = 140
    filter_spacing = 8
    exportable = True
    export_in_filters = True

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        self._column_sets: dict[tuple[str, ...], tuple[Column[AgedBalanceRow], ...]] = {}
        self._alert = QColor()
        self._link = QColor()
        self._saved_header: bytes | None = None
        self.snapshot_task: Task | None = None
        """Create snapshot, while it runs."""
        self.data: AgedBalancesData | None = None
        self._changed: set[uuid.UUID] = set()
        """Customers a write changed since their rows were read (``_patch`` reads them)."""
        self._announced = False
        """The write being announced said whom it changed (``customers_changed``)."""
        self._other_writes = False
        """A write that changed no customer's rows (a snapshot taken): read everything."""
        self._totals = (Decimal(0), Decimal(0))
        self._where: tuple[tuple[AgedBalanceRow, ...], dict[uuid.UUID, int]] | None = None
        """The rows listed, and where each customer's is (``_positions``)."""
        """The balance and past due of the rows listed (shown under the headline)."""
        super().__init__(context, parent)
        self.patch_reads = ReadSlot(self)
        context.runner.customers_changed.connect(self._customers_changed)
        context.runner.written.connect(self._written_any)
        self._alert = alert_colour(self.palette())
        self._link = self.palette().color(QPalette.ColorRole.Link)
        self.pool = pool_combo(context.scope, context.icons)
        self.add_filter(_("&Pool"), self.pool)
        self.create_action = QAction(context.icons.get("snapshot"), _("Create snapshot"), self)
        self.create_action.setToolTip(
            _("Age every customer of this pool as of today and store it (runs in the background)")
        )
        self.create_action.triggered.connect(self.create_snapshot)
        self.add_filter_actions([(self.create_action, "create_snapshot_button")])
        self.export_action.setToolTip(_("Save the rows shown (filter and sort applied) as CSV"))
        self.export_action.setEnabled(False)
        self.refresh_action.setToolTip(_("Read the newest snapshot of this pool again (F5)"))

        # The snapshot's date: the figures below are as old as this.
        self.headline = QLabel()
        self.headline.setObjectName("snapshot_headline")
        self.headline.setFont(heading_font(self.font()))
        self.headline.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.subline = QLabel()
        self.subline.setObjectName("snapshot_subline")
        self.subline.setPalette(muted_palette(self.subline.palette()))
        self.body.insertWidget(1, self.headline)
        self.body.insertWidget(2, self.subline)

        # Progress of Create snapshot, with Cancel; hidden otherwise.
        self.progress_row = QWidget()
        self.progress_row.setObjectName("snapshot_progress_row")
        row = QHBoxLayout(self.progress_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.progress = QProgressBar()
        self.progress.setObjectName("snapshot_progress")
        self.progress.setMaximumWidth(260)
        self.progress.setTextVisible(False)
        self.progress_label = QLabel()
        self.progress_label.setObjectName("snapshot_progress_label")
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.setObjectName("cancel_snapshot_button")
        self.cancel_button.clicked.connect(self.cancel_snapshot)
        row.addWidget(self.progress)
        row.addWidget(self.progress_label)
        row.addWidget(self.cancel_button)
        row.addStretch(1)
        self.progress_row.hide()
        self.body.insertWidget(3, self.progress_row)

        self.grid.view.activated.connect(self._activated)
        self.grid.set_rows((), _("Loading…"))

    def make_grid(self) -> ListGrid[AgedBalanceRow]:
        """The customers, highest balance first; the snapshot's columns come with its rows."""
        grid: ListGrid[AgedBalanceRow] = ListGrid(
            "aged", self._column_set(()), {}, self.context.icons, stretch=1
        )
        grid.title.setText(_("Customers"))
        grid.sort_by(2, Qt.SortOrder.DescendingOrder)
        return grid

    # --- public -------------------------------------------------------------------------

    @property
    def pool_id(self) -> uuid.UUID | None:
        """The pool chosen (None: all the agent's pools)."""
        chosen = self.pool.currentData()
        return uuid.UUID(chosen) if chosen else None

    @property
    def is_loading(self) -> bool:
        """Whether the grid is being read (or a snapshot taken)."""
        return self.reads.is_loading or self.snapshot_task is not None

    @property
    def is_taking_snapshot(self) -> bool:
        """Whether Create snapshot is running."""
        return self.snapshot_task is not None

    def load(self) -> None:
        """Read the newest snapshot of the pool."""
        self._other_writes = False
        self._changed.clear()
        self._load(took_snapshot=False)

    def activate(self) -> None:
        """On screen again after writes that changed customers: only their rows are read
        from the snapshot (kept fresh by every commit) and put in place; after any other
        write (a snapshot taken), the whole list."""
        data = self.data
        if self.stale and self._changed and not self._other_writes and data and data.prepared:
            self.stale = False
            self._patch()
            return
        super().activate()

    def _customers_changed(self, customer_ids: frozenset[uuid.UUID]) -> None:
        self._announced = True
        if not self.started:
            return
        self._changed |= customer_ids
        if self.isVisible():
            self._patch()

    def _written_any(self) -> None:
        if not self._announced:
            self._other_writes = True
        self._announced = False

    def _patch(self) -> None:
        """Read the changed customers' rows of the snapshot on screen, formatted on the
        worker, and put them in place."""
        data, ids = self.data, frozenset(self._changed)
        self._changed.clear()
        if data is None or data.balances is None or data.prepared is None or not ids:
            return
        context, snapshot_id, columns = self.context, data.balances.snapshot.id, data.prepared
        database, scope, as_of = context.database, context.scope, context.clock.today()

        def read(_state: TaskState) -> tuple[frozenset[uuid.UUID], PreparedRows[AgedBalanceRow]]:
            with database.sessions() as session:
                fresh = aged_balances(
                    session, scope, snapshot_id, as_of=as_of, pool_id=data.pool_id,
                    customer_ids=ids,
                )  # fmt: skip
            return ids, prepare_rows(columns.columns, fresh.rows if fresh else ())

        self.query(
            read, self._put_rows, name="aged balances rows", slot=self.patch_reads,
            failure=lambda _error: None,  # F5 reads them all the same
        )  # fmt: skip

    def _put_rows(self, changed: tuple[frozenset[uuid.UUID], PreparedRows[AgedBalanceRow]]) -> None:
        """Put the changed customers' fresh rows in place and move the totals by the
        difference. When each is still listed and none is new (a payment, a status), they
        replace their rows where they are; else the rows are merged anew."""
        ids, fresh = changed
        data = self.data
        if data is None or data.balances is None or data.prepared is None:
            return
        if fresh.columns != data.prepared.columns:  # another pool's columns came meanwhile
            return
        where = self._positions(data.prepared)
        positions = [where.get(row.customer_id, -1) for row in fresh.rows]
        if len(fresh.rows) == len(ids) and -1 not in positions:
            removed = tuple(data.prepared.rows[at] for at in positions)
            merged = replaced_in_place(data.prepared, fresh, positions)
            self._where = (merged.rows, where)  # every customer where it was
        else:
            merged, removed = replaced_rows(
                data.prepared, fresh, lambda row: row.customer_id in ids, lambda row: row.account
            )
            positions = []
        self.data = replace(
            data, balances=replace(data.balances, rows=merged.rows), prepared=merged
        )
        balance, past_due = self._totals
        for sign, rows in ((-1, removed), (1, fresh.rows)):  # the totals moved, not summed
            balance += sign * sum((row.balance for row in rows), Decimal(0))
            past_due += sign * sum((row.past_due for row in rows), Decimal(0))
        self._show_snapshot(self.data, (balance, past_due), replaced=positions)
        self.rows_patched.emit(ids)

    def _positions(self, prepared: PreparedRows[AgedBalanceRow]) -> dict[uuid.UUID, int]:
        """Where each customer's row is in ``prepared``, found once per list read."""
        if self._where is None or self._where[0] is not prepared.rows:
            rows = prepared.rows
            self._where = (rows, {row.customer_id: at for at, row in enumerate(rows)})
        return self._where[1]

    def create_snapshot(self) -> None:
        """Age the pool as of today in the background, then show the new snapshot."""
        if self.snapshot_task is not None:
            return
        self.started = True
        self.progress.setRange(0, 0)
        self.progress_label.setText(_("Starting the snapshot…"))
        self.cancel_button.setEnabled(True)
        self.progress_row.show()
        self.create_action.setEnabled(False)
        self.busy.label.setText(_("Taking a snapshot…"))
        self.busy.start()
        context = self.context
        scope, pool_id = context.scope, self.pool_id
        as_of, now = context.clock.today(), context.clock.now()

        def take(session: Session, state: TaskState) -> None:
            def progress(done: int, total: int, what: str) -> None:
                state.raise_if_cancelled()
                state.progress(done, total, what)

            take_snapshot(session, as_of, scope, now, pool_id=pool_id, progress=progress)
            state.raise_if_cancelled()  # the last step: a Cancel now still stores nothing

        self.snapshot_task = task = WriteOp(
            None,
            lambda _none: self._snapshot_taken(pool_id),
            "snapshot",
            failure=self._snapshot_failed,
            run_lock="snapshot",
            what=_("snapshot"),
            long_write=take,
            progress=self._progressed,
        ).run(context.runner, context.database)
        task.cancelled.connect(self._snapshot_cancelled)

    def cancel_snapshot(self) -> None:
        """Stop Create snapshot at its next step; nothing is stored."""
        if self.snapshot_task is not None:
            self.snapshot_task.cancel()
            self.cancel_button.setEnabled(False)
            self.progress_label.setText(_("Cancelling…"))

    def filter_state(self) -> PageState:
        """The pool."""
        return {"pool": self.pool_id.bytes} if self.pool_id is not None else {}

    def restore_state(self, state: PageState) -> None:
        """Put back the columns (also for the snapshot's own columns, once read) and the pool."""
        self._saved_header = state.get("grid")
        super().restore_state(state)

    def restore_filters(self, state: PageState) -> None:
        """Put back the pool."""
        pool = state.get("pool")
        if pool and len(pool) == 16:
            index = self.pool.findData(uuid.UUID(bytes=pool).hex)
            if index >= 0:
                self.pool.setCurrentIndex(index)

    def link_activated(self, link: str) -> None:
        """ "create" in the empty-state text takes a snapshot."""
        if link == "create":
            self.create_snapshot()
        else:
            super().link_activated(link)

    # --- export -------------------------------------------------------------------------

    def export_file_name(self) -> str | None:
        """ "aged-balances-2026-11-23.csv", after the snapshot's date."""
        data = self.data
        if data is None or data.balances is None:
            return None
        return f"aged-balances-{data.balances.snapshot.as_of.isoformat()}.csv"

    def export_text(self, rows: Sequence[Any]) -> str:
        """The snapshot's columns and a total line (``aged_balances_csv``)."""
        data = self.data
        labels = data.balances.snapshot.labels if data and data.balances else ()
        return aged_balances_csv(labels, rows)

    def exported_message(self, count: int, path: Path) -> str:
        """ "2 customers exported to …"."""
        return ngettext(
            "{count} customer exported to {path}",
            "{count} customers exported to {path}",
            count,
        ).format(count=self.context.formats.count(count), path=path)

    # --- loading ------------------------------------------------------------------------

    def _load(self, *, took_snapshot: bool) -> None:
        context = self.context
        database, scope, pool_id = context.database, context.scope, self.pool_id
        as_of, columns = context.clock.today(), self._column_set
        self.busy.label.setText(_("Loading…"))
        self.query(
            lambda state: load_aged_balances(
                database,
                state,
                scope=scope,
                pool_id=pool_id,
                as_of=as_of,
                took_snapshot=took_snapshot,
                columns=columns,
            ),
            self._loaded,
            failure=lambda error: self._failed(str(error)),
            name="aged balances",
        )

    def _progressed(self, done: int, total: int, what: str) -> None:
        self.progress.setRange(0, max(total, 0))
        self.progress.setValue(done)
        if what:
            self.progress_label.setText(what)
            self.status_changed.emit(what)

    def _snapshot_over(self) -> None:
        self.snapshot_task = None
        self.progress_row.hide()
        self.create_action.setEnabled(True)
        if not self.reads.is_loading:
            self.busy.stop()

    def _snapshot_taken(self, pool_id: uuid.UUID | None) -> None:
        """Show the new snapshot; then predict the pay dates of its customers."""
        self._snapshot_over()
        self._load(took_snapshot=True)
        context = self.context
        as_of = context.clock.today()
        predict_in_background(
            context,
            as_of,
            lambda _run: None,
            lambda message: self.set_status(
                _("The pay dates could not be predicted: {reason}").format(reason=message)
            ),
            where=snapshot_customers(context.scope, as_of, pool_id),
        )

    def _snapshot_failed(self, message: str) -> None:
        self._snapshot_over()
        self._failed(message)

    def _snapshot_cancelled(self) -> None:
        self._snapshot_over()
        self.set_status(_("Create snapshot was cancelled; nothing was stored."))

    def _loaded(self, data: AgedBalancesData) -> None:
        self.data = data
        fmt = self.context.formats
        balances = data.balances
        if balances is None:
            self.headline.setText(_("No snapshot of this pool yet"))
            self.subline.setText(
                _("A snapshot ages every customer of the pool once; the list reads it.")
            )
            self._ensure_columns(self._column_set(()), 0)
            self.grid.set_rows(
                (),
                _('No snapshot of this pool yet — <a href="create">Create snapshot</a>'),
            )
            self.export_action.setEnabled(False)
            self.set_status(_("No snapshot of this pool yet"))
            self.loaded.emit(data)
            return
        snapshot = balances.snapshot
        assert data.prepared is not None
        self._ensure_columns(data.prepared.columns, len(snapshot.labels))
        if data.currency:
            self.grid.model.set_header(2, _("Balance ({currency})").format(currency=data.currency))
        self._show_snapshot(data)
        status = snapshot_sentence(snapshot, fmt, len(balances.rows))
        if data.took_snapshot:
            status = _("New snapshot taken · {status}").format(status=status)
        self.set_status(status)
        self.loaded.emit(data)

    def _show_snapshot(
        self,
        data: AgedBalancesData,
        totals: tuple[Decimal, Decimal] | None = None,
        *,
        replaced: Sequence[int] | None = None,
    ) -> None:
        """The snapshot's sentence, its totals (summed when not given) and its rows
        (``replaced``: the rows shown, with those at these positions replaced; empty:
        a few rows merged in or taken out)."""
        balances, fmt = data.balances, self.context.formats
        assert balances is not None  # the callers show a snapshot's rows
        assert data.prepared is not None
        snapshot = balances.snapshot
        self.headline.setText(snapshot_sentence(snapshot, fmt, len(balances.rows)))
        if totals is None:
            totals = (
                sum((row.balance for row in balances.rows), Decimal(0)),
                sum((row.past_due for row in balances.rows), Decimal(0)),
            )
        self._totals = totals
        total, past_due = totals
        self.subline.setText(
            _("{definition} · balance {balance} · past due {past_due}").format(
                definition=snapshot.definition_name,
                balance=fmt.money(total, data.currency) if data.currency else fmt.amount(total),
                past_due=fmt.amount(past_due),
            )
        )
        if replaced:
            self.grid.set_replaced(data.prepared, replaced)
        else:
            self.grid.set_prepared(
                data.prepared,
                _("No customer of this pool owed anything then."),
                patched=replaced is not None,
            )
        self.export_action.setEnabled(bool(balances.rows))

    def _failed(self, reason: str) -> None:
        self.show_failure(_("The aged balances could not be read: {reason}").format(reason=reason))

    # --- the grid -----------------------------------------------------------------------

    def _ensure_columns(self, columns: tuple[Column[AgedBalanceRow], ...], width: int) -> None:
        """Swap in a model for the snapshot's columns when they differ from those shown."""
        if columns == self.grid.model.columns and isinstance(self.grid.model, AgingModel):
            return
        model = AgingModel(columns, self._colours(width), width, self.grid)
        model.right = {2, *range(FIXED_BEFORE, len(columns))}
        self.grid.set_model(model)
        restore_header(self.grid, self._saved_header)

    def _column_set(self, labels: tuple[str, ...]) -> tuple[Column[AgedBalanceRow], ...]:
        """The grid's columns for a snapshot's labels, the same objects for the same labels.

        Called on the worker that prepares the rows as well (a dict's get and set are
        atomic; at worst two equal sets are made and one is kept).
        """
        found = self._column_sets.get(labels)
        if found is None:
            found = tuple(self._columns(labels))
            self._column_sets[labels] = found
        return found

    def _columns(self, labels: Sequence[str]) -> list[Column[AgedBalanceRow]]:
        fmt = self.context.formats
        amount = self._amount
        blank_zero = self._blank_zero
        columns: list[Column[AgedBalanceRow]] = [
            Column(
                _("Account"),
                lambda r: r.account,
                tooltip=lambda r: _("Double-click or Enter: the customer's record"),
                fit=Fit.KEY,
            ),
            Column(
                _("Customer"),
                lambda r: r.name,
                tooltip=lambda r: _("{name} · double-click or Enter opens the Workspace").format(
                    name=r.name
                ),
                fit=Fit.KEY,
            ),
            Column(_("Balance"), lambda r: r.balance, text=amount),
        ]
        for i, label in enumerate(labels):
            columns.append(Column(label, period(i), text=blank_zero))
        columns += [
            Column(_("Past due"), lambda r: r.past_due, text=blank_zero),
            Column(_("Credit limit"), lambda r: r.credit_limit, text=amount),
            Column(_("Available"), lambda r: r.available_credit, text=amount),
            Column(
                _("Risk"),
                lambda r: r.risk_score,
                text=lambda v: count_text(fmt, v),
                tooltip=lambda r: (
                    _("Risk score {score} of 100; the oldest past-due item is {days} days late")
                    if r.oldest_past_due_days
                    else _("Risk score {score} of 100")
                ).format(score=r.risk_score, days=r.oldest_past_due_days),
            ),
        ]
        return columns

    def _colours(self, width: int) -> dict[int, Callable[[AgedBalanceRow], Any]]:
        after = FIXED_BEFORE + width
        colours: dict[int, Callable[[AgedBalanceRow], Any]] = {
            0: lambda _r: self._link,  # the account opens the record, the name the Workspace
            1: lambda _r: self._link,
            2: lambda r: self._negative(r.balance),
            after + 2: lambda r: self._negative(r.available_credit),
        }
        if width:
            colours[FIXED_BEFORE + width - 1] = lambda r: self._negative(r.unapplied)
        return colours

    def _amount(self, value: Decimal | None) -> str:
        return "" if value is None else self.context.formats.amount(value)

    def _blank_zero(self, value: Decimal | None) -> str:
        # Most aging cells are zero: blanks let the amounts that matter stand out.
        return "" if not value else self.context.formats.amount(value)

    def _negative(self, value: Decimal | None) -> QColor | None:
        return self._alert if value is not None and value < 0 else None

    def _activated(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        customer_id = self.grid.model.row(index).customer_id
        if index.column() == 0:  # the account: the customer's record
            self.record_requested.emit(customer_id)
        else:
            self.customer_chosen.emit(customer_id)

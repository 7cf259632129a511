"""The collections actions on one customer's transactions, shared by the Workspace and the
Collections page: change status, settle, reverse a settlement, write off, NSF payment,
interest notes, waive/reinstate/reverse charges, collection letters, reprint, history.

Each action reads what its dialog needs on the database lane, opens the dialog, and on OK
writes through ``run_action`` in one transaction. ``done`` then carries a sentence for the
status bar and the page reloads the customer; a refusal stays inline in the dialog.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QStandardPaths, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QDialog, QInputDialog, QWidget

from collections_desktop.formatting import Formats
from collections_desktop.i18n import _, ngettext
from collections_desktop.models.charges import charge_rows
from collections_desktop.models.collection_status import change_status, status_history
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import TransactionType
from collections_desktop.models.letter_documents import DocumentRecorder, document_of
from collections_desktop.models.letters import LetterRow, LetterRun, letter_detail, letters_of
from collections_desktop.models.nsf import PaymentChoice, nsf_preview, returnable_payments
from collections_desktop.models.promises import promise_results
from collections_desktop.models.scope import AgentScope
from collections_desktop.models.settling import reverse, settle_marked, settlements_of
from collections_desktop.models.workspace import TransactionRow
from collections_desktop.models.writeoff import write_off, write_off_preview, write_off_reasons
from collections_desktop.views.dialogs.action_dialog import ActionDialog, run_action
from collections_desktop.views.dialogs.charges_dialog import ChargesDialog, connect_charges_dialog
from collections_desktop.views.dialogs.history_dialog import HistoryDialog
from collections_desktop.views.dialogs.interest_dialog import (
    InterestDialog,
    connect_interest_dialog,
)
from collections_desktop.views.dialogs.letters_dialog import (
    make_letter_block_dialog,
    make_letters_dialog,
    reprint_letter,
)
from collections_desktop.views.dialogs.nsf_dialog import NsfDialog, connect_nsf_dialog
from collections_desktop.views.dialogs.settle_dialog import ReverseSettlementDialog, SettleDialog
from collections_desktop.views.dialogs.status_dialog import StatusDialog
from collections_desktop.views.dialogs.writeoff_dialog import WriteOffDialog
from collections_desktop.views.icons import IconRegistry
from collections_desktop.views.printing import print_letters
from collections_desktop.views.tasks import Lane, TaskRunner


@dataclass(frozen=True)
class ActionContext:
    """The customer the actions work on, what is open of it, and what the user marked."""

    customer_id: uuid.UUID
    label: str  # "C-000421 Ruiz Hermanos SL"
    accounting_currency: str
    rows: tuple[TransactionRow, ...]
    selected: tuple[TransactionRow, ...]


@dataclass(frozen=True)
class CallClock:
    """A ``Clock`` made of the host's two callables (the dialogs' wiring asks for a clock)."""

    today: Callable[[], dt.date]
    now: Callable[[], dt.datetime]


NSF_LOOKBACK_DAYS = 120
"""How far back the NSF chooser lists payments: a bounced cheque is reported within weeks."""

ACTIONS: tuple[tuple[str, str, str | None], ...] = (
    # key, icon, shortcut (texts and tooltips are set where they are translated)
    ("change_status", "change_status", "Ctrl+Shift+S"),
    ("settle", "settle", None),
    ("reverse_settlement", "reverse_settlement", None),
    ("write_off", "write_off", None),
    ("nsf_payment", "nsf", None),
    ("interest", "interest", None),
    ("charges", "charges", None),
    ("letters", "letters", None),
    ("letter_block", "letter_block", None),
    ("reprint", "reprint", "Ctrl+P"),
    ("collections_history", "history", "Ctrl+H"),
)


class TransactionActions(QObject):
    """The actions (``QAction`` by key) and what they do; the host supplies the context."""

    done = Signal(str)
    """An action was written: what happened, for the status bar. The host reloads."""
    failed = Signal(str)
    """Reading what an action needs failed: why."""

    def __init__(
        self,
        host: QWidget,
        *,
        runner: TaskRunner,
        database: Database,
        scope: AgentScope,
        employee_id: uuid.UUID | None,
        today: Callable[[], dt.date],
        now: Callable[[], dt.datetime],
        formats: Formats,
        icons: IconRegistry,
        context: Callable[[], ActionContext | None],
    ) -> None:
        super().__init__(host)
        self._host = host
        self._runner = runner
        self._database = database
        self._scope = scope
        self._employee_id = employee_id
        self._today = today
        self._now = now
        self._formats = formats
        self._icons = icons
        self._context = context
        self._clock = CallClock(today, now)
        self.open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl
        """How files and links are opened (tests intercept it)."""
        self.pool: Callable[[], tuple[uuid.UUID | None, str]] = lambda: (None, "")
        """The host's current pool (id, name), for actions that can run on a whole pool."""
        self.dialog: QDialog | None = None
        self.actions: dict[str, QAction] = {}
        texts = {
            "change_status": _("Change status"),
            "settle": _("Settle"),
            "reverse_settlement": _("Reverse settlement"),
            "write_off": _("Write off"),
            "nsf_payment": _("NSF payment"),
            "interest": _("Interest notes"),
            "charges": _("Waive or reinstate"),
            "letters": _("Collection letters"),
            "letter_block": _("Block letters"),
            "reprint": _("Reprint"),
            "collections_history": _("View collections history"),
        }
        tips = {
            "change_status": _("Dispute, promise to pay, resolve… the marked transactions"),
            "settle": _("Settle open debits against open payments and credit notes"),
            "reverse_settlement": _("Undo a settlement; its transactions reopen"),
            "write_off": _("Write off the marked invoices, fees or interest"),
            "nsf_payment": _(
                "A payment came back unpaid: reopen what it paid and charge the bank fee"
            ),
            "interest": _("Charge interest on overdue invoices, with the note fee"),
            "charges": _("Waive, reinstate or reverse interest notes and fees"),
            "letters": _("Create the collection letters that are due, and print them"),
            "letter_block": _("Send this customer no collection letters until a date"),
            "reprint": _("Save a copy of a collection letter as a PDF and open it"),
            "collections_history": _("Every status change and promise of this customer"),
        }
        handlers: dict[str, Callable[[], None]] = {
            "change_status": self.change_status,
            "settle": self.settle,
            "reverse_settlement": self.reverse_settlement,
            "write_off": self.write_off,
            "nsf_payment": self.nsf_payment,
            "interest": self.interest,
            "charges": self.charges,
            "letters": self.letters,
            "letter_block": self.letter_block,
            "reprint": self.reprint,
            "collections_history": self.history,
        }
        for key, icon, shortcut in ACTIONS:
            action = QAction(icons.get(icon), texts[key], host)
            action.setObjectName(f"{key}_action")
            action.setToolTip(tips[key])
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
                action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(handlers[key])
            host.addAction(action)
            self.actions[key] = action
        self.update()

    # --- state --------------------------------------------------------------------------

    def update(self) -> None:
        """Enable each action when the customer and the marks allow it."""
        context = self._context()
        has_customer = context is not None
        selected = context.selected if context else ()
        rows = context.rows if context else ()
        enabled = {
            "change_status": bool(selected),
            "settle": any(r.is_debit for r in rows) and any(not r.is_debit for r in rows),
            "reverse_settlement": has_customer,
            "write_off": any(r.is_debit for r in selected),
            "nsf_payment": has_customer,
            "interest": has_customer,
            "charges": has_customer,
            "letters": has_customer,
            "letter_block": has_customer,
            "reprint": has_customer,
            "collections_history": has_customer,
        }
        for key, action in self.actions.items():
            action.setEnabled(enabled[key])

    # --- actions ------------------------------------------------------------------------

    def change_status(self) -> None:
        context = self._context()
        if context is None or not context.selected:
            return
        dialog = StatusDialog(context.selected, self._formats, self._today(), parent=self._host)
        scope, employee, now, today = self._scope, self._employee_id, self._now, self._today()

        def work(session: Any, value: Any) -> Any:
            return change_status(
                session,
                scope,
                value.transaction_ids,
                value.to_status,
                now(),
                changed_by_id=employee,
                note=value.note,
                promise_date=value.promise_date,
                promise_amount=value.promise_amount,
                today=today,
            )

        def message(result: Any) -> str:
            return ngettext(
                "Collection status changed on {count} transaction",
                "Collection status changed on {count} transactions",
                result.count,
            ).format(count=self._formats.count(result.count))

        self._open(dialog, work, message, name="change status")

    def settle(self) -> None:
        context = self._context()
        if context is None:
            return
        dialog = SettleDialog(
            context.rows,
            self._today(),
            self._formats,
            customer=context.label,
            icons=self._icons,
            parent=self._host,
        )
        scope, employee, now = self._scope, self._employee_id, self._now

        def work(session: Any, value: Any) -> Any:
            return settle_marked(
                session,
                scope,
                value.marks,
                value.settlement_date,
                now(),
                created_by_id=employee,
                note=value.note,
            )

        def message(result: Any) -> str:
            return _("Settlement {number}: {amount} settled").format(
                number=result.number, amount=self._formats.money(result.total, result.currency)
            )

        self._open(dialog, work, message, name="settle")

    def reverse_settlement(self) -> None:
        context = self._context()
        if context is None:
            return
        customer_id = context.customer_id

        def show(rows: Any) -> None:
            dialog = ReverseSettlementDialog(
                rows,
                self._today(),
                self._formats,
                customer=context.label,
                icons=self._icons,
                parent=self._host,
            )
            scope, employee, now = self._scope, self._employee_id, self._now

            def work(session: Any, value: Any) -> Any:
                return reverse(
                    session,
                    scope,
                    value.settlement_id,
                    value.reversal_date,
                    now(),
                    created_by_id=employee,
                    note=value.note,
                )

            def message(result: Any) -> str:
                return _("Settlement {number} reversed by {reversal}").format(
                    number=result.reverses or "", reversal=result.number
                )

            self._open(dialog, work, message, name="reverse settlement")

        self._read(lambda session: settlements_of(session, customer_id), show)

    def write_off(self) -> None:
        context = self._context()
        if context is None:
            return
        debits = tuple(r for r in context.selected if r.is_debit)
        if not debits:
            return
        ids = [r.id for r in debits]
        database = self._database

        def preview(reason: str, day: dt.date) -> Any:
            with database.sessions() as session:
                return write_off_preview(session, ids, day, reason)

        def show(reasons: Any) -> None:
            dialog = WriteOffDialog(
                debits,
                reasons,
                self._today(),
                self._formats,
                preview=preview,
                customer=context.label,
                accounting_currency=context.accounting_currency,
                icons=self._icons,
                parent=self._host,
            )
            scope, employee, now = self._scope, self._employee_id, self._now

            def work(session: Any, value: Any) -> Any:
                return write_off(
                    session,
                    scope,
                    value.transaction_ids,
                    reason_code=value.reason_code,
                    write_off_date=value.write_off_date,
                    now=now(),
                    created_by_id=employee,
                    note=value.note,
                )

            def message(result: Any) -> str:
                return _("Written off in journal {number}: {amount}").format(
                    number=result.journal_number,
                    amount=self._formats.money(
                        result.total_accounting, context.accounting_currency
                    ),
                )

            self._open(dialog, work, message, name="write off")

        self._read(write_off_reasons, show)

    def nsf_payment(self) -> None:
        """The marked payment, else a choice among the recent ones, returned as NSF."""
        context = self._context()
        if context is None:
            return
        marked = [r for r in context.selected if r.type == TransactionType.PAYMENT]
        if marked:
            self._nsf(marked[0].id)
            return
        customer_id, since = context.customer_id, self._today() - dt.timedelta(NSF_LOOKBACK_DAYS)

        def choose(payments: list[PaymentChoice]) -> None:
            if not payments:
                self.failed.emit(
                    _("No payment of the last {days} days can be returned as NSF.").format(
                        days=NSF_LOOKBACK_DAYS
                    )
                )
                return
            labels = [
                _("{document} of {date}: {amount}").format(
                    document=p.document_number,
                    date=self._formats.date(p.posting_date),
                    amount=self._formats.money(p.amount, p.currency),
                )
                for p in payments
            ]
            self._choose(
                "nsf_chooser",
                _("NSF payment"),
                _("Which payment came back unpaid?"),
                labels,
                lambda index: self._nsf(payments[index].id),
            )

        self._read(lambda session: returnable_payments(session, customer_id, since), choose)

    def _nsf(self, payment_id: uuid.UUID) -> None:
        scope, today = self._scope, self._today()

        def show(preview: Any) -> None:
            dialog = NsfDialog(preview, self._today(), self._formats, icons=self._icons)
            dialog.setParent(self._host, dialog.windowFlags())
            connect_nsf_dialog(
                dialog,
                self._runner,
                self._database,
                scope=self._scope,
                clock=self._clock,
                created_by_id=self._employee_id,
                done=lambda result: self.done.emit(
                    ngettext(
                        "NSF processed in journal {journal}: {count} document reopened",
                        "NSF processed in journal {journal}: {count} documents reopened",
                        len(result.reopened),
                    ).format(journal=result.journal_number, count=len(result.reopened))
                ),
            )
            self._show(dialog)

        self._read(lambda session: nsf_preview(session, scope, payment_id, today), show)

    def interest(self) -> None:
        context = self._context()
        if context is None:
            return
        pool_id, pool_name = self.pool()
        dialog = InterestDialog(
            self._today(),
            self._formats,
            customer=context.label,
            pool=pool_name or _("all your customers"),
            icons=self._icons,
            parent=self._host,
        )
        connect_interest_dialog(
            dialog,
            self._runner,
            self._database,
            scope=self._scope,
            customer_id=context.customer_id,
            pool_id=pool_id,
            clock=self._clock,
            created_by_id=self._employee_id,
            done=lambda numbers: self.done.emit(
                ngettext(
                    "{count} interest note created", "{count} interest notes created", len(numbers)
                ).format(count=self._formats.count(len(numbers)))
            ),
        )
        self._show(dialog)

    def charges(self) -> None:
        context = self._context()
        if context is None:
            return
        scope, customer_id, today = self._scope, context.customer_id, self._today()

        def show(rows: Any) -> None:
            dialog = ChargesDialog(
                rows,
                self._today(),
                self._formats,
                customer=context.label,
                icons=self._icons,
                parent=self._host,
            )
            connect_charges_dialog(
                dialog,
                self._runner,
                self._database,
                scope=self._scope,
                clock=self._clock,
                created_by_id=self._employee_id,
                done=lambda results: self.done.emit(
                    ngettext(
                        "{count} charge corrected", "{count} charges corrected", len(results)
                    ).format(count=self._formats.count(len(results)))
                ),
            )
            self._show(dialog)

        self._read(lambda session: charge_rows(session, scope, customer_id, today), show)

    def letters(self) -> None:
        """The letters due for this customer (or the chosen pool), then their PDFs."""
        context = self._context()
        if context is None:
            return
        base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        folder = Path(base or ".") / _("Collection letters") / self._today().isoformat()
        dialog = make_letters_dialog(
            self._host,
            self._runner,
            self._database,
            self._scope,
            as_of=self._today(),
            now=self._now,
            created_by_id=self._employee_id,
            formats=self._formats,
            done=lambda run: self._print_run(run, folder),
            customer=(context.customer_id, context.label),
            pdf_folder=folder,
        )
        self._show(dialog)

    def _print_run(self, run: LetterRun, folder: Path) -> None:
        """Write a PDF of every letter of a run into ``folder``, record each, then say where.

        The PDFs written are recorded whatever happens (also when one fails or the user
        cancels), so ``letters --pdf`` or Reprint writes only what is missing.
        """
        created = ngettext(
            "{count} collection letter created",
            "{count} collection letters created",
            run.created_count,
        ).format(count=self._formats.count(run.created_count))
        if not run.letter_ids:
            self.done.emit(created)
            return
        ids = list(run.letter_ids)
        written: list[tuple[uuid.UUID, Path]] = []

        def read(session: Any) -> Any:
            return [letter_detail(session, letter_id) for letter_id in ids]

        def write(details: Any) -> None:
            task = self._runner.run(
                lambda state: print_letters(
                    details,
                    folder,
                    state=state,
                    written=lambda letter_id, path: written.append((letter_id, path)),
                ),
                lane=Lane.GENERAL,
                name="print letters",
            )
            task.succeeded.connect(
                lambda paths: self._record_pdfs(
                    written,
                    ngettext(
                        "{created}; {count} PDF in {folder}",
                        "{created}; {count} PDFs in {folder}",
                        len(paths),
                    ).format(created=created, count=len(paths), folder=folder),
                )
            )
            missing = _(
                "Reprint writes each missing PDF, and collections-desktop letters --pdf "
                "writes them all."
            )
            task.failed.connect(
                lambda error: self._record_pdfs(
                    written,
                    " ".join(
                        (
                            ngettext(
                                "{created}; {written} of {count} PDF written, then: {reason}",
                                "{created}; {written} of {count} PDFs written, then: {reason}",
                                len(ids),
                            ).format(
                                created=created,
                                written=len(written),
                                count=len(ids),
                                reason=error,
                            ),
                            missing,
                        )
                    ),
                )
            )
            task.cancelled.connect(
                lambda: self._record_pdfs(
                    written,
                    " ".join(
                        (
                            ngettext(
                                "{created}; printing stopped after {written} of {count} PDF.",
                                "{created}; printing stopped after {written} of {count} PDFs.",
                                len(ids),
                            ).format(created=created, written=len(written), count=len(ids)),
                            missing,
                        )
                    ),
                )
            )

        self._read(read, write)

    def _record_pdfs(self, written: Sequence[tuple[uuid.UUID, Path]], message: str) -> None:
        """Record the letters' PDFs written on the database lane, then announce ``message``."""
        pairs = list(written)
        database, now, employee_id = self._database, self._now, self._employee_id

        def record(_state: object) -> None:
            recorder = DocumentRecorder(database, now, written_by_id=employee_id)
            for letter_id, path in pairs:
                recorder(letter_id, path)
            recorder.flush()

        task = self._runner.run(record, lane=Lane.WRITE, name="record letter PDFs")
        task.succeeded.connect(lambda _result: self.done.emit(message))
        task.failed.connect(
            lambda error: self.done.emit(
                " ".join(
                    (
                        message,
                        _(
                            "The PDFs written could not be recorded ({reason}): the next "
                            "letters --pdf run writes them again."
                        ).format(reason=error),
                    )
                )
            )
        )

    def letter_block(self) -> None:
        context = self._context()
        if context is None:
            return
        dialog = make_letter_block_dialog(
            self._host,
            self._runner,
            self._database,
            self._scope,
            context.customer_id,
            context.label,
            today=self._today(),
            now=self._now,
            formats=self._formats,
            done=lambda block: self.done.emit(
                _("Letters blocked until {date}").format(date=self._formats.date(block.until))
                if block.until
                else _("Letters are no longer blocked")
            ),
        )
        self._show(dialog)

    def reprint(self) -> None:
        """A copy of the letter whose fee is marked, else of one chosen among the customer's."""
        context = self._context()
        if context is None:
            return
        customer_id = context.customer_id
        marked = {r.document_number for r in context.selected}

        def choose(letters: tuple[LetterRow, ...]) -> None:
            if not letters:
                self.failed.emit(_("No collection letter was sent to this customer yet."))
                return
            fee_letter = [row for row in letters if row.number in marked]
            if fee_letter:
                self.reprint_letter(fee_letter[0].id)
                return
            labels = [
                _("{number} of {date}: level {level}").format(
                    number=row.number, date=self._formats.date(row.letter_date), level=row.level
                )
                for row in letters
            ]
            self._choose(
                "reprint_chooser",
                _("Reprint"),
                _("Which letter?"),
                labels,
                lambda index: self.reprint_letter(letters[index].id),
            )

        self._read(lambda session: letters_of(session, customer_id), choose)

    def reprint_letter(self, letter_id: uuid.UUID) -> None:
        """Save the letter as a PDF where the user chooses, then open it: a marked copy,
        or the letter itself (recorded as its PDF) when its PDF was never written."""

        def read(session: Any) -> Any:
            return letter_detail(session, letter_id), document_of(session, letter_id)

        def show(found: Any) -> None:
            detail, document = found
            copy = document is not None
            path = reprint_letter(self._host, detail, open_url=self.open_url, copy=copy)
            if path is None:
                return
            if copy:
                self.done.emit(
                    _("Copy of {number} saved as {path}").format(number=detail.number, path=path)
                )
                return
            self._record_pdfs(
                [(detail.id, path)],
                _("Letter {number} saved as {path}").format(number=detail.number, path=path),
            )

        self._read(read, show)

    def history(self) -> None:
        context = self._context()
        if context is None:
            return
        customer_id = context.customer_id

        def read(session: Any) -> Any:
            return (
                status_history(session, customer_id=customer_id),
                promise_results(session, customer_id),
            )

        def show(found: Any) -> None:
            rows, results = found
            dialog = HistoryDialog(context.label, rows, results, self._formats, parent=self._host)
            self._show(dialog)

        self._read(read, show)

    # --- plumbing -----------------------------------------------------------------------

    def _choose(
        self,
        name: str,
        title: str,
        question: str,
        labels: list[str],
        then: Callable[[int], None],
    ) -> None:
        """Ask which of ``labels`` is meant (a list to pick from); ``then`` gets its index."""
        chooser = QInputDialog(self._host)
        chooser.setObjectName(name)
        chooser.setWindowTitle(title)
        chooser.setLabelText(question)
        chooser.setComboBoxItems(labels)
        chooser.setComboBoxEditable(False)
        chooser.textValueSelected.connect(lambda text: then(labels.index(text)))
        self._show(chooser)

    def _show(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _open(
        self,
        dialog: ActionDialog,
        work: Callable[[Any, Any], Any],
        message: Callable[[Any], str],
        *,
        name: str,
    ) -> None:
        """Show ``dialog``; on OK write ``work(session, value)`` and announce ``message``."""

        def submitted(value: Any) -> None:
            run_action(
                self._runner,
                self._database,
                dialog,
                lambda session: work(session, value),
                lambda result: self.done.emit(message(result)),
                name=name,
            )

        dialog.submitted.connect(submitted)
        self._show(dialog)

    def _read(self, read: Callable[[Any], Any], then: Callable[[Any], None]) -> None:
        """Read on the database lane, then call ``then`` with the result on the GUI thread."""
        database = self._database

        def run(_state: object) -> Any:
            with database.sessions() as session:
                return read(session)

        task = self._runner.run(run, lane=Lane.WRITE, name="read for an action")
        task.succeeded.connect(then)
        task.failed.connect(
            lambda error: self.failed.emit(
                _("Could not read the data: {reason}").format(reason=error)
            )
        )


def selected_rows(
    rows: Sequence[TransactionRow], ids: Sequence[uuid.UUID]
) -> tuple[TransactionRow, ...]:
    """The rows whose ids are in ``ids``, in the rows' order."""
    wanted = set(ids)
    return tuple(r for r in rows if r.id in wanted)

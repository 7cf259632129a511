"""The collections actions on one customer's transactions, shared by the Workspace and the
Collections page: record payment, receipt, refund, change status, settle, reverse a
settlement, write off, NSF payment, interest notes, waive/reinstate/reverse charges,
collection letters, reprint, history.

The five a collector uses most (change status, settle, write off, NSF payment, history)
are buttons of the tool bar ``toolbar`` makes; the others sit in its More menu; a
right-click on the transactions (``attach``) offers them all. Each has a shortcut, shown
in the menus and the tooltips, and a disabled one says why in its tooltip.

Every action is wired one way (``ActionController``): it reads what its dialog needs with
a ``QueryOp``, builds the dialog, and on OK writes with a ``WriteOp`` in one transaction,
the dialog showing a refusal inline. ``changed`` then carries a sentence for the status
bar and the page reads the customer again. Dates default to the context's clock's today
and every entry written is stamped with its now.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QPoint, QSize, Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QInputDialog,
    QMenu,
    QToolBar,
    QToolButton,
    QWidget,
)
from sqlalchemy.orm import Session

from collections_desktop.i18n import _, current_language, ngettext
from collections_desktop.models.actions.nsf import (
    NsfPreview,
    PaymentChoice,
    nsf_preview,
    process_nsf,
    returnable_payments,
)
from collections_desktop.models.actions.promises import promise_results
from collections_desktop.models.actions.status import change_status, status_history
from collections_desktop.models.actions.writeoff import write_off, write_off_preview
from collections_desktop.models.actions.writeoff_plan import write_off_reasons
from collections_desktop.models.billing.invoices import (
    InvoiceDetail,
    has_lines,
    invoice_details,
)
from collections_desktop.models.ledger.journals import LineDraft
from collections_desktop.models.ledger.settling import reverse, settle_marked, settlements_of
from collections_desktop.models.letters.blocks import set_letter_block
from collections_desktop.models.letters.read import LetterRow, letters_of
from collections_desktop.models.screens.customer_card import TransactionRow
from collections_desktop.views.actions.billing import save_invoice
from collections_desktop.views.actions.charges import open_charges, open_interest
from collections_desktop.views.actions.controller import ActionController, dialog_reads
from collections_desktop.views.actions.letters import LetterActions
from collections_desktop.views.actions.receipts import ReceiptActions
from collections_desktop.views.context import PageContext
from collections_desktop.views.dialogs.history_dialog import HistoryDialog
from collections_desktop.views.dialogs.letters_dialog import LetterBlockDialog
from collections_desktop.views.dialogs.nsf_dialog import NsfDialog
from collections_desktop.views.dialogs.settle_dialog import ReverseSettlementDialog, SettleDialog
from collections_desktop.views.dialogs.status_dialog import StatusDialog
from collections_desktop.views.dialogs.writeoff_dialog import WriteOffDialog, WriteOffQuery
from collections_desktop.views.operations import QueryOp
from collections_desktop.views.tasks import TaskState


@dataclass(frozen=True)
class ActionContext:
    """The customer the actions work on, what is open of it, and what the user marked."""

    customer_id: uuid.UUID
    label: str  # "C-000421 Ruiz Hermanos SL"
    accounting_currency: str
    rows: tuple[TransactionRow, ...]
    selected: tuple[TransactionRow, ...]


NSF_LOOKBACK_DAYS = 120
"""How far back the NSF chooser lists payments: a bounced cheque is reported within weeks."""

ACTIONS: tuple[tuple[str, str, str], ...] = (
    # key, icon, shortcut (texts and tooltips are set where they are translated). The
    # shortcuts work while the focus is on the page; none is the main window's (Ctrl+O,
    # Ctrl+Q, Ctrl+1…9, Ctrl+comma, F1, F5, F9) nor a page's (Ctrl+N, Ctrl+F).
    ("record_payment", "record_payment", "Ctrl+R"),
    ("change_status", "change_status", "Ctrl+Shift+S"),
    ("settle", "settle", "Ctrl+Shift+E"),
    ("reverse_settlement", "reverse_settlement", "Ctrl+Shift+R"),
    ("write_off", "write_off", "Ctrl+Shift+W"),
    ("nsf_payment", "nsf", "Ctrl+Shift+N"),
    ("interest", "interest", "Ctrl+Shift+I"),
    ("charges", "charges", "Ctrl+Shift+G"),
    ("letters", "letters", "Ctrl+Shift+L"),
    ("letter_block", "letter_block", "Ctrl+Shift+B"),
    ("reprint", "reprint", "Ctrl+P"),
    ("receipt", "receipt", "Ctrl+Shift+P"),
    ("refund", "refund", "Ctrl+Shift+U"),
    ("collections_history", "history", "Ctrl+H"),
)

MAIN_ACTIONS: tuple[str, ...] = (
    "change_status",
    "settle",
    "write_off",
    "nsf_payment",
    "collections_history",
)
"""The actions a collector uses most: a button each; the others sit in the More menu
(Record payment first there, Ctrl+R: a sixth button does not fit 1366 pixels in French)."""

MORE_ACTIONS: tuple[str, ...] = tuple(
    key for key, _icon, _keys in ACTIONS if key not in MAIN_ACTIONS
)
"""The actions of the More menu, in the order of ``ACTIONS``."""


def _texts() -> dict[str, tuple[str, str]]:
    """Each action's text and tooltip, translated now."""
    return {
        "record_payment": (
            _("Record payment…"),
            _("A payment received: settle the invoices it pays, or the oldest first"),
        ),
        "receipt": (
            _("Receipt"),
            _("Save the receipt of a payment as a PDF, in the customer's language"),
        ),
        "refund": (
            _("Refund…"),
            _("Pay a credit balance back out of credit notes or overpayments"),
        ),
        "change_status": (
            _("Change status"),
            _("Dispute, promise to pay, resolve… the marked transactions"),
        ),
        "settle": (_("Settle"), _("Settle open debits against open payments and credit notes")),
        "reverse_settlement": (
            _("Reverse settlement"),
            _("Undo a settlement; its transactions reopen"),
        ),
        "write_off": (_("Write off"), _("Write off the marked invoices, fees or interest")),
        "nsf_payment": (
            _("NSF payment"),
            _("A payment came back unpaid: reopen what it paid and charge the bank fee"),
        ),
        "interest": (
            _("Interest notes"),
            _("Charge interest on overdue invoices, with the note fee"),
        ),
        "charges": (
            _("Waive or reinstate"),
            _("Waive, reinstate or reverse interest notes and fees"),
        ),
        "letters": (
            _("Collection letters"),
            _("Create the collection letters that are due, and print them"),
        ),
        "letter_block": (
            _("Block letters"),
            _("Send this customer no collection letters until a date"),
        ),
        "reprint": (
            _("Reprint"),
            _("Save a marked invoice, or a copy of a collection letter, as a PDF and open it"),
        ),
        "collections_history": (
            _("View collections history"),
            _("Every status change and promise of this customer"),
        ),
    }


def _button_texts() -> dict[str, str]:
    """Shorter texts for the buttons whose full text would crowd the tool bar."""
    return {"collections_history": _("History")}


class TransactionActions(ActionController):
    """The actions (``QAction`` by key) and what they do on the page's customer.

    ``target`` says which customer and which marked rows the actions work on (None: no
    customer on screen); ``pool`` the page's pool (id, name) for the actions that can
    run on a whole pool.
    """

    def __init__(
        self,
        context: PageContext,
        parent: QWidget,
        *,
        target: Callable[[], ActionContext | None],
        pool: Callable[[], tuple[uuid.UUID | None, str]] = lambda: (None, ""),
        open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl,
    ) -> None:
        super().__init__(context, parent)
        self._target = target
        self.pool = pool
        self.letters = LetterActions(context, parent, open_url=open_url)
        """The letter run, its PDFs and reprints."""
        self.letters.changed.connect(self.changed)
        self.letters.refused.connect(self.refused)
        self.receipts = ReceiptActions(context, parent, open_url=open_url)
        """Record payment, refunds, receipts."""
        self.receipts.changed.connect(self.changed)
        self.receipts.refused.connect(self.refused)
        self.actions: dict[str, QAction] = {}
        handlers: dict[str, Callable[[], None]] = {
            "record_payment": self.record_payment,
            "receipt": self.receipt,
            "refund": self.refund,
            "change_status": self.change_status,
            "settle": self.settle,
            "reverse_settlement": self.reverse_settlement,
            "write_off": self.write_off,
            "nsf_payment": self.nsf_payment,
            "interest": self.interest,
            "charges": self.charges,
            "letters": self.letter_run,
            "letter_block": self.letter_block,
            "reprint": self.reprint,
            "collections_history": self.history,
        }
        texts, buttons = _texts(), _button_texts()
        self._tips: dict[str, str] = {}
        for key, icon, shortcut in ACTIONS:
            text, tip = texts[key]
            action = QAction(context.icons.get(icon), text, parent)
            action.setObjectName(f"{key}_action")
            if key in buttons:
                action.setIconText(buttons[key])  # the tool bar's button; menus say it all
            keys = QKeySequence(shortcut)
            action.setShortcut(keys)
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.setShortcutVisibleInContextMenu(True)
            native = keys.toString(QKeySequence.SequenceFormat.NativeText)
            self._tips[key] = f"{tip} ({native})"
            action.triggered.connect(handlers[key])
            parent.addAction(action)
            self.actions[key] = action
        self.more_menu = QMenu(parent)
        """The actions without a button of their own, with their shortcuts."""
        self.more_menu.setObjectName("transaction_more_menu")
        self.more_menu.setToolTipsVisible(True)
        for key in MORE_ACTIONS:
            self.more_menu.addAction(self.actions[key])
        self.update()

    @property
    def open_url(self) -> Callable[[QUrl], bool]:
        """How files and links are opened (tests intercept it)."""
        return self.letters.open_url

    @open_url.setter
    def open_url(self, open_url: Callable[[QUrl], bool]) -> None:
        self.letters.open_url = open_url

    # --- state --------------------------------------------------------------------------

    def update(self) -> None:
        """Enable each action when the customer and the marks allow it; a disabled
        action's tooltip says why."""
        target = self._target()
        why: dict[str, str] = {}
        if target is None:
            why = dict.fromkeys(self.actions, _("Choose a customer first."))
        else:
            rows, selected = target.rows, target.selected
            if not selected:
                why["change_status"] = _("Mark one or more open transactions first.")
            if not (any(r.is_debit for r in rows) and any(not r.is_debit for r in rows)):
                why["settle"] = _(
                    "Nothing to settle: no open payment or credit note meets an open debit."
                )
            if not any(r.is_debit for r in selected):
                why["write_off"] = _("Mark the invoices, fees or interest to write off first.")
            if not any(not r.is_debit for r in rows):
                why["refund"] = _("Nothing to refund: no credit note or payment is open.")
        for key, action in self.actions.items():
            reason = why.get(key)
            action.setEnabled(reason is None)
            tip = self._tips[key]
            action.setToolTip(f"{tip}\n{reason}" if reason else tip)

    def toolbar(self, name: str) -> QToolBar:
        """A tool bar with the main actions as buttons and a More button for the others.

        Made to be fully visible at 1366 pixels wide in every language; in a narrower
        window what does not fit folds into the tool bar's » menu.
        """
        bar = QToolBar()
        bar.setObjectName(name)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        bar.setIconSize(QSize(18, 18))
        for key in MAIN_ACTIONS:
            bar.addAction(self.actions[key])
        more = QToolButton()
        more.setObjectName(f"{name}_more")
        more.setIcon(self._context.icons.get("more_actions"))
        more.setText(_("More…"))
        more.setToolTip(_("The other actions on this customer, with their shortcuts"))
        more.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        more.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        more.setMenu(self.more_menu)
        bar.addWidget(more)
        return bar

    def context_menu(self, parent: QWidget) -> QMenu:
        """Every action, the main ones first, as enabled as the tool bar's."""
        self.update()
        menu = QMenu(parent)
        menu.setObjectName("transaction_context_menu")
        menu.setToolTipsVisible(True)
        for key in MAIN_ACTIONS:
            menu.addAction(self.actions[key])
        menu.addSeparator()
        for key in MORE_ACTIONS:
            menu.addAction(self.actions[key])
        return menu

    def attach(self, view: QAbstractItemView) -> None:
        """A right-click (or the menu key) on ``view`` offers every action."""
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(lambda position: self._pop_up(view, position))

    def _pop_up(self, view: QAbstractItemView, position: QPoint) -> None:
        menu = self.context_menu(view)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(view.viewport().mapToGlobal(position))

    # --- actions ------------------------------------------------------------------------

    def change_status(self) -> None:
        """Dispute, promise, resolve… the marked transactions."""
        target = self._target()
        if target is None or not target.selected:
            return
        context = self._context
        scope, employee, clock, today = (
            context.scope,
            context.employee_id,
            context.clock,
            context.clock.today(),
        )
        dialog = StatusDialog(target.selected, context.formats, today, parent=self._parent)

        def work(session: Session, value: Any) -> Any:
            return change_status(
                session,
                scope,
                value.transaction_ids,
                value.to_status,
                clock.now(),
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
            ).format(count=context.formats.count(result.count))

        self.open(dialog, work, message, "change status")

    def settle(self) -> None:
        """Settle open debits against open payments and credit notes."""
        target = self._target()
        if target is None:
            return
        context = self._context
        scope, employee, clock = context.scope, context.employee_id, context.clock
        dialog = SettleDialog(
            target.rows,
            clock.today(),
            context.formats,
            customer=target.label,
            icons=context.icons,
            parent=self._parent,
        )

        def work(session: Session, value: Any) -> Any:
            return settle_marked(
                session,
                scope,
                value.marks,
                value.settlement_date,
                clock.now(),
                created_by_id=employee,
                note=value.note,
            )

        def message(result: Any) -> str:
            return _("Settlement {number}: {amount} settled").format(
                number=result.number, amount=context.formats.money(result.total, result.currency)
            )

        self.open(dialog, work, message, "settle")

    def reverse_settlement(self) -> None:
        """Undo one of the customer's settlements."""
        target = self._target()
        if target is None:
            return
        customer_id = target.customer_id
        self.read(
            lambda session: settlements_of(session, customer_id),
            lambda rows: self._reverse_settlement(target, rows),
            "settlements to reverse",
        )

    def _reverse_settlement(self, target: ActionContext, rows: Sequence[Any]) -> None:
        context = self._context
        scope, employee, clock = context.scope, context.employee_id, context.clock
        dialog = ReverseSettlementDialog(
            rows,
            clock.today(),
            context.formats,
            customer=target.label,
            icons=context.icons,
            parent=self._parent,
        )

        def work(session: Session, value: Any) -> Any:
            return reverse(
                session,
                scope,
                value.settlement_id,
                value.reversal_date,
                clock.now(),
                created_by_id=employee,
                note=value.note,
            )

        def message(result: Any) -> str:
            return _("Settlement {number} reversed by {reversal}").format(
                number=result.reverses or "", reversal=result.number
            )

        self.open(dialog, work, message, "reverse settlement")

    def write_off(self) -> None:
        """Write off the marked debits."""
        target = self._target()
        if target is None:
            return
        debits = tuple(r for r in target.selected if r.is_debit)
        if debits:
            language = current_language()
            self.read(
                lambda session: write_off_reasons(session, language),
                lambda reasons: self._write_off(target, debits, reasons),
                "write-off reasons",
            )

    def _write_off(
        self, target: ActionContext, debits: tuple[TransactionRow, ...], reasons: Sequence[Any]
    ) -> None:
        context = self._context
        database, scope, employee, clock = (
            context.database,
            context.scope,
            context.employee_id,
            context.clock,
        )
        ids = [r.id for r in debits]
        dialog = WriteOffDialog(
            debits,
            reasons,
            clock.today(),
            context.formats,
            customer=target.label,
            accounting_currency=target.accounting_currency,
            icons=context.icons,
            parent=self._parent,
        )
        previews, is_open = dialog_reads(dialog)

        def preview(query: WriteOffQuery) -> None:
            # The dialog asks for its journal lines as it redraws (a short read by ids).
            if not is_open():
                return

            def read(_state: TaskState) -> list[LineDraft]:
                with database.sessions() as session:
                    return write_off_preview(session, ids, query.write_off_date, query.reason_code)

            QueryOp(
                read,
                lambda lines: dialog.show_preview(query, lines) if is_open() else None,
                "write-off preview",
                failure=lambda error: (
                    dialog.show_preview_error(query, str(error)) if is_open() else None
                ),
            ).run(context.runner, previews)

        dialog.preview_requested.connect(preview)

        def work(session: Session, value: Any) -> Any:
            return write_off(
                session,
                scope,
                value.transaction_ids,
                reason_code=value.reason_code,
                write_off_date=value.write_off_date,
                now=clock.now(),
                created_by_id=employee,
                note=value.note,
            )

        def message(result: Any) -> str:
            return _("Written off in journal {number}: {amount}").format(
                number=result.journal_number,
                amount=context.formats.money(result.total_accounting, target.accounting_currency),
            )

        self.open(dialog, work, message, "write off")
        dialog.refresh_preview()

    def nsf_payment(self) -> None:
        """The marked payment, else a choice among the recent ones, returned as NSF."""
        target = self._target()
        if target is None:
            return
        marked = [r for r in target.selected if r.is_payment]
        if marked:
            self.nsf_of(marked[0].id)
            return
        since = self._context.clock.today() - dt.timedelta(NSF_LOOKBACK_DAYS)
        customer_id = target.customer_id
        self.read(
            lambda session: returnable_payments(session, customer_id, since),
            self._choose_payment,
            "returnable payments",
        )

    def _choose_payment(self, payments: list[PaymentChoice]) -> None:
        if not payments:
            self.refused.emit(
                _("No payment of the last {days} days can be returned as NSF.").format(
                    days=NSF_LOOKBACK_DAYS
                )
            )
            return
        formats = self._context.formats
        labels = [
            _("{document} of {date}: {amount}").format(
                document=p.document_number,
                date=formats.date(p.posting_date),
                amount=formats.money(p.amount, p.currency),
            )
            for p in payments
        ]
        self._choose(
            "nsf_chooser",
            _("NSF payment"),
            _("Which payment came back unpaid?"),
            labels,
            lambda index: self.nsf_of(payments[index].id),
        )

    def nsf_of(self, payment_id: uuid.UUID) -> None:
        """The NSF dialog on the payment ``payment_id``, once its preview is read."""
        scope, today = self._context.scope, self._context.clock.today()
        self.read(
            lambda session: nsf_preview(session, scope, payment_id, today),
            self._show_nsf,
            "nsf preview",
        )

    def _show_nsf(self, preview: NsfPreview) -> None:
        context = self._context
        scope, employee, clock = context.scope, context.employee_id, context.clock
        dialog = NsfDialog(preview, clock.today(), context.formats, icons=context.icons)
        dialog.setParent(self._parent, dialog.windowFlags())

        def work(session: Session, value: Any) -> Any:
            return process_nsf(
                session,
                scope,
                value.payment_id,
                value.nsf_date,
                clock.now(),
                created_by_id=employee,
                note=value.note,
            )

        def message(result: Any) -> str:
            return ngettext(
                "NSF processed in journal {journal}: {count} document reopened",
                "NSF processed in journal {journal}: {count} documents reopened",
                len(result.reopened),
            ).format(journal=result.journal_number, count=len(result.reopened))

        self.open(dialog, work, message, "nsf")

    def interest(self) -> None:
        """Interest notes for this customer or the page's pool, proposed before posting."""
        target = self._target()
        if target is not None:
            pool_id, pool_name = self.pool()
            open_interest(self, self._context, target.customer_id, target.label, pool_id, pool_name)

    def charges(self) -> None:
        """Waive, reinstate or reverse the customer's interest notes and fees."""
        target = self._target()
        if target is not None:
            open_charges(self, self._context, target.customer_id, target.label)

    def letter_run(self) -> None:
        """The letters due for this customer (or the chosen pool), then their PDFs."""
        target = self._target()
        if target is not None:
            self.show(self.letters.run_dialog((target.customer_id, target.label)))

    def letter_block(self) -> None:
        """Send this customer no letters until a date (or lift the block)."""
        target = self._target()
        if target is not None:
            self.block_letters(target.customer_id, target.label)

    def block_letters(
        self,
        customer_id: uuid.UUID,
        label: str,
        *,
        until: dt.date | None = None,
        reason: str | None = None,
    ) -> None:
        """The block dialog on ``customer_id``, showing its current block (``until``, why)."""
        context = self._context
        scope, clock = context.scope, context.clock
        dialog = LetterBlockDialog(
            label, clock.today(), context.formats, until=until, reason=reason, parent=self._parent
        )

        def work(session: Session, entered: Any) -> Any:
            return set_letter_block(
                session, scope, customer_id, entered.until, entered.reason, clock.now()
            )

        def message(block: Any) -> str:
            if block.until:
                return _("Letters blocked until {date}").format(
                    date=context.formats.date(block.until)
                )
            return _("Letters are no longer blocked")

        self.open(dialog, work, message, "letter block")

    def record_payment(self) -> None:
        """Record a payment received from this customer (Ctrl+R)."""
        target = self._target()
        if target is not None:
            self.receipts.record(target.customer_id)

    def receipt(self) -> None:
        """The receipt of the marked payment, else of one chosen among the customer's."""
        target = self._target()
        if target is not None:
            marked = [r.id for r in target.selected if r.is_payment]
            self.receipts.receipt_for_customer(target.customer_id, marked)

    def refund(self) -> None:
        """Pay the customer's credit balance back."""
        target = self._target()
        if target is not None:
            self.receipts.refund(target.customer_id, target.label)

    def reprint(self) -> None:
        """The PDF of a marked invoice issued from a pending invoice; else a copy of the
        letter whose fee is marked, else of one chosen among the customer's."""
        target = self._target()
        if target is None:
            return
        invoices = [row.id for row in target.selected if row.type == "invoice"]
        if not invoices:
            self._reprint_letters(target)
            return

        def printable(session: Session) -> list[InvoiceDetail]:
            found = [i for i in invoices if has_lines(session, i)]
            return invoice_details(session, found[:1])

        self.read(
            printable,
            lambda found: (
                save_invoice(
                    self._context,
                    self._parent,
                    found[0],
                    open_url=self.letters.open_url,
                    announce=self.changed.emit,
                )
                if found
                else self._reprint_letters(target)
            ),
            "invoice to reprint",
        )

    def _reprint_letters(self, target: Any) -> None:
        customer_id = target.customer_id
        marked = {r.document_number for r in target.selected}

        def choose(letters: tuple[LetterRow, ...]) -> None:
            if not letters:
                self.refused.emit(_("No collection letter was sent to this customer yet."))
                return
            fee_letter = [row for row in letters if row.number in marked]
            if fee_letter:
                self.reprint_letter(fee_letter[0].id)
                return
            formats = self._context.formats
            labels = [
                _("{number} of {date}: level {level}").format(
                    number=row.number, date=formats.date(row.letter_date), level=row.level
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

        self.read(lambda session: letters_of(session, customer_id), choose, "letters to reprint")

    def reprint_letter(self, letter_id: uuid.UUID) -> None:
        """Save a letter as a PDF where the user chooses, then open it."""
        self.letters.reprint(letter_id)

    def history(self) -> None:
        """Every status change and promise of the customer."""
        target = self._target()
        if target is None:
            return
        customer_id = target.customer_id

        def read(session: Session) -> Any:
            return (
                status_history(session, customer_id=customer_id),
                promise_results(session, customer_id),
            )

        def show(found: Any) -> None:
            rows, results = found
            self.show(
                HistoryDialog(
                    target.label, rows, results, self._context.formats, parent=self._parent
                )
            )

        self.read(read, show, "collections history")

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
        chooser = QInputDialog(self._parent)
        chooser.setObjectName(name)
        chooser.setWindowTitle(title)
        chooser.setLabelText(question)
        chooser.setComboBoxItems(labels)
        chooser.setComboBoxEditable(False)
        chooser.textValueSelected.connect(lambda text: then(labels.index(text)))
        self.show(chooser)

"""Payments received: record one (Ctrl+R), refund a credit balance, print a receipt, and
move cheques and promissory notes along their life (deposit, clear, return as NSF).

``record_payment(context, parent, account)`` is the one entry every page uses (the
Workspace, the Collections page, the customer explorer): it opens the Record payment
dialog on the customer of ``account``, or with a customer search when there is none.
Everything is wired the way of ``ActionController``: a read for the dialog, the dialog,
and on OK one write transaction with the dialog as its feedback.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget
from sqlalchemy.orm import Session

from collections_desktop.i18n import _, ngettext
from collections_desktop.models.receipts.methods import change_states, method_name, state_name
from collections_desktop.models.receipts.read import (
    PaymentFilter,
    ReceiptDetail,
    list_payments,
    mark_receipt_printed,
    receipt_detail,
)
from collections_desktop.models.receipts.record import (
    PayingCustomer,
    currencies,
    paying_customer,
)
from collections_desktop.models.receipts.record import (
    record_payment as record,
)
from collections_desktop.models.receipts.refund import open_credits, refund
from collections_desktop.views.actions.controller import ActionController
from collections_desktop.views.context import PageContext
from collections_desktop.views.dialogs.receipt_dialog import (
    PaymentStateDialog,
    RecordPaymentDialog,
    RefundDialog,
)
from collections_desktop.views.operations import QueryOp, WriteOp
from collections_desktop.views.receipt_pdf import receipt_pdf
from collections_desktop.views.tasks import Lane
from collections_desktop.views.widgets.customer_search import CustomerSearch


class ReceiptActions(ActionController):
    """Record payment, refund, receipt PDF and the payments' state moves."""

    def __init__(
        self,
        context: PageContext,
        parent: QWidget,
        *,
        open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl,
    ) -> None:
        super().__init__(context, parent)
        self.open_url = open_url
        self.save_path: Callable[[str, str], str | None] = self._ask_path
        """Where a receipt is saved: asks the user (tests give a path)."""

    # --- record -------------------------------------------------------------------------

    def record(self, customer_id: uuid.UUID | None = None, account: str | None = None) -> None:
        """The Record payment dialog on a customer (by id or account), else with a search."""
        context = self._context
        scope, today = context.scope, context.clock.today()

        def read(session: Session) -> tuple[list[str], PayingCustomer | None]:
            found = None
            if customer_id is not None or account:
                found = paying_customer(
                    session, scope, today, customer_id=customer_id, account=account
                )
            return currencies(session), found

        self.read(read, lambda found: self._record(*found), "record payment")

    def _record(self, codes: list[str], customer: PayingCustomer | None) -> None:
        context = self._context
        scope, employee, clock = context.scope, context.employee_id, context.clock
        dialog = RecordPaymentDialog(
            clock.today(),
            context.formats,
            codes,
            customer=customer,
            customer_search=lambda parent: CustomerSearch("payment_customer", context, parent),
            parent=self._parent,
        )
        today = clock.today()

        def chosen(customer_id: uuid.UUID) -> None:
            self.read(
                lambda session: paying_customer(session, scope, today, customer_id=customer_id),
                dialog.show_customer,
                "paying customer",
            )

        dialog.customer_requested.connect(chosen)

        def work(session: Session, value: Any) -> Any:
            return record(session, scope, value, clock.now(), created_by_id=employee)

        def message(result: Any) -> str:
            fmt = context.formats
            return _("Payment {document} recorded: {amount} by {method}, {left} unsettled").format(
                document=result.document_number,
                amount=fmt.money(result.amount, result.currency),
                method=method_name(result.method).lower(),
                left=fmt.money(result.unsettled, result.currency),
            )

        self.open(dialog, work, message, "record payment")

    # --- refund -------------------------------------------------------------------------

    def refund(self, customer_id: uuid.UUID, label: str) -> None:
        """Pay the customer's credit balance back, out of credits picked or oldest first."""
        context = self._context
        scope, employee, clock = context.scope, context.employee_id, context.clock
        today = clock.today()

        def show(credits: Sequence[Any]) -> None:
            if not credits:
                self.refused.emit(_("{customer} has no credit to refund.").format(customer=label))
                return
            dialog = RefundDialog(
                customer_id, label, credits, today, context.formats, parent=self._parent
            )

            def work(session: Session, value: Any) -> Any:
                return refund(session, scope, value, clock.now(), created_by_id=employee)

            def message(result: Any) -> str:
                return _("Refund {document} of {amount} posted in journal {journal}").format(
                    document=result.document_number,
                    amount=context.formats.money(result.amount, result.currency),
                    journal=result.journal_number,
                )

            self.open(dialog, work, message, "refund")

        self.read(
            lambda session: open_credits(session, scope, customer_id, today),
            show,
            "credits to refund",
        )

    # --- states -------------------------------------------------------------------------

    def move(self, documents: Sequence[tuple[uuid.UUID, str]], to_state: str) -> None:
        """Deposit, clear or return (NSF) the payments ``documents`` (id, number)."""
        if not documents:
            return
        context = self._context
        scope, employee, clock = context.scope, context.employee_id, context.clock
        dialog = PaymentStateDialog(
            documents, to_state, clock.today(), context.formats, parent=self._parent
        )

        def work(session: Session, value: Any) -> Any:
            return change_states(
                session,
                scope,
                list(value.transaction_ids),
                value.to_state,
                value.state_date,
                clock.now(),
                changed_by_id=employee,
                note=value.note,
            )

        def message(result: Any) -> str:
            return ngettext(
                "{count} payment now {state}", "{count} payments now {state}", len(result)
            ).format(count=len(result), state=state_name(to_state).lower())

        self.open(dialog, work, message, "payment state")

    # --- receipts -----------------------------------------------------------------------

    def receipt_for_customer(self, customer_id: uuid.UUID, marked: Sequence[uuid.UUID]) -> None:
        """The receipt of a marked payment, else of one chosen among the customer's."""
        scope, today = self._context.scope, self._context.clock.today()

        def choose(rows: Any) -> None:
            payments = [row for row in rows.rows]
            if not payments:
                self.refused.emit(_("No payment of this customer was recorded with its method."))
                return
            for row in payments:
                if row.transaction_id in marked:
                    self.print_receipt(row.transaction_id)
                    return
            formats = self._context.formats
            labels = [
                _("{document} of {date}: {amount}").format(
                    document=row.document_number,
                    date=formats.date(row.payment_date),
                    amount=formats.money(row.amount, row.currency),
                )
                for row in payments
            ]
            chooser = QInputDialog(self._parent)
            chooser.setObjectName("receipt_chooser")
            chooser.setWindowTitle(_("Receipt"))
            chooser.setLabelText(_("Which payment?"))
            chooser.setComboBoxItems(labels)
            chooser.setComboBoxEditable(False)
            chooser.textValueSelected.connect(
                lambda text: self.print_receipt(payments[labels.index(text)].transaction_id)
            )
            self.show(chooser)

        self.read(
            lambda session: list_payments(
                session, scope, PaymentFilter(customer_id=customer_id), today
            ),
            choose,
            "payments of the customer",
        )

    def print_receipt(self, transaction_id: uuid.UUID) -> None:
        """Save the payment's receipt as a PDF (in its customer's language), then open it.

        The first print is the receipt; a later one is marked COPY.
        """
        scope, today = self._context.scope, self._context.clock.today()
        self.read(
            lambda session: receipt_detail(session, scope, transaction_id, today),
            self._save_receipt,
            "receipt",
        )

    def _ask_path(self, title: str, suggested: str) -> str | None:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        chosen, _filter = QFileDialog.getSaveFileName(
            self._parent, title, str(Path(folder or ".") / suggested), _("PDF files (*.pdf)")
        )
        return chosen or None

    def _save_receipt(self, detail: ReceiptDetail) -> None:
        copy = detail.printed_before
        number = detail.document_number
        suggested = (_("{number} receipt copy.pdf") if copy else _("{number} receipt.pdf")).format(
            number=number
        )
        chosen = self.save_path(_("Save the receipt of {number}").format(number=number), suggested)
        if not chosen:
            return
        path = Path(chosen)
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        context = self._context
        clock = context.clock

        def saved(_path: Path) -> None:
            self.open_url(QUrl.fromLocalFile(str(path)))
            said = _("Receipt of {number} saved as {path}").format(number=number, path=path)
            if copy:
                self.changed.emit(said)
                return
            WriteOp(
                lambda session: mark_receipt_printed(session, detail.transaction_id, clock.now()),
                lambda _first: self.changed.emit(said),
                "receipt printed",
                failure=self.refused.emit,
            ).run(context.runner, context.database)

        def failed(error: BaseException) -> None:
            QMessageBox.warning(
                self._parent, _("Receipt"), " ".join((str(error), _("Choose another folder.")))
            )

        QueryOp(
            lambda _state: receipt_pdf(detail, path, copy=copy),
            saved,
            "receipt pdf",
            failure=failed,
            lane=Lane.GENERAL,
        ).run(context.runner)


def record_payment(context: PageContext, parent: QWidget, account: str | None = None) -> None:
    """Open Record payment on the customer of ``account`` (a search box without one)."""
    actions = ReceiptActions(context, parent)
    actions.refused.connect(lambda text: QMessageBox.warning(parent, _("Record payment"), text))
    actions.record(account=account)

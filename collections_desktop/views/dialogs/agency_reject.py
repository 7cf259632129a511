"""Reject collection…: why a supervisor refuses a collection a collector recorded.

The collection is shown above the reason, so the supervisor sees what is refused; the
reason is required (the collector reads it, corrects and records again). The dialog
writes nothing: OK emits ``submitted`` with the reason and the desk writes it, the
dialog as its feedback (a refusal stays shown inline).
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QPlainTextEdit, QWidget

from collections_desktop.formatting import Formats
from collections_desktop.i18n import _
from collections_desktop.models.agency.rows import CollectionRow
from collections_desktop.views.dialogs.action_dialog import ActionDialog


class RejectCollectionDialog(ActionDialog):
    """The reason for rejecting ``collection`` (required)."""

    def __init__(
        self, collection: CollectionRow, formats: Formats, parent: QWidget | None = None
    ) -> None:
        super().__init__(_("Reject collection"), _("Reject"), parent)
        self.setObjectName("agency_reject_dialog")
        self.collection = collection
        summary = QLabel(
            _("{amount} collected on {day} by {collector} on case {case} ({debtor})").format(
                amount=formats.money(collection.amount, collection.currency),
                day=formats.date(collection.collected_on),
                collector=collection.collected_by_name,
                case=collection.case_number,
                debtor=collection.debtor_name,
            )
        )
        summary.setObjectName("agency_reject_summary")
        summary.setWordWrap(True)
        self.form.addRow(summary)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("agency_reject_reason")
        self.reason.setPlaceholderText(
            _("What is wrong: the amount, the date, the reference, no money seen…")
        )
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.form.addRow(_("&Reason:"), self.reason)
        self.reason.setFocus()

    def value(self) -> str:
        """The reason, trimmed."""
        return self.reason.toPlainText().strip()

    def check(self) -> str | None:
        if not self.value():
            return _("Say why the collection is rejected: the collector reads it.")
        return None

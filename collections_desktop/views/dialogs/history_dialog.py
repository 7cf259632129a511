"""The Collections history dialog: every status change of a customer's items, read-only.

The rows come from ``models/collection_status.status_history`` (newest first) and the
judged promises from ``models/promises.promise_results``; the dialog only shows them.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from collections_desktop.formatting import Formats
from collections_desktop.i18n import _, ngettext
from collections_desktop.models.actions.promises import PromiseResultRow
from collections_desktop.models.actions.status import StatusChangeRow
from collections_desktop.views.dialogs.grids import fit_rows, read_only_table
from collections_desktop.views.itemmodels.marked import MarkedModel
from collections_desktop.views.itemmodels.rows import Column
from collections_desktop.views.style import heading_font, muted_palette

NOTE_WIDTH = 60
"""Characters of a note shown in its cell; the whole note is in the tooltip."""

HISTORY_ROWS = 12
RESULT_ROWS = 5


def _short(text: str | None) -> str | None:
    if not text:
        return None
    line = " ".join(text.split())
    return line if len(line) <= NOTE_WIDTH else line[: NOTE_WIDTH - 1] + "…"


class HistoryDialog(QDialog):
    """The collections history of one customer (or one transaction), and its promise results."""

    def __init__(
        self,
        title: str,
        rows: Sequence[StatusChangeRow],
        results: Sequence[PromiseResultRow],
        formats: Formats,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("history_dialog")
        self.setWindowTitle(_("Collections history · {title}").format(title=title))
        self.setMinimumWidth(960)
        self.resize(1120, self.height())
        money = formats.amount

        self.history_model: MarkedModel[StatusChangeRow] = MarkedModel(
            [
                Column(_("When"), lambda r: r.changed_at, formats.moment),
                Column(_("Who"), lambda r: r.changed_by or "—"),
                Column(_("Document"), lambda r: r.document_number),
                Column(_("From"), lambda r: r.from_name),
                Column(_("To"), lambda r: r.to_name),
                Column(_("Promise date"), lambda r: r.promise_date, formats.date),
                Column(_("Promised"), lambda r: r.promise_amount, money),
                Column(_("Note"), lambda r: _short(r.note), tooltip=lambda r: r.note or ""),
            ],
            {},
            self,
        )
        self.history_model.right.add(6)
        currencies = {r.currency for r in rows} | {r.currency for r in results}
        if len(currencies) == 1:
            code = next(iter(currencies))
            self.history_model.set_header(6, _("Promised {currency}").format(currency=code))
        self.history_model.set_rows(rows)
        self.history = read_only_table("history_grid", self.history_model)
        self.history.resizeColumnsToContents()
        fit_rows(self.history, len(rows), HISTORY_ROWS)

        self.empty = QLabel(_("No status changes yet. Change a status from the open transactions."))
        self.empty.setObjectName("history_empty")
        self.empty.setPalette(muted_palette(self.empty.palette()))

        self.results_title = QLabel(_("Promises judged"))
        self.results_title.setObjectName("results_title")
        self.results_title.setFont(heading_font(self.results_title.font()))
        self.results_model: MarkedModel[PromiseResultRow] = MarkedModel(
            [
                Column(_("Judged on"), lambda r: r.evaluated_on, formats.date),
                Column(_("Document"), lambda r: r.document_number),
                Column(_("Promise date"), lambda r: r.promise_date, formats.date),
                Column(_("Promised"), lambda r: r.promise_amount, money),
                Column(_("Paid"), lambda r: r.paid_amount, money),
                Column(_("Outcome"), lambda r: r.outcome_name),
                Column(_("Follow-up"), lambda r: r.follow_up_number),
            ],
            {},
            self,
        )
        self.results_model.right.update({3, 4})
        if len(currencies) == 1:
            code = next(iter(currencies))
            self.results_model.set_header(3, _("Promised {currency}").format(currency=code))
            self.results_model.set_header(4, _("Paid {currency}").format(currency=code))
        self.results_model.set_rows(results)
        self.results = read_only_table("results_grid", self.results_model)
        self.results.resizeColumnsToContents()
        fit_rows(self.results, len(results), RESULT_ROWS)

        count = QLabel(
            ngettext("{count} change", "{count} changes", len(rows)).format(
                count=formats.count(len(rows))
            )
        )
        count.setObjectName("history_count")
        count.setPalette(muted_palette(count.palette()))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setObjectName("history_close")
        layout = QVBoxLayout(self)
        layout.addWidget(count)
        layout.addWidget(self.history)
        layout.addWidget(self.empty)
        layout.addSpacing(6)
        layout.addWidget(self.results_title)
        layout.addWidget(self.results)
        layout.addStretch(1)
        layout.addWidget(buttons)
        count.setVisible(bool(rows))
        self.history.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        self.results_title.setVisible(bool(results))
        self.results.setVisible(bool(results))
        self.close_button.setFocus()

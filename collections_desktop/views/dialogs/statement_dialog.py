"""The Account statement dialog: a period (last month, this year, or two dates), PDF or
XLSX, and the first page of the statement as the customer will read it.

The dialog only shows and checks. ``preview_requested`` carries the period to preview;
the caller (``views/actions/statements.py``) reads the statement and answers with
``show_statement`` (the statement and its first page as an image) or
``show_preview_error``. Save emits ``submitted`` with a ``StatementRequest`` once the
preview of the very period asked for is shown, so what is saved is what was seen.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QPixmap, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QWidget,
)

from collections_desktop.formatting import Formats
from collections_desktop.i18n import _, ngettext
from collections_desktop.models.statements.period import (
    StatementError,
    StatementPeriod,
    last_month,
    this_year,
)
from collections_desktop.models.statements.statement import Statement
from collections_desktop.views.dialogs.action_dialog import ActionDialog
from collections_desktop.views.dialogs.fields import date_edit, pydate, qdate
from collections_desktop.views.style import heading_font

PREVIEW_DELAY_MS = 250
"""The preview is read this long after the period last changed."""

PREVIEW_WIDTH = 420

ROOMY_SIZE = QSize(560, 720)
"""The size the dialog opens at: the fields and most of the first page, on the smallest
screen the app is made for (1366×768)."""
"""The width of the first page's picture (an A4 page at about 50 dots per inch)."""

LAST_MONTH, THIS_YEAR, CUSTOM = "last_month", "this_year", "custom"
PDF, XLSX = "pdf", "xlsx"


@dataclass(frozen=True)
class StatementRequest:
    """What to save: the period and the file's format (``pdf`` or ``xlsx``)."""

    period: StatementPeriod
    file_format: str


class StatementDialog(ActionDialog):
    """Choose the period and the format of a customer's statement, see it, save it."""

    preview_requested = Signal(object)

    def __init__(
        self, customer: str, today: dt.date, formats: Formats, parent: QWidget | None = None
    ) -> None:
        super().__init__(_("Account statement"), _("Save…"), parent)
        self.setObjectName("statement_dialog")
        self._today = today
        self._formats = formats
        self._shown: StatementPeriod | None = None
        self._sized = False  # given its room at the first show
        self.statement: Statement | None = None
        """The statement the preview shows (the one saved)."""

        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        who = QLabel(customer)
        who.setObjectName("statement_customer")
        who.setFont(heading_font(self.font()))
        self.form.addRow(_("Customer"), who)
        self.preset = QComboBox()
        self.preset.setObjectName("statement_preset")
        self.preset.addItem(_("Last month"), LAST_MONTH)
        self.preset.addItem(_("This year"), THIS_YEAR)
        self.preset.addItem(_("Custom period"), CUSTOM)
        self.form.addRow(_("&Period"), self.preset)
        first = last_month(today)
        self.start = date_edit(first.start, formats, "statement_start")
        self.end = date_edit(first.end, formats, "statement_end")
        for edit in (self.start, self.end):
            edit.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        dates = QHBoxLayout()
        dates.addWidget(self.start)
        dates.addWidget(QLabel(_("to")))
        dates.addWidget(self.end)
        dates.addStretch(1)
        from_label = QLabel(_("&From"))
        from_label.setBuddy(self.start)
        self.form.addRow(from_label, dates)
        self.file_format = QComboBox()
        self.file_format.setObjectName("statement_format")
        self.file_format.addItem(_("PDF, to send to the customer"), PDF)
        self.file_format.addItem(_("Excel workbook (XLSX)"), XLSX)
        self.form.addRow(_("F&ormat"), self.file_format)

        self.summary = QLabel()
        self.summary.setObjectName("statement_summary")
        self.summary.setWordWrap(True)
        self.body.addWidget(self.summary)
        self.page = QLabel()
        self.page.setObjectName("statement_page")
        self.page.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        scroller = QScrollArea()
        scroller.setWidget(self.page)
        scroller.setWidgetResizable(True)
        scroller.setMinimumSize(PREVIEW_WIDTH + 24, 360)
        self.body.addWidget(scroller, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.request_preview)
        self.preset.currentIndexChanged.connect(self._preset_chosen)
        self.start.dateChanged.connect(lambda _d: self._timer.start())
        self.end.dateChanged.connect(lambda _d: self._timer.start())
        self._preset_chosen()
        self._enable_ok()
        QTimer.singleShot(0, self.request_preview)

    def showEvent(self, event: QShowEvent) -> None:
        """Open with room for the first page, as far as the screen allows."""
        if not self._sized:
            self._sized = True
            screen = self.screen()
            room = ROOMY_SIZE if screen is None else ROOMY_SIZE.boundedTo(screen.availableSize())
            self.resize(self.size().expandedTo(room))
        super().showEvent(event)

    # --- what was asked -----------------------------------------------------------------

    def period(self) -> StatementPeriod | None:
        """The period the fields describe; None when it ends before it starts."""
        try:
            return StatementPeriod(pydate(self.start.date()), pydate(self.end.date()))
        except StatementError:
            return None

    def value(self) -> StatementRequest:
        """The statement to save (``check`` has made sure its preview is shown)."""
        period = self.period()
        assert period is not None
        return StatementRequest(period, str(self.file_format.currentData()))

    def check(self) -> str | None:
        """Refuse a period that ends before it starts, and saving before its preview."""
        period = self.period()
        if period is None:
            return _("The period ends before it starts: choose an end on or after {date}.").format(
                date=self._formats.date(pydate(self.start.date()))
            )
        if period != self._shown or self.statement is None:
            return _("The statement is being read; save it once its first page shows.")
        return None

    # --- the preview ------------------------------------------------------------------

    @property
    def previewed(self) -> bool:
        """Whether the preview shown is that of the period asked for (or was refused)."""
        period = self.period()
        return period is not None and (period == self._shown or not self.error.isHidden())

    def request_preview(self) -> None:
        """Ask for the statement of the period the fields describe now."""
        self._timer.stop()
        self.error.hide()
        period = self.period()
        if period is None:
            self._shown, self.statement = None, None
            self.page.clear()
            self.summary.setText(self.check() or "")
            self._enable_ok()
            return
        self.summary.setText(_("Reading the statement…"))
        self._enable_ok()
        self.preview_requested.emit(period)

    def show_statement(self, period: StatementPeriod, statement: Statement, page: QImage) -> None:
        """Show ``statement`` and its first page (ignored if the period has changed since)."""
        if period != self.period():
            return
        self._shown, self.statement = period, statement
        fmt = self._formats
        movements = ngettext(
            "{count} movement", "{count} movements", len(statement.movements)
        ).format(count=fmt.count(len(statement.movements)))
        self.summary.setText(
            _(
                "Opening balance {opening} · {movements} · closing balance {closing} {currency}"
            ).format(
                opening=fmt.amount(statement.opening_balance),
                movements=movements,
                closing=fmt.amount(statement.closing_balance),
                currency=statement.currency,
            )
        )
        picture = QPixmap.fromImage(page).scaledToWidth(
            PREVIEW_WIDTH, Qt.TransformationMode.SmoothTransformation
        )
        self.page.setPixmap(picture)
        self.page.setToolTip(_("The first page of the PDF, as the customer reads it"))
        self._enable_ok()

    def show_preview_error(self, period: StatementPeriod, message: str) -> None:
        """The statement of ``period`` could not be read: say why, inline."""
        if period != self.period():
            return
        self._shown, self.statement = None, None
        self.page.clear()
        self.summary.setText(_("No preview."))
        self.error.setText(message)
        self.error.show()
        self._enable_ok()

    def set_waiting(self, waiting: bool) -> None:
        """Disable Save while the file is written, and while there is nothing to save."""
        self._enable_ok(waiting)

    def _enable_ok(self, waiting: bool = False) -> None:
        problem = self.check()
        self.ok_button.setEnabled(not waiting and problem is None)
        self.ok_button.setToolTip(problem or "")

    def _preset_chosen(self) -> None:
        """A preset sets the dates (and keeps them from being edited); Custom frees them."""
        chosen = self.preset.currentData()
        custom = chosen == CUSTOM
        for edit in (self.start, self.end):
            edit.setEnabled(custom)
        if not custom:
            period = last_month(self._today) if chosen == LAST_MONTH else this_year(self._today)
            for edit, day in ((self.start, period.start), (self.end, period.end)):
                edit.blockSignals(True)
                edit.setDate(qdate(day))
                edit.blockSignals(False)
        self._timer.start()

"""Collection letters: the run dialog with its preview, and the block dialog.

``LettersDialog`` asks for an as-of date and a pool (or "this customer"), previews the
letters the run would make and who it skips and why (``models.letters.propose.propose_letters``,
read by the caller), and emits ``submitted`` with a ``LettersRequest``; the caller
posts them with ``create_letters`` (``views/actions/letters`` does that wiring).
Without a pool, or when the preview found no letter due, Create is disabled and its
tooltip says why; the skipped customers' reasons (a block and why) wrap, never cut.
``LetterBlockDialog`` asks until when and why a customer's letters are blocked.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QWidget,
)

from collections_desktop.formatting import Formats
from collections_desktop.i18n import _, ngettext
from collections_desktop.kernel.money import ZERO
from collections_desktop.models.letters.blocks import (
    BLOCK_REASON_LENGTH,
)
from collections_desktop.models.letters.propose import LetterProposal
from collections_desktop.views.dialogs.action_dialog import ActionDialog
from collections_desktop.views.dialogs.fields import date_edit, pydate, qdate
from collections_desktop.views.dialogs.grids import fit_columns, read_only_table
from collections_desktop.views.itemmodels.rows import Column, RowTableModel
from collections_desktop.views.style import heading_font, muted_palette

PREVIEW_DELAY_MS = 250
"""The preview is read this long after the date or the pool last changed."""

CUSTOMER_TARGET = "customer"

SKIPPED_REASON = 3
"""The column of the skipped customers that says why they get no letter."""

ROOMY_SIZE = QSize(1000, 640)
"""The size the dialog opens at: the customers' names and the reasons of the skipped ones
whole, on the smallest screen the app is made for (1366×768)."""


def _date_edit(name: str, day: dt.date, formats: Formats) -> QDateEdit:
    """The shared date field, as wide as its date in the user's style (no wider)."""
    edit = date_edit(day, formats, name)
    edit.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    return edit


# --- the letter run -----------------------------------------------------------------------


@dataclass(frozen=True)
class LettersRequest:
    """What a letter run is asked for: the as-of date and a pool or some customers."""

    as_of: dt.date
    pool_id: uuid.UUID | None
    customer_ids: tuple[uuid.UUID, ...] | None


class LettersDialog(ActionDialog):
    """Preview and create the collection letters of a pool (or of one customer).

    ``pools`` are (id, name) of the pools the agent works; ``customer`` (id, label) adds
    "this customer" as the first choice. ``preview_requested`` carries the
    ``LettersRequest`` to preview; answer with ``show_proposals`` or ``show_preview_error``.
    ``value()`` is a ``LettersRequest``.
    """

    preview_requested = Signal(object)

    def __init__(
        self,
        pools: Sequence[tuple[uuid.UUID, str]],
        as_of: dt.date,
        formats: Formats,
        *,
        customer: tuple[uuid.UUID, str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(_("Collection letters"), _("Create letters"), parent)
        self.setObjectName("letters_dialog")
        self.setMinimumWidth(820)
        self._formats = formats
        self._customer = customer
        self._pools = {str(pool_id): pool_id for pool_id, _name in pools}
        self._shown_request: LettersRequest | None = None  # what the preview shows
        self._proposals: tuple[LetterProposal, ...] = ()
        self._sized = False  # given its room at the first show

        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.as_of = _date_edit("letters_as_of", as_of, formats)
        self.target = QComboBox()
        self.target.setObjectName("letters_target")
        if customer is not None:
            self.target.addItem(
                _("This customer: {customer}").format(customer=customer[1]), CUSTOMER_TARGET
            )
        else:
            self.target.addItem(_("Choose a pool…"), "")
        for pool_id, name in pools:
            self.target.addItem(_("Pool: {name}").format(name=name), str(pool_id))
        self.form.addRow(_("Letters &as of"), self.as_of)
        self.form.addRow(_("&For"), self.target)

        self.summary = QLabel()
        self.summary.setObjectName("letters_summary")
        self.summary.setWordWrap(True)
        self.summary.setFont(heading_font(self.font()))
        self.body.addWidget(self.summary)

        money = formats.amount
        self.proposal_model: RowTableModel[LetterProposal] = RowTableModel(
            [
                Column(_("Account"), lambda p: p.account),
                Column(_("Customer"), lambda p: p.name),
                Column(_("Level"), self._level_text),
                Column(_("Days overdue"), lambda p: p.days_overdue),
                Column(_("Items"), lambda p: len(p.items)),
                Column(_("Currency"), lambda p: p.currency),
                Column(_("Amount"), lambda p: p.amount, text=money, tooltip=self._items_tip),
                Column(_("Fee"), lambda p: p.fee, text=money),
            ],
            self,
        )
        self.proposals = read_only_table(
            "letters_proposals", self.proposal_model, stretch=1, sortable=True
        )
        self.proposals.setMinimumHeight(150)
        self.body.addWidget(self.proposals, 3)

        self.skipped_title = QLabel()
        self.skipped_title.setObjectName("letters_skipped_title")
        self.body.addWidget(self.skipped_title)
        self.skipped_model: RowTableModel[LetterProposal] = RowTableModel(
            [
                Column(_("Account"), lambda p: p.account),
                Column(_("Customer"), lambda p: p.name),
                Column(_("Amount"), lambda p: p.amount, text=money, tooltip=self._items_tip),
                Column(_("Why no letter"), lambda p: p.reason, tooltip=lambda p: p.reason or ""),
            ],
            self,
        )
        self.skipped = read_only_table(
            "letters_skipped", self.skipped_model, stretch=SKIPPED_REASON, sortable=True
        )
        # Why a customer gets no letter (a block and its reason, the level not yet due) is
        # what the collector reads this table for: the text wraps, each row as tall as
        # its reason, never cut.
        self.skipped.setWordWrap(True)
        self.skipped.setTextElideMode(Qt.TextElideMode.ElideNone)
        rows = self.skipped.verticalHeader()
        rows.setMinimumSectionSize(rows.defaultSectionSize())  # one line: as tall as above
        rows.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.skipped.setMinimumHeight(130)
        self.body.addWidget(self.skipped, 2)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.request_preview)
        self.as_of.dateChanged.connect(lambda _d: self._timer.start())
        self.target.currentIndexChanged.connect(lambda _i: self._timer.start())
        self._show_rows((), ())
        self.summary.setText(self._idle_text())
        self._enable_ok()
        QTimer.singleShot(0, self.request_preview)

    def showEvent(self, event: QShowEvent) -> None:
        """Open with room for the names and the reasons, as far as the screen allows (Qt
        opens a dialog at most two thirds of the screen wide)."""
        if not self._sized:
            self._sized = True
            screen = self.screen()
            room = ROOMY_SIZE if screen is None else ROOMY_SIZE.boundedTo(screen.availableSize())
            self.resize(self.size().expandedTo(room))
        super().showEvent(event)

    # --- what was asked ---------------------------------------------------------------

    def request(self) -> LettersRequest | None:
        """The run the dialog's fields describe; None while no pool is chosen."""
        target = self.target.currentData()
        as_of = pydate(self.as_of.date())
        if target == CUSTOMER_TARGET and self._customer is not None:
            return LettersRequest(as_of, None, (self._customer[0],))
        if target in self._pools:
            return LettersRequest(as_of, self._pools[target], None)
        return None

    def value(self) -> LettersRequest:
        """The run to post (``check`` has made sure there is one)."""
        request = self.request()
        assert request is not None
        return request

    def check(self) -> str | None:
        """Refuse without a pool, or when the preview of this very run found no letter."""
        request = self.request()
        if request is None:
            return _("Choose a pool, or open the letters from a customer's Workspace.")
        if request == self._shown_request and not any(p.will_send for p in self._proposals):
            return _("No letter is due as of {date}: there is nothing to create.").format(
                date=self._formats.date(request.as_of)
            )
        return None

    # --- the preview ------------------------------------------------------------------

    @property
    def previewed(self) -> bool:
        """Whether the preview shown is that of the run the fields describe (or refused)."""
        request = self.request()
        return request is not None and (request == self._shown_request or not self.error.isHidden())

    def request_preview(self) -> None:
        """Ask for the preview of the run the fields describe now."""
        self._timer.stop()
        request = self.request()
        self.error.hide()
        if request is None:
            self._shown_request, self._proposals = None, ()
            self._show_rows((), ())
            self.summary.setText(self._idle_text())
            self._enable_ok()
            return
        self.summary.setText(_("Reading the letters that are due…"))
        self._enable_ok()
        self.preview_requested.emit(request)

    def show_proposals(self, request: LettersRequest, proposals: Sequence[LetterProposal]) -> None:
        """Show the preview of ``request`` (ignored if the fields have changed since)."""
        if request != self.request():
            return
        self._shown_request, self._proposals = request, tuple(proposals)
        sending = [p for p in proposals if p.will_send]
        skipped = [p for p in proposals if not p.will_send]
        self._show_rows(sending, skipped)
        fees = sum((p.fee for p in sending), ZERO)
        if sending:
            text = ngettext(
                "{count} letter to create", "{count} letters to create", len(sending)
            ).format(count=self._formats.count(len(sending)))
            if fees:
                text += " · " + _("{amount} in fees").format(amount=self._formats.amount(fees))
        else:
            text = _("No letter is due as of {date}.").format(
                date=self._formats.date(request.as_of)
            )
        if skipped:
            text += " · " + ngettext(
                "{count} without a letter", "{count} without a letter", len(skipped)
            ).format(count=self._formats.count(len(skipped)))
        self.summary.setText(text)
        self._enable_ok()

    def show_preview_error(self, request: LettersRequest, message: str) -> None:
        """The preview of ``request`` was refused: say why, inline, and show nothing."""
        if request != self.request():
            return
        self._shown_request, self._proposals = None, ()
        self._show_rows((), ())
        self.summary.setText(_("No preview."))
        self.error.setText(message)
        self.error.show()
        self._enable_ok()

    def set_waiting(self, waiting: bool) -> None:
        """Disable Create while writing, and while there is nothing to create."""
        self._enable_ok(waiting)

    def _enable_ok(self, waiting: bool = False) -> None:
        """Create letters only when a pool is chosen and its preview does not say that
        none is due; else the button's tooltip says why not."""
        problem = self.check()
        self.ok_button.setEnabled(not waiting and problem is None)
        self.ok_button.setToolTip(problem or "")

    def _show_rows(
        self, sending: Sequence[LetterProposal], skipped: Sequence[LetterProposal]
    ) -> None:
        self.proposal_model.set_rows(sending)
        self.skipped_model.set_rows(skipped)
        self.skipped_title.setText(
            _("Without a letter ({count})").format(count=self._formats.count(len(skipped)))
        )
        for view in (self.proposals, self.skipped):
            fit_columns(view)

    def _idle_text(self) -> str:
        return _("Choose a pool to see the letters that are due.")

    def _level_text(self, proposal: LetterProposal) -> str:
        if proposal.level is None:
            return "—"
        return f"{proposal.level} · {proposal.level_name or ''}".rstrip(" ·")

    def _items_tip(self, proposal: LetterProposal) -> str:
        lines = [
            f"{item.document_number} · {self._formats.date(item.due_date)} · "
            f"{self._formats.money(item.open_amount, item.currency)}"
            for item in proposal.items
        ]
        if proposal.level_name:
            lines.insert(0, f"{proposal.level} · {proposal.level_name}")
        return "\n".join(lines)


# --- the block ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LetterBlockInput:
    """A customer's letter block as entered: until when and why (both None: no block)."""

    until: dt.date | None
    reason: str | None


class LetterBlockDialog(ActionDialog):
    """Block a customer's collection letters until a date, for a reason, or lift the block.

    ``value()`` is a ``LetterBlockInput``.
    """

    def __init__(
        self,
        customer_label: str,
        today: dt.date,
        formats: Formats,
        *,
        until: dt.date | None = None,
        reason: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(_("Block collection letters"), _("Save"), parent)
        self.setObjectName("letter_block_dialog")
        self._today = today
        customer = QLabel(customer_label)
        customer.setObjectName("letter_block_customer")
        current = QLabel(
            _("Blocked until {date}: {reason}").format(
                date=formats.date(until), reason=reason or "—"
            )
            if until is not None
            else _("Letters are not blocked.")
        )
        current.setObjectName("letter_block_current")
        current.setPalette(muted_palette(current.palette()))
        current.setWordWrap(True)
        self.blocked = QCheckBox(_("Send no letters until this date (inclusive)"))
        self.blocked.setObjectName("letter_block_enabled")
        self.blocked.setChecked(True)
        self.until = _date_edit(
            "letter_block_until", until or today + dt.timedelta(days=14), formats
        )
        self.until.setMinimumDate(qdate(today))
        self.reason = QLineEdit(reason or "")
        self.reason.setObjectName("letter_block_reason")
        self.reason.setMaxLength(BLOCK_REASON_LENGTH)
        self.reason.setPlaceholderText(_("Why, e.g. Paying in instalments until March"))
        self.blocked.toggled.connect(self.until.setEnabled)
        self.blocked.toggled.connect(self.reason.setEnabled)
        self.form.addRow(_("Customer"), customer)
        self.form.addRow(_("Current block"), current)
        self.form.addRow("", self.blocked)
        self.form.addRow(_("&Until"), self.until)
        self.form.addRow(_("&Reason"), self.reason)
        self.reason.setFocus()

    def value(self) -> LetterBlockInput:
        """The block as entered; (None, None) when the box is unticked (lift the block)."""
        if not self.blocked.isChecked():
            return LetterBlockInput(None, None)
        return LetterBlockInput(pydate(self.until.date()), self.reason.text().strip() or None)

    def check(self) -> str | None:
        """Refuse a block without a reason or ending in the past."""
        entered = self.value()
        if entered.until is None:
            return None
        if entered.until < self._today:
            return _("The block must last until today or a later date.")
        if entered.reason is None:
            return _("Write why the letters are blocked.")
        return None

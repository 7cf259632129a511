"""The frame of a set-up section: the rows in a list on the left, the chosen one in a form.

Every kind of set-up row (a case category, a write-off reason, an aging definition, a
pool…) is edited the same way, so the frame holds what they share and a section only
says what its rows are: its columns, how to read them, its fields, and which models
function saves one. The frame reads in the background, keeps the form's changes until
Save or Revert (asking before they are thrown away), shows a refusal in red under the
form and in the status bar, reads again after a save and selects the saved row. A user
who is not an administrator reads the set-up but cannot change it: the form is shown
read-only with a note (the models refuse the write as well).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from collections_desktop.i18n import _, ngettext
from collections_desktop.models.setup.fields import SetupError
from collections_desktop.views.context import PageContext
from collections_desktop.views.itemmodels.rows import Column
from collections_desktop.views.operations import QueryOp, ReadSlot, WriteOp
from collections_desktop.views.style import ERROR_COLOUR, heading_font, muted_palette
from collections_desktop.views.tasks import TaskState
from collections_desktop.views.widgets.busy import DelayedBusy
from collections_desktop.views.widgets.grid import ListGrid, page_button
from collections_desktop.views.widgets.select import select_row

Row = TypeVar("Row")
Values = TypeVar("Values")


class SetupSection(QWidget, Generic[Row, Values]):
    """One kind of set-up row, listed and edited (see the module's docstring)."""

    key: ClassVar[str]
    """The section's name in object names and ``SetupPage.show_section``."""
    title: ClassVar[str]
    """Its entry in the set-up page's list (marked with ``N_``)."""
    description: ClassVar[str]
    """One sentence under the title: what these rows do (marked with ``N_``)."""
    what: ClassVar[str]
    """What one row is called in messages, lower case ("case category"; ``N_``)."""
    deletable: ClassVar[bool] = False
    """Whether rows may be deleted (``delete`` is then implemented)."""
    stretch: ClassVar[int] = 1
    """The list column that takes the spare width."""

    status_changed = Signal(str)
    """What the status bar should say."""
    saved = Signal(object)
    """The id of the row just saved or deleted."""

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"setup_{self.key}")
        self.context = context
        self.editable = context.viewer.may_change_setup
        self.started = False
        self.rows: tuple[Row, ...] = ()
        self.current: Row | None = None
        """The row in the form (None: a new one, or nothing chosen)."""
        self.dirty = False
        self._filling = False
        self._select_id: uuid.UUID | None = None
        icons = context.icons

        self.busy = DelayedBusy(f"setup_{self.key}_busy", _("Loading…"), self, width=120)
        self.reads = ReadSlot(self, self.busy)
        heading = QLabel(_(self.title))
        heading.setFont(heading_font(self.font()))
        about = QLabel(_(self.description))
        about.setWordWrap(True)
        about.setPalette(muted_palette(about.palette()))
        self.read_only_note = QLabel(
            _("Only an administrator may change the set-up: you can read it here.")
        )
        self.read_only_note.setObjectName(f"setup_{self.key}_read_only")
        self.read_only_note.setWordWrap(True)
        self.read_only_note.setVisible(not self.editable)

        self.grid: ListGrid[Row] = ListGrid(
            f"setup_{self.key}", self.columns(), {}, icons, stretch=self.stretch
        )
        self.grid.title.setText(_("Loading…"))
        self.grid.sort_by(-1, Qt.SortOrder.AscendingOrder)
        self.new_action = QAction(icons.get("new_activity"), _("New"), self)
        self.new_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.new_action.setToolTip(_("Add a new {what} (Ctrl+N)").format(what=_(self.what)))
        self.new_action.triggered.connect(self.new_row)
        self.delete_action = QAction(icons.get("delete"), _("Delete"), self)
        self.delete_action.setToolTip(_("Delete the selected {what}").format(what=_(self.what)))
        self.delete_action.triggered.connect(self.delete_current)
        self.grid.head.insertWidget(2, page_button(self.new_action, f"setup_{self.key}_new"))
        if self.deletable:
            self.grid.head.insertWidget(
                3, page_button(self.delete_action, f"setup_{self.key}_delete")
            )
        self.grid.view.selectionModel().currentRowChanged.connect(self._row_changed)

        self.form_title = QLabel()
        self.form_title.setObjectName(f"setup_{self.key}_form_title")
        self.form_title.setFont(heading_font(self.font()))
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.below = QVBoxLayout()
        self.below.setContentsMargins(0, 0, 0, 0)
        self.message = QLabel()
        self.message.setObjectName(f"setup_{self.key}_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.message.hide()
        self.save_button = QPushButton(icons.get("settle"), _("Save"))
        self.save_button.setObjectName(f"setup_{self.key}_save")
        self.save_button.setShortcut(QKeySequence.StandardKey.Save)
        self.save_button.setToolTip(_("Save the changes (Ctrl+S)"))
        self.save_button.clicked.connect(self.save_current)
        self.revert_button = QPushButton(_("Revert"))
        self.revert_button.setObjectName(f"setup_{self.key}_revert")
        self.revert_button.setToolTip(_("Throw the changes away and show the saved values"))
        self.revert_button.clicked.connect(self.revert)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)

        self.fields = QWidget()
        self.fields.setObjectName(f"setup_{self.key}_fields")
        fields_layout = QVBoxLayout(self.fields)
        fields_layout.setContentsMargins(0, 0, 0, 0)
        fields_layout.addLayout(self.form)
        fields_layout.addLayout(self.below)
        self.build_form(self.form)
        panel = QWidget()
        panel_layout = QVBoxLayout(panel)
        panel_layout.setContentsMargins(8, 0, 0, 0)
        panel_layout.addWidget(self.form_title)
        panel_layout.addWidget(self.fields)
        panel_layout.addWidget(self.message)
        panel_layout.addLayout(buttons)
        panel_layout.addStretch(1)
        scroller = QScrollArea()
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QScrollArea.Shape.NoFrame)
        scroller.setWidget(panel)
        # The form keeps the width its fields need; the list gives way (and scrolls) instead.
        scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroller.setMinimumWidth(
            panel.minimumSizeHint().width() + scroller.verticalScrollBar().sizeHint().width()
        )

        splitter = QSplitter()
        splitter.setObjectName(f"setup_{self.key}_splitter")
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.grid)
        splitter.addWidget(scroller)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 4)
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.busy.bar)
        top.addWidget(self.busy.label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(about)
        layout.addWidget(self.read_only_note)
        layout.addWidget(splitter, 1)
        self._show_form(None)

    # --- what a section says ------------------------------------------------------------

    def columns(self) -> Sequence[Column[Row]]:
        """The list's columns."""
        raise NotImplementedError

    def read(self, session: Session) -> Sequence[Row]:
        """The rows, in the order listed (runs on a worker; frozen rows with ``id``)."""
        raise NotImplementedError

    def build_form(self, form: QFormLayout) -> None:
        """Add the fields to ``form`` (and to ``self.below``); ``self.watch`` each one."""
        raise NotImplementedError

    def show_row(self, row: Row | None) -> None:
        """Fill the fields from ``row``, or with a new row's defaults when None."""
        raise NotImplementedError

    def values(self) -> Values:
        """What the fields hold (``SetupError`` when a field cannot be read)."""
        raise NotImplementedError

    def save(self, session: Session, row: Row | None, values: Values) -> uuid.UUID:
        """Save ``values`` over ``row`` (None: add one); the saved row's id (worker)."""
        raise NotImplementedError

    def delete(self, session: Session, row: Row) -> None:
        """Delete ``row`` (worker; only when ``deletable``)."""
        raise NotImplementedError

    def row_name(self, row: Row) -> str:
        """How messages name a row (its code or name)."""
        for attribute in ("code", "name"):
            if hasattr(row, attribute):
                return str(getattr(row, attribute))
        return _(self.what)

    # --- for sections -------------------------------------------------------------------

    def watch(self, widget: QWidget) -> None:
        """Mark the form changed when ``widget``'s value changes."""
        if isinstance(widget, QLineEdit):
            widget.textChanged.connect(self.mark_changed)
        elif isinstance(widget, QComboBox):
            widget.currentIndexChanged.connect(self.mark_changed)
        elif isinstance(widget, QAbstractButton):
            widget.toggled.connect(self.mark_changed)
        elif isinstance(widget, QPlainTextEdit | QTextEdit):
            widget.textChanged.connect(self.mark_changed)
        elif isinstance(widget, QAbstractSpinBox):
            widget.editingFinished.connect(self.mark_changed)
            changed = getattr(widget, "valueChanged", None) or getattr(widget, "dateChanged")  # noqa: B009
            changed.connect(self.mark_changed)
        else:
            raise TypeError(f"cannot watch a {type(widget).__name__}")

    def mark_changed(self, *_args: Any) -> None:
        """The form differs from the saved row (ignored while the frame fills it)."""
        if not self._filling and self.editable:
            self.dirty = True
            self._update_buttons()

    def set_status(self, text: str) -> None:
        """Say ``text`` in the status bar."""
        self.status_changed.emit(text)

    def show_error(self, message: str) -> None:
        """A refusal: in red under the form, and in the status bar."""
        self.message.setText(message)
        self.message.setVisible(bool(message))
        if message:
            self.set_status(message)

    # --- behaviour ----------------------------------------------------------------------

    def activate(self) -> None:
        """The section came on screen: read it the first time."""
        if not self.started:
            self.load()

    def load(self, select: uuid.UUID | None = None) -> None:
        """Read the rows again; then select ``select`` (else the row selected now)."""
        self.started = True
        current = self.current
        self._select_id = select or (getattr(current, "id", None) if current else None)
        database, read = self.context.database, self.read

        def work(state: TaskState) -> tuple[Row, ...]:
            with database.sessions() as session:
                rows = tuple(read(session))
            state.raise_if_cancelled()
            return rows

        QueryOp(work, self._loaded, f"read set-up {self.key}", failure=self._read_failed).run(
            self.context.runner, self.reads
        )

    def new_row(self) -> None:
        """An empty form for a new row (after asking about unsaved changes)."""
        if not self.editable or not self.confirm_discard():
            return
        self._set_current_index(-1)
        self._show_form(None, new=True)
        self.fields.setFocus()
        self.fields.focusNextChild()

    def revert(self) -> None:
        """Show the saved values again."""
        self._show_form(self.current, new=self.current is None and self.dirty)
        if self.current is None:
            self._show_form(None, new=False)

    def save_current(self) -> None:
        """Save the form in one transaction; a refusal stays on screen with the form."""
        if not self.editable:
            return
        try:
            values = self.values()
        except SetupError as error:
            self.show_error(str(error))
            return
        row, save = self.current, self.save
        self.save_button.setEnabled(False)

        def write(session: Session) -> uuid.UUID:
            return save(session, row, values)

        def done(row_id: uuid.UUID) -> None:
            self.dirty = False
            self.show_error("")
            self.set_status(_("Saved: {what}.").format(what=self._named(row, values)))
            self.saved.emit(row_id)
            self.load(select=row_id)

        WriteOp(write, done, f"save set-up {self.key}", failure=self._refused).run(
            self.context.runner, self.context.database
        )

    def delete_current(self) -> None:
        """Delete the selected row, after asking."""
        row = self.current
        if row is None or not self.editable or not self.deletable:
            return
        name = self.row_name(row)
        answer = QMessageBox.question(
            self,
            _("Delete"),
            _("Delete the {what} {name}?").format(what=_(self.what), name=name),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        delete = self.delete

        def write(session: Session) -> None:
            delete(session, row)

        def done(_result: None) -> None:
            self.dirty = False
            self.current = None
            self.show_error("")
            self.set_status(_("Deleted: {name}.").format(name=name))
            self.saved.emit(getattr(row, "id", None))
            self.load()

        WriteOp(write, done, f"delete set-up {self.key}", failure=self._refused).run(
            self.context.runner, self.context.database
        )

    def confirm_discard(self) -> bool:
        """Whether unsaved changes may be thrown away (asks when there are some)."""
        if not self.dirty:
            return True
        answer = QMessageBox.question(
            self,
            _("Unsaved changes"),
            _("The form holds changes that are not saved. Throw them away?"),
        )
        return answer == QMessageBox.StandardButton.Yes

    def select_id(self, row_id: uuid.UUID) -> bool:
        """Select the row with ``row_id`` in the list (False when it is not shown)."""
        model = self.grid.model
        for position in range(model.rowCount()):
            row = model.row(model.index(position, 0))
            if getattr(row, "id", None) == row_id:
                self._set_current_index(position)
                self._show_form(row)
                return True
        return False

    # --- inside -------------------------------------------------------------------------

    def _loaded(self, rows: tuple[Row, ...]) -> None:
        self.rows = rows
        self.grid.set_rows(
            rows,
            _("None yet.") + (" " + _("Press New to add one.") if self.editable else ""),
        )
        self.grid.title.setText(
            ngettext("{count} row", "{count} rows", len(rows)).format(
                count=self.context.formats.count(len(rows))
            )
        )
        wanted = self._select_id
        if self.dirty:
            return  # a read after a refusal never replaces what is being typed
        if wanted is not None and self.select_id(wanted):
            pass
        elif rows:
            self._set_current_index(0)
            self._show_form(self.grid.current_row())
        else:
            self._show_form(None)

    def _read_failed(self, error: BaseException) -> None:
        self.grid.set_rows((), _("The set-up could not be read: {reason}").format(reason=error))
        self.set_status(_("The set-up could not be read: {reason}").format(reason=error))

    def _refused(self, message: str) -> None:
        self.show_error(message)
        self._update_buttons()

    def _row_changed(self, current: Any, previous: Any) -> None:
        if self._filling or not current.isValid():
            return
        row = self.grid.model.row(self.grid.model.index(current.row(), 0))
        if row is self.current and not self.dirty:
            return
        if not self.confirm_discard():
            self._set_current_index(previous.row() if previous.isValid() else -1)
            return
        self._show_form(row)

    def _set_current_index(self, position: int) -> None:
        self._filling = True
        try:
            view = self.grid.view
            if position < 0:
                view.selectionModel().clearSelection()
                view.setCurrentIndex(self.grid.model.index(-1, 0))
            else:
                select_row(view, position)
        finally:
            self._filling = False

    def _show_form(self, row: Row | None, *, new: bool = False) -> None:
        self._filling = True
        try:
            self.current = row
            self.show_row(row)
        finally:
            self._filling = False
        self.dirty = False
        self.show_error("")
        if row is not None:
            self.form_title.setText(self.row_name(row))
        elif new:
            self.form_title.setText(_("New {what}").format(what=_(self.what)))
        else:
            self.form_title.setText(_("Choose a row, or press New"))
        self.fields.setEnabled(self.editable and (row is not None or new))
        self._creating = new
        self._update_buttons()

    def _update_buttons(self) -> None:
        creating = getattr(self, "_creating", False)
        has_row = self.current is not None
        self.new_action.setEnabled(self.editable)
        self.delete_action.setEnabled(self.editable and has_row)
        self.save_button.setEnabled(self.editable and (has_row or creating) and self.dirty)
        self.revert_button.setEnabled(self.editable and self.dirty)
        reason = "" if self.editable else self.read_only_note.text()
        for widget in (self.save_button, self.revert_button):
            widget.setToolTip(reason or widget.toolTip())

    def _named(self, row: Row | None, values: Values) -> str:
        if row is not None:
            return self.row_name(row)
        for attribute in ("code", "name"):
            if hasattr(values, attribute):
                return str(getattr(values, attribute)).strip()
        return _(self.what)

"""The searchable customer box of the Workspace and the Collections page.

``customer_search_box`` builds the box and ``offer_options`` offers what a search found;
``CustomerSearch`` adds the search itself: typing pauses ``SEARCH_DELAY_MS``, then an
interactive read (a ``QueryOp`` on the search's own ``ReadSlot``, so a newer search
supersedes an older one) offers the customers of the viewer's scope (and pool) that
match, and picking one says which customer was chosen.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QLineEdit, QWidget

from collections_desktop.i18n import _
from collections_desktop.models.screens.customer_card import CustomerOption, customer_options
from collections_desktop.views.context import PageContext
from collections_desktop.views.operations import QueryOp, ReadSlot
from collections_desktop.views.tasks import TaskState

SEARCH_DELAY_MS = 200
"""Typing pauses this long before the customer search asks the database."""


def line_edit(combo: QComboBox) -> QLineEdit:
    """The text field of the editable ``combo`` (Qt types it optional: not every combo has one)."""
    line = combo.lineEdit()
    if line is None:
        raise ValueError(f"{combo.objectName()!r} is not an editable combo box")
    return line


def customer_search_box(
    name: str, parent: QObject
) -> tuple[QComboBox, QCompleter, QStringListModel]:
    """An editable combo ``name`` with a completer that matches anywhere in the labels."""
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.setMinimumWidth(380)
    line = line_edit(combo)
    line.setPlaceholderText(_("Search by account or name…"))
    line.setClearButtonEnabled(True)
    model = QStringListModel(parent)
    completer = QCompleter(model, parent)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    completer.setMaxVisibleItems(15)
    combo.setCompleter(completer)
    return combo, completer, model


def offer_options(
    combo: QComboBox,
    completer: QCompleter,
    model: QStringListModel,
    options: Sequence[CustomerOption],
) -> dict[str, CustomerOption]:
    """Put ``options`` in the box, keeping what is typed and the cursor; options by label."""
    line = line_edit(combo)
    text, cursor = combo.currentText(), line.cursorPosition()
    combo.blockSignals(True)
    combo.clear()
    for option in options:
        combo.addItem(option.label, option.id.hex)
    combo.setCurrentIndex(-1)
    combo.setEditText(text)
    line.setCursorPosition(cursor)
    combo.blockSignals(False)
    model.setStringList([option.label for option in options])
    if line.hasFocus() and text:
        completer.complete()
    return {option.label: option for option in options}


class CustomerSearch(QObject):
    """A customer box that searches as the user types and says which customer was picked.

    ``chosen`` carries the customer's id; ``failed`` what the status bar should say when
    the list could not be read. ``shown`` is the label of the customer on screen: while
    the box holds just that, a search offers the whole list rather than that one.
    """

    chosen = Signal(object)
    failed = Signal(str)

    def __init__(
        self,
        name: str,
        context: PageContext,
        parent: QWidget,
        *,
        pool: Callable[[], uuid.UUID | None] = lambda: None,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._pool = pool
        self.combo, self.completer, self.model = customer_search_box(name, parent)
        self.reads = ReadSlot(self)
        self.options: dict[str, CustomerOption] = {}
        self.shown = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.search)
        # QCompleter has no textActivated; PySide6's stubs do not type a signal's overloads.
        self.completer.activated[str].connect(self._choose_text)  # type: ignore[index]
        self.combo.activated.connect(self._choose_index)
        line_edit(self.combo).textEdited.connect(lambda _text: self._timer.start())

    @property
    def offered(self) -> bool:
        """Whether a search has offered customers yet."""
        return bool(self.model.stringList())

    def search(self) -> None:
        """Offer the customers matching what is typed (all of them for the one shown)."""
        text = self.combo.currentText()
        if text == self.shown:
            text = ""
        context, pool_id = self._context, self._pool()
        database, scope, as_of = context.database, context.scope, context.clock.today()

        def find(_state: TaskState) -> tuple[CustomerOption, ...]:
            with database.sessions() as session:
                return customer_options(session, scope, pool_id=pool_id, as_of=as_of, search=text)

        QueryOp(
            find,
            self._offer,
            "customer search",
            failure=lambda error: self.failed.emit(
                _("The customer list could not be read: {reason}").format(reason=error)
            ),
        ).run(context.runner, self.reads)

    def cancel(self) -> None:
        """Start no search for what was typed last (the box is going away)."""
        self._timer.stop()

    def show_label(self, label: str) -> None:
        """Put the label of the customer now on screen in the box (choosing nothing)."""
        self.shown = label
        self.combo.blockSignals(True)
        self.combo.setEditText(label)
        self.combo.blockSignals(False)

    def _offer(self, options: tuple[CustomerOption, ...]) -> None:
        self.options = offer_options(self.combo, self.completer, self.model, options)

    def _choose_text(self, text: str) -> None:
        option = self.options.get(text)
        if option is not None:
            self.chosen.emit(option.id)

    def _choose_index(self, index: int) -> None:
        chosen = self.combo.itemData(index)
        if chosen:
            self.chosen.emit(uuid.UUID(chosen))

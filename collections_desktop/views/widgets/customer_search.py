"""The searchable customer box of the Workspace and the Collections page.

The pages run the search on the database lane themselves (each with its own scope and
pool); this builds the box and offers what a search found.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, QStringListModel, Qt
from PySide6.QtWidgets import QComboBox, QCompleter

from collections_desktop.i18n import _
from collections_desktop.models.screens.customer_card import CustomerOption


def customer_search_box(
    name: str, parent: QObject
) -> tuple[QComboBox, QCompleter, QStringListModel]:
    """An editable combo ``name`` with a completer that matches anywhere in the labels."""
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.setMinimumWidth(380)
    combo.lineEdit().setPlaceholderText(_("Search by account or name…"))
    combo.lineEdit().setClearButtonEnabled(True)
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
    text, cursor = combo.currentText(), combo.lineEdit().cursorPosition()
    combo.blockSignals(True)
    combo.clear()
    for option in options:
        combo.addItem(option.label, option.id.hex)
    combo.setCurrentIndex(-1)
    combo.setEditText(text)
    combo.lineEdit().setCursorPosition(cursor)
    combo.blockSignals(False)
    model.setStringList([option.label for option in options])
    if combo.lineEdit().hasFocus() and text:
        completer.complete()
    return {option.label: option for option in options}

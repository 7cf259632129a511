"""The Set-up page: the company's set-up, one section at a time.

The sections (``views.setup.sections.SETUP_SECTIONS``) are listed on the left; the chosen
one fills the rest. A section is built and read the first time it is chosen, so opening
the page reads one list. Everyone may read the set-up; an administrator may change it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QListWidgetItem, QStackedWidget, QWidget

from collections_desktop.i18n import N_, _
from collections_desktop.views.context import PageContext
from collections_desktop.views.pages.base import Page, PageState
from collections_desktop.views.setup.section import SetupSection
from collections_desktop.views.setup.sections import SETUP_SECTIONS


class SetupPage(Page):
    """The list of set-up sections and the chosen section."""

    key = "setup"
    title = N_("Set-up")
    description = N_("The company's set-up: aging, letters, interest, charges, pools, agents")

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.sections: dict[str, SetupSection[Any, Any]] = {}
        self.section_list = QListWidget()
        self.section_list.setObjectName("setup_sections")
        self.section_list.setIconSize(QSize(16, 16))
        self.section_list.setSpacing(1)
        for kind in SETUP_SECTIONS:
            item = QListWidgetItem(_(kind.title))
            item.setToolTip(_(kind.description))
            self.section_list.addItem(item)
        self.section_list.setFixedWidth(max(180, self.section_list.sizeHintForColumn(0) + 24))
        self.stack = QStackedWidget()
        self._placeholders = [QWidget() for _kind in SETUP_SECTIONS]
        for placeholder in self._placeholders:
            self.stack.addWidget(placeholder)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.addWidget(self.section_list)
        layout.addWidget(self.stack, 1)
        self.section_list.currentRowChanged.connect(self._chosen)

    @property
    def is_loading(self) -> bool:
        """Whether the section on show is reading its rows."""
        section = self.current_section
        return section is not None and section.reads.is_loading

    @property
    def current_section(self) -> SetupSection[Any, Any] | None:
        """The section on show (None before the page was first shown)."""
        row = self.section_list.currentRow()
        return self.sections.get(SETUP_SECTIONS[row].key) if row >= 0 else None

    def show_section(self, key: str) -> SetupSection[Any, Any]:
        """Bring the section ``key`` forward (building and reading it the first time)."""
        keys = [kind.key for kind in SETUP_SECTIONS]
        self.started = True
        self._choose(keys.index(key))
        return self.sections[key]

    def load(self) -> None:
        """Read the section on show again (the first one when none is chosen yet)."""
        if self.current_section is None:
            self.started = True
            self._choose(max(0, self.section_list.currentRow()))  # builds and reads it
            return
        section = self.current_section
        if section is not None:
            section.load()

    def save_state(self) -> PageState:
        """The section last shown."""
        row = self.section_list.currentRow()
        return {"section": SETUP_SECTIONS[row].key.encode()} if row >= 0 else {}

    def restore_state(self, state: PageState) -> None:
        """Show the section last shown when the page is first opened."""
        keys = [kind.key for kind in SETUP_SECTIONS]
        wanted = state.get("section", b"").decode(errors="replace")
        if wanted in keys:
            self._restored = keys.index(wanted)

    def activate(self) -> None:
        """The page came on screen: show the section last shown (or the first)."""
        if not self.started:
            self.started = True
            self._choose(getattr(self, "_restored", 0))

    def _choose(self, row: int) -> None:
        """Make ``row`` the current entry and show its section (also when it already was)."""
        blocked = self.section_list.blockSignals(True)
        self.section_list.setCurrentRow(row)
        self.section_list.blockSignals(blocked)
        self._chosen(row)

    def _chosen(self, row: int) -> None:
        if row < 0 or not self.started:
            return  # the list takes a current row when it gets the focus: not a choice
        kind = SETUP_SECTIONS[row]
        section = self.sections.get(kind.key)
        if section is None:
            section = kind(self.context)
            section.status_changed.connect(self.set_status)
            self.sections[kind.key] = section
            placeholder = self._placeholders[row]
            self.stack.insertWidget(row, section)
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()
        self.stack.setCurrentWidget(section)
        self.set_status("")
        section.activate()

"""A customer's timeline: what happened to the account, newest first, filtered by type.

Each entry shows its date and a title, with the details in its tooltip; activating one
(double click, Return) emits ``entry_activated`` with what it drills to ("transaction",
"activity", "letter") and its id, for the page to open. An entry made of several
documents (an interest note) opens in place instead: activating it shows its lines
beneath it (and hides them again), and activating a line drills to that document.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from collections_desktop.formatting import Formats
from collections_desktop.i18n import N_, _, ngettext
from collections_desktop.models.screens.workspace import TimelineEntry, TimelineKind
from collections_desktop.views.icons import IconRegistry
from collections_desktop.views.style import heading_font, muted_palette, tabular_font

TIMELINE_FILTERS = (
    (N_("All types"), None),
    (N_("Invoices"), TimelineKind.INVOICE),
    (N_("Payments"), TimelineKind.PAYMENT),
    (N_("Credit notes"), TimelineKind.CREDIT_NOTE),
    (N_("Interest and fees"), TimelineKind.CHARGE),
    (N_("Write-offs and reversals"), TimelineKind.CORRECTION),
    (N_("Letters"), TimelineKind.LETTER),
    (N_("Calls"), TimelineKind.CALL),
    (N_("Tasks"), TimelineKind.TASK),
    (N_("Appointments"), TimelineKind.APPOINTMENT),
    (N_("Events"), TimelineKind.EVENT),
    (N_("Other actions"), TimelineKind.ACTION),
)
"""The timeline's type filter: (label, kind); the labels are translated where shown."""

TIMELINE_ICONS = {
    TimelineKind.INVOICE: "invoice",
    TimelineKind.PAYMENT: "payment",
    TimelineKind.CREDIT_NOTE: "credit_note",
    TimelineKind.LETTER: "letters",
    TimelineKind.CHARGE: "interest",
    TimelineKind.CORRECTION: "write_off",
    TimelineKind.CALL: "call",
    TimelineKind.TASK: "task",
    TimelineKind.APPOINTMENT: "appointment",
    TimelineKind.EVENT: "event",
    TimelineKind.ACTION: "activities",
}

_LINE_ROLE = Qt.ItemDataRole.UserRole + 1
"""A line item's index among its entry's lines (a plain int)."""
_MORE_ROLE = Qt.ItemDataRole.UserRole + 2
"""Marks the last row, which lists older entries when opened."""
PAGE = 200
"""Entries listed at first, and more each time the older ones are asked for."""


class _WrappingEntries(QStyledItemDelegate):
    """Sizes an entry to the lines its title takes at the column's width (a tree view
    does not: its rows keep one line and the rest is cut), so a long entry wraps whole."""

    def __init__(self, tree: QTreeWidget) -> None:
        super().__init__(tree)
        self._tree = tree

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        hint = super().sizeHint(option, index)
        if index.column() != 1:
            return hint
        style = self._tree.style()
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self._tree)
        icon = self._tree.iconSize().width() if self._tree.iconSize().isValid() else 16
        indent = self._tree.indentation() if index.parent().isValid() else 0
        width = self._tree.columnWidth(1) - icon - indent - 4 * (margin + 1) - 8
        if width <= 0:
            return hint
        text = str(index.data() or "")
        bounds = option.fontMetrics.boundingRect(
            QRect(0, 0, width, 100_000), Qt.TextFlag.TextWordWrap, text
        )
        return QSize(hint.width(), max(hint.height(), bounds.height() + 4))


class CustomerTimeline(QWidget):
    """The titled timeline with its type filter, or a sentence when nothing is shown."""

    entry_activated = Signal(str, object)
    """What an opened entry drills to ("transaction"/"activity"/"letter") and its id."""
    older_wanted = Signal(object, int)
    """(kind, count): the newest ``count`` entries of that kind (None: of every kind)
    are wanted, to list entries not read yet; ``set_entries(..., kind=kind,
    answer=True)`` takes them."""

    def __init__(
        self, formats: Formats, icons: IconRegistry, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._formats = formats
        self._icons = icons
        self._entries: tuple[TimelineEntry, ...] = ()
        self._shown: list[TimelineEntry] = []
        self._listed = PAGE
        """How many of the filtered entries are listed (``PAGE`` more each time asked)."""
        self._complete = True
        """Whether ``_entries`` are every entry of the period (of ``_kind``)."""
        self._kind: str | None = None
        """The kind ``_entries`` were read for (None: every kind)."""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 0, 0)
        head = QHBoxLayout()
        title = QLabel(_("Customer timeline"))
        title.setFont(heading_font(self.font()))
        self.filter = QComboBox()
        self.filter.setObjectName("timeline_filter")
        # Item data are plain text, never Python objects: PySide6 has been seen to drop
        # references to objects kept in Qt's variants ("deallocating None" much later).
        for label, kind in TIMELINE_FILTERS:
            self.filter.addItem(_(label), kind or "")
        self.filter.currentIndexChanged.connect(lambda _i: self._refill())
        head.addWidget(title)
        head.addStretch(1)
        head.addWidget(self.filter)
        self.tree = QTreeWidget()
        self.tree.setObjectName("timeline")
        self.tree.setRootIsDecorated(False)
        # An entry longer than the column wraps onto a second line rather than being cut:
        # the title is what a collector reads the account's story from.
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tree.setItemDelegate(_WrappingEntries(self.tree))
        # A wider or narrower column wraps the entries anew.
        self.tree.header().sectionResized.connect(lambda *_: self.tree.doItemsLayout())
        self.tree.setAlternatingRowColors(True)
        self.tree.setHeaderLabels([_("Date"), _("Entry")])
        self.tree.setFont(tabular_font(self.tree.font()))
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        # Activating an entry with lines shows or hides them (``_activate``), by double
        # click and by Return alike; Qt's own double-click expansion would undo it.
        self.tree.setExpandsOnDoubleClick(False)
        self.tree.itemActivated.connect(self._activate)
        self.empty = QLabel()
        self.empty.setObjectName("timeline_empty")
        self.empty.setWordWrap(True)
        self.empty.setPalette(muted_palette(self.empty.palette()))
        self.empty.hide()
        layout.addLayout(head)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.empty)

    def set_entries(
        self,
        entries: Sequence[TimelineEntry],
        *,
        complete: bool = True,
        kind: str | None = None,
        answer: bool = False,
    ) -> None:
        """Show ``entries`` (newest first; of ``kind`` only, when given) through the type
        filter chosen. ``complete``: they are every entry of the period (else listing
        beyond them emits ``older_wanted``). ``answer``: they answer that wish, so the
        entries listed stay listed; else the list starts again from the newest."""
        self._entries = tuple(entries)
        self._complete = complete
        self._kind = kind
        if not answer:
            self._listed = PAGE
        self._fill()
        if answer or self.filter.currentData():  # a new customer's newest, all listed
            self._ask_for_unread()

    def shown(self) -> list[TimelineEntry]:
        """The entries listed, top to bottom (after the type filter)."""
        return self._shown[: self._listed]

    def show_more(self) -> None:
        """List ``PAGE`` more of the older entries (reading them first when not read)."""
        if self._complete or len(self._matching()) > self._listed:
            self._listed += PAGE
            self._fill()
        self._ask_for_unread()

    def _matching(self) -> list[TimelineEntry]:
        """The entries read that pass the filter (none if they were read for another kind)."""
        kind = self.filter.currentData() or None
        if self._kind is not None and self._kind != kind:
            return []
        return [e for e in self._entries if kind is None or e.kind == kind]

    def _ask_for_unread(self) -> None:
        """Ask for the newest entries of the filter's kind when fewer are read than are
        listed and one more (which tells whether any is older): filtered in SQL."""
        if self._complete and self._kind is None:
            return
        kind = self.filter.currentData() or None
        covered = self._kind is None or self._kind == kind
        if covered and (self._complete or len(self._matching()) > self._listed):
            return
        self.older_wanted.emit(kind, self._listed + 1)

    def _refill(self) -> None:
        self._listed = PAGE
        self._fill()
        self._ask_for_unread()

    def _fill(self) -> None:
        self.tree.clear()
        kind = self.filter.currentData() or None
        entries = self._matching()
        self._shown = entries
        # A big account has thousands of entries: the newest are listed, the rest on
        # request, so showing a customer never makes thousands of wrapped rows.
        listed = entries[: self._listed]
        items = []
        for position, entry in enumerate(listed):
            item = QTreeWidgetItem([self._formats.date(entry.date), entry.title])
            item.setIcon(1, self._icons.get(TIMELINE_ICONS[entry.kind]))
            item.setToolTip(0, entry.tooltip)
            item.setToolTip(1, entry.tooltip)
            item.setData(0, Qt.ItemDataRole.UserRole, position)
            for index, line in enumerate(entry.lines):
                child = QTreeWidgetItem(item, ["", line.title])
                child.setToolTip(0, line.tooltip)
                child.setToolTip(1, line.tooltip)
                child.setData(0, Qt.ItemDataRole.UserRole, position)
                child.setData(0, _LINE_ROLE, index)
            items.append(item)
        older = len(entries) - len(listed)
        if not self._complete:  # how many are older is not known
            more = QTreeWidgetItem(["", _("Older entries: open to list them")])
            more.setData(0, _MORE_ROLE, True)
            items.append(more)
        elif older:
            more = QTreeWidgetItem(
                [
                    "",
                    ngettext(
                        "{count} older entry: open to list up to {page} more",
                        "{count} older entries: open to list up to {page} more",
                        older,
                    ).format(count=self._formats.count(older), page=self._formats.count(PAGE)),
                ]
            )
            more.setData(0, _MORE_ROLE, True)
            items.append(more)
        # The expand arrows only where an entry has lines to show.
        self.tree.setRootIsDecorated(any(entry.lines for entry in listed))
        self.tree.addTopLevelItems(items)
        self.tree.setVisible(bool(entries))
        self.empty.setVisible(not entries)
        self.empty.setText(
            _("Nothing of this type happened in the last 12 months.")
            if kind is not None
            else _("Nothing happened on this account in the last 12 months.")
        )

    def _activate(self, item: QTreeWidgetItem, _column: int) -> None:
        if item.data(0, _MORE_ROLE):
            self.show_more()
            return
        entry = self._shown[item.data(0, Qt.ItemDataRole.UserRole)]
        index = item.data(0, _LINE_ROLE)
        if index is not None:
            line = entry.lines[index]
            self.entry_activated.emit(line.target_kind, line.target_id)
        elif entry.lines:
            item.setExpanded(not item.isExpanded())
        else:
            self.entry_activated.emit(entry.target_kind, entry.target_id)

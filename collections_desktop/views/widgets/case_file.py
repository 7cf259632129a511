"""The case file window: one agency case (expediente) on one screen, and what is done on it.

Top: the case's number and status (Change status…), the client, the debtor (with the
company it re-registered as, when a registry entry said so), the collector and the debt's
figures (principal, interest, fees, collected, pending approval, outstanding). Left: the
debtor's contacts (a phone calls, an e-mail writes, through the desktop as the Workspace's
contact panel does), the creditor's documents, and the promises and payment plans with
each instalment's outcome. Right: the case's history, newest first, in one list: the
collections with their approval and whether the money was seen, and the annotations and
actions with their files (hover an entry for its details; activate a file to open it).

The window is not modal: the desk opens one per case (``open_case_file`` raises the
one already open) and the collector keeps working beside it; a window opened without a
parent is kept until it is closed. Everything is read with one ``read_case_file`` on
the read lane, and every change is one write on the write lane (``views/operations.py``);
after any write of the app the case is read again, so a collection approved on the desk
shows here too.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import tempfile
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtGui import QAction, QBrush, QCloseEvent, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolBar,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from collections_desktop.formatting import Formats
from collections_desktop.i18n import N_, _, ngettext
from collections_desktop.kernel.money import ZERO
from collections_desktop.models.agency import annotations as agency_annotations
from collections_desktop.models.agency import attachments as agency_attachments
from collections_desktop.models.agency import cases as agency_cases
from collections_desktop.models.agency import collections as agency_collections
from collections_desktop.models.agency import plans as agency_plans
from collections_desktop.models.agency.case_file import read_case_file
from collections_desktop.models.agency.errors import AgencyError
from collections_desktop.models.agency.rows import (
    AnnotationRow,
    AttachmentRow,
    CaseFile,
    CollectionChangeRow,
    CollectionRow,
    DebtorContactRow,
    DocumentRow,
    PlanRow,
)
from collections_desktop.models.receipts.methods import METHOD_NAMES
from collections_desktop.models.screens.workspace_texts import EmailDraft, call_url, mailto_url
from collections_desktop.views.context import PageContext
from collections_desktop.views.dialogs.action_dialog import ActionDialog
from collections_desktop.views.dialogs.agency_annotation import (
    ACTION,
    ANNOTATION,
    AnnotationDialog,
    AnnotationInput,
)
from collections_desktop.views.dialogs.agency_collection import CollectionDialog, CollectionInput
from collections_desktop.views.dialogs.agency_names import (
    ACTION_KINDS,
    ANNOTATION_KIND_NAMES,
    CASE_STATUS_NAMES,
    CLOSED_CASE_STATUSES,
    COLLECTION_CHANGE_NAMES,
    COLLECTION_STATE_NAMES,
    CONTACT_KIND_NAMES,
    DEBTOR_KIND_NAMES,
    OUTCOME_NAMES,
    PLAN_KIND_NAMES,
    AnnotationKind,
    CollectionState,
    DebtorContactKind,
    PlanKind,
    desk_refusal,
    name_of,
)
from collections_desktop.views.dialogs.agency_plan import PlanDialog, PlanInput
from collections_desktop.views.dialogs.agency_status import CaseStatusDialog
from collections_desktop.views.dialogs.grids import fit_columns, read_only_table, top_items
from collections_desktop.views.icons import IconRegistry
from collections_desktop.views.itemmodels.marked import MarkedModel
from collections_desktop.views.itemmodels.rows import Column, Fit
from collections_desktop.views.operations import QueryOp, ReadSlot, WriteOp
from collections_desktop.views.style import (
    alert_colour,
    heading_font,
    muted_palette,
    tabular_font,
)
from collections_desktop.views.tasks import Lane, TaskState
from collections_desktop.views.widgets.busy import DelayedBusy

COLLECTION, ACTION_ENTRY, ANNOTATION_ENTRY = "collection", "action", "annotation"
"""What a history entry is."""

HISTORY_FILTERS = (
    (N_("Everything"), ""),
    (N_("Collections"), COLLECTION),
    (N_("Actions"), ACTION_ENTRY),
    (N_("Annotations"), ANNOTATION_ENTRY),
)
"""The history's type filter: (label, kind)."""

ENTRY_ICONS = {COLLECTION: "payment", ACTION_ENTRY: "call", ANNOTATION_ENTRY: "edit"}
KIND_ICONS: dict[str, str] = {
    AnnotationKind.CALL: "call",
    AnnotationKind.VISIT: "appointment",
    AnnotationKind.LETTER: "letters",
    AnnotationKind.BUROFAX: "email",
    AnnotationKind.LOCATE: "customer",
    AnnotationKind.REGISTRY: "company",
    AnnotationKind.OBSERVATION: "edit",
}

DATE, ENTRY, AMOUNT, STATE = range(4)
"""The history's columns."""

ENTRY_ROLE = Qt.ItemDataRole.UserRole
"""A history item's entry position (int) in the entries shown."""
FILE_ROLE = Qt.ItemDataRole.UserRole + 1
"""A file item's attachment id (hex text)."""

PLAN_DUE, PLAN_AMOUNT, PLAN_PAID, PLAN_OUTCOME = range(4)

ATTACHMENT_FILTER = N_("PDF and images (*.pdf *.png *.jpg *.jpeg *.gif *.webp *.tif *.tiff)")
ATTACHMENT_FOLDER = "collections-desktop-attachments"
"""The folder under the system's temporary folder where opened attachments are written."""


@dataclass(frozen=True)
class HistoryEntry:
    """One line of the case's history: a collection, an action or an annotation."""

    day: dt.date
    moment: dt.datetime | None
    """When it was entered, to order entries of one day (newest first)."""
    kind: str  # COLLECTION, ACTION_ENTRY or ANNOTATION_ENTRY
    icon: str
    title: str
    amount: Decimal | None
    state: str
    alert: bool
    """The state is one to look at (rejected, overdue, not collected)."""
    tooltip: str
    collection: CollectionRow | None = None
    annotation: AnnotationRow | None = None


def history_entries(case: CaseFile, formats: Formats, today: dt.date) -> list[HistoryEntry]:
    """The case's collections, actions and annotations in one list, newest first.

    A collection is dated the day it was collected, an action the day it was done (or is
    scheduled for), an annotation the day it was written; entries of one day come in
    the order they were entered, the latest first.
    """
    changes: dict[uuid.UUID, list[CollectionChangeRow]] = {}
    for change in case.history:
        changes.setdefault(change.collection_id, []).append(change)
    entries = [_collection_entry(r, changes.get(r.id, []), formats) for r in case.collections]
    entries += [_annotation_entry(a, formats, today) for a in case.annotations]
    oldest = dt.datetime.min.replace(tzinfo=dt.UTC)
    entries.sort(key=lambda e: (e.day, e.moment or oldest), reverse=True)
    return entries


def _collection_entry(
    row: CollectionRow, changes: Sequence[CollectionChangeRow], formats: Formats
) -> HistoryEntry:
    method = name_of(METHOD_NAMES, row.method)
    if row.reverses_id is not None:
        title = _("Reversal of a collection · {method}").format(method=method)
    else:
        title = _("Collection · {method}").format(method=method)
    if row.reference:
        title += " · " + row.reference
    title += " · " + _("by {name}").format(name=row.collected_by_name)
    state = name_of(COLLECTION_STATE_NAMES, row.state)
    if row.reversed_by_id is not None:
        state = _("Reversed")
    state += " · " + (_("collected") if row.received else _("not collected"))
    alert = row.state == CollectionState.REJECTED or not row.received
    lines = [
        _("{amount} collected on {date} by {name}").format(
            amount=formats.money(row.amount, row.currency),
            date=formats.date(row.collected_on),
            name=row.collected_by_name,
        ),
        _("Method: {method}").format(method=method),
    ]
    if row.reference:
        lines.append(_("Reference: {reference}").format(reference=row.reference))
    if row.state == CollectionState.APPROVED and row.approved_by_name:
        lines.append(_("Approved by {name}").format(name=row.approved_by_name))
    if row.state == CollectionState.REJECTED and row.rejection_reason:
        lines.append(_("Rejected: {reason}").format(reason=row.rejection_reason))
    if row.note:
        lines.append(_("Note: {note}").format(note=row.note))
    if changes:
        lines.append("")
        lines.append(_("History:"))
        for change in changes:
            words = [
                formats.moment(change.changed_at),
                name_of(COLLECTION_CHANGE_NAMES, change.change),
            ]
            if change.changed_by_name:
                words.append(change.changed_by_name)
            if change.note:
                words.append(change.note)
            lines.append("  " + " · ".join(words))
    recorded = [c.changed_at for c in changes if c.change == "recorded"]
    return HistoryEntry(
        day=row.collected_on,
        moment=min(recorded) if recorded else None,
        kind=COLLECTION,
        icon="reverse_settlement" if row.reverses_id is not None else "payment",
        title=title,
        amount=row.amount,
        state=state,
        alert=alert,
        tooltip="\n".join(lines),
        collection=row,
    )


def _annotation_entry(row: AnnotationRow, formats: Formats, today: dt.date) -> HistoryEntry:
    kind_name = name_of(ANNOTATION_KIND_NAMES, row.kind)
    action = row.kind in ACTION_KINDS
    text = " ".join(row.text.split())
    alert = False
    if action:
        if row.done_on is not None:
            day, state = row.done_on, _("Done")
        elif row.scheduled_on is not None:
            day = row.scheduled_on
            alert = row.scheduled_on < today
            state = _("Overdue") if alert else _("Scheduled")
        else:
            day, state = row.created_at.date(), _("Done")
        title = f"{kind_name}: {text}"
    else:
        day, state = row.created_at.date(), ""
        if row.kind == AnnotationKind.LOCATE and row.found_value:
            found = row.found_value + (f" ({row.source})" if row.source else "")
            title = f"{kind_name}: {found}"
            if text and text != row.found_value:
                title += f" · {text}"
        elif row.kind == AnnotationKind.REGISTRY and row.new_name:
            title = f"{kind_name}: {row.new_name}"
            if row.new_tax_id:
                title += f" ({row.new_tax_id})"
        else:
            title = f"{kind_name}: {text}"
    if row.attachments:
        files = ngettext("{count} file", "{count} files", len(row.attachments)).format(
            count=formats.count(len(row.attachments))
        )
        state = f"{state} · {files}" if state else files
    lines = [kind_name, row.text]
    if row.found_value:
        lines.append(_("Found: {value}").format(value=row.found_value))
    if row.source:
        lines.append(_("Source: {source}").format(source=row.source))
    if row.new_name:
        lines.append(
            _("Now registered as {name} ({tax_id})").format(
                name=row.new_name, tax_id=row.new_tax_id or "—"
            )
        )
    if row.scheduled_on is not None:
        lines.append(_("Scheduled for {date}").format(date=formats.date(row.scheduled_on)))
    if row.done_on is not None:
        lines.append(_("Done on {date}").format(date=formats.date(row.done_on)))
    lines.append(
        _("Written by {name} on {moment}").format(
            name=row.created_by_name or "—", moment=formats.moment(row.created_at)
        )
    )
    for attachment in row.attachments:
        lines.append("📎 " + _file_text(attachment, formats))
    return HistoryEntry(
        day=day,
        moment=row.created_at,
        kind=ACTION_ENTRY if action else ANNOTATION_ENTRY,
        icon=KIND_ICONS.get(row.kind, "edit"),
        title=title,
        amount=None,
        state=state,
        alert=alert,
        tooltip="\n".join(lines),
        annotation=row,
    )


def _file_text(attachment: AttachmentRow, formats: Formats) -> str:
    size = attachment.size
    if size >= 1024 * 1024:
        amount = _("{size} MB").format(size=formats.number(Decimal(size) / (1024 * 1024), 1))
    else:
        amount = _("{size} KB").format(size=formats.count(max(1, round(size / 1024))))
    return f"{attachment.file_name} · {amount}"


def attachment_path(attachment_id: uuid.UUID, file_name: str) -> Path:
    """Where an opened attachment is written: its own folder in the system's temporary
    folder, under its own name (only the name's last part, so it stays in that folder)."""
    name = Path(file_name.replace("\\", "/")).name or "attachment"
    return Path(tempfile.gettempdir()) / ATTACHMENT_FOLDER / attachment_id.hex / name


class _WrappingEntries(QStyledItemDelegate):
    """Sizes an entry to the lines its text takes at its column's width, so a long entry
    wraps whole instead of being cut (as the customer timeline does)."""

    def __init__(self, tree: QTreeWidget) -> None:
        super().__init__(tree)
        self._tree = tree

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        hint = super().sizeHint(option, index)
        if index.column() != ENTRY:
            return hint
        # Where the style draws the text of a cell as wide as the column: the width the
        # text wraps at (an estimate that is too narrow leaves one-line rows too tall).
        cell = QStyleOptionViewItem(option)
        self.initStyleOption(cell, index)
        cell.rect = QRect(0, 0, self._tree.columnWidth(ENTRY), hint.height())
        style = self._tree.style()
        text = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, cell, self._tree)
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self._tree)
        width = text.width() - 2 * (margin + 1)
        if width <= 0:
            return hint
        bounds = option.fontMetrics.boundingRect(
            QRect(0, 0, width, 100_000), Qt.TextFlag.TextWordWrap, str(index.data() or "")
        )
        return QSize(hint.width(), max(hint.height(), bounds.height() + 4))


class CaseHistory(QWidget):
    """The case's history in one list, newest first, with a type filter (see the module)."""

    file_activated = Signal(object)
    """A file of an annotation was activated: its ``AttachmentRow``."""
    collection_activated = Signal(object)
    """A collection was activated: its ``CollectionRow``."""

    def __init__(
        self, formats: Formats, icons: IconRegistry, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._formats = formats
        self._icons = icons
        self._entries: list[HistoryEntry] = []
        self._shown: list[HistoryEntry] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        self.title = QLabel(_("History"))
        self.title.setFont(heading_font(self.font()))
        self.count = QLabel()
        self.count.setObjectName("history_count")
        self.count.setPalette(muted_palette(self.count.palette()))
        self.filter = QComboBox()
        self.filter.setObjectName("history_filter")
        for label, kind in HISTORY_FILTERS:
            self.filter.addItem(_(label), kind)
        self.filter.currentIndexChanged.connect(lambda _i: self._fill())
        head.addWidget(self.title)
        head.addWidget(self.count)
        head.addStretch(1)
        head.addWidget(self.filter)
        tree = self.tree = QTreeWidget()
        tree.setObjectName("case_history")
        tree.setColumnCount(4)
        tree.setHeaderLabels([_("Date"), _("Entry"), _("Amount"), _("State")])
        tree.headerItem().setTextAlignment(AMOUNT, Qt.AlignmentFlag.AlignRight)
        tree.setWordWrap(True)
        tree.setUniformRowHeights(False)
        tree.setTextElideMode(Qt.TextElideMode.ElideNone)
        tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        tree.setItemDelegate(_WrappingEntries(tree))
        tree.setAlternatingRowColors(True)
        tree.setFont(tabular_font(tree.font()))
        tree.setExpandsOnDoubleClick(False)
        tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header = tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(DATE, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ENTRY, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(AMOUNT, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(STATE, QHeaderView.ResizeMode.ResizeToContents)
        header.sectionResized.connect(lambda *_: tree.doItemsLayout())
        tree.itemActivated.connect(self._activate)
        self.empty = QLabel()
        self.empty.setObjectName("history_empty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.empty.setPalette(muted_palette(self.empty.palette()))
        self.empty.hide()
        layout.addLayout(head)
        layout.addWidget(tree, 1)
        layout.addWidget(self.empty, 1)

    def set_entries(self, entries: Sequence[HistoryEntry]) -> None:
        """Show ``entries`` (newest first) through the type filter, keeping the selection."""
        chosen = self.current_key()
        self._entries = list(entries)
        self._fill()
        if chosen is not None:
            self.select(chosen)

    def shown(self) -> list[HistoryEntry]:
        """The entries shown, top to bottom."""
        return list(self._shown)

    def current(self) -> tuple[HistoryEntry | None, AttachmentRow | None]:
        """The entry selected and, when a file line is selected, that file."""
        item = self.tree.currentItem()
        return self.entry_of(item) if item is not None else (None, None)

    def entry_of(self, item: QTreeWidgetItem) -> tuple[HistoryEntry, AttachmentRow | None]:
        """The entry of ``item`` and, for a file line, that file."""
        top = item.parent() or item
        entry = self._shown[top.data(DATE, ENTRY_ROLE)]
        if item is top or entry.annotation is None:
            return entry, None
        wanted = item.data(DATE, FILE_ROLE)
        files = entry.annotation.attachments
        return entry, next((a for a in files if a.id.hex == wanted), None)

    def current_key(self) -> uuid.UUID | None:
        """The id of the collection or annotation selected."""
        entry, _file = self.current()
        if entry is None:
            return None
        row = entry.collection or entry.annotation
        return row.id if row is not None else None

    def select(self, key: uuid.UUID) -> bool:
        """Select the entry of the collection or annotation ``key``; False when not shown."""
        for item in top_items(self.tree):
            entry = self._shown[item.data(DATE, ENTRY_ROLE)]
            row = entry.collection or entry.annotation
            if row is not None and row.id == key:
                self.tree.setCurrentItem(item)
                return True
        return False

    def _fill(self) -> None:
        tree = self.tree
        tree.clear()
        kind = self.filter.currentData() or ""
        entries = [e for e in self._entries if not kind or e.kind == kind]
        self._shown = entries
        fmt = self._formats
        alert = QBrush(alert_colour(tree.palette()))
        items = []
        for position, entry in enumerate(entries):
            amount = fmt.amount(entry.amount) if entry.amount is not None else ""
            item = QTreeWidgetItem([fmt.date(entry.day), entry.title, amount, entry.state])
            item.setIcon(ENTRY, self._icons.get(entry.icon))
            item.setTextAlignment(
                AMOUNT, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
            )
            for column in range(4):
                item.setToolTip(column, entry.tooltip)
            if entry.amount is not None and entry.amount < ZERO:
                item.setForeground(AMOUNT, alert)
            if entry.alert:
                item.setForeground(STATE, alert)
            item.setData(DATE, ENTRY_ROLE, position)
            if entry.annotation is not None:
                for attachment in entry.annotation.attachments:
                    child = QTreeWidgetItem(item, ["", _file_text(attachment, fmt), "", ""])
                    child.setIcon(
                        ENTRY,
                        self._icons.get(
                            "pdf" if attachment.media_type == "application/pdf" else "receipt"
                        ),
                    )
                    child.setToolTip(
                        ENTRY,
                        _("{name} ({type}): activate to open it").format(
                            name=attachment.file_name, type=attachment.media_type
                        ),
                    )
                    child.setData(DATE, ENTRY_ROLE, position)
                    child.setData(DATE, FILE_ROLE, attachment.id.hex)
            items.append(item)
        tree.setRootIsDecorated(any(e.annotation and e.annotation.attachments for e in entries))
        tree.addTopLevelItems(items)
        for item in items:
            item.setExpanded(True)
        tree.setVisible(bool(entries))
        self.empty.setVisible(not entries)
        self.empty.setText(
            _("Nothing of this type on the case yet.")
            if kind
            else _(
                "Nothing happened on this case yet. Record collection… when the debtor pays; "
                "New action… for a call, visit, letter or burofax."
            )
        )
        self.count.setText(
            ngettext("{count} entry", "{count} entries", len(entries)).format(
                count=fmt.count(len(entries))
            )
        )

    def _activate(self, item: QTreeWidgetItem, _column: int) -> None:
        entry, attachment = self.entry_of(item)
        if attachment is not None:
            self.file_activated.emit(attachment)
        elif entry.collection is not None:
            self.collection_activated.emit(entry.collection)
        elif item.childCount():
            item.setExpanded(not item.isExpanded())


class CaseFileWindow(QWidget):
    """One case file in a window of its own (see the module)."""

    loaded = Signal()
    """The case was read and shown."""
    changed = Signal(str)
    """Something was written on the case: what, in words (the desk refreshes its lists)."""

    def __init__(
        self,
        context: PageContext,
        case_id: uuid.UUID,
        parent: QWidget | None = None,
        *,
        open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl,
        choose_file: Callable[[QWidget], str] | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("case_file_window")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.context = context
        self.case_id = case_id
        self.case: CaseFile | None = None
        self.dialog: ActionDialog | None = None
        self._open_url = open_url
        self._choose_file = choose_file or _choose_attachment
        self._closed = False
        _OPEN_WINDOWS.append(self)  # kept while open, whoever opened it
        self.setWindowTitle(_("Case file"))
        self.resize(1280, 720)
        icons = context.icons
        self._busy = DelayedBusy("case_file_busy", _("Reading the case file…"), self)
        self.reads = ReadSlot(self, self._busy)

        self.header = self._build_header()
        self.toolbar = self._build_toolbar()
        self.contacts_box, self.contacts_layout = _scrolling_box("case_contacts")
        self.documents_model: MarkedModel[DocumentRow] = MarkedModel(
            [
                Column(_("Document"), lambda r: r.document_number, fit=Fit.KEY),
                Column(_("Date"), lambda r: r.document_date, context.formats.date),
                Column(_("Due"), lambda r: r.due_date, context.formats.date),
                Column(_("Amount"), lambda r: r.amount, context.formats.amount),
            ],
            {},
            self,
        )
        self.documents_model.right.add(3)
        self.documents = read_only_table("case_documents", self.documents_model)
        self.documents_empty = _muted(_("The client sent no documents with this case."))
        self.plans = QTreeWidget()
        self.plans.setObjectName("case_plans")
        self.plans.setColumnCount(4)
        self.plans.setHeaderLabels([_("Due"), _("Amount"), _("Paid"), _("Outcome")])
        for column in (PLAN_AMOUNT, PLAN_PAID):
            self.plans.headerItem().setTextAlignment(column, Qt.AlignmentFlag.AlignRight)
        self.plans.setFont(tabular_font(self.plans.font()))
        self.plans.setAlternatingRowColors(True)
        self.plans.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.plans.customContextMenuRequested.connect(self._plan_menu)
        # The amounts and the outcome sized to their contents, the due dates given the
        # rest: a plan's outcomes stay in view however long the words are.
        plans_header = self.plans.header()
        plans_header.setStretchLastSection(False)
        plans_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        plans_header.setSectionResizeMode(PLAN_DUE, QHeaderView.ResizeMode.Stretch)
        self.plans.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.plans.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.plans_empty = _muted(_("No promise or payment plan yet."))
        self.history = CaseHistory(context.formats, icons)
        self.history.file_activated.connect(self.open_attachment)
        self.history.collection_activated.connect(self.edit_collection)
        self.history.tree.currentItemChanged.connect(lambda *_: self._update_actions())
        self.history.tree.customContextMenuRequested.connect(self._history_menu)

        left = QSplitter(Qt.Orientation.Vertical)
        left.setObjectName("case_left")
        left.setChildrenCollapsible(False)
        left.addWidget(_section(_("Debtor's contacts"), self.contacts_box))
        left.addWidget(_section(_("Creditor's documents"), self.documents, self.documents_empty))
        left.addWidget(_section(_("Promises and payment plans"), self.plans, self.plans_empty))
        left.setSizes([190, 150, 230])
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("case_split")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.history)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([450, 830])

        self.message = QLabel()
        self.message.setObjectName("case_message")
        self.message.setWordWrap(True)
        footer = QHBoxLayout()
        footer.addWidget(self.message, 1)
        footer.addWidget(self._busy.label)
        footer.addWidget(self._busy.bar)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 6)
        layout.setSpacing(6)
        layout.addWidget(self.header)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(footer)
        context.runner.written.connect(self._written)
        self._update_actions()
        self.reload()

    # --- building ---------------------------------------------------------------------------

    def _build_header(self) -> QFrame:
        frame = QFrame()
        frame.setObjectName("case_header")
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        grid = QGridLayout(frame)
        grid.setContentsMargins(10, 6, 10, 6)
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(3)
        self.number = QLabel("—")
        self.number.setObjectName("case_number")
        big = heading_font(self.font())
        big.setPointSizeF(big.pointSizeF() + 3)
        self.number.setFont(big)
        self.number.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status = QLabel("—")
        self.status.setObjectName("case_status")
        self.status.setFont(heading_font(self.font()))
        self.status_button = QPushButton(_("Change status…"))
        self.status_button.setObjectName("case_change_status")
        self.status_button.clicked.connect(self.change_status)
        self.dates = _muted("")
        self.dates.setObjectName("case_dates")
        self.dates.setWordWrap(False)
        top = QHBoxLayout()
        top.addWidget(self.number)
        top.addSpacing(16)
        top.addWidget(self.status)
        top.addSpacing(8)
        top.addWidget(self.status_button)
        top.addStretch(1)
        top.addWidget(self.dates)
        grid.addLayout(top, 0, 0, 1, 4)
        bold = QLabel().font()
        bold.setBold(True)

        def caption(text: str, row: int, column: int) -> None:
            label = QLabel(text)
            label.setFont(bold)
            label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            grid.addWidget(label, row, column)

        self.client = _value("case_client")
        self.debtor = _value("case_debtor")
        self.successor = _value("case_successor")
        self.collector = _value("case_collector")
        caption(_("Client"), 1, 0)
        grid.addWidget(self.client, 1, 1)
        caption(_("Collector"), 1, 2)
        grid.addWidget(self.collector, 1, 3)
        caption(_("Debtor"), 2, 0)
        grid.addWidget(self.debtor, 2, 1)
        self.successor_caption = QLabel(_("Now registered as"))
        self.successor_caption.setFont(bold)
        grid.addWidget(self.successor_caption, 2, 2)
        grid.addWidget(self.successor, 2, 3)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(3, 2)

        figures = QHBoxLayout()
        figures.setSpacing(0)
        self.figures: dict[str, QLabel] = {}
        for key, label in (
            ("principal", _("Principal")),
            ("interest", _("Interest")),
            ("fees", _("Fees")),
            ("debt", _("Debt")),
            ("collected", _("Collected")),
            ("pending", _("Pending approval")),
            ("outstanding", _("Outstanding")),
        ):
            box = QVBoxLayout()
            box.setSpacing(0)
            title = _muted(label)
            title.setWordWrap(False)
            title.setAlignment(Qt.AlignmentFlag.AlignRight)
            value = QLabel("—")
            value.setObjectName(f"case_{key}")
            value.setAlignment(Qt.AlignmentFlag.AlignRight)
            value.setFont(tabular_font(self.font(), 1, bold=key in ("debt", "outstanding")))
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            box.addWidget(title)
            box.addWidget(value)
            figures.addLayout(box)
            figures.addSpacing(28)
            self.figures[key] = value
        figures.addStretch(1)
        grid.addLayout(figures, 3, 0, 1, 4)
        return frame

    def _build_toolbar(self) -> QToolBar:
        bar = QToolBar()
        bar.setObjectName("case_actions")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        icons = self.context.icons

        def action(
            name: str, text: str, icon: str, slot: Callable[[], None], key: str = ""
        ) -> QAction:
            made = QAction(icons.get(icon), text, self)
            made.setObjectName(name)
            made.triggered.connect(slot)
            if key:
                made.setShortcut(QKeySequence(key))
                made.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.addAction(made)
            bar.addAction(made)
            return made

        self.record_action = action(
            "case_record_collection",
            _("Record collection…"),
            "record_payment",
            self.record_collection,
            "Ctrl+R",
        )
        self.action_action = action(
            "case_new_action", _("New action…"), "call", self.new_action, "Ctrl+N"
        )
        self.annotation_action = action(
            "case_new_annotation", _("New annotation…"), "edit", self.new_annotation, "Ctrl+E"
        )
        self.promise_action = action(
            "case_new_promise", _("New promise…"), "task", self.new_promise
        )
        self.plan_action = action(
            "case_new_plan", _("New payment plan…"), "appointment", self.new_plan
        )
        bar.addSeparator()
        self.attach_action = action(
            "case_attach_file", _("Attach file…"), "add_line", self.attach_file
        )
        self.open_action = action(
            "case_open_attachment", _("Open attachment"), "pdf", self.open_selected_attachment
        )
        self.refresh_action = QAction(icons.get("refresh"), _("Refresh"), self)
        self.refresh_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        self.refresh_action.triggered.connect(self.reload)
        self.addAction(self.refresh_action)
        return bar

    # --- reading ----------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the case file again (the newest read wins)."""
        database, case_id, as_of = self.context.database, self.case_id, self.context.clock.today()

        def read(_state: TaskState) -> CaseFile:
            with database.sessions() as session:
                return read_case_file(session, case_id, as_of=as_of)

        QueryOp(read, self.show_case, "case file", failure=self._read_failed).run(
            self.context.runner, self.reads
        )

    @property
    def is_loading(self) -> bool:
        """Whether a read of the case is under way."""
        return self.reads.is_loading

    def show_case(self, case: CaseFile) -> None:
        """Fill the window from ``case``."""
        if self._closed:
            return
        self.case = case
        row, fmt = case.row, self.context.formats
        self.setWindowTitle(
            _("Case file {number} · {debtor}").format(number=row.number, debtor=row.debtor_name)
        )
        self.number.setText(row.number)
        self.status.setText(name_of(CASE_STATUS_NAMES, row.status))
        dates = [_("Assigned {date}").format(date=fmt.date(row.assigned_on))]
        dates.append(
            _("last action {date}").format(date=fmt.date(row.last_action_on))
            if row.last_action_on
            else _("no action yet")
        )
        if case.closed_on is not None:
            dates.append(_("closed {date}").format(date=fmt.date(case.closed_on)))
        self.dates.setText(" · ".join(dates))
        client = f"{row.client_name} ({row.client_code})"
        if case.client_reference:
            client += " · " + _("their reference {reference}").format(
                reference=case.client_reference
            )
        self.client.setText(client)
        debtor = [row.debtor_name]
        if row.debtor_tax_id:
            debtor.append(_("tax id {tax_id}").format(tax_id=row.debtor_tax_id))
        debtor.append(name_of(DEBTOR_KIND_NAMES, case.debtor_kind))
        self.debtor.setText(" · ".join(debtor))
        successor = case.successor_name is not None
        if successor:
            text = case.successor_name or ""
            if case.successor_tax_id:
                text += " · " + _("tax id {tax_id}").format(tax_id=case.successor_tax_id)
            self.successor.setText(text)
        self.successor.setVisible(successor)
        self.successor_caption.setVisible(successor)
        self.collector.setText(row.collector_name or _("nobody assigned"))
        figures = {
            "principal": case.principal,
            "interest": case.interest,
            "fees": case.fees,
            "debt": row.debt,
            "collected": row.collected,
            "pending": row.pending,
            "outstanding": row.outstanding,
        }
        for key, amount in figures.items():
            self.figures[key].setText(fmt.money(amount, row.currency))
        self._show_contacts(case.contacts)
        self.documents_model.set_rows(case.documents)
        self.documents_model.set_header(3, _("Amount {currency}").format(currency=row.currency))
        fit_columns(self.documents)
        self.documents.setVisible(bool(case.documents))
        self.documents_empty.setVisible(not case.documents)
        self._show_plans(case.plans)
        self.history.set_entries(history_entries(case, fmt, self.context.clock.today()))
        self._update_actions()
        self.loaded.emit()

    def _show_contacts(self, contacts: Sequence[DebtorContactRow]) -> None:
        layout = self.contacts_layout
        while layout.count():
            item = layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        fmt = self.context.formats
        order: dict[str, int] = {
            DebtorContactKind.PHONE: 0,
            DebtorContactKind.EMAIL: 1,
            DebtorContactKind.ADDRESS: 2,
        }
        shown = sorted(
            contacts, key=lambda c: (not c.current, order.get(c.kind, 3), -c.found_on.toordinal())
        )
        kind_width = max(
            self.fontMetrics().horizontalAdvance(name_of(CONTACT_KIND_NAMES, kind))
            for kind in DebtorContactKind
        )
        if not shown:
            layout.addWidget(
                _muted(
                    _(
                        "No address, phone or e-mail known. New annotation… ▸ Debtor located "
                        "adds one."
                    )
                )
            )
        for contact in shown:
            line = QWidget()
            row = QHBoxLayout(line)
            row.setContentsMargins(0, 0, 0, 0)
            row.setSpacing(6)
            kind = QLabel(name_of(CONTACT_KIND_NAMES, contact.kind))
            kind.setFixedWidth(kind_width + 6)
            kind.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            kind.setPalette(muted_palette(kind.palette()))
            value = QLabel(contact.value)
            value.setObjectName("contact_value")
            value.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            found = _("Found {date}").format(date=fmt.date(contact.found_on))
            if contact.source:
                found += " · " + _("source: {source}").format(source=contact.source)
            if not contact.current:
                found += " · " + _("no longer valid")
                value.setPalette(muted_palette(value.palette()))
                font = value.font()
                font.setStrikeOut(True)
                value.setFont(font)
            for widget in (kind, value):
                widget.setToolTip(found)
            row.addWidget(kind)
            row.addWidget(value, 1)
            if contact.current and contact.kind in (
                DebtorContactKind.PHONE,
                DebtorContactKind.EMAIL,
            ):
                button = QToolButton()
                button.setAutoRaise(True)
                if contact.kind == DebtorContactKind.PHONE:
                    teams = self.context.call_method() == "teams"
                    button.setObjectName("contact_call")
                    button.setIcon(self.context.icons.get("teams" if teams else "call"))
                    button.setToolTip(
                        (_("Call {number} with Teams") if teams else _("Call {number}")).format(
                            number=contact.value
                        )
                    )
                    button.clicked.connect(lambda _c=False, v=contact.value: self.call(v))
                else:
                    button.setObjectName("contact_email")
                    button.setIcon(self.context.icons.get("email"))
                    button.setToolTip(_("Write to {address}").format(address=contact.value))
                    button.clicked.connect(lambda _c=False, v=contact.value: self.write_to(v))
                row.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
            layout.addWidget(line)
        layout.addStretch(1)

    def _show_plans(self, plans: Sequence[PlanRow]) -> None:
        tree, fmt = self.plans, self.context.formats
        tree.clear()
        alert = QBrush(alert_colour(tree.palette()))
        currency = self.case.row.currency if self.case is not None else ""
        collections = self.case.collections if self.case is not None else ()
        for plan in plans:
            total = sum((i.amount for i in plan.instalments), ZERO)
            counts: dict[str, int] = {}
            for instalment in plan.instalments:
                counts[instalment.outcome] = counts.get(instalment.outcome, 0) + 1
            title = _("{kind} agreed {date} · {amount}").format(
                kind=name_of(PLAN_KIND_NAMES, plan.kind),
                date=fmt.date(plan.agreed_on),
                amount=fmt.money(total, currency),
            )
            if plan.cancelled_on is not None:
                title += " · " + _("cancelled {date}").format(date=fmt.date(plan.cancelled_on))
            item = QTreeWidgetItem(tree, [title])
            item.setFirstColumnSpanned(True)
            item.setData(0, ENTRY_ROLE, plan.id.hex)
            font = item.font(0)
            font.setBold(True)
            item.setFont(0, font)
            tip = [title]
            if plan.created_by_name:
                tip.append(_("Agreed by {name}").format(name=plan.created_by_name))
            if plan.note:
                tip.append(plan.note)
            tip.append(
                ", ".join(
                    f"{name_of(OUTCOME_NAMES, outcome)}: {fmt.count(count)}"
                    for outcome, count in counts.items()
                )
            )
            since = sum(
                (
                    c.amount
                    for c in collections
                    if c.state == CollectionState.APPROVED and c.collected_on >= plan.agreed_on
                ),
                ZERO,
            )
            tip.append(
                _("Approved collections since it was agreed: {amount}").format(
                    amount=fmt.money(since, currency)
                )
            )
            item.setToolTip(0, "\n".join(tip))
            for instalment in plan.instalments:
                label = (
                    fmt.date(instalment.due_on)
                    if plan.kind == PlanKind.PROMISE
                    else f"{instalment.number}. {fmt.date(instalment.due_on)}"
                )
                child = QTreeWidgetItem(
                    item,
                    [
                        label,
                        fmt.amount(instalment.amount),
                        fmt.amount(instalment.paid),
                        name_of(OUTCOME_NAMES, instalment.outcome),
                    ],
                )
                child.setData(0, ENTRY_ROLE, plan.id.hex)
                for column in (PLAN_AMOUNT, PLAN_PAID):
                    child.setTextAlignment(
                        column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if instalment.outcome in ("broken", "partly_kept"):
                    child.setForeground(PLAN_OUTCOME, alert)
            item.setExpanded(plan.cancelled_on is None)
        tree.setVisible(bool(plans))
        self.plans_empty.setVisible(not plans)

    def _read_failed(self, error: BaseException) -> None:
        self._say(
            str(error)
            if isinstance(error, ValueError | LookupError)
            else _("The case file could not be read: {reason}").format(reason=error),
            alert=True,
        )

    def _written(self) -> None:
        if not self._closed:
            self.reload()

    # --- what can be done now -----------------------------------------------------------------

    def _refusal(self) -> str | None:
        """Why nothing can be written on the case now; None when it can."""
        refused = desk_refusal(
            read_only=self.context.database.read_only, replica=self.context.replica
        )
        if refused is not None:
            return refused
        if self.context.employee_id is None:
            return _("Only agency staff can work on a case file; you are not an employee.")
        if self.case is None:
            return _("The case file is being read.")
        return None

    def _update_actions(self) -> None:
        refusal = self._refusal()
        closed = self.case is not None and self.case.row.status in CLOSED_CASE_STATUSES
        for action, tip in (
            (
                self.record_action,
                _("Record money the debtor paid (waits for a supervisor's approval)"),
            ),
            (self.action_action, _("A call, visit, letter or burofax: done or scheduled")),
            (
                self.annotation_action,
                _("Debtor located, a mercantile registry entry or an observation"),
            ),
            (self.promise_action, _("One payment the debtor promised by a date")),
            (self.plan_action, _("Instalments with due dates")),
        ):
            why = refusal or (
                _("The case is closed; change its status to reopen it.")
                if closed and action is not self.annotation_action
                else None
            )
            action.setEnabled(why is None)
            action.setToolTip(why or tip)
        self.status_button.setEnabled(refusal is None)
        self.status_button.setToolTip(
            refusal or _("New, in progress, payment plan, legal or closed")
        )
        entry, attachment = self.history.current()
        if refusal is not None:
            attach_why: str | None = refusal
        elif entry is None or entry.annotation is None:
            attach_why = _("Select an annotation or action in the history to attach a file to it.")
        else:
            attach_why = None
        self.attach_action.setEnabled(attach_why is None)
        self.attach_action.setToolTip(
            attach_why or _("Attach a PDF or an image to the selected entry")
        )
        if attachment is not None:
            open_why: str | None = None
        elif entry is not None and entry.annotation is not None and entry.annotation.attachments:
            open_why = None
            attachment = entry.annotation.attachments[0]
        else:
            open_why = _("Select a file under an annotation or action in the history.")
        self.open_action.setEnabled(open_why is None)
        self.open_action.setToolTip(
            open_why or _("Open {name}").format(name=attachment.file_name if attachment else "")
        )

    # --- changes ---------------------------------------------------------------------------------

    def _label(self) -> str:
        case = self.case
        return f"{case.row.number} {case.row.debtor_name}" if case is not None else ""

    def _open_dialog(
        self,
        dialog: ActionDialog,
        write: Callable[[Any], Callable[[Session], object]],
        done: Callable[[Any], str],
    ) -> None:
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.raise_()
            return
        self.dialog = dialog
        dialog.submitted.connect(lambda value: self._write(write(value), done(value), dialog))
        dialog.finished.connect(lambda _result: self._forget(dialog))
        dialog.open()

    def _forget(self, dialog: ActionDialog) -> None:
        if dialog is self.dialog:
            self.dialog = None
        dialog.deleteLater()

    def _write(
        self, work: Callable[[Session], object], done: str, dialog: ActionDialog | None = None
    ) -> None:
        def succeeded(_value: object) -> None:
            self._say(done)
            self.changed.emit(done)

        def failed(message: str) -> None:
            if dialog is None:
                self._say(message, alert=True)

        WriteOp(work, succeeded, "case file", failure=failed, feedback=dialog).run(
            self.context.runner, self.context.database
        )

    def _who(self) -> tuple[uuid.UUID, dt.datetime, dt.date]:
        employee = self.context.employee_id
        assert employee is not None  # the actions are disabled otherwise
        return employee, self.context.clock.now(), self.context.clock.today()

    def record_collection(self) -> None:
        """Record collection…: money the debtor paid on the case."""
        case = self.case
        if case is None or self._refusal():
            return
        dialog = CollectionDialog(
            self._label(),
            case.row.currency,
            self.context.formats,
            self.context.clock.today(),
            self,
            outstanding=case.row.outstanding,
        )

        def write(value: object) -> Callable[[Session], object]:
            assert isinstance(value, CollectionInput)
            by, now, _today = self._who()
            return lambda session: agency_collections.record_collection(
                session,
                case_id=case.row.id,
                collected_on=value.collected_on,
                amount=value.amount,
                method=value.method,
                reference=value.reference,
                collected_by_id=by,
                note=value.note,
                now=now,
            )

        self._open_dialog(
            dialog,
            write,
            lambda value: _("Collection of {amount} recorded; it waits for approval.").format(
                amount=self.context.formats.money(value.amount, case.row.currency)
            ),
        )

    def edit_collection(self, row: CollectionRow | None = None) -> None:
        """Edit collection…: correct a collection not approved yet (or rejected)."""
        case = self.case
        if row is None:
            entry, _file = self.history.current()
            row = entry.collection if entry is not None else None
        if case is None or row is None or self._refusal():
            return
        if row.state == CollectionState.APPROVED:
            self._say(
                _("An approved collection is not edited; a supervisor reverses it instead."),
                alert=True,
            )
            return
        dialog = CollectionDialog(
            self._label(),
            row.currency,
            self.context.formats,
            self.context.clock.today(),
            self,
            row=row,
        )

        def write(value: object) -> Callable[[Session], object]:
            assert isinstance(value, CollectionInput)
            collection_id, version = value.collection_id, value.version
            assert collection_id is not None
            assert version is not None
            by, now, _today = self._who()
            return lambda session: agency_collections.edit_collection(
                session,
                collection_id,
                version,
                collected_on=value.collected_on,
                amount=value.amount,
                method=value.method,
                reference=value.reference,
                note=value.note,
                by=by,
                now=now,
            )

        self._open_dialog(dialog, write, lambda _value: _("Collection saved."))

    def new_action(self) -> None:
        """New action…: a call, visit, letter or burofax, done or scheduled."""
        self._annotation(ACTION)

    def new_annotation(self) -> None:
        """New annotation…: debtor located, a registry entry or an observation."""
        self._annotation(ANNOTATION)

    def _annotation(self, mode: str) -> None:
        case = self.case
        if case is None or self._refusal():
            return
        dialog = AnnotationDialog(
            mode, self._label(), self.context.formats, self.context.clock.today(), self
        )

        def write(value: object) -> Callable[[Session], object]:
            assert isinstance(value, AnnotationInput)
            by, now, _today = self._who()
            return lambda session: agency_annotations.add_annotation(
                session,
                case_id=case.row.id,
                kind=value.kind,
                text=value.text,
                by=by,
                now=now,
                source=value.source,
                found_value=value.found_value,
                new_name=value.new_name,
                new_tax_id=value.new_tax_id,
                scheduled_on=value.scheduled_on,
                done_on=value.done_on,
            )

        def done(value: object) -> str:
            assert isinstance(value, AnnotationInput)
            kind = name_of(ANNOTATION_KIND_NAMES, value.kind)
            if value.scheduled_on is not None:
                return _("{kind} scheduled for {date}.").format(
                    kind=kind, date=self.context.formats.date(value.scheduled_on)
                )
            return _("{kind} added to the case.").format(kind=kind)

        self._open_dialog(dialog, write, done)

    def new_promise(self) -> None:
        """New promise…: one payment by a day."""
        self._plan(PlanKind.PROMISE)

    def new_plan(self) -> None:
        """New payment plan…: instalments with due dates."""
        self._plan(PlanKind.PLAN)

    def _plan(self, kind: str) -> None:
        case = self.case
        if case is None or self._refusal():
            return
        dialog = PlanDialog(
            kind,
            self._label(),
            case.row.currency,
            case.row.outstanding,
            self.context.formats,
            self.context.clock.today(),
            self,
        )

        def write(value: object) -> Callable[[Session], object]:
            assert isinstance(value, PlanInput)
            by, now, _today = self._who()
            return lambda session: agency_plans.add_plan(
                session,
                case_id=case.row.id,
                kind=value.kind,
                agreed_on=value.agreed_on,
                instalments=value.instalments,
                note=value.note,
                by=by,
                now=now,
            )

        def done(value: object) -> str:
            assert isinstance(value, PlanInput)
            if value.kind == PlanKind.PROMISE:
                day, amount = value.instalments[0]
                return _("Promise of {amount} by {date} added.").format(
                    amount=self.context.formats.money(amount, case.row.currency),
                    date=self.context.formats.date(day),
                )
            count = len(value.instalments)
            return ngettext(
                "Payment plan of {count} instalment added.",
                "Payment plan of {count} instalments added.",
                count,
            ).format(count=self.context.formats.count(count))

        self._open_dialog(dialog, write, done)

    def change_status(self) -> None:
        """Change status…: the case's new status."""
        case = self.case
        if case is None or self._refusal():
            return
        dialog = CaseStatusDialog(self._label(), case.row.status, self)

        def write(value: object) -> Callable[[Session], object]:
            by, now, _today = self._who()
            return lambda session: agency_cases.set_status(
                session, case.row.id, case.row.version, str(value), now=now, by=by
            )

        self._open_dialog(
            dialog,
            write,
            lambda value: _("The case is now: {status}.").format(
                status=name_of(CASE_STATUS_NAMES, str(value))
            ),
        )

    def mark_done(self) -> None:
        """Mark the selected scheduled action done today."""
        entry, _file = self.history.current()
        if entry is None or entry.annotation is None or self._refusal():
            return
        row = entry.annotation
        by, now, today = self._who()
        self._write(
            lambda session: agency_annotations.mark_done(
                session, row.id, row.version, on=today, by=by, now=now
            ),
            _("{kind} marked done.").format(kind=name_of(ANNOTATION_KIND_NAMES, row.kind)),
        )

    def cancel_plan(self, plan: PlanRow) -> None:
        """Cancel a promise or plan (after asking)."""
        if self._refusal():
            return
        answer = QMessageBox.question(
            self,
            _("Cancel plan"),
            _(
                "Cancel the {kind} agreed on {date}? Its open instalments are no longer expected."
            ).format(
                kind=name_of(PLAN_KIND_NAMES, plan.kind).lower(),
                date=self.context.formats.date(plan.agreed_on),
            ),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        by, now, today = self._who()
        self._write(
            lambda session: agency_plans.cancel_plan(
                session, plan.id, plan.version, on=today, by=by, now=now
            ),
            _("The {kind} was cancelled.").format(kind=name_of(PLAN_KIND_NAMES, plan.kind).lower()),
        )

    # --- files ------------------------------------------------------------------------------------

    def attach_file(self) -> None:
        """Attach file…: a PDF or an image to the annotation or action selected."""
        entry, _file = self.history.current()
        if entry is None or entry.annotation is None or self._refusal():
            return
        path = self._choose_file(self)
        if path:
            self.attach_path(Path(path), entry.annotation)

    def attach_path(self, path: Path, annotation: AnnotationRow) -> None:
        """Check the file ``path`` (type by its content, size) and keep it with ``annotation``;
        a file refused is named with the reason, in a message and the window's last line."""
        limit = agency_attachments.MAX_ATTACHMENT_BYTES

        def read(_state: TaskState) -> tuple[str, bytes]:
            size = path.stat().st_size
            if size > limit:  # refused unread, in the rules' own words
                raise AgencyError(
                    _(
                        "{file} is {size:.1f} MB; a file kept with a case file is at most "
                        "{limit} MB."
                    ).format(
                        file=path.name, size=size / (1024 * 1024), limit=limit // (1024 * 1024)
                    )
                )
            content = path.read_bytes()
            agency_attachments.check_attachment(path.name, content)
            return path.name, content

        def checked(found: tuple[str, bytes]) -> None:
            name, content = found
            by, now, _today = self._who()
            self._write(
                lambda session: agency_attachments.attach(
                    session,
                    annotation_id=annotation.id,
                    file_name=name,
                    content=content,
                    by=by,
                    now=now,
                ),
                _("{name} attached.").format(name=name),
            )

        def refused(error: BaseException) -> None:
            if isinstance(error, OSError):
                message = _("{name} cannot be read: {reason}").format(
                    name=path.name, reason=error.strerror or error
                )
            else:
                message = str(error)
            self._say(message, alert=True)
            QMessageBox.warning(self, _("Attach file"), message)

        QueryOp(read, checked, "check attachment", failure=refused, lane=Lane.GENERAL).run(
            self.context.runner
        )

    def open_selected_attachment(self) -> None:
        """Open attachment: the file selected (or the selected entry's first file)."""
        entry, attachment = self.history.current()
        if attachment is None and entry is not None and entry.annotation is not None:
            attachment = next(iter(entry.annotation.attachments), None)
        if attachment is not None:
            self.open_attachment(attachment)

    def open_attachment(self, attachment: AttachmentRow) -> None:
        """Write the file to a temporary file and open it with the desktop's program for it."""
        database = self.context.database

        def read(_state: TaskState) -> Path:
            with database.sessions() as session:
                name, _media_type, content = agency_attachments.read_attachment(
                    session, attachment.id
                )
            target = attachment_path(attachment.id, name)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
            return target

        def opened(target: Path) -> None:
            if self._open_url(QUrl.fromLocalFile(str(target))):
                self._say(_("{name} is open.").format(name=target.name))
            else:
                self._say(
                    _("No program opened {name}; it was saved as {path}.").format(
                        name=target.name, path=target
                    ),
                    alert=True,
                )

        QueryOp(
            read,
            opened,
            "open attachment",
            failure=lambda error: self._say(
                _("{name} could not be opened: {reason}").format(
                    name=attachment.file_name, reason=error
                ),
                alert=True,
            ),
        ).run(self.context.runner)

    # --- calls and e-mail -----------------------------------------------------------------------

    def call(self, phone: str) -> None:
        """Call ``phone`` (tel: or Teams, the user's setting)."""
        if not self._open_url(
            QUrl(call_url(phone, self.context.call_method()), QUrl.ParsingMode.StrictMode)
        ):
            self._say(_("No program answered the call."), alert=True)

    def write_to(self, address: str) -> None:
        """Open a new e-mail to ``address`` in the user's e-mail program."""
        if not self._open_url(
            QUrl(mailto_url(EmailDraft(address, "", "")), QUrl.ParsingMode.StrictMode)
        ):
            self._say(_("No e-mail program answered."), alert=True)

    # --- menus ---------------------------------------------------------------------------

    def _history_menu(self, point: QPoint) -> None:
        under = self.history.tree.itemAt(point)
        if under is not None:
            self.history.tree.setCurrentItem(under)
        entry, _file = self.history.current()
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        refusal = self._refusal()
        if entry is not None and entry.collection is not None:
            edit = menu.addAction(_("Edit collection…"), lambda: self.edit_collection())
            editable = entry.collection.state != CollectionState.APPROVED
            edit.setEnabled(refusal is None and editable)
        if entry is not None and entry.annotation is not None:
            row = entry.annotation
            done = menu.addAction(_("Mark done today"), lambda: self.mark_done())
            done.setEnabled(refusal is None and row.kind in ACTION_KINDS and row.done_on is None)
            menu.addAction(self.attach_action)
            menu.addAction(self.open_action)
        for action in (self.record_action, self.action_action, self.annotation_action):
            if not menu.isEmpty() and action is self.record_action:
                menu.addSeparator()
            menu.addAction(action)
        menu.popup(self.history.tree.viewport().mapToGlobal(point))

    def _plan_menu(self, point: QPoint) -> None:
        item = self.plans.itemAt(point)
        case = self.case
        if item is None or case is None:
            return
        wanted = item.data(0, ENTRY_ROLE)
        plan = next((p for p in case.plans if p.id.hex == wanted), None)
        if plan is None:
            return
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        cancel = menu.addAction(_("Cancel plan…"), lambda: self.cancel_plan(plan))
        cancel.setEnabled(self._refusal() is None and plan.cancelled_on is None)
        menu.popup(self.plans.viewport().mapToGlobal(point))

    # --- the last line -------------------------------------------------------------------

    def _say(self, text: str, *, alert: bool = False) -> None:
        self.message.setText(text)
        palette = self.message.palette()
        colour = (
            alert_colour(palette)
            if alert
            else muted_palette(palette).color(palette.ColorRole.WindowText)
        )
        palette.setColor(palette.ColorRole.WindowText, colour)
        self.message.setPalette(palette)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._closed = True
        if self in _OPEN_WINDOWS:
            _OPEN_WINDOWS.remove(self)
        with contextlib.suppress(RuntimeError, TypeError):
            self.context.runner.written.disconnect(self._written)
        task = self.reads.task
        if (
            task is not None
        ):  # forgotten now: its outcome, after the window is deleted, is not shown
            task.cancel()
            self.reads.finish(task)
        super().closeEvent(event)


_OPEN_WINDOWS: list[CaseFileWindow] = []
"""The case file windows open now: a window without a parent lives until it is closed."""


def open_case_file(
    context: PageContext, case_id: uuid.UUID, parent: QWidget | None = None
) -> CaseFileWindow:
    """Show the case file window of ``case_id``: the one already open, raised (and read
    again), else a new one."""
    _OPEN_WINDOWS[:] = [w for w in _OPEN_WINDOWS if shiboken6.isValid(w)]  # parent gone
    for window in _OPEN_WINDOWS:
        if window.case_id == case_id and not window._closed:
            window.showNormal()
            window.raise_()
            window.activateWindow()
            window.reload()
            return window
    window = CaseFileWindow(context, case_id, parent)
    window.show()
    return window


def _choose_attachment(parent: QWidget) -> str:
    path, _filter = QFileDialog.getOpenFileName(parent, _("Attach file"), "", _(ATTACHMENT_FILTER))
    return path


def _value(name: str) -> QLabel:
    label = QLabel("—")
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _muted(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setPalette(muted_palette(label.palette()))
    return label


def _section(title: str, *widgets: QWidget) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 2, 0, 0)
    layout.setSpacing(3)
    heading = QLabel(title)
    heading.setFont(heading_font(heading.font()))
    layout.addWidget(heading)
    for widget in widgets:
        layout.addWidget(widget, 1 if not isinstance(widget, QLabel) else 0)
    layout.addStretch(0)
    return box


def _scrolling_box(name: str) -> tuple[QScrollArea, QVBoxLayout]:
    inner = QWidget()
    layout = QVBoxLayout(inner)
    layout.setContentsMargins(4, 2, 4, 2)
    layout.setSpacing(4)
    area = QScrollArea()
    area.setObjectName(name)
    area.setWidget(inner)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.StyledPanel)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return area, layout

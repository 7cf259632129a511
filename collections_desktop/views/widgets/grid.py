"""The grids of the list pages: a titled table with a filter box and an empty-state text.

``Grid`` holds a ``MarkedModel`` filled on the GUI thread (small lists); ``ListGrid``
takes rows prepared on a worker (``itemmodels.prepared``) and lets the user hide columns.
Their header state (widths, order, sort, and which columns the user sized) is saved with
the column count in front, so a layout saved for other columns is never applied.
``page_button`` and ``pool_combo`` are the action bar's and the filter row's common parts.

Every grid of the app sizes its columns by one rule, ``ColumnFitter``: a column is as
wide as its header (with room for the sort arrow) and its widest text among the rows
measured, the text's part capped by what the column holds (``Fit``); one designated
column takes the room left. A column the user sized keeps its width.
"""

from __future__ import annotations

import contextlib
import html
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Generic

from PySide6.QtCore import (
    QAbstractItemModel,
    QByteArray,
    QEvent,
    QObject,
    QPoint,
    QRect,
    Qt,
    QTimer,
)
from PySide6.QtGui import QAction, QColor, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QProxyStyle,
    QStackedWidget,
    QStyle,
    QStyleOption,
    QStyleOptionHeader,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from collections_desktop.i18n import _
from collections_desktop.models.people.scope import AgentScope
from collections_desktop.views.icons import IconRegistry
from collections_desktop.views.itemmodels.marked import MarkedModel
from collections_desktop.views.itemmodels.prepared import (
    PreparedModel,
    PreparedRows,
    prepare_rows,
)
from collections_desktop.views.itemmodels.rows import Column, Fit, Row
from collections_desktop.views.style import (
    heading_font,
    muted_palette,
    tabular_font,
)

FIT_ROWS = 200
"""How many rows a grid measures to size its columns: the first ones shown, and as many
spread over the rest."""

LIMITS = {Fit.KEY: 40, Fit.TEXT: 30, Fit.LABEL: 30, Fit.FREE: 48}
"""The widest a column's text makes it, in average characters of the grid's font (a
header is never cut, whatever its length)."""

FLOORS = {Fit.FREE: 28, Fit.LABEL: 10}
"""The narrowest a column that gives way gets when room is short, in average characters
(never narrower than its header): free text first, then labels; the others never give
way, and the grid scrolls sideways instead."""

TEXT_GAP = 8
"""Pixels between the texts of two neighbouring cells, besides the style's own margins."""

ARROW_GAP = 4
"""Pixels between a header's text and its sort arrow."""

HEADER_GAP = 6
"""Pixels a header's text keeps clear of its section's edges, besides the style's margins."""

MEASURED = 24
"""How many of a column's longest texts (by characters) are measured in pixels."""


def two_line_split(text: str, width: Callable[[str], int]) -> str | None:
    """``text`` broken at the space that makes its longer line shortest (None: one word)."""
    words = text.split(" ")
    if len(words) < 2:
        return None
    _longest, best = min(
        (max(width(" ".join(words[:i])), width(" ".join(words[i:]))), i)
        for i in range(1, len(words))
    )
    return f"{' '.join(words[:best])}\n{' '.join(words[best:])}"


def header_room(header: QHeaderView, column: int) -> int:
    """Pixels a horizontal header section needs besides its text: the style's margins,
    the sort arrow when the grid is sorted by ``column``, and the header's icon when it
    has one."""
    style = header.style()
    option = QStyleOptionHeader()
    option.initFrom(header)
    option.orientation = Qt.Orientation.Horizontal
    option.state |= QStyle.StateFlag.State_Horizontal
    option.section = column
    option.text = "x"
    sorted_here = header.isSortIndicatorShown() and header.sortIndicatorSection() == column
    if sorted_here:
        option.sortIndicator = QStyleOptionHeader.SortIndicator.SortDown
    height = max(header.height(), header.sizeHint().height())
    option.rect = QRect(0, 0, 1000, height)
    label = style.subElementRect(QStyle.SubElement.SE_HeaderLabel, option, header)
    # A sorted header's text stops short of its arrow (``HeaderStyle``).
    end = label.right() - (_arrow_overlap(style, header) if sorted_here else 0)
    room = option.rect.width() - (end - label.left() + 1) + HEADER_GAP
    model = header.model()
    if (
        model is not None
        and model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DecorationRole)
        is not None
    ):
        margin = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, option, header)
        room += style.pixelMetric(QStyle.PixelMetric.PM_SmallIconSize, option, header) + margin
    return room


def _arrow_overlap(style: QStyle, header: QWidget) -> int:
    """Pixels of a sorted header's label rectangle the style draws its sort arrow over,
    with ``ARROW_GAP`` to spare."""
    option = QStyleOptionHeader()
    option.initFrom(header)
    option.orientation = Qt.Orientation.Horizontal
    option.state |= QStyle.StateFlag.State_Horizontal
    option.sortIndicator = QStyleOptionHeader.SortIndicator.SortDown
    option.rect = QRect(0, 0, 1000, max(header.sizeHint().height(), 18))
    label = style.subElementRect(QStyle.SubElement.SE_HeaderLabel, option, header)
    arrow = style.subElementRect(QStyle.SubElement.SE_HeaderArrow, option, header)
    if not arrow.isValid():
        return 0
    return max(label.right() - (arrow.left() - ARROW_GAP), 0)


class HeaderStyle(QProxyStyle):
    """The application's style, but a sorted header's text stops short of its sort arrow:
    Fusion draws the arrow over the end of a right-aligned text ("Balance (EUR▴")."""

    def drawControl(
        self,
        element: QStyle.ControlElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        if (
            element == QStyle.ControlElement.CE_HeaderLabel
            and isinstance(option, QStyleOptionHeader)
            and option.sortIndicator != QStyleOptionHeader.SortIndicator.None_
            and widget is not None
        ):
            option = QStyleOptionHeader(option)
            option.rect = option.rect.adjusted(0, 0, -_arrow_overlap(self.baseStyle(), widget), 0)
        if (
            element == QStyle.ControlElement.CE_HeaderLabel
            and isinstance(option, QStyleOptionHeader)
            and "\n" not in option.text
            and option.fontMetrics.horizontalAdvance(option.text) > _text_room(self, option)
        ):
            # A header sized for two lines (``ColumnFitter``) is drawn on two lines.
            split = two_line_split(option.text, option.fontMetrics.horizontalAdvance)
            if split is not None:
                option = QStyleOptionHeader(option)
                option.text = split
        super().drawControl(element, option, painter, widget)


def _text_room(style: QStyle, option: QStyleOptionHeader) -> int:
    """The width a header label's text has: its rectangle less its icon, if any."""
    if option.icon.isNull():
        return option.rect.width()
    icon = style.pixelMetric(QStyle.PixelMetric.PM_SmallIconSize, option)
    margin = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, option)
    return option.rect.width() - icon - margin


_header_style: HeaderStyle | None = None


def header_style() -> HeaderStyle:
    """The one ``HeaderStyle`` every grid's header uses (made once, owned by the app)."""
    global _header_style
    if _header_style is None:
        _header_style = HeaderStyle()
        _header_style.setParent(QApplication.instance())
    return _header_style


def header_width(header: QHeaderView, column: int, *, lines: int = 1) -> int:
    """The width at which ``column``'s header text shows whole (with the sort arrow when
    the grid is sorted by it), on one line or, with ``lines=2``, broken on two where it
    has a space (``HeaderStyle`` draws it so when the section is narrower than one line)."""
    model = header.model()
    text = str(model.headerData(column, Qt.Orientation.Horizontal) or "") if model else ""
    metrics = header.fontMetrics()
    split = two_line_split(text, metrics.horizontalAdvance) if lines == 2 else None
    widest = max(metrics.horizontalAdvance(line) for line in (split or text).split("\n"))
    return widest + header_room(header, column)


def cell_margin(view: QAbstractItemView) -> int:
    """Pixels a cell's text has on each side (the style's item margin)."""
    style = view.style()
    return style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1


def _sample(model: QAbstractItemModel, column: int, count: int) -> list[str]:
    texts = getattr(model, "column_texts", None)
    if texts is not None:
        return list(texts(column, count))
    rows = min(model.rowCount(), count)
    return [str(model.index(row, column).data() or "") for row in range(rows)]


def _fit_of(model: QAbstractItemModel, column: int) -> Fit:
    columns = getattr(model, "columns", None)
    if columns is not None and 0 <= column < len(columns):
        return getattr(columns[column], "fit", Fit.TEXT)
    return Fit.TEXT


def text_width(metrics: QFontMetrics, texts: Iterable[str]) -> int:
    """The widest of ``texts`` in pixels, measuring only the longest few."""
    longest = sorted(set(texts), key=len, reverse=True)[:MEASURED]
    return max((metrics.horizontalAdvance(text) for text in longest if text), default=0)


class ColumnFitter(QObject):
    """Sizes a table's columns by the app's one rule, and gives the room left to one column.

    Each column needs the larger of its header (``header_width``) and its widest text
    among the rows measured (``FIT_ROWS``), the text's part capped by ``LIMITS`` for what
    the column holds (``Column.fit``). The ``stretch`` column takes what the others leave
    of the view's width. When that is less than it needs, columns give way in order down
    to their ``FLOORS``: the free text first (the stretch column foremost, which gives
    way like free text unless it holds names), then the labels (type, category,
    responsible), their texts elided and whole in their tooltips; a name, a number, a
    status, a date or an amount never does, and a narrow window scrolls sideways instead.

    ``fit`` measures again (the grids call it whenever new rows arrive); ``fill`` shares
    the width again (on every resize of the view). Only the sorted column keeps room for
    the sort arrow; sorting by another column sizes both headers again. A column the user
    sized keeps its width (``user_sized``), and is saved as such in the header's state.
    """

    def __init__(self, view: QTableView, stretch: int | None) -> None:
        super().__init__(view)
        self._view = view
        self.stretch = stretch
        self._texts: dict[int, int] = {}  # each column's text width, capped by its limit
        self.needs: dict[int, int] = {}
        """Each column's width by the rule, as last measured."""
        self.floors: dict[int, int] = {}
        """The narrowest each column gets when room is short (its need for most)."""
        self.user_sized: set[int] = set()
        """Columns the user sized: fitting leaves them alone."""
        self._quiet = 0  # >0 while the fitter (or a restore) resizes sections
        header = view.horizontalHeader()
        header.setStyle(header_style())
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        header.sectionResized.connect(self._resized)
        header.sortIndicatorChanged.connect(self.headers_changed)
        view.viewport().installEventFilter(self)

    # --- measuring ----------------------------------------------------------------------

    def fit(self) -> None:
        """Measure every column again, then share the view's width (``fill``)."""
        view, model = self._view, self._view.model()
        if model is None:
            return
        metrics = view.fontMetrics()
        average = max(metrics.averageCharWidth(), 1)
        padding = 2 * cell_margin(view) + TEXT_GAP
        self._texts = {}
        for column in range(model.columnCount()):
            texts = _sample(model, column, FIT_ROWS)
            content = text_width(metrics, texts) + padding if texts else 0
            self._texts[column] = min(content, LIMITS[self.kind(column)] * average)
        self._with_headers()
        self.fill()

    def _with_headers(self) -> None:
        """Each column's need and floor from its measured texts and its header now."""
        header = self._view.horizontalHeader()
        average = max(self._view.fontMetrics().averageCharWidth(), 1)
        self.needs, self.floors = {}, {}
        two_lines = False
        for column, text in self._texts.items():
            heading = header_width(header, column)
            if heading > text and column != self.stretch:
                # A header wider than its column's texts goes on two lines ("Credit" over
                # "group"), so the grid is not wider than its figures need.
                shorter = max(header_width(header, column, lines=2), text)
                two_lines = two_lines or shorter < heading
                heading = min(heading, shorter)
            need = self.needs[column] = max(heading, text)
            floor = FLOORS.get(self.kind(column))
            self.floors[column] = (
                need if floor is None else max(heading, min(need, floor * average))
            )
        # Room for a second line of header text when a header uses one.
        header.setMinimumHeight(
            header.sizeHint().height() + header.fontMetrics().lineSpacing() if two_lines else 0
        )

    def headers_changed(self, *_args: object) -> None:
        """Size the columns again for their headers as they are now (the sort arrow moved
        to another column, or appeared)."""
        if self._texts and self._view.model() is not None:
            self._with_headers()
            self.fill()

    def kind(self, column: int) -> Fit:
        """What ``column`` holds, for sizing: its ``Column.fit``, except that a stretch
        column of plain text (an e-mail, a description) gives way like free text."""
        kind = _fit_of(self._view.model(), column)
        return Fit.FREE if kind is Fit.TEXT and column == self.stretch else kind

    def natural_width(self) -> int:
        """The view's width at which every shown column has its need and nothing scrolls."""
        header = self._view.horizontalHeader()
        columns = sum(
            header.sectionSize(c) if c in self.user_sized else self.needs.get(c, 0)
            for c in range(header.count())
            if not header.isSectionHidden(c)
        )
        frame = 2 * self._view.frameWidth()
        scroll = self._view.verticalScrollBar().sizeHint().width()
        return columns + frame + scroll

    # --- sharing the width --------------------------------------------------------------

    def widths(self, room: int) -> dict[int, int]:
        """The width of each shown column the user did not size, for a view ``room``
        pixels wide (see the class's docstring)."""
        header = self._view.horizontalHeader()
        shown = [
            c for c in range(header.count()) if not header.isSectionHidden(c) and c in self.needs
        ]
        widths = {c: self.needs[c] for c in shown if c not in self.user_sized}
        fixed = sum(header.sectionSize(c) for c in shown if c in self.user_sized)
        stretch = self.stretch if self.stretch in widths else None
        short = fixed + sum(widths.values()) - room  # >0: the room missing
        if stretch is not None and short < 0:
            widths[stretch] -= short  # the room left goes to the stretch column
            return widths
        # Too little room: the free text gives way first (the stretch column foremost),
        # then the labels, each down to its floor.
        for kind in (Fit.FREE, Fit.LABEL):
            if short <= 0:
                break
            giving = [c for c in widths if self.kind(c) is kind]
            short = _give_way(widths, giving, self.floors, short, first=stretch)
        return widths

    def fill(self) -> None:
        """Size the columns the user did not size for the view's width, now."""
        if not self.needs or self._view.model() is None:
            return
        header = self._view.horizontalHeader()
        with self.quiet():
            for column, width in self.widths(self._view.viewport().width()).items():
                if width != header.sectionSize(column):
                    header.resizeSection(column, width)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self._view.viewport():
            self.fill()
        return False

    def _resized(self, column: int, old: int, new: int) -> None:
        # Hiding or showing a column passes through 0; neither is the user sizing it.
        if not self._quiet and old and new:
            self.user_sized.add(column)
        if self._quiet:
            return
        if old and new:
            self.fill()
        else:
            # A section being hidden or shown: resizing the others while the header is
            # still hiding it leaves the hidden one's width as a gap. Share the room after.
            QTimer.singleShot(0, self, self.fill)  # not once the grid is gone

    # --- state --------------------------------------------------------------------------

    @contextlib.contextmanager
    def quiet(self) -> Iterator[None]:
        """A context in which section resizes are the program's, not the user's."""
        self._quiet += 1
        try:
            yield
        finally:
            self._quiet -= 1

    def forget(self) -> None:
        """New columns: nothing was sized by the user, nothing measured."""
        self.user_sized = set()
        self._texts, self.needs, self.floors = {}, {}, {}
        header = self._view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)


def _give_way(
    widths: dict[int, int],
    columns: Sequence[int],
    floors: dict[int, int],
    short: int,
    *,
    first: int | None,
) -> int:
    """Narrow ``columns`` towards their floors by ``short`` pixels in all (``first`` alone
    first, the others in proportion to what each can give); the pixels still missing."""
    if first is not None and first in columns:
        give = min(short, widths[first] - floors[first])
        widths[first] -= give
        short -= give
        columns = [c for c in columns if c != first]
    slack = {c: widths[c] - floors[c] for c in columns if widths[c] > floors[c]}
    total = sum(slack.values())
    if short <= 0 or not total:
        return short
    take = min(short, total)
    given = 0
    for i, (column, spare) in enumerate(slack.items()):
        give = take - given if i == len(slack) - 1 else spare * take // total
        widths[column] -= give
        given += give
    return short - take


class Grid(QWidget, Generic[Row]):
    """A titled grid with a filter box, and a message in its place when it has no rows."""

    def __init__(
        self,
        name: str,
        columns: Sequence[Column[Row]],
        colours: dict[int, Callable[[Row], QColor | None]],
        icons: IconRegistry,
        *,
        stretch: int,
    ) -> None:
        super().__init__()
        self.setObjectName(f"{name}_grid")
        self._empty_text = ""
        self._total = 0
        self.title = QLabel()
        self.title.setObjectName(f"{name}_title")
        self.title.setFont(heading_font(self.font()))
        self.filter = QLineEdit()
        self.filter.setObjectName(f"{name}_filter")
        self.filter.setPlaceholderText(_("Filter (Ctrl+F)"))
        self.filter.setClearButtonEnabled(True)
        self.filter.addAction(icons.get("filter"), QLineEdit.ActionPosition.LeadingPosition)
        self.filter.setMaximumWidth(240)
        self.model: MarkedModel[Row] = MarkedModel(columns, colours, self)
        self.view = QTableView()
        self.view.setObjectName(f"{name}_table")
        self.view.setModel(self.model)
        self.view.setFont(tabular_font(self.font()))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.view.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.fitter = ColumnFitter(self.view, stretch)
        self.empty = QLabel()
        self.empty.setObjectName(f"{name}_empty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setTextFormat(Qt.TextFormat.RichText)
        self.empty.setPalette(muted_palette(self.empty.palette()))
        self.stack = QStackedWidget()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty)
        self.head = QHBoxLayout()
        self.head.setSpacing(6)
        self.head.addWidget(self.title)
        self.head.addStretch(1)
        self.head.addWidget(self.filter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(self.head)
        layout.addWidget(self.stack, 1)
        self.filter.textChanged.connect(self._filter)

    def sort_by(self, column: int, order: Qt.SortOrder) -> None:
        """Show ``column`` as the sort column and enable header-click sorting.

        ``column`` -1 keeps the order of the query (no indicator) until a header is clicked.
        """
        self.view.horizontalHeader().setSortIndicator(column, order)
        self.view.setSortingEnabled(True)
        self.fitter.headers_changed()  # the arrow shows from now on

    def set_rows(self, rows: Sequence[Row], empty_text: str) -> None:
        """Show ``rows``; ``empty_text`` (rich text, may hold links) when there are none."""
        self._empty_text = empty_text
        self._total = len(rows)
        self.model.set_rows(rows)
        self.fitter.fit()
        self._show()

    def natural_width(self) -> int:
        """The grid's width at which every column has the width the rule gives it."""
        return self.fitter.natural_width()

    def _filter(self, text: str) -> None:
        self.model.set_filter(text)
        self._show()

    def _show(self) -> None:
        if self.model.rowCount():
            self.stack.setCurrentWidget(self.view)
            return
        if self._total:  # every row filtered out
            self.empty.setText(
                _("No row matches “{text}”. Clear the filter to see them all.").format(
                    text=html.escape(self.filter.text().strip())
                )
            )
        else:
            self.empty.setText(self._empty_text)
        self.stack.setCurrentWidget(self.empty)


def page_button(action: QAction, name: str) -> QToolButton:
    """A tool button with text beside its icon for ``action`` (the pages' action bars)."""
    button = QToolButton()
    button.setObjectName(name)
    button.setDefaultAction(action)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    if action.menu() is not None:  # an action of several kinds (Export): its menu at once
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    return button


def pool_combo(scope: AgentScope, icons: IconRegistry) -> QComboBox:
    """The pool chooser of the Overview: all the agent's pools, then each pool by name."""
    combo = QComboBox()
    combo.setObjectName("pool_combo")
    combo.setMinimumContentsLength(20)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    # Item data are plain text (a pool id's hex, "" for all), never Python objects.
    combo.addItem(icons.get("customers"), _("All my pools"), "")
    for pool_id, name in sorted(scope.pool_names.items(), key=lambda item: item[1].casefold()):
        combo.addItem(icons.get("pool"), name, pool_id.hex)
    if scope.default_pool_id is not None:
        combo.setCurrentIndex(max(combo.findData(scope.default_pool_id.hex), 0))
    return combo


SIZED_MARK = b"\xfe"
"""After the column count in a saved header: the columns the user sized come next. (An
older state has Qt's own there, which starts with a zero byte.)"""


def header_state(grid: Grid[Any]) -> bytes:
    """The grid's column widths, order and sort, with its column count in front and the
    columns the user sized after it."""
    count = grid.model.columnCount()
    sized = sorted(c for c in grid.fitter.user_sized if c < count)
    return b"".join(
        (
            count.to_bytes(2, "big"),
            SIZED_MARK,
            len(sized).to_bytes(2, "big"),
            *(c.to_bytes(2, "big") for c in sized),
            bytes(grid.view.horizontalHeader().saveState().data()),
        )
    )


def restore_header(grid: Grid[Any], value: bytes | None) -> bool:
    """Put back ``header_state`` if it was saved with the same columns.

    The widths of the columns the user sized stay; the others are measured again when
    rows arrive (a state saved before columns were fitted keeps only order and sort).
    """
    count = grid.model.columnCount()
    if not value or len(value) < 3 or int.from_bytes(value[:2], "big") != count:
        return False
    rest, sized = value[2:], set()
    if rest[:1] == SIZED_MARK:
        if len(rest) < 3:
            return False
        number = int.from_bytes(rest[1:3], "big")
        end = 3 + 2 * number
        if len(rest) < end:
            return False
        sized = {int.from_bytes(rest[i : i + 2], "big") for i in range(3, end, 2)}
        rest = rest[end:]
    fitter, header = grid.fitter, grid.view.horizontalHeader()
    before = fitter.user_sized
    # Known before the restore: the sort it restores sizes the other columns again.
    fitter.user_sized = {c for c in sized if c < count}
    with fitter.quiet():
        if not header.restoreState(QByteArray(rest)):
            fitter.user_sized = before
            return False
        # An older state may hold a stretching section: the fitter does the stretching.
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    if grid.model.rowCount():
        fitter.fit()
    return True


class ListGrid(Grid[Row], Generic[Row]):
    """The Overview's titled, filterable grid, fed with prepared rows; its model can change."""

    model: PreparedModel[Row]

    def __init__(
        self,
        name: str,
        columns: Sequence[Column[Row]],
        colours: dict[int, Callable[[Row], QColor | None]],
        icons: IconRegistry,
        *,
        stretch: int,
    ) -> None:
        super().__init__(name, columns, colours, icons, stretch=stretch)
        self.set_model(PreparedModel(columns, colours, self))
        # A double-click on a section's edge measures the first rows: thousands take a second.
        header = self.view.horizontalHeader()
        header.setResizeContentsPrecision(FIT_ROWS)
        # Right-click on the headers: show or hide columns (kept with the header's state).
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)

    def _column_menu(self, position: QPoint) -> None:
        header = self.view.horizontalHeader()
        menu = QMenu(self)
        shown = [c for c in range(self.model.columnCount()) if not header.isSectionHidden(c)]
        for column in range(self.model.columnCount()):
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            action = menu.addAction(title)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            # The last column shown cannot be hidden: an empty grid would explain nothing.
            action.setEnabled(shown != [column])
            action.toggled.connect(lambda on, c=column: header.setSectionHidden(c, not on))
        menu.exec(header.mapToGlobal(position))

    def set_model(self, model: PreparedModel[Row]) -> None:
        """Show ``model`` (other columns), keeping the header's sort column and order."""
        header = self.view.horizontalHeader()
        sort = (header.sortIndicatorSection(), header.sortIndicatorOrder())
        old = self.model
        self.model = model
        with self.fitter.quiet():
            self.view.setModel(model)
            self.fitter.forget()
        old.deleteLater()
        if self.view.isSortingEnabled():  # else the query's order stands
            header.setSortIndicator(*sort)
            model.sort(*sort)

    def set_prepared(
        self, prepared: PreparedRows[Row], empty_text: str, *, patched: bool = False
    ) -> None:
        """Show prepared rows; ``empty_text`` (rich text) when there are none.

        ``patched``: a few of the rows shown were replaced (``PreparedModel.set_prepared``)."""
        self._empty_text = empty_text
        self._total = len(prepared.rows)
        self.model.set_prepared(prepared, patched=patched)
        self.fitter.fit()
        self._show()

    def set_replaced(self, prepared: PreparedRows[Row], positions: Sequence[int]) -> None:
        """Show ``prepared``: the rows shown with those at ``positions`` replaced
        (``PreparedModel.set_replaced``); the columns keep their widths."""
        self.model.set_replaced(prepared, positions)
        self._show()

    def prepare(self, rows: Sequence[Row]) -> PreparedRows[Row]:
        """``prepare_rows`` for this grid's columns (safe on a worker: nothing of Qt)."""
        return prepare_rows(self.model.columns, rows)

    def selected_rows(self) -> list[Row]:
        """The rows selected, in display order."""
        indexes = sorted(i.row() for i in self.view.selectionModel().selectedRows())
        return [self.model.row(self.model.index(r, 0)) for r in indexes]

    def current_row(self) -> Row | None:
        """The row of the current cell, else the first selected row, else None."""
        index = self.view.currentIndex()
        if index.isValid() and self.view.selectionModel().isRowSelected(index.row()):
            return self.model.row(index)
        rows = self.selected_rows()
        return rows[0] if rows else None

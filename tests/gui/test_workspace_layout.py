"""The collector's screens at a laptop's size: rows and actions on screen without a click.

The main window is built as the app builds it, 1366x768, in English and in French (whose
labels are longer), on a customer with a dozen open items: the open transactions and the
five main actions must be on screen when the Workspace opens; the others are in the More
menu; every action is on the grids' right-click menu, as enabled as its button.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest
from PySide6.QtCore import QItemSelectionModel, QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QMenu, QToolBar, QToolButton, QWidget

from collections_desktop.app import build_main_window
from collections_desktop.formatting import Formats
from collections_desktop.i18n import set_language
from collections_desktop.kernel.clock import FixedClock
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema.enums import CollectionStatus
from collections_desktop.views.actions.transactions import ACTIONS, MAIN_ACTIONS, MORE_ACTIONS
from collections_desktop.views.main_window import MainWindow
from collections_desktop.views.pages.collections_page import CollectionsPage
from collections_desktop.views.tasks import TaskRunner
from tests.gui.conftest import page_context
from tests.unit.test_list_pages import books
from tests.unit.test_snapshot import invoice
from tests.unit.test_workspace import dressed

LOAD = 10_000
D = Decimal

LAPTOP = (1366, 768)

# Menus pop up; the offscreen platform cannot raise them or grab the keyboard for them.
pytestmark = pytest.mark.qt_log_ignore("does not support raise", "does not support grabbing")


@pytest.fixture
def busy_customer(sqlite_db: Database) -> uuid.UUID:
    """Ruiz (``dressed``: promised, disputed, a payment, not due) and ten more invoices of
    six figures, one of them a broken promise: fourteen open items."""
    with sqlite_db.sessions.begin() as session:
        customer = dressed(session)
        for n in range(10):
            made = invoice(session, customer, f"1{n}6455.58", dt.date(2026, 6, 1 + 3 * n))
            if n == 4:
                made.collection_status = CollectionStatus.BROKEN
        return customer.id


@pytest.fixture
def laptop(qtbot, sqlite_db: Database, clock: FixedClock) -> Iterator[Callable[..., MainWindow]]:
    """The main window at 1366x768 in a language, its formats that language's."""
    windows: list[MainWindow] = []

    def make(language: str, locale: str) -> MainWindow:
        set_language(language)
        window = build_main_window(sqlite_db, clock, None, formats=Formats(locale))
        qtbot.addWidget(window)
        windows.append(window)
        window.resize(*LAPTOP)
        window.show()
        return window

    yield make
    for window in windows:
        window.close()


def workspace_on(qtbot, window: MainWindow, customer: uuid.UUID):
    page = window.workspace_page
    with qtbot.waitSignal(page.loaded, timeout=LOAD):
        window.show_customer(customer)
    for _pass in range(3):  # the nested layouts take turns
        QApplication.processEvents()
    return page


def on_the_bar(bar: QToolBar, widget: QWidget) -> bool:
    """Whether ``widget`` is shown whole in the tool bar itself, not in its » menu."""
    return widget.isVisible() and bar.rect().contains(widget.geometry())


def overflow(bar: QToolBar) -> QToolButton | None:
    return bar.findChild(QToolButton, "qt_toolbar_ext_button")


def context_menu(qtbot, view) -> QMenu:
    """The menu a right-click on ``view``'s first row opens."""
    view.customContextMenuRequested.emit(QPoint(5, 5))
    [menu] = [m for m in view.findChildren(QMenu, "transaction_context_menu") if m.isVisible()]
    return menu


def mark(view, rows: list[int]) -> None:
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    view.selectionModel().clearSelection()
    for row in rows:
        view.selectionModel().select(view.model().index(row, 0), flags)


@pytest.mark.parametrize(
    ("language", "locale", "texts"),
    [
        (
            "en",
            "en_US",
            ["Change status", "Settle", "Write off", "NSF payment", "History", "More…"],
        ),
        (
            "fr",
            "fr_FR",
            [
                "Changer le statut",
                "Lettrer",
                "Passer en perte",
                "Règlement impayé",
                "Historique",
                "Plus…",
            ],
        ),
    ],
)
def test_at_1366_the_open_items_and_the_main_actions_show_without_a_click(
    qtbot, laptop, busy_customer: uuid.UUID, language: str, locale: str, texts: list[str]
) -> None:
    window = laptop(language, locale)
    page = workspace_on(qtbot, window, busy_customer)
    # The open transactions are the first tab, shown as the page opens, every column whole.
    assert page.tabs.currentWidget() is page.open_page
    view = page.open_grid.view
    assert view.isVisible()
    assert view.model().rowCount() == 14
    whole_rows = [
        row
        for row in range(view.model().rowCount())
        if view.viewport().rect().contains(view.visualRect(view.model().index(row, 0)))
    ]
    assert whole_rows[:10] == list(range(10)), "ten rows or more on screen"
    header = view.horizontalHeader()
    shown = [c for c in range(view.model().columnCount()) if not view.isColumnHidden(c)]
    assert header.sectionViewportPosition(shown[-1]) + header.sectionSize(shown[-1]) <= (
        view.viewport().width()
    )
    # Its range is settled after the stretched last column gives way: wait for that.
    qtbot.waitUntil(lambda: not view.horizontalScrollBar().isVisible(), timeout=2_000)
    status = view.model().columnCount() - 1
    statuses = {view.model().index(r, status).data() for r in range(14)}
    assert len(statuses - {""}) == 3  # promised, disputed, broken: all on screen
    # The five main actions and More are buttons on the bar, none folded into its » menu.
    bar = page.action_bar
    actions = page.transaction_actions.actions
    buttons = [bar.widgetForAction(actions[key]) for key in MAIN_ACTIONS]
    more = bar.findChild(QToolButton, "transaction_actions_more")
    assert [b.text() for b in [*buttons, more]] == texts
    for button in [*buttons, more]:
        assert on_the_bar(bar, button), button.text()
    extension = overflow(bar)
    assert extension is None or not extension.isVisible()
    # The chart is a few lines beside the summary, not half the page.
    assert page.chart.height() < page.open_grid.height() / 2
    assert page.chart.geometry().top() < page.tabs.geometry().top()


def test_at_1366_the_collections_page_shows_the_main_actions(
    qtbot, laptop, busy_customer: uuid.UUID
) -> None:
    window = laptop("fr", "fr_FR")
    page = window.collections_page
    with qtbot.waitSignal(page.loaded, timeout=LOAD):
        window.show_collections(busy_customer)
    for _pass in range(3):
        QApplication.processEvents()
    bar = page.transaction_bar
    actions = page.transaction_actions.actions
    for key in MAIN_ACTIONS:
        assert on_the_bar(bar, bar.widgetForAction(actions[key])), key
    assert on_the_bar(bar, bar.findChild(QToolButton, "collections_transaction_actions_more"))


def test_the_more_menu_holds_the_other_actions_with_their_shortcuts(
    qtbot, laptop, busy_customer: uuid.UUID
) -> None:
    page = workspace_on(qtbot, laptop("en", "en_US"), busy_customer)
    more = page.action_bar.findChild(QToolButton, "transaction_actions_more")
    menu = more.menu()
    assert [a.text() for a in menu.actions()] == [
        "Record payment…",
        "Reverse settlement",
        "Interest notes",
        "Waive or reinstate",
        "Collection letters",
        "Block letters",
        "Reprint",
        "Receipt",
        "Refund…",
    ]
    assert [a.shortcut().toString() for a in menu.actions()] == [
        "Ctrl+R",
        "Ctrl+Shift+R",
        "Ctrl+Shift+I",
        "Ctrl+Shift+G",
        "Ctrl+Shift+L",
        "Ctrl+Shift+B",
        "Ctrl+P",
        "Ctrl+Shift+P",
        "Ctrl+Shift+U",
    ]
    assert all(a.isShortcutVisibleInContextMenu() for a in menu.actions())
    # The tooltips say the shortcut too, and a disabled action why it cannot apply.
    actions = page.transaction_actions.actions
    assert actions["reprint"].toolTip() == (
        "Save a marked invoice, or a copy of a collection letter, as a PDF and open it (Ctrl+P)"
    )
    assert not actions["change_status"].isEnabled()
    assert actions["change_status"].toolTip() == (
        "Dispute, promise to pay, resolve… the marked transactions (Ctrl+Shift+S)\n"
        "Mark one or more open transactions first."
    )
    assert actions["settle"].isEnabled()  # the payment of 50.00 meets the invoices
    assert actions["settle"].toolTip() == (
        "Settle open debits against open payments and credit notes (Ctrl+Shift+E)"
    )


def test_the_workspace_right_click_offers_every_action_as_enabled_as_its_button(
    qtbot, laptop, busy_customer: uuid.UUID
) -> None:
    page = workspace_on(qtbot, laptop("en", "en_US"), busy_customer)
    bar, actions, view = page.action_bar, page.transaction_actions.actions, page.open_grid.view
    more = bar.findChild(QToolButton, "transaction_actions_more").menu()

    def enabled_on_screen() -> dict[str, bool]:
        """Each action's state where the user sees it: its button, or its More entry."""
        states = {key: bar.widgetForAction(actions[key]).isEnabled() for key in MAIN_ACTIONS}
        for action in more.actions():
            states[action.objectName().removesuffix("_action")] = action.isEnabled()
        return states

    for marked in ([], [0]):  # nothing marked, then an invoice
        mark(view, marked)
        menu = context_menu(qtbot, view)
        entries = [a for a in menu.actions() if not a.isSeparator()]
        assert [a.objectName().removesuffix("_action") for a in entries] == [
            *MAIN_ACTIONS,
            *MORE_ACTIONS,
        ]
        assert {a.objectName().removesuffix("_action"): a.isEnabled() for a in entries} == (
            enabled_on_screen()
        )
        assert entries[0].isEnabled() == bool(marked)  # change status needs a mark
        menu.close()
    # Choosing an entry does what the button does.
    menu = context_menu(qtbot, view)
    next(a for a in menu.actions() if a.objectName() == "write_off_action").trigger()
    qtbot.waitUntil(lambda: page.transaction_actions.dialog is not None, timeout=LOAD)
    assert page.transaction_actions.dialog.objectName() == "write_off_dialog"
    page.transaction_actions.dialog.reject()


def test_the_collections_page_right_click_offers_every_action(
    qtbot, sqlite_db: Database, clock: FixedClock
) -> None:
    with sqlite_db.sessions.begin() as session:
        o = books(session)
        scope, me, ruiz = o.scope, o.me, o.ruiz.id
    runner = TaskRunner()
    page = CollectionsPage(page_context(sqlite_db, runner, scope, me, clock))
    qtbot.addWidget(page)
    try:
        page.resize(1166, 700)
        page.show()
        with qtbot.waitSignal(page.loaded, timeout=LOAD):
            page.show_customer(ruiz)
        view, actions = page.transactions.view, page.transaction_actions.actions
        bar = page.transaction_bar
        for marked in ([], [1]):
            mark(view, marked)
            menu = context_menu(qtbot, view)
            entries = [a for a in menu.actions() if not a.isSeparator()]
            assert [a.objectName().removesuffix("_action") for a in entries] == [
                *MAIN_ACTIONS,
                *MORE_ACTIONS,
            ]
            for key in MAIN_ACTIONS:
                assert actions[key].isEnabled() == bar.widgetForAction(actions[key]).isEnabled()
            assert [a.isEnabled() for a in entries] == [
                actions[key].isEnabled() for key in (*MAIN_ACTIONS, *MORE_ACTIONS)
            ]
            menu.close()
        assert actions["write_off"].isEnabled()  # the marked invoice
    finally:
        page.close()
        runner.shutdown()


def shortcuts_of(widget: QWidget) -> list[str]:
    """The shortcuts of the actions and shortcut objects that belong to ``widget`` itself
    (not those of a page inside it)."""
    found = [a.shortcut().toString() for a in widget.findChildren(QAction)]
    found += [s.key().toString() for s in widget.findChildren(QShortcut)]
    return [keys for keys in found if keys]


def test_every_action_has_its_own_shortcut(qtbot, laptop) -> None:
    window = laptop("en", "en_US")
    assert len({keys for _key, _icon, keys in ACTIONS}) == len(ACTIONS)
    pages = [window.workspace_page, window.collections_page]
    inside = {id(a) for p in window.page_widgets.values() for a in p.findChildren(QAction)}
    inside |= {id(s) for p in window.page_widgets.values() for s in p.findChildren(QShortcut)}
    window_keys = [
        keys
        for keys in (
            [a.shortcut().toString() for a in window.findChildren(QAction) if id(a) not in inside]
            + [s.key().toString() for s in window.findChildren(QShortcut) if id(s) not in inside]
        )
        if keys
    ]
    for page in pages:
        keys = window_keys + shortcuts_of(page)
        clashes = {k for k in keys if keys.count(k) > 1}
        assert not clashes, (page.key, clashes)
        for key in page.transaction_actions.actions.values():
            assert key.shortcut() != QKeySequence(), key.text()


def test_a_shortcut_opens_its_action_from_the_grid(qtbot, laptop, busy_customer: uuid.UUID) -> None:
    window = laptop("en", "en_US")
    page = workspace_on(qtbot, window, busy_customer)
    window.activateWindow()
    qtbot.waitActive(window)
    view = page.open_grid.view
    mark(view, [0])
    view.setFocus()
    qtbot.keyClick(
        view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    qtbot.waitUntil(lambda: page.transaction_actions.dialog is not None, timeout=LOAD)
    assert page.transaction_actions.dialog.objectName() == "status_dialog"
    page.transaction_actions.dialog.reject()

"""Fixtures for the widget tests: a company with real figures and windows that close cleanly."""

from __future__ import annotations

import datetime as dt
import gc
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from collections_desktop.app import Shell, build_main_window
from collections_desktop.formatting import Formats
from collections_desktop.i18n import set_language
from collections_desktop.kernel.clock import Clock, FixedClock
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import Customer
from collections_desktop.models.ledger import postings
from collections_desktop.models.people.scope import AgentScope, Viewer
from collections_desktop.views.context import PageContext
from collections_desktop.views.icons import IconRegistry
from collections_desktop.views.main_window import MainWindow
from collections_desktop.views.settings import SYNC_INTERVAL, Settings
from collections_desktop.views.tasks import TaskRunner
from tests.gui.sync_fakes import FakeSync


@pytest.fixture(autouse=True)
def collect_garbage_here() -> Iterator[None]:
    """Free a test's leftover Qt objects on the GUI thread, never later on a worker's."""
    yield
    gc.collect()


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[tuple[str, str]]]:
    """Message boxes the code opened (title, text), answered at once instead of shown."""
    seen: dict[str, list[tuple[str, str]]] = {"critical": [], "warning": [], "information": []}
    for kind in seen:

        def record(parent, title, text, *args, _kind=kind, **kwargs):  # type: ignore[no-untyped-def]
            seen[_kind].append((title, text))
            return QMessageBox.StandardButton.Ok

        monkeypatch.setattr(QMessageBox, kind, staticmethod(record))
    return seen


@pytest.fixture
def shell(qapp, clock: FixedClock, tmp_path) -> Iterator[Shell]:  # type: ignore[no-untyped-def]
    """The app's window keeper, as ``run_gui`` builds it, closed after the test."""
    keeper = Shell(
        clock=clock,
        settings=Settings(tmp_path / "settings.ini"),
        formats=Formats("en_US"),
        icons=IconRegistry(),
    )
    yield keeper
    keeper.close()


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Texts in English, and back to English after a test that switched the language."""
    set_language("en")
    yield
    set_language("en")


@dataclass(frozen=True)
class Books:
    """What the ``company`` fixture posted, to compare with what the window shows."""

    database: Database
    customers: int
    on_hold: int
    open_transactions: int
    balance: Decimal


@pytest.fixture
def company(sqlite_db: Database, clock: FixedClock) -> Books:
    """Three customers (one on hold), three invoices, a payment and a future-dated invoice.

    Balance on 2026-11-23: 1,234.56 + 500.00 + 99.95 - 200.00 = 1,634.51 EUR; the
    invoice posted on 2026-12-01 is not part of today's figures.
    """
    now = clock.now()
    with sqlite_db.sessions.begin() as session:
        ruiz, garnier, lopes = (
            Customer(account=f"C-{n:06d}", name=name, currency="EUR", updated_at=now, **extra)
            for n, name, extra in (
                (1, "Ruiz Hermanos SL", {}),
                (2, "Garnier SA", {"account_status": "on_hold"}),
                (3, "Lopes & Filhos Lda", {}),
            )
        )
        session.add_all([ruiz, garnier, lopes])
        session.flush()
        for customer, amount, day in (
            (ruiz, "1234.56", dt.date(2026, 10, 1)),
            (garnier, "500.00", dt.date(2026, 9, 15)),
            (lopes, "99.95", dt.date(2026, 11, 20)),
            (lopes, "7000.00", dt.date(2026, 12, 1)),
        ):
            postings.post_invoice(
                session, customer_id=customer.id, amount=Decimal(amount), posting_date=day, now=now
            )
        postings.post_payment(
            session,
            customer_id=ruiz.id,
            amount=Decimal("200.00"),
            posting_date=dt.date(2026, 11, 2),
            now=now,
        )
    return Books(sqlite_db, customers=3, on_hold=1, open_transactions=4, balance=Decimal("1634.51"))


@pytest.fixture
def make_window(qtbot, clock: FixedClock) -> Iterator[Callable[..., MainWindow]]:
    """Build main windows like the app does (English number formats), closed after the test.

    The fixture holds the windows: qtbot only keeps weak references, and a window that
    is garbage-collected instead of closed would never stop its worker threads.
    """
    windows: list[MainWindow] = []

    def make(
        database: Database, settings: Settings | None = None, user_name: str | None = None
    ) -> MainWindow:
        window = build_main_window(
            database, clock, settings, formats=Formats("en_US"), user_name=user_name
        )
        qtbot.addWidget(window)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()


@pytest.fixture
def loaded_window(qtbot, company: Books, make_window) -> MainWindow:
    """A shown main window on the ``company`` books, its figures loaded."""
    window = make_window(company.database)
    window.show_page("company")
    with qtbot.waitSignal(window.company_page.loaded, timeout=10_000):
        window.show()
    return window


def page_context(
    database: Database,
    runner: TaskRunner,
    scope: AgentScope,
    employee_id: uuid.UUID | None,
    clock: Clock,
    *,
    settings: Settings | None = None,
    formats: Formats | None = None,
    may_change_setup: bool = False,
    replica: bool = False,
) -> PageContext:
    """What a page or dialog controller works with, for a viewer of ``scope``."""
    viewer = Viewer(
        user_name="tester",
        scope=scope,
        employee_id=employee_id,
        display_name="Tester",
        is_agent=employee_id is not None,
        may_change_setup=may_change_setup,
    )
    return PageContext(
        database=database,
        runner=runner,
        viewer=viewer,
        clock=clock,
        formats=formats or Formats("en_US"),
        icons=IconRegistry(),
        settings=settings,
        replica=replica,
    )


@pytest.fixture
def replica_window(qtbot, clock: FixedClock, tmp_path: Path) -> Iterator[Callable[..., MainWindow]]:
    """Main windows like the app's on ``database``, shown and loaded, with the models' sync
    functions replaced by ``fake`` (``tests/gui/sync_fakes.py``)."""
    windows: list[MainWindow] = []

    def make(database: Database, fake: FakeSync, *, interval: int = 0) -> MainWindow:
        settings = Settings(tmp_path / f"settings-{len(windows)}.ini")
        settings.set(SYNC_INTERVAL, interval)
        window = build_main_window(
            database, clock, settings, formats=Formats("en_US"), sync_backend=fake.backend()
        )
        qtbot.addWidget(window)
        windows.append(window)
        window.show_page("company")
        with qtbot.waitSignal(window.company_page.loaded, timeout=10_000):
            window.show()
        return window

    yield make
    for window in windows:
        window.close()

"""The Conflicts page: the refused changes in order, both sides, Re-apply and Discard."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import replace
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from collections_desktop.kernel.clock import FixedClock
from collections_desktop.screenshot import VIEWS, ScreenshotError, render_screenshot
from collections_desktop.views.pages.conflicts_page import ConflictsPage
from collections_desktop.views.settings import Settings, read_page_state, write_page_state
from tests.gui.conftest import Books
from tests.gui.sync_fakes import FakeConflict, FakeSide, FakeSides, FakeStatus, FakeSync

WAIT = 10_000
FIRST, SECOND, THIRD = (uuid.UUID(int=n) for n in (1, 2, 3))


def at(hour: int) -> dt.datetime:
    return dt.datetime(2026, 11, 22, hour, 15, tzinfo=dt.UTC)


@pytest.fixture
def fake() -> FakeSync:
    """Three conflicts, newest first as ``list_conflicts`` gives them."""
    return FakeSync(
        status_value=FakeStatus(conflicts=3),
        conflicts=[
            FakeConflict(
                THIRD, at(10), "The activity was deleted on the server", "", "activities", "", 1
            ),
            FakeConflict(
                SECOND,
                at(9),
                "Payment number PAY-5521 is already taken",
                "C-000002 Garnier SA",
                "customer_transactions",
                "PAY-5521",
                1,
            ),
            FakeConflict(
                FIRST,
                at(8),
                "Invoice INV-10233 was settled on the server meanwhile",
                "C-000001 Ruiz Hermanos SL",
                "settlements",
                "",
                3,
            ),
        ],
        sides_of={
            FIRST: FakeSides(
                mine=(
                    FakeSide(
                        "Settlement, new",
                        (("amount", Decimal("1234.56")), ("posting_date", dt.date(2026, 11, 20))),
                    ),
                ),
                server=(
                    FakeSide(
                        "Transaction",
                        (("document_number", "INV-10233"), ("closed_on", dt.date(2026, 11, 21))),
                    ),
                ),
            ),
            SECOND: FakeSides(
                mine=(FakeSide("Transaction, new", (("document_number", "PAY-5521"),)),),
                server=(),
            ),
            THIRD: FakeSides(mine=(FakeSide("Activity, changed", (("memo", None),)),), server=()),
        },
    )


def open_conflicts(qtbot, window) -> ConflictsPage:  # type: ignore[no-untyped-def]
    page = window.conflicts_page
    assert page is not None
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        window.show_page("conflicts")
    return page


def test_the_conflicts_are_listed_in_order_with_both_sides(
    qtbot, company: Books, fake: FakeSync, replica_window
) -> None:
    window = replica_window(company.database, fake)
    page = open_conflicts(qtbot, window)
    grid = page.grid
    shown = [
        [grid.model.index(r, c).data() for c in range(grid.model.columnCount())]
        for r in range(grid.model.rowCount())
    ]
    fmt = window.context.formats
    assert shown == [
        [fmt.moment(at(10)), "", "Activity", "The activity was deleted on the server"],
        [
            fmt.moment(at(9)),
            "C-000002 Garnier SA",
            "Transaction PAY-5521",
            "Payment number PAY-5521 is already taken",
        ],
        [
            fmt.moment(at(8)),
            "C-000001 Ruiz Hermanos SL",
            "Settlement",
            "Invoice INV-10233 was settled on the server meanwhile",
        ],
    ]
    what = grid.model.index(2, 2).data(Qt.ItemDataRole.ToolTipRole)
    assert what == "Settlement: 3 rows changed by this action"
    assert grid.title.text() == "3 conflicts waiting for your decision"
    assert page.status == "3 conflicts waiting for your decision"
    # The newest is selected; both sides are read for it.
    assert page.current_conflict().id == THIRD
    qtbot.waitUntil(lambda: page.sides is fake.sides_of[THIRD], timeout=WAIT)
    assert page.mine.toPlainText().split("\n")[:3] == ["Activity, changed", "memo", "—"]
    assert page.reason.text() == "Why: The activity was deleted on the server"
    assert page.theirs.toPlainText() == "The server has none of these rows."
    page.grid.view.selectRow(2)
    qtbot.waitUntil(lambda: page.sides is fake.sides_of[FIRST], timeout=WAIT)
    mine, theirs = page.mine.toPlainText(), page.theirs.toPlainText()
    assert "Settlement, new\namount\n1,234.56\nposting date\nNov 20, 2026" in mine
    assert "Transaction\ndocument number\nINV-10233\nclosed on\nNov 21, 2026" in theirs
    assert page.reapply_action.isEnabled()
    assert page.discard_action.isEnabled()


def test_reapply_and_discard_ask_first_call_through_and_read_again(
    qtbot, company: Books, fake: FakeSync, replica_window
) -> None:
    window = replica_window(company.database, fake)
    page = open_conflicts(qtbot, window)
    asked: list[tuple[str, str]] = []
    answers = [False, True, True]

    def confirm(title: str, text: str, action: str) -> bool:
        asked.append((title, text))
        return answers.pop(0)

    page.confirm = confirm  # type: ignore[method-assign]
    page.grid.view.selectRow(1)
    page.reapply_current()  # refused in the confirmation: nothing happens
    assert fake.reapplied == []
    assert not page.is_loading
    assert asked[0][0] == "Re-apply the change"
    assert asked[0][1].startswith("Re-apply your change to Transaction PAY-5521?")

    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        page.reapply_current()
    assert fake.reapplied == [SECOND]
    assert [row.id for row in page.data.rows] == [THIRD, FIRST]
    assert page.status == (
        "Your change will be sent again at the next sync · 2 conflicts waiting for your decision"
    )
    status = window.sync_status
    qtbot.waitUntil(lambda: "2 conflicts" in status.conflicts.text(), timeout=WAIT)

    page.grid.view.selectRow(1)
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        page.discard_current()
    assert fake.discarded == [FIRST]
    assert asked[2][0] == "Discard the change"
    assert "dropped for good" in asked[2][1]
    assert [row.id for row in page.data.rows] == [THIRD]


def test_no_conflicts_says_so(qtbot, company: Books, fake: FakeSync, replica_window) -> None:
    fake.conflicts = []
    fake.status_value = replace(fake.status_value, conflicts=0)
    window = replica_window(company.database, fake)
    page = open_conflicts(qtbot, window)
    assert page.grid.stack.currentWidget() is page.grid.empty
    assert page.grid.empty.text() == (
        "No conflicts: the server accepted every change made on this laptop."
    )
    assert not page.reapply_action.isEnabled()
    assert not page.discard_action.isEnabled()


def test_the_page_keeps_its_columns_and_splitter(
    qtbot, company: Books, fake: FakeSync, replica_window, tmp_path, clock: FixedClock
) -> None:
    window = replica_window(company.database, fake)
    page = open_conflicts(qtbot, window)
    page.splitter.setSizes([300, 100])
    state = page.save_state()
    assert set(state) == {"grid", "splitter"}
    page.restore_state({"splitter": b"damaged"})  # ignored, no error
    settings = Settings(tmp_path / "kept.ini")
    write_page_state(settings, "conflicts", state)
    assert read_page_state(settings, "conflicts") == state


def test_the_conflicts_screenshot_needs_a_replica(qapp, company: Books, clock, tmp_path) -> None:
    with pytest.raises(ScreenshotError, match="is not an offline replica: only a replica has"):
        render_screenshot("conflicts", tmp_path / "c.png", database=company.database, clock=clock)
    assert not (tmp_path / "c.png").exists()
    dialog = render_screenshot(
        "work-offline", tmp_path / "w.png", database=company.database, clock=clock
    )
    image = QImage(str(dialog))
    assert image.width() >= 560
    assert {"conflicts", "work-offline"} <= set(VIEWS)

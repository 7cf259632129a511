"""Headless screenshots: a PNG of the asked size, clear errors for wrong requests."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from collections_desktop.screenshot import VIEWS, ScreenshotError, render_screenshot
from tests.unit.test_scope import add_agent

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def distinct_colours(image: QImage, step: int = 7) -> int:
    return len(
        {
            image.pixel(x, y)
            for x in range(0, image.width(), step)
            for y in range(0, image.height(), step)
        }
    )


def test_main_window_is_rendered_at_the_asked_size(qapp, company, clock, tmp_path) -> None:
    target = render_screenshot(
        "main", tmp_path / "main.png", database=company.database, size=(1000, 700), clock=clock
    )
    assert target == tmp_path / "main.png"
    assert target.read_bytes().startswith(PNG_MAGIC)
    image = QImage(str(target))
    assert (image.width(), image.height()) == (1000, 700)
    assert distinct_colours(image) > 10  # text, icons and frames, not a blank canvas


def test_about_is_rendered_from_a_database_path(qapp, company, clock, tmp_path) -> None:
    path = company.database.display_name
    target = render_screenshot("about", tmp_path / "about.png", database=path, clock=clock)
    image = QImage(str(target))
    assert image.width() >= 580
    assert distinct_colours(image) > 10


@pytest.mark.parametrize(("view", "width"), [("preferences", 400), ("guide", 700)])
def test_preferences_and_the_guide_are_rendered(
    qapp, company, clock, tmp_path, view, width
) -> None:
    target = render_screenshot(
        view, tmp_path / f"{view}.png", database=company.database, clock=clock
    )
    image = QImage(str(target))
    assert image.width() >= width
    assert distinct_colours(image) > 10


def test_views_are_listed_with_a_description() -> None:
    assert {
        "main",
        "overview",
        "workspace",
        "aged-balances",
        "activities",
        "cases",
        "collections",
        "about",
    } <= set(VIEWS)
    assert all(VIEWS.values())


def test_unknown_view_is_refused(qapp, company, tmp_path) -> None:
    with pytest.raises(ScreenshotError, match="Unknown view 'kanban'; the views are: main"):
        render_screenshot("kanban", tmp_path / "x.png", database=company.database)
    assert not (tmp_path / "x.png").exists()


def test_unknown_customer_is_refused(qapp, company, tmp_path) -> None:
    with pytest.raises(ScreenshotError, match="no customer with account C-999999"):
        render_screenshot(
            "workspace", tmp_path / "x.png", database=company.database, customer="C-999999"
        )
    assert not (tmp_path / "x.png").exists()
    with pytest.raises(ScreenshotError, match="needs --customer ACCOUNT"):
        render_screenshot("workspace", tmp_path / "x.png", database=company.database)
    with pytest.raises(ScreenshotError, match="The collections view needs --customer"):
        render_screenshot("collections", tmp_path / "x.png", database=company.database)


@pytest.mark.parametrize(
    "view", ["overview", "workspace", "aged-balances", "activities", "cases", "collections"]
)
def test_the_collectors_pages_are_rendered_with_their_data(
    qapp, company, clock, tmp_path, view
) -> None:
    customer = "C-000001" if view in ("workspace", "collections") else None
    target = render_screenshot(
        view,
        tmp_path / f"{view}.png",
        database=company.database,
        customer=customer,
        size=(1200, 800),
        clock=clock,
    )
    image = QImage(str(target))
    assert (image.width(), image.height()) == (1200, 800)
    assert distinct_colours(image) > 10


def test_a_customer_for_a_view_without_one_is_refused(qapp, company, tmp_path) -> None:
    with pytest.raises(ScreenshotError, match="does not show a customer"):
        render_screenshot(
            "main", tmp_path / "x.png", database=company.database, customer="C-000001"
        )


@pytest.mark.parametrize(
    ("output", "message"),
    [
        ("missing/folder/x.png", "does not exist"),
        (".", "is a folder"),
        ("shot.jpg", "must end in .png"),
    ],
)
def test_a_bad_output_is_refused(qapp, company, tmp_path, output, message) -> None:
    with pytest.raises(ScreenshotError, match=message):
        render_screenshot("main", tmp_path / output, database=company.database)


def test_a_missing_database_is_not_created(qapp, tmp_path: Path) -> None:
    with pytest.raises(ScreenshotError, match="There is no database at"):
        render_screenshot("main", tmp_path / "x.png", database=tmp_path / "nothing.sqlite")
    assert not (tmp_path / "nothing.sqlite").exists()


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
def test_a_file_that_cannot_be_written_is_reported(qapp, company, clock) -> None:
    # Even root cannot create files in /proc: the PNG encoder's failure must surface.
    with pytest.raises(ScreenshotError, match="Cannot write /proc/"):
        render_screenshot(
            "main", "/proc/collections-shot.png", database=company.database, clock=clock
        )


@pytest.mark.parametrize("view", ["first-start", "new-company", "import"])
def test_the_first_start_and_import_dialogs_are_rendered(
    qapp, company, clock, tmp_path, view
) -> None:
    target = render_screenshot(
        view, tmp_path / f"{view}.png", database=company.database, clock=clock
    )
    image = QImage(str(target))
    assert image.width() >= 600
    assert distinct_colours(image) > 10


@pytest.mark.parametrize(
    ("view", "customer", "width"),
    [
        ("new-activity", None, 400),
        ("new-activity", "C-000001", 400),
        ("letters", "C-000001", 820),
        ("interest", "C-000001", 820),
    ],
)
def test_the_action_dialogs_are_rendered_once_read(
    qapp, company, clock, tmp_path, view, customer, width
) -> None:
    with company.database.sessions.begin() as session:
        agent = add_agent(session, [], view_all=True)  # an employee: may create activities
    target = render_screenshot(
        view,
        tmp_path / f"{view}.png",
        database=company.database,
        customer=customer,
        clock=clock,
        user=agent,
    )
    image = QImage(str(target))
    assert image.width() >= width
    assert distinct_colours(image) > 10


def test_the_action_dialogs_say_what_they_need(qapp, company, tmp_path) -> None:
    for view in ("letters", "interest"):
        with pytest.raises(ScreenshotError, match="needs --customer ACCOUNT"):
            render_screenshot(view, tmp_path / "x.png", database=company.database)
    with pytest.raises(ScreenshotError, match="Only an employee creates activities"):
        render_screenshot("new-activity", tmp_path / "x.png", database=company.database)

"""The app's open path on damaged, mistyped and empty files: a dialog, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from collections_desktop.demo.load import write_demo_company
from collections_desktop.models.db.failures import DamagedDatabaseError
from collections_desktop.models.db.writing import write_transaction
from tests.conftest import TODAY
from tests.damage import break_a_page, digest, flip_a_byte, settle


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("damaged-gui") / "demo.sqlite"
    write_demo_company(path, customers=20, seed=5, today=TODAY)
    settle(path)
    return path


def test_a_mistyped_path_or_an_empty_file_is_refused_and_not_created(
    shell, dialogs, tmp_path
) -> None:
    missing = tmp_path / "compnay.sqlite"
    assert not shell.open(missing)
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    assert not shell.open(empty)
    assert dialogs["critical"] == [
        (
            "Cannot open the database",
            f"There is no database at {missing}; nothing was created. Check the path, or "
            "create a company there with new-company or demo.",
        ),
        (
            "Cannot open the database",
            f"{empty} is an empty file, not a Collections Desktop database; it was not changed.",
        ),
    ]
    assert not missing.exists()
    assert empty.stat().st_size == 0
    assert shell.window is None


def test_a_damaged_page_met_while_opening_is_a_dialog(shell, dialogs, demo_file, tmp_path) -> None:
    """The window's first query (who the user is) reads a damaged page of employees."""
    damaged = break_a_page(
        demo_file,
        tmp_path / "damaged.sqlite",
        "employees",
        *(f"sqlite_autoindex_employees_{n}" for n in (1, 2, 3)),
    )
    before = digest(damaged)
    assert not shell.open(damaged)
    ((title, text),) = dialogs["critical"]
    assert title == "Cannot open the database"
    assert text.startswith(f"The database {damaged} is damaged (database disk image is malformed)")
    assert shell.window is None
    assert digest(damaged) == before


def test_damage_found_in_the_background_stops_writes_and_is_explained(
    qtbot, shell, dialogs, demo_file, tmp_path
) -> None:
    damaged = flip_a_byte(demo_file, tmp_path / "damaged.sqlite")
    assert shell.open(damaged)
    window, database = shell.window, shell.database
    assert database.integrity is not None
    qtbot.waitUntil(lambda: bool(dialogs["warning"]), timeout=20_000)
    ((title, text),) = dialogs["warning"]
    assert title == "The database is damaged"
    assert text.startswith(f"The database {damaged} is damaged (")
    assert "missing from index" in text
    assert text.endswith("nothing was written to it. Restore it from a backup copy.")
    assert window.statusBar().currentMessage() == text
    with (
        pytest.raises(DamagedDatabaseError, match="is damaged"),
        write_transaction(database, what="test") as session,
    ):
        session.connection()

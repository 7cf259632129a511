"""Edit ▸ Preferences: the language, the call method and the date style are stored in the
settings, and a new language or date style opens the window again in it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from collections_desktop.formatting import Formats
from collections_desktop.i18n import current_language
from collections_desktop.views.dialogs.preferences import PreferencesDialog
from collections_desktop.views.settings import CALL_METHOD, DATE_STYLE, LANGUAGE, Settings

LOAD = 10_000


@pytest.fixture
def restore_qt_language(shell) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Qt's own strings back in English after a test that switched the language."""
    yield
    if shell.translator is not None:
        QApplication.instance().removeTranslator(shell.translator)  # type: ignore[union-attr]
        shell.translator = None


def choose(combo, data) -> None:  # type: ignore[no-untyped-def]
    combo.setCurrentIndex(combo.findData(data))


def past_due_dates(window) -> list[str]:  # type: ignore[no-untyped-def]
    model = window.overview_page.past_due.model
    return [model.index(row, 2).data() for row in range(model.rowCount())]


def test_the_dialog_shows_the_stored_choices_with_examples(qtbot, tmp_path) -> None:
    settings = Settings(tmp_path / "settings.ini")
    settings.set(CALL_METHOD, "teams")
    dialog = PreferencesDialog(settings, Formats("en_US"), dt.date(2026, 11, 23))
    qtbot.addWidget(dialog)
    assert dialog.language.currentText() == "The system's language"
    assert [dialog.language.itemText(i) for i in range(1, 5)] == [
        "English",
        "Español",
        "Français",
        "Português",
    ]
    assert dialog.call_method.currentData() == "teams"
    assert [dialog.date_style.itemText(i) for i in range(3)] == [
        "Short (11/23/26)",
        "Medium (Nov 23, 2026)",
        "Long (November 23, 2026)",
    ]
    assert dialog.date_style.currentData() == "medium"
    assert "applied when you press OK" in dialog.note.text()
    # Cancel stores nothing.
    choose(dialog.language, "fr")
    dialog.reject()
    assert settings.get(LANGUAGE) == ""


def test_choosing_spanish_stores_it_and_the_window_opens_again_in_spanish(
    qtbot, shell, company, restore_qt_language
) -> None:
    assert shell.open(company.database.display_name)
    first = shell.window
    assert first.menuBar().actions()[1].text() == "&Edit"
    dialog = first.show_preferences()
    choose(dialog.language, "es")
    choose(dialog.call_method, "teams")
    dialog.ok_button.click()
    assert shell.settings.get(LANGUAGE) == "es"
    assert shell.settings.get(CALL_METHOD) == "teams"
    assert current_language() == "es"
    second = shell.window
    assert second is not first
    assert not first.isVisible()
    assert second.isVisible()
    assert second.menuBar().actions()[0].text() == "&Archivo"
    assert second.navigation.item(0).text() == "Resumen"
    assert second.context.call_method() == "teams"


def test_only_the_call_method_changed_keeps_the_window(qtbot, shell, company) -> None:
    assert shell.open(company.database.display_name)
    first = shell.window
    dialog = first.show_preferences()
    choose(dialog.call_method, "teams")
    with qtbot.assertNotEmitted(first.preferences_changed):
        dialog.ok_button.click()
    assert shell.window is first
    assert first.context.call_method() == "teams"  # read at each call: applies at once


def test_the_date_style_changes_the_dates_shown(qtbot, shell, company) -> None:
    assert shell.open(company.database.display_name)
    first = shell.window
    first.show_page("overview")
    qtbot.waitUntil(lambda: "Oct 1, 2026" in past_due_dates(first), timeout=LOAD)
    dialog = first.show_preferences()
    choose(dialog.date_style, "long")
    dialog.ok_button.click()
    assert shell.settings.get(DATE_STYLE) == "long"
    second = shell.window
    assert second is not first
    assert second.context.formats.date(dt.date(2026, 11, 23)) == "November 23, 2026"
    second.show_page("overview")
    qtbot.waitUntil(lambda: "October 1, 2026" in past_due_dates(second), timeout=LOAD)
    assert "Oct 1, 2026" not in past_due_dates(second)

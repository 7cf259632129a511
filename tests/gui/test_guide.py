"""Help ▸ User guide: F1 opens the guide in the interface language (English where there is
none), its links lead where they say, and every language's guide is complete."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from collections_desktop.i18n import LANGUAGES, set_language
from collections_desktop.resources import resource_path
from collections_desktop.views.guide import GuideDialog, guide_path
from collections_desktop.views.icons import IconRegistry

TITLES = {
    "en": "Collections Desktop – User guide",
    "es": "Collections Desktop – Guía del usuario",
    "fr": "Collections Desktop – Guide de l’utilisateur",
    "pt": "Collections Desktop – Guia do utilizador",
}


def click_text(qtbot, dialog: GuideDialog, text: str) -> None:  # type: ignore[no-untyped-def]
    """Click the middle of ``text`` where the browser shows it."""
    browser = dialog.browser
    found = browser.document().find(text)
    assert not found.isNull(), text
    middle = QTextCursor(found)
    middle.setPosition((found.selectionStart() + found.selectionEnd()) // 2)
    browser.setTextCursor(middle)
    browser.ensureCursorVisible()
    point = browser.cursorRect(middle).center()
    qtbot.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton, pos=point)


def test_f1_opens_the_guide_in_spanish_and_its_links_work(qtbot, company, make_window) -> None:
    set_language("es")
    window = make_window(company.database)
    window.show_page("company")
    with qtbot.waitSignal(window.company_page.loaded, timeout=10_000):
        window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    dialog = window.findChild(GuideDialog)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    browser = dialog.browser
    assert browser.documentTitle() == TITLES["es"]
    assert browser.source().toLocalFile().endswith("guide/es/index.html")
    assert "La jornada de un gestor de cobros" in browser.toPlainText()
    assert browser.verticalScrollBar().value() == 0
    assert not dialog.back_button.isEnabled()

    click_text(qtbot, dialog, "Configurar la empresa (administrador)")
    qtbot.waitUntil(lambda: browser.source().fragment() == "setup")
    assert browser.verticalScrollBar().value() > 0
    assert dialog.back_button.isEnabled()

    dialog.back_button.click()
    qtbot.waitUntil(lambda: browser.source().fragment() == "")
    assert browser.verticalScrollBar().value() == 0

    click_text(qtbot, dialog, "Sus preferencias")
    qtbot.waitUntil(lambda: browser.source().fragment() == "preferences")
    dialog.contents_button.click()
    qtbot.waitUntil(lambda: browser.source().fragment() == "")
    assert browser.verticalScrollBar().value() == 0
    dialog.close()


def test_a_language_without_a_guide_shows_the_english_one(qtbot) -> None:
    dialog = GuideDialog(IconRegistry(), language="de")
    qtbot.addWidget(dialog)
    assert dialog.browser.documentTitle() == TITLES["en"]
    assert guide_path("de") == guide_path("en")


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_guide_has_every_section_and_no_broken_link(language: str) -> None:
    path = resource_path("guide", language, "index.html")
    assert path.is_file()
    html = path.read_text(encoding="utf-8")
    assert f"<title>{TITLES[language]}</title>" in html
    anchors = set(re.findall(r'<a name="([^"]+)">', html))
    links = set(re.findall(r'<a href="#([^"]+)">', html))
    assert links <= anchors
    assert {"first-start", "day", "pages", "actions", "setup", "setup-sections", "people"} <= links
    # The same sections in every language as in the English guide.
    english = resource_path("guide", "en", "index.html").read_text(encoding="utf-8")
    assert anchors == set(re.findall(r'<a name="([^"]+)">', english))

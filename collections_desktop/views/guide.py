"""Help ▸ User guide (F1): the short HTML guide shipped in ``resources/guide/<language>``.

The guide is plain HTML read by ``QTextBrowser``, one file per language, so a translator
edits it without tools and it works offline and in the frozen build. The user's interface
language is shown, English where a language has no guide yet. Links inside the guide move
within it; a link to the web opens in the browser.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from collections_desktop import APP_NAME
from collections_desktop.i18n import _, current_language
from collections_desktop.resources import resource_path
from collections_desktop.views.icons import IconRegistry

GUIDE_FILE = "index.html"


def guide_path(language: str) -> Path:
    """The guide in ``language``, else the English one."""
    path = resource_path("guide", language, GUIDE_FILE)
    return path if path.is_file() else resource_path("guide", "en", GUIDE_FILE)


class GuideDialog(QDialog):
    """The user guide with Back and Contents buttons."""

    def __init__(
        self, icons: IconRegistry, language: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("guide_dialog")
        self.setWindowTitle(_("{app} – User guide").format(app=APP_NAME))
        self.path = guide_path(language or current_language())

        self.browser = QTextBrowser()
        self.browser.setObjectName("guide_browser")
        self.browser.setOpenExternalLinks(True)
        self.browser.setSource(QUrl.fromLocalFile(str(self.path)))

        self.back_button = QPushButton(icons.get("back"), _("&Back"))
        self.back_button.setEnabled(False)
        self.back_button.clicked.connect(self.browser.backward)
        self.browser.backwardAvailable.connect(self.back_button.setEnabled)
        self.contents_button = QPushButton(icons.get("guide"), _("&Contents"))
        self.contents_button.clicked.connect(self.browser.home)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        bar = QHBoxLayout()
        bar.addWidget(self.back_button)
        bar.addWidget(self.contents_button)
        bar.addStretch(1)
        bar.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addLayout(bar)
        self.resize(760, 640)

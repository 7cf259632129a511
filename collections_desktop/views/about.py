"""The About dialog: what the app is, its version and licence, and what it runs on.

Support starts here: a collector reading out the version, the Qt and Python versions and
the database location answers the first three questions of any bug report.
"""

from __future__ import annotations

import platform

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from collections_desktop import APP_NAME, __version__
from collections_desktop.i18n import _
from collections_desktop.views.icons import IconRegistry

LICENCE = "GPL-3.0-or-later"


class AboutDialog(QDialog):
    """Name, version, one line of purpose, licence, Qt/PySide6/Python versions, database."""

    def __init__(
        self, *, icons: IconRegistry, database_location: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("about_dialog")
        self.setWindowTitle(_("About {app}").format(app=APP_NAME))

        header = QHBoxLayout()
        header.setSpacing(14)
        logo = QLabel()
        logo.setPixmap(icons.get("app").pixmap(56, 56))
        header.addWidget(logo, 0, Qt.AlignmentFlag.AlignTop)
        names = QVBoxLayout()
        names.setSpacing(2)
        self.name = QLabel(APP_NAME)
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() + 7)
        font.setBold(True)
        self.name.setFont(font)
        self.version = QLabel(_("Version {version}").format(version=__version__))
        self.version.setObjectName("about_version")
        self.purpose = QLabel(
            _("Collections management for accounts-receivable teams and debt-recovery agencies.")
        )
        self.purpose.setWordWrap(True)
        names.addWidget(self.name)
        names.addWidget(self.version)
        names.addWidget(self.purpose)
        header.addLayout(names, 1)

        facts = QGridLayout()
        facts.setHorizontalSpacing(16)
        facts.setVerticalSpacing(4)
        facts.setColumnStretch(1, 1)
        rows = (
            (
                "licence",
                _("Licence"),
                _("GNU General Public License, version 3 or later ({spdx})").format(spdx=LICENCE),
            ),
            (
                "qt",
                _("Qt"),
                _("Qt {qt} · PySide6 {pyside}").format(qt=qVersion(), pyside=PySide6.__version__),
            ),
            ("python", _("Python"), f"{platform.python_version()} ({platform.system()})"),
            ("database", _("Database"), database_location),
        )
        self.facts: dict[str, QLabel] = {}
        for row, (key, caption, text) in enumerate(rows):
            label = QLabel(caption)
            value = QLabel(text)
            value.setObjectName(f"about_{key}")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(True)
            facts.addWidget(label, row, 0, Qt.AlignmentFlag.AlignTop)
            facts.addWidget(value, row, 1)
            self.facts[key] = value

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.setSpacing(14)
        layout.addLayout(header)
        layout.addLayout(facts)
        layout.addWidget(buttons)
        self.setMinimumWidth(580)

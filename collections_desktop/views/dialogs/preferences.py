"""Edit ▸ Preferences: the interface language, how a phone number is called, the date style,
what to do with last month's statements at the first start after a month's end.

The dialog only shows and stores the user's choices in the settings; the main window
asks the shell to apply a new language or date style (the window opens again in them),
while the call method is read at each call and applies at once.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from collections_desktop.formatting import DATE_STYLES, Formats
from collections_desktop.i18n import N_, _
from collections_desktop.views.icons import muted_colour
from collections_desktop.views.settings import (
    CALL_METHOD,
    DATE_STYLE,
    LANGUAGE,
    MONTH_END_STATEMENTS,
    Settings,
)

LANGUAGE_NAMES = (("en", "English"), ("es", "Español"), ("fr", "Français"), ("pt", "Português"))
"""Each interface language in its own words, so a user finds theirs whatever is shown now."""

CALL_METHODS = (("tel", N_("Phone (the computer's phone app)")), ("teams", N_("Microsoft Teams")))

MONTH_END_CHOICES = (
    ("offer", N_("Offer to send them")),
    ("send", N_("Send them automatically")),
    ("nothing", N_("Do nothing")),
)
"""What the app does at the first start after a month's end with last month's statements."""

DATE_STYLE_NAMES = {"short": N_("Short"), "medium": N_("Medium"), "long": N_("Long")}


class PreferencesDialog(QDialog):
    """The user's own choices, stored in ``settings`` when OK is pressed."""

    def __init__(
        self,
        settings: Settings,
        formats: Formats,
        today: dt.date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("preferences_dialog")
        self.setWindowTitle(_("Preferences"))
        self.settings = settings
        self.changed_display = False
        """Whether OK changed the language or the date style (the window opens again)."""

        self.language = QComboBox()
        self.language.setObjectName("preferences_language")
        self.language.addItem(_("The system's language"), "")
        for code, name in LANGUAGE_NAMES:
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(settings.get(LANGUAGE))))

        self.call_method = QComboBox()
        self.call_method.setObjectName("preferences_call_method")
        for code, name in CALL_METHODS:
            self.call_method.addItem(_(name), code)
        self.call_method.setCurrentIndex(
            max(0, self.call_method.findData(settings.get(CALL_METHOD)))
        )

        self.date_style = QComboBox()
        self.date_style.setObjectName("preferences_date_style")
        for style in DATE_STYLES:
            example = Formats(formats.locale, style).date(today)
            self.date_style.addItem(
                _("{style} ({example})").format(style=_(DATE_STYLE_NAMES[style]), example=example),
                style,
            )
        self.date_style.setCurrentIndex(max(0, self.date_style.findData(settings.get(DATE_STYLE))))

        self.month_end = QComboBox()
        self.month_end.setObjectName("preferences_month_end")
        for code, name in MONTH_END_CHOICES:
            self.month_end.addItem(_(name), code)
        self.month_end.setCurrentIndex(
            max(0, self.month_end.findData(settings.get(MONTH_END_STATEMENTS)))
        )
        self.month_end.setToolTip(
            _(
                "At the first start after a month's end, when last month's statements have "
                "not been e-mailed to the customers with an open balance"
            )
        )

        form = QFormLayout()
        form.addRow(_("&Language:"), self.language)
        form.addRow(_("&Call with:"), self.call_method)
        form.addRow(_("&Dates:"), self.date_style)
        form.addRow(_("&Month-end statements:"), self.month_end)

        self.note = QLabel(
            _(
                "A new language or date style is applied when you press OK: the window opens "
                "again in it, on the same database. Dates are written the way your regional "
                "settings write them."
            )
        )
        self.note.setObjectName("preferences_note")
        self.note.setWordWrap(True)
        palette = self.note.palette()
        palette.setColor(QPalette.ColorRole.WindowText, muted_colour(palette))
        self.note.setPalette(palette)  # a hint: quieter than the choices

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def accept(self) -> None:
        """Store the choices; note whether the window must open again to show them."""
        settings = self.settings
        language, style = self.language.currentData(), self.date_style.currentData()
        self.changed_display = (language, style) != (
            settings.get(LANGUAGE),
            settings.get(DATE_STYLE),
        )
        settings.set(LANGUAGE, language)
        settings.set(CALL_METHOD, self.call_method.currentData())
        settings.set(DATE_STYLE, style)
        settings.set(MONTH_END_STATEMENTS, self.month_end.currentData())
        settings.sync()
        super().accept()

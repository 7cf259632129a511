"""A business text in the languages other than the company's, beside the form.

The row's own field holds the company's language; this box holds one line per other
language (English, Spanish, French, Portuguese but the company's). An empty line means
that language shows the company's text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLineEdit, QWidget

from collections_desktop.i18n import _
from collections_desktop.models.setup.reference_fields import LANGUAGE_NAMES
from collections_desktop.models.texts.business import LANGUAGES


def language_name(language: str) -> str:
    """The name of a business-text language in the user's language."""
    name = LANGUAGE_NAMES.get(language)
    return _(name) if name else language


class LanguageTexts(QGroupBox):
    """One line per language other than the company's; ``texts()`` gives them all."""

    def __init__(self, name: str, title: str, max_length: int, parent: QWidget | None = None):
        super().__init__(title, parent)
        self.setObjectName(name)
        self.own = "en"
        self.form = QFormLayout(self)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.edits: dict[str, QLineEdit] = {}
        for language in LANGUAGES:
            edit = QLineEdit()
            edit.setObjectName(f"{name}_{language}")
            edit.setMaxLength(max_length)
            edit.setPlaceholderText(_("Empty: the company's text is shown"))
            self.edits[language] = edit
            self.form.addRow(language_name(language), edit)
        self.set_company_language("en")

    def watch(self, watch: Callable[[QWidget], None]) -> None:
        """Have the section watch every line."""
        for edit in self.edits.values():
            watch(edit)

    def set_company_language(self, language: str) -> None:
        """Hide the line of the company's own language (the form's field holds it)."""
        self.own = language if language in LANGUAGES else "en"
        for code, edit in self.edits.items():
            self.form.setRowVisible(edit, code != self.own)

    def set_texts(self, texts: Mapping[str, str]) -> None:
        """Show ``texts`` (language -> text); a language missing is empty."""
        for code, edit in self.edits.items():
            edit.setText(texts.get(code, "") if code != self.own else "")

    def texts(self) -> dict[str, str]:
        """The lines of the other languages, as typed."""
        return {code: edit.text() for code, edit in self.edits.items() if code != self.own}

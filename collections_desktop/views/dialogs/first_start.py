"""The first start: open the demo company, create a new company, or open an existing one.

Shown when the app starts without a company (no database yet, or one that holds none),
and for File ▸ New company… (``new_company_only``: just the new company, with where to
keep its file). The dialog shows and checks; ``app.Shell`` writes the demo or the company
and opens it. A new company asks for what the rules need: its name, accounting currency,
country and the language of the texts it prints, and the first user (your name and
login), who becomes its administrator; it may go on to the guided import.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import babel
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.engine import URL

from collections_desktop.formatting import text_formats
from collections_desktop.i18n import LANGUAGES, _, current_language
from collections_desktop.models.company.new_file import NewCompany, check_new_company
from collections_desktop.models.company.setup import CURRENCIES, CompanyError
from collections_desktop.views.dialogs.action_dialog import ActionDialog
from collections_desktop.views.dialogs.work_offline import parse_server
from collections_desktop.views.style import muted_palette

DEMO, NEW, FILE, TEAM = "demo", "new", "file", "team"
DATABASE_FILTER = "*.sqlite *.db"


@dataclass(frozen=True)
class FirstStartChoice:
    """What the user chose: ``kind`` (demo, new, file, team) and what goes with it."""

    kind: str
    company: NewCompany | None = None
    import_receivables: bool = False
    location: str = ""
    """The new company's file, the file to open, or the team database's address."""


class FirstStartDialog(ActionDialog):
    """Three choices in one dialog; OK does what the chosen one says."""

    def __init__(
        self,
        *,
        location: Path,
        login: str,
        demo_customers: int,
        new_company_only: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        title = _("New company") if new_company_only else _("Welcome to Collections Desktop")
        super().__init__(title, _("Continue"), parent)
        self.setObjectName("first_start_dialog")
        self.setMinimumWidth(640)
        self.location = location
        self.new_company_only = new_company_only
        self.choices = QButtonGroup(self)

        intro = QLabel(
            _("A new company in a new database file, opened once it is created.")
            if new_company_only
            else _("There is no company in {path} yet. How do you want to start?").format(
                path=location
            )
        )
        intro.setWordWrap(True)
        self.body.insertWidget(0, intro)

        self.demo_choice = self._choice(
            DEMO,
            _("Open the demo company"),
            _(
                "A made-up company with {count} customers, their invoices, payments and "
                "collection work, to try every page. It is kept in {path}."
            ).format(count=text_formats().count(demo_customers), path=location),
        )
        self.new_choice = self._choice(
            NEW,
            _("Create a new company"),
            _(
                "Your own company, empty; then import your receivables from a CSV or "
                "Excel file if you like."
            ),
        )
        self.new_form = QFormLayout()
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("company_name")
        self.name_edit.setPlaceholderText(_("e.g. Acme Ibérica S.L."))
        self.currency = QComboBox()
        for code, name, _decimals in CURRENCIES:
            self.currency.addItem(f"{code} — {_(name)}", code)
        self.country = QComboBox()
        self.country.addItem(_("(not set)"), "")
        names = babel.Locale.parse(current_language()).territories
        for code, name in sorted(names.items(), key=lambda item: item[1]):
            if len(code) == 2 and code.isalpha() and code not in ("ZZ", "EU", "UN", "EZ", "QO"):
                self.country.addItem(f"{name} ({code})", code)
        self.language = QComboBox()
        language_names = babel.Locale.parse(current_language()).languages
        for code in LANGUAGES:
            self.language.addItem(language_names.get(code, code).capitalize(), code)
        self.language.setCurrentIndex(max(self.language.findData(current_language()), 0))
        self.user_name_edit = QLineEdit()
        self.user_name_edit.setObjectName("user_name")
        self.login_edit = QLineEdit(login)
        self.login_edit.setObjectName("login")
        # The app works as the computer's login: the first user must be that login.
        self.login_edit.setReadOnly(True)
        self.login_edit.setToolTip(
            _("The app works as the login you use on this computer; it becomes the first user's.")
        )
        self.import_check = QCheckBox(_("Then import receivables from a file"))
        self.import_check.setChecked(True)
        self.file_edit = QLineEdit(str(location))
        browse_new = QPushButton(_("Choose…"))
        browse_new.clicked.connect(self._choose_new_file)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(browse_new)
        self.new_form.addRow(_("Company name:"), self.name_edit)
        self.new_form.addRow(_("Accounting currency:"), self.currency)
        self.new_form.addRow(_("Country:"), self.country)
        self.new_form.addRow(_("Language of its letters and texts:"), self.language)
        self.new_form.addRow(_("Your name:"), self.user_name_edit)
        self.new_form.addRow(_("Your login:"), self.login_edit)
        if new_company_only:
            self.new_form.addRow(_("File:"), file_row)
        else:
            for widget in (self.file_edit, browse_new):
                widget.hide()
        self.new_form.addRow("", self.import_check)
        self.new_panel = self._panel(self.new_form)
        self.body.addWidget(self.new_panel)

        self.open_choice = self._choice(
            FILE,
            _("Open an existing company"),
            _("A database file on this computer, or your team's database on a server."),
        )
        open_form = QFormLayout()
        self.open_file_edit = QLineEdit()
        self.open_file_edit.setObjectName("open_file")
        self.open_file_edit.setPlaceholderText(_("A Collections Desktop database file"))
        browse = QPushButton(_("Choose…"))
        browse.clicked.connect(self._choose_existing_file)
        open_row = QHBoxLayout()
        open_row.addWidget(self.open_file_edit, 1)
        open_row.addWidget(browse)
        self.server_edit = QLineEdit()
        self.server_edit.setObjectName("team_server")
        self.server_edit.setPlaceholderText(_("postgresql://server/collections"))
        open_form.addRow(_("File:"), open_row)
        open_form.addRow(_("or team database:"), self.server_edit)
        self.open_panel = self._panel(open_form)
        self.body.addWidget(self.open_panel)

        self.choices.idToggled.connect(lambda *_args: self._chosen())
        for typed in (self.open_file_edit, self.server_edit):
            typed.textEdited.connect(lambda *_args: self.open_choice.setChecked(True))
            typed.textChanged.connect(lambda *_args: self._chosen())
        if new_company_only:
            for hidden in (self.demo_choice, self.open_choice, self.open_panel):
                hidden.hide()
            self.new_choice.hide()
            self.new_choice.setChecked(True)
        else:
            self.demo_choice.setChecked(True)
        self._chosen()

    # --- what was chosen --------------------------------------------------------------

    @property
    def kind(self) -> str:
        """The choice checked: demo, new or file (team once a server address is typed)."""
        if self.demo_choice.isChecked():
            return DEMO
        if self.new_choice.isChecked():
            return NEW
        return TEAM if self.server_edit.text().strip() else FILE

    def choose(self, kind: str) -> None:
        """Check the choice ``kind`` (as a click on it does)."""
        {
            DEMO: self.demo_choice,
            NEW: self.new_choice,
            FILE: self.open_choice,
            TEAM: self.open_choice,
        }[kind].setChecked(True)

    def company(self) -> NewCompany:
        """The new company as typed."""
        return NewCompany(
            name=self.name_edit.text().strip(),
            currency=str(self.currency.currentData()),
            country=str(self.country.currentData()) or None,
            language=str(self.language.currentData()),
            user_name=self.user_name_edit.text().strip(),
            login=self.login_edit.text().strip(),
        )

    def check(self) -> str | None:
        """What is missing for the choice; None when it can go ahead."""
        kind = self.kind
        if kind == NEW:
            try:
                check_new_company(self.company())
            except CompanyError as error:
                return str(error)
            if self.new_company_only:
                path = Path(self.file_edit.text().strip())
                if not self.file_edit.text().strip():
                    return _("Choose where to keep the company's file.")
                if path.exists():
                    return _(
                        "{path} exists already; choose a new file for the new company."
                    ).format(path=path)
        elif kind == FILE:
            text = self.open_file_edit.text().strip()
            if not text:
                return _("Choose the database file to open, or type the team database's address.")
            if not Path(text).is_file():
                return _("There is no file {path}.").format(path=text)
        elif kind == TEAM:
            parsed = parse_server(self.server_edit.text())
            if isinstance(parsed, str):
                return parsed
        return None

    def value(self) -> FirstStartChoice:
        """The choice and what goes with it."""
        kind = self.kind
        if kind == NEW:
            location = (
                self.file_edit.text().strip() if self.new_company_only else str(self.location)
            )
            return FirstStartChoice(
                NEW,
                company=self.company(),
                import_receivables=self.import_check.isChecked(),
                location=location,
            )
        if kind == FILE:
            return FirstStartChoice(FILE, location=self.open_file_edit.text().strip())
        if kind == TEAM:
            parsed = parse_server(self.server_edit.text())
            assert isinstance(parsed, URL)  # check() saw to it
            return FirstStartChoice(TEAM, location=parsed.render_as_string())
        return FirstStartChoice(DEMO, location=str(self.location))

    # --- building ---------------------------------------------------------------------

    def _choice(self, kind: str, title: str, description: str) -> QRadioButton:
        button = QRadioButton(title)
        button.setObjectName(f"choice_{kind}")
        font = button.font()
        font.setBold(True)
        button.setFont(font)
        self.choices.addButton(button, len(self.choices.buttons()))
        note = QLabel(description)
        note.setWordWrap(True)
        note.setPalette(muted_palette(note.palette()))
        note.setContentsMargins(24, 0, 0, 6)
        button.toggled.connect(note.setEnabled)
        self.body.addWidget(button)
        self.body.addWidget(note)
        if self.new_company_only:
            note.hide()
        return button

    def _panel(self, form: QFormLayout) -> QFrame:
        panel = QFrame()
        panel.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(24, 6, 12, 6)
        layout.addLayout(form)
        return panel

    def _chosen(self) -> None:
        kind = self.kind
        self.new_panel.setEnabled(kind == NEW)
        self.open_panel.setEnabled(kind in (FILE, TEAM))
        self.ok_button.setText(
            {
                DEMO: _("Open the demo"),
                NEW: _("Create the company"),
                FILE: _("Open the company"),
                TEAM: _("Connect to the team database"),
            }[kind]
        )
        self.error.hide()

    def _choose_existing_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self,
            _("Open database"),
            str(self.location.parent),
            _("Collections Desktop databases ({patterns});;All files (*)").format(
                patterns=DATABASE_FILTER
            ),
        )
        if path:
            self.open_file_edit.setText(path)
            self.open_choice.setChecked(True)

    def _choose_new_file(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self,
            _("New company"),
            self.file_edit.text() or str(self.location.parent),
            _("Collections Desktop databases ({patterns})").format(patterns=DATABASE_FILTER),
        )
        if path:
            self.file_edit.setText(path if Path(path).suffix else f"{path}.sqlite")

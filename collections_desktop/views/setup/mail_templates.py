"""E-mail templates: code, name, a subject and body per language, and a preview on a real
customer.

The preview reads the chosen customer's merge fields once (in every language, on the
read lane) and fills the form's text as it is typed, in the language that customer
would get (``render.choose_language``): what the customer would read, not a sample. A
template problem (syntax, unknown field, the sandbox) is shown in red with its line,
and the line is marked in the editor; the same text is refused on Save.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QTextCursor, QTextFormat
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSplitter,
    QTabWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from collections_desktop.i18n import N_, _
from collections_desktop.models.mail.mailing import preview_candidate
from collections_desktop.models.mail.render import (
    MERGE_FIELDS,
    PreviewFields,
    TemplateProblem,
    preview_fields,
    render_mail,
)
from collections_desktop.models.mail.templates import (
    LANGUAGES,
    TemplateRow,
    TemplateText,
    TemplateValues,
    delete_template,
    list_templates,
    save_template,
)
from collections_desktop.models.setup.translations import language_name
from collections_desktop.views.context import PageContext
from collections_desktop.views.itemmodels.rows import Column
from collections_desktop.views.operations import QueryOp, ReadSlot
from collections_desktop.views.setup.section import SetupSection
from collections_desktop.views.style import ERROR_COLOUR, heading_font, muted_palette
from collections_desktop.views.tasks import TaskState
from collections_desktop.views.widgets.customer_search import CustomerSearch

PREVIEW_DELAY_MS = 300
"""Typing pauses this long before the preview is filled again."""
ERROR_LINE = "#fde2e1"


class MailTemplatesSection(SetupSection[TemplateRow, TemplateValues]):
    """The templates of the e-mails collectors send, in every language, with a preview."""

    key = "mail_templates"
    title = N_("E-mail templates")
    description = N_(
        "The e-mails collectors send from a template: a subject and a text per language with "
        "merge fields such as {{ customer.name }}. Each customer gets the one in their "
        "language. Choose a customer below to see what they would receive."
    )
    what = N_("e-mail template")
    deletable = True

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        self._preview: PreviewFields | None = None
        super().__init__(context, parent)
        self._preview_reads = ReadSlot(self)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.update_preview)
        self._build_preview()
        splitter = self.findChild(QSplitter, f"setup_{self.key}_splitter")
        if splitter is not None:  # the editor and its preview need the room, the list little
            splitter.setStretchFactor(0, 2)
            splitter.setStretchFactor(1, 5)

    # --- the section ----------------------------------------------------------------------

    def columns(self) -> Sequence[Column[TemplateRow]]:
        return (
            Column(_("Code"), lambda row: row.code),
            Column(_("Name"), lambda row: row.name),
            Column(_("Languages"), lambda row: " ".join(code.upper() for code in row.languages)),
            Column(_("Offered"), lambda row: _("Yes") if row.active else _("No")),
        )

    def read(self, session: Session) -> Sequence[TemplateRow]:
        return list_templates(session)

    def build_form(self, form: QFormLayout) -> None:
        self.code = QLineEdit()
        self.code.setObjectName("mail_template_code")
        self.code.setMaxLength(30)
        self.name = QLineEdit()
        self.name.setObjectName("mail_template_name")
        self.name.setMaxLength(100)
        self.active = QCheckBox(_("Offered when sending e-mails"))
        self.active.setObjectName("mail_template_active")
        form.addRow(_("&Code"), self.code)
        form.addRow(_("&Name"), self.name)
        form.addRow("", self.active)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("mail_template_languages")
        self.subjects: dict[str, QLineEdit] = {}
        self.bodies: dict[str, QPlainTextEdit] = {}
        for language in LANGUAGES:
            page = QWidget()
            layout = QFormLayout(page)
            subject = QLineEdit()
            subject.setObjectName(f"mail_template_subject_{language}")
            subject.setMaxLength(500)
            body = QPlainTextEdit()
            body.setObjectName(f"mail_template_body_{language}")
            body.setMinimumHeight(150)
            body.setTabChangesFocus(True)
            layout.addRow(_("Subject"), subject)
            layout.addRow(_("Text"), body)
            self.tabs.addTab(page, language_name(language))
            self.subjects[language], self.bodies[language] = subject, body
            for widget in (subject, body):
                self.watch(widget)
                widget.textChanged.connect(self._text_changed)
        self.fields_box = QComboBox()
        self.fields_box.setObjectName("mail_template_fields")
        self.fields_box.addItem(_("Insert a merge field…"), "")
        for pair in MERGE_FIELDS:
            for name in pair:
                if name:
                    self.fields_box.addItem(name, name)
        self.fields_box.setToolTip(
            _(
                "Puts the field at the cursor in the text shown. items, past_due_items and "
                "aging are lists: {% for item in items %}{{ item.document }}{% endfor %}."
            )
        )
        self.fields_box.activated.connect(self._insert_field)
        form.addRow(self.tabs)
        form.addRow(_("Fields"), self.fields_box)
        self.watch(self.code)
        self.watch(self.name)
        self.watch(self.active)

    def show_row(self, row: TemplateRow | None) -> None:
        self.code.setText(row.code if row else "")
        self.name.setText(row.name if row else "")
        self.active.setChecked(row.active if row else True)
        for language in LANGUAGES:
            text = row.texts.get(language) if row else None
            self.subjects[language].setText(text.subject if text else "")
            self.bodies[language].setPlainText(text.body if text else "")
        if hasattr(self, "_timer"):  # not while the frame builds itself
            self._timer.start()

    def values(self) -> TemplateValues:
        return TemplateValues(
            self.code.text(), self.name.text(), self.active.isChecked(), self._texts()
        )

    def save(self, session: Session, row: TemplateRow | None, values: TemplateValues) -> uuid.UUID:
        return save_template(
            session,
            row.id if row else None,
            row.version if row else 0,
            values,
            by=self.context.employee_id,
            now=self.context.clock.now(),
        )

    def delete(self, session: Session, row: TemplateRow) -> None:
        delete_template(
            session, row.id, row.version, by=self.context.employee_id, now=self.context.clock.now()
        )

    def activate(self) -> None:
        super().activate()
        if self._preview is None and not self._preview_reads.is_loading:
            self._choose_first_customer()

    # --- the preview ----------------------------------------------------------------------

    def _build_preview(self) -> None:
        box = QWidget()
        box.setObjectName("mail_template_preview")
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 8, 0, 0)
        heading = QLabel(_("Preview"))
        heading.setFont(heading_font(self.font()))
        self.search = CustomerSearch("mail_preview_customer", self.context, self)
        self.search.combo.setMinimumWidth(260)
        self.search.chosen.connect(self.preview_customer)
        self.search.failed.connect(self.set_status)
        row = QHBoxLayout()
        row.addWidget(QLabel(_("Customer")))
        row.addWidget(self.search.combo, 1)
        self.preview_language = QLabel()
        self.preview_language.setObjectName("mail_preview_language")
        self.preview_language.setPalette(muted_palette(self.preview_language.palette()))
        self.preview_to = QLabel()
        self.preview_to.setObjectName("mail_preview_to")
        self.preview_to.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.preview_subject = QLabel()
        self.preview_subject.setObjectName("mail_preview_subject")
        self.preview_subject.setWordWrap(True)
        bold = self.preview_subject.font()
        bold.setBold(True)
        self.preview_subject.setFont(bold)
        self.preview_body = QPlainTextEdit()
        self.preview_body.setObjectName("mail_preview_body")
        self.preview_body.setReadOnly(True)
        self.preview_body.setMinimumHeight(220)
        self.preview_error = QLabel()
        self.preview_error.setObjectName("mail_preview_error")
        self.preview_error.setWordWrap(True)
        self.preview_error.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.preview_error.hide()
        layout.addWidget(heading)
        layout.addLayout(row)
        layout.addWidget(self.preview_language)
        layout.addWidget(self.preview_to)
        layout.addWidget(self.preview_subject)
        layout.addWidget(self.preview_error)
        layout.addWidget(self.preview_body, 1)
        # Under the Save button, outside the form: a reader who may not change the set-up
        # still previews.
        holder = self.message.parentWidget()
        assert holder is not None
        panel = holder.layout()
        assert isinstance(panel, QVBoxLayout)
        panel.insertWidget(panel.count() - 1, box)

    def _choose_first_customer(self) -> None:
        context = self.context
        database, scope, today = context.database, context.scope, context.clock.today()

        def first(_state: TaskState) -> uuid.UUID | None:
            with database.sessions() as session:
                return preview_candidate(session, scope, today)

        QueryOp(
            first,
            lambda customer_id: self.preview_customer(customer_id) if customer_id else None,
            "mail preview customer",
        ).run(context.runner, self._preview_reads)

    def preview_customer(self, customer_id: uuid.UUID) -> None:
        """Read ``customer_id``'s merge fields, then fill the preview with them."""
        context = self.context
        database, scope, today = context.database, context.scope, context.clock.today()
        agent = context.employee_id

        def read(_state: TaskState) -> tuple[str, PreviewFields]:
            with database.sessions() as session:
                fields = preview_fields(session, scope, customer_id, today, agent_id=agent)
            first = next(iter(fields.by_language.values()))
            return f"{first.customer.account} {first.customer.name}", fields

        def show(result: tuple[str, PreviewFields]) -> None:
            label, fields = result
            self._preview = fields
            self.search.show_label(label)
            self.update_preview()

        QueryOp(
            read,
            show,
            "mail preview",
            failure=lambda error: self._show_problem(
                _("The customer could not be read: {reason}").format(reason=error), None, ""
            ),
        ).run(context.runner, self._preview_reads)

    def update_preview(self) -> None:
        """Fill the form's text with the chosen customer's fields, in their language."""
        self._timer.stop()
        for body in self.bodies.values():
            body.setExtraSelections([])
        fields = self._preview
        if fields is None:
            self.preview_language.setText(_("Choose a customer to see what they would receive."))
            return
        texts = self._texts()
        if not texts:
            self._show_problem(_("Write the template in at least one language."), None, "")
            return
        language = fields.language_for(texts)
        data = fields.by_language[language]
        own = fields.language_for([fields.customer_language]) == language
        self.preview_language.setText(
            _("In {language}, the customer's language.").format(language=language_name(language))
            if own
            else _("In {language}: the template is not written in the customer's.").format(
                language=language_name(language)
            )
        )
        self.preview_to.setText(
            _("To: {address}").format(address=data.to)
            if data.to
            else _("The customer has no e-mail address: this mail would be skipped.")
        )
        text = texts[language]
        try:
            mail = render_mail(text.subject, text.body, data)
        except TemplateProblem as problem:
            self._show_problem(str(problem), problem.line, language, problem.where)
            return
        self.preview_error.hide()
        self.preview_subject.setText(mail.subject)
        self.preview_body.setPlainText(mail.body)

    def _show_problem(self, message: str, line: int | None, language: str, where: str = "") -> None:
        self.preview_error.setText(message)
        self.preview_error.show()
        self.preview_subject.clear()
        self.preview_body.clear()
        if language and line is not None and where == _("body"):
            self._mark_line(self.bodies[language], line)

    @staticmethod
    def _mark_line(editor: QPlainTextEdit, line: int) -> None:
        selection = QTextEdit.ExtraSelection()
        selection.format.setBackground(QColor(ERROR_LINE))
        selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
        block = editor.document().findBlockByNumber(max(line - 1, 0))
        selection.cursor = QTextCursor(block)
        editor.setExtraSelections([selection])

    def _texts(self) -> dict[str, TemplateText]:
        return {
            language: TemplateText(self.subjects[language].text(), body.toPlainText())
            for language, body in self.bodies.items()
            if self.subjects[language].text().strip() or body.toPlainText().strip()
        }

    def _text_changed(self, *_args: object) -> None:
        if hasattr(self, "_timer"):
            self._timer.start()

    def _insert_field(self, index: int) -> None:
        name = self.fields_box.itemData(index)
        self.fields_box.setCurrentIndex(0)
        if not name:
            return
        language = LANGUAGES[self.tabs.currentIndex()]
        body = self.bodies[language]
        body.insertPlainText("{{ " + name + " }}")
        body.setFocus()

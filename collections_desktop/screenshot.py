"""Render a view of the app to a PNG file without a screen (docs, reviews, CI artefacts).

``collections-desktop screenshot VIEW OUT.png`` comes here. The window is built through
the same composition root as the app (``app.build_main_window``), on the offscreen Qt
platform unless ``QT_QPA_PLATFORM`` says otherwise, and grabbed once its page has
loaded its data, waiting on the page's signal rather than sleeping.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QWidget
from sqlalchemy import select

from collections_desktop.app import build_main_window, ensure_application
from collections_desktop.i18n import N_, _
from collections_desktop.kernel.clock import Clock, SystemClock
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.db.database import Database, normalise_url
from collections_desktop.models.db.schema import Customer, Employee
from collections_desktop.views.setup.sections import SETUP_SECTIONS
from collections_desktop.views.widgets.select import select_row

if TYPE_CHECKING:
    from collections_desktop.views.main_window import MainWindow

VIEWS: dict[str, str] = {
    "main": N_("the main window on the company start page"),
    "overview": N_("the Overview: activities, highest and past-due balances"),
    "workspace": N_("the Workspace on one customer (--customer ACCOUNT; --tab N for its grids)"),
    "customers": N_("Customers: every customer of the agent with balance and credit limit"),
    "customers-without-action": N_(
        "Customers without action: the Customers page as the report of the customers not "
        "contacted in 30 days"
    ),
    "customer-record": N_("a customer's record (--customer ACCOUNT; --tab N for its tabs)"),
    "aged-balances": N_("Aged balances: the default pool's newest snapshot, by aging period"),
    "activities": N_("Activities: the open activities of the agent's customers"),
    "cases": N_("Cases: the open collections cases"),
    "collections": N_("the Collections page of one customer (--customer ACCOUNT)"),
    "conflicts": N_("Conflicts: the changes the server refused (an offline replica only)"),
    "work-offline": N_("the Work offline dialog (File ▸ Work offline…)"),
    "new-activity": N_(
        "the New activity dialog: from the Overview, or about --customer ACCOUNT from its "
        "Collections page"
    ),
    "letters": N_(
        "the Collection letters dialog of --customer ACCOUNT with its preview "
        "(--tab N: the Nth choice of For, 1 the first pool)"
    ),
    "interest": N_("the Interest notes dialog of --customer ACCOUNT with its proposal"),
    "statement": N_(
        "the Account statement dialog of --customer ACCOUNT with its first page "
        "(--tab N: 0 last month, 1 this year)"
    ),
    "payments": N_("Payments: the payments recorded with their method, by state"),
    "record-payment": N_(
        "the Record payment dialog of --customer ACCOUNT, an amount typed, settled oldest first"
    ),
    "first-start": N_("the first start's choices: the demo, a new company, an existing one"),
    "new-company": N_("the New company dialog (File ▸ New company…)"),
    "import": N_("the guided import (File ▸ Import receivables…), before a file is chosen"),
    "pending-documents": N_("Pending documents: this month's draft invoices (billing run first)"),
    "pending-document": N_("the first pending invoice shown, opened in its dialog"),
    "enter-record": N_("the Enter record dialog of --customer ACCOUNT, from its Workspace"),
    "reports": N_("Reports: Action control (--tab 0) or Collections by agent (--tab 1)"),
    "about": N_("the About dialog"),
    "preferences": N_("the Preferences dialog (Edit ▸ Preferences…), with the defaults"),
    "guide": N_("the user guide (Help ▸ User guide, F1) in the interface language"),
    "send-mail": N_("the Send e-mail dialog of --customer ACCOUNT with its mail filled"),
    "outbox": N_("the Outbox (File ▸ Outbox…) with its mailings"),
    "month-statements": N_(
        "the question about last month's statements (Billing ▸ Send last month's statements…)"
    ),
    "month-statements-sending": N_(
        "the main window while last month's statements are printed and sent (status bar)"
    ),
    "bank": N_("Bank reconciliation: the statement lines waiting with their best suggestion"),
    "bank-confirmed": N_("Bank reconciliation: the lines confirmed, newest first, with Undo"),
    "bank-statements": N_("Bank reconciliation: the statements imported with their balances"),
    "bank-import-summary": N_("the summary after importing a bank statement (--customer: none)"),
    "bank-profile": N_("the CSV profile dialog over a bank's semicolon export, with its preview"),
    "bank-assign": N_("Assign to customer: the first waiting line without a suggestion"),
    "agency": N_("the agency desk: the open case files, the oldest last action first"),
    "agency-unapproved": N_(
        "the agency desk: the collections waiting for a supervisor, with the history of one"
    ),
    "agency-calendar": N_("the agency desk: this month's collections calendar and today's list"),
    "agency-reports": N_("the agency desk: the monthly reports"),
    "agency-expenses": N_("the agency desk: the collectors' expenses"),
    "agency-reject": N_("Reject collection: the reason asked for the first collection waiting"),
    "agency-import": N_("the Import case files dialog (File ▸ Import case files…)"),
    "agency-case-file": N_(
        "an agency case file's window: the open case with the most history (demo --agency)"
    ),
    **{
        f"setup-{kind.key.replace('_', '-')}": N_("a section of the Set-up page")
        for kind in SETUP_SECTIONS
    },
}
"""The views that can be rendered, with what each shows."""

PAGE_OF_VIEW = {
    "overview": "overview",
    "workspace": "workspace",
    "customers": "customers",
    "customers-without-action": "customers",
    "aged-balances": "aged_balances",
    "activities": "activities",
    "cases": "cases",
    "collections": "collections",
    "conflicts": "conflicts",
    "new-activity": "overview",
    "letters": "workspace",
    "interest": "workspace",
    "statement": "workspace",
    "pending-documents": "pending_documents",
    "pending-document": "pending_documents",
    "send-mail": "workspace",
    "payments": "payments",
    "record-payment": "workspace",
    "enter-record": "workspace",
    "reports": "reports",
    "bank": "bank",
    "bank-confirmed": "bank",
    "bank-statements": "bank",
    "bank-import-summary": "bank",
    "bank-profile": "bank",
    "bank-assign": "bank",
    "agency": "agency",
    "agency-unapproved": "agency",
    "agency-calendar": "agency",
    "agency-reports": "agency",
    "agency-expenses": "agency",
    "agency-reject": "agency",
    "agency-import": "agency",
}
"""The main window's page each view shows (the company page for the others)."""

CUSTOMER_VIEWS = (
    "workspace",
    "collections",
    "customer-record",
    "letters",
    "interest",
    "statement",
    "send-mail",
    "record-payment",
    "enter-record",
)
"""The views that show one customer and need --customer."""

MAY_SHOW_CUSTOMER = ("new-activity",)
"""The views that show a customer when given --customer, and work without one."""

AGENCY_TABS = {
    "agency-unapproved": 1,
    "agency-reject": 1,
    "agency-calendar": 2,
    "agency-reports": 3,
    "agency-expenses": 4,
}
"""The agency desk's tab each agency view shows (the case files for the others)."""

LOAD_TIMEOUT_MS = 60_000


class ScreenshotError(Exception):
    """The screenshot cannot be made; the message says what to change."""


def render_screenshot(
    view: str,
    output: str | Path,
    *,
    database: str | Path | Database,
    customer: str | None = None,
    size: tuple[int, int] = (1400, 900),
    clock: Clock | None = None,
    user: str | None = None,
    tab: int = 0,
) -> Path:
    """Render ``view`` of ``database`` into the PNG file ``output`` and return its path.

    ``size`` is the window's size in device-independent pixels (dialogs keep their own
    size); ``tab`` is the tab of a dialog shown. ``database`` is a URL, a file path or an
    already open ``Database``. The window works as ``user``; by default the demo's first
    agent when the database has them.
    """
    if view not in VIEWS:
        raise ScreenshotError(
            _("Unknown view {view!r}; the views are: {views}.").format(
                view=view, views=", ".join(VIEWS)
            )
        )
    width, height = size
    if width < 200 or height < 150:
        raise ScreenshotError(_("The size {w}x{h} is too small.").format(w=width, h=height))
    target = _check_output(Path(output))
    app = ensure_application()
    clock = clock or SystemClock()
    opened = database if isinstance(database, Database) else _open(database, clock)
    window = None
    try:
        customer_id = _check_customer(opened, customer, view)
        window = build_main_window(opened, clock, user_name=user or _default_user(opened))
        if view == "conflicts" and window.conflicts_page is None:
            raise ScreenshotError(
                _(
                    "{database} is not an offline replica: only a replica has a Conflicts "
                    "page (make one with sync setup)."
                ).format(database=opened.display_name)
            )
        if view == "reports":
            from collections_desktop.views.pages.reports_page import REPORTS

            if not 0 <= tab < len(REPORTS):
                raise ScreenshotError(
                    _("The reports are 0 to {last}.").format(last=len(REPORTS) - 1)
                )
            window.reports_page.show_report(REPORTS[tab][0])
        window.show_page(
            PAGE_OF_VIEW.get(view, "setup" if view.startswith("setup-") else "company")
        )
        window.resize(width, height)
        window.show()
        if PAGE_OF_VIEW.get(view) == "agency":
            window.agency_page.show_tab(AGENCY_TABS.get(view, 0))
        if view in ("bank-confirmed", "bank-statements"):
            window.bank_page.show_view(view.removeprefix("bank-"))
        if view == "customers-without-action":
            window.customers_page.show_preset("without_action")
        if view.startswith("setup-"):
            window.setup_page.show_section(view.removeprefix("setup-").replace("-", "_"))
        if customer_id is not None and view in ("collections", "new-activity"):
            window.show_collections(customer_id)
        elif customer_id is not None and view == "customer-record":
            window.show_record(customer_id)
        elif customer_id is not None:
            window.show_customer(customer_id)
        wait_until_loaded(window)
        if view == "setup-mail-templates":
            _wait_for_preview(window)
        widget: QWidget = window
        if view == "about":
            widget = window.show_about()
            widget.adjustSize()
        elif view == "preferences":
            widget = _preferences_dialog(window, clock)
        elif view == "guide":
            widget = window.show_guide()
        elif view == "workspace" and tab:
            window.workspace_page.tabs.setCurrentIndex(tab)
        elif view == "customer-record":
            widget = _record_dialog(window, tab)
        elif view in ("first-start", "new-company"):
            from collections_desktop.app import DEMO_CUSTOMERS
            from collections_desktop.views.dialogs.first_start import FirstStartDialog

            widget = FirstStartDialog(
                location=Path(opened.display_name),
                login=user or "",
                demo_customers=DEMO_CUSTOMERS,
                new_company_only=view == "new-company",
                parent=window,
            )
            widget.show()
            widget.adjustSize()
        elif view == "import":
            imports = window.import_receivables().dialog
            assert imports is not None
            widget = imports
        elif view == "work-offline":
            dialog = window.work_offline().dialog
            assert dialog is not None
            dialog.adjustSize()
            widget = dialog
        elif view == "pending-document":
            widget = _draft_dialog(window)
        elif view in ("new-activity", "letters", "interest"):
            widget = _action_dialog(window, view, customer_id is not None, tab)
        elif view == "statement":
            widget = _statement_dialog(window, tab)
        elif view in ("send-mail", "outbox"):
            widget = _mail_dialog(window, view, customer or "")
        elif view == "record-payment":
            widget = _record_payment_dialog(window)
        elif view == "enter-record":
            records = window.workspace_page.records
            window.workspace_page.enter_record()
            _wait_for(lambda: records.dialog is not None, _("The Enter record dialog"))
            assert records.dialog is not None
            records.dialog.adjustSize()
            widget = records.dialog
        elif view == "bank-import-summary":
            widget = _bank_import_summary(window)
        elif view == "bank-profile":
            widget = _bank_profile_dialog(window)
        elif view == "bank-assign":
            widget = _bank_assign_dialog(window)
        elif view == "agency-reject":
            widget = _agency_reject_dialog(window)
        elif view == "agency-import":
            widget = _agency_import_dialog(window)
        elif view == "month-statements":
            widget = _month_statements_dialog(window)
        elif view == "month-statements-sending":
            _month_statements_progress(window)
        elif view == "agency-case-file":
            widget = _case_file_window(window, size)
        for _pass in range(3):  # lay out what the load just set (nested layouts take turns)
            app.processEvents()
        _save(widget.grab(), target)
    finally:
        if window is not None:
            window.close()
            window.deleteLater()
        if opened is not database:
            opened.dispose()
    return target


def _preferences_dialog(window: MainWindow, clock: Clock) -> QWidget:
    """The Preferences dialog over settings of its own, so the user's stay untouched."""
    from collections_desktop.views.dialogs.preferences import PreferencesDialog
    from collections_desktop.views.settings import Settings

    folder = tempfile.mkdtemp(prefix="collections-desktop-shot-")
    dialog = PreferencesDialog(
        Settings(Path(folder) / "settings.ini"), window.context.formats, clock.today(), window
    )
    dialog.destroyed.connect(lambda: shutil.rmtree(folder, ignore_errors=True))
    dialog.show()
    dialog.adjustSize()
    return dialog


def _record_dialog(window: MainWindow, tab: int) -> QWidget:
    """The customer record the window opened, on tab ``tab``, once it has been read."""
    loop = QEventLoop()
    refusals: list[str] = []
    window.record_actions.refused.connect(refusals.append)
    window.record_actions.refused.connect(loop.quit)
    poll = QTimer()
    poll.timeout.connect(lambda: loop.quit() if window.record_actions.dialog else None)
    poll.start(20)
    QTimer.singleShot(LOAD_TIMEOUT_MS, loop.quit)
    if window.record_actions.dialog is None and not refusals:
        loop.exec()
    poll.stop()
    dialog = window.record_actions.dialog
    if dialog is None:
        raise ScreenshotError(
            refusals[0] if refusals else _("The customer's record could not be read.")
        )
    if not 0 <= tab < dialog.tabs.count():
        raise ScreenshotError(
            _("The record has tabs 0 to {last}.").format(last=dialog.tabs.count() - 1)
        )
    dialog.tabs.setCurrentIndex(tab)
    dialog.adjustSize()
    return dialog


def _draft_dialog(window: MainWindow) -> QWidget:
    """The first pending invoice of the Pending documents page, in its dialog."""
    page = window.pending_documents_page
    if not page.grid.model.rowCount():
        raise ScreenshotError(
            _("There is no pending invoice this month: run “billing run --month” first.")
        )
    select_row(page.grid.view, 0)
    page.open_current()
    _wait_for(lambda: page.actions_.dialog is not None, _("the pending invoice"))
    dialog = page.actions_.dialog
    assert dialog is not None
    dialog.adjustSize()
    return dialog


def _action_dialog(window: MainWindow, view: str, has_customer: bool, tab: int) -> QWidget:
    """The dialog of ``view`` as the collector opens it, once what it shows is read."""
    dialog: QWidget | None
    if view == "new-activity" and window.context.employee_id is None:
        raise ScreenshotError(_("Only an employee creates activities: name one with --user NAME."))
    if view == "new-activity" and not has_customer:
        window.overview_page.new_activity()
        dialog = window.overview_page.new_dialog
    elif view == "new-activity":
        actions = window.collections_page.activity_actions
        window.collections_page.new_activity()  # reads the customer's cases first
        _wait_for(lambda: actions.dialog is not None, _("The New activity dialog"))
        dialog = actions.dialog
    else:
        transaction_actions = window.workspace_page.transaction_actions
        if view == "letters":
            transaction_actions.letter_run()
        else:
            transaction_actions.interest()
        dialog = transaction_actions.dialog
    if dialog is None:
        raise ScreenshotError(_("The dialog could not be opened."))
    if view == "letters":
        from collections_desktop.views.dialogs.letters_dialog import LettersDialog

        assert isinstance(dialog, LettersDialog)
        letters = dialog
        if not 0 <= tab < letters.target.count():
            raise ScreenshotError(
                _("The letters dialog has choices 0 to {last}.").format(
                    last=letters.target.count() - 1
                )
            )
        letters.target.setCurrentIndex(tab)
        letters.request_preview()
        _wait_for(lambda: letters.previewed, _("The letters preview"))
    elif view == "interest":
        from collections_desktop.views.dialogs.interest_dialog import InterestDialog

        assert isinstance(dialog, InterestDialog)
        interest = dialog
        _wait_for(lambda: interest.previewed, _("The interest proposal"))
    if view != "letters":  # the letters dialog opens larger than its size hint
        dialog.adjustSize()
    return dialog


def _statement_dialog(window: MainWindow, tab: int) -> QWidget:
    """The Account statement dialog of the customer shown, once its first page is drawn."""
    page = window.workspace_page
    page.account_statement()
    dialog = page.statement_actions.dialog
    if dialog is None:
        raise ScreenshotError(_("The dialog could not be opened."))
    from collections_desktop.views.dialogs.statement_dialog import StatementDialog

    assert isinstance(dialog, StatementDialog)
    if not 0 <= tab < dialog.preset.count():
        raise ScreenshotError(
            _("The statement dialog has periods 0 to {last}.").format(
                last=dialog.preset.count() - 1
            )
        )
    dialog.preset.setCurrentIndex(tab)
    dialog.request_preview()
    _wait_for(lambda: dialog.previewed, _("The statement's preview"))
    return dialog


def _wait_for_preview(window: MainWindow) -> None:
    """The template editor's preview on its first customer."""
    from collections_desktop.views.setup.mail_templates import MailTemplatesSection

    section = window.setup_page.sections["mail_templates"]
    assert isinstance(section, MailTemplatesSection)
    _wait_for(
        lambda: bool(section.preview_body.toPlainText()) or section.preview_error.isVisible(),
        _("The template preview"),
    )


def _mail_dialog(window: MainWindow, view: str, account: str) -> QWidget:
    """The Send e-mail dialog once every mail is filled, or the Outbox once read."""
    from collections_desktop.views.actions.mailing import send_template_mail
    from collections_desktop.views.dialogs.mail_dialog import SendMailDialog

    if view == "outbox":
        outbox = window.show_outbox()
        from collections_desktop.views.dialogs.outbox_dialog import OutboxDialog

        assert isinstance(outbox, OutboxDialog)
        _wait_for(
            lambda: outbox.mailings.topLevelItemCount() > 0 or bool(outbox.status.text()),
            _("The outbox"),
        )
        _wait_for(
            lambda: outbox.status.text() != "" or outbox.messages_view.topLevelItemCount() > 0,
            _("The outbox's mails"),
        )
        return outbox
    page = window.workspace_page
    send_template_mail(window.context, page, [account])
    _wait_for(lambda: page.findChild(SendMailDialog) is not None, _("The Send e-mail dialog"))
    dialog = page.findChild(SendMailDialog)
    assert dialog is not None
    _wait_for(lambda: dialog.prepared or dialog.error.isVisible(), _("The e-mails"))
    return dialog


def _record_payment_dialog(window: MainWindow) -> QWidget:
    """Record payment on the Workspace's customer: half of what is open typed, oldest first."""
    from decimal import Decimal

    from collections_desktop.views.dialogs.receipt_dialog import RecordPaymentDialog

    receipts = window.workspace_page.transaction_actions.receipts
    window.workspace_page.transaction_actions.record_payment()
    _wait_for(lambda: receipts.dialog is not None, _("The Record payment dialog"))
    dialog = receipts.dialog
    assert isinstance(dialog, RecordPaymentDialog)
    rows = [dialog.model.transaction(row) for row in range(dialog.model.rowCount())]
    total = sum((row.open_amount for row in rows[:3]), Decimal(0))
    dialog.amount.setText(
        window.context.formats.amount((total * Decimal("0.6")).quantize(Decimal("0.01")))
    )
    dialog.oldest_mode.setChecked(True)
    dialog.reference.setText("TRF 88121")
    dialog.adjustSize()
    return dialog


def _bank_import_summary(window: MainWindow) -> QWidget:
    """The import summary over the statements imported last (nothing is imported again)."""
    from collections_desktop.models.bank.importing import FileOutcome
    from collections_desktop.models.bank.read import statements
    from collections_desktop.models.bank.store import StoredFile, StoredStatement
    from collections_desktop.views.dialogs.bank_import import BankImportSummary

    with window.database.sessions() as session:
        rows = statements(session, limit=5)
    outcomes = [
        FileOutcome(
            Path(row.file_name),
            stored=StoredFile(
                row.file_name,
                row.file_format,
                (
                    StoredStatement(
                        row.id,
                        row.number or "",
                        row.account,
                        row.currency,
                        row.lines,
                        row.new_lines,
                        row.open_lines,
                        row.difference,
                    ),
                ),
                (),
            ),
        )
        for row in rows
    ]
    outcomes.append(
        FileOutcome(
            Path("extracto-noviembre.pdf"),
            refused=_("extracto-noviembre.pdf: this is not a camt, MT940 or OFX file; if it "
                      "is a CSV export, choose or create a CSV profile for it."),
        )
    )  # fmt: skip
    dialog = BankImportSummary(outcomes, window.context.formats, window)
    dialog.show()
    return dialog


def _bank_profile_dialog(window: MainWindow) -> QWidget:
    """The CSV profile dialog set up for a semicolon export, as a user would fill it."""
    from collections_desktop.views.dialogs.bank_profile import CsvProfileDialog

    head = (
        b"Fecha;Fecha valor;Importe;Ordenante;Concepto\n"
        b"16/11/2026;16/11/2026;1.210,00;RUIZ HERMANOS SL;Factura INV-0000123\n"
        b"17/11/2026;17/11/2026;-35,40;;Comision mantenimiento\n"
        b"18/11/2026;19/11/2026;500,00;LOPES & FILHOS LDA;RF18 5390 0754 7034\n"
    )
    dialog = CsvProfileDialog("movimientos-noviembre.csv", head, [], window.context.formats, window)
    dialog.date_format.setEditText("%d/%m/%Y")
    for field, column in (
        ("booking_date", "Fecha"),
        ("value_date", "Fecha valor"),
        ("amount", "Importe"),
        ("counterparty_name", "Ordenante"),
        ("remittance", "Concepto"),
    ):
        dialog.set_column(field, column)
    dialog.name.setText("Banco Ejemplo")
    dialog.account.setText("ES7921000813610123456789")
    dialog.currency.setText("EUR")
    dialog.show()
    dialog.adjustSize()
    return dialog


def _bank_assign_dialog(window: MainWindow) -> QWidget:
    """Assign to customer on the first waiting line no rule placed."""
    page = window.bank_page
    unplaced = [row for row in page.grid.model.rows() if row.best is None]
    if not unplaced or not page.select_line(unplaced[0].line.id):
        raise ScreenshotError(_("No waiting bank line without a suggestion to assign."))
    dialog = page.assign_current()
    if dialog is None:
        raise ScreenshotError(_("The Assign to customer dialog did not open."))
    dialog.adjustSize()
    return dialog


def _agency_reject_dialog(window: MainWindow) -> QWidget:
    """Reject collection on the first collection waiting that the viewer may reject, a
    reason typed."""
    tab = window.agency_page.unapproved
    rows = [row for row in tab.grid.model.rows() if tab.approve_block(row) is None]
    if not rows or not tab.select_collection(rows[0].id):
        raise ScreenshotError(_("No collection waits that this user may reject."))
    dialog = tab.reject_current()
    if dialog is None:
        raise ScreenshotError(_("The Reject collection dialog did not open."))
    dialog.reason.setPlainText(_("The transfer is not on the bank statement of that day."))
    dialog.adjustSize()
    return dialog


def _agency_import_dialog(window: MainWindow) -> QWidget:
    """File ▸ Import case files…, before a file is chosen."""
    dialog = window.import_case_files()
    if dialog is None:
        raise ScreenshotError(_("The Import case files dialog did not open."))
    _wait_for(lambda: not window.agency_page.is_loading, _("The clients"))
    dialog.adjustSize()
    return dialog


def _month_statements_dialog(window: MainWindow) -> QWidget:
    """Where last month's statements stand, as the Billing menu's entry shows it."""
    controller = window.check_month_statements()
    _wait_for(lambda: controller.dialog is not None, _("Last month's statements"))
    dialog = controller.dialog
    assert dialog is not None
    dialog.adjustSize()
    return dialog


def _month_statements_progress(window: MainWindow) -> None:
    """The status bar's progress while statements are printed (a third of the way); no
    mail is sent."""
    from collections_desktop.views.actions.mailing import StatusProgress

    progress = StatusProgress(window, _("Printing statements…"))
    progress.show_progress(245, 736, _("Printing statements"))


def _case_file_window(window: MainWindow, size: tuple[int, int]) -> QWidget:
    """The case file window of the open case with the most to show (one with a plan
    first, then by collections, annotations, instalments and files; by number among
    equals) at the window's size, read, with the first entry that has files selected."""
    from sqlalchemy import func

    from collections_desktop.models.db.schema import (
        CLOSED_CASE_STATUSES,
        AgencyAnnotation,
        AgencyAttachment,
        AgencyCase,
        AgencyCollection,
        AgencyInstalment,
        AgencyPlan,
    )
    from collections_desktop.views.dialogs.case_file import CaseFileWindow

    def count(table: type[AgencyCollection] | type[AgencyAnnotation] | type[AgencyPlan]) -> Any:
        return (
            select(func.count())
            .where(table.case_id == AgencyCase.id)
            .correlate(AgencyCase)
            .scalar_subquery()
        )

    files = (
        select(func.count())
        .select_from(AgencyAttachment)
        .join(AgencyAnnotation, AgencyAnnotation.id == AgencyAttachment.annotation_id)
        .where(AgencyAnnotation.case_id == AgencyCase.id)
        .correlate(AgencyCase)
        .scalar_subquery()
    )
    instalments = (
        select(func.count())
        .select_from(AgencyInstalment)
        .join(AgencyPlan, AgencyPlan.id == AgencyInstalment.plan_id)
        .where(AgencyPlan.case_id == AgencyCase.id)
        .correlate(AgencyCase)
        .scalar_subquery()
    )
    score = count(AgencyCollection) + count(AgencyAnnotation) + 2 * instalments + 5 * files
    with window.context.database.sessions() as session:
        case_id = session.scalar(
            select(AgencyCase.id)
            .where(AgencyCase.status.not_in([str(s) for s in CLOSED_CASE_STATUSES]))
            .order_by((count(AgencyPlan) > 0).desc(), score.desc(), AgencyCase.number)
            .limit(1)
        )
    if case_id is None:
        raise ScreenshotError(
            _(
                "There is no open agency case file in {database} (make some with demo --agency)."
            ).format(database=window.context.database.display_name)
        )
    case_window = CaseFileWindow(window.context, case_id, window)
    case_window.resize(*size)
    case_window.show()
    _wait_for(
        lambda: case_window.case is not None and not case_window.is_loading, _("The case file")
    )
    for entry in case_window.history.shown():
        if entry.annotation is not None and entry.annotation.attachments:
            case_window.history.select(entry.annotation.id)
            break
    return case_window


def _wait_for(done: Callable[[], bool], what: str) -> None:
    """Run the event loop until ``done()``; ScreenshotError naming ``what`` if too slow."""
    if done():
        return
    loop = QEventLoop()
    poll = QTimer()
    poll.timeout.connect(lambda: loop.quit() if done() else None)
    poll.start(20)
    QTimer.singleShot(LOAD_TIMEOUT_MS, loop.quit)
    loop.exec()
    poll.stop()
    if not done():
        raise ScreenshotError(
            _("{what} was not read within {seconds} s.").format(
                what=what, seconds=LOAD_TIMEOUT_MS // 1000
            )
        )


def _check_output(output: Path) -> Path:
    output = output.expanduser().resolve()
    if output.is_dir():
        raise ScreenshotError(_("{path} is a folder; name a .png file.").format(path=output))
    if output.suffix.lower() != ".png":
        raise ScreenshotError(_("{path} must end in .png.").format(path=output))
    folder = output.parent
    if not folder.is_dir():
        raise ScreenshotError(_("The folder {folder} does not exist.").format(folder=folder))
    if not os.access(folder, os.W_OK) or (output.exists() and not os.access(output, os.W_OK)):
        raise ScreenshotError(_("Cannot write {path}: permission denied.").format(path=output))
    return output


def _open(url: str | Path, clock: Clock) -> Database:
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        path = Path(parsed.database)
        # A screenshot shows a company; it must not create an empty database by accident.
        if not path.exists():
            raise ScreenshotError(_("There is no database at {path}.").format(path=path))
    return open_company(url, clock=clock, create=False)


def _check_customer(database: Database, account: str | None, view: str) -> uuid.UUID | None:
    """The id of the customer to show: the Workspace and Collections need one, others none."""
    if account is None:
        if view in CUSTOMER_VIEWS:
            raise ScreenshotError(_("The {view} view needs --customer ACCOUNT.").format(view=view))
        return None
    if view not in CUSTOMER_VIEWS + MAY_SHOW_CUSTOMER:
        raise ScreenshotError(
            _("The view {view!r} does not show a customer; leave out --customer.").format(view=view)
        )
    with database.sessions() as session:
        found = session.scalar(
            select(Customer.id).where(Customer.account == account, Customer.deleted_at.is_(None))
        )
    if found is None:
        raise ScreenshotError(
            _("There is no customer with account {account} in {database}.").format(
                account=account, database=database.display_name
            )
        )
    return found


def _default_user(database: Database) -> str | None:
    """The demo's first agent when the database has them, else None (the login name)."""
    from collections_desktop.demo.company import DEMO_USER

    with database.sessions() as session:
        found = session.scalar(select(Employee.id).where(Employee.user_name == DEMO_USER))
    return DEMO_USER if found is not None else None


def wait_until_loaded(window: MainWindow) -> None:
    """Run the event loop until no page is loading any more; ScreenshotError if too slow.

    The smoke test (``smoke.py``) waits the same way.
    """
    pages = window.page_list

    def loading() -> bool:
        return any(page.is_loading for page in pages) or (
            window.conflicts_page is not None and window.conflicts_page.detail_reads.is_loading
        )

    if not loading():
        return
    loop = QEventLoop()
    poll = QTimer()
    poll.timeout.connect(lambda: None if loading() else loop.quit())
    poll.start(20)
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(loop.quit)
    timer.start(LOAD_TIMEOUT_MS)
    loop.exec()
    poll.stop()
    if loading():
        raise ScreenshotError(
            _("The page did not finish loading within {seconds} s.").format(
                seconds=LOAD_TIMEOUT_MS // 1000
            )
        )


def _save(pixmap: QPixmap, target: Path) -> None:
    if pixmap.isNull() or not pixmap.save(str(target), "PNG"):
        raise ScreenshotError(_("Cannot write {path}.").format(path=target))

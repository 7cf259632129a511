"""The case file window on a real SQLite company file filled through the agency models:
the case's figures and history, and what recording a collection, an action, an
annotation, a plan or a file changes on screen."""

from __future__ import annotations

import datetime as dt
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QUrl
from sqlalchemy import select

from collections_desktop.kernel.clock import FixedClock
from collections_desktop.models.agency import (
    annotations,
    cases,
    clients,
    collections,
    staff,
)
from collections_desktop.models.agency.attachments import MAX_ATTACHMENT_BYTES
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import AgencyCase, Employee
from collections_desktop.models.people.scope import company_scope
from collections_desktop.views.dialogs.agency_annotation import AnnotationDialog
from collections_desktop.views.dialogs.agency_collection import CollectionDialog
from collections_desktop.views.dialogs.agency_plan import PlanDialog
from collections_desktop.views.dialogs.agency_status import CaseStatusDialog
from collections_desktop.views.dialogs.case_file import CaseFileWindow, open_case_file
from collections_desktop.views.dialogs.fields import qdate
from collections_desktop.views.tasks import TaskRunner
from tests.gui.conftest import page_context

D = Decimal
TODAY = dt.date(2026, 11, 23)
NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
WAIT = 10_000
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@dataclass
class Agency:
    database: Database
    case_id: uuid.UUID
    number: str
    collector_id: uuid.UUID
    supervisor_id: uuid.UUID


def _employee(session, number: str, name: str) -> uuid.UUID:  # type: ignore[no-untyped-def]
    employee = Employee(number=number, name=name, updated_at=NOW)
    session.add(employee)
    session.flush()
    return employee.id


@pytest.fixture
def agency(sqlite_db: Database) -> Agency:
    """Banco Norte's case against Hermanos Ruiz SL: 2,200.00 + 180.00 interest + 100.00
    fees = 2,480.00; collected 500.00 (2 Oct) and 300.00 (10 Nov), approved; 120.00
    (30 Oct) rejected; 250.00 (20 Nov) waiting for approval; a call on 5 Nov.
    Collected 800.00, pending 250.00, outstanding 1,680.00."""
    moment = iter(NOW - dt.timedelta(hours=2) + dt.timedelta(minutes=n) for n in range(100))
    with sqlite_db.sessions.begin() as session:
        ana = _employee(session, "E-A1", "Ana Soto")
        luis = _employee(session, "E-A2", "Luis Pérez")
        staff.set_staff(session, ana, is_supervisor=False, share_percent=D("20"), now=NOW)
        staff.set_staff(session, luis, is_supervisor=True, share_percent=D("0"), now=NOW)
        client_id = clients.create_client(
            session,
            clients.ClientValues(
                code="BNORTE",
                name="Banco Norte SA",
                tax_id="A11111111",
                contact_name="Marta Gil",
                email="cobros@bnorte.example",
                phone=None,
                address=None,
                language="es",
                currency="EUR",
                commission_percent=D("15"),
                remittance_days=15,
                remittance_terms=None,
                bands=(),
            ),
            now=NOW,
        )
        number = cases.open_case(
            session,
            cases.CaseValues(
                client_id=client_id,
                client_reference="CLI-99812",
                debtor=cases.DebtorValues(
                    kind="company",
                    name="Hermanos Ruiz SL",
                    tax_id="B12345678",
                    language="es",
                    addresses=("Calle Mayor 4, 28013 Madrid",),
                    phones=("+34 91 555 0101",),
                    emails=("admin@ruiz.example",),
                ),
                currency="EUR",
                principal=D("2200.00"),
                interest=D("180.00"),
                fees=D("100.00"),
                debt_date=dt.date(2026, 7, 1),
                collector_id=ana,
                assigned_on=dt.date(2026, 9, 1),
                documents=(
                    ("FV-2026-00123", dt.date(2026, 6, 1), dt.date(2026, 7, 1), D("1200.00")),
                    ("FV-2026-00188", dt.date(2026, 7, 1), dt.date(2026, 8, 1), D("1000.00")),
                ),
            ),
            now=next(moment),
            by=ana,
        )
        case_id = session.scalar(select(AgencyCase.id).where(AgencyCase.number == number))
        assert case_id is not None

        def collect(day: dt.date, amount: str, reference: str | None) -> uuid.UUID:
            return collections.record_collection(
                session,
                case_id=case_id,
                collected_on=day,
                amount=D(amount),
                method="bank_transfer",
                reference=reference,
                collected_by_id=ana,
                now=next(moment),
            )

        first = collect(dt.date(2026, 10, 2), "500.00", "TR-1")
        collections.approve(session, first, 1, supervisor_id=luis, now=next(moment))
        wrong = collect(dt.date(2026, 10, 30), "120.00", None)
        collections.reject(
            session, wrong, 1, supervisor_id=luis, reason="Not in the bank", now=next(moment)
        )
        annotations.add_annotation(
            session,
            case_id=case_id,
            kind="call",
            text="Spoke with the manager; promised 300",
            by=ana,
            now=next(moment),
            done_on=dt.date(2026, 11, 5),
        )
        second = collect(dt.date(2026, 11, 10), "300.00", "TR-2")
        collections.approve(session, second, 1, supervisor_id=luis, now=next(moment))
        collect(dt.date(2026, 11, 20), "250.00", "TR-3")
    return Agency(sqlite_db, case_id, number, ana, luis)


@dataclass
class Opened:
    window: CaseFileWindow
    urls: list[str]
    """What the window asked the desktop to open."""
    files: list[str]
    """The files the next Attach file… choose, first first."""


@pytest.fixture
def opened(qtbot, agency: Agency) -> Iterator[Opened]:  # type: ignore[no-untyped-def]
    """The case file window of the collector Ana Soto, read and shown."""
    runner = TaskRunner()
    with agency.database.sessions() as session:
        scope = company_scope(session)
    context = page_context(
        agency.database, runner, scope, agency.collector_id, FixedClock.on(TODAY)
    )
    urls: list[str] = []

    def open_url(url: QUrl) -> bool:
        urls.append(url.toString())
        return True

    files: list[str] = []
    window = CaseFileWindow(
        context, agency.case_id, open_url=open_url, choose_file=lambda _parent: files.pop(0)
    )
    with qtbot.waitSignal(window.loaded, timeout=WAIT):
        window.show()
    yield Opened(window, urls, files)
    window.close()
    runner.shutdown()


def figures(window: CaseFileWindow) -> dict[str, str]:
    return {key: label.text() for key, label in window.figures.items()}


def history(window: CaseFileWindow) -> list[tuple[str, str, str, str]]:
    tree = window.history.tree
    return [
        tuple(tree.topLevelItem(i).text(c) for c in range(4))  # type: ignore[misc]
        for i in range(tree.topLevelItemCount())
    ]


def submit(qtbot, window: CaseFileWindow) -> None:  # type: ignore[no-untyped-def]
    """Press OK in the window's dialog and wait until the case is read again."""
    dialog = window.dialog
    assert dialog is not None
    with qtbot.waitSignal(window.loaded, timeout=WAIT, raising=False) as blocker:
        dialog.ok_button.click()
    assert blocker.signal_triggered, dialog.error.text()
    assert window.dialog is None  # accepted and closed


def test_the_window_shows_the_case_figures_and_history_newest_first(opened: Opened) -> None:
    window = opened.window
    assert window.number.text() == "EXP-000001"
    assert window.windowTitle() == "Case file EXP-000001 · Hermanos Ruiz SL"
    assert window.status.text() == "New"
    assert window.dates.text() == "Assigned Sep 1, 2026 · last action Nov 20, 2026"
    assert window.client.text() == "Banco Norte SA (BNORTE) · their reference CLI-99812"
    assert window.debtor.text() == "Hermanos Ruiz SL · tax id B12345678 · Company"
    assert window.collector.text() == "Ana Soto"
    assert window.successor.isHidden()
    assert figures(window) == {
        "principal": "2,200.00\xa0EUR",
        "interest": "180.00\xa0EUR",
        "fees": "100.00\xa0EUR",
        "debt": "2,480.00\xa0EUR",
        "collected": "800.00\xa0EUR",
        "pending": "250.00\xa0EUR",
        "outstanding": "1,680.00\xa0EUR",
    }
    assert history(window) == [
        (
            "Nov 20, 2026",
            "Collection · Bank transfer · TR-3 · by Ana Soto",
            "250.00",
            "Unapproved · collected",
        ),
        (
            "Nov 10, 2026",
            "Collection · Bank transfer · TR-2 · by Ana Soto",
            "300.00",
            "Approved · collected",
        ),
        ("Nov 5, 2026", "Call: Spoke with the manager; promised 300", "", "Done"),
        (
            "Oct 30, 2026",
            "Collection · Bank transfer · by Ana Soto",
            "120.00",
            "Rejected · collected",
        ),
        (
            "Oct 2, 2026",
            "Collection · Bank transfer · TR-1 · by Ana Soto",
            "500.00",
            "Approved · collected",
        ),
    ]
    approved = window.history.tree.topLevelItem(1)
    assert "Approved by Luis Pérez" in approved.toolTip(1)
    assert "Recorded · Ana Soto" in approved.toolTip(1)
    rejected = window.history.tree.topLevelItem(3)
    assert "Rejected: Not in the bank" in rejected.toolTip(1)
    assert window.history.count.text() == "5 entries"
    # The creditor's documents, the debtor's contacts; no plan yet.
    assert window.documents_model.rowCount() == 2
    assert [
        window.documents_model.row(window.documents_model.index(r, 0)).amount for r in range(2)
    ] == [D("1200.00"), D("1000.00")]
    values = [
        label.text()
        for label in window.contacts_box.findChildren(type(window.number), "contact_value")
    ]
    assert sorted(values) == [
        "+34 91 555 0101",
        "Calle Mayor 4, 28013 Madrid",
        "admin@ruiz.example",
    ]
    assert window.plans.isHidden()
    assert not window.plans_empty.isHidden()
    # Filtering the history by type.
    window.history.filter.setCurrentIndex(window.history.filter.findData("action"))
    assert [row[1] for row in history(window)] == ["Call: Spoke with the manager; promised 300"]
    window.history.filter.setCurrentIndex(0)


def test_calling_and_writing_to_the_debtor_go_through_the_desktop(qtbot, opened: Opened) -> None:
    window = opened.window
    call = window.contacts_box.findChild(
        type(window.toolbar.widgetForAction(window.record_action)), "contact_call"
    )
    mail = window.contacts_box.findChild(
        type(window.toolbar.widgetForAction(window.record_action)), "contact_email"
    )
    assert call is not None
    assert mail is not None
    call.click()
    mail.click()
    assert opened.urls == ["tel:+34915550101", "mailto:admin@ruiz.example"]


def test_recording_a_collection_adds_it_pending_on_top(qtbot, opened: Opened) -> None:
    window = opened.window
    window.record_action.trigger()
    dialog = window.dialog
    assert isinstance(dialog, CollectionDialog)
    dialog.amount.setText("100.00")
    dialog.reference.setText("CASH-7")
    dialog.method.setCurrentIndex(dialog.method.findData("cash"))
    submit(qtbot, window)
    assert figures(window)["pending"] == "350.00\xa0EUR"
    assert figures(window)["collected"] == "800.00\xa0EUR"
    assert figures(window)["outstanding"] == "1,680.00\xa0EUR"
    assert history(window)[0] == (
        "Nov 23, 2026",
        "Collection · Cash · CASH-7 · by Ana Soto",
        "100.00",
        "Unapproved · collected",
    )
    assert window.message.text() == "Collection of 100.00\xa0EUR recorded; it waits for approval."


def test_a_scheduled_action_and_a_located_phone_show_in_the_history(qtbot, opened: Opened) -> None:
    window = opened.window
    window.action_action.trigger()
    dialog = window.dialog
    assert isinstance(dialog, AnnotationDialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData("visit"))
    dialog.text.setPlainText("Deliver the letter by hand")
    dialog.scheduled_choice.setChecked(True)
    dialog.scheduled_on.setDate(qdate(dt.date(2026, 11, 27)))
    submit(qtbot, window)
    assert history(window)[0] == (
        "Nov 27, 2026",
        "Visit: Deliver the letter by hand",
        "",
        "Scheduled",
    )
    assert window.message.text() == "Visit scheduled for Nov 27, 2026."

    window.annotation_action.trigger()
    dialog = window.dialog
    assert isinstance(dialog, AnnotationDialog)
    dialog.found_value.setText("+34 91 555 0199")
    dialog.source.setText("phone book")
    submit(qtbot, window)
    assert history(window)[1] == (
        "Nov 23, 2026",
        "Debtor located: +34 91 555 0199 (phone book)",
        "",
        "",
    )
    values = [
        label.text()
        for label in window.contacts_box.findChildren(type(window.number), "contact_value")
    ]
    assert "+34 91 555 0199" in values


def test_a_payment_plan_shows_its_instalments_and_the_case_status(qtbot, opened: Opened) -> None:
    window = opened.window
    window.plan_action.trigger()
    dialog = window.dialog
    assert isinstance(dialog, PlanDialog)
    assert dialog.total.text() == "1,680.00"
    dialog.count.setValue(3)
    dialog.first_due.setDate(qdate(dt.date(2026, 12, 5)))
    dialog.divide()
    submit(qtbot, window)
    assert window.status.text() == "Payment plan"
    plan = window.plans.topLevelItem(0)
    assert plan.text(0) == "Payment plan agreed Nov 23, 2026 · 1,680.00\xa0EUR"
    assert [tuple(plan.child(i).text(c) for c in range(4)) for i in range(plan.childCount())] == [
        ("1. Dec 5, 2026", "560.00", "0.00", "Open"),
        ("2. Jan 5, 2027", "560.00", "0.00", "Open"),
        ("3. Feb 5, 2027", "560.00", "0.00", "Open"),
    ]
    assert window.plans_empty.isHidden()
    assert "Approved collections since it was agreed: 0.00\xa0EUR" in plan.toolTip(0)

    window.promise_action.trigger()
    dialog = window.dialog
    assert isinstance(dialog, PlanDialog)
    dialog.total.setText("200")
    dialog.promise_date.setDate(qdate(dt.date(2026, 11, 30)))
    submit(qtbot, window)
    promise = window.plans.topLevelItem(0)
    assert promise.text(0) == "Promise to pay agreed Nov 23, 2026 · 200.00\xa0EUR"
    assert promise.child(0).text(0) == "Nov 30, 2026"


def test_changing_the_status(qtbot, opened: Opened) -> None:
    window = opened.window
    window.status_button.click()
    dialog = window.dialog
    assert isinstance(dialog, CaseStatusDialog)
    dialog.status.setCurrentIndex(dialog.status.findData("legal"))
    submit(qtbot, window)
    assert window.status.text() == "Legal"
    assert window.message.text() == "The case is now: Legal."


def test_files_of_the_wrong_type_are_refused_and_a_pdf_is_kept_and_opened(
    qtbot, opened: Opened, tmp_path: Path, dialogs
) -> None:
    window = opened.window
    assert not window.attach_action.isEnabled()
    assert "Select an annotation or action" in window.attach_action.toolTip()
    window.history.filter.setCurrentIndex(window.history.filter.findData("action"))
    window.history.tree.setCurrentItem(window.history.tree.topLevelItem(0))
    assert window.attach_action.isEnabled()
    notes = tmp_path / "notes.txt"
    notes.write_text("not a pdf")
    opened.files.append(str(notes))
    window.attach_action.trigger()
    qtbot.waitUntil(lambda: bool(dialogs["warning"]), timeout=WAIT)
    ((title, text),) = dialogs["warning"]
    assert title == "Attach file"
    assert text == (
        "notes.txt is not a PDF or an image (PNG, JPEG, GIF, WebP, TIFF), whatever its name "
        "says; save it as PDF or as an image and attach that."
    )
    assert window.message.text() == text

    extract = tmp_path / "registry-extract.pdf"
    extract.write_bytes(PDF)
    opened.files.append(str(extract))
    with qtbot.waitSignal(window.loaded, timeout=WAIT):
        window.attach_action.trigger()
    call = window.history.tree.topLevelItem(0)
    assert call.text(3) == "Done · 1 file"
    assert call.childCount() == 1
    assert call.child(0).text(1).startswith("registry-extract.pdf · ")
    window.history.tree.setCurrentItem(call.child(0))
    assert window.open_action.isEnabled()
    window.open_action.trigger()
    qtbot.waitUntil(lambda: bool(opened.urls), timeout=WAIT)
    path = Path(QUrl(opened.urls[0]).toLocalFile())
    assert path.name == "registry-extract.pdf"
    assert path.read_bytes() == PDF
    # Activating the file's line (double click, Return) opens it too.
    window.history.tree.itemActivated.emit(call.child(0), 1)
    qtbot.waitUntil(lambda: len(opened.urls) == 2, timeout=WAIT)
    assert opened.urls[1] == opened.urls[0]

    big = tmp_path / "scan.pdf"
    big.write_bytes(PDF + b"0" * (MAX_ATTACHMENT_BYTES + 2 * 1024 * 1024))
    opened.files.append(str(big))
    window.history.tree.setCurrentItem(call)
    window.attach_action.trigger()
    qtbot.waitUntil(lambda: len(dialogs["warning"]) == 2, timeout=WAIT)
    assert dialogs["warning"][1][1] == (
        "scan.pdf is 12.0 MB; a file kept with a case file is at most 10 MB."
    )


def test_an_unapproved_collection_is_corrected_an_approved_one_is_not(
    qtbot, opened: Opened
) -> None:
    window = opened.window
    tree = window.history.tree
    pending = tree.topLevelItem(0)
    tree.setCurrentItem(pending)
    tree.itemActivated.emit(pending, 1)
    dialog = window.dialog
    assert isinstance(dialog, CollectionDialog)
    assert dialog.windowTitle() == "Edit collection · EXP-000001 Hermanos Ruiz SL"
    assert (dialog.amount.text(), dialog.reference.text()) == ("250.00", "TR-3")
    dialog.amount.setText("275.00")
    submit(qtbot, window)
    assert history(window)[0] == (
        "Nov 20, 2026",
        "Collection · Bank transfer · TR-3 · by Ana Soto",
        "275.00",
        "Unapproved · collected",
    )
    assert figures(window)["pending"] == "275.00\xa0EUR"
    assert "Edited · Ana Soto" in tree.topLevelItem(0).toolTip(1)

    approved = tree.topLevelItem(1)
    tree.setCurrentItem(approved)
    tree.itemActivated.emit(approved, 1)
    assert window.dialog is None
    assert window.message.text() == (
        "An approved collection is not edited; a supervisor reverses it instead."
    )


def test_a_scheduled_action_is_marked_done(qtbot, opened: Opened) -> None:
    window = opened.window
    window.action_action.trigger()
    dialog = window.dialog
    assert isinstance(dialog, AnnotationDialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData("letter"))
    dialog.text.setPlainText("Send the demand letter")
    dialog.scheduled_choice.setChecked(True)
    dialog.scheduled_on.setDate(qdate(TODAY))
    submit(qtbot, window)
    assert history(window)[0][1:] == ("Letter: Send the demand letter", "", "Scheduled")
    window.history.tree.setCurrentItem(window.history.tree.topLevelItem(0))
    with qtbot.waitSignal(window.loaded, timeout=WAIT):
        window.mark_done()
    assert history(window)[0] == ("Nov 23, 2026", "Letter: Send the demand letter", "", "Done")
    assert window.dates.text() == "Assigned Sep 1, 2026 · last action Nov 23, 2026"


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # the offscreen platform
def test_opening_an_open_case_again_raises_its_window(qtbot, opened: Opened) -> None:
    window = opened.window
    with qtbot.waitSignal(window.loaded, timeout=WAIT):
        again = open_case_file(window.context, window.case_id)
    assert again is window


def test_a_reversed_collection_and_its_reversal(qtbot, opened: Opened, agency: Agency) -> None:
    window = opened.window
    assert window.case is not None
    first = next(r for r in window.case.collections if r.collected_on == dt.date(2026, 10, 2))
    with agency.database.sessions.begin() as session:
        collections.reverse(
            session,
            first.id,
            first.version,
            supervisor_id=agency.supervisor_id,
            reason="Bounced",
            on=TODAY,
            now=NOW,
        )
    with qtbot.waitSignal(window.loaded, timeout=WAIT):
        window.reload()
    rows = history(window)
    assert rows[0][0] == "Nov 23, 2026"
    assert rows[0][1].startswith("Reversal of a collection · Bank transfer")
    assert rows[0][2:] == ("-500.00", "Approved · collected")
    assert window.history.tree.topLevelItem(0).foreground(2).color() != (
        window.history.tree.topLevelItem(1).foreground(2).color()
    )  # the negative amount in the alert colour
    assert rows[-1][1:] == (
        "Collection · Bank transfer · TR-1 · by Ana Soto",
        "500.00",
        "Reversed · collected",
    )
    assert figures(window)["collected"] == "300.00\xa0EUR"
    assert figures(window)["outstanding"] == "2,180.00\xa0EUR"


def test_a_viewer_who_is_not_staff_reads_but_cannot_write(qtbot, agency: Agency) -> None:
    runner = TaskRunner()
    with agency.database.sessions() as session:
        scope = company_scope(session)
    context = page_context(agency.database, runner, scope, None, FixedClock.on(TODAY))
    window = CaseFileWindow(context, agency.case_id)
    try:
        with qtbot.waitSignal(window.loaded, timeout=WAIT):
            window.show()
        assert figures(window)["outstanding"] == "1,680.00\xa0EUR"
        for action in (window.record_action, window.plan_action, window.attach_action):
            assert not action.isEnabled()
            assert action.toolTip() == (
                "Only agency staff can work on a case file; you are not an employee."
            )
        assert not window.status_button.isEnabled()
    finally:
        window.close()
        runner.shutdown()


def test_the_screenshot_shows_the_case_file_window(qapp, agency: Agency, tmp_path: Path) -> None:
    from PySide6.QtGui import QImage

    from collections_desktop.screenshot import ScreenshotError, render_screenshot

    target = render_screenshot(
        "agency-case-file",
        tmp_path / "case.png",
        database=agency.database,
        size=(1366, 768),
        clock=FixedClock.on(TODAY),
    )
    image = QImage(str(target))
    assert (image.width(), image.height()) == (1366, 768)

    with agency.database.sessions.begin() as session:
        cases.set_status(
            session, agency.case_id, 1, "closed_paid", now=NOW, by=agency.supervisor_id
        )
    with pytest.raises(ScreenshotError, match="There is no open agency case file"):
        render_screenshot("agency-case-file", tmp_path / "none.png", database=agency.database)


def test_a_window_gone_with_its_parent_is_opened_anew(qtbot, agency: Agency) -> None:
    from PySide6.QtWidgets import QWidget

    runner = TaskRunner()
    with agency.database.sessions() as session:
        scope = company_scope(session)
    context = page_context(
        agency.database, runner, scope, agency.collector_id, FixedClock.on(TODAY)
    )
    parent = QWidget()
    try:
        first = open_case_file(context, agency.case_id, parent)
        qtbot.waitUntil(lambda: first.case is not None, timeout=WAIT)
        parent.deleteLater()
        qtbot.waitUntil(lambda: not shiboken6.isValid(first), timeout=WAIT)
        again = open_case_file(context, agency.case_id)
        assert again is not first
        qtbot.waitUntil(lambda: again.case is not None, timeout=WAIT)
        again.close()
    finally:
        runner.shutdown()


def test_closing_the_window_while_it_reads_leaves_no_error(qtbot, agency: Agency) -> None:
    """The read ends after the window (deleted on close) is gone: nothing of it is touched."""
    runner = TaskRunner()
    with agency.database.sessions() as session:
        scope = company_scope(session)
    context = page_context(
        agency.database, runner, scope, agency.collector_id, FixedClock.on(TODAY)
    )
    errors: list[BaseException] = []
    hook, sys.excepthook = sys.excepthook, lambda _kind, error, _trace: errors.append(error)
    try:
        window = CaseFileWindow(context, agency.case_id)
        window.show()
        assert window.is_loading
        window.close()
        with qtbot.waitSignal(window.destroyed, timeout=WAIT):
            pass
        runner.shutdown()  # waits for the read, whose outcome reaches the event loop
        qtbot.wait(300)  # past the busy indicator's delay
    finally:
        sys.excepthook = hook
    assert errors == []

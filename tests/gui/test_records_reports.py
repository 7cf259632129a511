"""Enter record from the Workspace and the Overview, and the Reports page: the dialog's
values saved, the follow-up in the Overview's activities, the record on the timeline; the
reports chosen, their period and rows, a double-click opening the customer, and the PDF
export with its filters."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from openpyxl import load_workbook
from PySide6.QtCore import QDate
from sqlalchemy import select

from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import Activity
from collections_desktop.views.pages.reports_page import ACTION_CONTROL, COLLECTIONS_BY_AGENT
from tests.pdf_text import pdf_text
from tests.unit.test_overview import add_pool, employee_id
from tests.unit.test_reports import invoice
from tests.unit.test_scope import add_agent
from tests.unit.test_snapshot import add_customer

LOAD = 15_000


def books(database: Database):
    """An Iberia agent with two Spanish customers owing since September and August."""
    with database.sessions.begin() as session:
        iberia = add_pool(session, "Iberia", "ES")
        user = add_agent(session, [iberia], default=iberia)
        es1, es2 = add_customer(session, "ES"), add_customer(session, "ES")
        es1.name, es2.name = "Ruiz Hermanos SL", "Garcia Hnos SA"
        invoice(session, es1, "500.00", dt.date(2026, 9, 1))
        invoice(session, es2, "200.00", dt.date(2026, 8, 1))
        return user, employee_id(session, user), es1.id, es1.account, es2.account


def test_a_record_entered_in_the_workspace_is_saved_with_its_follow_up(
    qtbot, sqlite_db: Database, make_window
) -> None:
    user, me, es1, account, _other = books(sqlite_db)
    window = make_window(sqlite_db, user_name=user)
    window.show()
    page = window.workspace_page
    window.show_customer(es1)
    qtbot.waitUntil(lambda: page.data is not None, timeout=LOAD)
    assert page.enter_record_action.isEnabled()
    assert page.enter_record_action.shortcut().toString() == "Ctrl+Shift+K"
    page.enter_record_action.trigger()
    qtbot.waitUntil(lambda: page.records.dialog is not None, timeout=LOAD)
    dialog = page.records.dialog
    assert dialog.customer_label.text() == f"{account} · Ruiz Hermanos SL"
    assert dialog.event_type.currentData() == "CALL"  # the usual event first
    assert dialog.responsible.currentData() == me.hex  # the viewer by default
    dialog.ok_button.click()  # no result chosen: refused in the dialog
    assert dialog.error.text() == "Choose the result of the record."
    dialog.result_combo.setCurrentIndex(dialog.result_combo.findData("PROMISED"))
    dialog.observations.setPlainText("Ana pays INV-1 on Friday")
    dialog.follow_up.setChecked(True)
    dialog.next_action.setDate(QDate(2026, 11, 27))
    with qtbot.waitSignal(page.loaded, timeout=LOAD):
        dialog.ok_button.click()
    with sqlite_db.sessions() as session:
        record, task = session.execute(select(Activity).order_by(Activity.number)).scalars()
    assert (record.closed, record.result, record.category) == (True, "PROMISED", "CALL")
    assert record.purpose == "Ana pays INV-1 on Friday"
    assert (task.closed, task.end_at.astimezone().date()) == (False, dt.date(2026, 11, 27))
    assert record.number in task.memo
    # The timeline shows the record with its result; the status bar says what was done.
    titles = [entry.title for entry in page.timeline_entries()]
    assert any(t.startswith("Call · Promised to pay · ") for t in titles)
    assert f"Record {record.number} saved" in page.status
    # The follow-up is among the viewer's activities on the Overview.
    overview = window.overview_page
    with qtbot.waitSignal(overview.loaded, timeout=LOAD):
        window.show_page("overview")
        overview.refresh()
    numbers = [row.number for row in overview.activities.model.rows()]
    assert task.number in numbers


def test_the_overview_enters_records_for_the_selected_activities_customers(
    qtbot, sqlite_db: Database, make_window
) -> None:
    user, _me, _es1, account, other = books(sqlite_db)
    window = make_window(sqlite_db, user_name=user)
    overview = window.overview_page
    with qtbot.waitSignal(overview.loaded, timeout=LOAD):
        window.show()
    assert not overview.enter_record_action.isEnabled()  # nothing chosen yet
    overview._record_grid = None
    overview.records.enter([account, other])
    qtbot.waitUntil(lambda: overview.records.dialog is not None, timeout=LOAD)
    dialog = overview.records.dialog
    assert dialog.windowTitle() == "Enter records for 2 customers"
    dialog.result_combo.setCurrentIndex(dialog.result_combo.findData("NO_ANSWER"))
    qtbot.waitUntil(lambda: not overview.is_loading, timeout=LOAD)
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: "2 records saved" in overview.status, timeout=LOAD)
    with sqlite_db.sessions() as session:
        results = session.scalars(select(Activity.result)).all()
    assert results == ["NO_ANSWER", "NO_ANSWER"]


def test_the_reports_page_reads_both_reports_opens_customers_and_prints_its_filters(
    qtbot, sqlite_db: Database, make_window, tmp_path
) -> None:
    user, me, es1, account, other = books(sqlite_db)
    from collections_desktop.models.casework.records import enter_records
    from collections_desktop.models.people.scope import company_scope
    from tests.unit.test_reports import at

    with sqlite_db.sessions.begin() as session:
        for target, result, day in ((account, "REACHED", 20), (other, "NO_ANSWER", 21)):
            enter_records(
                session,
                company_scope(session),
                [target],
                now=at(22),
                event_type="CALL",
                responsible_id=me,
                at=at(day),
                observations=f"{result} call",
                result=result,
            )
    window = make_window(sqlite_db, user_name=user)
    window.show()
    page = window.reports_page
    with qtbot.waitSignal(page.loaded, timeout=LOAD):
        window.report_actions[ACTION_CONTROL].trigger()
    assert window.current_page == "reports"
    assert page.report.currentText() == "Action control"
    rows = page.grid.model.rows()
    assert [(r.account, r.result) for r in rows] == [(other, "No answer"), (account, "Reached")]
    assert rows[1].balance == Decimal("500.00")
    # A period without the calls has no rows.
    with qtbot.waitSignal(page.loaded, timeout=LOAD):
        page.set_period(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert page.grid.model.rows() == ()
    with qtbot.waitSignal(page.loaded, timeout=LOAD):
        page.set_period(dt.date(2026, 11, 20), dt.date(2026, 11, 20))
    assert [r.account for r in page.grid.model.rows()] == [account]
    # A double-click (Enter) on a row opens its customer's Workspace.
    with qtbot.waitSignal(page.customer_chosen, timeout=LOAD) as chosen:
        page.grid.view.activated.emit(page.grid.model.index(0, 0))
    assert chosen.args == [es1]
    # The PDF names the report and its filters above the rows.
    pdf_path, book_path = tmp_path / "actions.pdf", tmp_path / "actions.xlsx"
    page.export_pdf(pdf_path)
    qtbot.waitUntil(lambda: "exported to" in page.status, timeout=LOAD)
    page.set_status("")
    text = pdf_text(pdf_path)
    assert "Action control" in text
    assert "Period: Nov 20, 2026 to Nov 20, 2026" in text
    assert "Pool: All my pools" in text
    assert "Responsible: Anyone" in text
    assert "Ruiz Hermanos SL" in text
    assert "Garcia Hnos SA" not in text
    page.export_xlsx(book_path)
    qtbot.waitUntil(lambda: page.status != "", timeout=LOAD)
    assert "exported to" in page.status, page.status
    lines = [r for r in load_workbook(book_path).active.iter_rows(values_only=True) if any(r)]
    assert lines[0][0] == "Action control"
    assert "Period: Nov 20, 2026 to Nov 20, 2026" in [line[0] for line in lines]
    # Collections by agent: a column per result, the agent's records counted.
    with qtbot.waitSignal(page.loaded, timeout=LOAD):
        window.report_actions[COLLECTIONS_BY_AGENT].trigger()
    headers = [c.header for c in page.grid.model.columns]
    assert headers[:4] == ["Agent", "Records", "Reached", "No answer"]
    (agent,) = (r for r in page.grid.model.rows() if r.employee_id == me)
    assert (agent.records, dict(agent.by_result)) == (1, {"REACHED": 1})
    # Its row opens Action control on the agent.
    index = page.grid.model.index(page.grid.model.rows().index(agent), 0)
    with qtbot.waitSignal(page.loaded, timeout=LOAD):
        page.grid.view.activated.emit(index)
    assert page.report_key == ACTION_CONTROL
    assert page.responsible.currentData() == me.hex
    assert page.report_filters()[2] == ("Responsible", page.responsible.currentText())

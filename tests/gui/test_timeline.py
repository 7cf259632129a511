"""The customer timeline: one row per interest note that opens into its lines, and a type
filter that keeps calls, tasks, appointments, events and letters apart."""

from __future__ import annotations

import datetime as dt
import uuid

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics

from collections_desktop.formatting import Formats
from collections_desktop.models.actions.interest_notes import create_interest_notes
from collections_desktop.models.db.database import Database
from collections_desktop.models.people.scope import company_scope
from collections_desktop.models.screens.workspace import TimelineEntry, timeline
from collections_desktop.views.icons import IconRegistry
from collections_desktop.views.widgets.timeline import TIMELINE_FILTERS, CustomerTimeline
from tests.unit.test_interest import DAY_60
from tests.unit.test_interest import invoice as interest_invoice
from tests.unit.test_nsf import NOW
from tests.unit.test_nsf import add_customer as nsf_customer
from tests.unit.test_snapshot import TODAY
from tests.unit.test_workspace import add_activity, at, dressed

EN = Formats("en_US")


def make_timeline(qtbot) -> CustomerTimeline:
    widget = CustomerTimeline(EN, IconRegistry())
    qtbot.addWidget(widget)
    widget.resize(700, 500)
    widget.show()
    return widget


def rows(widget: CustomerTimeline) -> list[tuple[str, str]]:
    tree = widget.tree
    return [
        (tree.topLevelItem(i).text(0), tree.topLevelItem(i).text(1))
        for i in range(tree.topLevelItemCount())
    ]


def choose(widget: CustomerTimeline, label: str) -> None:
    index = widget.filter.findText(label)
    assert index >= 0, label
    widget.filter.setCurrentIndex(index)


def test_an_interest_note_is_one_row_with_its_lines_in_the_tooltip_and_beneath_it(
    qtbot, sqlite_db: Database
) -> None:
    with sqlite_db.sessions() as session:
        customer = nsf_customer(session, interest_code="STD")
        invoices = sorted(
            (
                interest_invoice(session, customer, amount)
                for amount in ("1000.00", "500.00", "250.00", "2000.00", "750.00")
            ),
            key=lambda i: i.document_number,
        )
        scope = company_scope(session)
        create_interest_notes(session, scope, DAY_60, NOW, created_by_id=None)
        entries = timeline(session, scope, customer.id, DAY_60, formats=EN)
        session.rollback()
    widget = make_timeline(qtbot)
    widget.set_entries(entries)
    tree = widget.tree
    # Six rows: the note (not five interest lines and a fee) and the five invoices.
    assert tree.topLevelItemCount() == 6
    note = tree.topLevelItem(0)
    assert (note.text(0), note.text(1)) == (
        "Nov 23, 2026",
        "Interest note INT-0000001 · 95.00\xa0EUR · 5 invoices · due Nov 23, 2026",
    )
    assert [tree.topLevelItem(i).text(1).split(" ")[0] for i in range(1, 6)] == ["Invoice"] * 5
    tooltip = note.toolTip(1).split("\n")
    lines = [text for text in tooltip if text.startswith("• Interest on ")]
    assert [text.split(" · ")[0] for text in lines] == [
        f"• Interest on {i.document_number}" for i in invoices
    ]
    assert "Total: 95.00\xa0EUR" in tooltip
    assert tooltip[-1] == "• Fee · 5.00\xa0EUR"
    # The lines are beneath the note, hidden until it is opened.
    assert tree.rootIsDecorated()
    assert note.childCount() == 6
    assert not note.isExpanded()
    activated: list[tuple[str, object]] = []
    widget.entry_activated.connect(lambda kind, target: activated.append((kind, target)))
    tree.setCurrentItem(note)
    qtbot.keyClick(tree, Qt.Key.Key_Return)
    assert note.isExpanded()
    assert activated == []  # the note opens in place; nothing else is asked to open
    assert [note.child(i).text(1) for i in range(6)] == [
        text.removeprefix("• ") for text in tooltip[-6:]
    ]
    assert note.child(0).text(1) == (
        f"Interest on {invoices[0].document_number} · 20.00\xa0EUR · 60 days "
        "(Sep 24, 2026 to Nov 23, 2026) on 1,000.00\xa0EUR"
    )
    # A line drills to its own transaction.
    tree.setCurrentItem(note.child(2))
    qtbot.keyClick(tree, Qt.Key.Key_Return)
    assert activated == [("transaction", entries[0].lines[2].target_id)]
    # Opened again, the note closes.
    tree.setCurrentItem(note)
    qtbot.keyClick(tree, Qt.Key.Key_Return)
    assert not note.isExpanded()
    # Without an interest note, no expand arrows take room.
    widget.set_entries(entries[1:])
    assert not tree.rootIsDecorated()


def test_the_type_filter_keeps_calls_tasks_appointments_events_and_letters_apart(
    qtbot, sqlite_db: Database
) -> None:
    with sqlite_db.sessions() as session:
        customer = dressed(session)  # tasks on 18 Nov and 1 Sep, an e-mail, an event
        add_activity(session, customer, "A-5", "action", "CALL", "Called Ana",
                     at(19), at(19, minute=10), closed=True)  # fmt: skip
        add_activity(session, customer, "A-6", "action", "CALL", "Called Luis",
                     at(9), at(9, minute=5), closed=True)  # fmt: skip
        add_activity(session, customer, "A-7", "action", "LETTER", "Sent the first reminder",
                     at(16), at(16, minute=5), closed=True)  # fmt: skip
        add_activity(session, customer, "A-8", "appointment", "MEETING", "Meeting held",
                     at(6), at(6, hour=11), closed=True)  # fmt: skip
        entries = timeline(session, company_scope(session), customer.id, TODAY, formats=EN)
        session.rollback()
    widget = make_timeline(qtbot)
    widget.set_entries(entries)
    labels = [widget.filter.itemText(i) for i in range(widget.filter.count())]
    assert labels == [
        "All types", "Invoices", "Payments", "Credit notes", "Interest and fees",
        "Write-offs and reversals", "Letters", "Calls", "Tasks", "Appointments", "Events",
        "Other actions",
    ]  # fmt: skip
    assert len(labels) == len(TIMELINE_FILTERS)
    assert len(rows(widget)) == 16  # 12 of the customer's history and 4 more activities
    choose(widget, "Calls")
    assert rows(widget) == [
        ("Nov 19, 2026", "Call · Called Ana"),
        ("Nov 9, 2026", "Call · Called Luis"),
    ]
    assert [e.kind for e in widget.shown()] == ["call", "call"]
    choose(widget, "Tasks")
    assert rows(widget) == [
        ("Nov 18, 2026",
         "Task · Follow-up · Marta Soto · Call about the promise · User memo included"),
        ("Sep 1, 2026", "Task · Follow-up · Marta Soto · Check credit"),
    ]  # fmt: skip
    choose(widget, "Appointments")
    assert rows(widget) == [("Nov 6, 2026", "Appointment · Meeting · Meeting held")]
    choose(widget, "Events")
    assert rows(widget) == [("Aug 1, 2026", "Event · Follow-up · Marta Soto · Visit")]
    choose(widget, "Letters")
    assert rows(widget) == [("Nov 16, 2026", "Letter · Sent the first reminder")]
    choose(widget, "Other actions")
    assert rows(widget) == [("Oct 28, 2026", "E-mail · Marta Soto · Sent statement")]
    choose(widget, "All types")
    assert len(rows(widget)) == 16


def test_a_long_entry_wraps_whole_and_wraps_anew_when_the_column_narrows(qtbot) -> None:
    long_title = (
        "Task · Follow-up · Ana Sofia Carvalho · Promise broken: INV-0042375 16,442.94 "
        "promised by Nov 12, 2026, 0.00 paid · User memo included"
    )
    entries = [
        TimelineEntry("task", dt.date(2026, 12, 3), None, long_title, "", "activity", uuid.uuid4()),
        TimelineEntry(
            "payment", dt.date(2026, 11, 30), None, "Payment PAY-1", "", "transaction", uuid.uuid4()
        ),
    ]
    widget = make_timeline(qtbot)
    widget.resize(420, 400)
    widget.set_entries(entries)
    tree = widget.tree
    line = QFontMetrics(tree.font()).height()

    def height(row: int) -> int:
        return tree.visualItemRect(tree.topLevelItem(row)).height()

    def lines_needed() -> int:
        width = tree.columnWidth(1) - tree.iconSize().width() - 20
        text = QFontMetrics(tree.font()).boundingRect(
            0, 0, width, 10_000, Qt.TextFlag.TextWordWrap, long_title
        )
        return text.height() // line

    qtbot.waitUntil(lambda: height(0) >= lines_needed() * line)
    assert lines_needed() >= 3  # the whole title, on as many lines as it takes
    assert height(1) < 2 * line  # a short entry keeps one line
    widget.resize(300, 400)
    narrower = lines_needed()
    assert narrower > 3
    qtbot.waitUntil(lambda: height(0) >= narrower * line)

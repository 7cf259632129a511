"""The case file's small dialogs: a collection, an annotation or action, a promise or a
payment plan (its instalment editor), a status change; what they send and refuse."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from collections_desktop.formatting import Formats
from collections_desktop.views.dialogs.agency_annotation import (
    ACTION,
    ANNOTATION,
    AnnotationDialog,
    AnnotationInput,
)
from collections_desktop.views.dialogs.agency_collection import CollectionDialog
from collections_desktop.views.dialogs.agency_plan import (
    PlanDialog,
    PlanInput,
    add_months,
    divide,
    due_dates,
)
from collections_desktop.views.dialogs.agency_status import CaseStatusDialog
from collections_desktop.views.dialogs.fields import qdate

D = Decimal
EN = Formats("en_US")
ES = Formats("es_ES")
TODAY = dt.date(2026, 11, 23)


def test_instalments_divide_to_the_cent_with_the_remainder_last() -> None:
    assert divide(D("100.00"), 3) == [D("33.33"), D("33.33"), D("33.34")]
    assert divide(D("1680.00"), 6) == [D("280.00")] * 6
    assert sum(divide(D("1000.01"), 7)) == D("1000.01")
    assert due_dates(dt.date(2027, 1, 31), 4, "monthly") == [
        dt.date(2027, 1, 31),
        dt.date(2027, 2, 28),
        dt.date(2027, 3, 31),
        dt.date(2027, 4, 30),
    ]
    assert due_dates(dt.date(2026, 12, 1), 3, "fortnightly") == [
        dt.date(2026, 12, 1),
        dt.date(2026, 12, 15),
        dt.date(2026, 12, 29),
    ]
    assert add_months(dt.date(2026, 12, 15), 1) == dt.date(2027, 1, 15)


def test_a_plan_is_divided_edited_and_sent_only_when_it_adds_up(qtbot) -> None:
    dialog = PlanDialog("plan", "EXP-000001 Ruiz", "EUR", D("1000.00"), ES, TODAY)
    qtbot.addWidget(dialog)
    sent: list[PlanInput] = []
    dialog.submitted.connect(sent.append)
    # Six monthly instalments from a month ahead, 1.000,00 split 166,66 ×5 + 166,70.
    rows = dialog.rows()
    assert [day for day, _text in rows] == [
        dt.date(2026, 12, 23),
        dt.date(2027, 1, 23),
        dt.date(2027, 2, 23),
        dt.date(2027, 3, 23),
        dt.date(2027, 4, 23),
        dt.date(2027, 5, 23),
    ]
    assert [text for _day, text in rows] == ["166,66"] * 5 + ["166,70"]
    assert "add up to 1.000,00\xa0EUR" in dialog.sum_label.text()

    # Three instalments, fortnightly, from 1 Dec.
    dialog.count.setValue(3)
    dialog.first_due.setDate(qdate(dt.date(2026, 12, 1)))
    dialog.interval.setCurrentIndex(dialog.interval.findData("fortnightly"))
    dialog.divide_button.click()
    assert dialog.rows() == [
        (dt.date(2026, 12, 1), "333,33"),
        (dt.date(2026, 12, 15), "333,33"),
        (dt.date(2026, 12, 29), "333,34"),
    ]
    # An edited amount no longer adds up: said under the table, and OK refuses.
    amount = dialog.table.cellWidget(2, 1)
    amount.setText("300,00")
    assert "add up to 966,66\xa0EUR" in dialog.sum_label.text()
    assert "-33,34\xa0EUR off the total" in dialog.sum_label.text()
    dialog.ok_button.click()
    assert sent == []
    assert "add up to 966,66\xa0EUR, not to the 1.000,00\xa0EUR agreed" in dialog.error.text()
    # A fourth instalment for the rest: it falls due a fortnight after the last.
    dialog.add_button.click()
    last = dialog.table.cellWidget(3, 1)
    last.setText("33,34")
    dialog.ok_button.click()
    assert len(sent) == 1
    assert sent[0].kind == "plan"
    assert sent[0].agreed_on == TODAY
    assert sent[0].instalments == (
        (dt.date(2026, 12, 1), D("333.33")),
        (dt.date(2026, 12, 15), D("333.33")),
        (dt.date(2026, 12, 29), D("300.00")),
        (dt.date(2027, 1, 12), D("33.34")),
    )


def test_a_plan_needs_two_rising_instalments(qtbot) -> None:
    dialog = PlanDialog("plan", "EXP-000001 Ruiz", "EUR", D("600.00"), EN, TODAY)
    qtbot.addWidget(dialog)
    dialog.count.setValue(2)
    dialog.divide()
    first = dialog.table.cellWidget(0, 0)
    first.setDate(qdate(dt.date(2027, 2, 1)))  # after the second's 23 Jan
    dialog.ok_button.click()
    assert dialog.error.text() == "Instalment 2 must fall due after instalment 1."
    dialog.table.selectRow(1)
    dialog.remove_button.click()
    dialog.total.setText("300.00")
    dialog.ok_button.click()
    assert dialog.error.text() == (
        "A payment plan has two instalments or more; for one, add a promise."
    )


def test_a_promise_is_one_payment_by_a_day(qtbot) -> None:
    dialog = PlanDialog("promise", "EXP-000001 Ruiz", "EUR", D("1680.00"), EN, TODAY)
    qtbot.addWidget(dialog)
    sent: list[PlanInput] = []
    dialog.submitted.connect(sent.append)
    assert dialog.total.text() == "1,680.00"
    dialog.total.setText("500")
    dialog.promise_date.setDate(qdate(dt.date(2026, 12, 5)))
    dialog.note.setPlainText("Said on the phone")
    dialog.ok_button.click()
    assert sent == [
        PlanInput("promise", TODAY, ((dt.date(2026, 12, 5), D("500.00")),), "Said on the phone")
    ]


def test_a_collection_is_an_amount_above_zero_not_after_today(qtbot) -> None:
    dialog = CollectionDialog("EXP-000001 Ruiz", "EUR", EN, TODAY, outstanding=D("1680.00"))
    qtbot.addWidget(dialog)
    sent = []
    dialog.submitted.connect(sent.append)
    dialog.ok_button.click()
    assert dialog.error.text() == "Enter an amount."
    dialog.amount.setText("-5")
    dialog.ok_button.click()
    assert dialog.error.text().startswith("A collection is an amount above zero")
    dialog.amount.setText("1,250.50")
    dialog.reference.setText(" TR-1 ")
    dialog.method.setCurrentIndex(dialog.method.findData("cash"))
    dialog.collected_on.setDate(qdate(dt.date(2026, 11, 20)))
    dialog.ok_button.click()
    assert len(sent) == 1
    value = sent[0]
    assert (value.collected_on, value.amount, value.method, value.reference, value.note) == (
        dt.date(2026, 11, 20),
        D("1250.50"),
        "cash",
        "TR-1",
        None,
    )
    assert value.collection_id is None


def test_an_action_done_or_scheduled_and_the_annotations(qtbot) -> None:
    action = AnnotationDialog(ACTION, "EXP-000001 Ruiz", EN, TODAY)
    qtbot.addWidget(action)
    sent: list[AnnotationInput] = []
    action.submitted.connect(sent.append)
    assert [action.kind.itemData(i) for i in range(action.kind.count())] == [
        "call",
        "visit",
        "letter",
        "burofax",
    ]
    action.ok_button.click()
    assert action.error.text() == "Say what was done or is to be done."
    action.kind.setCurrentIndex(1)
    action.text.setPlainText("Visit the premises")
    action.scheduled_choice.setChecked(True)
    action.scheduled_on.setDate(qdate(dt.date(2026, 11, 27)))
    action.ok_button.click()
    assert sent == [
        AnnotationInput("visit", "Visit the premises", scheduled_on=dt.date(2026, 11, 27))
    ]

    note = AnnotationDialog(ANNOTATION, "EXP-000001 Ruiz", EN, TODAY)
    qtbot.addWidget(note)
    note.submitted.connect(sent.append)
    assert note.chosen_kind == "locate"
    note.ok_button.click()
    assert note.error.text() == "Enter the address, phone number or e-mail that was found."
    note.found_value.setText("+34 91 555 0199")
    note.ok_button.click()
    assert note.error.text() == "Say where the address, phone or e-mail was found."
    note.source.setText("phone book")
    note.ok_button.click()
    assert sent[-1] == AnnotationInput(
        "locate", "", source="phone book", found_value="+34 91 555 0199"
    )
    registry = AnnotationDialog(ANNOTATION, "EXP-000001 Ruiz", EN, TODAY, kind="registry")
    qtbot.addWidget(registry)
    registry.submitted.connect(sent.append)
    registry.new_name.setText("Ruiz Inversiones 2024 SL")
    registry.new_tax_id.setText("B87654321")
    registry.ok_button.click()
    assert sent[-1] == AnnotationInput(
        "registry",
        "",
        new_name="Ruiz Inversiones 2024 SL",
        new_tax_id="B87654321",
    )


def test_the_status_dialog_offers_a_new_status(qtbot) -> None:
    dialog = CaseStatusDialog("EXP-000001 Ruiz", "new")
    qtbot.addWidget(dialog)
    sent: list[str] = []
    dialog.submitted.connect(sent.append)
    assert dialog.value() == "in_progress"
    dialog.status.setCurrentIndex(dialog.status.findData("closed_paid"))
    assert dialog.hint.text().startswith("The case is closed today")
    dialog.ok_button.click()
    assert sent == ["closed_paid"]

"""The receivables parameters section: the one row saved through the form, a new company
language moving the business texts, a refusal, a stale copy, a clerk's read-only form."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import QToolButton
from sqlalchemy import select

from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import AgingPeriod, ReceivablesParameters
from collections_desktop.models.texts.business import all_texts, save_texts
from collections_desktop.views.setup.parameters import ParametersSection
from tests.gui import setup_sections as shared
from tests.gui.setup_sections import refused, saved

admin, runner, open_section = shared.admin, shared.runner, shared.open_section
KEY = "receivables_parameters"


def test_the_row_is_edited_and_saved(qtbot, open_section, sqlite_db: Database) -> None:
    section: ParametersSection = open_section(KEY)
    assert section.findChild(QToolButton, "setup_receivables_parameters_new").isHidden()
    assert (section.company_name.text(), section.currency.text()) == ("Test Company", "EUR")
    assert section.definition.currentText() == "Standard"
    assert section.language.currentText() == "English"
    section.company_name.setText("Ruiz Hermanos SL")
    section.country.setCurrentIndex(section.country.findData("ES"))
    section.tolerance.setValue(5)
    section.write_off_account.setText("681500")
    section.separate_tax.setChecked(True)
    section.definition.setCurrentIndex(0)  # none: the first by name
    saved(qtbot, section)
    assert section.form_title.text() == "Ruiz Hermanos SL"
    with sqlite_db.sessions() as session:
        row = session.scalars(select(ReceivablesParameters)).one()
        assert (
            row.company_name, row.country, row.promise_tolerance_days, row.write_off_account,
            row.separate_sales_tax, row.default_aging_definition_id,
        ) == ("Ruiz Hermanos SL", "ES", 5, "681500", True, None)  # fmt: skip


def test_a_new_company_language_moves_the_texts(
    qtbot, open_section, sqlite_db: Database, clock
) -> None:
    with sqlite_db.sessions.begin() as session:
        first = session.scalars(select(AgingPeriod).order_by(AgingPeriod.position)).first()
        save_texts(session, "aging_periods", first.id, "label", {"es": "1-30 días"},
                   now=clock.now())  # fmt: skip
    section: ParametersSection = open_section(KEY)
    section.language.setCurrentIndex(section.language.findData("es"))
    saved(qtbot, section)
    assert section.language.currentData() == "es"
    with sqlite_db.sessions() as session:
        assert session.get(AgingPeriod, first.id).label == "1-30 días"
        assert all_texts(session, "aging_periods", first.id, "label")["en"] == "1-30 days"


def test_the_bank_reconciliation_settings_are_typed_in_the_users_locale(
    qtbot, open_section, sqlite_db: Database
) -> None:
    section: ParametersSection = open_section(KEY)
    assert section.bank_amount_label.text() == "Small &difference (EUR)"
    assert (section.bank_amount.text(), section.bank_percent.text()) == ("0.00", "0.00")
    assert section.bank_confidence.value() == 90
    section.bank_amount.setText("1,250.5")
    section.bank_percent.setText("0.75")
    section.bank_confidence.setValue(85)
    saved(qtbot, section)
    assert (section.bank_amount.text(), section.bank_percent.text()) == ("1,250.50", "0.75")
    with sqlite_db.sessions() as session:
        row = session.scalars(select(ReceivablesParameters)).one()
        assert (
            row.bank_tolerance_amount,
            row.bank_tolerance_percent,
            row.bank_confirm_confidence,
        ) == (Decimal("1250.5"), Decimal("0.75"), 85)
    section.bank_percent.setText("120")
    assert refused(qtbot, section) == "Small difference (%) must be between 0 and 100."
    section.bank_percent.setText("lots")
    assert refused(qtbot, section) == (
        "Small difference (%) must be a number from 0 to 100 with at most 2 decimals, not “lots”."
    )
    section.bank_percent.setText("1")
    section.bank_amount.setText("")
    assert refused(qtbot, section) == "Small difference (EUR) is required."


def test_an_empty_name_is_refused(qtbot, open_section) -> None:
    section: ParametersSection = open_section(KEY)
    section.company_name.setText(" ")
    assert refused(qtbot, section) == "Company name is required."


def test_an_edit_over_a_copy_saved_elsewhere_is_refused(
    qtbot, open_section, sqlite_db: Database
) -> None:
    mine = open_section(KEY)
    theirs = open_section(KEY)
    theirs.tolerance.setValue(9)
    saved(qtbot, theirs)
    mine.write_off_account.setText("689000")
    assert refused(qtbot, mine).startswith(
        "The receivables set-up was changed by someone else since you opened it."
    )
    with sqlite_db.sessions() as session:
        row = session.scalars(select(ReceivablesParameters)).one()
        assert (row.promise_tolerance_days, row.write_off_account) == (9, "681000")


def test_a_clerk_reads_the_parameters_only(qtbot, open_section) -> None:
    section: ParametersSection = open_section(KEY, administrator=False)
    assert section.read_only_note.isVisible()
    assert not section.fields.isEnabled()
    assert not section.save_button.isEnabled()
    assert section.company_name.text() == "Test Company"


def test_a_definition_added_elsewhere_is_offered_as_default(qtbot, open_section) -> None:
    section: ParametersSection = open_section(KEY)
    page = section.window()
    aging = page.show_section("aging_definitions")
    qtbot.waitUntil(lambda: bool(aging.rows), timeout=10_000)
    aging.new_action.trigger()
    aging.name.setText("Quarters")
    for row, label in enumerate(("1-30", "31-60", "Older")):
        aging.periods.table.item(row, 0).setText(label)
    saved(qtbot, aging)
    page.show_section(KEY)
    qtbot.waitUntil(lambda: section.definition.findText("Quarters") >= 0, timeout=10_000)
    assert [section.definition.itemText(i) for i in range(section.definition.count())] == [
        "(none: the first by name)",
        "Quarters",
        "Standard",
    ]

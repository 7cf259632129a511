"""The interest codes section: a code with its ranges saved through the form, the
calculation's refusals on screen, a stale copy refused, a clerk's read-only form."""

from __future__ import annotations

from decimal import Decimal

from collections_desktop.models.actions.interest import load_rules
from collections_desktop.models.db.database import Database
from collections_desktop.views.setup.interest_codes import InterestCodesSection
from tests.gui import setup_sections as shared
from tests.gui.setup_sections import cells, refused, saved, set_cell

admin, runner, open_section = shared.admin, shared.runner, shared.open_section
KEY = "interest_codes"


def test_the_standard_code_is_shown(qtbot, open_section) -> None:
    section: InterestCodesSection = open_section(KEY)
    assert (section.code.text(), section.name.text()) == ("STD", "Late-payment interest")
    assert section.method.currentData() == "range"
    assert not section.interval.isEnabled()
    assert (section.grace.value(), section.fee.text()) == (5, "5.00")
    assert cells(section.ranges.table) == [["1", "60", "1.00"], ["61", "", "1.50"]]


def test_a_new_code_by_interval_is_saved(qtbot, open_section, sqlite_db: Database) -> None:
    section: InterestCodesSection = open_section(KEY)
    section.new_action.trigger()
    section.code.setText("mon")
    section.name.setText("Per started month")
    section.method.setCurrentIndex(section.method.findData("interval"))
    assert section.interval.isEnabled()
    section.interval.setValue(30)
    section.grace.setValue(3)
    section.fee.setText("2.5")
    section.interest_account.setText("763200")
    section.fee_account.setText("758300")
    table = section.ranges.table
    set_cell(table, 0, 2, "0.5")
    section.ranges.add_line()  # closes the first range at 30 days
    set_cell(table, 1, 2, "1.25")
    assert cells(table) == [["1", "30", "0.5"], ["31", "", "1.25"]]
    saved(qtbot, section)
    assert section.form_title.text() == "MON"
    with sqlite_db.sessions() as session:
        rule = load_rules(session)["MON"]
    assert (rule.method, rule.interval_days, rule.grace_days, rule.fee) == (
        "interval", 30, 3, Decimal("2.5")
    )  # fmt: skip
    assert [(r.from_days, r.to_days, r.rate) for r in rule.lines] == [
        (1, 30, Decimal("0.5")),
        (31, None, Decimal("1.25")),
    ]


def test_overlapping_ranges_and_a_bad_rate_are_refused(qtbot, open_section) -> None:
    section: InterestCodesSection = open_section(KEY)
    table = section.ranges.table
    set_cell(table, 1, 0, "50")
    assert refused(qtbot, section) == (
        "Range 2 starts at day 50, inside the range before it (up to day 60); ranges may "
        "not overlap."
    )
    set_cell(table, 1, 0, "61")
    set_cell(table, 1, 2, "one")
    assert refused(qtbot, section) == "The rate of range 2: “one” is not an amount."
    set_cell(table, 1, 2, "0")
    assert refused(qtbot, section) == "The rate of range 2 must be above 0 and at most 100 %."


def test_an_edit_over_a_copy_saved_elsewhere_is_refused(
    qtbot, open_section, sqlite_db: Database
) -> None:
    mine = open_section(KEY)
    theirs = open_section(KEY)
    theirs.grace.setValue(7)
    saved(qtbot, theirs)
    mine.name.setText("Interest")
    assert refused(qtbot, mine).startswith(
        "Interest code STD was changed by someone else since you opened it."
    )
    with sqlite_db.sessions() as session:
        rule = load_rules(session)["STD"]
    assert rule.grace_days == 7


def test_a_clerk_reads_the_codes_only(qtbot, open_section) -> None:
    section: InterestCodesSection = open_section(KEY, administrator=False)
    assert section.read_only_note.isVisible()
    assert not section.fields.isEnabled()
    assert not section.save_button.isEnabled()
    assert not section.delete_action.isEnabled()

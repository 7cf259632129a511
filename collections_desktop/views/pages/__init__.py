"""The pages of the main window, one module each, shown in its stacked area."""

from __future__ import annotations

from dataclasses import dataclass

from collections_desktop.i18n import N_


@dataclass(frozen=True)
class PlannedSection:
    """A section of the app that is announced but not built yet (no data is ever faked)."""

    key: str  # also the icon's meaning
    title: str  # marked with N_(); translate where shown
    description: str  # marked with N_()


PLANNED_SECTIONS: tuple[PlannedSection, ...] = (
    PlannedSection(
        "agency_case_files",
        N_("Agency case files"),
        N_(
            "Case files for debt-recovery agencies: debtors, collections awaiting approval, "
            "a monthly calendar and expenses."
        ),
    ),
)
"""Listed in the navigation (disabled) and on the start page, in navigation order."""

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
        "aged_balances",
        N_("Aged balances"),
        N_("Balances by aging period for a pool, on any date."),
    ),
    PlannedSection(
        "activities",
        N_("Activities"),
        N_("Calls, e-mails, promises to pay and tasks, with their end dates."),
    ),
    PlannedSection(
        "cases",
        N_("Cases"),
        N_("Case files for debt-recovery agencies: debtors, collections and expenses."),
    ),
)
"""Listed in the navigation (disabled) and on the start page, in navigation order."""

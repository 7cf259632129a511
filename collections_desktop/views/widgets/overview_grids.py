"""The Overview's three grids: the agent's open activities, the highest and the past-due balances.

Each is a ``Grid`` with its columns, colours and tooltips; the page only fills them.
Overdue end dates, negative amounts, long-past-due days and accounts not active show in
the alert colour; customers' names in the link colour, since activating them opens the
customer (the Account cell opens the customer's record).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from PySide6.QtGui import QColor, QPalette

from collections_desktop.formatting import Formats
from collections_desktop.i18n import N_, _
from collections_desktop.models.predict.reads import LATE_DAYS as PAID_LATE_DAYS
from collections_desktop.models.screens.overview import (
    ActivityRow,
    BalanceRow,
    ExpectedLateRow,
    PastDueRow,
)
from collections_desktop.views.dialogs.activity_dialog import type_name
from collections_desktop.views.icons import IconRegistry
from collections_desktop.views.itemmodels.rows import Column, Fit
from collections_desktop.views.style import alert_colour
from collections_desktop.views.widgets.grid import Grid

LATE_DAYS = 90
"""Past due for longer than this many days: the days are shown in the alert colour."""

STATUS_NAMES = {"active": N_("Active"), "on_hold": N_("On hold"), "closed": N_("Closed")}


class OverviewGrids:
    """Builds the three grids for one page's formats, icons, palette and clock."""

    def __init__(
        self,
        formats: Formats,
        icons: IconRegistry,
        palette: QPalette,
        today: Callable[[], dt.date],
    ) -> None:
        self._formats = formats
        self._icons = icons
        self._today = today
        self._alert = alert_colour(palette)
        self._link = palette.color(QPalette.ColorRole.Link)

    def activities(self) -> Grid[ActivityRow]:
        """The agent's open activities: end date, customer, purpose, type, category."""
        fmt = self._formats
        return Grid[ActivityRow](
            "activities",
            [
                Column(
                    _("End date"),
                    lambda r: r.end_at,
                    text=self._end_text,
                    tooltip=lambda r: fmt.moment(r.end_at),
                ),
                Column(
                    _("Customer"),
                    lambda r: r.name or "",
                    text=lambda v: v or _("(own task)"),
                    tooltip=lambda r: (
                        _("{account} · double-click or Enter opens the Workspace").format(
                            account=r.account
                        )
                        if r.account
                        else _("Your own task, about no customer")
                    ),
                    fit=Fit.KEY,
                ),
                Column(
                    _("Purpose"),
                    lambda r: r.purpose + ("  ✎" if r.has_memo else ""),
                    tooltip=_purpose_tooltip,
                    fit=Fit.FREE,
                ),
                Column(_("Type"), lambda r: type_name(r.type), fit=Fit.LABEL),
                Column(_("Category"), lambda r: r.category, fit=Fit.LABEL),
            ],
            {0: self._overdue_end, 1: self._customer_colour},
            self._icons,
            stretch=2,
        )

    def highest(self) -> Grid[BalanceRow]:
        """The customers with the highest balances in the snapshot."""
        amount = self._amount
        grid = Grid[BalanceRow](
            "highest",
            [
                _account_column(),
                _customer_column(),
                Column(_("Balance"), lambda r: r.balance, text=amount),
                Column(_("Credit limit"), lambda r: r.credit_limit, text=amount),
                Column(_("Available"), lambda r: r.available_credit, text=amount),
                Column(_("Risk"), lambda r: r.risk_score),
            ],
            {
                0: self._customer_colour,
                1: self._customer_colour,
                3: lambda r: self._negative(r.credit_limit),
                4: lambda r: self._negative(r.available_credit),
                2: lambda r: self._negative(r.balance),
            },
            self._icons,
            stretch=1,
        )
        grid.model.right = {2, 3, 4, 5}
        return grid

    def past_due(self) -> Grid[PastDueRow]:
        """The customers with something past due in the snapshot, the oldest first."""
        fmt = self._formats
        grid = Grid[PastDueRow](
            "past_due",
            [
                _account_column(),
                _customer_column(),
                Column(_("Oldest past due"), lambda r: r.oldest_past_due_date, text=fmt.date),
                Column(_("Days"), lambda r: r.oldest_past_due_days, text=fmt.count),
                Column(
                    _("Past due"),
                    lambda r: r.past_due,
                    text=self._amount,
                    tooltip=lambda r: _("Balance {balance}").format(balance=fmt.amount(r.balance)),
                ),
                Column(_("Credit group"), lambda r: r.credit_group, fit=Fit.LABEL),
                Column(
                    _("Status"),
                    lambda r: _(STATUS_NAMES.get(r.account_status, r.account_status)),
                    fit=Fit.KEY,
                ),
            ],
            {
                0: self._customer_colour,
                1: self._customer_colour,
                3: lambda r: self._late(r.oldest_past_due_days),
                6: lambda r: self._alert if r.account_status != "active" else None,
            },
            self._icons,
            stretch=1,
        )
        grid.model.right = {3, 4}
        return grid

    def expected_late(self) -> Grid[ExpectedLateRow]:
        """The worklist: customers by the amount expected to be paid late, largest first."""
        fmt = self._formats
        grid = Grid[ExpectedLateRow](
            "expected_late",
            [
                _account_column(),
                _customer_column(),
                Column(
                    _("Expected late"),
                    lambda r: r.expected_late,
                    text=self._amount,
                    tooltip=lambda r: _(
                        "Each open invoice's chance of being paid more than {days} days late "
                        "times its open amount ({open} open in all)"
                    ).format(days=PAID_LATE_DAYS, open=fmt.amount(r.open_amount)),
                ),
                Column(
                    _("Likely late"),
                    lambda r: r.likely_late,
                    text=fmt.count,
                    tooltip=lambda r: _("Open invoices more likely than not to be paid late"),
                ),
            ],
            {0: self._customer_colour, 1: self._customer_colour},
            self._icons,
            stretch=1,
        )
        grid.model.right = {2, 3}
        return grid

    # --- texts and colours --------------------------------------------------------------

    def _amount(self, value: Decimal | None) -> str:
        return "" if value is None else self._formats.amount(value)

    def _negative(self, value: Decimal | None) -> QColor | None:
        return self._alert if value is not None and value < 0 else None

    def _late(self, days: int | None) -> QColor | None:
        return self._alert if days is not None and days > LATE_DAYS else None

    def _customer_colour(self, row: Any) -> QColor | None:
        return self._link if getattr(row, "customer_id", None) is not None else None

    def _end_text(self, end: dt.datetime) -> str:
        day = end.astimezone().date()
        text = self._formats.date(day)
        return f"{text}  ⚠" if day < self._today() else text

    def _overdue_end(self, row: ActivityRow) -> QColor | None:
        return self._alert if row.end_at.astimezone().date() < self._today() else None


def with_currency(header: str, currency: str) -> str:
    """A column header naming the currency its amounts are in."""
    return f"{header} ({currency})" if currency else header


def _account_column() -> Column[Any]:
    return Column(
        _("Account"),
        lambda r: r.account,
        tooltip=lambda r: _("Double-click or Enter: the customer's record"),
        fit=Fit.KEY,
    )


def _customer_column() -> Column[Any]:
    return Column(_("Customer"), lambda r: r.name, tooltip=_customer_tooltip, fit=Fit.KEY)


def _customer_tooltip(row: Any) -> str:
    return _("{name} · double-click or Enter opens the Workspace").format(name=row.name)


def _purpose_tooltip(row: ActivityRow) -> str:
    more = (
        _("Has a memo ✎ — double-click or More… shows it")
        if row.has_memo
        else _("No memo — double-click or More… for every detail")
    )
    return f"{row.purpose}\n\n{more}"

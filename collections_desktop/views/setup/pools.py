"""Pools: a name and the criteria that select its customers, with a live count.

Each criterion of ``PoolCriteria`` is its own field. The count under the form says how
many customers the criteria select today; it is read in the background a moment after
the typing stops, so typing never waits for the database.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QSpinBox,
    QToolButton,
    QWidget,
)
from sqlalchemy.orm import Session

from collections_desktop.i18n import N_, _, ngettext
from collections_desktop.kernel.money import MoneyError
from collections_desktop.models.db.schema.enums import AccountStatus
from collections_desktop.models.people.pool_editing import (
    CriteriaChoices,
    PoolRow,
    PoolValues,
    count_customers,
    criteria_choices,
    delete_pool,
    list_pools,
    save_pool,
)
from collections_desktop.models.people.pools import PoolCriteria
from collections_desktop.models.setup.fields import SetupError
from collections_desktop.views.dialogs.fields import parse_amount
from collections_desktop.views.itemmodels.rows import Column
from collections_desktop.views.operations import QueryOp, ReadSlot
from collections_desktop.views.setup.section import SetupSection
from collections_desktop.views.style import muted_palette
from collections_desktop.views.tasks import TaskState

COUNT_DELAY_MS = 400
"""How long after the last change of a criterion the count is read."""

STATUS_LABELS = {
    AccountStatus.ACTIVE: N_("Active"),
    AccountStatus.ON_HOLD: N_("On hold"),
    AccountStatus.CLOSED: N_("Closed"),
}


class ChoiceField(QWidget):
    """A list of codes typed with commas, or ticked in the menu of the values in use."""

    def __init__(self, name: str, upper: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.upper = upper
        self.edit = QLineEdit()
        self.edit.setObjectName(name)
        self.edit.setPlaceholderText(_("any"))
        self.menu = QMenu(self)
        self.button = QToolButton()
        self.button.setObjectName(f"{name}_choices")
        self.button.setText("▾")
        self.button.setToolTip(_("Choose among the values the customers hold"))
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.button.setStyleSheet("QToolButton::menu-indicator { image: none; }")
        self.button.setMenu(self.menu)
        self.menu.aboutToShow.connect(self._tick)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.button)

    def set_choices(self, choices: Sequence[tuple[str, str]]) -> None:
        """The menu's values: (code, what the menu shows)."""
        self.menu.clear()
        for code, label in choices:
            action = QAction(label, self.menu)
            action.setCheckable(True)
            action.setData(code)
            action.toggled.connect(lambda on, code=code: self._toggled(code, on))
            self.menu.addAction(action)
        self.button.setEnabled(bool(choices))

    def items(self) -> tuple[str, ...]:
        """The codes in the field, without blanks or repeats, in the order typed."""
        seen: list[str] = []
        for part in self.edit.text().split(","):
            code = part.strip().upper() if self.upper else part.strip()
            if code and code not in seen:
                seen.append(code)
        return tuple(seen)

    def set_items(self, items: Sequence[str]) -> None:
        self.edit.setText(", ".join(items))

    def _tick(self) -> None:
        chosen = set(self.items())
        for action in self.menu.actions():
            action.blockSignals(True)
            action.setChecked(action.data() in chosen)
            action.blockSignals(False)

    def _toggled(self, code: str, on: bool) -> None:
        items = [item for item in self.items() if item != code]
        if on:
            items.append(code)
        self.set_items(items)


class PoolsSection(SetupSection[PoolRow, PoolValues]):
    """Customer pools: what each selects, how many customers that is today, who works it."""

    key = "pools"
    title = N_("Pools")
    description = N_(
        "A pool selects customers by their group, country, balance or how late they pay; "
        "collections agents work the customers of their pools. Empty criteria select "
        "every customer."
    )
    what = N_("pool")
    deletable = True
    stretch = 2  # the agents' names give way
    _choices: CriteriaChoices | None
    """The choices read with the rows (set on the worker, shown on the GUI thread)."""

    def columns(self) -> Sequence[Column[PoolRow]]:
        return (
            Column(_("Name"), lambda row: row.name, tooltip=lambda row: row.description or ""),
            Column(_("Customers"), lambda row: row.customers, self.context.formats.count),
            Column(
                _("Agents"),
                lambda row: ", ".join(row.agents),
                tooltip=lambda row: "\n".join(row.agents),
            ),
        )

    def read(self, session: Session) -> Sequence[PoolRow]:
        # The choices come with the rows, so the menus are full when a row is shown.
        self._choices = criteria_choices(session)
        return list_pools(session, self.context.clock.today())

    def build_form(self, form: QFormLayout) -> None:
        self._choices = None
        self._shown_choices: CriteriaChoices | None = None
        self.name = QLineEdit()
        self.name.setObjectName("pool_name")
        self.name.setMaxLength(100)
        self.pool_description = QLineEdit()
        self.pool_description.setObjectName("pool_description")
        self.customer_groups = ChoiceField("pool_customer_groups", upper=False)
        self.credit_groups = ChoiceField("pool_credit_groups", upper=False)
        self.countries = ChoiceField("pool_countries", upper=True)
        self.currencies = ChoiceField("pool_currencies", upper=True)
        self.responsible = ChoiceField("pool_responsible_employees", upper=True)
        self.statuses: dict[str, QCheckBox] = {}
        statuses = QWidget()
        statuses_layout = QHBoxLayout(statuses)
        statuses_layout.setContentsMargins(0, 0, 0, 0)
        for status, label in STATUS_LABELS.items():
            box = QCheckBox(_(label))
            box.setObjectName(f"pool_status_{status.value}")
            self.statuses[status.value] = box
            statuses_layout.addWidget(box)
        statuses_layout.addStretch(1)
        statuses.setToolTip(_("None ticked: any account status"))
        self.min_balance = QLineEdit()
        self.min_balance.setObjectName("pool_min_balance")
        self.min_past_due = QLineEdit()
        self.min_past_due.setObjectName("pool_min_past_due")
        for amount in (self.min_balance, self.min_past_due):
            amount.setPlaceholderText(_("any"))
            amount.setToolTip(_("In the accounting currency"))
        self.min_days = QSpinBox()
        self.min_days.setObjectName("pool_min_days_past_due")
        self.min_days.setRange(0, 3650)
        self.min_days.setSpecialValueText(_("any"))
        self.min_days.setSuffix(_(" days"))
        form.addRow(_("&Name"), self.name)
        form.addRow(_("&Description"), self.pool_description)
        form.addRow(_("Customer &groups"), self.customer_groups)
        form.addRow(_("C&redit groups"), self.credit_groups)
        form.addRow(_("C&ountries"), self.countries)
        form.addRow(_("C&urrencies"), self.currencies)
        form.addRow(_("Account &statuses"), statuses)
        form.addRow(_("Res&ponsible employees"), self.responsible)
        form.addRow(_("Minimum &balance"), self.min_balance)
        form.addRow(_("Minimum &past due"), self.min_past_due)
        form.addRow(_("Oldest past due at &least"), self.min_days)
        self.live_count = QLabel()
        self.live_count.setObjectName("pool_live_count")
        self.live_count.setWordWrap(True)
        self.below.addWidget(self.live_count)
        note = QLabel(_("Lists take any of their values; the criteria given must all hold."))
        note.setWordWrap(True)
        note.setPalette(muted_palette(note.palette()))
        self.below.addWidget(note)

        self.count_timer = QTimer(self)
        self.count_timer.setSingleShot(True)
        self.count_timer.setInterval(COUNT_DELAY_MS)
        self.count_timer.timeout.connect(self.count)
        self.counts = ReadSlot(self)
        criteria_widgets: list[QWidget] = [
            self.customer_groups.edit,
            self.credit_groups.edit,
            self.countries.edit,
            self.currencies.edit,
            self.responsible.edit,
            self.min_balance,
            self.min_past_due,
            self.min_days,
            *self.statuses.values(),
        ]
        for widget in (self.name, self.pool_description, *criteria_widgets):
            self.watch(widget)
        for widget in criteria_widgets:
            if isinstance(widget, QLineEdit):
                widget.textChanged.connect(self.count_later)
            elif isinstance(widget, QCheckBox):
                widget.toggled.connect(self.count_later)
        self.min_days.valueChanged.connect(self.count_later)

    def show_row(self, row: PoolRow | None) -> None:
        self._apply_choices()
        criteria = row.criteria if row else PoolCriteria()
        self.name.setText(row.name if row else "")
        self.pool_description.setText((row.description or "") if row else "")
        self.customer_groups.set_items(criteria.customer_groups)
        self.credit_groups.set_items(criteria.credit_groups)
        self.countries.set_items(criteria.countries)
        self.currencies.set_items(criteria.currencies)
        self.responsible.set_items(criteria.responsible_employees)
        for status, box in self.statuses.items():
            box.setChecked(status in criteria.account_statuses)
        formats = self.context.formats
        self.min_balance.setText(
            formats.amount(criteria.min_balance) if criteria.min_balance is not None else ""
        )
        self.min_past_due.setText(
            formats.amount(criteria.min_past_due) if criteria.min_past_due is not None else ""
        )
        self.min_days.setValue(criteria.min_days_past_due or 0)
        self.count_timer.stop()
        if row is not None:
            self._show_count(row.customers)  # read with the list, as of today
        else:
            self.live_count.setText(_("Counting the customers…"))
            self.count_timer.start()

    def values(self) -> PoolValues:
        return PoolValues(self.name.text(), self.pool_description.text(), self.criteria())

    def criteria(self) -> PoolCriteria:
        """The criteria the fields hold (``SetupError`` naming a field that cannot be read)."""
        return PoolCriteria(
            customer_groups=self.customer_groups.items(),
            credit_groups=self.credit_groups.items(),
            countries=self.countries.items(),
            currencies=self.currencies.items(),
            account_statuses=tuple(s for s, box in self.statuses.items() if box.isChecked()),
            responsible_employees=self.responsible.items(),
            min_balance=self._amount(self.min_balance, _("Minimum balance")),
            min_past_due=self._amount(self.min_past_due, _("Minimum past due")),
            min_days_past_due=self.min_days.value() or None,
        )

    def save(self, session: Session, row: PoolRow | None, values: PoolValues) -> uuid.UUID:
        return save_pool(
            session,
            row.id if row else None,
            row.version if row else 0,
            values,
            by=self.context.employee_id,
            now=self.context.clock.now(),
        )

    def delete(self, session: Session, row: PoolRow) -> None:
        delete_pool(
            session, row.id, row.version, by=self.context.employee_id, now=self.context.clock.now()
        )

    # --- the live count -----------------------------------------------------------------

    def count_later(self, *_args: object) -> None:
        """A criterion changed: count again once the typing has paused."""
        if not self._filling:
            self.live_count.setText(_("Counting the customers…"))
            self.count_timer.start()

    def count(self) -> None:
        """Read how many customers the criteria in the form select today."""
        if not self.isVisible():
            return  # the window is closing (its runner may be gone), or the section hidden
        try:
            criteria = self.criteria()
        except SetupError as error:
            task = self.counts.task
            if task is not None:  # an older count would overwrite the reason
                task.cancel()
                self.counts.finish(task)
            self.live_count.setText(str(error))
            return
        database, today = self.context.database, self.context.clock.today()

        def work(state: TaskState) -> int:
            with database.sessions() as session:
                found = count_customers(session, criteria, today)
            state.raise_if_cancelled()
            return found

        QueryOp(work, self._show_count, "count pool customers", failure=self._count_failed).run(
            self.context.runner, self.counts
        )

    def _show_count(self, found: int) -> None:
        today = self.context.formats.date(self.context.clock.today())
        self.live_count.setText(
            ngettext(
                "Selects {count} customer today ({date}).",
                "Selects {count} customers today ({date}).",
                found,
            ).format(count=self.context.formats.count(found), date=today)
        )

    def _count_failed(self, error: BaseException) -> None:
        self.live_count.setText(
            _("The customers could not be counted: {reason}").format(reason=error)
        )

    # --- inside -------------------------------------------------------------------------

    def _amount(self, field: QLineEdit, label: str) -> Decimal | None:
        if not field.text().strip():
            return None
        try:
            return parse_amount(field.text(), self.context.formats)
        except MoneyError as error:
            raise SetupError(f"{label}: {error}") from None

    def _apply_choices(self) -> None:
        choices = self._choices
        if choices is None or choices is self._shown_choices:
            return
        self._shown_choices = choices
        for field, values in (
            (self.customer_groups, choices.customer_groups),
            (self.credit_groups, choices.credit_groups),
            (self.countries, choices.countries),
            (self.currencies, choices.currencies),
        ):
            field.set_choices([(value, value) for value in values])
        self.responsible.set_choices(
            [(number, f"{number} {name}") for number, name in choices.responsible_employees]
        )

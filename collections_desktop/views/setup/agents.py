"""Collections agents: which employee, which pools, the default pool, whether they see all.

The employees and pools offered come with the list's read, so the form's choices are
those of the moment the list was read.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QListWidget, QListWidgetItem
from sqlalchemy.orm import Session

from collections_desktop.i18n import N_, _
from collections_desktop.models.people.agents import (
    AgentChoices,
    AgentRow,
    AgentValues,
    agent_choices,
    delete_agent,
    list_agents,
    save_agent,
)
from collections_desktop.views.itemmodels.rows import Column
from collections_desktop.views.setup.section import SetupSection


class AgentsSection(SetupSection[AgentRow, AgentValues]):
    """The employees who work customer pools, and which pools."""

    key = "agents"
    title = N_("Collections agents")
    description = N_(
        "An agent works the customers of their pools and starts in their default pool; "
        "an agent who may view all pools sees every customer."
    )
    what = N_("collections agent")
    deletable = True
    _choices: AgentChoices | None
    """The choices read with the rows (set on the worker, shown on the GUI thread)."""

    def columns(self) -> Sequence[Column[AgentRow]]:
        return (
            Column(_("Employee"), lambda row: row.employee_name),
            Column(
                _("Pools"),
                lambda row: ", ".join(row.pool_names),
                tooltip=lambda row: "\n".join(row.pool_names),
            ),
            Column(_("Default pool"), lambda row: row.default_pool_name or ""),
            Column(_("All pools"), lambda row: _("Yes") if row.may_view_all_pools else ""),
        )

    def read(self, session: Session) -> Sequence[AgentRow]:
        # The choices come with the rows, so the form's lists are full when a row is shown.
        self._choices = agent_choices(session)
        return list_agents(session)

    def row_name(self, row: AgentRow) -> str:
        return row.employee_name

    def build_form(self, form: QFormLayout) -> None:
        self._choices = None
        self._shown_choices: AgentChoices | None = None
        self.employee = QComboBox()
        self.employee.setObjectName("agent_employee")
        self.pools = QListWidget()
        self.pools.setObjectName("agent_pools")
        self.pools.setMaximumHeight(120)
        self.default_pool = QComboBox()
        self.default_pool.setObjectName("agent_default_pool")
        for combo in (self.employee, self.default_pool):
            combo.setMinimumContentsLength(28)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
        self.view_all = QCheckBox(_("May view all pools (sees every customer)"))
        self.view_all.setObjectName("agent_view_all")
        form.addRow(_("&Employee"), self.employee)
        form.addRow(_("&Pools"), self.pools)
        form.addRow(_("&Default pool"), self.default_pool)
        form.addRow("", self.view_all)
        for widget in (self.employee, self.default_pool, self.view_all):
            self.watch(widget)
        self.pools.itemChanged.connect(self.mark_changed)

    def show_row(self, row: AgentRow | None) -> None:
        self._apply_choices()
        self.employee.setCurrentIndex(self.employee.findData(row.employee_id.hex) if row else -1)
        chosen = set(row.pool_ids) if row else set()
        for position in range(self.pools.count()):
            item = self.pools.item(position)
            checked = item.data(Qt.ItemDataRole.UserRole) in chosen
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        default = row.default_pool_id if row else None
        self.default_pool.setCurrentIndex(
            max(0, self.default_pool.findData(default.hex if default else ""))
        )
        self.view_all.setChecked(row.may_view_all_pools if row else False)

    def values(self) -> AgentValues:
        pools = frozenset(
            self.pools.item(p).data(Qt.ItemDataRole.UserRole)
            for p in range(self.pools.count())
            if self.pools.item(p).checkState() == Qt.CheckState.Checked
        )
        employee, default = self.employee.currentData(), self.default_pool.currentData()
        return AgentValues(
            employee_id=uuid.UUID(employee) if employee else None,
            pool_ids=pools,
            default_pool_id=uuid.UUID(default) if default else None,
            may_view_all_pools=self.view_all.isChecked(),
        )

    def save(self, session: Session, row: AgentRow | None, values: AgentValues) -> uuid.UUID:
        return save_agent(
            session,
            row.id if row else None,
            row.version if row else 0,
            values,
            by=self.context.employee_id,
            now=self.context.clock.now(),
        )

    def delete(self, session: Session, row: AgentRow) -> None:
        delete_agent(
            session, row.id, row.version, by=self.context.employee_id, now=self.context.clock.now()
        )

    def _apply_choices(self) -> None:
        choices = self._choices
        if choices is None or choices is self._shown_choices:
            return
        self._shown_choices = choices
        self.employee.clear()
        for employee in choices.employees:
            self.employee.addItem(employee.name, employee.id.hex)
        self.pools.clear()
        self.default_pool.clear()
        self.default_pool.addItem(_("(none)"), "")
        for pool in choices.pools:
            item = QListWidgetItem(pool.name)
            item.setData(Qt.ItemDataRole.UserRole, pool.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.pools.addItem(item)
            self.default_pool.addItem(pool.name, pool.id.hex)

"""Users: the employees who use the app, their login names and who is an administrator.

The app works as the employee whose login name is the computer's login (on a team
database, the server's login). Removing a user keeps the employee (their history names
them) and only takes their login name and role.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLineEdit
from sqlalchemy.orm import Session

from collections_desktop.i18n import N_, _
from collections_desktop.models.people.users import (
    UserRow,
    UserValues,
    employees_without_login,
    list_users,
    remove_user,
    save_user,
)
from collections_desktop.views.dialogs.fields import hint_label
from collections_desktop.views.itemmodels.rows import Column
from collections_desktop.views.setup.section import SetupSection


@dataclass(frozen=True)
class UserForm:
    """What the form holds, and the employee a new user is made of (None: a new one)."""

    values: UserValues
    employee: UserRow | None

    @property
    def name(self) -> str:
        return self.values.name


class UsersSection(SetupSection[UserRow, UserForm]):
    """Employees with a login name; an administrator may change the set-up."""

    key = "users"
    title = N_("Users")
    description = N_(
        "The employees who use the app: the app works as the one whose login name is the "
        "computer's. An administrator may change the set-up; there is always at least one."
    )
    what = N_("user")
    deletable = True
    stretch = 4  # the e-mail gives way; the name and login name are never cut
    _others: tuple[UserRow, ...] = ()
    """The employees without a login, read with the rows (set on the worker)."""

    def columns(self) -> Sequence[Column[UserRow]]:
        return (
            Column(_("Name"), lambda row: row.name),
            Column(_("Login name"), lambda row: row.login),
            Column(_("Administrator"), lambda row: _("Yes") if row.is_administrator else ""),
            Column(_("Agent"), lambda row: _("Yes") if row.is_agent else ""),
            Column(_("E-mail"), lambda row: row.email or "", tooltip=lambda row: row.phone or ""),
        )

    def read(self, session: Session) -> Sequence[UserRow]:
        self._others = tuple(employees_without_login(session))
        return list_users(session)

    def build_form(self, form: QFormLayout) -> None:
        self.employee = QComboBox()
        self.employee.setObjectName("user_employee")
        self.employee.setMinimumContentsLength(28)
        self.employee.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.employee.setToolTip(_("Give an employee who does not use the app yet a login"))
        self.employee.currentIndexChanged.connect(self._employee_chosen)
        self.name = QLineEdit()
        self.name.setObjectName("user_name")
        self.name.setMaxLength(200)
        self.login = QLineEdit()
        self.login.setObjectName("user_login")
        self.login.setMaxLength(100)
        self.email = QLineEdit()
        self.email.setObjectName("user_email")
        self.phone = QLineEdit()
        self.phone.setObjectName("user_phone")
        self.phone.setMaxLength(50)
        self.administrator = QCheckBox(_("Administrator (may change the set-up)"))
        self.administrator.setObjectName("user_administrator")
        form.addRow(_("Em&ployee"), self.employee)
        form.addRow(_("&Name"), self.name)
        form.addRow(_("&Login name"), self.login)
        form.addRow(_("&E-mail"), self.email)
        form.addRow(_("&Phone"), self.phone)
        form.addRow("", self.administrator)
        for widget in (
            self.employee,
            self.name,
            self.login,
            self.email,
            self.phone,
            self.administrator,
        ):
            self.watch(widget)
        self.below.addWidget(
            hint_label(
                _("You work as {name}, login name {login}.").format(
                    name=self.context.viewer.display_name, login=self.context.viewer.user_name
                ),
                "user_you",
            )
        )

    def show_row(self, row: UserRow | None) -> None:
        self.employee.blockSignals(True)
        self.employee.clear()
        if row is None:
            self.employee.addItem(_("(a new employee)"), None)
            for other in self._others:
                self.employee.addItem(f"{other.name} ({other.number})", other)
        else:
            self.employee.addItem(f"{row.name} ({row.number})", row)
        self.employee.setCurrentIndex(0)
        self.employee.setEnabled(row is None)
        self.employee.blockSignals(False)
        self.name.setText(row.name if row else "")
        self.login.setText(row.login if row else "")
        self.email.setText((row.email or "") if row else "")
        self.phone.setText((row.phone or "") if row else "")
        self.administrator.setChecked(row.is_administrator if row else False)

    def values(self) -> UserForm:
        values = UserValues(
            name=self.name.text(),
            login=self.login.text(),
            email=self.email.text(),
            phone=self.phone.text(),
            is_administrator=self.administrator.isChecked(),
        )
        return UserForm(values, self.employee.currentData() if self.current is None else None)

    def save(self, session: Session, row: UserRow | None, values: UserForm) -> uuid.UUID:
        target = row or values.employee
        return save_user(
            session,
            target.id if target else None,
            target.version if target else 0,
            values.values,
            by=self.context.employee_id,
            now=self.context.clock.now(),
        )

    def delete(self, session: Session, row: UserRow) -> None:
        remove_user(
            session, row.id, row.version, by=self.context.employee_id, now=self.context.clock.now()
        )

    def _employee_chosen(self, _index: int) -> None:
        """An existing employee was chosen for the new user: their name, e-mail and phone."""
        other = self.employee.currentData()
        self.name.setText(other.name if other else "")
        self.email.setText((other.email or "") if other else "")
        self.phone.setText((other.phone or "") if other else "")

"""Users: the employees who use the app, their login names and who is an administrator.

The app works as the employee whose login name is the computer's login (on a team
database, the server's login). Removing a user keeps the employee (their history names
them) and only takes their login name and role.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from PySide6.QtWidgets import QCheckBox, QFormLayout, QLineEdit
from sqlalchemy.orm import Session

from collections_desktop.i18n import N_, _
from collections_desktop.models.people.users import (
    UserRow,
    UserValues,
    list_users,
    remove_user,
    save_user,
)
from collections_desktop.views.dialogs.fields import hint_label
from collections_desktop.views.itemmodels.rows import Column
from collections_desktop.views.setup.section import SetupSection


class UsersSection(SetupSection[UserRow, UserValues]):
    """Employees with a login name; an administrator may change the set-up."""

    key = "users"
    title = N_("Users")
    description = N_(
        "The employees who use the app: the app works as the one whose login name is the "
        "computer's. An administrator may change the set-up; there is always at least one."
    )
    what = N_("user")
    deletable = True

    def columns(self) -> Sequence[Column[UserRow]]:
        return (
            Column(_("Name"), lambda row: row.name),
            Column(_("Login name"), lambda row: row.login),
            Column(_("Administrator"), lambda row: _("Yes") if row.is_administrator else ""),
            Column(_("Agent"), lambda row: _("Yes") if row.is_agent else ""),
            Column(_("E-mail"), lambda row: row.email or ""),
            Column(_("Phone"), lambda row: row.phone or ""),
        )

    def read(self, session: Session) -> Sequence[UserRow]:
        return list_users(session)

    def build_form(self, form: QFormLayout) -> None:
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
        form.addRow(_("&Name"), self.name)
        form.addRow(_("&Login name"), self.login)
        form.addRow(_("&E-mail"), self.email)
        form.addRow(_("&Phone"), self.phone)
        form.addRow("", self.administrator)
        for widget in (self.name, self.login, self.email, self.phone, self.administrator):
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
        self.name.setText(row.name if row else "")
        self.login.setText(row.login if row else "")
        self.email.setText((row.email or "") if row else "")
        self.phone.setText((row.phone or "") if row else "")
        self.administrator.setChecked(row.is_administrator if row else False)

    def values(self) -> UserValues:
        return UserValues(
            name=self.name.text(),
            login=self.login.text(),
            email=self.email.text(),
            phone=self.phone.text(),
            is_administrator=self.administrator.isChecked(),
        )

    def save(self, session: Session, row: UserRow | None, values: UserValues) -> uuid.UUID:
        return save_user(
            session,
            row.id if row else None,
            row.version if row else 0,
            values,
            by=self.context.employee_id,
            now=self.context.clock.now(),
        )

    def delete(self, session: Session, row: UserRow) -> None:
        remove_user(
            session, row.id, row.version, by=self.context.employee_id, now=self.context.clock.now()
        )

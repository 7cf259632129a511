"""Posting profiles: code, name, receivables and write-off accounts."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from PySide6.QtWidgets import QFormLayout, QLineEdit
from sqlalchemy.orm import Session

from collections_desktop.i18n import N_, _
from collections_desktop.models.setup.posting_profiles import (
    NAME_LENGTH,
    PostingProfileRow,
    PostingProfileValues,
    delete_posting_profile,
    list_posting_profiles,
    save_posting_profile,
)
from collections_desktop.views.itemmodels.rows import Column
from collections_desktop.views.setup.section import SetupSection


def default_marked(row: PostingProfileRow) -> str:
    """A profile's name, marked when it is the default one."""
    return _("{name} (default)").format(name=row.name) if row.default else row.name


class PostingProfilesSection(SetupSection[PostingProfileRow, PostingProfileValues]):
    """The ledger accounts a customer's transactions post to."""

    key = "posting_profiles"
    title = N_("Posting profiles")
    description = N_(
        "The ledger accounts a customer's transactions post to. New and imported customers "
        "get the default profile; a profile in use keeps its code."
    )
    what = N_("posting profile")
    deletable = True
    stretch = 1

    def columns(self) -> Sequence[Column[PostingProfileRow]]:
        return (
            Column(_("Code"), lambda row: row.code),
            Column(
                _("Name"),
                lambda row: (
                    _("{name} (default)").format(name=row.name) if row.default else row.name
                ),
            ),
            Column(_("Receivables account"), lambda row: row.receivables_account),
            Column(_("Write-off account"), lambda row: row.write_off_account or "—"),
            Column(_("Customers"), lambda row: row.customers, self.context.formats.count),
        )

    def read(self, session: Session) -> Sequence[PostingProfileRow]:
        return list_posting_profiles(session)

    def build_form(self, form: QFormLayout) -> None:
        self.code = QLineEdit()
        self.code.setObjectName("posting_profile_code")
        self.code.setMaxLength(30)
        self.name = QLineEdit()
        self.name.setObjectName("posting_profile_name")
        self.name.setMaxLength(NAME_LENGTH)
        self.receivables = QLineEdit()
        self.receivables.setObjectName("posting_profile_receivables")
        self.receivables.setMaxLength(30)
        self.write_off = QLineEdit()
        self.write_off.setObjectName("posting_profile_write_off")
        self.write_off.setMaxLength(30)
        self.write_off.setPlaceholderText(_("Empty: the receivables parameters' account"))
        form.addRow(_("&Code"), self.code)
        form.addRow(_("&Name"), self.name)
        form.addRow(_("&Receivables account"), self.receivables)
        form.addRow(_("&Write-off account"), self.write_off)
        for widget in (self.code, self.name, self.receivables, self.write_off):
            self.watch(widget)

    def show_row(self, row: PostingProfileRow | None) -> None:
        self.code.setText(row.code if row else "")
        self.name.setText(row.name if row else "")
        self.receivables.setText(row.receivables_account if row else "")
        self.write_off.setText((row.write_off_account or "") if row else "")
        self.code.setReadOnly(bool(row and row.default))
        self.code.setToolTip(
            _("The default profile keeps its code.") if row and row.default else ""
        )

    def values(self) -> PostingProfileValues:
        return PostingProfileValues(
            self.code.text(), self.name.text(), self.receivables.text(), self.write_off.text()
        )

    def save(
        self, session: Session, row: PostingProfileRow | None, values: PostingProfileValues
    ) -> uuid.UUID:
        return save_posting_profile(
            session,
            row.id if row else None,
            row.version if row else 0,
            values,
            by=self.context.employee_id,
            now=self.context.clock.now(),
        )

    def delete(self, session: Session, row: PostingProfileRow) -> None:
        delete_posting_profile(
            session, row.id, row.version, by=self.context.employee_id, now=self.context.clock.now()
        )

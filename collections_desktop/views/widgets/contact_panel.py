"""The people to call about an account and its credit facts, under the Workspace.

The collections contact comes first, with an e-mail and a call button next to what
they use (the customer's own address and number when the contact has none); then the
other contact, the organisation, the internal team and the credit facts. The buttons
only ask: ``email_requested`` and ``call_requested`` carry the address or number, and
the page opens them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from collections_desktop.formatting import Formats
from collections_desktop.i18n import _
from collections_desktop.models.screens.customer_card import ContactInfo, CustomerCard
from collections_desktop.views.icons import IconRegistry
from collections_desktop.views.style import tabular_font


def contact_points(card: CustomerCard) -> tuple[str | None, str | None]:
    """The e-mail address and phone number to reach the account by: the collections
    contact's, else the customer's own."""
    contact = card.collections_contact
    email = (contact.email if contact else None) or card.email
    phone = (contact.phone if contact else None) or card.phone
    return email, phone


def person_text(person: ContactInfo | None) -> str:
    """ "Luis Ruiz · luis@ruiz.example · +34 600 1", or a dash for nobody."""
    if person is None:
        return "—"
    return " · ".join(p for p in (person.name, person.email, person.phone) if p)


def _value_label(name: str, *, wrap: bool = False) -> QLabel:
    label = QLabel("—")
    label.setObjectName(name)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(wrap)  # a long address wraps instead of widening the window
    return label


class ContactPanel(QFrame):
    """Who to contact about the customer on screen, and their credit (see the module)."""

    email_requested = Signal(str)
    call_requested = Signal(str)

    def __init__(
        self, formats: Formats, icons: IconRegistry, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._formats = formats
        self._icons = icons
        self._address: str | None = None
        self._phone: str | None = None
        self.setObjectName("contact_panel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        grid = QGridLayout(self)
        grid.setContentsMargins(10, 6, 10, 6)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(3)
        grid.setColumnStretch(1, 1)
        bold = QFont(self.font())
        bold.setBold(True)

        def caption(text: str, row: int) -> None:
            label = QLabel(text)
            label.setFont(bold)
            grid.addWidget(label, row, 0)

        # Row 0: the person to chase, with e-mail and call buttons next to what they use.
        caption(_("Collections contact"), 0)
        line = QHBoxLayout()
        line.setSpacing(6)
        self.contact_name = _value_label("collections_contact_name")
        self.contact_email = _value_label("collections_contact_email")
        self.email_button = QToolButton()
        self.email_button.setObjectName("email_button")
        self.email_button.setIcon(icons.get("email"))
        self.email_button.setAutoRaise(True)
        self.email_button.clicked.connect(self._email)
        self.contact_phone = _value_label("collections_contact_phone")
        self.call_button = QToolButton()
        self.call_button.setObjectName("call_button")
        self.call_button.setIcon(icons.get("call"))
        self.call_button.setAutoRaise(True)
        self.call_button.clicked.connect(self._call)
        other_caption = QLabel(_("Other contact"))
        other_caption.setFont(bold)
        self.other_contact = _value_label("other_contact")
        # The line's last label takes the room left and is cut short when a long address
        # does not fit, rather than widening the page past the window.
        self.other_contact.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        for widget in (self.contact_name, self.contact_email):
            line.addWidget(widget)
        line.addWidget(self.email_button)
        line.addSpacing(8)
        line.addWidget(self.contact_phone)
        line.addWidget(self.call_button)
        line.addSpacing(24)
        line.addWidget(other_caption)
        line.addWidget(self.other_contact, 1)
        grid.addLayout(line, 0, 1)

        caption(_("Organisation"), 1)
        self.organisation = _value_label("organisation", wrap=True)
        grid.addWidget(self.organisation, 1, 1)
        caption(_("Internal team"), 2)
        self.internal_team = _value_label("internal_team", wrap=True)
        grid.addWidget(self.internal_team, 2, 1)
        caption(_("Credit"), 3)
        self.credit = _value_label("credit_facts", wrap=True)
        self.credit.setFont(tabular_font(self.font()))
        grid.addWidget(self.credit, 3, 1)

    def show_card(self, card: CustomerCard, call_method: str) -> None:
        """Fill the panel from ``card``; calls go through ``call_method`` ("tel"/"teams")."""
        contact = card.collections_contact
        self.contact_name.setText(contact.name if contact else _("None set"))
        email, phone = self._address, self._phone = contact_points(card)
        self.contact_email.setText(email or "—")
        self.contact_phone.setText(phone or "—")
        self.email_button.setEnabled(bool(email))
        self.email_button.setToolTip(
            _("Write to {address}").format(address=email) if email else _("No e-mail address")
        )
        self.set_call_method(call_method)
        self.other_contact.setText(person_text(card.other_contact))
        organisation = [card.address, card.phone, card.email]
        self.organisation.setText(" · ".join(p for p in organisation if p) or "—")
        team = []
        if card.primary_contact_name:
            team.append(_("primary contact {name}").format(name=card.primary_contact_name))
        if card.responsible:
            team.append(_("responsible {person}").format(person=person_text(card.responsible)))
        self.internal_team.setText(" · ".join(team) or "—")
        self.credit.setText(" · ".join(self._credit_facts(card)))

    def set_call_method(self, call_method: str) -> None:
        """The call button's icon and tooltip for ``call_method`` ("tel" or "teams")."""
        phone = self._phone
        self.call_button.setEnabled(bool(phone))
        teams = call_method == "teams"
        self.call_button.setIcon(self._icons.get("teams" if teams else "call"))
        if phone:
            self.call_button.setToolTip(
                (_("Call {number} with Teams") if teams else _("Call {number}")).format(
                    number=phone
                )
            )
        else:
            self.call_button.setToolTip(_("No phone number"))

    def _credit_facts(self, card: CustomerCard) -> list[str]:
        fmt = self._formats
        currency = card.accounting_currency
        credit = [
            _("Credit limit {amount}").format(
                amount=fmt.money(card.credit_limit, currency)
                if card.credit_limit is not None
                else _("none")
            ),
            _("Available {amount}").format(
                amount=fmt.money(card.available_credit, currency)
                if card.available_credit is not None
                else "—"
            ),
        ]
        if card.credit_group:
            credit.append(_("Credit group {group}").format(group=card.credit_group))
        if card.last_payment_date is not None and card.last_payment_amount is not None:
            credit.append(
                _("Last payment {amount} on {date}").format(
                    amount=fmt.money(
                        card.last_payment_amount, card.last_payment_currency or currency
                    ),
                    date=fmt.date(card.last_payment_date),
                )
            )
        else:
            credit.append(_("No payment on record"))
        return credit

    def _email(self) -> None:
        if self._address:
            self.email_requested.emit(self._address)

    def _call(self) -> None:
        if self._phone:
            self.call_requested.emit(self._phone)

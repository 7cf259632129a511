"""The Workspace's texts: plain sentences about the account, the reminder e-mail, and the
``mailto:``, ``tel:`` and Teams links (generated from the card, no made-up facts).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote

from collections_desktop.formatting import Formats
from collections_desktop.i18n import N_, _, ngettext, translations_for
from collections_desktop.kernel.money import ZERO
from collections_desktop.models.predict.reads import LATE_DAYS
from collections_desktop.models.screens.customer_card import (
    ContactKind,
    CustomerCard,
    RecentContact,
    TransactionRow,
    past_due_transactions,
)
from collections_desktop.models.screens.workspace import activity_type_name


@dataclass(frozen=True)
class EmailDraft:
    """An e-mail to open in the user's mail program."""

    to: str
    subject: str
    body: str


def summary_sentences(
    card: CustomerCard, formats: Formats, expected_late: Decimal | None = None
) -> list[str]:
    """Plain sentences about the account, generated from the card (no made-up facts);
    ``expected_late``, the open invoices' predicted late amount, when they were predicted."""
    fmt = formats
    currency = card.accounting_currency
    sentences: list[str] = []
    if card.balance > ZERO:
        owes = _("{name} owes {balance}").format(
            name=card.name, balance=fmt.money(card.balance, currency)
        )
        if card.past_due > ZERO and card.oldest_past_due_days is not None:
            days = card.oldest_past_due_days
            sentences.append(
                ngettext(
                    "{owes}, of which {past_due} is past due; the oldest item is {days} day late.",
                    "{owes}, of which {past_due} is past due; the oldest item is {days} days late.",
                    days,
                ).format(owes=owes, past_due=fmt.amount(card.past_due), days=fmt.count(days))
            )
        else:
            sentences.append(_("{owes}; nothing is past due.").format(owes=owes))
    elif card.balance < ZERO:
        sentences.append(
            _("{name} has a credit balance of {balance}.").format(
                name=card.name, balance=fmt.money(-card.balance, currency)
            )
        )
    else:
        sentences.append(_("{name} owes nothing.").format(name=card.name))
    if expected_late is not None and expected_late > ZERO:
        sentences.append(
            _("Expected to be paid more than {days} days late: {amount}.").format(
                days=LATE_DAYS, amount=fmt.money(expected_late, currency)
            )
        )
    if card.last_payment_date is not None and card.last_payment_amount is not None:
        sentences.append(
            _("Last payment {amount} on {date}.").format(
                amount=fmt.money(card.last_payment_amount, card.last_payment_currency or currency),
                date=fmt.date(card.last_payment_date),
            )
        )
    else:
        sentences.append(_("No payment is on record."))
    if card.promise_count:
        by = (
            _(", the next by {date}").format(date=fmt.date(card.next_promise_date))
            if card.next_promise_date
            else ""
        )
        sentences.append(
            ngettext(
                "One promise to pay ({amount}{by}) is open.",
                "{count} promises to pay ({amount}{by}) are open.",
                card.promise_count,
            ).format(
                count=fmt.count(card.promise_count), amount=fmt.amount(card.promise_amount), by=by
            )
        )
    if card.dispute_count:
        sentences.append(
            ngettext(
                "One item is disputed ({amount}).",
                "{count} items are disputed ({amount}).",
                card.dispute_count,
            ).format(count=fmt.count(card.dispute_count), amount=fmt.amount(card.dispute_amount))
        )
    if card.recent_contacts:
        sentences.append(last_contact_sentence(card.recent_contacts[0], fmt))
    else:
        sentences.append(_("No contact is recorded yet."))
    sentences.append(_("Risk score {score} of 100.").format(score=card.risk_score))
    if card.on_hold:
        sentences.append(_("The account is on hold."))
    return sentences


def last_contact_sentence(last: RecentContact, formats: Formats) -> str:
    """ "Last contact: call on Nov 3, 2026, “Call Ana about INV-1”." for the newest contact.

    An activity is named by its category (a call, a visit …), else by its type; a
    collection letter by its number.
    """
    if last.kind == ContactKind.LETTER:
        return _("Last contact: collection letter {number} on {date}.").format(
            number=last.number, date=formats.date(last.date)
        )
    what = last.category or activity_type_name(last.type)
    return _("Last contact: {type} on {date}, “{purpose}”.").format(
        type=what.lower(), date=formats.date(last.date), purpose=last.purpose
    )


REMINDER_SUBJECT = N_("Payment reminder – account {account}")
"""The subject of the reminder e-mail (translated when used)."""


REMINDER_BODY = N_(
    "Dear {contact},\n"
    "\n"
    "According to our records, the following items on your account {account} are past due:\n"
    "\n"
    "{items}\n"
    "\n"
    "Total past due: {total}\n"
    "\n"
    "We would be grateful if you could arrange payment, or let us know if anything about "
    "these items needs clearing up.\n"
    "\n"
    "Kind regards,\n"
    "{company}"
)
"""The reminder e-mail; ``{items}`` is one line per past-due item (translated when used)."""


REMINDER_ITEM = N_("- {document}, due {due}: {open} open ({days})")
"""One line of the reminder's item list."""


def reminder_email(
    card: CustomerCard, open_rows: Sequence[TransactionRow], company_name: str, language: str
) -> EmailDraft:
    """A reminder e-mail listing the past-due items of ``open_rows``, oldest due first,
    written wholly in ``language`` (the customer's, as a letter is) with its formats.

    It goes to the collections contact, else the customer's e-mail address.
    """
    texts = translations_for(language)
    fmt = Formats.for_locale(language)
    due = sorted(past_due_transactions(open_rows), key=lambda r: (r.due_date, r.voucher))
    lines = [
        texts.gettext(REMINDER_ITEM).format(
            document=row.document_number,
            due=fmt.date(row.due_date),
            open=fmt.money(row.open_amount, row.currency),
            days=texts.ngettext(
                "{days} day overdue", "{days} days overdue", row.days_overdue
            ).format(days=fmt.count(row.days_overdue)),
        )
        for row in due
    ]
    totals: dict[str, Decimal] = {}
    for row in due:
        totals[row.currency] = totals.get(row.currency, ZERO) + row.open_amount
    contact = card.collections_contact
    to = (contact.email if contact and contact.email else None) or card.email or ""
    body = texts.gettext(REMINDER_BODY).format(
        contact=contact.name if contact else card.name,
        account=card.account,
        items="\n".join(lines),
        total=", ".join(fmt.money(amount, cur) for cur, amount in sorted(totals.items())) or "—",
        company=company_name,
    )
    subject = texts.gettext(REMINDER_SUBJECT).format(account=card.account)
    return EmailDraft(to=to, subject=subject, body=body)


def mailto_url(draft: EmailDraft) -> str:
    """A ``mailto:`` URL (RFC 6068): address, subject and body percent-encoded, CRLF lines."""
    fields = []
    if draft.subject:
        fields.append("subject=" + quote(draft.subject, safe=""))
    if draft.body:
        body = draft.body.replace("\r\n", "\n").replace("\n", "\r\n")
        fields.append("body=" + quote(body, safe=""))
    url = "mailto:" + quote(draft.to, safe="@")
    return url + ("?" + "&".join(fields) if fields else "")


CALL_METHODS = ("tel", "teams")


def dial_string(phone: str) -> str:
    """The number without spaces and separators ("+34 910-555 101" → "+34910555101")."""
    return "".join(ch for ch in phone if ch not in " \t\xa0-.()/")


def call_url(phone: str, method: str) -> str:
    """The URL that calls ``phone``: ``tel:`` (RFC 3966) or a Microsoft Teams call link.

    Teams' documented call deep link is ``https://teams.microsoft.com/l/call/0/0?users=…``;
    a phone number (rather than a user) is given with the ``4:`` prefix, which Teams
    dials through its phone system (the user needs a Teams calling plan).
    """
    number = dial_string(phone)
    if method == "tel":
        return "tel:" + number
    if method == "teams":
        return "https://teams.microsoft.com/l/call/0/0?users=4:" + number
    raise ValueError(f"unknown call method {method!r}; expected one of {CALL_METHODS}")

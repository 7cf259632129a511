"""A template made into one message per customer: the preview and what is queued.

Each customer gets the template in their language (the customer's language column when
the template is written in it, else the company's), filled with their own merge fields
formatted in that language. A customer without an address is listed as skipped; a
template problem (syntax, unknown field, sandbox) stops the whole mailing, naming the
line and the customer it showed with, and nothing is queued.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from collections_desktop.models.db.schema import CollectionLetter, Customer, CustomerTransaction
from collections_desktop.models.mail.outbox import OutgoingMessage
from collections_desktop.models.mail.render import (
    MailCache,
    RenderedMail,
    TemplateProblem,
    choose_language,
    customer_languages,
    mail_data,
    render_mail,
)
from collections_desktop.models.mail.smtp import Attachment
from collections_desktop.models.mail.templates import TemplateRow
from collections_desktop.models.people.scope import AgentScope
from collections_desktop.models.texts.business import company_language


@dataclass(frozen=True)
class PreparedMail:
    """One customer's mail, rendered (``to`` empty: the customer has no address)."""

    customer_id: uuid.UUID
    account: str
    name: str
    mail: RenderedMail

    @property
    def skipped(self) -> bool:
        return not self.mail.to


class MailingProblem(TemplateProblem):
    """A template problem met while filling it for a customer (named in the message)."""


def prepare_mails(
    session: Session,
    scope: AgentScope,
    template: TemplateRow,
    customer_ids: Sequence[uuid.UUID],
    as_of: dt.date,
    *,
    agent_id: uuid.UUID | None,
    progress: Callable[[int, int], None] | None = None,
) -> list[PreparedMail]:
    """The template filled for each customer, in the order given."""
    company = company_language(session)
    languages = customer_languages(session, customer_ids)
    names = dict(
        session.execute(
            select(Customer.id, Customer.account + " " + Customer.name).where(
                Customer.id.in_(list(customer_ids))
            )
        ).all()
    )
    prepared = []
    cache = MailCache()
    for done, customer_id in enumerate(customer_ids):
        if progress is not None:
            progress(done, len(customer_ids))
        language = choose_language(languages.get(customer_id), company, template.languages)
        data = mail_data(
            session, scope, customer_id, as_of, language=language, agent_id=agent_id, cache=cache
        )
        text = template.texts[language]
        try:
            mail = render_mail(text.subject, text.body, data)
        except TemplateProblem as problem:
            raise MailingProblem(
                problem.reason,
                problem.line,
                where=f"{data.customer.account} {data.customer.name} ({language}), {problem.where}",
            ) from None
        label = names.get(customer_id, "")
        account, _sep, name = label.partition(" ")
        prepared.append(PreparedMail(customer_id, account, name, mail))
    if progress is not None:
        progress(len(customer_ids), len(customer_ids))
    return prepared


def outgoing(
    mails: Sequence[PreparedMail],
    attachments: dict[uuid.UUID, tuple[Attachment, ...]] | None = None,
) -> list[OutgoingMessage]:
    """The messages to queue (the skipped ones too: the outbox records them)."""
    files = attachments or {}
    return [
        OutgoingMessage(
            customer_id=mail.customer_id,
            to=mail.mail.to,
            subject=mail.mail.subject,
            body=mail.mail.body,
            language=mail.mail.language,
            attachments=files.get(mail.customer_id, ()) if mail.mail.to else (),
        )
        for mail in mails
    ]


def customers_by_account(
    session: Session, scope: AgentScope, accounts: Sequence[str], as_of: dt.date
) -> list[uuid.UUID]:
    """The ids of the customers ``accounts`` the scope sees, in the order given."""
    wanted = list(dict.fromkeys(accounts))
    found: dict[str, uuid.UUID] = {}
    for first in range(0, len(wanted), 500):
        found.update(
            session.execute(
                select(Customer.account, Customer.id).where(
                    Customer.account.in_(wanted[first : first + 500]),
                    Customer.deleted_at.is_(None),
                    scope.customer_condition(as_of),
                )
            ).all()
        )
    return [found[account] for account in wanted if account in found]


def latest_letter(session: Session, customer_id: uuid.UUID) -> uuid.UUID | None:
    """The customer's latest collection letter (the one a mail attaches), if any."""
    return session.scalar(
        select(CollectionLetter.id)
        .where(CollectionLetter.customer_id == customer_id)
        .order_by(CollectionLetter.letter_date.desc(), CollectionLetter.number.desc())
        .limit(1)
    )


def preview_candidate(session: Session, scope: AgentScope, as_of: dt.date) -> uuid.UUID | None:
    """A customer worth previewing a template on: the first (by account) of the scope with
    an e-mail address and an invoice past due; else the first customer."""
    overdue = (
        select(CustomerTransaction.id)
        .where(
            CustomerTransaction.customer_id == Customer.id,
            CustomerTransaction.closed_on.is_(None),
            CustomerTransaction.amount > 0,
            CustomerTransaction.due_date < as_of,
        )
        .exists()
    )
    visible = (Customer.deleted_at.is_(None), scope.customer_condition(as_of))
    found = session.scalar(
        select(Customer.id)
        .where(*visible, Customer.email.is_not(None), Customer.email != "", overdue)
        .order_by(Customer.account)
        .limit(1)
    )
    return found or session.scalar(
        select(Customer.id).where(*visible).order_by(Customer.account).limit(1)
    )

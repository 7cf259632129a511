"""E-mail templates: listed, saved and deleted from the set-up, and the standard ones seeded.

A template has a code, a name (the collectors') and a subject and body in each language
it is written in. A text is checked when it is saved: it must compile, and name only
merge fields (``render.MERGE_FIELDS``); the refusal names the language and the line. A
template a mailing used keeps its texts as they were in that mailing's outbox (the text
is rendered when queued), so changing it never changes a mail already queued.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from collections_desktop.i18n import _
from collections_desktop.models.db.editing import update_versioned
from collections_desktop.models.db.schema import MailTemplate, MailTemplateText
from collections_desktop.models.mail.render import TemplateProblem, check_template
from collections_desktop.models.mail.standard import STANDARD_TEMPLATES
from collections_desktop.models.setup.fields import (
    SetupError,
    require_administrator,
    required_text,
)

LANGUAGES = ("en", "es", "fr", "pt")
"""The languages a template is written in (those of the interface and the letters)."""


@dataclass(frozen=True)
class TemplateText:
    """A template's subject and body in one language."""

    subject: str
    body: str


@dataclass(frozen=True)
class TemplateRow:
    """A template as the set-up and the send dialog show it."""

    id: uuid.UUID
    code: str
    name: str
    active: bool
    version: int
    texts: dict[str, TemplateText] = field(default_factory=dict)

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages it is written in, in the usual order."""
        return tuple(language for language in LANGUAGES if language in self.texts)


@dataclass(frozen=True)
class TemplateValues:
    """What the form holds: code, name, whether it is offered, a text per language (a
    language whose subject and body are both empty has none)."""

    code: str
    name: str
    active: bool
    texts: dict[str, TemplateText]


def list_templates(session: Session, *, active_only: bool = False) -> list[TemplateRow]:
    """The live templates by code, each with its texts."""
    query = select(MailTemplate).where(MailTemplate.deleted_at.is_(None))
    if active_only:
        query = query.where(MailTemplate.active.is_(True))
    templates = list(session.scalars(query.order_by(MailTemplate.code)))
    texts: dict[uuid.UUID, dict[str, TemplateText]] = {t.id: {} for t in templates}
    for text in session.scalars(
        select(MailTemplateText).where(MailTemplateText.deleted_at.is_(None))
    ):
        if text.template_id in texts:
            texts[text.template_id][text.language] = TemplateText(text.subject, text.body)
    return [TemplateRow(t.id, t.code, t.name, t.active, t.version, texts[t.id]) for t in templates]


def template_by_code(session: Session, code: str) -> TemplateRow:
    """The live template ``code``; ``SetupError`` when there is none."""
    for row in list_templates(session):
        if row.code == code:
            return row
    raise SetupError(_("There is no e-mail template {code}.").format(code=code))


def save_template(
    session: Session,
    template_id: uuid.UUID | None,
    version: int,
    values: TemplateValues,
    *,
    by: uuid.UUID | None,
    now: dt.datetime,
) -> uuid.UUID:
    """Add a template (``template_id`` None) or change one read at ``version``."""
    require_administrator(session, by)
    code = required_text(values.code, _("Code"), max_length=30).upper()
    name = required_text(values.name, _("Name"), max_length=100)
    texts = _checked_texts(values.texts)
    clash = session.scalars(
        select(MailTemplate).where(MailTemplate.code == code, MailTemplate.id != template_id)
    ).one_or_none()
    if clash is not None and (clash.deleted_at is None or template_id is not None):
        raise SetupError(_("There is already an e-mail template {code}.").format(code=code))
    if clash is not None:  # a new template with a deleted one's code brings that row back
        clash.name, clash.active, clash.deleted_at = name, values.active, None
        clash.version, clash.updated_at = clash.version + 1, now
        template = clash
    elif template_id is None:
        template = MailTemplate(code=code, name=name, active=values.active, updated_at=now)
        session.add(template)
    else:
        found = session.get(MailTemplate, template_id)
        if found is None or found.deleted_at is not None:
            raise SetupError(_("That e-mail template no longer exists: reload the list."))
        template = found
        update_versioned(
            session,
            template,
            version,
            now=now,
            what=_("E-mail template {code}").format(code=template.code),
            code=code,
            name=name,
            active=values.active,
        )
    session.flush()
    _store_texts(session, template.id, texts, now)
    return template.id


def delete_template(
    session: Session,
    template_id: uuid.UUID,
    version: int,
    *,
    by: uuid.UUID | None,
    now: dt.datetime,
) -> None:
    """Remove a template (a tombstone; mails already queued keep their text)."""
    require_administrator(session, by)
    template = session.get(MailTemplate, template_id)
    if template is None or template.deleted_at is not None:
        raise SetupError(_("That e-mail template no longer exists: reload the list."))
    update_versioned(
        session,
        template,
        version,
        now=now,
        what=_("E-mail template {code}").format(code=template.code),
        deleted_at=now,
    )


def seed_mail_templates(session: Session, now: dt.datetime) -> int:
    """Add the standard templates that are missing (by code); how many were added."""
    existing = set(session.scalars(select(MailTemplate.code)))
    added = 0
    for standard in STANDARD_TEMPLATES:
        if standard.code in existing:
            continue
        language = _company_language(session)
        template = MailTemplate(
            code=standard.code,
            name=standard.names.get(language, standard.names["en"]),
            active=True,
            updated_at=now,
        )
        session.add(template)
        session.flush()
        session.add_all(
            MailTemplateText(
                template_id=template.id,
                language=lang,
                subject=text.subject,
                body=text.body,
                updated_at=now,
            )
            for lang, text in standard.texts.items()
        )
        added += 1
    session.flush()
    return added


def _company_language(session: Session) -> str:
    from collections_desktop.models.texts.business import company_language

    return company_language(session)


def _checked_texts(texts: dict[str, TemplateText]) -> dict[str, TemplateText]:
    """The languages written in, each compiled and checked; a refusal names language and
    line."""
    kept: dict[str, TemplateText] = {}
    for language in LANGUAGES:
        text = texts.get(language)
        if text is None or not (text.subject.strip() or text.body.strip()):
            continue
        label = _language_label(language)
        if not text.subject.strip():
            raise SetupError(_("{language}: the subject is required.").format(language=label))
        if len(text.subject) > 500:
            raise SetupError(
                _("{language}: the subject is longer than 500 characters.").format(language=label)
            )
        for part, source in ((_("subject"), text.subject), (_("body"), text.body)):
            try:
                check_template(source)
            except TemplateProblem as problem:
                raise SetupError(
                    _("{language}, {part}: {problem}").format(
                        language=label, part=part, problem=problem
                    )
                ) from None
        kept[language] = TemplateText(text.subject.strip(), text.body)
    if not kept:
        raise SetupError(_("Write the template in at least one language."))
    return kept


def _language_label(language: str) -> str:
    from collections_desktop.models.setup.translations import language_name

    return language_name(language)


def _store_texts(
    session: Session, template_id: uuid.UUID, texts: dict[str, TemplateText], now: dt.datetime
) -> None:
    """Write the template's texts: changed ones updated, removed ones tombstoned."""
    stored = {
        row.language: row
        for row in session.scalars(
            select(MailTemplateText).where(MailTemplateText.template_id == template_id)
        )
    }
    for language, row in stored.items():
        text = texts.get(language)
        if text is None:
            if row.deleted_at is None:
                row.deleted_at, row.version, row.updated_at = now, row.version + 1, now
            continue
        if (row.subject, row.body, row.deleted_at) != (text.subject, text.body, None):
            row.subject, row.body, row.deleted_at = text.subject, text.body, None
            row.version, row.updated_at = row.version + 1, now
    for language, text in texts.items():
        if language not in stored:
            session.add(
                MailTemplateText(
                    template_id=template_id,
                    language=language,
                    subject=text.subject,
                    body=text.body,
                    updated_at=now,
                )
            )
    session.flush()

"""The collections set-up a new company starts with: posting profile, sales tax, write-off
reasons, bank account and charges, interest code, letter sequence, case categories,
activity categories, the results of records, the built-in business texts in every language
(``business_texts.complete_business_texts``) and the standard e-mail templates
(``models/mail/standard.py``).

``seed_reference_data`` adds whatever of it is missing (by code), so it is safe to run on a
company made by an earlier version; a supervisor changes the rows afterwards.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from collections_desktop.i18n import N_, _
from collections_desktop.models.db.schema import (
    ActivityCategory,
    BankAccount,
    BankCharge,
    CaseCategory,
    InterestCode,
    InterestCodeLine,
    LetterLevel,
    LetterScope,
    LetterSequence,
    PostingProfile,
    ReceivablesParameters,
    RecordResult,
    SalesTaxCode,
    WriteOffReason,
)
from collections_desktop.models.texts.business import LANGUAGES, save_texts

DEFAULT_PROFILE = "GEN"
DEFAULT_SEQUENCE = "STD"
DEFAULT_INTEREST_CODE = "STD"
DEFAULT_BANK_ACCOUNT = "OPER"
DEFAULT_CHARGES_GROUP = "STD"
DEFAULT_TAX_CODE = "VAT-STD"

WRITE_OFF_REASONS: tuple[tuple[str, str], ...] = (
    ("UNCOLLECT", N_("Uncollectible: insolvent or cannot be traced")),
    ("SMALL", N_("Small balance not worth collecting")),
    ("DISPUTE", N_("Dispute settled in the customer's favour")),
    ("GOODWILL", N_("Goodwill gesture")),
)

CASE_CATEGORIES: tuple[tuple[str, str, str], ...] = (
    ("COLL", N_("Collections"), "collections"),
    ("DISPUTE", N_("Disputed invoices"), "collections"),
    ("LEGAL", N_("Legal action"), "collections"),
    ("SERVICE", N_("Customer service"), "service"),
)

ACTIVITY_CATEGORIES: tuple[tuple[str, dict[str, str]], ...] = (
    # code, name in each business-text language (company data, not interface text)
    ("CALL", {"en": "Call", "es": "Llamada", "fr": "Appel", "pt": "Chamada"}),
    ("EMAIL", {"en": "E-mail", "es": "Correo electrónico", "fr": "E-mail", "pt": "E-mail"}),
    ("LETTER", {"en": "Letter", "es": "Carta", "fr": "Lettre", "pt": "Carta"}),
    ("MEETING", {"en": "Meeting", "es": "Reunión", "fr": "Réunion", "pt": "Reunião"}),
    ("VISIT", {"en": "Visit", "es": "Visita", "fr": "Visite", "pt": "Visita"}),
    (
        "FOLLOWUP",
        {"en": "Follow-up", "es": "Seguimiento", "fr": "Relance", "pt": "Acompanhamento"},
    ),
    (
        "PROMISE",
        {
            "en": "Promise to pay",
            "es": "Promesa de pago",
            "fr": "Promesse de paiement",
            "pt": "Promessa de pagamento",
        },
    ),
    ("DISPUTE", {"en": "Dispute", "es": "Disputa", "fr": "Litige", "pt": "Contestação"}),
    (
        "PAYPLAN",
        {
            "en": "Payment plan",
            "es": "Plan de pagos",
            "fr": "Échéancier",
            "pt": "Plano de pagamento",
        },
    ),
    (
        "CREDIT",
        {
            "en": "Credit review",
            "es": "Revisión de crédito",
            "fr": "Révision du crédit",
            "pt": "Revisão de crédito",
        },
    ),
    (
        "REVIEW",
        {
            "en": "Account review",
            "es": "Revisión de cuenta",
            "fr": "Revue de compte",
            "pt": "Revisão de conta",
        },
    ),
    ("NOTE", {"en": "Note", "es": "Nota", "fr": "Note", "pt": "Nota"}),
)
"""The activity categories a company starts with. Their names are business texts kept in
every language (the row holds the company's), written here rather than in the interface
catalogue because the company may change them."""

RECORD_RESULTS: tuple[tuple[str, dict[str, str]], ...] = (
    # code, name in each business-text language (company data, not interface text)
    ("REACHED", {"en": "Reached", "es": "Contactado", "fr": "Joint", "pt": "Contactado"}),
    (
        "NO_ANSWER",
        {"en": "No answer", "es": "No contesta", "fr": "Pas de réponse", "pt": "Sem resposta"},
    ),
    (
        "PROMISED",
        {
            "en": "Promised to pay",
            "es": "Promete pagar",
            "fr": "Promet de payer",
            "pt": "Promete pagar",
        },
    ),
    (
        "REFUSED",
        {
            "en": "Refused to pay",
            "es": "Se niega a pagar",
            "fr": "Refuse de payer",
            "pt": "Recusa pagar",
        },
    ),
    (
        "WRONG_NUMBER",
        {
            "en": "Wrong number",
            "es": "Número equivocado",
            "fr": "Mauvais numéro",
            "pt": "Número errado",
        },
    ),
    (
        "MESSAGE",
        {
            "en": "Left a message",
            "es": "Mensaje dejado",
            "fr": "Message laissé",
            "pt": "Mensagem deixada",
        },
    ),
)
"""The results of a record of a call or action a company starts with (codes kept by the
records; names are business texts in every language, like the activity categories')."""

LETTER_TEMPLATES: tuple[tuple[int, str, int, int, str, str], ...] = (
    # level, name, days after due, days after the previous letter, fee, template
    (
        1,
        N_("Friendly reminder"),
        15,
        0,
        "0",
        N_(
            "Dear {customer},\n\nOur records show that the items below, {total} in all, are "
            "past due. If you have already paid, please disregard this letter; otherwise we "
            "would be grateful for your payment within the next few days.\n\n{items}\n\n"
            "Kind regards,\n{company}"
        ),
    ),
    (
        2,
        N_("Second reminder"),
        30,
        14,
        "10",
        N_(
            "Dear {customer},\n\nDespite our reminder, the items below, {total} in all, are "
            "still unpaid. A reminder fee of {fee} has been added to your account. Please pay "
            "within 10 days or contact us to agree on a plan.\n\n{items}\n\n"
            "Kind regards,\n{company}"
        ),
    ),
    (
        3,
        N_("Final notice"),
        60,
        21,
        "25",
        N_(
            "Dear {customer},\n\nThe items below, {total} in all, remain unpaid. This is our "
            "final notice: unless we receive payment within 7 days, we will pass the account "
            "to our collections agency. A fee of {fee} has been added to your account.\n\n"
            "{items}\n\n{company}"
        ),
    ),
)


LETTER_HEADINGS: dict[str, dict[str, str]] = {
    # the place of a level in its sequence -> its heading in each business-text language
    "first": {
        "en": "Payment reminder",
        "es": "Recordatorio de pago",
        "fr": "Rappel de paiement",
        "pt": "Lembrete de pagamento",
    },
    "second": {
        "en": "Second reminder",
        "es": "Segundo recordatorio",
        "fr": "Deuxième rappel",
        "pt": "Segundo lembrete",
    },
    "further": {
        "en": "Further reminder",
        "es": "Nuevo recordatorio",
        "fr": "Nouveau rappel",
        "pt": "Novo lembrete",
    },
    "final": {
        "en": "Final notice",
        "es": "Último aviso",
        "fr": "Dernier avis",
        "pt": "Último aviso",
    },
}
"""The heading a letter shows its customer when its level has none of its own, by the
level's place in its sequence (``models.letters.render.usual_heading`` picks one). Written
here in every language, like the activity categories: words the company prints to its
customers, not interface text, and a letter must never wait for a catalogue."""


def seed_reference_data(session: Session, now: dt.datetime) -> None:
    """Add the default collections set-up rows that are missing (by code)."""
    params = session.scalars(select(ReceivablesParameters).limit(1)).one()
    currency = params.accounting_currency

    def missing(code_column: InstrumentedAttribute[str], code: str) -> bool:
        return session.scalar(select(code_column).where(code_column == code)) is None

    if missing(PostingProfile.code, DEFAULT_PROFILE):
        session.add(
            PostingProfile(
                code=DEFAULT_PROFILE,
                name=_("General"),
                receivables_account="130000",
                write_off_account=None,
                updated_at=now,
            )
        )
    if missing(SalesTaxCode.code, DEFAULT_TAX_CODE):
        session.add(
            SalesTaxCode(
                code=DEFAULT_TAX_CODE,
                name=_("Standard rate"),
                rate=Decimal("20"),
                account="445710",
                updated_at=now,
            )
        )
    for code, description in WRITE_OFF_REASONS:
        if missing(WriteOffReason.code, code):
            session.add(WriteOffReason(code=code, description=_(description), updated_at=now))
    if missing(BankAccount.code, DEFAULT_BANK_ACCOUNT):
        session.add(
            BankAccount(
                code=DEFAULT_BANK_ACCOUNT,
                name=_("Operating account"),
                ledger_account="512000",
                currency=currency,
                charges_group=DEFAULT_CHARGES_GROUP,
                updated_at=now,
            )
        )
    if (
        session.scalar(
            select(BankCharge.id).where(BankCharge.charges_group == DEFAULT_CHARGES_GROUP)
        )
        is None
    ):
        session.add(
            BankCharge(
                charges_group=DEFAULT_CHARGES_GROUP,
                code="NSF",
                description=_("Returned payment (NSF) fee"),
                amount=Decimal("25"),
                currency=currency,
                ledger_account="758000",
                automatic_nsf=True,
                updated_at=now,
            )
        )
    if missing(InterestCode.code, DEFAULT_INTEREST_CODE):
        interest_code = InterestCode(
            code=DEFAULT_INTEREST_CODE,
            name=_("Late-payment interest"),
            method="range",
            interval_days=30,
            grace_days=5,
            fee=Decimal("5"),
            interest_account="763000",
            fee_account="758100",
            updated_at=now,
        )
        session.add(interest_code)
        session.flush()
        session.add_all(
            InterestCodeLine(
                interest_code_id=interest_code.id,
                position=position,
                from_days=low,
                to_days=high,
                rate=Decimal(rate),
                updated_at=now,
            )
            for position, (low, high, rate) in enumerate(((1, 60, "1"), (61, None, "1.5")), 1)
        )
    if missing(LetterSequence.code, DEFAULT_SEQUENCE):
        sequence = LetterSequence(
            code=DEFAULT_SEQUENCE,
            name=_("Standard reminders"),
            scope=LetterScope.CUSTOMER,
            fee_account="758200",
            updated_at=now,
        )
        session.add(sequence)
        session.flush()
        session.add_all(
            LetterLevel(
                sequence_id=sequence.id,
                level=level,
                name=_(name),
                days_after_due=after_due,
                days_after_previous=after_previous,
                fee=Decimal(fee),
                template=_(template),
                updated_at=now,
            )
            for level, name, after_due, after_previous, fee, template in LETTER_TEMPLATES
        )
    for code, name, kind in CASE_CATEGORIES:
        if missing(CaseCategory.code, code):
            session.add(CaseCategory(code=code, name=_(name), type=kind, updated_at=now))
    _seed_activity_categories(session, params.language or "en", now)
    _seed_record_results(session, params.language or "en", now)
    session.flush()
    # Imported here: the built-in texts module reads this module's constants.
    from collections_desktop.models.company.business_texts import complete_business_texts

    complete_business_texts(session, now)
    # The standard e-mail templates (reminder, statement cover, overdue notice) in the four
    # languages; imported here, as the mail room reads the screens that read this module.
    from collections_desktop.models.mail.templates import seed_mail_templates

    seed_mail_templates(session, now)


def _seed_activity_categories(session: Session, language: str, now: dt.datetime) -> None:
    """The missing activity categories, named in the company's language, with the other
    languages as business texts."""
    own = language if language in LANGUAGES else "en"
    existing = set(session.scalars(select(ActivityCategory.code)))
    for code, names in ACTIVITY_CATEGORIES:
        if code in existing:
            continue
        category = ActivityCategory(code=code, name=names[own], active=True, updated_at=now)
        session.add(category)
        session.flush()
        others = {other: text for other, text in names.items() if other != own}
        save_texts(session, "activity_categories", category.id, "name", others, now=now)


def _seed_record_results(session: Session, language: str, now: dt.datetime) -> None:
    """The missing results of records, named in the company's language, with the other
    languages as business texts."""
    own = language if language in LANGUAGES else "en"
    existing = set(session.scalars(select(RecordResult.code)))
    for code, names in RECORD_RESULTS:
        if code in existing:
            continue
        result = RecordResult(code=code, name=names[own], active=True, updated_at=now)
        session.add(result)
        session.flush()
        others = {other: text for other, text in names.items() if other != own}
        save_texts(session, "record_results", result.id, "name", others, now=now)

"""The built-in business texts in the four languages, and a letter printed in the
customer's language (its template, level name, items and heading), with the row's own
text wherever a language has none."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from collections_desktop.i18n import set_language, translate_into
from collections_desktop.models.actions.writeoff_plan import write_off_reasons
from collections_desktop.models.aging.definitions import load_definition
from collections_desktop.models.aging.snapshot import load_summary, take_snapshot
from collections_desktop.models.company.business_texts import complete_business_texts
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    AgingPeriod,
    AgingSnapshotLine,
    BusinessText,
    LetterLevel,
    ReceivablesParameters,
    WriteOffReason,
)
from collections_desktop.models.letters.propose import level_sequences
from collections_desktop.models.letters.read import letter_detail, letters_of
from collections_desktop.models.people.scope import company_scope
from collections_desktop.models.texts.business import save_texts, text_in
from tests.unit.test_letters import debtor, overdue, run
from tests.unit.test_snapshot import NOW, TODAY

EXPECTED = {
    ("aging_periods", "label", "1-30 days"): {
        "en": "1-30 days",
        "es": "1-30 días",
        "fr": "1-30 jours",
        "pt": "1-30 dias",
    },
    ("letter_levels", "name", "Friendly reminder"): {
        "en": "Friendly reminder",
        "es": "Recordatorio amistoso",
    },
    ("write_off_reasons", "description", "Goodwill gesture"): {
        "en": "Goodwill gesture",
        "es": "Gesto comercial",
    },
}


@pytest.fixture(autouse=True)
def english() -> None:
    set_language("en")
    yield
    set_language("en")


def own_rows(session) -> list[tuple[str, str, object, str]]:
    """(table, field, id, own text) of every built-in business text."""
    rows = []
    for period in session.scalars(select(AgingPeriod)):
        rows.append(("aging_periods", "label", period.id, period.label))
    for level in session.scalars(select(LetterLevel)):
        rows.append(("letter_levels", "name", level.id, level.name))
        rows.append(("letter_levels", "template", level.id, level.template))
    for reason in session.scalars(select(WriteOffReason)):
        rows.append(("write_off_reasons", "description", reason.id, reason.description))
    return rows


def test_each_built_in_row_has_its_four_texts(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        rows = own_rows(session)
        assert len(rows) == 5 + 3 * 2 + 4
        for table, field, row_id, own in rows:
            texts = {
                language: text_in(session, table, row_id, field, language, own)
                for language in ("en", "es", "fr", "pt")
            }
            assert texts == {language: translate_into(language, own) for language in texts}
            assert texts["es"] != own, (table, field, texts)
            assert texts["fr"] != own, (table, field, texts)
            expected = EXPECTED.get((table, field, own))
            if expected:
                assert {k: texts[k] for k in expected} == expected
        # The company language (English) is the row's own column; the others are stored.
        stored = select(func.count()).where(
            BusinessText.table_name.not_in(("activity_categories", "record_results"))
        )
        assert session.scalar(stored) == len(rows) * 3
        template = next(r for r in rows if r[1] == "template" and r[3].startswith("Dear"))
        spanish = text_in(session, "letter_levels", template[2], "template", "es", "")
        assert spanish.startswith("Estimado/a {customer}:")
        assert "{total}" in spanish
        assert "{items}" in spanish


def test_an_edited_text_is_kept_and_a_missing_one_added_again(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        reason = session.scalars(
            select(WriteOffReason).where(WriteOffReason.code == "GOODWILL")
        ).one()
        save_texts(
            session, "write_off_reasons", reason.id, "description",
            {"es": "Cortesía comercial", "fr": ""}, now=NOW,
        )  # fmt: skip
        period = session.scalars(select(AgingPeriod).order_by(AgingPeriod.position)).first()
        period.label = "Up to a month"  # a supervisor's own text: no longer the app's
        session.flush()
        assert complete_business_texts(session, NOW) == 0
        texts = {
            language: text_in(session, "write_off_reasons", reason.id, "description", language, "-")
            for language in ("es", "fr", "pt")
        }
        # The edit stays, the removed French text stays removed, Portuguese is untouched.
        assert texts == {"es": "Cortesía comercial", "fr": "-", "pt": "Gesto comercial"}
        assert period.label == "Up to a month"
        session.rollback()


def test_a_company_seeded_in_another_language_gets_its_own_language_in_the_row(
    sqlite_db: Database,
) -> None:
    with sqlite_db.sessions() as session:
        params = session.scalars(select(ReceivablesParameters)).one()
        params.language = "es"
        session.execute(BusinessText.__table__.delete())
        session.flush()
        complete_business_texts(session, NOW)
        reason = session.scalars(
            select(WriteOffReason).where(WriteOffReason.code == "GOODWILL")
        ).one()
        assert reason.description == "Gesto comercial"
        assert reason.version == 2
        assert text_in(session, "write_off_reasons", reason.id, "description", "en", "-") == (
            "Goodwill gesture"
        )
        assert text_in(session, "write_off_reasons", reason.id, "description", "es", "-") == "-"
        session.rollback()


def test_a_letter_for_a_spanish_customer_is_in_spanish(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        customer = debtor(session, language="es", name="Ruiz Hermanos SL")
        overdue(session, customer, "1234.50", 31)
        overdue(session, customer, "100.00", 20)
        [letter] = run(session, TODAY).created
        session.commit()
        assert letter.level_name == "Friendly reminder"  # the run's summary: the user's language
        detail = letter_detail(session, letter.letter_id)
        assert detail.language == "es"
        assert detail.level_name == "Recordatorio amistoso"
        assert detail.text.startswith("Estimado/a Ruiz Hermanos SL:")
        assert "1.334,50\xa0EUR" in detail.text
        assert (
            "INV-0000001, vencimiento el 23 oct 2026: 1.234,50\xa0EUR (31 días de retraso)"
            in detail.text
        )
        assert detail.text.rstrip().endswith("Test Company")
        assert detail.address_lines == ("Calle Mayor 4", "28013 Madrid", "España")
        assert (detail.amount, detail.fee) == (Decimal("1334.50"), Decimal("0"))

        # The timeline and the dialogs show the level in the user's language.
        assert [row.level_name for row in letters_of(session, customer.id)] == ["Friendly reminder"]
        set_language("es")
        assert [row.level_name for row in letters_of(session, customer.id)] == [
            "Recordatorio amistoso"
        ]


def test_a_customer_language_we_do_not_write_gets_the_company_language(
    sqlite_db: Database,
) -> None:
    with sqlite_db.sessions() as session:
        customer = debtor(session, language="de", name="Müller GmbH", country="DE")
        overdue(session, customer, "500.00", 20)
        [letter] = run(session, TODAY).created
        session.commit()
        detail = letter_detail(session, letter.letter_id)
        assert detail.language == "en"
        assert detail.level_name == "Friendly reminder"
        assert detail.text.startswith("Dear Müller GmbH,")
        assert "500.00\xa0EUR (20 days overdue)" in detail.text


def test_without_a_text_in_a_language_the_row_own_text_is_shown(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        level = session.scalars(select(LetterLevel).where(LetterLevel.level == 2)).one()
        save_texts(session, "letter_levels", level.id, "name", {"fr": ""}, now=NOW)
        assert text_in(session, "letter_levels", level.id, "name", "fr", level.name) == (
            "Second reminder"
        )
        period = session.scalars(select(AgingPeriod).order_by(AgingPeriod.position)).first()
        period.label = "Up to a month"
        save_texts(session, "aging_periods", period.id, "label", {"pt": ""}, now=NOW)
        session.flush()
        set_language("pt")
        labels = load_definition(session, language="pt").labels
        assert labels == (
            "Não vencido",
            "Up to a month",
            "31-60 dias",
            "61-90 dias",
            "91-120 dias",
            "Mais de 120 dias",
            "Não aplicado",
        )
        session.rollback()


def test_screens_show_the_users_language(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        set_language("fr")
        reasons = {reason.code: reason.description for reason in write_off_reasons(session)}
        assert reasons["GOODWILL"] == "Geste commercial"
        assert load_definition(session, language="fr").labels[1:3] == ("1-30 jours", "31-60 jours")
        assert [level.name for level in level_sequences(session, "fr")["STD"].levels] == [
            translate_into("fr", name)
            for name in ("Friendly reminder", "Second reminder", "Final notice")
        ]
        set_language("en")
        reasons = {reason.code: reason.description for reason in write_off_reasons(session)}
        assert reasons["GOODWILL"] == "Goodwill gesture"
        assert load_definition(session).labels[1] == "1-30 days"


def test_a_snapshot_stores_the_own_labels_and_shows_the_users(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        customer = debtor(session)
        overdue(session, customer, "300.00", 45)
        set_language("es")
        summary = take_snapshot(session, TODAY, company_scope(session), NOW)
        session.commit()
        assert summary.labels[:3] == ("No vencido", "1-30 días", "31-60 días")
        assert session.scalars(select(AgingSnapshotLine.label).distinct()).all() >= ["1-30 days"]
        assert load_summary(session, summary.id).labels[2] == "31-60 días"
        assert load_summary(session, summary.id).totals[2] == Decimal("300.00")
        set_language("en")
        assert load_summary(session, summary.id).labels[:3] == (
            "Current",
            "1-30 days",
            "31-60 days",
        )

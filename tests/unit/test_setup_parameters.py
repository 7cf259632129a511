"""The receivables parameters from the set-up, and a new company language moving the
business texts in the same transaction."""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from collections_desktop.models.bank.reconcile import tolerance
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.editing import StaleEditError
from collections_desktop.models.db.schema import (
    AgingPeriod,
    ReceivablesParameters,
)
from collections_desktop.models.setup.aging_definitions import (
    AgingDefinitionValues,
    PeriodValues,
    list_aging_definitions,
    save_aging_definition,
)
from collections_desktop.models.setup.fields import SetupError
from collections_desktop.models.setup.parameters import (
    ParametersValues,
    list_parameters,
    save_parameters,
)
from collections_desktop.models.texts.business import (
    OWN_ROWS,
    TRANSLATED,
    TextLanguageError,
    all_texts,
    company_language,
    save_texts,
)
from tests.unit.test_setup_aging_definitions import LATER, NOW, add_employee


def values_of(row, **changes) -> ParametersValues:
    values = ParametersValues(
        company_name=row.company_name,
        promise_tolerance_days=row.promise_tolerance_days,
        write_off_account=row.write_off_account,
        separate_sales_tax=row.separate_sales_tax,
        default_aging_definition_id=row.default_aging_definition_id,
        language=row.language,
        country=row.country or "",
        bank_tolerance_amount=row.bank_tolerance_amount,
        bank_tolerance_percent=row.bank_tolerance_percent,
        bank_confirm_confidence=row.bank_confirm_confidence,
    )
    return dataclasses.replace(values, **changes)


def test_the_row_is_saved(sqlite_db: Database) -> None:
    with sqlite_db.sessions.begin() as session:
        by = add_employee(session)
        (row,) = list_parameters(session)
        assert (row.company_name, row.accounting_currency, row.default_aging_definition) == (
            "Test Company", "EUR", "Standard"
        )  # fmt: skip
        changed = values_of(row, company_name=" Ruiz SA ", promise_tolerance_days=5,
                            write_off_account="681500", separate_sales_tax=True, country="es",
                            default_aging_definition_id=None)  # fmt: skip
        save_parameters(session, row.version, changed, by=by, now=LATER)
    with sqlite_db.sessions() as session:
        stored = session.scalars(select(ReceivablesParameters)).one()
        assert (
            stored.company_name, stored.promise_tolerance_days, stored.write_off_account,
            stored.separate_sales_tax, stored.country, stored.default_aging_definition_id,
            stored.version, stored.updated_at,
        ) == ("Ruiz SA", 5, "681500", True, "ES", None, 2, LATER)  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"company_name": ""}, "Company name is required."),
        ({"write_off_account": "x" * 31}, "Write-off account is too long: at most 30 characters."),
        ({"promise_tolerance_days": 400}, "Promise tolerance days must be between 0 and 365."),
        ({"language": "de"}, "Company language must be one of the listed languages."),
        ({"country": "Spain"}, "Country is too long: at most 2 characters."),
        ({"country": "XX"}, "Country “XX” is not a two-letter country code (ES, FR, US…)."),
        ({"bank_tolerance_amount": "-1"}, "Small difference (EUR) cannot be negative."),
        ({"bank_tolerance_amount": ""}, "Small difference (EUR) is required."),
        (
            {"bank_tolerance_amount": Decimal("0.555")},
            "Small difference (EUR): 0.555 has more than 2 decimal places.",
        ),
        ({"bank_tolerance_percent": "100.01"}, "Small difference (%) must be between 0 and 100."),
        ({"bank_tolerance_percent": "-0.5"}, "Small difference (%) must be between 0 and 100."),
        (
            {"bank_tolerance_percent": "0.125"},
            "Small difference (%) must be a number from 0 to 100 with at most 2 decimals, "
            "not “0.125”.",
        ),
        (
            {"bank_tolerance_percent": "half"},
            "Small difference (%) must be a number from 0 to 100 with at most 2 decimals, "
            "not “half”.",
        ),
        (
            {"bank_confirm_confidence": 49},
            "Confirm all from confidence must be between 50 and 100.",
        ),
        (
            {"bank_confirm_confidence": 101},
            "Confirm all from confidence must be between 50 and 100.",
        ),
    ],
)
def test_refusals(sqlite_db: Database, changes, message) -> None:
    with sqlite_db.sessions.begin() as session:
        by = add_employee(session)
        (row,) = list_parameters(session)
        with pytest.raises(SetupError, match=re.escape(message)) as refused:
            save_parameters(session, row.version, values_of(row, **changes), by=by, now=NOW)
    assert str(refused.value) == message


def test_the_bank_reconciliation_settings_are_saved_and_read_by_the_tolerance(
    sqlite_db: Database,
) -> None:
    with sqlite_db.sessions.begin() as session:
        by = add_employee(session)
        (row,) = list_parameters(session)
        assert (
            row.bank_tolerance_amount, row.bank_tolerance_percent, row.bank_confirm_confidence,
            row.currency_places,
        ) == (Decimal(0), Decimal(0), 90, 2)  # fmt: skip
        assert tolerance(session, Decimal("1000.00")) == Decimal("0.00")
        changed = values_of(row, bank_tolerance_amount=" 5.00 ", bank_tolerance_percent="0.25",
                            bank_confirm_confidence=80)  # fmt: skip
        save_parameters(session, row.version, changed, by=by, now=LATER)
    with sqlite_db.sessions() as session:
        stored = session.scalars(select(ReceivablesParameters)).one()
        assert (
            stored.bank_tolerance_amount, stored.bank_tolerance_percent,
            stored.bank_confirm_confidence, stored.version,
        ) == (Decimal(5), Decimal("0.25"), 80, 2)  # fmt: skip
        (row,) = list_parameters(session)
        assert (row.bank_tolerance_amount, row.bank_tolerance_percent) == (
            Decimal(5), Decimal("0.25")
        )  # fmt: skip
        # The larger of the two: 5.00 on a small payment, 0.25 % of a large one.
        assert tolerance(session, Decimal("1000.00")) == Decimal("5.00")
        assert tolerance(session, Decimal("4000.00")) == Decimal("10.00")


def test_settings_not_given_are_left_as_they_are(sqlite_db: Database) -> None:
    with sqlite_db.sessions.begin() as session:
        by = add_employee(session)
        (row,) = list_parameters(session)
        changed = values_of(row, bank_tolerance_percent=Decimal("100"),
                            bank_confirm_confidence=100)  # fmt: skip
        save_parameters(session, row.version, changed, by=by, now=NOW)
        (row,) = list_parameters(session)
        untouched = values_of(
            row,
            company_name="Ruiz SA",
            bank_tolerance_amount=None,
            bank_tolerance_percent=None,
            bank_confirm_confidence=None,
        )
        save_parameters(session, row.version, untouched, by=by, now=LATER)
    with sqlite_db.sessions() as session:
        stored = session.scalars(select(ReceivablesParameters)).one()
        assert (
            stored.company_name, stored.bank_tolerance_amount, stored.bank_tolerance_percent,
            stored.bank_confirm_confidence,
        ) == ("Ruiz SA", Decimal(0), Decimal(100), 100)  # fmt: skip


def test_a_clerk_and_a_stale_copy_are_refused(sqlite_db: Database) -> None:
    with sqlite_db.sessions.begin() as session:
        by = add_employee(session)
        clerk = add_employee(session, administrator=False)
        (row,) = list_parameters(session)
        with pytest.raises(SetupError) as refused:
            save_parameters(session, row.version, values_of(row), by=clerk, now=NOW)
        assert str(refused.value) == "Only an administrator may change the company's set-up."
        save_parameters(session, row.version, values_of(row), by=by, now=NOW)
        with pytest.raises(StaleEditError) as refused:
            save_parameters(session, row.version, values_of(row), by=by, now=NOW)
        assert str(refused.value).startswith("The receivables set-up was changed by someone else")


def business_texts(session) -> dict[tuple[str, object, str], tuple[str, dict[str, str]]]:
    """Every live row's own text and its texts in other languages, by (table, row, field)."""
    found = {}
    for table, field in sorted(TRANSLATED):
        mapped = OWN_ROWS[table]
        for row in session.scalars(select(mapped).where(mapped.deleted_at.is_(None))):
            found[table, row.id, field] = (
                getattr(row, field),
                all_texts(session, table, row.id, field),
            )
    return found


def switched(before, old: str, new: str):
    """What ``before`` becomes when ``new`` replaces ``old`` as the company language."""
    after = {}
    for key, (own, others) in before.items():
        texts = {language: text for language, text in others.items() if language != new}
        if own:  # an empty own text (a letter level's usual heading) moves as no text
            texts[old] = own
        after[key] = (others.get(new) or own, texts)
    return after


def test_a_new_company_language_moves_the_texts(sqlite_db: Database) -> None:
    with sqlite_db.sessions.begin() as session:
        by = add_employee(session)
        first = session.scalars(select(AgingPeriod).order_by(AgingPeriod.position)).first()
        last = session.scalars(select(AgingPeriod).order_by(AgingPeriod.position.desc())).first()
        save_texts(session, "aging_periods", first.id, "label",
                   {"es": "1-30 días", "fr": "1-30 jours"}, now=NOW)  # fmt: skip
        save_texts(session, "aging_periods", last.id, "label", {"es": ""}, now=NOW)
        before = business_texts(session)
        (row,) = list_parameters(session)
        save_parameters(session, row.version, values_of(row, language="es"), by=by, now=LATER)
    with sqlite_db.sessions() as session:
        assert company_language(session) == "es"
        assert business_texts(session) == switched(before, "en", "es")
        first = session.get(AgingPeriod, first.id)
        assert (first.label, first.version, first.updated_at) == ("1-30 días", 2, LATER)
        assert all_texts(session, "aging_periods", first.id, "label")["en"] == "1-30 days"
        # Without a Spanish text the own text stays (the fallback) and English keeps it too.
        last = session.get(AgingPeriod, last.id)
        assert (last.label, last.version) == ("Over 120 days", 1)
        assert all_texts(session, "aging_periods", last.id, "label")["en"] == "Over 120 days"
        # The set-up list shows the new own texts and the others.
        standard = list_aging_definitions(session)[0]
        assert standard.periods[0].label == "1-30 días"
        assert standard.periods[0].texts["en"] == "1-30 days"
        assert "es" not in standard.periods[0].texts


def test_and_back_again_restores_every_text(sqlite_db: Database) -> None:
    with sqlite_db.sessions.begin() as session:
        by = add_employee(session)
        before = business_texts(session)
        (row,) = list_parameters(session)
        save_parameters(session, row.version, values_of(row, language="pt"), by=by, now=NOW)
        assert business_texts(session) == switched(before, "en", "pt")
        (row,) = list_parameters(session)
        save_parameters(session, row.version, values_of(row, language="en"), by=by, now=LATER)
        assert business_texts(session) == before


def test_a_text_too_long_for_the_own_column_is_refused(sqlite_db: Database) -> None:
    with sqlite_db.sessions.begin() as session:
        by = add_employee(session)
        first = session.scalars(select(AgingPeriod).order_by(AgingPeriod.position)).first()
        save_texts(session, "aging_periods", first.id, "label", {"fr": "x" * 60}, now=NOW)
        (row,) = list_parameters(session)
        with pytest.raises(TextLanguageError, match="longer than 50 characters"):
            save_parameters(session, row.version, values_of(row, language="fr"), by=by, now=NOW)


@pytest.mark.postgres
def test_language_moves_on_postgresql(pg_db: Database) -> None:
    with pg_db.sessions.begin() as session:
        by = add_employee(session)
        before = business_texts(session)
        (row,) = list_parameters(session)
        save_parameters(session, row.version, values_of(row, language="fr"), by=by, now=LATER)
    with pg_db.sessions() as session:
        assert business_texts(session) == switched(before, "en", "fr")


def test_a_form_read_before_the_language_changed_is_refused(sqlite_db: Database) -> None:
    with sqlite_db.sessions.begin() as session:
        by = add_employee(session)
        (standard,) = list_aging_definitions(session)
        (row,) = list_parameters(session)
        save_parameters(session, row.version, values_of(row, language="es"), by=by, now=NOW)
        # The form was read in English: its texts are es/fr/pt, and es is now the own column.
        form = AgingDefinitionValues(
            name="Standard",
            basis="due_date",
            periods=tuple(
                PeriodValues(p.label, p.from_days, p.to_days, {"es": "", "fr": "", "pt": ""}, p.id)
                for p in standard.periods
            ),
        )
        with pytest.raises(SetupError) as refused:
            save_aging_definition(session, standard.id, standard.version, form, by=by, now=LATER)
        assert str(refused.value) == (
            "The company language changed since this form was read: reload it and make your "
            "changes again."
        )


def test_a_default_definition_deleted_meanwhile_is_refused(sqlite_db: Database) -> None:
    import uuid

    with sqlite_db.sessions.begin() as session:
        by = add_employee(session)
        (row,) = list_parameters(session)
        gone = values_of(row, default_aging_definition_id=uuid.uuid4())
        with pytest.raises(SetupError) as refused:
            save_parameters(session, row.version, gone, by=by, now=NOW)
        assert str(refused.value) == "The chosen aging definition no longer exists: reload it."

"""The receivables parameters: the company's one row of collections settings.

Changing the company language moves the business texts in the same transaction
(``models.texts.business.switch_company_language``): the rows' own columns must always
hold the company language's text. The accounting currency is shown, never changed here:
every amount already posted was converted to it.

The bank reconciliation reads three of them: the small difference it lets pass between
a payment and what it pays (the larger of an amount in the accounting currency and a
percent of the payment), and the confidence from which "Confirm all" confirms a matched
line without a look.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from babel import Locale
from sqlalchemy import select
from sqlalchemy.orm import Session

from collections_desktop.i18n import _, current_language
from collections_desktop.kernel.money import MoneyError, to_money
from collections_desktop.models.db.editing import update_versioned
from collections_desktop.models.db.schema import AgingDefinition, Currency, ReceivablesParameters
from collections_desktop.models.setup.fields import (
    SetupError,
    optional_text,
    require_administrator,
    required_text,
    whole_number,
)
from collections_desktop.models.setup.reference_fields import checked_amount
from collections_desktop.models.setup.translations import language_name
from collections_desktop.models.texts.business import LANGUAGES, switch_company_language

MAX_TOLERANCE_DAYS = 365
PERCENT_PLACES = 2
MIN_CONFIRM_CONFIDENCE, MAX_CONFIRM_CONFIDENCE = 50, 100
"""Below 50 a match is a guess: "Confirm all" never confirms one without a look."""


@dataclass(frozen=True)
class ParametersRow:
    """The parameters as the form shows them, with the definitions to choose a default from."""

    id: uuid.UUID
    company_name: str
    accounting_currency: str
    promise_tolerance_days: int
    write_off_account: str
    separate_sales_tax: bool
    default_aging_definition_id: uuid.UUID | None
    language: str
    country: str | None
    definitions: tuple[tuple[uuid.UUID, str], ...]
    version: int
    bank_tolerance_amount: Decimal = Decimal(0)
    bank_tolerance_percent: Decimal = Decimal(0)
    bank_confirm_confidence: int = 90
    currency_places: int = 2
    """The accounting currency's decimals (what the tolerance amount may have)."""

    @property
    def default_aging_definition(self) -> str:
        """The default definition's name ("" when none is set)."""
        names = dict(self.definitions)
        chosen = self.default_aging_definition_id
        return names.get(chosen, "") if chosen is not None else ""


@dataclass(frozen=True)
class ParametersValues:
    """What the form holds."""

    company_name: str
    promise_tolerance_days: int
    write_off_account: str
    separate_sales_tax: bool
    default_aging_definition_id: uuid.UUID | None
    language: str
    country: str
    bank_tolerance_amount: Decimal | str | None = None
    """Typed text or a Decimal; None leaves it as it is (so do the two below)."""
    bank_tolerance_percent: Decimal | str | None = None
    bank_confirm_confidence: int | None = None


def language_labels() -> Sequence[tuple[str, str]]:
    """The company languages: (code, name in the user's language)."""
    return [(language, language_name(language)) for language in LANGUAGES]


def country_labels() -> Sequence[tuple[str, str]]:
    """The countries (ISO 3166 two-letter codes) with their names in the user's language,
    by name."""
    territories = Locale.parse(current_language()).territories
    countries = [(code, name) for code, name in territories.items() if _is_country(code)]
    return sorted(countries, key=lambda item: item[1])


def list_parameters(session: Session) -> list[ParametersRow]:
    """The company's parameters row (a list of one, as every set-up list)."""
    row = _parameters(session)
    definitions = tuple(
        (definition_id, name)
        for definition_id, name in session.execute(
            select(AgingDefinition.id, AgingDefinition.name)
            .where(AgingDefinition.deleted_at.is_(None))
            .order_by(AgingDefinition.name)
        )
    )
    places = session.scalar(
        select(Currency.decimals).where(Currency.code == row.accounting_currency)
    )
    return [
        ParametersRow(
            id=row.id,
            company_name=row.company_name,
            accounting_currency=row.accounting_currency,
            promise_tolerance_days=row.promise_tolerance_days,
            write_off_account=row.write_off_account,
            separate_sales_tax=row.separate_sales_tax,
            default_aging_definition_id=row.default_aging_definition_id,
            language=row.language,
            country=row.country,
            definitions=definitions,
            version=row.version,
            bank_tolerance_amount=row.bank_tolerance_amount,
            bank_tolerance_percent=row.bank_tolerance_percent,
            bank_confirm_confidence=row.bank_confirm_confidence,
            currency_places=places if places is not None else 2,
        )
    ]


def save_parameters(
    session: Session,
    version: int,
    values: ParametersValues,
    *,
    by: uuid.UUID | None,
    now: dt.datetime,
) -> uuid.UUID:
    """Change the parameters read at ``version``; a new company language moves the
    business texts with it."""
    require_administrator(session, by)
    company_name = required_text(values.company_name, _("Company name"), max_length=200)
    account = required_text(values.write_off_account, _("Write-off account"), max_length=30)
    whole_number(
        str(values.promise_tolerance_days),
        _("Promise tolerance days"),
        minimum=0,
        maximum=MAX_TOLERANCE_DAYS,
    )
    if values.language not in LANGUAGES:
        raise SetupError(_("Company language must be one of the listed languages."))
    country = optional_text(values.country, label=_("Country"), max_length=2)
    if country is not None:
        country = country.upper()
        if not _is_country(country) or country not in Locale("en").territories:
            raise SetupError(
                _("Country “{code}” is not a two-letter country code (ES, FR, US…).").format(
                    code=values.country.strip()
                )
            )
    chosen = values.default_aging_definition_id
    if chosen is not None:
        definition = session.get(AgingDefinition, chosen)
        if definition is None or definition.deleted_at is not None:
            raise SetupError(_("The chosen aging definition no longer exists: reload it."))
    row = _parameters(session)
    bank = _bank_fields(session, row, values)
    old_language = row.language
    update_versioned(
        session,
        row,
        version,
        now=now,
        what=_("The receivables set-up"),
        company_name=company_name,
        write_off_account=account,
        promise_tolerance_days=values.promise_tolerance_days,
        separate_sales_tax=values.separate_sales_tax,
        default_aging_definition_id=chosen,
        language=values.language,
        country=country,
        **bank,
    )
    switch_company_language(session, old_language, values.language, now=now)
    return row.id


def _bank_fields(
    session: Session, row: ReceivablesParameters, values: ParametersValues
) -> dict[str, object]:
    """The bank reconciliation's settings checked (those given; None leaves one as it is)."""
    fields: dict[str, object] = {}
    if values.bank_tolerance_amount is not None:
        places = session.scalar(
            select(Currency.decimals).where(Currency.code == row.accounting_currency)
        )
        fields["bank_tolerance_amount"] = checked_amount(
            values.bank_tolerance_amount,
            _("Small difference ({currency})").format(currency=row.accounting_currency),
            places=places if places is not None else 2,
        )
    if values.bank_tolerance_percent is not None:
        fields["bank_tolerance_percent"] = checked_percent(
            values.bank_tolerance_percent, _("Small difference (%)")
        )
    if values.bank_confirm_confidence is not None:
        fields["bank_confirm_confidence"] = whole_number(
            str(values.bank_confirm_confidence),
            _("Confirm all from confidence"),
            minimum=MIN_CONFIRM_CONFIDENCE,
            maximum=MAX_CONFIRM_CONFIDENCE,
        )
    return fields


def checked_percent(value: Decimal | str, label: str) -> Decimal:
    """A percent from 0 to 100 with at most two decimals (typed text or Decimal)."""
    text = value if isinstance(value, Decimal) else value.strip()
    if text == "":
        raise SetupError(_("{field} is required.").format(field=label))
    try:
        percent = to_money(text, places=PERCENT_PLACES)
    except MoneyError:
        raise SetupError(
            _(
                "{field} must be a number from 0 to 100 with at most {places} decimals, "
                "not “{value}”."
            ).format(field=label, places=PERCENT_PLACES, value=text)
        ) from None
    if not 0 <= percent <= 100:
        raise SetupError(
            _("{field} must be between {minimum} and {maximum}.").format(
                field=label, minimum=0, maximum=100
            )
        )
    return percent


def _is_country(code: str) -> bool:
    return len(code) == 2 and code.isalpha() and code.isupper()


def _parameters(session: Session) -> ReceivablesParameters:
    row = session.scalars(
        select(ReceivablesParameters).where(ReceivablesParameters.deleted_at.is_(None)).limit(1)
    ).first()
    if row is None:
        raise SetupError(_("This database holds no company yet."))
    return row

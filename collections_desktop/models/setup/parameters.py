"""The receivables parameters: the company's one row of collections settings.

Changing the company language moves the business texts in the same transaction
(``models.texts.business.switch_company_language``): the rows' own columns must always
hold the company language's text. The accounting currency is shown, never changed here:
every amount already posted was converted to it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from babel import Locale
from sqlalchemy import select
from sqlalchemy.orm import Session

from collections_desktop.i18n import _, current_language
from collections_desktop.models.db.editing import update_versioned
from collections_desktop.models.db.schema import AgingDefinition, ReceivablesParameters
from collections_desktop.models.setup.fields import (
    SetupError,
    optional_text,
    require_administrator,
    required_text,
    whole_number,
)
from collections_desktop.models.setup.translations import language_name
from collections_desktop.models.texts.business import LANGUAGES, switch_company_language

MAX_TOLERANCE_DAYS = 365


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
    )
    switch_company_language(session, old_language, values.language, now=now)
    return row.id


def _is_country(code: str) -> bool:
    return len(code) == 2 and code.isalpha() and code.isupper()


def _parameters(session: Session) -> ReceivablesParameters:
    row = session.scalars(
        select(ReceivablesParameters).where(ReceivablesParameters.deleted_at.is_(None)).limit(1)
    ).first()
    if row is None:
        raise SetupError(_("This database holds no company yet."))
    return row

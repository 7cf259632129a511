"""The translations: an up-to-date template, complete catalogues, intact placeholders, and
text that really reaches the collector in their language (no Qt here).

When one of these fails after you added or changed a message, run the update command of
docs/TRANSLATING.md and translate what it lists.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

import collections_desktop
from collections_desktop import i18n
from collections_desktop.i18n import _, current_language, ngettext, set_language
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import Customer
from collections_desktop.models.ledger import postings
from collections_desktop.models.ledger.books import LedgerError
from collections_desktop.resources import resource_path

TRANSLATIONS = resource_path("translations")
TEMPLATE = TRANSLATIONS / f"{i18n.DOMAIN}.pot"
PACKAGE = Path(collections_desktop.__file__).resolve().parent
TRANSLATED = tuple(language for language in i18n.LANGUAGES if language != "en")
UPDATE = (
    "run `python tools/update_translations.py` (the pybabel extract/update commands of "
    "docs/TRANSLATING.md), then translate every message it lists"
)
PLURAL_FORMS = {
    "es": "nplurals=2; plural=(n != 1);",
    "fr": "nplurals=2; plural=(n > 1);",
    "pt": "nplurals=2; plural=(n != 1);",
}
NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)

MessageId = str | tuple[str, ...]


@pytest.fixture(autouse=True)
def english_afterwards() -> Iterator[None]:
    """Every test leaves the process in English, whatever it switched to."""
    yield
    set_language("en")


def read_catalog(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def catalogue_path(language: str) -> Path:
    return TRANSLATIONS / language / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"


def ids(catalog: Catalog) -> set[MessageId]:
    return {message.id for message in catalog if message.id}


def show(msgid: MessageId) -> str:
    return repr(msgid if isinstance(msgid, str) else msgid[0])


def placeholders(text: str) -> set[str]:
    """The ``{fields}`` of a ``str.format`` text, with their conversion and format spec."""
    return {
        "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
        for _literal, name, spec, conversion in string.Formatter().parse(text)
        if name is not None
    }


def forms(message: Message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


# --- the template -------------------------------------------------------------------------


def test_template_lists_every_message_of_the_code() -> None:
    keywords = {**DEFAULT_KEYWORDS, "_": None, "N_": None, "ngettext": (1, 2)}
    in_code = {
        message
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(PACKAGE), keywords=keywords
        )
    }
    in_template = ids(read_catalog(TEMPLATE))
    assert in_code == in_template, (
        f"{TEMPLATE.name} is out of date: {UPDATE}.\n"
        f"New in the code: {', '.join(sorted(map(show, in_code - in_template))) or '-'}\n"
        f"No longer in the code: {', '.join(sorted(map(show, in_template - in_code))) or '-'}"
    )


# --- the catalogues -----------------------------------------------------------------------


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalogue_translates_every_message_of_the_template(language: str) -> None:
    catalog = read_catalog(catalogue_path(language), language)
    missing = []
    for msgid in sorted(ids(read_catalog(TEMPLATE)), key=show):
        message = catalog.get(msgid)
        if message is None or message.fuzzy or not all(text.strip() for text in forms(message)):
            missing.append(show(msgid))
    assert not missing, (
        f"{len(missing)} message(s) have no {language} translation: {UPDATE}.\n"
        + "\n".join(missing)
    )


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalogue_holds_only_messages_of_the_template(language: str) -> None:
    stale = ids(read_catalog(catalogue_path(language), language)) - ids(read_catalog(TEMPLATE))
    assert not stale, f"The {language} catalogue is not up to date: {UPDATE}.\n" + "\n".join(
        sorted(map(show, stale))
    )


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_the_placeholders_of_the_message(language: str) -> None:
    wrong = []
    for message in read_catalog(catalogue_path(language), language):
        if not message.id:
            continue
        originals = message.id if isinstance(message.id, tuple) else (message.id,)
        expected = placeholders(originals[-1])
        for text in forms(message):
            try:
                found = placeholders(text)
            except ValueError as error:  # an unbalanced brace
                wrong.append(f"{show(message.id)} -> {text!r}: {error}")
                continue
            if found != expected:
                wrong.append(
                    f"{show(message.id)} -> {text!r}: {sorted(found)} != {sorted(expected)}"
                )
    assert not wrong, f"{language} translations that change the placeholders:\n" + "\n".join(wrong)


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalogue_header_states_the_language_and_its_plural_rule(language: str) -> None:
    catalog = read_catalog(catalogue_path(language), language)
    assert str(catalog.locale) == language
    assert catalog.plural_forms == PLURAL_FORMS[language]
    plurals = [m for m in catalog if isinstance(m.id, tuple)]
    assert plurals, "the catalogue should hold at least one plural message"
    for message in plurals:
        assert len(forms(message)) == catalog.num_plurals, show(message.id)


# --- the running app ----------------------------------------------------------------------


def test_a_domain_error_reaches_the_collector_in_spanish(sqlite_db: Database) -> None:
    set_language("es")
    with sqlite_db.sessions.begin() as session:
        customer = Customer(
            account="C-ES1", name="Ruiz Hermanos SL", currency="EUR", updated_at=NOW
        )
        session.add(customer)
        session.flush()
        with pytest.raises(LedgerError) as raised:
            postings.post_invoice(
                session,
                customer_id=customer.id,
                amount=Decimal(0),
                posting_date=NOW.date(),
                now=NOW,
            )
    assert str(raised.value) == "El importe debe ser mayor que cero."


def test_plural_forms_follow_the_rule_of_each_language() -> None:
    def customers(n: int) -> str:
        return ngettext("{count} customer", "{count} customers", n).format(count=n)

    set_language("es")
    assert [customers(n) for n in (0, 1, 2)] == ["0 clientes", "1 cliente", "2 clientes"]
    set_language("fr")  # French treats zero as singular
    assert [customers(n) for n in (0, 1, 2)] == ["0 client", "1 client", "2 clients"]
    set_language("pt")
    assert [customers(n) for n in (0, 1, 2)] == ["0 clientes", "1 cliente", "2 clientes"]


@pytest.mark.parametrize("requested", ["pt_BR", "pt-BR", "pt_PT"])
def test_a_regional_variant_falls_back_to_its_language(requested: str) -> None:
    expected = read_catalog(catalogue_path("pt"), "pt").get("Customers on hold")
    assert expected is not None
    set_language(requested)
    assert current_language() == "pt"
    assert _("Customers on hold") == expected.string == "Clientes bloqueados"


def test_a_language_without_a_catalogue_gives_english() -> None:
    set_language("de")
    assert _("The amount must be greater than zero.") == "The amount must be greater than zero."
    assert ngettext("{count} customer", "{count} customers", 2) == "{count} customers"


def test_english_is_the_text_of_the_code() -> None:
    set_language("fr")
    assert _("Customers") == "Clients"
    set_language("en")
    assert current_language() == "en"
    assert _("Customers") == "Customers"

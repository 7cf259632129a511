"""Translation of user-visible text, shared by the Qt-free domain and the views.

One gettext catalogue (domain ``collections_desktop``) serves ``models/``, the CLI
and the widgets, so a message raised deep in a rule reaches the collector in their
language. Catalogues are the ``.po`` files under ``resources/translations``; they are
compiled in memory when a language is chosen, so there is no build step to forget.
Mark text with ``_("...")``; mark text that must be translated later (module-level
constants) with ``N_("...")`` and pass it through ``_()`` where it is shown.

``set_language(PSEUDO)`` installs a pseudo-locale (``pseudo_text``): every text comes
out 40 % longer and accented, so tests and pictures show where a longer language would
be cut.
"""

from __future__ import annotations

import functools
import gettext as _gettext
import io
import math
import re

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from collections_desktop.resources import resource_path

DOMAIN = "collections_desktop"
LANGUAGES = ("en", "es", "fr", "pt")
PSEUDO = "pseudo"
"""The pseudo-locale's name for ``set_language`` (tests, pictures; not a language offered)."""

_translations: _gettext.NullTranslations = _gettext.NullTranslations()
_language = "en"


def _(message: str) -> str:
    """Translate ``message`` into the current language."""
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message whose form depends on a count."""
    return _translations.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it yet."""
    return message


def current_language() -> str:
    """The language code text is translated into (``en`` when untranslated)."""
    return _language


def load_catalog(language: str) -> _gettext.NullTranslations:
    """Read the ``.po`` catalogue of ``language``; English or a missing file gives no-op."""
    base = language.split("_")[0].split("-")[0].lower()
    po = resource_path("translations", base, "LC_MESSAGES", f"{DOMAIN}.po")
    if base == "en" or not po.is_file():
        return _gettext.NullTranslations()
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=base)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return _gettext.GNUTranslations(buffer)


def base_language(language: str | None) -> str:
    """The code of ``language`` we translate into (``pt_BR`` -> ``pt``), else ``en``."""
    base = (language or "en").split("_")[0].split("-")[0].lower()
    return base if base in LANGUAGES else "en"


@functools.cache
def _catalog_of(base: str) -> _gettext.NullTranslations:
    return load_catalog(base)


def translations_for(language: str | None) -> _gettext.NullTranslations:
    """The catalogue of ``language``, whatever the interface speaks: what is printed for a
    customer is in the customer's language. Call its ``gettext`` and ``ngettext`` on
    literal text so the message extractor finds it; read once, then kept."""
    return _catalog_of(base_language(language))


def translate_into(language: str | None, message: str) -> str:
    """``message`` (a marked text held in a variable) in ``language``; the English text
    when the catalogue lacks it."""
    return translations_for(language).gettext(message)


_ACCENTED = str.maketrans("aeiouyAEIOUYcnCN", "àéîõüýÀÉÎÕÜÝçñÇÑ")
_KEPT = re.compile(r"(\{[^{}]*\}|<[^<>]*>|&[#\w]+;|%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[a-zA-Z%])")
"""What ``pseudo_text`` leaves as it is: placeholders, HTML tags and entities, % formats."""
_PADDING = "ÀÇÉÎÑÕÜ"


def pseudo_text(message: str) -> str:
    """``message`` 40 % longer (in characters), its letters accented, in brackets:
    "Customer" -> "[Çüstõmér·À]". Placeholders ("{count}"), HTML tags, entities and
    "%s" formats stay as they are, so the text still formats and renders."""
    if not message:
        return message
    parts = _KEPT.split(message)
    accented = "".join(part if i % 2 else part.translate(_ACCENTED) for i, part in enumerate(parts))
    extra = max(math.ceil(len(message) * 0.4) - 2, 0)  # the brackets count too
    padding = "·" + (_PADDING * (extra // len(_PADDING) + 1))[: max(extra - 1, 0)] if extra else ""
    return f"[{accented}{padding}]"


class PseudoTranslations(_gettext.NullTranslations):
    """The pseudo-locale: every message through ``pseudo_text``."""

    def gettext(self, message: str) -> str:
        return pseudo_text(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return pseudo_text(msgid1 if n == 1 else msgid2)


def set_language(language: str) -> None:
    """Switch every later ``_()`` call to ``language`` (e.g. ``es`` or ``pt_BR``;
    ``PSEUDO`` for the pseudo-locale, with English formats)."""
    global _translations, _language
    if language == PSEUDO:
        _translations, _language = PseudoTranslations(), "en"
        return
    _translations = load_catalog(language)
    base = language.split("_")[0].split("-")[0].lower() if language else "en"
    _language = base if base in LANGUAGES else "en"

"""The pseudo-locale: every text 40 % longer and accented, through the same ``_()``,
its placeholders, tags and formats intact (no Qt here)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from collections_desktop.i18n import (
    PSEUDO,
    _,
    current_language,
    ngettext,
    pseudo_text,
    set_language,
)


@pytest.fixture(autouse=True)
def english_afterwards() -> Iterator[None]:
    yield
    set_language("en")


@pytest.mark.parametrize(
    "message",
    ["Risk", "Customer", "Oldest past due", "Collection status", "Days overdue", "x", "ab"],
)
def test_every_text_is_at_least_40_percent_longer_in_brackets(message: str) -> None:
    text = pseudo_text(message)
    assert len(text) >= 1.4 * len(message)
    assert text.startswith("[")
    assert text.endswith("]")
    if len(message) > 2:
        assert text != f"[{message}]"  # accented or padded, not only bracketed


def test_letters_are_accented_and_the_text_padded() -> None:
    assert pseudo_text("Customer") == "[Çüstõmér·À]"
    assert pseudo_text("Risk") == "[Rîsk]"
    assert pseudo_text("Oldest past due") == "[Õldést pàst düé·ÀÇÉ]"
    assert pseudo_text("") == ""


def test_placeholders_tags_entities_and_formats_stay_usable() -> None:
    text = pseudo_text('{count} activities — <a href="new">New activity</a> &amp; %(name)s %d')
    assert "{count}" in text
    assert '<a href="new">' in text
    assert "</a>" in text
    assert "&amp;" in text
    assert "%(name)s" in text
    assert "%d" in text
    assert pseudo_text("{count} cases").format(count=3).startswith("[3 çàsés")
    assert pseudo_text("Balance {balance!r}").format(balance="1") == "[Bàlàñçé '1'·ÀÇÉÎÑ]"


def test_the_pseudo_locale_goes_through_the_same_underscore() -> None:
    set_language(PSEUDO)
    assert _("Customer") == "[Çüstõmér·À]"
    assert ngettext("{count} case", "{count} cases", 1) == pseudo_text("{count} case")
    assert ngettext("{count} case", "{count} cases", 2) == pseudo_text("{count} cases")
    assert current_language() == "en"  # English formats: only the texts change
    set_language("fr")
    assert _("Customer") == "Client"

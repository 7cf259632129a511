"""Options declared once, the icon registry, and figures in the user's locale."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import QByteArray, QSettings

from collections_desktop.formatting import Formats, babel_locale
from collections_desktop.views import settings as options
from collections_desktop.views.icons import ICON_NAMES, IconRegistry
from collections_desktop.views.settings import CALL_METHOD, LANGUAGE, OPTIONS, Settings

# --- settings ---------------------------------------------------------------------------


def test_settings_live_in_the_profile_config_folder(profile) -> None:
    settings = Settings()
    settings.set(CALL_METHOD, "teams")
    settings.sync()
    assert settings.path == profile / "config" / "Collections Desktop" / "settings.ini"
    text = settings.path.read_text()
    assert "call_method=teams" in text
    assert f"schema_version={options.SCHEMA_VERSION}" in text


def test_defaults_until_set_and_values_survive_a_restart(tmp_path) -> None:
    path = tmp_path / "settings.ini"
    first = Settings(path)
    assert first.get(LANGUAGE) == ""  # the system's language
    assert first.get(CALL_METHOD) == "tel"
    first.set(LANGUAGE, "es")
    first.set(CALL_METHOD, "teams")
    first.sync()
    second = Settings(path)
    assert (second.get(LANGUAGE), second.get(CALL_METHOD)) == ("es", "teams")
    second.reset(CALL_METHOD)
    assert second.get(CALL_METHOD) == "tel"


def test_a_value_outside_the_choices_is_refused_and_ignored(tmp_path) -> None:
    path = tmp_path / "settings.ini"
    settings = Settings(path)
    with pytest.raises(ValueError, match="skype"):
        settings.set(CALL_METHOD, "skype")
    # A hand-edited file with a bad value falls back to the default.
    raw = QSettings(str(path), QSettings.Format.IniFormat)
    raw.setValue(CALL_METHOD.key, "carrier pigeon")
    raw.sync()
    assert Settings(path).get(CALL_METHOD) == "tel"


def test_every_option_is_declared_once_with_a_title() -> None:
    keys = [option.key for option in OPTIONS]
    assert len(keys) == len(set(keys))
    assert all(option.title for option in OPTIONS)
    assert {o.key for o in OPTIONS} >= {
        "interface/language",
        "contact/call_method",
        "main_window/geometry",
        "main_window/state",
    }


def test_window_state_round_trips_as_bytes(tmp_path) -> None:
    path = tmp_path / "settings.ini"
    Settings(path).set(options.WINDOW_STATE, QByteArray(b"\x00\x01binary\xff"))
    assert Settings(path).get(options.WINDOW_STATE) == QByteArray(b"\x00\x01binary\xff")


def test_an_older_file_is_upgraded_by_the_hooks(tmp_path, monkeypatch) -> None:
    path = tmp_path / "settings.ini"
    raw = QSettings(str(path), QSettings.Format.IniFormat)
    raw.setValue("calls/use_teams", True)  # how a version 0 might have said it
    raw.sync()

    def rename(store: QSettings) -> None:
        if store.value("calls/use_teams", False, type=bool):
            store.setValue(CALL_METHOD.key, "teams")
        store.remove("calls/use_teams")

    monkeypatch.setattr(options, "UPGRADES", {1: rename})
    settings = Settings(path)
    assert settings.schema_version == options.SCHEMA_VERSION
    assert settings.get(CALL_METHOD) == "teams"


def test_a_newer_file_keeps_its_version(tmp_path) -> None:
    path = tmp_path / "settings.ini"
    raw = QSettings(str(path), QSettings.Format.IniFormat)
    raw.setValue(options.SCHEMA_KEY, 99)
    raw.setValue(CALL_METHOD.key, "teams")
    raw.sync()
    settings = Settings(path)
    assert settings.schema_version == 99
    assert settings.get(CALL_METHOD) == "teams"


# --- icons ------------------------------------------------------------------------------


def test_every_meaning_has_a_drawable_icon(qapp) -> None:
    icons = IconRegistry()
    for meaning in ICON_NAMES:
        icon = icons.get(meaning)
        assert not icon.isNull(), meaning
        assert not icon.pixmap(16, 16).toImage().isNull(), meaning
    assert {"overview", "workspace", "write_off", "settle", "email", "call"} <= set(ICON_NAMES)


def test_icons_are_cached_and_unknown_meanings_refused(qapp) -> None:
    icons = IconRegistry()
    assert icons.get("refresh").cacheKey() == icons.get("refresh").cacheKey()
    with pytest.raises(KeyError, match="no icon is registered for 'teleport'"):
        icons.get("teleport")


# --- formats ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "amount", "currency", "expected"),
    [
        ("en_US", "1234567.89", "EUR", "1,234,567.89\xa0EUR"),
        ("de_DE", "1234567.89", "EUR", "1.234.567,89\xa0EUR"),
        ("es_ES", "-1234.50", "EUR", "-1.234,50\xa0EUR"),
        ("fr_FR", "1234567.89", "EUR", "1\u202f234\u202f567,89\xa0EUR"),
        ("pt_BR", "0", "BRL", "0,00\xa0BRL"),
        ("en_GB", "1234567", "JPY", "1,234,567\xa0JPY"),
        ("en_US", "12.345", "KWD", "12.345\xa0KWD"),
    ],
)
def test_money_in_the_users_locale(locale, amount, currency, expected) -> None:
    assert Formats(locale).money(Decimal(amount), currency) == expected


def test_counts_dates_and_unknown_locales() -> None:
    assert Formats("de_DE").count(2000) == "2.000"
    assert Formats("en_US").date(dt.date(2026, 11, 23), "long") == "November 23, 2026"
    assert Formats("es_ES").date(dt.date(2026, 11, 23), "long") == "23 de noviembre de 2026"
    assert babel_locale("C") == "en_US"  # the POSIX locale of a bare CI runner
    assert babel_locale("pt-BR") == "pt_BR"


def test_version_2_keeps_every_page_state_in_one_format(tmp_path) -> None:
    path = tmp_path / "settings.ini"
    raw = QSettings(str(path), QSettings.Format.IniFormat)
    raw.setValue(options.SCHEMA_KEY, 1)
    raw.setValue("workspace/state", QByteArray(b"\x00\x00\x00\xffsplitter"))
    raw.setValue("cases/state", '{"status": "b3Blbg=="}')
    raw.sync()
    settings = Settings(path)
    assert settings.schema_version == options.SCHEMA_VERSION
    assert options.read_page_state(settings, "workspace") == {}
    assert options.read_page_state(settings, "cases") == {"status": b"open"}
    options.write_page_state(settings, "workspace", {"splitter": b"\x00\x01"})
    assert options.read_page_state(settings, "workspace") == {"splitter": b"\x00\x01"}


def test_version_3_drops_the_user_name_and_hands_it_over_once(tmp_path) -> None:
    path = tmp_path / "settings.ini"
    raw = QSettings(str(path), QSettings.Format.IniFormat)
    raw.setValue(options.SCHEMA_KEY, 2)
    raw.setValue("session/user_name", "lfernandez")
    raw.sync()
    settings = Settings(path)
    assert settings.schema_version == 3
    assert settings.take_former_user_name() == "lfernandez"
    assert settings.take_former_user_name() == ""
    settings.sync()
    assert "user_name" not in path.read_text()


def test_a_page_state_damaged_by_hand_is_ignored(tmp_path) -> None:
    settings = Settings(tmp_path / "settings.ini")
    settings.set(options.CASES_STATE, "{not json")
    assert options.read_page_state(settings, "cases") == {}
    settings.set(options.CASES_STATE, '{"grid": "***"}')
    assert options.read_page_state(settings, "cases") == {}

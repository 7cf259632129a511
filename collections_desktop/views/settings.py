"""Every user option, declared once (key, type, default, title), over an INI ``QSettings``.

The file lives in ``paths.config_dir()`` (a test's temporary profile in the tests). It
carries a schema version; when an option is renamed or its meaning changes, bump
``SCHEMA_VERSION`` and add an upgrade hook to ``UPGRADES`` that rewrites the old keys,
so a user's settings survive updates. A file written by a newer version is read (known
keys only) and its version is never lowered. Secrets never go here.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar, cast

from PySide6.QtCore import QByteArray, QSettings

from collections_desktop import paths
from collections_desktop.formatting import DATE_STYLES
from collections_desktop.i18n import LANGUAGES, N_

T = TypeVar("T")

SCHEMA_VERSION = 3
SCHEMA_KEY = "meta/schema_version"
FILE_NAME = "settings.ini"


@dataclass(frozen=True)
class Option(Generic[T]):
    """One option: where it is stored, its type, its default and what the user calls it."""

    key: str
    type: type
    default: T
    title: str  # marked with N_(); translate with _() where it is shown
    choices: tuple[T, ...] = ()


LANGUAGE: Option[str] = Option(
    "interface/language", str, "", N_("Language"), choices=("", *LANGUAGES)
)
"""The interface language; empty means the system's language."""

CALL_METHOD: Option[str] = Option(
    "contact/call_method", str, "tel", N_("Call with"), choices=("tel", "teams")
)
"""How a phone number is called: the system's ``tel:`` handler or Microsoft Teams."""

DATE_STYLE: Option[str] = Option(
    "interface/date_style", str, "medium", N_("Date style"), choices=DATE_STYLES
)
"""How every date is written: short, medium or long, in the language's own way."""

DATABASE: Option[str] = Option("session/database", str, "", N_("Database opened at start"))
"""The database the app opens without ``--database`` (an offline replica once made);
empty means the embedded one."""

RECENT_DATABASES: Option[str] = Option("session/recent_databases", str, "", N_("Recent databases"))
"""The databases opened last, newest first (JSON list of paths and server addresses)."""
RECENT_COUNT = 8

SYNC_INTERVAL: Option[int] = Option(
    "sync/interval_minutes", int, 5, N_("Automatic sync every (minutes, 0: never)")
)
"""How often an offline replica syncs by itself while the server answers."""

MONTH_END_STATEMENTS: Option[str] = Option(
    "statements/month_end",
    str,
    "offer",
    N_("Month-end statements"),
    choices=("offer", "send", "nothing"),
)
"""At the first start after a month's end, when last month's statements have not been
e-mailed: offer to send them, send them without asking, or do nothing."""

WINDOW_GEOMETRY: Option[QByteArray] = Option(
    "main_window/geometry", QByteArray, QByteArray(), N_("Main window position and size")
)
WINDOW_STATE: Option[QByteArray] = Option(
    "main_window/state", QByteArray, QByteArray(), N_("Main window toolbars and docks")
)

# The pages' states, each JSON of the page's ``save_state()`` (values base64).
OVERVIEW_STATE: Option[str] = Option(
    "overview/state", str, "", N_("Overview splitters, columns, sort and pool")
)
WORKSPACE_STATE: Option[str] = Option("workspace/state", str, "", N_("Workspace splitters"))
AGED_BALANCES_STATE: Option[str] = Option(
    "aged_balances/state", str, "", N_("Aged balances columns, sort and pool")
)
ACTIVITIES_STATE: Option[str] = Option(
    "activities/state", str, "", N_("Activities columns, sort and filters")
)
CASES_STATE: Option[str] = Option("cases/state", str, "", N_("Cases columns, sort and filters"))
REPORTS_STATE: Option[str] = Option(
    "reports/state", str, "", N_("Reports: the report chosen, its period and columns")
)
COLLECTIONS_STATE: Option[str] = Option(
    "collections/state", str, "", N_("Collections page splitters and columns")
)
CUSTOMERS_STATE: Option[str] = Option(
    "customers/state", str, "", N_("Customers columns, sort and filters")
)
CONFLICTS_STATE: Option[str] = Option("conflicts/state", str, "", N_("Conflicts columns and sort"))
PENDING_DOCUMENTS_STATE: Option[str] = Option(
    "pending_documents/state", str, "", N_("Pending documents columns, sort and status")
)
PAYMENTS_STATE: Option[str] = Option(
    "payments/state", str, "", N_("Payments columns, sort and filters")
)
PAGE_STATES: dict[str, Option[str]] = {
    "overview": OVERVIEW_STATE,
    "workspace": WORKSPACE_STATE,
    "aged_balances": AGED_BALANCES_STATE,
    "activities": ACTIVITIES_STATE,
    "cases": CASES_STATE,
    "reports": REPORTS_STATE,
    "collections": COLLECTIONS_STATE,
    "customers": CUSTOMERS_STATE,
    "conflicts": CONFLICTS_STATE,
    "pending_documents": PENDING_DOCUMENTS_STATE,
    "payments": PAYMENTS_STATE,
}
"""Where each page's state is kept, by the page's key."""

OPTIONS: tuple[Option[Any], ...] = (
    LANGUAGE,
    CALL_METHOD,
    DATE_STYLE,
    DATABASE,
    RECENT_DATABASES,
    SYNC_INTERVAL,
    MONTH_END_STATEMENTS,
    WINDOW_GEOMETRY,
    WINDOW_STATE,
    OVERVIEW_STATE,
    WORKSPACE_STATE,
    AGED_BALANCES_STATE,
    ACTIVITIES_STATE,
    CASES_STATE,
    REPORTS_STATE,
    COLLECTIONS_STATE,
    CUSTOMERS_STATE,
    CONFLICTS_STATE,
    PENDING_DOCUMENTS_STATE,
    PAYMENTS_STATE,
)
"""Every option the app knows (the settings dialog and the tests walk this)."""


def _pages_keep_one_format(store: QSettings) -> None:
    """Version 2: the Workspace and Collections pages keep their state as the other pages
    do; their version-1 bytes cannot be read so, and the pages start from their defaults."""
    for key in ("workspace/state", "collections/state"):
        store.remove(key)


FORMER_USER_NAME = "session/former_user_name"
"""Where version 3 keeps the user name an older file chose, until the app has given that
employee the computer's login once (``app.Shell``)."""


def _user_is_an_employee(store: QSettings) -> None:
    """Version 3: whom the app works as is the employee with the computer's login (an
    administrator changes it in Set-up ▸ Users), no longer a setting of each computer."""
    former = store.value("session/user_name", "", type=str)
    if former:
        store.setValue(FORMER_USER_NAME, former)
    store.remove("session/user_name")


UPGRADES: dict[int, Callable[[QSettings], None]] = {
    2: _pages_keep_one_format,
    3: _user_is_an_employee,
}
"""Hooks that bring a file from version ``n - 1`` to ``n``."""


def default_path() -> Path:
    """The INI file of the current user."""
    return paths.config_dir() / FILE_NAME


class Settings:
    """Reads and writes the declared options in one INI file."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_path()
        # An explicit file path (not the organisation/application lookup) so the
        # folder given by paths.config_dir() is honoured on every OS, tests included.
        self._store = QSettings(str(self.path), QSettings.Format.IniFormat)
        self._upgrade()

    @property
    def schema_version(self) -> int:
        """The version of the file's layout (``SCHEMA_VERSION`` once upgraded)."""
        # type=int makes QSettings convert (0 when the stored text is no number).
        return cast(int, self._store.value(SCHEMA_KEY, 0, type=int))

    def get(self, option: Option[T]) -> T:
        """The stored value of ``option``, or its default when unset or not a valid choice."""
        if not self._store.contains(option.key):
            return option.default
        value = self._store.value(option.key, option.default, type=option.type)
        if option.choices and value not in option.choices:
            return option.default
        # type=option.type makes QSettings convert the stored text to the option's type.
        return cast(T, value)

    def set(self, option: Option[T], value: T) -> None:
        """Store ``value`` for ``option`` (refusing a value outside its choices)."""
        if option.choices and value not in option.choices:
            raise ValueError(f"{value!r} is not a choice of {option.key}: {option.choices}")
        self._store.setValue(option.key, value)

    def reset(self, option: Option[Any]) -> None:
        """Forget the stored value so the default applies again."""
        self._store.remove(option.key)

    def take_former_user_name(self) -> str:
        """The user name an older settings file chose (once; empty when none)."""
        former = cast(str, self._store.value(FORMER_USER_NAME, "", type=str))
        self._store.remove(FORMER_USER_NAME)
        return former

    def sync(self) -> None:
        """Write pending changes to the file now (Qt also does it when idle and at exit)."""
        self._store.sync()

    def _upgrade(self) -> None:
        version = self.schema_version
        if version >= SCHEMA_VERSION:
            return
        for target in range(version + 1, SCHEMA_VERSION + 1):
            hook = UPGRADES.get(target)
            if hook is not None:
                hook(self._store)
        self._store.setValue(SCHEMA_KEY, SCHEMA_VERSION)


def read_page_state(settings: Settings, key: str) -> dict[str, bytes]:
    """The state page ``key`` saved last time; empty when none or damaged by hand."""
    option = PAGE_STATES.get(key)
    if option is None:
        return {}
    try:
        saved = json.loads(settings.get(option) or "{}")
        return {name: base64.b64decode(value, validate=True) for name, value in saved.items()}
    except (ValueError, TypeError, AttributeError):
        return {}


def write_page_state(settings: Settings, key: str, state: dict[str, bytes]) -> None:
    """Keep page ``key``'s state (JSON, each value base64) for the next session."""
    option = PAGE_STATES.get(key)
    if option is not None:
        encoded = {name: base64.b64encode(value).decode("ascii") for name, value in state.items()}
        settings.set(option, json.dumps(encoded))


def recent_databases(settings: Settings) -> list[str]:
    """The databases opened last, newest first (at most ``RECENT_COUNT``)."""
    try:
        saved = json.loads(settings.get(RECENT_DATABASES) or "[]")
    except ValueError:
        return []
    if not isinstance(saved, list):
        return []
    return [entry for entry in saved if isinstance(entry, str) and entry][:RECENT_COUNT]


def remember_database(settings: Settings, url: str | Path) -> None:
    """Put ``url`` first in the recent databases (a file by its full path, a server
    without any password)."""
    entry = _recent_entry(url)
    kept = [entry, *(known for known in recent_databases(settings) if known != entry)]
    settings.set(RECENT_DATABASES, json.dumps(kept[:RECENT_COUNT]))


def forget_databases(settings: Settings, entries: Collection[str]) -> None:
    """Take ``entries`` off the recent databases (files that are gone)."""
    kept = [known for known in recent_databases(settings) if known not in entries]
    settings.set(RECENT_DATABASES, json.dumps(kept))


def _recent_entry(url: str | Path) -> str:
    text = str(url)
    if "://" not in text:
        return str(Path(text).expanduser().resolve())
    from sqlalchemy.engine import make_url

    parsed = make_url(text)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        return str(Path(parsed.database).expanduser().resolve())
    return parsed.set(password=None).render_as_string(hide_password=False)

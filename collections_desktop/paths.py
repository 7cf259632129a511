"""Where the app keeps its data and settings on each OS (through platformdirs)."""

from __future__ import annotations

from pathlib import Path

import platformdirs

from collections_desktop import APP_NAME, ORG_NAME


def data_dir() -> Path:
    """The user's data folder (the embedded database, backups, logs)."""
    return Path(platformdirs.user_data_dir(APP_NAME, ORG_NAME, ensure_exists=True))


def config_dir() -> Path:
    """The user's settings folder (the INI file of window state and options)."""
    return Path(platformdirs.user_config_dir(APP_NAME, ORG_NAME, ensure_exists=True))


def default_database_path() -> Path:
    """The embedded SQLite database opened when no ``--database`` is given."""
    return data_dir() / "collections.sqlite"


def default_replica_path() -> Path:
    """Where File ▸ Work offline… offers to keep the offline replica of a team database."""
    return data_dir() / "replica.sqlite"

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
    """The database opened when no ``--database`` is given: the offline replica once
    ``sync setup`` has made one in its default place, else the embedded SQLite database."""
    replica = default_replica_path()
    if replica.exists():
        return replica
    return data_dir() / "collections.sqlite"


def default_replica_path() -> Path:
    """Where ``sync setup`` (and File > Work offline) keeps the offline replica."""
    return data_dir() / "replica.sqlite"

"""The pull side of the team database: what a replica reads since its cursor."""

from __future__ import annotations

from sqlalchemy import Connection


def install_pull_cursor(connection: Connection) -> None:
    """Give the server's shared tables the columns and triggers the pull cursor reads."""
    return None

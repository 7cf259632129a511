"""Alembic environment: runs on the connection ``models.db.database`` hands it.

The application never reads an ``alembic.ini``; it builds the configuration in code
(``database.alembic_config``) and passes an open connection, so the same migrations
run from the GUI, the CLI, the tests and the frozen build.
"""

from __future__ import annotations

from alembic import context

from collections_desktop.models.db.schema import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only when a developer runs `alembic` by hand
    from sqlalchemy import create_engine

    url = config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("alembic.ini sets no sqlalchemy.url and no connection was given")
    connection = create_engine(url).connect()

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()

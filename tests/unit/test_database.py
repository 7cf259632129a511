"""Opening databases: new, current, older (backup then migrate), newer, not a database."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from collections_desktop.kernel.clock import SystemClock
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.db import database as database_module
from collections_desktop.models.db.database import (
    Database,
    DatabaseOpenError,
    NotADatabaseError,
    SchemaTooNewError,
    head_revision,
)
from collections_desktop.models.db.schema import IMMUTABLE_COLUMNS, Base


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_file_is_created_at_the_head_revision(tmp_path: Path) -> None:
    database = open_company(tmp_path / "new.sqlite", clock=SystemClock())
    assert database.created
    assert database.backup is None
    with database.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == head_revision()
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    database.dispose()
    again = open_company(tmp_path / "new.sqlite", clock=SystemClock())
    assert not again.created
    assert again.backup is None
    again.dispose()


def test_migrations_build_exactly_the_mapped_schema(any_db: Database) -> None:
    """The hand-reviewed migrations and the mapped classes must not drift apart."""
    with any_db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_every_posted_column_is_guarded_by_a_trigger(any_db: Database) -> None:
    """A column added to a posted table without a new trigger would be silently mutable."""
    from importlib import import_module

    guarded: dict[str, list[str]] = {}
    for revision in (
        "0001_schema_v1",
        "0003_collections_actions",
        "0004_posted_once",
        "0005_letter_documents",
        "0007_company_setup",
        "0009_billing",
        "0011_receipts",
    ):
        migration = import_module(f"collections_desktop.models.db.migrations.versions.{revision}")
        guarded.update(migration.IMMUTABLE_COLUMNS)  # a later revision replaces a table's list
    assert guarded == IMMUTABLE_COLUMNS


def test_a_text_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("Customer list, do not delete\n")
    before = digest(path)
    with pytest.raises(NotADatabaseError, match=r"notes\.sqlite is not a Collections Desktop"):
        open_company(path, clock=SystemClock())
    assert digest(path) == before
    assert not list(tmp_path.glob("notes.sqlite-*")), "no journal files were created"


def test_a_foreign_sqlite_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE recipes (name TEXT)")
    before = digest(path)
    with pytest.raises(DatabaseOpenError, match="not a Collections Desktop company"):
        open_company(path, clock=SystemClock())
    assert digest(path) == before


def test_a_newer_schema_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "newer.sqlite"
    open_company(path, clock=SystemClock()).dispose()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'f9999_future'")
    before = digest(path)
    with pytest.raises(SchemaTooNewError, match="newer version of Collections Desktop"):
        open_company(path, clock=SystemClock())
    assert digest(path) == before


def test_an_older_schema_is_backed_up_then_migrated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock
) -> None:
    path = tmp_path / "older.sqlite"
    open_company(path, clock=clock).dispose()
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    original = digest(path)
    # A next release: the same migrations plus a revision that adds an index.
    head = database_module.head_revision()
    migrations = tmp_path / "migrations"
    shutil.copytree(
        database_module.MIGRATIONS, migrations, ignore=shutil.ignore_patterns("__pycache__")
    )
    (migrations / "versions" / "9999_test.py").write_text(
        '"""Test revision."""\n'
        "from alembic import op\n"
        f"revision = '9999'\ndown_revision = '{head}'\nbranch_labels = None\ndepends_on = None\n"
        "def upgrade():\n    op.create_index('ix_test_customers_city', 'customers', ['city'])\n"
        "def downgrade():\n    op.drop_index('ix_test_customers_city', 'customers')\n"
    )
    monkeypatch.setattr(database_module, "MIGRATIONS", migrations)

    upgraded = open_company(path, clock=clock)
    assert upgraded.backup == tmp_path / f"older.schema-{head}.20261123-090000.backup.sqlite"
    assert digest(upgraded.backup) == original
    with upgraded.engine.connect() as connection:
        assert (
            connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == "9999"
        )
        assert "ix_test_customers_city" in {
            index["name"] for index in inspect(connection).get_indexes("customers")
        }
    upgraded.dispose()


def test_missing_folder_and_folder_given(tmp_path: Path) -> None:
    with pytest.raises(DatabaseOpenError, match="does not exist"):
        open_company(tmp_path / "nowhere" / "x.sqlite", clock=SystemClock())
    with pytest.raises(NotADatabaseError, match="is a folder"):
        open_company(tmp_path, clock=SystemClock())


def test_unreachable_server_gives_a_clear_message() -> None:
    with pytest.raises(DatabaseOpenError, match=r"Cannot open the database postgresql\+psycopg://"):
        open_company(
            "postgresql://nobody@127.0.0.1:1/nowhere?connect_timeout=2", clock=SystemClock()
        )


def test_keys_are_16_bytes_on_sqlite_and_come_back_as_uuids(sqlite_db: Database, clock) -> None:
    from sqlalchemy import select

    from collections_desktop.models.db.schema import Customer

    with sqlite_db.sessions.begin() as session:
        customer = Customer(account="C-KEY", name="Key SA", currency="EUR", updated_at=clock.now())
        session.add(customer)
    with sqlite_db.engine.connect() as connection:
        stored = connection.execute(
            text("SELECT typeof(id), length(id) FROM customers WHERE account = 'C-KEY'")
        ).one()
    assert tuple(stored) == ("blob", 16)
    with sqlite_db.sessions() as session:
        assert session.scalar(select(Customer.id).where(Customer.account == "C-KEY")) == customer.id


def test_a_company_of_schema_0002_gets_the_collections_set_up_and_guards(
    tmp_path: Path, clock
) -> None:
    """An earlier version's file: migrated, given the default set-up, new columns guarded."""
    from alembic import command
    from sqlalchemy import create_engine

    k1, k2, k3, k4 = (f"x'{n:032x}'" for n in range(1, 5))  # 16-byte keys
    path = tmp_path / "v2.sqlite"
    engine = create_engine(f"sqlite:///{path}")
    config = database_module._alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0002")
        connection.exec_driver_sql(
            f"INSERT INTO currencies (id, code, name, decimals) VALUES ({k1}, 'EUR', 'Euro', 2)"
        )
        connection.exec_driver_sql(
            "INSERT INTO receivables_parameters (id, company_name, accounting_currency, "
            f"updated_at, version) VALUES ({k2}, 'Old Co', 'EUR', '2026-01-01 00:00:00', 1)"
        )
        connection.exec_driver_sql(
            "INSERT INTO customers (id, account, name, currency, account_status, language, "
            f"updated_at, version) VALUES ({k3}, 'C-1', 'Ruiz', 'EUR', 'active', 'es', "
            "'2026-01-01 00:00:00', 1)"
        )
        connection.exec_driver_sql(
            "INSERT INTO customer_transactions (id, voucher, customer_id, type, document_number, "
            "posting_date, document_date, due_date, currency, amount, amount_accounting, "
            f"created_at, collection_status, updated_at, version) VALUES ({k4}, 'V-1', {k3}, "
            "'invoice', 'INV-1', '2026-01-05', '2026-01-05', '2026-02-04', 'EUR', 1000000, "
            "1000000, '2026-01-05 00:00:00', 'none', '2026-01-05 00:00:00', 1)"
        )
    engine.dispose()

    upgraded = open_company(path, clock=clock)
    with upgraded.engine.connect() as connection:
        assert connection.execute(text("SELECT posting_profile FROM customers")).scalar() == "GEN"
        assert (
            connection.execute(text("SELECT posting_profile FROM customer_transactions")).scalar()
            == "GEN"
        )
        assert connection.execute(
            text("SELECT write_off_account, promise_tolerance_days FROM receivables_parameters")
        ).one() == ("681000", 3)
        reasons = connection.execute(text("SELECT code FROM write_off_reasons ORDER BY code"))
        assert [code for (code,) in reasons] == ["DISPUTE", "GOODWILL", "SMALL", "UNCOLLECT"]
        levels = connection.execute(text("SELECT level, fee FROM letter_levels ORDER BY level"))
        assert [tuple(row) for row in levels] == [(1, 0), (2, 100000), (3, 250000)]
        with pytest.raises(Exception, match="posted customer_transactions rows cannot be changed"):
            connection.execute(text("UPDATE customer_transactions SET dimension = 'SALES'"))
    upgraded.dispose()

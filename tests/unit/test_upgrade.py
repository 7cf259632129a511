"""Upgrading an older database: one transaction, or nothing; one backup per upgrade."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Pool, create_engine, event, text

from collections_desktop.kernel.clock import FixedClock, SystemClock
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.db import database as database_module
from collections_desktop.models.db.database import UpgradeError, head_revision
from tests.old_schema import company_at_revision, schema_of


@pytest.fixture(scope="module")
def company_0002(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A company of schema 0002 with the rows of a 20-customer demo."""
    folder = tmp_path_factory.mktemp("old")
    return company_at_revision(folder / "company.sqlite", "0002", customers=20)


@pytest.fixture
def older(tmp_path: Path, company_0002: Path) -> Path:
    """A copy of the 0002 company in the test's folder."""
    path = tmp_path / "older.sqlite"
    shutil.copyfile(company_0002, path)
    return path


def with_revisions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *bodies: str) -> list[str]:
    """The app's migrations plus one test revision per body (its ``upgrade()``), in order."""
    migrations = tmp_path / "migrations"
    shutil.copytree(
        database_module.MIGRATIONS, migrations, ignore=shutil.ignore_patterns("__pycache__")
    )
    previous = head_revision()
    names = []
    for number, body in enumerate(bodies, start=9001):
        (migrations / "versions" / f"{number}_test.py").write_text(
            '"""Test revision."""\n'
            "import sqlalchemy as sa\nfrom alembic import op\n"
            f"revision = '{number}'\ndown_revision = '{previous}'\n"
            "branch_labels = None\ndepends_on = None\n"
            f"def upgrade():\n{body}\n"
            "def downgrade():\n    pass\n"
        )
        previous = str(number)
        names.append(previous)
    monkeypatch.setattr(database_module, "MIGRATIONS", migrations)
    return names


def run_sql(path: Path, *statements: str) -> None:
    """Run statements on the file outside the app, each committed, the log folded in."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        for sql in (*statements, "PRAGMA wal_checkpoint(TRUNCATE)"):
            connection.execute(sql)
    finally:
        connection.close()


def backups(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f"{path.stem}.schema-*"))


@pytest.fixture
def statements() -> Iterator[list[str]]:
    """Every SQL statement SQLite runs on the connections opened meanwhile, in order."""
    seen: list[str] = []

    def trace(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        if isinstance(dbapi_connection, sqlite3.Connection):
            dbapi_connection.set_trace_callback(seen.append)

    event.listen(Pool, "connect", trace)
    yield seen
    event.remove(Pool, "connect", trace)


def test_the_upgrade_from_0002_is_one_transaction_with_its_set_up_rows(
    older: Path, statements: list[str], clock
) -> None:
    upgraded = open_company(older, clock=clock)
    upgraded.dispose()
    first_ddl = next(i for i, sql in enumerate(statements) if "CREATE TABLE case_categories" in sql)
    begin = max(i for i in range(first_ddl) if statements[i].startswith("BEGIN"))
    end = next(
        i for i in range(first_ddl, len(statements)) if statements[i] in ("COMMIT", "ROLLBACK")
    )
    transaction = statements[begin : end + 1]
    assert transaction[-1] == "COMMIT"
    assert not [sql for sql in transaction[1:-1] if sql.split()[0] in ("BEGIN", "COMMIT")]
    # Alembic's batch copies, both version changes and the set-up rows are all inside it.
    assert any("CREATE TABLE _alembic_tmp_activities" in sql for sql in transaction)
    assert any(
        "ALTER TABLE _alembic_tmp_activities RENAME TO activities" in sql for sql in transaction
    )
    assert [sql for sql in transaction if sql.startswith("UPDATE alembic_version")] == [
        "UPDATE alembic_version SET version_num='0003' WHERE alembic_version.version_num = '0002'",
        "UPDATE alembic_version SET version_num='0004' WHERE alembic_version.version_num = '0003'",
        "UPDATE alembic_version SET version_num='0005' WHERE alembic_version.version_num = '0004'",
        "UPDATE alembic_version SET version_num='0006' WHERE alembic_version.version_num = '0005'",
        "UPDATE alembic_version SET version_num='0007' WHERE alembic_version.version_num = '0006'",
        "UPDATE alembic_version SET version_num='0008' WHERE alembic_version.version_num = '0007'",
        "UPDATE alembic_version SET version_num='0009' WHERE alembic_version.version_num = '0008'",
        "UPDATE alembic_version SET version_num='0010' WHERE alembic_version.version_num = '0009'",
        "UPDATE alembic_version SET version_num='0011' WHERE alembic_version.version_num = '0010'",
        "UPDATE alembic_version SET version_num='0012' WHERE alembic_version.version_num = '0011'",
        "UPDATE alembic_version SET version_num='0013' WHERE alembic_version.version_num = '0012'",
        "UPDATE alembic_version SET version_num='0014' WHERE alembic_version.version_num = '0013'",
        "UPDATE alembic_version SET version_num='0015' WHERE alembic_version.version_num = '0014'",
    ]
    assert any(sql.startswith("INSERT INTO mail_templates") for sql in transaction)
    assert any(sql.startswith("INSERT INTO write_off_reasons") for sql in transaction)
    assert "PRAGMA foreign_key_check" in transaction
    # Foreign keys are off while tables are copied; that connection is not used again.
    assert statements[begin - 1] == "PRAGMA foreign_keys = OFF"
    database = open_company(older, clock=clock)
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.execute(text("SELECT count(*) FROM write_off_reasons")).scalar() == 4
    database.dispose()


def test_an_upgraded_file_has_every_table_index_and_trigger_of_a_new_one(
    older: Path, tmp_path: Path
) -> None:
    """A batch copy drops a table's triggers with the table: none may go missing."""
    open_company(older, clock=SystemClock()).dispose()
    open_company(tmp_path / "new.sqlite", clock=SystemClock()).dispose()

    def objects(path: Path) -> set[tuple[str, str]]:
        with sqlite3.connect(path) as connection:
            rows = connection.execute("SELECT type, name FROM sqlite_master").fetchall()
        connection.close()
        return {(kind, name) for kind, name in rows if not name.startswith("sqlite_autoindex")}

    assert objects(older) == objects(tmp_path / "new.sqlite")
    assert sum(kind == "trigger" for kind, _name in objects(older)) > 20


def test_a_step_that_fails_leaves_the_old_revision_and_no_copy_of_a_table(
    older: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock
) -> None:
    """The upgrade to the head passes, then a batch copy of ``activities`` fails halfway (a
    new NOT NULL column without a default): the file is exactly as before, at the head."""
    open_company(older, clock=clock).dispose()  # to the head first, on its own
    head = head_revision()
    run_sql(older)
    for backup in backups(older):
        backup.unlink()
    before = schema_of(older)
    with_revisions(
        tmp_path,
        monkeypatch,
        "    op.create_index('ix_test_customers_city', 'customers', ['city'])",
        "    with op.batch_alter_table('activities', recreate='always') as batch:\n"
        "        batch.add_column(sa.Column('urgency', sa.Integer(), nullable=False))",
    )
    with pytest.raises(UpgradeError) as raised:
        open_company(older, clock=clock)
    message = str(raised.value)
    assert message.startswith(
        f"The database {older} could not be upgraded from schema {head} to 9002: "
        "NOT NULL constraint failed: _alembic_tmp_activities.urgency. The upgrade was undone "
        "and the file was not changed; the copy made before the upgrade is "
    )
    assert schema_of(older) == before  # no index of 9001, no _alembic_tmp_activities, head
    (backup,) = backups(older)
    assert message.endswith(f"{backup}.")
    assert backup.read_bytes() == older.read_bytes()

    # Trying again makes no second copy of the same file.
    with pytest.raises(UpgradeError):
        open_company(older, clock=FixedClock(clock.now().replace(hour=10)))
    assert backups(older) == [backup]
    # Once the file changes, its next upgrade is a new one with its own copy.
    run_sql(older, "UPDATE customers SET city = 'Vigo'")
    with pytest.raises(UpgradeError):
        open_company(older, clock=FixedClock(clock.now().replace(hour=11)))
    assert len(backups(older)) == 2


def test_an_upgrade_that_would_leave_a_broken_reference_is_undone(
    older: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Foreign keys are off while tables change, so they are checked before the commit."""
    before = schema_of(older)
    with_revisions(tmp_path, monkeypatch, "    op.execute('DELETE FROM customer_pools')")
    with pytest.raises(UpgradeError, match="rows refer to rows that do not exist"):
        open_company(older, clock=SystemClock())
    assert schema_of(older) == before


def test_a_killed_backup_leaves_no_half_copy_under_a_backup_name(older: Path, clock) -> None:
    partial = older.with_name("older.schema-0002.backup-partial.sqlite")
    partial.write_bytes(b"SQLite format 3\x00 cut short")  # a copy whose process was killed
    upgraded = open_company(older, clock=clock)
    upgraded.dispose()
    assert backups(older) == [upgraded.backup]
    assert not partial.exists()


@pytest.mark.postgres
def test_a_failed_upgrade_on_postgresql_changes_nothing(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = create_engine(pg_url.replace("postgresql://", "postgresql+psycopg://", 1))
    config = database_module._alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0003")

    def tables() -> set[str]:
        with engine.connect() as connection:
            return set(
                connection.execute(
                    text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
                ).scalars()
            )

    before = tables()
    with_revisions(tmp_path, monkeypatch, "    op.execute('SELECT 1 / 0')")
    with pytest.raises(UpgradeError, match=r"from schema 0003 to 9001: .*division by zero"):
        open_company(pg_url, clock=SystemClock())
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == (
            "0003"
        )
        indexes = connection.execute(
            text(
                "SELECT count(*) FROM pg_indexes WHERE indexname = 'uq_interest_note_lines_period'"
            )
        ).scalar()
    assert indexes == 0  # 0004 was undone with the failing revision after it
    assert tables() == before
    engine.dispose()


def test_a_file_with_a_document_posted_twice_is_refused_and_left_as_it_was(
    older: Path, clock
) -> None:
    """Two imports at once of an earlier version posted an invoice twice: the unique key of
    0004 cannot be made, so the upgrade stops, names the copy and changes nothing."""
    with sqlite3.connect(older) as connection:
        columns = [row[1] for row in connection.execute("PRAGMA table_info(customer_transactions)")]
        listed = ", ".join(columns)
        picked = ", ".join(
            "randomblob(16)" if c == "id" else "voucher || '-2'" if c == "voucher" else c
            for c in columns
        )
        account, number = connection.execute(
            "SELECT c.account, t.document_number FROM customer_transactions t "
            "JOIN customers c ON c.id = t.customer_id WHERE t.type = 'invoice' "
            "ORDER BY t.voucher LIMIT 1"
        ).fetchone()
        connection.execute(
            f"INSERT INTO customer_transactions ({listed}) SELECT {picked} "
            "FROM customer_transactions WHERE document_number = ? AND type = 'invoice'",
            (number,),
        )
    connection.close()
    before = schema_of(older)
    with pytest.raises(UpgradeError) as raised:
        open_company(older, clock=clock)
    message = str(raised.value)
    assert "postings made twice by two runs at once of an earlier version" in message
    assert f"documents: {account} invoice {number}" in message
    assert "Keep using the earlier version on this file" in message
    assert schema_of(older) == before  # still 0002, nothing of 0003 or 0004

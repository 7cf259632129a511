"""Row-level security on the team database, seen from an agent's own login.

Each test connects as the agent's role with plain psycopg and raw SQL, as any client
could: the app's scope filter plays no part. The demo's pools are "Iberia" (ES, PT;
worked by E-0001) and "France & UK" (FR, GB; worked by E-0002).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

from tests.team import FRANCE_UK, IBERIA, Logins, owner_count, team_database, team_logins

OF_CUSTOMERS = {
    "customers": "SELECT count(*) FROM customers c WHERE {where}",
    "contacts": "SELECT count(*) FROM contacts x JOIN customers c ON c.id = x.customer_id "
    "WHERE {where}",
    "customer_transactions": "SELECT count(*) FROM customer_transactions x "
    "JOIN customers c ON c.id = x.customer_id WHERE {where}",
    "settlement_lines": "SELECT count(*) FROM settlement_lines x JOIN settlements s "
    "ON s.id = x.settlement_id JOIN customers c ON c.id = s.customer_id WHERE {where}",
    "activities": "SELECT count(*) FROM activities x JOIN customers c ON c.id = x.customer_id "
    "WHERE {where}",
    "collection_letters": "SELECT count(*) FROM collection_letters x "
    "JOIN customers c ON c.id = x.customer_id WHERE {where}",
    "collection_letter_lines": "SELECT count(*) FROM collection_letter_lines x "
    "JOIN collection_letters l ON l.id = x.letter_id JOIN customers c "
    "ON c.id = l.customer_id WHERE {where}",
    "collection_status_history": "SELECT count(*) FROM collection_status_history x "
    "JOIN customer_transactions t ON t.id = x.transaction_id JOIN customers c "
    "ON c.id = t.customer_id WHERE {where}",
}
"""Rows of customers matching ``{where}``, counted as the owner."""


@pytest.fixture(scope="module")
def team_db() -> Iterator[str]:
    """One demo team database for the module (40 customers, letters posted), dropped after."""
    yield from team_database()


@pytest.fixture
def logins(team_db: str) -> Iterator[Logins]:
    yield from team_logins(team_db)


def owner_counts(url: str, countries: tuple[str, ...]) -> dict[str, int]:
    where = "c.country IN ({})".format(", ".join(f"'{c}'" for c in countries))
    return {table: owner_count(url, sql.format(where=where)) for table, sql in OF_CUSTOMERS.items()}


def visible_counts(connection: psycopg.Connection[Any]) -> dict[str, int]:
    return {
        table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[index]
        for table in OF_CUSTOMERS
    }


def ids_of(url: str, countries: tuple[str, ...]) -> list[uuid.UUID]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        found = list(
            connection.execute(
                text("SELECT id FROM customers WHERE country = ANY(:c) ORDER BY account"),
                {"c": list(countries)},
            ).scalars()
        )
    engine.dispose()
    return found


def copy_row(
    connection: psycopg.Connection[Any], table: str, where: str, **changes: Any
) -> tuple[str, dict[str, Any]]:
    """An INSERT of a copy of one visible row of ``table`` with ``changes``."""
    with connection.cursor(row_factory=dict_row) as cursor:
        row = cursor.execute(f"SELECT * FROM {table} WHERE {where} LIMIT 1").fetchone()
    assert row is not None
    row.update(id=uuid.uuid4(), **changes)
    columns = ", ".join(row)
    values = ", ".join(f"%({c})s" for c in row)
    return f"INSERT INTO {table} ({columns}) VALUES ({values})", row


def test_an_agent_sees_exactly_the_rows_of_their_pool(team_db: str, logins: Logins) -> None:
    agent = logins.add("E-0001")  # Iberia
    assert agent.pools == ("Iberia",)
    iberia = owner_counts(team_db, IBERIA)
    others = owner_counts(team_db, FRANCE_UK)
    assert min(iberia.values()) > 0
    assert min(others.values()) > 0
    unowned = owner_count(team_db, "SELECT count(*) FROM activities WHERE customer_id IS NULL")

    with logins.connect(agent.name) as connection:
        seen = visible_counts(connection)
        strangers = [str(i) for i in ids_of(team_db, FRANCE_UK)]
        hidden = {
            table: connection.execute(sql, (strangers,)).fetchone()[0]  # type: ignore[index]
            for table, sql in {
                "customers": "SELECT count(*) FROM customers WHERE id::text = ANY(%s)",
                "customer_transactions": "SELECT count(*) FROM customer_transactions "
                "WHERE customer_id::text = ANY(%s)",
                "settlements": "SELECT count(*) FROM settlements WHERE customer_id::text = ANY(%s)",
                "activities": "SELECT count(*) FROM activities WHERE customer_id::text = ANY(%s)",
                "collection_letters": "SELECT count(*) FROM collection_letters "
                "WHERE customer_id::text = ANY(%s)",
            }.items()
        }

    assert seen == {**iberia, "activities": iberia["activities"] + unowned}
    assert hidden == dict.fromkeys(hidden, 0)


def test_another_pool_s_settlement_lines_and_letter_lines_are_not_there(
    team_db: str, logins: Logins
) -> None:
    """Rows that reach their customer through a parent row, asked for by their own keys."""
    agent = logins.add("E-0001")
    strangers = owner_rows(
        team_db,
        "SELECT sl.id FROM settlement_lines sl JOIN settlements s ON s.id = sl.settlement_id "
        "JOIN customers c ON c.id = s.customer_id WHERE c.country IN ('FR', 'GB') "
        "UNION ALL SELECT ll.id FROM collection_letter_lines ll JOIN collection_letters l "
        "ON l.id = ll.letter_id JOIN customers c ON c.id = l.customer_id "
        "WHERE c.country IN ('FR', 'GB')",
    )
    assert len(strangers) > 100
    with logins.connect(agent.name) as connection:
        found = connection.execute(
            "SELECT count(*) FROM (SELECT id FROM settlement_lines UNION ALL "
            "SELECT id FROM collection_letter_lines) x WHERE id = ANY(%s)",
            (strangers,),
        ).fetchone()
    assert found == (0,)


def owner_rows(url: str, sql: str) -> list[uuid.UUID]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        found = list(connection.execute(text(sql)).scalars())
    engine.dispose()
    return found


def test_a_view_all_agent_sees_every_row(team_db: str, logins: Logins) -> None:
    agent = logins.add("E-0003", view_all=True)
    everything = {
        table: owner_count(team_db, f"SELECT count(*) FROM {table}") for table in OF_CUSTOMERS
    }
    with logins.connect(agent.name) as connection:
        assert visible_counts(connection) == everything
    assert everything["customers"] == 40


def test_an_agent_without_pools_sees_only_rows_of_no_customer(team_db: str, logins: Logins) -> None:
    agent = logins.add("E-0004")
    assert agent.agent_created
    assert agent.pools == ()
    unowned = owner_count(team_db, "SELECT count(*) FROM activities WHERE customer_id IS NULL")
    with logins.connect(agent.name) as connection:
        seen = visible_counts(connection)
    assert seen == {**dict.fromkeys(OF_CUSTOMERS, 0), "activities": unowned}


def test_an_agent_cannot_write_for_another_pool_s_customer(team_db: str, logins: Logins) -> None:
    agent = logins.add("E-0001")
    [stranger, *_] = ids_of(team_db, FRANCE_UK)
    [own, *_] = ids_of(team_db, IBERIA)
    with logins.connect(agent.name) as connection:
        for table in ("activities", "customer_transactions"):
            number = f"T-{uuid.uuid4().hex[:8]}"
            extra = {"number": number}
            if table == "customer_transactions":
                extra = {"voucher": number, "document_number": number}
            # the same row for one of the agent's own customers goes in...
            statement, row = copy_row(
                connection, table, "customer_id IS NOT NULL", customer_id=own, **extra
            )
            connection.execute(statement, row)
            connection.rollback()
            # ...and for another pool's customer is refused
            statement, row = copy_row(
                connection, table, "customer_id IS NOT NULL", customer_id=stranger, **extra
            )
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
                connection.execute(statement, row)
            connection.rollback()

        # a settlement line cannot hang on another pool's settlement
        settlement = owner_settlement(team_db, stranger)
        statement, row = copy_row(connection, "settlement_lines", "true", settlement_id=settlement)
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            connection.execute(statement, row)
        connection.rollback()

        # moving an own activity to another pool's customer is refused too
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            connection.execute(
                "UPDATE activities SET customer_id = %s WHERE id = "
                "(SELECT id FROM activities WHERE customer_id IS NOT NULL LIMIT 1)",
                (stranger,),
            )
        connection.rollback()

        # another pool's rows cannot be changed: the agent does not see them
        changed = connection.execute(
            "UPDATE customers SET name = 'taken' WHERE id = %s", (stranger,)
        ).rowcount
        assert changed == 0
        connection.rollback()

        # and nothing is deleted but by the owner
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
            connection.execute("DELETE FROM activities WHERE customer_id = %s", (own,))
        connection.rollback()
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
            connection.execute("UPDATE employees SET name = 'x'")
        connection.rollback()
    assert owner_count(team_db, "SELECT count(*) FROM customers WHERE name = 'taken'") == 0


def owner_settlement(url: str, customer: uuid.UUID) -> uuid.UUID:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        found = connection.execute(
            text("SELECT id FROM settlements WHERE customer_id = :c LIMIT 1"), {"c": customer}
        ).scalar_one_or_none()
    engine.dispose()
    if found is None:
        pytest.fail("the demo's first France & UK customer has no settlement")
    return found


def test_a_supervisor_also_writes_the_set_up(team_db: str, logins: Logins) -> None:
    agent = logins.add("E-0002", supervisor=True)
    assert agent.roles == ("collections_agent", "collections_supervisor")
    with logins.connect(agent.name) as connection:
        changed = connection.execute(
            "UPDATE customer_pools SET description = 'checked' WHERE name = 'France & UK'"
        ).rowcount
        assert changed == 1
        connection.rollback()
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
            connection.execute("DELETE FROM customer_pools")


def test_an_agent_sees_and_records_only_their_own_operations(team_db: str, logins: Logins) -> None:
    first = logins.add("E-0001")
    second = logins.add("E-0002")
    statement = (
        "INSERT INTO sync_operations (op_id, batch_id, device_id, role_name, hlc, table_name, "
        "row_id, kind, outcome, detail, received_at) VALUES (%s, %s, %s, %s, '1', "
        "'activities', %s, 'insert', 'applied', %s, now())"
    )

    def operation(role: str) -> tuple[Any, ...]:
        ids = [uuid.uuid4() for _ in range(4)]
        return (*ids[:3], role, ids[3], json.dumps({}))

    with logins.connect(first.name) as connection:
        connection.execute(statement, operation(first.name))
        connection.commit()
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            connection.execute(statement, operation(second.name))
        connection.rollback()
    with logins.connect(second.name) as connection:
        connection.execute(statement, operation(second.name))
        connection.commit()
        seen = connection.execute("SELECT role_name FROM sync_operations").fetchall()
    assert seen == [(second.name,)]
    assert owner_count(team_db, "SELECT count(*) FROM sync_operations") >= 2


def test_the_policies_ask_who_the_agent_is_once_per_query(team_db: str, logins: Logins) -> None:
    """The functions behind the policies run once per statement (an InitPlan or a hashed
    SubPlan), never once per row, and a customer's rows are still found by index."""
    agent = logins.add("E-0001")
    [own, *_] = ids_of(team_db, IBERIA)
    with logins.connect(agent.name) as connection:
        connection.execute("SET enable_seqscan = off")
        [[plan]] = connection.execute(
            "EXPLAIN (ANALYZE, FORMAT JSON) SELECT * FROM customer_transactions "
            "WHERE customer_id = %s",
            (own,),
        ).fetchall()
    nodes = list(walk(plan[0]["Plan"]))
    function_runs = [n["Actual Loops"] for n in nodes if n["Node Type"] == "ProjectSet"]
    assert function_runs == [1]
    scan = nodes[0]
    assert scan["Node Type"] in ("Index Scan", "Bitmap Heap Scan")
    assert (
        owner_count(
            team_db, "SELECT count(*) FROM customer_transactions WHERE customer_id = :c", c=own
        )
        == scan["Actual Rows"]
    )


def walk(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", ()):
        yield from walk(child)

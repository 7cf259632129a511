"""The team database's roles, privileges and row-level security policies (PostgreSQL).

Two group roles carry every privilege; a user's login role only joins them
(``models/team/users.py``). Agents read everything and write customer data; supervisors
also write the set-up (reference tables) and the pools' members. Nobody but the owner
deletes: posted facts refuse it by trigger, everything else is a tombstone.

Each customer table has one policy: a row is seen and written when its customer is one of
the logged-in user's pools' customers (``pool_customers``, see ``members.py``), when the
user's agent "may view all pools", or when the row belongs to no customer; a row of a
parent row (a settlement's line) when its parent is seen. Two ``SECURITY DEFINER``
functions answer for the user (may they view all, which pools are theirs); the policies
call them in subqueries, so PostgreSQL evaluates them once per statement, not per row. The
database's owner (who runs ``team init``) is not subject to the policies.

The agency desk's collections and expenses are everyone's to read and write, but who
approved or decided on one is set only by a member of the supervisors' role who is one of
the desk's supervisors, and only to their own employee id (``collections_my_employee``):
two restrictive policies per table, beside a permissive one that lets every row through.

Everything here may run again: it creates what is missing and leaves the rest as it is.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import Connection, text

from collections_desktop.models.db.schema import Base
from collections_desktop.models.sync.catalogue import (
    AGENCY_SET_UP_TABLES,
    AGENCY_TABLES,
    LOCAL_CUSTOMER_TABLES,
    OWNERS,
    REFERENCE_TABLES,
    owner,
)

AGENT_ROLE = "collections_agent"
SUPERVISOR_ROLE = "collections_supervisor"
GROUP_ROLES = (AGENT_ROLE, SUPERVISOR_ROLE)

SEES_ALL = "collections_sees_all"
MY_POOLS = "collections_my_pools"
FORMER_FUNCTIONS = ("collections_my_customers",)
"""Functions an earlier version's policies called, dropped once no policy does."""
SCOPE_POLICY = "collections_customer_scope"
OPERATIONS_POLICY = "collections_own_operations"

MY_EMPLOYEE = "collections_my_employee"
AGENCY_ROWS_POLICY = "collections_agency_rows"
AGENCY_INSERT_POLICY = "collections_agency_approver_insert"
AGENCY_UPDATE_POLICY = "collections_agency_approver_update"
AGENCY_APPROVED_TABLES = ("agency_collections", "agency_expenses")
"""The agency desk's tables whose rows a supervisor approves: only a member of the
supervisors' role who is one of the desk's supervisors sets who approved or decided, and
only to their own employee id (their own collection or expense is refused by the
tables' check constraints)."""
AGENCY_POLICIES = ("ALL", "INSERT", "UPDATE")

SECURED_TABLES = (*OWNERS, *LOCAL_CUSTOMER_TABLES)
"""Every table holding customer data: shared, and derived by a replica for itself."""

AGENT_WRITES: dict[str, str] = {
    **dict.fromkeys(SECURED_TABLES, "INSERT, UPDATE"),
    # The agency desk's daily work; its set-up is the supervisors' (REFERENCE_TABLES).
    **{t: "INSERT, UPDATE" for t in AGENCY_TABLES if t not in AGENCY_SET_UP_TABLES},
    "aging_snapshots": "INSERT, UPDATE",  # a snapshot's header (its lines are secured)
    "number_sequences": "INSERT, UPDATE",  # numbers, and the blocks laptops borrow
    "mailings": "INSERT",  # an outbox batch's header (its messages are secured)
    "sync_operations": "INSERT",
    "sync_field_clocks": "INSERT, UPDATE",
    # Derived, worked out again with each snapshot (and gone when an invoice is settled),
    # like a pool's members: the tables an agent deletes from, its own customers' rows.
    "invoice_predictions": "INSERT, UPDATE, DELETE",
    # A snapshot's row of a customer who owes nothing any more, after a payment
    # (models/aging/fresh.py).
    "aging_snapshot_customers": "INSERT, UPDATE, DELETE",
    "aging_snapshot_lines": "INSERT, UPDATE, DELETE",
}
"""What an agent may write besides reading every table (never DELETE, but for the derived
predictions and snapshot rows)."""

SUPERVISOR_WRITES: dict[str, str] = {
    **dict.fromkeys(REFERENCE_TABLES, "INSERT, UPDATE"),
    "pool_customers": "INSERT, UPDATE, DELETE",  # members are worked out again, not kept
}
"""What a supervisor may write besides an agent's privileges."""


@dataclass(frozen=True)
class SecurityReport:
    """What setting up the roles and policies did."""

    roles_created: tuple[str, ...]
    tables_secured: int
    policies: int
    policies_created: int


def quoted(name: str) -> str:
    """``name`` as a PostgreSQL identifier, quoted whatever it holds."""
    return '"' + name.replace('"', '""') + '"'


def secure(connection: Connection) -> SecurityReport:
    """Create the group roles, functions, privileges and policies that are missing."""
    roles = create_group_roles(connection)
    schema = str(connection.execute(text("SELECT current_schema()")).scalar_one())
    _create_functions(connection, schema)
    _grant(connection, schema)
    created = 0
    for table in SECURED_TABLES:
        _enable_row_security(connection, table)
        condition = scope_condition(table)
        created += _ensure_policy(connection, table, SCOPE_POLICY, condition, condition)
    _enable_row_security(connection, "sync_operations")
    mine = "sync_operations.role_name = current_user"
    created += _ensure_policy(connection, "sync_operations", OPERATIONS_POLICY, mine, mine)
    for table in AGENCY_APPROVED_TABLES:
        created += _secure_approvals(connection, table)
    for name in FORMER_FUNCTIONS:  # after the policies that called it were replaced
        connection.execute(text(f"DROP FUNCTION IF EXISTS {name}()"))
    return SecurityReport(
        roles_created=roles,
        tables_secured=len(SECURED_TABLES) + 1 + len(AGENCY_APPROVED_TABLES),
        policies=len(SECURED_TABLES) + 1 + len(AGENCY_APPROVED_TABLES) * len(AGENCY_POLICIES),
        policies_created=created,
    )


def approval_condition(table: str) -> str:
    """The SQL condition a written row of ``table`` meets: who approved it and who decided
    on it are unchanged, or are the logged-in user, a member of the supervisors' role who
    is one of the desk's supervisors; a decision may also be cleared (a rejected row
    corrected and sent again). On an INSERT the "unchanged" value is NULL.

    The former values are read by a subquery on the table itself: it sees the row as it
    was before the statement, and only this table's permissive policy (``true``) applies
    to it, so the policy does not call itself.
    """
    supervisor = (
        f"pg_has_role(session_user, '{SUPERVISOR_ROLE}', 'MEMBER') AND EXISTS (SELECT 1 FROM "
        f"agency_staff s WHERE s.employee_id = (SELECT {MY_EMPLOYEE}()) AND s.is_supervisor "
        "AND s.deleted_at IS NULL)"
    )

    def unchanged(column: str) -> str:
        return (
            f"{table}.{column} IS NOT DISTINCT FROM "
            f"(SELECT o.{column} FROM {table} o WHERE o.id = {table}.id)"
        )

    def mine(column: str) -> str:
        return f"({table}.{column} = (SELECT {MY_EMPLOYEE}()) AND {supervisor})"

    approved = f"({unchanged('approved_by_id')} OR {mine('approved_by_id')})"
    decided = (
        f"({table}.decided_by_id IS NULL OR {unchanged('decided_by_id')} OR "
        f"{mine('decided_by_id')})"
    )
    return f"{approved} AND {decided}"


def _secure_approvals(connection: Connection, table: str) -> int:
    """Row-level security on an approved table: every row seen and written as before
    (a permissive policy), and two restrictive ones on the approver's columns."""
    _enable_row_security(connection, table)
    condition = approval_condition(table)
    return (
        _ensure_policy(connection, table, AGENCY_ROWS_POLICY, "true", "true")
        + _ensure_policy(connection, table, AGENCY_INSERT_POLICY, None, condition, command="INSERT")
        + _ensure_policy(
            connection, table, AGENCY_UPDATE_POLICY, "true", condition, command="UPDATE"
        )
    )


def _enable_row_security(connection: Connection, table: str) -> None:
    """Turn row-level security on unless it is (ALTER TABLE waits for every reader)."""
    enabled = connection.execute(
        text("SELECT relrowsecurity FROM pg_class WHERE oid = CAST(:table AS regclass)"),
        {"table": quoted(table)},
    ).scalar_one()
    if not enabled:
        connection.execute(text(f"ALTER TABLE {quoted(table)} ENABLE ROW LEVEL SECURITY"))


def create_group_roles(connection: Connection) -> tuple[str, ...]:
    """The group roles that did not exist yet, now created."""
    return tuple(role for role in GROUP_ROLES if create_group_role(connection, role))


def create_group_role(connection: Connection, role: str) -> bool:
    """Create the NOLOGIN role ``role`` unless it exists; whether it was missing.

    Roles belong to the whole server, so another database's ``team init`` may make the
    same one at this very moment: this one then waits for it and meets a duplicate,
    which is not an error.
    """
    if _role_exists(connection, role):
        return False
    connection.execute(
        text(
            "DO $$ BEGIN "
            f"CREATE ROLE {quoted(role)} NOLOGIN; "
            "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; "
            "END $$"
        )
    )
    return True


def _role_exists(connection: Connection, role: str) -> bool:
    found = connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role})
    return found.first() is not None


def scope_condition(table: str) -> str:
    """The SQL condition under which the logged-in user sees and writes a row of ``table``.

    A row holding its customer is looked up in ``pool_customers`` for the user's pools; a
    row of a parent (a settlement's line) is the user's when its parent row is visible,
    as the parent's own policy applies inside the subquery. Both are ``EXISTS`` on a key,
    so the planner either hashes the set once (a scan of many rows, when it fits
    ``work_mem``) or probes it by index for each row (one customer's rows), rather than
    reading every customer of the pools in every statement, even for one customer.
    """
    found = owner(table)
    column = Base.metadata.tables[table].c[found.column]
    if found.parent is None:
        mine = (
            f"EXISTS (SELECT 1 FROM pool_customers pc WHERE pc.customer_id = "
            f"{table}.{found.column} AND pc.pool_id = ANY (CAST((SELECT {MY_POOLS}()) AS uuid[])))"
        )
    else:
        mine = f"EXISTS (SELECT 1 FROM {found.parent} p WHERE p.id = {table}.{found.column})"
    parts = [f"(SELECT {SEES_ALL}())", mine]
    if column.nullable:  # a row of no customer (an activity about none): everyone's
        parts.append(f"{table}.{found.column} IS NULL")
    return " OR ".join(parts)


def _create_functions(connection: Connection, schema: str) -> None:
    """Who the logged-in user is, answered as the owner (so the policies' own reading of
    people and pools is not itself filtered); ``session_user`` is the login.

    PL/pgSQL keeps each function's plan for the session: a SQL function would be planned
    again in every statement, which costs more than running it.
    """
    options = (
        f"LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = {quoted(schema)}, pg_temp"
    )
    agent = (
        "FROM collections_agents a JOIN employees e ON e.id = a.employee_id "
        "WHERE e.user_name = session_user AND a.deleted_at IS NULL AND e.deleted_at IS NULL"
    )
    functions = {
        SEES_ALL: (
            "boolean",
            f"BEGIN RETURN EXISTS (SELECT 1 {agent} AND a.may_view_all_pools); END",
        ),
        MY_EMPLOYEE: (
            "uuid",
            "BEGIN RETURN (SELECT e.id FROM employees e WHERE e.user_name = session_user "
            "AND e.deleted_at IS NULL); END",
        ),
        MY_POOLS: (
            "uuid[]",
            "BEGIN RETURN ARRAY(SELECT DISTINCT ap.pool_id FROM agent_pools ap "
            "JOIN customer_pools p ON p.id = ap.pool_id AND p.deleted_at IS NULL "
            "JOIN collections_agents a ON a.id = ap.agent_id AND a.deleted_at IS NULL "
            "JOIN employees e ON e.id = a.employee_id AND e.deleted_at IS NULL "
            "WHERE ap.deleted_at IS NULL AND e.user_name = session_user); END",
        ),
    }
    roles = ", ".join(quoted(role) for role in GROUP_ROLES)
    for name, (returns, body) in functions.items():
        current = connection.execute(
            text(
                "SELECT prosrc FROM pg_proc WHERE proname = :name "
                "AND pronamespace = CAST(:schema AS regnamespace)"
            ),
            {"name": name, "schema": quoted(schema)},
        ).scalar()
        if current != body:
            connection.execute(
                text(
                    f"CREATE OR REPLACE FUNCTION {name}() RETURNS {returns} {options} "
                    f"AS $body${body}$body$"
                )
            )
        connection.execute(text(f"REVOKE ALL ON FUNCTION {name}() FROM PUBLIC"))
        connection.execute(text(f"GRANT EXECUTE ON FUNCTION {name}() TO {roles}"))


def _grant(connection: Connection, schema: str) -> None:
    """Exactly the privileges above: whatever else the group roles held is taken back."""
    roles = ", ".join(quoted(role) for role in GROUP_ROLES)
    database = connection.execute(text("SELECT current_database()")).scalar_one()
    connection.execute(text(f"GRANT CONNECT ON DATABASE {quoted(database)} TO {roles}"))
    connection.execute(text(f"GRANT USAGE ON SCHEMA {quoted(schema)} TO {roles}"))
    connection.execute(text(f"REVOKE ALL ON ALL TABLES IN SCHEMA {quoted(schema)} FROM {roles}"))
    connection.execute(text(f"GRANT SELECT ON ALL TABLES IN SCHEMA {quoted(schema)} TO {roles}"))
    for role, writes in (
        (AGENT_ROLE, AGENT_WRITES),
        (SUPERVISOR_ROLE, AGENT_WRITES),
        (SUPERVISOR_ROLE, SUPERVISOR_WRITES),
    ):
        for table, privileges in writes.items():
            connection.execute(text(f"GRANT {privileges} ON {quoted(table)} TO {quoted(role)}"))


def _ensure_policy(
    connection: Connection,
    table: str,
    name: str,
    using: str | None,
    check: str,
    *,
    command: str = "ALL",
) -> int:
    """Create the policy unless it is there as written (1 when it was (re)created).

    A policy for one command (INSERT, UPDATE) is restrictive: it narrows what the
    table's permissive policies allow. The policy's comment holds a digest of its SQL, so
    a later version that changes a condition replaces the policy, and a re-run that
    changes nothing writes nothing.
    """
    roles = ", ".join(quoted(role) for role in GROUP_ROLES)
    written = f"{roles}|{using}|{check}" + ("" if command == "ALL" else f"|{command}")
    digest = hashlib.sha256(written.encode()).hexdigest()[:16]
    comment = f"collections-desktop {digest}"
    found = connection.execute(
        text(
            "SELECT obj_description(pol.oid, 'pg_policy') FROM pg_policy pol "
            "WHERE pol.polname = :name AND pol.polrelid = CAST(:table AS regclass)"
        ),
        {"name": name, "table": quoted(table)},
    ).first()
    if found is not None and found[0] == comment:
        return 0
    if found is not None:
        connection.execute(text(f"DROP POLICY {quoted(name)} ON {quoted(table)}"))
    kind = "" if command == "ALL" else " AS RESTRICTIVE"
    condition = "" if using is None else f" USING ({using})"
    connection.execute(
        text(
            f"CREATE POLICY {quoted(name)} ON {quoted(table)}{kind} FOR {command} TO {roles}"
            f"{condition} WITH CHECK ({check})"
        )
    )
    connection.execute(text(f"COMMENT ON POLICY {quoted(name)} ON {quoted(table)} IS '{comment}'"))
    return 1

"""Writing the demo's rows: one ``executemany`` per table and chunk, ``COPY`` on PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from collections_desktop.models.db.schema import Base

Rows = dict[str, list[tuple[Any, ...]]]
"""Row tuples by table name, values in their stored form (``stored.Codec``)."""

COLUMNS: dict[str, tuple[str, ...]] = {
    "employees": (
        "id", "number", "name", "email", "phone", "user_name", "is_administrator", "updated_at",
        "version",
    ),
    "customer_pools": ("id", "name", "description", "criteria", "updated_at", "version"),
    "collections_agents": (
        "id", "employee_id", "default_pool_id", "may_view_all_pools", "updated_at", "version",
    ),
    "agent_pools": ("id", "agent_id", "pool_id", "updated_at", "version"),
    "customers": (
        "id", "account", "name", "customer_group", "credit_group", "credit_limit",
        "account_status", "currency", "language", "street", "city", "postal_code", "country",
        "phone", "email", "responsible_employee_id", "primary_contact_id",
        "collections_contact_id", "updated_at", "version",
    ),
    "contacts": (
        "id", "customer_id", "name", "job_title", "email", "phone", "language", "updated_at",
        "version",
    ),
    "customer_transactions": (
        "id", "voucher", "customer_id", "type", "document_number", "posting_date",
        "document_date", "due_date", "currency", "amount", "amount_accounting", "description",
        "created_at", "created_by_id", "collection_status", "promise_date", "promise_amount",
        "closed_on", "updated_at", "version",
    ),
    "settlements": (
        "id", "number", "customer_id", "settlement_date", "note", "created_at", "created_by_id",
    ),
    "settlement_lines": (
        "id", "settlement_id", "transaction_id", "settlement_date", "amount", "amount_accounting",
    ),
    "collection_status_history": (
        "id", "transaction_id", "changed_at", "changed_by_id", "from_status", "to_status",
        "promise_date", "promise_amount", "note",
    ),
    "activities": (
        "id", "number", "type", "category", "purpose", "memo", "responsible_employee_id",
        "customer_id", "start_at", "end_at", "closed", "closed_at", "updated_at", "version",
    ),
    "number_sequences": ("id", "name", "prefix", "width", "next_value", "updated_at", "version"),
    "customer_bank_accounts": ("id", "customer_id", "iban", "source", "updated_at", "version"),
}  # fmt: skip
"""The columns the demo fills per table, in the order of its row tuples; parents first."""

_PRIMARY = COLUMNS["customers"].index("primary_contact_id")
_COLLECTIONS = COLUMNS["customers"].index("collections_contact_id")


class Writer:
    """Stores lists of ready row tuples: ``executemany`` on SQLite, ``COPY`` on PostgreSQL."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        dialect = connection.dialect
        self.copy = dialect.name == "postgresql" and dialect.driver == "psycopg"
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        quote = dialect.identifier_preparer.quote
        self.sql: dict[str, str] = {}
        for name, columns in COLUMNS.items():
            table = quote(Base.metadata.tables[name].name)
            names = ", ".join(quote(column) for column in columns)
            if self.copy:
                self.sql[name] = f"COPY {table} ({names}) FROM STDIN"
            else:
                marks = ", ".join([mark] * len(columns))
                self.sql[name] = f"INSERT INTO {table} ({names}) VALUES ({marks})"
        self.link_sql = (
            f"UPDATE {quote('customers')} SET {quote('primary_contact_id')} = {mark}, "
            f"{quote('collections_contact_id')} = {mark} WHERE {quote('id')} = {mark}"
        )

    def write_all(self, rows: Rows) -> None:
        """Write each table's rows, tables in the order of ``COLUMNS`` (parents first)."""
        links: list[tuple[Any, ...]] = []
        for name in COLUMNS:
            batch = rows.get(name)
            if not batch:
                continue
            if name == "customers" and not self.copy:
                # Customers and contacts refer to each other through a deferred key. Stored
                # before its contacts, a customer would be an open violation, and SQLite then
                # scans every customer for each contact stored (those columns have no index):
                # store the customers without contacts and link them once the contacts exist.
                links = [(row[_PRIMARY], row[_COLLECTIONS], row[0]) for row in batch]
                batch = [(*row[:_PRIMARY], None, None, *row[_COLLECTIONS + 1 :]) for row in batch]
            self.write(name, batch)
            if name == "contacts" and links:
                self.connection.exec_driver_sql(self.link_sql, links)
                links = []

    def write(self, name: str, rows: list[tuple[Any, ...]]) -> None:
        """Write rows of one table (values already in their stored form)."""
        if not self.copy:
            self.connection.exec_driver_sql(self.sql[name], rows)
            return
        driver = self.connection.connection.driver_connection
        assert driver is not None
        with driver.cursor() as cursor, cursor.copy(self.sql[name]) as copy:
            for row in rows:
                copy.write_row(row)

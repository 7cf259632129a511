"""Field clocks for writes made on the server directly (users working online).

A pushed update wins a field only if its hybrid-logical-clock time is later than the
field's clock in ``sync_field_clocks`` (``models/sync/push.py``). An online edit on the
server must therefore stamp the fields it changes too, or an older offline edit pushed
afterwards would overwrite it. A trigger on every customer table does so, with a time
taken from the server's clock, or just after the field's stored time when that is ahead
(a laptop whose clock runs fast): the online user saw the stored value, so their edit is
later. The push sets ``collections.sync_hlc`` for its own writes, and the trigger stands
aside; the push stamps the fields it won itself.
"""

from __future__ import annotations

from sqlalchemy import Connection

from collections_desktop.models.sync import catalogue

SERVER_DEVICE = "0" * 32
"""The device part of times the server stamps (ties go to a laptop's write)."""

_FUNCTION = f"""
CREATE OR REPLACE FUNCTION sync_stamp_field_clocks() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    old_row jsonb;
    new_row jsonb;
    stamp text;
    col text;
    stored text;
    millis bigint;
    counter integer;
BEGIN
    IF coalesce(current_setting('collections.sync_hlc', true), '') <> '' THEN
        RETURN NULL;
    END IF;
    old_row := to_jsonb(OLD);
    new_row := to_jsonb(NEW);
    stamp := lpad(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint::text, 13, '0')
        || '00000' || '{SERVER_DEVICE}';
    FOREACH col IN ARRAY TG_ARGV LOOP
        IF old_row -> col IS DISTINCT FROM new_row -> col THEN
            SELECT hlc INTO stored FROM sync_field_clocks
            WHERE table_name = TG_TABLE_NAME AND row_id = NEW.id AND column_name = col;
            IF stored IS NOT NULL AND stored >= stamp THEN
                millis := substr(stored, 1, 13)::bigint;
                counter := substr(stored, 14, 5)::integer + 1;
                IF counter >= 100000 THEN
                    millis := millis + 1;
                    counter := 0;
                END IF;
                stamp := lpad(millis::text, 13, '0') || lpad(counter::text, 5, '0')
                    || '{SERVER_DEVICE}';
            END IF;
            INSERT INTO sync_field_clocks (table_name, row_id, column_name, hlc)
            VALUES (TG_TABLE_NAME, NEW.id, col, stamp)
            ON CONFLICT (table_name, row_id, column_name) DO UPDATE SET hlc = excluded.hlc;
        END IF;
    END LOOP;
    RETURN NULL;
END $$
"""


def install_field_clock_stamps(connection: Connection) -> None:
    """The stamping trigger on every shared customer table with mergeable columns
    (PostgreSQL; idempotent, and it follows the catalogue when run again)."""
    connection.exec_driver_sql(_FUNCTION)
    for table in catalogue.customer_tables():
        columns = catalogue.mergeable_columns(table)
        name = f"{table.name}_sync_field_clocks"
        if not columns:
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON {table.name}")
            continue
        arguments = ", ".join(f"'{column}'" for column in columns)
        connection.exec_driver_sql(
            f"CREATE OR REPLACE TRIGGER {name} AFTER UPDATE ON {table.name} "
            f"FOR EACH ROW EXECUTE FUNCTION sync_stamp_field_clocks({arguments})"
        )

"""Human numbers that never collide between laptops: blocks lent by the server.

Each counter of ``models/ledger/numbering.SEQUENCES`` numbers, on a replica, from a block
the team database lent it: the server moves its own counter past the block
(``UPDATE number_sequences SET next_value = next_value + size ... RETURNING``), so neither
the server nor another laptop ever hands out a number of it. The replica's
``number_sequences.next_value`` starts at the block's first value and
``sync_number_blocks`` keeps its end; a trigger refuses to go past it ("no numbers left
offline; sync to get more"). Each sync lends a new block to every counter with less than
half of its block left (the rest of the old block is never used).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from collections_desktop.i18n import _
from collections_desktop.models.db.schema import NumberSequence, SyncNumberBlock
from collections_desktop.models.db.types import new_id
from collections_desktop.models.ledger.numbering import SEQUENCES

BLOCK_SIZE = 10_000


def number_triggers() -> list[str]:
    """The replica's refusal to hand out a number beyond its block."""
    message = _("no numbers left offline; sync to get more").replace("'", "''")
    beyond = (
        "NEW.next_value > COALESCE("
        "(SELECT end_value FROM sync_number_blocks b WHERE b.name = NEW.name), 0)"
    )
    return [
        f"CREATE TRIGGER sync_capture_numbers_{event.lower()} BEFORE {event} ON number_sequences "
        f"WHEN NOT EXISTS (SELECT 1 FROM sync_applying) AND {beyond} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
        for event in ("INSERT", "UPDATE")
    ]


def lend_block(server: Session | Connection, name: str, size: int, now: dt.datetime) -> int:
    """Move the server's counter ``name`` past a block of ``size``; its first value.

    In the caller's server transaction: the row lock of the UPDATE makes two laptops asking
    at once get two blocks one after the other.
    """
    statement = (
        update(NumberSequence)
        .where(NumberSequence.name == name)
        .values(next_value=NumberSequence.next_value + size, updated_at=now)
        .returning(NumberSequence.next_value)
    )
    found = server.execute(statement).scalar_one_or_none()
    if found is None:
        prefix, width = SEQUENCES[name]
        server.execute(
            pg_insert(NumberSequence)
            .values(
                id=new_id(),
                name=name,
                prefix=prefix,
                width=width,
                next_value=1,
                updated_at=now,
                version=1,
            )
            .on_conflict_do_nothing(index_elements=["name"])
        )
        found = server.execute(statement).scalar_one()
    return int(found) - size


def blocks_needed(replica: Session) -> list[str]:
    """The counters with less than half of their block left (or no block)."""
    rows = replica.execute(
        select(
            SyncNumberBlock.name,
            SyncNumberBlock.first_value,
            SyncNumberBlock.end_value,
            NumberSequence.next_value,
        ).outerjoin(NumberSequence, NumberSequence.name == SyncNumberBlock.name)
    ).all()
    left = {
        name: (end - (next_value if next_value is not None else first), end - first)
        for name, first, end, next_value in rows
    }
    return [name for name in SEQUENCES if name not in left or left[name][0] * 2 < left[name][1]]


def lend_blocks(
    server: Session | Connection,
    names: list[str],
    now: dt.datetime,
    *,
    size: int = BLOCK_SIZE,
) -> dict[str, tuple[int, int]]:
    """Lend a block to each counter of ``names``: name -> (first value, end).

    The server's transaction must commit before the replica takes the blocks
    (``take_blocks``): a block lent and never taken is numbers lost, never a number
    used twice.
    """
    blocks = {}
    for name in names:
        first = lend_block(server, name, size, now)
        blocks[name] = (first, first + size)
    return blocks


def take_blocks(replica: Session, blocks: dict[str, tuple[int, int]], now: dt.datetime) -> None:
    """Number from these blocks on the replica (inside ``capture.applying``)."""
    for name, (first, end) in blocks.items():
        replica.execute(
            sqlite_insert(SyncNumberBlock)
            .values(name=name, first_value=first, end_value=end)
            .on_conflict_do_update(
                index_elements=["name"], set_={"first_value": first, "end_value": end}
            )
        )
        updated = replica.execute(
            update(NumberSequence)
            .where(NumberSequence.name == name)
            .values(next_value=first, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        if not updated.rowcount:  # type: ignore[attr-defined]
            prefix, width = SEQUENCES[name]
            replica.execute(
                insert(NumberSequence).values(
                    id=new_id(),
                    name=name,
                    prefix=prefix,
                    width=width,
                    next_value=first,
                    updated_at=now,
                    version=1,
                )
            )

"""Two supervisors approving the same collection at the same moment, from two real
processes, on a SQLite file and on PostgreSQL: one approval, and one refusal that says
who approved."""

from __future__ import annotations

import multiprocessing
import time
import uuid
from multiprocessing.synchronize import Barrier

import pytest
from sqlalchemy import func, select

from collections_desktop.kernel.clock import SystemClock
from collections_desktop.models.agency import collections
from collections_desktop.models.agency.errors import AgencyError
from collections_desktop.models.company.opening import open_company
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.editing import StaleEditError
from collections_desktop.models.db.schema import AgencyCollection, AgencyCollectionChange
from collections_desktop.models.db.writing import write_transaction
from tests.agency_desk import Desk, later, make_desk, record


def _approve(
    path: str,
    collection_id: uuid.UUID,
    supervisor: uuid.UUID,
    start: Barrier,
    out: multiprocessing.Queue[str],
) -> None:
    database = open_company(path, clock=SystemClock(), create=False)
    try:
        start.wait(timeout=10)
        with write_transaction(database) as session:
            collections.approve(session, collection_id, 1, supervisor_id=supervisor, now=later(1))
        out.put("approved")
    except (AgencyError, StaleEditError) as error:
        out.put(f"refused: {error}")
    except BaseException as error:
        out.put(f"error: {type(error).__name__}: {error}")
    finally:
        database.dispose()


@pytest.fixture
def desk(any_db: Database) -> Desk:
    return make_desk(any_db)


def test_two_supervisors_approving_at_once_give_one_approval(desk: Desk) -> None:
    made = record(desk)
    path: str = (
        str(desk.database.url.database)
        if desk.database.url.get_backend_name() == "sqlite"
        else desk.database.url.render_as_string(hide_password=False)
    )
    desk.database.engine.dispose()  # nothing of ours crosses the fork
    context = multiprocessing.get_context("fork")
    start = context.Barrier(2)
    out: multiprocessing.Queue[str] = context.Queue()
    started = time.monotonic()
    workers = [
        context.Process(target=_approve, args=(path, made, supervisor, start, out))
        for supervisor in (desk.sara, desk.tomas)
    ]
    for worker in workers:
        worker.start()
    results = sorted(out.get(timeout=20) for _ in workers)
    for worker in workers:
        worker.join(timeout=10)
        assert worker.exitcode == 0
    seconds = time.monotonic() - started
    assert results[0] == "approved", results
    assert results[1].startswith(
        "refused: The collection of 250.00 on Nov 20, 2026 in case file EXP-000001 was "
        "already approved by "
    ), results
    assert results[1].removesuffix(".").endswith(("Sara Vidal", "Tomás Gil"))
    assert seconds < 5
    with desk.database.sessions() as session:
        found = session.get(AgencyCollection, made)
        assert found is not None
        assert (found.state, found.version) == ("approved", 2)
        assert found.approved_by_id in (desk.sara, desk.tomas)
        approvals = session.scalar(
            select(func.count()).where(
                AgencyCollectionChange.collection_id == made,
                AgencyCollectionChange.change == "approved",
            )
        )
    assert approvals == 1

"""``refresh_pool_members``: each pool's customers as of a day, as the app's scope reads
them, on SQLite and PostgreSQL alike; a refresh that finds nothing new writes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import PoolCustomer
from collections_desktop.models.people.pools import PoolCriteria
from collections_desktop.models.team.members import refresh_pool_members
from tests.unit.test_scope import add_pool
from tests.unit.test_snapshot import NOW, TODAY, add_customer, invoice


def members(session) -> set[tuple[str, str]]:
    rows = session.execute(select(PoolCustomer.pool_id, PoolCustomer.customer_id))
    return {(str(pool), str(customer)) for pool, customer in rows}


def test_pools_hold_the_customers_their_criteria_select(any_db: Database) -> None:
    with any_db.sessions() as session:
        iberia = add_pool(session, ("ES", "PT"))
        france = add_pool(session, ("FR",))
        spain, portugal, paris = (add_customer(session, c) for c in ("ES", "PT", "FR"))
        add_customer(session, "DE")  # in no pool

        assert refresh_pool_members(session, TODAY) == 3
        expected = {
            (str(iberia.id), str(spain.id)),
            (str(iberia.id), str(portugal.id)),
            (str(france.id), str(paris.id)),
        }
        assert members(session) == expected

        assert refresh_pool_members(session, TODAY) == 3  # again: the same rows
        assert members(session) == expected

        portugal.country = "FR"
        france.deleted_at = NOW
        session.flush()
        assert refresh_pool_members(session, TODAY) == 1
        assert members(session) == {(str(iberia.id), str(spain.id))}


def test_a_pool_of_overdue_customers_changes_with_the_day(any_db: Database) -> None:
    with any_db.sessions() as session:
        overdue = add_pool(session, ("ES",))
        overdue.criteria = PoolCriteria(min_past_due=Decimal("100.00")).to_json()
        late = add_customer(session)
        invoice(session, late, "500.00", TODAY + dt.timedelta(days=5))
        session.flush()

        assert refresh_pool_members(session, TODAY) == 0  # not yet due
        assert refresh_pool_members(session, TODAY + dt.timedelta(days=6)) == 1
        assert members(session) == {(str(overdue.id), str(late.id))}

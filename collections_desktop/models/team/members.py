"""Which customers each pool holds, written down for the server's row-level security.

A pool's criteria can depend on the day (an amount past due, days overdue), so its members
are worked out as of a day and kept in ``pool_customers``: the policies read that table
instead of evaluating every pool's criteria for every row. The same ``customer_condition``
the app's own scope filter uses decides, so the server and the app agree as of that day.
``team init`` and ``team refresh`` (a daily job) call it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, insert, literal, select
from sqlalchemy.orm import Session

from collections_desktop.models.db.schema import Customer, CustomerPool, PoolCustomer
from collections_desktop.models.people.pools import PoolCriteria, customer_condition


def refresh_pool_members(session: Session, as_of: dt.date) -> int:
    """Make ``pool_customers`` hold each live pool's customers on ``as_of``; their count.

    Rows that still hold are left alone, so a refresh that finds nothing new writes nothing.
    Run it as the database's owner: under row-level security a pool's customers are only
    the ones the caller sees.
    """
    pools = session.execute(
        select(CustomerPool.id, CustomerPool.criteria).where(CustomerPool.deleted_at.is_(None))
    ).all()
    live = [pool_id for pool_id, _ in pools]
    session.execute(delete(PoolCustomer).where(PoolCustomer.pool_id.not_in(live)))
    for pool_id, criteria in pools:
        condition = customer_condition(PoolCriteria.from_json(criteria), as_of)
        session.execute(
            delete(PoolCustomer).where(
                PoolCustomer.pool_id == pool_id,
                PoolCustomer.customer_id.not_in(select(Customer.id).where(condition)),
            )
        )
        already = (
            select(PoolCustomer.customer_id)
            .where(PoolCustomer.pool_id == pool_id, PoolCustomer.customer_id == Customer.id)
            .exists()
        )
        new_members = select(literal(pool_id, PoolCustomer.pool_id.type), Customer.id).where(
            condition, ~already
        )
        session.execute(insert(PoolCustomer).from_select(["pool_id", "customer_id"], new_members))
    return session.scalar(select(func.count()).select_from(PoolCustomer)) or 0

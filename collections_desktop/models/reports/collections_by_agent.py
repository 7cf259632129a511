"""Collections by agent: what each collections agent recorded, promised and collected in a
period, on the customers of the reader's scope.

Per agent (every current collections agent, one row each, zeros included):

- **Records**: the records the agent is responsible for (closed actions with a result)
  whose moment is on one of the period's local days, in all and by result.
- **Promises made**: the changes of a transaction's status to *promised* the agent made
  in the period (collection-status history), how many and their amount. A promise is in
  the transaction's currency; it is counted in the accounting currency at the
  transaction's own rate (its accounting amount over its amount), rounded to the cent.
- **Kept, partly kept, broken**: the agent's promises judged in the period
  (``promise_results.evaluated_on``), whenever they were made.
- **Received**: the payments posted in the period on the agent's customers, in the
  accounting currency, less none: a payment returned unpaid (NSF, a reversal posted by
  the period's end) is not counted.
- **Settled**: what of the payments of the agent's customers was applied to their debts
  by settlements dated in the period (net of reversed settlements), whenever the payment
  arrived; the accounting amounts of the payments' settlement lines.

The agent's customers are those of the pools the agent works (``agent_pools``), or every
customer for an agent who may view all pools; a customer in pools of two agents counts for
both. Always within the reader's scope (and the chosen pool).

One statement: a UNION ALL of the records and the judgements (counted per agent), the
promises (one row each, converted here exactly with ``Decimal``), and per agent the
received and settled sums over two materialised per-customer sums of the period.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Row,
    String,
    func,
    literal,
    null,
    or_,
    select,
    true,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from collections_desktop.models.db.schema import (
    Activity,
    ActivityType,
    AgentPool,
    CollectionsAgent,
    CollectionStatus,
    CollectionStatusChange,
    Customer,
    CustomerPool,
    CustomerTransaction,
    Employee,
    PromiseOutcome,
    PromiseResult,
    SettlementLine,
    TransactionType,
)
from collections_desktop.models.db.types import Money, UuidKey
from collections_desktop.models.people.pools import PoolCriteria, customer_condition
from collections_desktop.models.people.scope import AgentScope
from collections_desktop.models.reports.period import Period

CENT = Decimal("0.01")


@dataclass(frozen=True)
class AgentRow:
    """One agent's figures in the period (amounts in the accounting currency)."""

    employee_id: uuid.UUID
    agent: str
    records: int = 0
    by_result: Mapping[str, int] = field(default_factory=dict)
    """Records by result code."""
    promises: int = 0
    promised: Decimal = Decimal("0.00")
    kept: int = 0
    partly_kept: int = 0
    broken: int = 0
    received: Decimal = Decimal("0.00")
    settled: Decimal = Decimal("0.00")

    @property
    def kept_share(self) -> Decimal | None:
        """Kept among the promises judged, as a fraction (None: none judged)."""
        judged = self.kept + self.partly_kept + self.broken
        return (Decimal(self.kept) / judged).quantize(Decimal("0.001")) if judged else None


@dataclass(frozen=True)
class _Agent:
    employee_id: uuid.UUID
    name: str
    condition: ColumnElement[bool]


def collections_by_agent(
    session: Session,
    scope: AgentScope,
    period: Period,
    *,
    as_of: dt.date,
    pool_id: uuid.UUID | None = None,
) -> list[AgentRow]:
    """Each current collections agent's figures in ``period``, by name; see the module."""
    agents = _agents(session, as_of)
    if not agents:
        return []
    start, end = period.moments
    in_scope = select(Customer.id).where(
        Customer.deleted_at.is_(None), scope.customer_condition(as_of, pool_id)
    )
    t = CustomerTransaction
    nothing = type_coerce(null(), Money())

    def columns(
        agent: Any,
        kind: str,
        key: Any,
        count: Any,
        amount: Any = None,
        tx_amount: Any = None,
        tx_accounting: Any = None,
    ) -> list[Any]:
        """The union's columns: agent, kind, key, n, amount, tx_amount, tx_accounting."""
        who = literal(agent, UuidKey()) if isinstance(agent, uuid.UUID) else agent

        def money(value: Any, name: str) -> Any:
            return (nothing if value is None else type_coerce(value, Money())).label(name)

        return [
            type_coerce(who, UuidKey()).label("agent"),
            literal(kind, String()).label("kind"),
            type_coerce(key if key is not None else null(), String()).label("key"),
            type_coerce(count, Integer()).label("n"),
            money(amount, "amount"),
            money(tx_amount, "tx_amount"),
            money(tx_accounting, "tx_accounting"),
        ]

    a = Activity
    records = (
        select(*columns(a.responsible_employee_id, "record", a.result, func.count()))
        .where(
            a.deleted_at.is_(None),
            a.closed.is_(True),
            a.type == ActivityType.ACTION,
            a.result.is_not(None),
            a.end_at >= start,
            a.end_at < end,
            a.customer_id.in_(in_scope),
        )
        .group_by(a.responsible_employee_id, a.result)
    )
    change = CollectionStatusChange
    promises = (
        select(
            *columns(
                change.changed_by_id,
                "promise",
                None,
                literal(1),
                change.promise_amount,
                t.amount,
                t.amount_accounting,
            )
        )
        .join(t, t.id == change.transaction_id)
        .where(
            change.to_status == CollectionStatus.PROMISED,
            change.changed_by_id.is_not(None),
            change.changed_at >= start,
            change.changed_at < end,
            # An expression of the column: the period's changes are found by their moment,
            # not every transaction of the scope's customers by the customer index.
            func.coalesce(t.customer_id, t.customer_id).in_(in_scope),
        )
    )
    judged = (
        select(*columns(change.changed_by_id, "judged", PromiseResult.outcome, func.count()))
        .join(change, change.id == PromiseResult.promise_change_id)
        .join(t, t.id == PromiseResult.transaction_id)
        .where(
            PromiseResult.evaluated_on >= period.start,
            PromiseResult.evaluated_on <= period.end,
            func.coalesce(t.customer_id, t.customer_id).in_(in_scope),
        )
        .group_by(change.changed_by_id, PromiseResult.outcome)
    )
    reversal = aliased(CustomerTransaction)
    received_by_customer = (
        select(t.customer_id, type_coerce(func.sum(-t.amount_accounting), Money()).label("sum"))
        .where(
            t.type == TransactionType.PAYMENT,
            t.posting_date >= period.start,
            t.posting_date <= period.end,
            t.id.not_in(  # returned unpaid: evaluated once, not per payment
                select(reversal.reverses_transaction_id).where(
                    reversal.reverses_transaction_id.is_not(None),
                    reversal.type == TransactionType.REVERSAL,
                    reversal.posting_date >= period.start,  # a return follows its payment
                    reversal.posting_date <= period.end,
                )
            ),
        )
        .group_by(t.customer_id)
        .cte("received")
        .prefix_with("MATERIALIZED")
    )
    line = SettlementLine
    settled_by_customer = (
        select(t.customer_id, type_coerce(func.sum(-line.amount_accounting), Money()).label("sum"))
        .join(t, t.id == line.transaction_id)
        .where(
            t.type == TransactionType.PAYMENT,
            line.settlement_date >= period.start,
            line.settlement_date <= period.end,
        )
        .group_by(t.customer_id)
        .cte("settled")
        .prefix_with("MATERIALIZED")
    )
    sums = []
    for agent in agents:
        for kind, per_customer in (
            ("received", received_by_customer),
            ("settled", settled_by_customer),
        ):
            sums.append(
                select(
                    *columns(
                        agent.employee_id,
                        kind,
                        None,
                        func.count(),
                        func.coalesce(func.sum(per_customer.c.sum), 0),
                    )
                )
                .join(Customer, Customer.id == per_customer.c.customer_id)
                .where(
                    Customer.deleted_at.is_(None),
                    scope.customer_condition(as_of, pool_id),
                    agent.condition,
                )
            )  # fmt: skip
    rows: Sequence[Row[Any]] = session.execute(
        union_all(*_parts(records, promises, judged, *sums))
    ).all()
    return _gathered(agents, rows)


def _parts(*selects: Any) -> tuple[Any, ...]:
    """The statement's parts (a seam for timing them one by one)."""
    return selects


@dataclass
class _Sums:
    """One agent's figures while the statement's rows are gathered."""

    records: int = 0
    by_result: dict[str, int] = field(default_factory=dict)
    promises: int = 0
    promised: Decimal = Decimal("0.00")
    outcomes: dict[str, int] = field(default_factory=dict)
    received: Decimal = Decimal("0.00")
    settled: Decimal = Decimal("0.00")


def _gathered(agents: list[_Agent], rows: Sequence[Row[Any]]) -> list[AgentRow]:
    """The statement's rows summed per agent (promises converted exactly here)."""
    sums = {agent.employee_id: _Sums() for agent in agents}
    for row in rows:
        found = sums.get(row.agent)
        if found is None:  # a responsible who is no longer an agent
            continue
        count = int(row.n or 0)
        if row.kind == "record":
            found.records += count
            found.by_result[row.key] = found.by_result.get(row.key, 0) + count
        elif row.kind == "promise":
            found.promises += 1
            found.promised += _accounting(row)
        elif row.kind == "judged":
            found.outcomes[row.key] = found.outcomes.get(row.key, 0) + count
        elif row.kind == "received":
            found.received += row.amount or 0
        else:
            found.settled += row.amount or 0
    return [
        AgentRow(
            employee_id=agent.employee_id,
            agent=agent.name,
            records=found.records,
            by_result=found.by_result,
            promises=found.promises,
            promised=_cents(found.promised),
            kept=found.outcomes.get(PromiseOutcome.KEPT, 0),
            partly_kept=found.outcomes.get(PromiseOutcome.PARTIAL, 0),
            broken=found.outcomes.get(PromiseOutcome.BROKEN, 0),
            received=_cents(found.received),
            settled=_cents(found.settled),
        )
        for agent in agents
        for found in (sums[agent.employee_id],)
    ]


def _accounting(row: Row[Any]) -> Decimal:
    """A promise's amount in the accounting currency at its transaction's own rate."""
    amount, whole, accounting = row.amount, row.tx_amount, row.tx_accounting
    if amount is None:
        return Decimal("0.00")
    if not whole or whole == accounting:
        return Decimal(amount)
    return (Decimal(amount) * Decimal(accounting) / Decimal(whole)).quantize(CENT, ROUND_HALF_UP)


def _cents(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, ROUND_HALF_UP)


def _agents(session: Session, as_of: dt.date) -> list[_Agent]:
    """The current collections agents by name, each with the condition on ``Customer``
    of the customers their pools hold (every customer for one who may view all)."""
    rows = session.execute(
        select(
            Employee.id,
            Employee.name,
            CollectionsAgent.id.label("agent_id"),
            CollectionsAgent.may_view_all_pools,
        )
        .join(CollectionsAgent, CollectionsAgent.employee_id == Employee.id)
        .where(Employee.deleted_at.is_(None), CollectionsAgent.deleted_at.is_(None))
        .order_by(Employee.name, Employee.number)
    ).all()  # fmt: skip
    pools: dict[uuid.UUID, list[PoolCriteria]] = defaultdict(list)
    for agent_id, criteria in session.execute(
        select(AgentPool.agent_id, CustomerPool.criteria)
        .join(CustomerPool, CustomerPool.id == AgentPool.pool_id)
        .where(AgentPool.deleted_at.is_(None), CustomerPool.deleted_at.is_(None))
    ):
        pools[agent_id].append(PoolCriteria.from_json(criteria))
    agents = []
    for row in rows:
        if row.may_view_all_pools:
            condition: ColumnElement[bool] = true()
        elif pools[row.agent_id]:
            condition = or_(*(customer_condition(c, as_of) for c in pools[row.agent_id]))
        else:
            condition = Customer.id.is_(None)  # no pool: no customer
        agents.append(_Agent(row.id, row.name, condition))
    return agents

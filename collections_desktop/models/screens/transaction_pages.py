"""One page of a customer's open transactions, sorted in SQL as the Workspace's grids sort.

A customer with thousands of open items is shown in windows that read one page at a
time, so the order is SQL's; it must be the order the grid's item model gives a full
list (``views/itemmodels/rows.py``), or a window and a whole list would disagree. That
model takes the rows in ``open_items`` order (due date, voucher) and sorts them on the
column's value: blanks (None or "") last in that order in both directions; ascending
stable on the value, descending the others reversed (ties in reverse due date, voucher
order); text casefolded. Each ``SortKey`` is the value of its column
(``views/widgets/transaction_grid.py``) in SQL:

- text: lower-cased, compared by code point (``db.functions.sort_text``);
- a translated name (type, status): each code's rank among the names in the current
  language, computed here, so no collation of any database has a say;
- days overdue: the due date the other way round (blank unless a debit past due);
- expected payment and late risk: the stored prediction, outer-joined;
- the promise's date and amount: only a promise's (kept or broken), as the rows hold them.

The rows are ``customer_card.transaction_rows``'s, with the predictions and promises of
the page's rows only.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, FromClause, SQLColumnExpression, and_, case
from sqlalchemy.orm import Session

from collections_desktop.models.actions.status import COLLECTION_STATUS_NAMES, status_name
from collections_desktop.models.db.functions import sort_text
from collections_desktop.models.db.schema import (
    CollectionStatus,
    CustomerTransaction,
    InvoicePrediction,
)
from collections_desktop.models.ledger.balances import OPEN_AMOUNT, OpenItem, open_items
from collections_desktop.models.people.scope import AgentScope
from collections_desktop.models.predict.reads import customer_predictions
from collections_desktop.models.screens.customer_card import (
    PROMISE_STATES,
    TRANSACTION_TYPE_NAMES,
    TransactionRow,
    check_customer,
    transaction_rows,
    type_name,
)

PAGE_ROWS = 200
"""The rows a window reads at a time: a few screens."""


class Tab(enum.StrEnum):
    """The Workspace's grids of open transactions."""

    OPEN = "open"
    DISPUTED = "disputed"
    PROMISED = "promised"
    UNSETTLED = "unsettled"


TAB_KINDS: dict[str, ColumnElement[bool]] = {
    Tab.DISPUTED: CustomerTransaction.collection_status == CollectionStatus.DISPUTED,
    Tab.PROMISED: CustomerTransaction.collection_status == CollectionStatus.PROMISED,
    Tab.UNSETTLED: CustomerTransaction.amount < 0,
}
"""What the tabs other than Open transactions list (``customer_card``'s
``disputed_transactions``, ``promised_transactions``, ``unsettled_payments``)."""


class SortKey(enum.StrEnum):
    """The grids' columns (``views/widgets/transaction_grid.py``), what a page sorts on."""

    DOCUMENT = "document"
    VOUCHER = "voucher"
    TYPE = "type"
    POSTED = "posted"
    DUE = "due"
    DAYS_OVERDUE = "days_overdue"
    AMOUNT = "amount"
    OPEN = "open"
    CURRENCY = "currency"
    EXPECTED = "expected"
    LATE_RISK = "late_risk"
    STATUS = "status"
    PROMISE_DATE = "promise_date"
    PROMISE_AMOUNT = "promise_amount"


@dataclass(frozen=True)
class PageWanted:
    """Which grid, sorted on what, in which direction."""

    tab: Tab
    sort: SortKey
    descending: bool = False


def transaction_page(
    session: Session,
    scope: AgentScope,
    customer_id: uuid.UUID,
    as_of: dt.date,
    wanted: PageWanted,
    *,
    offset: int = 0,
    limit: int | None = PAGE_ROWS,
    through: uuid.UUID | None = None,
) -> tuple[TransactionRow, ...]:
    """The rows of the tab ``offset`` on, ``limit`` of them, in the grid's order.

    ``through``: a row to show (a click in the timeline): pages are read from ``offset``
    until one holds it, and every row up to the end of that page is returned (a whole
    number of pages); a row not among them (settled meanwhile) gives every row from
    ``offset``. Those pages are read in runs of 1, 2, 4 … pages, so a row far down takes
    a few reads, not one per page. ``ScopeError`` for a customer outside the scope.
    """
    check_customer(session, scope, customer_id, as_of)
    key = _sort_key(wanted.sort, as_of)
    where = () if wanted.tab is Tab.OPEN else (TAB_KINDS[wanted.tab],)

    def read(start: int, count: int | None) -> list[OpenItem]:
        return open_items(
            session,
            customer_id,
            as_of,
            where=where,
            order_by=_order_by(key, wanted.descending),
            outer_join=key.join,
            offset=start,
            limit=count,
        )

    if through is None or limit is None:
        items = read(offset, limit)
    else:
        items, run = [], limit
        while True:
            start, part = len(items), read(offset + len(items), run)
            items += part
            ids = (item.transaction_id for item in part)
            found = next((start + i for i, id_ in enumerate(ids) if id_ == through), -1)
            if found >= 0:
                del items[(found // limit + 1) * limit :]
                break
            if len(part) < run:
                break
            run *= 2
    predictions = customer_predictions(session, customer_id, [i.transaction_id for i in items])
    return transaction_rows(session, items, as_of, predictions)


@dataclass(frozen=True)
class _Key:
    """A column's value in SQL, and how the grid sorts it."""

    value: SQLColumnExpression[Any]
    blank: bool = False
    """Whether the value may be blank (NULL), which sorts last in both directions."""
    reverse: bool = False
    """An ascending column is this value descending (days overdue: the due date)."""
    join: tuple[FromClause, ColumnElement[bool]] | None = None
    """A table the value is read from, outer-joined (a transaction may have no row)."""


def _order_by(key: _Key, descending: bool) -> list[SQLColumnExpression[Any]]:
    """``ORDER BY value IS NULL, value, due_date, voucher``, as the grid sorts.

    Descending, the grid reverses the rows with a value (ties in reverse due date,
    voucher order) and keeps the blanks in due date, voucher order after them: the
    ``CASE`` terms order the blanks, and are NULL (tied) for the rest.
    """
    t = CustomerTransaction
    value = key.value
    terms: list[SQLColumnExpression[Any]] = [value.is_(None)] if key.blank else []
    terms.append(value.desc() if descending != key.reverse else value.asc())
    if not descending:
        return [*terms, t.due_date, t.voucher]
    if key.blank:
        terms += [case((value.is_(None), t.due_date)), case((value.is_(None), t.voucher))]
    return [*terms, t.due_date.desc(), t.voucher.desc()]


def _ranked(
    column: SQLColumnExpression[str], names: Mapping[str, str], shown: Callable[[str], str]
) -> ColumnElement[Any]:
    """The rank of each code's name as shown (``shown(code)``, casefolded) among those of
    ``names``'s codes, in the current language; NULL for a blank name. A code the app
    does not know (none is written) sorts after the others."""
    folded = {code: shown(code).casefold() for code in names}
    order = sorted({name for name in folded.values() if name})
    ranks = {code: order.index(name) if name else None for code, name in folded.items()}
    return case(ranks, value=column, else_=len(order))


def _sort_key(sort: SortKey, as_of: dt.date) -> _Key:
    """The value the grid sorts ``sort``'s column on, in SQL."""
    t, p = CustomerTransaction, InvoicePrediction
    predicted = (
        p.__table__,
        and_(p.transaction_id == t.id, p.customer_id == t.customer_id),
    )
    promise = t.collection_status.in_(sorted(PROMISE_STATES))
    match sort:
        case SortKey.DOCUMENT:
            return _Key(sort_text(t.document_number), blank=True)
        case SortKey.VOUCHER:
            return _Key(sort_text(t.voucher), blank=True)
        case SortKey.TYPE:
            return _Key(_ranked(t.type, TRANSACTION_TYPE_NAMES, type_name), blank=True)
        case SortKey.POSTED:
            return _Key(t.posting_date)
        case SortKey.DUE:
            return _Key(t.due_date)
        case SortKey.DAYS_OVERDUE:  # as_of - due_date for a debit past due, else blank
            overdue = and_(t.amount > 0, t.due_date < as_of)
            return _Key(case((overdue, t.due_date)), blank=True, reverse=True)
        case SortKey.AMOUNT:
            return _Key(t.amount)
        case SortKey.OPEN:
            return _Key(OPEN_AMOUNT)
        case SortKey.CURRENCY:
            return _Key(sort_text(t.currency), blank=True)
        case SortKey.EXPECTED:
            return _Key(p.predicted_date, blank=True, join=predicted)
        case SortKey.LATE_RISK:
            return _Key(p.late_chance, blank=True, join=predicted)
        case SortKey.STATUS:
            status = _ranked(t.collection_status, COLLECTION_STATUS_NAMES, status_name)
            return _Key(status, blank=True)
        case SortKey.PROMISE_DATE:
            return _Key(case((promise, t.promise_date)), blank=True)
        case SortKey.PROMISE_AMOUNT:
            return _Key(case((promise, t.promise_amount)), blank=True)

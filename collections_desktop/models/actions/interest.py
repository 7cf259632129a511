"""Interest on overdue invoices: the calculation, the posted interest notes, and their rows.

How interest is computed (``InterestCode`` and its ``InterestCodeLine`` ranges):

- An open invoice is charged when, on the as-of date, it is overdue by more than the
  code's ``grace_days``; the interest then runs from the due date itself (the grace
  days are a tolerance, not a free period). Only invoices bear interest, never interest
  notes or fees.
- The period of a new note starts at the later of the due date and the ``to_date`` of
  the invoice's last interest-note line (waived or reversed lines count too: their
  period was dealt with), and ends on the as-of date. Day 1 overdue is the day after
  the due date, so the period covers overdue days ``from - due + 1`` … ``to - due``.
- The base is what is open of the invoice on the as-of date (payments made during the
  period are not prorated).
- Method ``range``: each line's rate is a percentage per 30 days, applied to the overdue
  days of the period that fall inside the line's range (``from_days`` … ``to_days``,
  inclusive; open-ended when ``to_days`` is None):
  ``Σ base × rate / 100 × days_in_range / 30``.
- Method ``interval``: each line's range is cut into intervals of ``interval_days``
  starting at its ``from_days`` (the last one may be cut short by the range's end); the
  line's rate is charged once for each interval that *starts* inside the period, so a
  started interval is charged in full and never twice.
- Each line's interest is computed exactly (``Decimal``) and rounded once, half-even, to
  the currency's decimals; a line that rounds to zero is left out.
- A note is made per customer and currency. The code's ``fee`` is in the accounting
  currency, so it is charged only on the note in the customer's own currency, and only
  when that currency is the accounting currency (no conversion of fees is attempted).

``create_interest_notes`` posts, per note: one ``interest_note`` transaction per line
(document number = the note number, from the ``interest_note`` counter), the fee as a
``fee`` transaction with the same document number, an ``InterestNote`` with its
``InterestNoteLine`` rows, and an ``interest`` journal that debits the customer and
credits the code's interest and fee accounts. A second run on the same date finds every
period covered and creates nothing.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, or_, select, type_coerce
from sqlalchemy.orm import Session

from collections_desktop.i18n import _
from collections_desktop.kernel.money import ZERO, round_money
from collections_desktop.models.db.schema import (
    Currency,
    Customer,
    CustomerTransaction,
    InterestCode,
    InterestCodeLine,
    InterestNoteLine,
    ReceivablesParameters,
    SettlementLine,
    TransactionType,
)
from collections_desktop.models.db.types import Money
from collections_desktop.models.people.scope import AgentScope

RANGE = "range"


INTERVAL = "interval"


RANGE_DAYS = 30


"""A range rate is a percentage per this many days."""


class InterestError(ValueError):
    """Interest cannot be calculated or posted; the message says why, nothing was written."""


@dataclass(frozen=True)
class RateLine:
    """One range of a code: overdue days ``from_days`` … ``to_days`` (None: no end), rate %."""

    from_days: int
    to_days: int | None
    rate: Decimal


@dataclass(frozen=True)
class InterestRule:
    """An interest code as the calculation reads it."""

    code: str
    method: str
    interval_days: int
    grace_days: int
    fee: Decimal
    interest_account: str
    fee_account: str
    lines: tuple[RateLine, ...]

    def interest(
        self, base: Decimal, first_day: int, last_day: int
    ) -> tuple[Decimal, tuple[Decimal, ...]]:
        """The exact interest on ``base`` for overdue days ``first_day`` … ``last_day``.

        Returns the unrounded amount and the rates that contributed, in range order.
        """
        first_day = max(first_day, 1)
        if last_day < first_day:
            return ZERO, ()
        numerator = ZERO
        rates: list[Decimal] = []
        for line in self.lines:
            if self.method == INTERVAL:
                count = _started_intervals(line, self.interval_days, first_day, last_day)
                weight = Decimal(count * RANGE_DAYS)  # one whole rate per interval
            else:
                low = max(first_day, line.from_days)
                high = last_day if line.to_days is None else min(last_day, line.to_days)
                count = max(0, high - low + 1)
                weight = Decimal(count)
            if count:
                numerator += base * line.rate * weight
                rates.append(line.rate)
        # One division at the end: base × rate / 100 × days / 30 without rounding in between.
        return numerator / (100 * RANGE_DAYS), tuple(rates)


def _started_intervals(line: RateLine, interval: int, first_day: int, last_day: int) -> int:
    """How many intervals of ``line`` start on an overdue day in ``first_day`` … ``last_day``."""
    start = max(line.from_days, 1)
    end = last_day if line.to_days is None else min(last_day, line.to_days)
    if end < max(first_day, start):
        return 0
    # Interval k starts on start + k × interval; the first k whose start is >= first_day:
    k_first = max(0, -(-(first_day - start) // interval))
    k_last = (end - start) // interval
    return max(0, k_last - k_first + 1)


def load_rules(session: Session) -> dict[str, InterestRule]:
    """Every interest code in use (not deleted), by code, with its lines in order."""
    codes = session.scalars(select(InterestCode).where(InterestCode.deleted_at.is_(None))).all()
    lines: dict[uuid.UUID, list[RateLine]] = defaultdict(list)
    for row in session.execute(
        select(
            InterestCodeLine.interest_code_id,
            InterestCodeLine.from_days,
            InterestCodeLine.to_days,
            InterestCodeLine.rate,
        )
        .where(InterestCodeLine.deleted_at.is_(None))
        .order_by(InterestCodeLine.interest_code_id, InterestCodeLine.position)
    ):
        lines[row.interest_code_id].append(RateLine(row.from_days, row.to_days, row.rate))
    rules = {}
    for code in codes:
        check_method(code.code, code.method, code.interval_days)
        rules[code.code] = InterestRule(
            code=code.code,
            method=code.method,
            interval_days=code.interval_days,
            grace_days=code.grace_days,
            fee=code.fee,
            interest_account=code.interest_account,
            fee_account=code.fee_account,
            lines=tuple(lines[code.id]),
        )
    return rules


def check_method(code: str, method: str, interval_days: int) -> None:
    """Refuse a method the calculation does not know, or an interval of no days."""
    if method not in (RANGE, INTERVAL):
        raise InterestError(
            _("Interest code {code} has an unknown method “{method}”.").format(
                code=code, method=method
            )
        )
    if method == INTERVAL and interval_days <= 0:
        raise InterestError(
            _("Interest code {code} needs an interval of at least one day.").format(code=code)
        )


MAX_RATE = Decimal(100)
"""A rate above this (percent per 30 days or per interval) is taken for a typing error."""


def validate_rate_lines(lines: Sequence[RateLine]) -> None:
    """Refuse ranges the calculation would misread: none at all, a range starting before
    day 1 or ending before it starts, ranges out of order or overlapping (a day charged
    twice), an open end before the last range, a rate that is not above zero.

    A gap between ranges is allowed: its days bear no interest.
    """
    if not lines:
        raise InterestError(_("An interest code needs at least one range."))
    previous_end = 0
    for number, line in enumerate(lines, start=1):
        if line.from_days < 1:
            raise InterestError(
                _("Range {number} starts at day {start}; the first overdue day is day 1.").format(
                    number=number, start=line.from_days
                )
            )
        if line.from_days <= previous_end:
            raise InterestError(
                _(
                    "Range {number} starts at day {start}, inside the range before it "
                    "(up to day {end}); ranges may not overlap."
                ).format(number=number, start=line.from_days, end=previous_end)
            )
        if line.to_days is None:
            if number != len(lines):
                raise InterestError(
                    _("Only the last range may be open-ended; range {number} is not last.").format(
                        number=number
                    )
                )
        elif line.to_days < line.from_days:
            raise InterestError(
                _("Range {number} ends (day {end}) before it starts (day {start}).").format(
                    number=number, end=line.to_days, start=line.from_days
                )
            )
        if not ZERO < line.rate <= MAX_RATE:
            raise InterestError(
                _("The rate of range {number} must be above 0 and at most {most} %.").format(
                    number=number, most=MAX_RATE
                )
            )
        previous_end = line.to_days if line.to_days is not None else previous_end


@dataclass(frozen=True)
class ProposedLine:
    """The interest one overdue invoice would bear for a period."""

    invoice_id: uuid.UUID
    invoice_document: str
    due_date: dt.date
    from_date: dt.date
    to_date: dt.date
    days: int
    rates: tuple[Decimal, ...]  # the percentages that applied, in range order
    base_amount: Decimal
    interest: Decimal
    currency: str
    accounting_rate: Decimal  # the invoice's own rate to the accounting currency


@dataclass(frozen=True)
class ProposedNote:
    """The interest note a customer would get in one currency."""

    customer_id: uuid.UUID
    account: str
    customer_name: str
    currency: str
    interest_code: str
    lines: tuple[ProposedLine, ...]
    fee: Decimal

    @property
    def interest(self) -> Decimal:
        """The sum of the lines' interest."""
        return sum((line.interest for line in self.lines), ZERO)

    @property
    def total(self) -> Decimal:
        """Interest and fee."""
        return self.interest + self.fee


def calculate_interest(
    session: Session,
    scope: AgentScope,
    as_of: dt.date,
    *,
    customer_ids: Iterable[uuid.UUID] | None = None,
    pool_id: uuid.UUID | None = None,
) -> list[ProposedNote]:
    """The interest notes that ``create_interest_notes`` would post on ``as_of``.

    For the customers of the scope (of ``pool_id`` when given, and among ``customer_ids``
    when given) that have an interest code; customers without one, or with a code that
    does not exist, are skipped. A customer id outside the scope is refused.
    Notes come by customer account, lines by due date.
    """
    wanted = None if customer_ids is None else list(dict.fromkeys(customer_ids))
    condition = scope.customer_condition(as_of, pool_id)
    if wanted is not None:
        if not wanted:
            return []
        visible = set(
            session.scalars(
                select(Customer.id).where(
                    Customer.id.in_(wanted), Customer.deleted_at.is_(None), condition
                )
            )
        )
        if len(visible) != len(wanted):
            raise InterestError(_("A customer asked for is not in your pools."))
    rules = load_rules(session)
    accounting = session.scalar(select(ReceivablesParameters.accounting_currency).limit(1))
    places = dict(session.execute(select(Currency.code, Currency.decimals)).all())
    t = CustomerTransaction
    settled = (
        select(func.coalesce(func.sum(SettlementLine.amount), 0))
        .where(SettlementLine.transaction_id == t.id, SettlementLine.settlement_date <= as_of)
        .correlate(t)
        .scalar_subquery()
    )
    last_to = (
        select(func.max(InterestNoteLine.to_date))
        .where(InterestNoteLine.invoice_id == t.id)
        .correlate(t)
        .scalar_subquery()
    )
    query = (
        select(
            Customer.id.label("customer_id"),
            Customer.account,
            Customer.name,
            Customer.currency.label("customer_currency"),
            Customer.interest_code,
            t.id,
            t.document_number,
            t.due_date,
            t.currency,
            t.amount,
            t.amount_accounting,
            type_coerce(t.amount - settled, Money()).label("open_amount"),
            last_to.label("last_to"),
        )
        .join(Customer, Customer.id == t.customer_id)
        .where(
            Customer.deleted_at.is_(None),
            Customer.interest_code.is_not(None),
            condition,
            t.type == TransactionType.INVOICE,
            t.posting_date <= as_of,
            t.due_date < as_of,
            or_(t.closed_on.is_(None), t.closed_on > as_of),
        )
        .order_by(Customer.account, t.currency, t.due_date, t.voucher)
    )
    if wanted is not None:
        query = query.where(Customer.id.in_(wanted))
    grouped: dict[tuple[uuid.UUID, str], list[ProposedLine]] = defaultdict(list)
    heads: dict[tuple[uuid.UUID, str], tuple[str, str, str, str]] = {}
    for row in session.execute(query):
        rule = rules.get(row.interest_code)
        if rule is None or row.open_amount <= ZERO:
            continue
        overdue = (as_of - row.due_date).days
        if overdue <= rule.grace_days:
            continue
        start = max(row.due_date, row.last_to or row.due_date)
        if start >= as_of:
            continue
        first_day = (start - row.due_date).days + 1
        exact, rates = rule.interest(row.open_amount, first_day, overdue)
        amount = round_money(exact, places.get(row.currency, 2))
        if amount <= ZERO:
            continue
        key = (row.customer_id, row.currency)
        heads[key] = (row.account, row.name, row.customer_currency, rule.code)
        grouped[key].append(
            ProposedLine(
                invoice_id=row.id,
                invoice_document=row.document_number,
                due_date=row.due_date,
                from_date=start,
                to_date=as_of,
                days=(as_of - start).days,
                rates=rates,
                base_amount=row.open_amount,
                interest=amount,
                currency=row.currency,
                accounting_rate=row.amount_accounting / row.amount,
            )
        )
    notes = []
    for key, lines in grouped.items():
        customer_id, currency = key
        account, name, customer_currency, code = heads[key]
        rule = rules[code]
        charges_fee = currency == customer_currency == accounting and rule.fee > ZERO
        notes.append(
            ProposedNote(
                customer_id=customer_id,
                account=account,
                customer_name=name,
                currency=currency,
                interest_code=code,
                lines=tuple(lines),
                fee=rule.fee if charges_fee else ZERO,
            )
        )
    return notes

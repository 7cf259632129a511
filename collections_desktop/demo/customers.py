"""The rows of the demo company: its team, then its customers chunk by chunk.

``Builder`` makes every row from the seed, ``today`` and the number of customers, with
the same rows for the same three whichever process generates them.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Dialect, event, update
from sqlalchemy.orm import Session

from collections_desktop.demo.arithmetic import ascii_letters, month_end, pick, weekday, workday
from collections_desktop.demo.bank import COMPANY_IBAN, bank_account_rows
from collections_desktop.demo.company import (
    ACCOUNTING_CURRENCY,
    COMPANY_NAME,
    EMPLOYEES,
    HISTORY_DAYS,
    POOL_LABELS,
    POOLS,
)
from collections_desktop.demo.ledger import BEHAVIOUR, INVOICE, Activity, CustomerLedger
from collections_desktop.demo.people import (
    BUSINESS_NAMES,
    COMPANY_MAILBOX,
    COUNTRIES,
    CREDIT_GROUPS,
    CURRENCY,
    GROUPS,
    JOB_TITLES,
    LANGUAGE,
    LEGAL_WORDS,
    POOL_OF_COUNTRY,
    PUBLIC_NAMES,
    TERMS,
    Place,
    phone,
    places,
    postcode,
)
from collections_desktop.demo.stored import Codec
from collections_desktop.demo.writer import COLUMNS, Rows
from collections_desktop.models.company.reference import DEFAULT_BANK_ACCOUNT
from collections_desktop.models.company.setup import create_company
from collections_desktop.models.db.schema import (
    AccountStatus,
    ActivityType,
    BankAccount,
    CollectionStatus,
)
from collections_desktop.models.ledger.numbering import SEQUENCES


class Builder:
    """Makes every row of the demo from the seed, ``today`` and the number of customers."""

    def __init__(self, *, seed: int, today: dt.date, customers: int, dialect: Dialect) -> None:
        self.seed = seed
        self.customers = customers
        self.today = today.toordinal()
        self.window = self.today - HISTORY_DAYS
        self.company_day = self.window - 30
        self.codec = Codec(dialect, first=self.today - 4000, last=self.today + 400)
        self.rng = random.Random(f"collections-desktop demo {seed}")
        self.places = places(seed)
        self.counters = dict.fromkeys(SEQUENCES, 0)
        self.formats = {name: f"{prefix}%0{width}d" for name, (prefix, width) in SEQUENCES.items()}
        self.stats = dict.fromkeys(
            ("customers", "contacts", "transactions", "settlements", "settlement_lines",
             "status_changes", "activities"),
            0,
        )  # fmt: skip
        self.rates = self._gbp_rates()
        self.employees: dict[str, Any] = {}
        self.agents: list[Any] = []  # the three agents' employee ids
        # Accounts are numbered by seniority, as they were opened: draw every customer's
        # first day up front (a few bytes each) and generate them in that order.
        since_rng = random.Random(f"{seed}:since")
        self.since = [
            self.today - since_rng.randint(760, 3900)
            if since_rng.random() < 0.8
            else self.today - since_rng.randint(45, 730)
            for _n in range(customers)
        ]
        self.order = sorted(range(customers), key=lambda i: (self.since[i], i))

    # -- numbers and counts

    def number(self, name: str) -> str:
        """The next human number of counter ``name``, formatted as ``numbering`` does."""
        self.counters[name] += 1
        return self.formats[name] % self.counters[name]

    def counts(self) -> dict[str, int]:
        """Rows written, for ``DemoStats``."""
        return dict(self.stats)

    # -- the company and its people

    def create_company(self, session: Session) -> None:
        """``company.create_company``, giving its rows ids from the seeded RNG, not the clock."""
        codec, rng, day = self.codec, self.rng, self.company_day
        minutes = iter(range(420, 1440))

        def seeded_ids(session: Session, _context: object, _instances: object) -> None:
            for instance in session.new:  # in the order they were added
                if getattr(instance, "id", None) is None:
                    instance.id = uuid.UUID(int=codec.bits(rng, day, next(minutes)))

        event.listen(session, "before_flush", seeded_ids)
        try:
            create_company(session, COMPANY_NAME, ACCOUNTING_CURRENCY, codec.moment(day, 420))
            session.flush()
            # The account customers pay into, as the bank's statements name it.
            session.execute(
                update(BankAccount)
                .where(BankAccount.code == DEFAULT_BANK_ACCOUNT)
                .values(iban=COMPANY_IBAN)
            )
        finally:
            event.remove(session, "before_flush", seeded_ids)

    def setup_rows(self) -> Rows:
        """Employees, the two pools, the three agents, their pools and their own tasks."""
        codec, rng, day = self.codec, self.rng, self.company_day
        stamp = codec.stamp(day, 540)
        employees = []
        for minute, (number, name, user, phone_number, role) in enumerate(EMPLOYEES, start=540):
            emp_id = codec.uid(rng, day, minute)
            if role == "agent":
                self.agents.append(emp_id)
            else:
                self.employees[role] = emp_id
            parts = name.split()
            surname = parts[-2] if len(parts) > 3 else parts[-1]
            email = (
                f"{ascii_letters(parts[0])}.{ascii_letters(surname)}@atlantica-suministros.example"
            )
            # The first agent is the administrator who may change the set-up.
            administrator = codec.flag(number == EMPLOYEES[0][0])
            employees.append(
                (emp_id, number, name, email, phone_number, user, administrator, stamp, 1)
            )
        pools = []
        for minute, (name, description, countries) in enumerate(POOLS, start=560):
            criteria = json.dumps({"countries": list(countries)})
            pools.append((codec.uid(rng, day, minute), name, description, criteria, stamp, 1))
        iberia, france_uk = pools[0][0], pools[1][0]
        # Lucía works Iberia, Camille France & UK; Oliver, the team lead, works both and
        # may look at every pool.
        memberships = ((iberia,), (france_uk,), (iberia, france_uk))
        defaults = (iberia, france_uk, iberia)
        agents, agent_pools = [], []
        for index, employee_id in enumerate(self.agents):
            agent_id = codec.uid(rng, day, 570 + index)
            agents.append(
                (agent_id, employee_id, defaults[index], codec.flag(index == 2), stamp, 1)
            )
            for pool_id in memberships[index]:
                agent_pools.append((codec.uid(rng, day, 580 + index), agent_id, pool_id, stamp, 1))
        return {
            "employees": employees,
            "customer_pools": pools,
            "collections_agents": agents,
            "agent_pools": agent_pools,
            "activities": self._team_activities(),
        }

    def _team_activities(self) -> list[tuple[Any, ...]]:
        """Each agent's own recurring work: weekly pool reviews and month-end reports."""
        today = self.today
        monday = today - weekday(today)
        activities: list[Activity] = []
        for index, employee in enumerate(self.agents):
            pool = POOL_LABELS[index]
            for week in range(8, -1, -1):
                start, end = monday - 7 * week, monday - 7 * week + 4
                activities.append(
                    Activity(
                        start=(start, 480),
                        end=(end, 1020),
                        type=ActivityType.TASK,
                        category="REVIEW",
                        purpose=f"Review the aging of {pool} and plan the week's calls",
                        closed=(end, 960) if end < today else None,
                        employee=employee,
                    )
                )
            for months_back in range(3, -1, -1):
                last_day = month_end(today, months_back)  # this month's is always open
                activities.append(
                    Activity(
                        start=(min(last_day - 5, today - 1), 540),
                        end=(last_day, 1080),
                        type=ActivityType.TASK,
                        category="REVIEW",
                        purpose=f"Prepare the month-end collections report for {pool}",
                        memo="Include disputed amounts and broken promises.",
                        closed=(last_day, 1020) if last_day < today else None,
                        employee=employee,
                    )
                )
        return self.activity_rows(activities, None, self.rng, None)

    def closing_rows(self) -> Rows:
        """The counters, set after the demo's numbers so that later postings do not collide."""
        day = self.today - 1
        stamp = self.codec.stamp(day, 1200)
        rows = []
        for minute, (name, (prefix, width)) in enumerate(SEQUENCES.items(), start=1200):
            seq_id = self.codec.uid(self.rng, day, minute)
            rows.append((seq_id, name, prefix, width, self.counters[name] + 1, stamp, 1))
        return {"number_sequences": rows}

    def _gbp_rates(self) -> list[int]:
        """GBP→EUR rate of each day (in 1/10,000), monthly steps of a seeded random walk."""
        first = self.codec.first
        rates: list[int] = []
        month, rate = None, 11_500 + self.rng.randrange(-200, 201)
        for ordinal in range(first, self.today + 401):
            date = dt.date.fromordinal(ordinal)
            if (date.year, date.month) != month:
                month = (date.year, date.month)
                rate = min(12_100, max(10_900, rate + self.rng.randrange(-120, 121)))
            rates.append(rate)
        return rates

    # -- customers, in chunks

    def chunks(self, size: int) -> Iterator[tuple[int, Rows]]:
        """The rows of ``size`` customers at a time, with the number of customers done."""
        for first in range(0, self.customers, size):
            last = min(first + size, self.customers)
            rows: Rows = {name: [] for name in COLUMNS}
            for position in range(first, last):
                self._customer(self.order[position], rows)
            yield last, rows

    def _customer(self, index: int, rows: Rows) -> None:
        """One customer: identity, contacts, two years of ledger, history and activities."""
        rng = random.Random(f"{self.seed}:{index}")
        codec, today, since = self.codec, self.today, self.since[index]
        country = pick(rng, COUNTRIES)
        place = self.places[country]
        language, currency = LANGUAGE[country], CURRENCY[country]
        group = pick(rng, GROUPS)
        credit_group = pick(rng, CREDIT_GROUPS[group])
        terms = rng.choice(TERMS[group])
        first_day = max(since + 1, self.window)
        # Each pool has its agent; the team lead takes a quarter of both.
        agent = self.agents[2] if rng.random() < 0.25 else self.agents[POOL_OF_COUNTRY[country]]
        opened = (since, rng.randint(480, 1020))
        customer_id = codec.uid(rng, *opened)

        town, code = rng.choice(place.towns)
        last, last2 = rng.choice(place.last_names), rng.choice(place.last_names)
        patterns = PUBLIC_NAMES if group == "Public sector" else BUSINESS_NAMES
        name = rng.choice(patterns[country]).format(last=last, last2=last2, town=town)
        words = (ascii_letters(word) for word in name.replace("&", " ").split())
        domain = "-".join(w for w in words if w and w not in LEGAL_WORDS)[:40].strip("-")
        domain += ".example"  # a reserved domain: a demo never e-mails a real company

        contacts = []
        for position in range(rng.choice((1, 1, 2, 2, 2, 3))):
            first = rng.choice(place.first_names)
            surname = rng.choice(place.last_names)
            if country in ("ES", "PT") and rng.random() < 0.7:
                surname = f"{surname} {rng.choice(place.last_names)}"
            contacts.append(
                (
                    codec.uid(rng, *opened),
                    customer_id,
                    f"{first} {surname}",
                    JOB_TITLES[language][position],
                    f"{ascii_letters(first)}.{ascii_letters(surname.split()[0])}@{domain}",
                    phone(rng, country),
                    language,
                    codec.stamp(*opened),
                    1,
                )
            )
        # The accounts payable clerk chases invoices; the finance director signs.
        collections_contact = contacts[0][0]
        primary_contact = contacts[min(1, len(contacts) - 1)][0]

        ledger = CustomerLedger(self, rng, country, terms, BEHAVIOUR[credit_group], agent)
        ledger.simulate(group, first_day, contacts[0][2])
        txns = ledger.emit(customer_id, rows)

        # A few customers are on hold: mostly bad payers with very old debts.
        overdue_days = max(
            (
                today - t.due
                for t in txns
                if t.kind == INVOICE and t.settled < t.cents and t.status == CollectionStatus.NONE
            ),
            default=0,
        )
        if credit_group == "C" and overdue_days > 90:
            hold_chance = 0.4
        elif overdue_days > 60:
            hold_chance = 0.06
        else:
            hold_chance = 0.002
        status, version, updated = AccountStatus.ACTIVE, 1, opened
        if rng.random() < hold_chance:
            status, version = AccountStatus.ON_HOLD, 2
            held = min(today - 1, max(since + 1, today - max(1, overdue_days - 60)))
            updated = (held, rng.randint(540, 1000))
            ledger.activities.append(
                Activity(
                    start=updated,
                    end=updated,
                    type=ActivityType.EVENT,
                    category="CREDIT",
                    purpose=f"Account put on hold: {overdue_days} days overdue",
                    memo="No new orders until the overdue balance is paid.",
                    closed=updated,
                )
            )

        # Credit limit: a month and the payment terms of invoicing, in thousands.
        if group == "Public sector" and rng.random() < 0.4:
            limit = None
        else:
            invoiced = sum(t.cents for t in txns if t.kind == INVOICE)
            monthly = invoiced // max(1, (today - first_day) // 30)
            cents = monthly * (terms + 30) // 30 // (2 if credit_group == "C" else 1)
            limit_cents = max(100_000, (cents + 99_999) // 100_000 * 100_000)
            limit = codec.money(limit_cents)
            if rng.random() < 0.3:
                reviewed = (today - rng.randint(20, 700), rng.randint(540, 1000))
                ledger.activities.append(
                    Activity(
                        start=reviewed,
                        end=reviewed,
                        type=ActivityType.EVENT,
                        category="CREDIT",
                        purpose=f"Annual credit review: limit {limit_cents // 100:,}"
                        f" {currency} confirmed",
                        closed=reviewed,
                    )
                )
        if rng.random() < 0.15:
            # Bigger accounts get a review meeting now and then; some are coming up.
            meeting = workday(today + rng.randint(-180, 20))
            meeting_held = (meeting, 660) if meeting < today else None
            ledger.activities.append(
                Activity(
                    start=(min(meeting, today) - rng.randint(3, 15), rng.randint(480, 1000)),
                    end=(meeting, 660),
                    type=ActivityType.APPOINTMENT,
                    category="MEETING",
                    purpose=f"Account review with {contacts[-1][2]}",
                    closed=meeting_held,
                )
            )

        rows["customers"].append(
            (
                customer_id,
                self.number("customer"),
                name,
                group,
                credit_group,
                limit,
                status,
                currency,
                language,
                self._street(rng, country, place),
                town,
                postcode(rng, country, code),
                country,
                phone(rng, country),
                f"{COMPANY_MAILBOX[language]}@{domain}",
                self.employees[f"sales {country}"],
                primary_contact,
                collections_contact,
                codec.stamp(*updated),
                version,
            )
        )
        rows["contacts"].extend(contacts)
        rows["customer_bank_accounts"].extend(
            bank_account_rows(self.seed, index, codec, customer_id, country, opened)
        )
        rows["activities"].extend(self.activity_rows(ledger.activities, customer_id, rng, agent))
        self.stats["customers"] += 1
        self.stats["contacts"] += len(contacts)

    def _street(self, rng: random.Random, country: str, place: Place) -> str:
        name, number = rng.choice(place.streets), rng.randint(1, 180)
        if country == "FR":
            return f"{number} {name}"
        if country == "GB":
            if rng.random() < 0.15:
                return f"Unit {rng.randint(1, 30)}, {rng.choice(place.last_names)} Business Park"
            return f"{number} {name}"
        return f"{name}, {number}"

    def activity_rows(
        self, activities: list[Activity], customer_id: Any, rng: random.Random, employee: Any
    ) -> list[tuple[Any, ...]]:
        """Number activities in the order they were started and make their rows."""
        codec, stamp = self.codec, self.codec.stamp
        rows = []
        activities.sort(key=lambda a: a.start)
        for activity in activities:
            closed = activity.closed
            purpose = activity.purpose
            if activity.about is not None:
                purpose = purpose.replace("{doc}", activity.about.doc)
            rows.append(
                (
                    codec.uid(rng, *activity.start),
                    self.number("activity"),
                    activity.type,
                    activity.category,
                    purpose,
                    activity.memo,
                    activity.employee or employee,
                    customer_id,
                    stamp(*activity.start),
                    stamp(*activity.end),
                    codec.flag(closed is not None),
                    stamp(*closed) if closed else None,
                    stamp(*(closed or activity.start)),
                    2 if closed else 1,
                )
            )
        self.stats["activities"] += len(rows)
        return rows

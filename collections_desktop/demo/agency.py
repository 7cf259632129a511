"""The demo's agency desk: creditor clients, debtors, case files and their collections,
annotations, promises and payment plans, and the collectors' expenses with receipts.

``write_demo_agency`` adds them to a database that holds a company (the demo company, or
any company with at least one employee), in the caller's transaction. Every tab of the
desk has data on the first look:

- the demo's login user (the first employee, ``DEMO_USER``) is agency staff and a
  supervisor; a second supervisor and five collectors are new employees, so every
  collection has someone other than its collector to approve it;
- open case files in every status, closed ones of every kind; clients with their
  commission rates, three of them with rates by the age of the debt;
- collections approved over the past two years, unapproved ones over the last two weeks
  (some the login user's, some the others', a few not yet received), a few rejected with
  their reasons, and one reversal;
- annotations of every kind: calls, visits, letters and burofaxes done, actions scheduled
  in this month and the next, located addresses and phones with their source, a debtor
  re-registered under another company, observations;
- promises and payment plans with instalments this month and next, some kept, some broken;
- the expenses of this month and the last in every state, most with a small receipt.

Same ``(seed, today, cases)``, same rows, ids included (UUIDv7 keys from a seeded random
generator). Rows go in by ``bulk.insert_rows``, a few thousand case files at a time, so
50,000 case files and about 200,000 collections are written in seconds.
"""

from __future__ import annotations

import datetime as dt
import random
import struct
import time
import uuid
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from hashlib import sha256
from operator import itemgetter
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.orm import Session

from collections_desktop.demo.arithmetic import ascii_letters, pick
from collections_desktop.demo.company import DEMO_USER
from collections_desktop.demo.people import BUSINESS_NAMES, Place, phone, places, postcode
from collections_desktop.formatting import text_formats
from collections_desktop.i18n import _
from collections_desktop.models.db.bulk import analyse, insert_rows
from collections_desktop.models.db.schema import (
    AgencyAnnotation,
    AgencyAttachment,
    AgencyCase,
    AgencyCaseDocument,
    AgencyClient,
    AgencyCollection,
    AgencyCollectionChange,
    AgencyCommissionBand,
    AgencyDebtor,
    AgencyDebtorContact,
    AgencyExpense,
    AgencyInstalment,
    AgencyPlan,
    AgencyStaff,
    AnnotationKind,
    CaseFileStatus,
    CollectionState,
    DebtorContactKind,
    DebtorKind,
    Employee,
    ExpenseKind,
    ExpenseState,
    NumberSequence,
    PlanKind,
)
from collections_desktop.models.ledger.numbering import SEQUENCES

if TYPE_CHECKING:
    from _typeshed import SupportsLenAndGetItem

T = TypeVar("T")
CHUNK_CASES = 5_000
"""Case files generated and written at a time (about 60,000 rows)."""
UNAPPROVED_DAYS = 14
"""Collections of the last two weeks still wait for a supervisor."""
PLAN_DAYS = 4
"""A payment of a promise or an instalment is approved sooner: those of the last four days wait."""
CASE_PREFIX, CASE_WIDTH = "EXP-", 6
"""Case numbers: EXP-000001 (the agency sequence's format)."""
AGENCY_SEQUENCE = next(
    (name for name, (prefix, _width) in SEQUENCES.items() if prefix == CASE_PREFIX), "agency_case"
)
"""The counter that numbers case files; the demo leaves it after its last case."""

FILLED_TABLES = (
    AgencyStaff,
    AgencyClient,
    AgencyCommissionBand,
    AgencyDebtor,
    AgencyDebtorContact,
    AgencyCase,
    AgencyCaseDocument,
    AgencyCollection,
    AgencyCollectionChange,
    AgencyAnnotation,
    AgencyPlan,
    AgencyInstalment,
    AgencyExpense,
    AgencyAttachment,
)
"""The tables the demo fills, parents first (the order they are written in)."""

# The agency's people besides the login user: number, name, user name, phone, supervisor.
STAFF = (
    ("E-0101", "Marta Gil Navarro", "mgil", "+34 910 555 201", True),
    ("E-0102", "Diego Ramos Vidal", "dramos", "+34 910 555 202", False),
    ("E-0103", "Inês Moreira", "imoreira", "+351 210 555 203", False),
    ("E-0104", "Hugo Lambert", "hlambert", "+33 1 99 00 22 04", False),
    ("E-0105", "Sophie Turner", "sturner", "+44 20 7946 0205", False),
    ("E-0106", "Pablo Serrano Díaz", "pserrano", "+34 910 555 206", False),
)
# code, name, country, language, currency, commission %, remittance days, bands
CLIENTS = (
    ("ELCANT", "Eléctrica del Cantábrico, S.A.", "ES", "es", "EUR", "18", 15,
     ((0, "15"), (180, "20"), (365, "25"))),
    ("TELNORTE", "Telecomunicaciones del Norte, S.L.", "ES", "es", "EUR", "20", 15, ()),
    ("BSOLANO", "Banco Solano, S.A.", "ES", "es", "EUR", "12", 30,
     ((0, "10"), (365, "15"), (730, "22"))),
    ("AGUASLUS", "Águas Lusitanas, S.A.", "PT", "pt", "EUR", "17", 15, ()),
    ("FINRHONE", "Financière Crédit Rhône SA", "FR", "fr", "EUR", "15", 20,
     ((0, "12"), (270, "18"))),
    ("BRITLEASE", "Britannia Leasing Ltd", "GB", "en", "GBP", "16", 30, ()),
    ("SEGMED", "Seguros Mediterráneo, S.A.", "ES", "es", "EUR", "14", 10, ()),
    ("FITCLUB", "FitClub Gimnasios, S.L.", "ES", "es", "EUR", "25", 15, ()),
)  # fmt: skip
CLIENT_WEIGHTS = (22, 18, 14, 10, 10, 8, 10, 8)
STATUSES = (
    (CaseFileStatus.NEW, 8),
    (CaseFileStatus.IN_PROGRESS, 40),
    (CaseFileStatus.PAYMENT_PLAN, 9),
    (CaseFileStatus.LEGAL, 6),
    (CaseFileStatus.CLOSED_PAID, 21),
    (CaseFileStatus.CLOSED_UNRECOVERABLE, 9),
    (CaseFileStatus.RETURNED, 7),
)
SCRIPT = (
    CaseFileStatus.IN_PROGRESS,  # 0: the login user's, two unapproved collections
    CaseFileStatus.IN_PROGRESS,  # 1: another collector's, unapproved, one not received
    CaseFileStatus.IN_PROGRESS,  # 2: a rejected collection, and a reversal
    CaseFileStatus.PAYMENT_PLAN,  # 3: a plan: kept, broken, this month's and next month's
    CaseFileStatus.IN_PROGRESS,  # 4: a promise kept
    CaseFileStatus.IN_PROGRESS,  # 5: a promise broken
    CaseFileStatus.IN_PROGRESS,  # 6: a promise due this month
    CaseFileStatus.LEGAL,  # 7: a promise due next month
    CaseFileStatus.NEW,
    CaseFileStatus.CLOSED_PAID,
    CaseFileStatus.CLOSED_UNRECOVERABLE,
    CaseFileStatus.RETURNED,
)
"""The first case files' statuses: with their scripted stories, every tab has every kind
of row even in a small demo."""
OPEN_STATUSES = (
    CaseFileStatus.NEW,
    CaseFileStatus.IN_PROGRESS,
    CaseFileStatus.PAYMENT_PLAN,
    CaseFileStatus.LEGAL,
)
METHODS = (
    ("bank_transfer", 45), ("card", 15), ("cash", 14), ("direct_debit", 10), ("cheque", 11),
    ("promissory_note", 5),
)  # fmt: skip
REJECTIONS = (
    "The transfer is not in the account statement.",
    "Duplicate of a collection already recorded.",
    "The amount does not match the receipt.",
    "Cheque not signed; ask the debtor for a new one.",
)
SOURCES = (
    "phone book", "neighbour", "social media", "client file", "land registry", "employer",
    "post office", "debtor's relative",
)  # fmt: skip
CALL_TEXTS = (
    "Called the debtor; promised to call back this week.",
    "No answer; left a message with the case number.",
    "Spoke to the debtor: disputes the interest, agrees the principal.",
    "The debtor asks for a payment plan; waiting for an offer.",
    "Wrong number; the line belongs to someone else.",
    "Debtor says the invoice was paid; asked for the receipt.",
)
VISIT_TEXTS = (
    "Visited the address; the debtor was not at home, left a notice.",
    "Visited the debtor's business; met the manager.",
    "Visit: the premises are closed and for rent.",
)
LETTER_TEXTS = (
    "First demand letter sent.",
    "Second demand letter sent with the interest to date.",
    "Letter returned by the post: unknown at the address.",
)
BUROFAX_TEXTS = (
    "Burofax with acknowledgement of receipt sent: formal demand before legal action.",
    "Burofax delivered; the debtor signed the receipt.",
)
OBSERVATIONS = (
    "The debtor is unemployed since spring; may pay small amounts.",
    "The company is in talks with its bank about refinancing.",
    "The client asks to be told before any legal step.",
    "Debtor prefers to be called after 17:00.",
    "The debtor moved abroad; family still at the address.",
    "Partial payments expected at every month's end.",
)
SCHEDULED_TEXTS = {
    AnnotationKind.CALL: "Call to follow up the last contact.",
    AnnotationKind.VISIT: "Visit the debtor's address.",
    AnnotationKind.LETTER: "Send the second demand letter.",
    AnnotationKind.BUROFAX: "Send the burofax before legal action.",
}
ACTIONS = (
    (AnnotationKind.CALL, 60), (AnnotationKind.LETTER, 20), (AnnotationKind.VISIT, 12),
    (AnnotationKind.BUROFAX, 8),
)  # fmt: skip
EXPENSES = (
    (ExpenseKind.FUEL, 30, 2_000, 8_000, "Fuel for visits"),
    (ExpenseKind.CALLS, 20, 500, 3_000, "Mobile calls to debtors"),
    (ExpenseKind.BUROFAX, 15, 2_615, 3_890, "Burofax to the debtor"),
    (ExpenseKind.TRAVEL, 20, 3_000, 19_000, "Train and taxi to a visit"),
    (ExpenseKind.OTHER, 15, 500, 5_000, "Registry extract"),
)
"""Kind, weight, lowest and highest amount in cents, and the description."""

_RAND_62 = (1 << 62) - 1
_UUID7_BITS = (0x7 << 76) | (0b10 << 62)
_EPOCH = dt.date(1970, 1, 1).toordinal()


@dataclass(frozen=True)
class AgencyDemoCounts:
    """What ``write_demo_agency`` wrote, and how long it took."""

    staff: int = 0
    clients: int = 0
    debtors: int = 0
    contacts: int = 0
    cases: int = 0
    documents: int = 0
    collections: int = 0
    unapproved: int = 0
    rejected: int = 0
    annotations: int = 0
    plans: int = 0
    instalments: int = 0
    expenses: int = 0
    attachments: int = 0
    seconds: float = 0.0

    def describe(self) -> str:
        """A one-line summary for the command line and the log."""
        count = text_formats().count
        return _(
            "Agency: {staff} staff, {clients} clients, {debtors} debtors, {cases} case files, "
            "{collections} collections ({unapproved} unapproved, {rejected} rejected), "
            "{annotations} annotations, {plans} promises and plans, {expenses} expenses, "
            "{attachments} attachments in {seconds} s."
        ).format(
            staff=count(self.staff),
            clients=count(self.clients),
            debtors=count(self.debtors),
            cases=count(self.cases),
            collections=count(self.collections),
            unapproved=count(self.unapproved),
            rejected=count(self.rejected),
            annotations=count(self.annotations),
            plans=count(self.plans),
            expenses=count(self.expenses),
            attachments=count(self.attachments),
            seconds=text_formats().number(self.seconds, 1),
        )


def write_demo_agency(
    bind: Session | Connection, *, cases: int, seed: int, today: dt.date
) -> AgencyDemoCounts:
    """Write the agency desk's demo (``cases`` case files) in the caller's transaction.

    The database must hold a company; the demo's login user (``DEMO_USER``, else the first
    employee by number, else a new one) becomes a supervisor of the agency. Dates are
    placed around ``today``: collections up to yesterday, scheduled actions and
    instalments up to the end of next month.
    """
    started = time.perf_counter()
    session = bind if isinstance(bind, Session) else Session(bind=bind)
    try:
        agency = _Agency(session, seed=seed, today=today)
        indexes = _drop_plain_indexes(session)
        agency.people()
        agency.clients()
        agency.flush()
        order = agency.assignments(cases)
        for first in range(0, cases, CHUNK_CASES):
            for position in range(first, min(first + CHUNK_CASES, cases)):
                index, status, age = order[position]
                agency.case(position, index, status, age)
            agency.flush()
        agency.expenses()
        agency.flush()
        agency.sequence(cases)
        for sql in indexes:
            session.connection().exec_driver_sql(sql)
        analyse(session, [table.__table__ for table in FILLED_TABLES])  # type: ignore[misc]
        return AgencyDemoCounts(**agency.counts, seconds=time.perf_counter() - started)
    finally:
        if session is not bind:
            session.close()


def tiny_png() -> bytes:
    """A valid 2×2 PNG (a scanned receipt's stand-in)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    pixels = b"\x00\xff\xff\xff\xc0\xc0\xc0" * 2  # two rows: filter byte, two RGB pixels
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(pixels))
        + chunk(b"IEND", b"")
    )


def tiny_pdf(text: str) -> bytes:
    """A valid one-page PDF showing one line of ASCII ``text``."""
    line = text.encode("ascii", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 11 Tf 40 100 Td (" + line + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 160] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


# --- the generator ------------------------------------------------------------------------


class _Draws(random.Random):
    """``random.Random`` whose integer draws and choices take one ``random()`` each:
    several times faster than the exact ones, and as good for made-up data (never for an
    amount's digits beyond a few cents' bias)."""

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:
        if stop is None:
            start, stop = 0, start
        return start + int(self.random() * (stop - start))

    def choice(self, seq: SupportsLenAndGetItem[T]) -> T:
        return seq[int(self.random() * len(seq))]


@dataclass
class _Staff:
    employee_id: uuid.UUID
    name: str
    supervisor: bool


class _Agency:
    """Makes the agency's rows from the seed and ``today`` and writes them chunk by chunk."""

    def __init__(self, session: Session, *, seed: int, today: dt.date) -> None:
        self.session = session
        self.today = today
        self.yesterday = today - dt.timedelta(days=1)
        self.now = dt.datetime.combine(today, dt.time(6), tzinfo=dt.UTC)
        self.rng = _Draws(f"collections-desktop agency {seed}")
        self._id_rng = random.Random(f"collections-desktop agency ids {seed}")
        self._millis = (today.toordinal() - 800 - _EPOCH) * 86_400_000
        self.places = places(seed)
        self.month = today.replace(day=1)
        self.next_month = _add_months(self.month, 1)
        self.after_next = _add_months(self.month, 2)
        self.rows: dict[str, list[tuple[Any, ...]]] = {t.__tablename__: [] for t in FILLED_TABLES}
        columns = {t.__tablename__: [c.name for c in t.__table__.columns] for t in FILLED_TABLES}
        self._getters = {name: itemgetter(*names) for name, names in columns.items()}
        self._blank = {
            name: {**dict.fromkeys(names), "updated_at": self.now, "version": 1}
            for name, names in columns.items()
        }
        self.counts = {f.name: 0 for f in fields(AgencyDemoCounts) if f.name != "seconds"}
        self.staff: list[_Staff] = []
        self.client_list: list[tuple[uuid.UUID, str, str, str]] = []  # id, code, country, cur.
        self.debtors: list[tuple[uuid.UUID, str]] = []  # reusable debtors: id, country
        self.tax_ids: set[str] = set()
        self.first_case: dict[uuid.UUID, uuid.UUID] = {}  # a case of each collector
        self._approvers: dict[uuid.UUID, list[_Staff]] = {}
        self.png = tiny_png()
        self._midnights: dict[dt.date, dt.datetime] = {}
        self._minutes = [dt.timedelta(minutes=minute) for minute in range(1441)]
        self._safe = self.now - dt.timedelta(minutes=300)

    # -- rows and ids

    def new_id(self) -> uuid.UUID:
        """A UUIDv7 key, time-ordered in the order made, random bits from the seed."""
        self._millis += 1
        bits = self._id_rng.getrandbits(74)
        value = (self._millis << 80) | _UUID7_BITS | ((bits >> 62) << 64) | (bits & _RAND_62)
        return uuid.UUID(int=value)

    def add(self, table: str, **values: Any) -> uuid.UUID:
        """Queue a row of ``table``; unnamed columns are the mutable defaults or NULL."""
        if "id" not in values:
            values["id"] = self.new_id()
        self.rows[table].append(self._getters[table](self._blank[table] | values))
        return values["id"]  # type: ignore[no-any-return]

    def flush(self) -> None:
        """Write the queued rows, parents first."""
        for table in FILLED_TABLES:
            batch = self.rows[table.__tablename__]
            if batch:
                insert_rows(self.session, table.__table__, batch)  # type: ignore[arg-type]
                batch.clear()

    def stamp(self, day: dt.date, low: int = 8 * 60, high: int = 18 * 60) -> dt.datetime:
        """A moment of ``day`` in working hours, never after the demo's ``now`` (then a
        few hours before it)."""
        midnight = self._midnights.get(day)
        if midnight is None:
            midnight = self._midnights[day] = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
        moment = midnight + self._minutes[self.rng.randint(low, high)]
        if moment <= self._safe:
            return moment
        return min(moment, self.now - self._minutes[self.rng.randint(1, 300)])

    def after(self, moment: dt.datetime, minutes: int) -> dt.datetime:
        """``minutes`` after ``moment``, but before the demo's ``now``."""
        latest = self.now - dt.timedelta(minutes=1)
        return max(min(moment + dt.timedelta(minutes=minutes), latest), moment)

    # -- people and clients

    def people(self) -> None:
        """The login user as a supervisor, a second supervisor and the collectors."""
        session, rng = self.session, self.rng
        login = (
            session.execute(
                select(Employee.id, Employee.name).where(Employee.user_name == DEMO_USER)
            ).first()
            or session.execute(
                select(Employee.id, Employee.name).order_by(Employee.number).limit(1)
            ).first()
        )
        if login is None:
            login_id = self.new_id()
            session.execute(
                insert(Employee).values(
                    id=login_id, number="E-0001", name="Lucía Fernández Ortega",
                    user_name=DEMO_USER, is_administrator=True, updated_at=self.now,
                )
            )  # fmt: skip
            self.staff.append(_Staff(login_id, "Lucía Fernández Ortega", True))
        else:
            self.staff.append(_Staff(login[0], login[1], True))
        taken = set(session.scalars(select(Employee.number)))
        users = set(session.scalars(select(Employee.user_name)))
        for number, name, user, phone_number, supervisor in STAFF:
            if number in taken:
                continue
            parts = name.split()
            email = f"{ascii_letters(parts[0])}.{ascii_letters(parts[1])}@agency.example"
            employee_id = self.new_id()
            session.execute(
                insert(Employee).values(
                    id=employee_id, number=number, name=name, email=email, phone=phone_number,
                    user_name=None if user in users else user, is_administrator=False,
                    updated_at=self.now,
                )
            )  # fmt: skip
            self.staff.append(_Staff(employee_id, name, supervisor))
        for member in self.staff:
            share = Decimal(5) if member.supervisor else Decimal(rng.choice((10, 12, 15)))
            self.add(
                "agency_staff",
                employee_id=member.employee_id,
                is_supervisor=member.supervisor,
                commission_share_percent=share,
            )
        self.counts["staff"] = len(self.staff)
        self.login = self.staff[0]
        self.supervisors = [s for s in self.staff if s.supervisor]
        collectors = [s for s in self.staff if not s.supervisor] or self.supervisors
        # The login user works a few case files too; the other supervisor fewer.
        self.collector_weights = [(s, 18) for s in collectors] + [
            (s, 6 if s is self.login else 3) for s in self.supervisors
        ]
        self.other = collectors[0]

    def clients(self) -> None:
        for code, name, country, language, currency, percent, days, bands in CLIENTS:
            slug = ascii_letters(name.split(",")[0])[:20]
            client_id = self.add(
                "agency_clients",
                code=code,
                name=name,
                tax_id=self.tax_id(country, company=True),
                contact_name=self.person_name(country),
                email=f"recobros@{slug}.example",
                phone=phone(self.rng, country),
                address=self.address(country),
                language=language,
                currency=currency,
                commission_percent=Decimal(percent),
                remittance_days=days,
                # The demo's data are in English whatever the user's language (same seed,
                # same rows), as the demo company's are.
                remittance_terms=f"Transfer of the net amount within {days} days of the "
                "month's end.",
            )
            for from_days, band in bands:
                self.add(
                    "agency_commission_bands",
                    client_id=client_id,
                    from_days=from_days,
                    percent=Decimal(band),
                )
            self.client_list.append((client_id, code, country, currency))
        self.counts["clients"] = len(CLIENTS)

    # -- names, tax ids, addresses

    def place(self, country: str) -> Place:
        return self.places[country]

    def person_name(self, country: str) -> str:
        place, rng = self.place(country), self.rng
        first, last = rng.choice(place.first_names), rng.choice(place.last_names)
        if country in ("ES", "PT"):
            return f"{first} {last} {rng.choice(place.last_names)}"
        return f"{first} {last}"

    def company_name(self, country: str) -> str:
        place, rng = self.place(country), self.rng
        template = rng.choice(BUSINESS_NAMES[country])
        return template.format(
            last=rng.choice(place.last_names),
            last2=rng.choice(place.last_names),
            town=rng.choice(place.towns)[0],
        )

    def address(self, country: str) -> str:
        place, rng = self.place(country), self.rng
        town, code = rng.choice(place.towns)
        street = rng.choice(place.streets)
        number = rng.randint(1, 180)
        if country == "GB":
            return f"{number} {street}, {town} {postcode(rng, country, code)}"
        if country == "FR":
            return f"{number} {street}, {postcode(rng, country, code)} {town}"
        return f"{street} {number}, {postcode(rng, country, code)} {town}"

    def tax_id(self, country: str, *, company: bool) -> str:
        """A tax id of the country's shape, never given twice."""
        rng = self.rng
        while True:
            digits = rng.randrange(10_000_000, 99_999_999)
            if country == "ES" and company:
                found = f"{rng.choice('ABJ')}{digits}"
            elif country == "ES":
                found = f"{digits}{'TRWAGMYFPDXBNJZSQVHLCKE'[digits % 23]}"
            elif country == "PT":
                found = f"{rng.choice('25' if company else '12')}{digits}"
            elif country == "FR":
                found = f"{digits}{rng.randrange(10)}" if company else f"FR{digits}"
            else:
                found = f"{digits:08d}" if company else f"GB{digits}"
            if found not in self.tax_ids:
                self.tax_ids.add(found)
                return found

    # -- one case file

    def assignments(self, cases: int) -> list[tuple[int, CaseFileStatus, int]]:
        """Each case file's story (its index: the first ones are ``SCRIPT``'s), status and
        age in days, oldest first: case numbers follow the days they were assigned."""
        rng = self.rng
        drawn = []
        for index in range(cases):
            status = SCRIPT[index] if index < len(SCRIPT) else pick(rng, STATUSES)
            if status is CaseFileStatus.NEW:
                age = rng.randint(1, 25)
            elif index < len(SCRIPT):
                age = rng.randint(120, 400)  # before their stories' promises and plans
            elif status not in OPEN_STATUSES:
                age = rng.randint(90, 740)
            else:
                age = rng.randint(40, 700)
            drawn.append((index, status, age))
        drawn.sort(key=lambda d: (-d[2], d[0]))
        return drawn

    def case(self, position: int, index: int, status: CaseFileStatus, age: int) -> None:
        """Case file number ``position + 1``, whose story is the ``index``-th."""
        rng, today = self.rng, self.today
        client_id, code, country, currency = self.client_list[
            0 if index < len(SCRIPT) else _weighted(rng, CLIENT_WEIGHTS)
        ]
        closed = status not in OPEN_STATUSES
        assigned_on = today - dt.timedelta(days=age)
        debt_date = assigned_on - dt.timedelta(days=rng.randint(45, 900))
        principal = rng.choice((4, 6, 9, 12, 18, 25, 40, 75, 150)) * rng.randint(2_000, 11_000)
        interest = principal * rng.choice((0, 0, 3, 5, 8)) // 100
        fees = rng.choice((0, 0, 3_000, 4_000, 6_000))
        debt = principal + interest + fees
        if index == 0:
            collector = self.login
        elif index < len(SCRIPT):
            collector = self.other
        elif status is CaseFileStatus.NEW and rng.random() < 0.35:
            collector = None
        else:
            collector = _weighted_choice(rng, self.collector_weights)
        debtor_id, registry = self.debtor(country, index)
        case_id = self.new_id()
        closed_on = (
            min(assigned_on + dt.timedelta(days=rng.randint(30, 400)), today - dt.timedelta(25))
            if closed
            else None
        )
        end = closed_on or self.yesterday
        works = collector or self.login
        done: list[dt.date] = []  # the days something was done on the case
        if status is not CaseFileStatus.NEW:
            done += self.collections(index, case_id, status, works, assigned_on, end, debt)
            done += self.annotations(
                index, case_id, status, works, assigned_on, end, country, debtor_id, registry
            )
        else:
            self.scheduled(case_id, works, assigned_on, always=index < len(SCRIPT))
        last_action = max(done) if done else None
        number = f"{CASE_PREFIX}{position + 1:0{CASE_WIDTH}d}"
        self.add(
            "agency_cases",
            id=case_id,
            number=number,
            client_id=client_id,
            client_reference=f"{code[:3]}-{rng.randrange(1_000_000, 9_999_999)}",
            debtor_id=debtor_id,
            currency=currency,
            principal=_money(principal),
            interest=_money(interest),
            fees=_money(fees),
            debt_date=debt_date,
            collector_id=collector.employee_id if collector else None,
            status=status.value,
            assigned_on=assigned_on,
            last_action_on=last_action,
            closed_on=closed_on,
            updated_at=self.stamp(last_action or assigned_on),
        )
        self.documents(case_id, code, debt_date, principal)
        if collector is not None:
            self.first_case.setdefault(collector.employee_id, case_id)
        self.counts["cases"] += 1

    def debtor(self, country: str, index: int) -> tuple[uuid.UUID, tuple[str | None, str | None]]:
        """A debtor of the client's country (about one in six already owes on another
        case), and the company it re-registered as, when it did."""
        rng = self.rng
        same = [d for d in self.debtors[-200:] if d[1] == country]
        if index >= len(SCRIPT) and same and rng.random() < 0.17:
            return rng.choice(same)[0], (None, None)
        company = index == 2 or rng.random() < 0.35
        name = self.company_name(country) if company else self.person_name(country)
        values: dict[str, Any] = {
            "kind": (DebtorKind.COMPANY if company else DebtorKind.PERSON).value,
            "name": name,
            "tax_id": self.tax_id(country, company=company),
            "language": {"ES": "es", "PT": "pt", "FR": "fr", "GB": "en"}[country],
        }
        if company and (index == 2 or rng.random() < 0.03):
            # Re-registered under another name: the registry annotation of its case says so.
            values["successor_name"] = self.company_name(country)
            values["successor_tax_id"] = self.tax_id(country, company=True)
        debtor_id = self.add("agency_debtors", **values)
        found = self.today - dt.timedelta(days=rng.randint(60, 900))
        contacts = [(DebtorContactKind.ADDRESS, self.address(country))]
        contacts.append((DebtorContactKind.PHONE, phone(rng, country)))
        if rng.random() < 0.4:
            contacts.append((DebtorContactKind.PHONE, phone(rng, country)))
        if rng.random() < 0.5:
            contacts.append((DebtorContactKind.EMAIL, f"{ascii_letters(name)[:16]}@mail.example"))
        for kind, value in contacts:
            self.add(
                "agency_debtor_contacts",
                debtor_id=debtor_id,
                kind=kind.value,
                value=value,
                source="client file",
                found_on=found,
            )
        self.counts["contacts"] += len(contacts)
        self.counts["debtors"] += 1
        self.debtors.append((debtor_id, country))
        return debtor_id, (values.get("successor_name"), values.get("successor_tax_id"))

    def documents(self, case_id: uuid.UUID, code: str, debt_date: dt.date, principal: int) -> None:
        rng = self.rng
        count = rng.choice((1, 1, 1, 2, 2, 3))
        parts = _split(rng, principal, count)
        for number, amount in enumerate(parts, start=1):
            due = debt_date - dt.timedelta(days=30 * (count - number))
            self.add(
                "agency_case_documents",
                case_id=case_id,
                document_number=f"{code[:2]}{due.year % 100:02d}-{rng.randrange(10**5, 10**6)}",
                document_date=due - dt.timedelta(days=30),
                due_date=due,
                amount=_money(amount),
            )
        self.counts["documents"] += count

    # -- collections, promises and plans

    def collections(
        self,
        index: int,
        case_id: uuid.UUID,
        status: CaseFileStatus,
        collector: _Staff,
        start: dt.date,
        end: dt.date,
        debt: int,
    ) -> list[dt.date]:
        """The case's collections (and its promise or plan); the days they were made."""
        rng, today = self.rng, self.today
        paid: list[tuple[dt.date, int]] = []
        first = start + dt.timedelta(days=3)
        if status is CaseFileStatus.PAYMENT_PLAN:
            paid += self.plan(index, case_id, collector, debt)
        elif index in (4, 5, 6, 7) or (status is CaseFileStatus.IN_PROGRESS and rng.random() < 0.2):
            paid += self.promise(index, case_id, collector, debt)
        if status is CaseFileStatus.NEW:
            return []
        planned = set(paid)  # approved within days: the calendar judges them
        if status is CaseFileStatus.CLOSED_PAID:
            count, share = rng.randint(2, 11), 100
        elif status is CaseFileStatus.IN_PROGRESS:
            count, share = rng.randint(1, 10), rng.randint(10, 70)
        elif status is CaseFileStatus.LEGAL:
            count, share = rng.randint(0, 2), rng.randint(0, 20)
        elif status is CaseFileStatus.PAYMENT_PLAN:
            count, share = rng.randint(0, 2), rng.randint(5, 15)
        else:
            count, share = rng.randint(0, 2), rng.randint(0, 25)
        if index < 3:
            count = max(count, 3)
            share = max(share, 30)
        total = debt * share // 100 - sum(a for _d, a in paid)
        if total >= count > 0 and first <= end:
            span = (end - first).days
            days = sorted(first + dt.timedelta(days=rng.randint(0, span)) for _n in range(count))
            if index < 2:  # the scripted ones: two of the last two weeks' collections
                days[-2:] = [today - dt.timedelta(days=12), today - dt.timedelta(days=3)]
            paid += zip(days, _split(rng, total, count), strict=True)
        paid.sort()
        for number, (day, amount) in enumerate(paid):
            self.collection(
                case_id, day, amount, collector,
                rejected=(index == 2 and number == len(paid) - 1) if index < 3 else None,
                reversed_=index == 2 and number == 0,
                unreceived=index == 1 and number == len(paid) - 1,
                waiting=PLAN_DAYS if (day, amount) in planned else UNAPPROVED_DAYS,
            )  # fmt: skip
        return [day for day, _amount in paid]

    def collection(
        self,
        case_id: uuid.UUID,
        day: dt.date,
        amount: int,
        collector: _Staff,
        *,
        rejected: bool | None = None,
        reversed_: bool = False,
        unreceived: bool = False,
        waiting: int = UNAPPROVED_DAYS,
    ) -> None:
        rng, today = self.rng, self.today
        day = min(day, self.yesterday)
        method = pick(rng, METHODS)
        reference = {
            "bank_transfer": f"TRF {rng.randrange(100_000, 999_999)}",
            "card": f"TPV {rng.randrange(10_000, 99_999)}",
            "cheque": f"CHQ {rng.randrange(1_000_000, 9_999_999)}",
            "promissory_note": f"PAG {rng.randrange(100_000, 999_999)}",
            "direct_debit": f"SEPA {rng.randrange(100_000, 999_999)}",
        }.get(method)
        recorded = self.stamp(day)
        collection_id = self.new_id()
        history: list[tuple[str, dt.datetime, uuid.UUID, str | None]] = [
            ("recorded", recorded, collector.employee_id, None)
        ]
        values: dict[str, Any] = {
            "id": collection_id,
            "case_id": case_id,
            "collected_on": day,
            "amount": _money(amount),
            "method": method,
            "reference": reference,
            "collected_by_id": collector.employee_id,
            "received": True,
            "updated_at": recorded,
        }
        recent = (today - day).days <= waiting
        approver = self.approver(collector)
        if rejected is None:  # a few of those waiting for a week
            rejected = recent and (today - day).days > 6 and rng.random() < 0.06
        if rejected:
            decided = self.after(recorded, rng.randint(60, 2 * 24 * 60))
            reason = rng.choice(REJECTIONS)
            values.update(
                state=CollectionState.REJECTED.value,
                decided_by_id=approver.employee_id,
                decided_at=decided,
                rejection_reason=reason,
                updated_at=decided,
                version=2,
            )
            history.append(("rejected", decided, approver.employee_id, reason))
            self.counts["rejected"] += 1
        elif recent and not reversed_:
            values["state"] = CollectionState.UNAPPROVED.value
            if unreceived or rng.random() < 0.2:
                values.update(received=False, version=2)
                history.append(("not_received", recorded, collector.employee_id, None))
            self.counts["unapproved"] += 1
        else:
            decided = self.after(recorded, rng.randint(60, 4 * 24 * 60))
            values.update(
                state=CollectionState.APPROVED.value,
                decided_by_id=approver.employee_id,
                decided_at=decided,
                approved_by_id=approver.employee_id,
                updated_at=decided,
                version=2,
            )
            history.append(("approved", decided, approver.employee_id, None))
        self.add("agency_collections", **values)
        if reversed_:
            on = max(day + dt.timedelta(days=1), today - dt.timedelta(days=5))
            at = self.stamp(min(on, self.yesterday))
            reason = "Cheque returned unpaid by the debtor's bank."
            self.add(
                "agency_collections",
                case_id=case_id,
                collected_on=min(on, self.yesterday),
                amount=_money(-amount),
                method=method,
                reference=reference,
                collected_by_id=collector.employee_id,
                received=True,
                state=CollectionState.APPROVED.value,
                decided_by_id=approver.employee_id,
                decided_at=at,
                approved_by_id=approver.employee_id,
                reverses_id=collection_id,
                note=reason,
                updated_at=at,
            )
            history.append(("reversed", at, approver.employee_id, reason))
            self.counts["collections"] += 1
        for change, at, by, note in history:
            self.add(
                "agency_collection_history",
                collection_id=collection_id,
                changed_at=at,
                changed_by_id=by,
                change=change,
                note=note,
            )
        self.counts["collections"] += 1

    def approver(self, collector: _Staff) -> _Staff:
        """A supervisor who is not the collector."""
        others = self._approvers.get(collector.employee_id)
        if others is None:
            others = [s for s in self.supervisors if s.employee_id != collector.employee_id]
            self._approvers[collector.employee_id] = others
        return self.rng.choice(others)

    def promise(
        self,
        index: int,
        case_id: uuid.UUID,
        collector: _Staff,
        debt: int,
    ) -> list[tuple[dt.date, int]]:
        """One promised payment: past (kept or broken), this month or next month."""
        rng, today = self.rng, self.today
        if index == 4:
            due, keep = today - dt.timedelta(days=40), True
        elif index == 5:
            due, keep = today - dt.timedelta(days=30), False
        elif index == 6:
            due, keep = max(today, self.next_month - dt.timedelta(days=2)), False
        elif index == 7:
            due, keep = self.next_month + dt.timedelta(days=9), False
        else:
            due = today + dt.timedelta(days=rng.randint(-90, 50))
            keep = due < today - dt.timedelta(days=UNAPPROVED_DAYS) and rng.random() < 0.6
        amount = max(debt * rng.choice((10, 20, 25, 50)) // 100, 5_000)
        # Agreed before it is due, and never later than yesterday (the demo's last day).
        agreed = min(due - dt.timedelta(days=rng.randint(7, 25)), self.yesterday)
        plan_id = self.add(
            "agency_plans",
            case_id=case_id,
            kind=PlanKind.PROMISE.value,
            agreed_on=agreed,
            created_by_id=collector.employee_id,
            note="Promised on the phone.",
            updated_at=self.stamp(agreed),
        )
        self.add("agency_instalments", plan_id=plan_id, number=1, due_on=due, amount=_money(amount))
        self.counts["plans"] += 1
        self.counts["instalments"] += 1
        return [(due - dt.timedelta(days=rng.randint(0, 3)), amount)] if keep else []

    def plan(
        self,
        index: int,
        case_id: uuid.UUID,
        collector: _Staff,
        debt: int,
    ) -> list[tuple[dt.date, int]]:
        """Monthly instalments from a few months ago to after next month: the past ones
        mostly kept, some broken or paid in part."""
        rng, today = self.rng, self.today
        agreed = today - dt.timedelta(days=95 if index == 3 else rng.randint(20, 200))
        first_due = agreed + dt.timedelta(days=15)
        months = (self.after_next.year - first_due.year) * 12 + self.after_next.month
        count = max(2, months - first_due.month + rng.randint(0, 3))
        amount = max(debt // count // 100 * 100, 2_000)
        plan_id = self.add(
            "agency_plans",
            case_id=case_id,
            kind=PlanKind.PLAN.value,
            agreed_on=agreed,
            created_by_id=collector.employee_id,
            note="Monthly instalments agreed with the debtor.",
            updated_at=self.stamp(agreed),
        )
        paid: list[tuple[dt.date, int]] = []
        for number in range(1, count + 1):
            due = _add_months(first_due, number - 1)
            self.add(
                "agency_instalments",
                plan_id=plan_id,
                number=number,
                due_on=due,
                amount=_money(amount),
            )
            if due >= today:
                continue
            roll = rng.random()
            if index == 3:
                roll = 0.95 if number == 2 else 0.0  # the second one broken, the others kept
            if roll < 0.85:
                paid.append((due - dt.timedelta(days=rng.randint(0, 3)), amount))
            elif roll < 0.92:
                paid.append((due - dt.timedelta(days=rng.randint(0, 3)), amount // 2))
        self.counts["plans"] += 1
        self.counts["instalments"] += count
        if rng.random() < 0.05:  # an earlier promise, broken and replaced by the plan
            self.add(
                "agency_plans",
                case_id=case_id,
                kind=PlanKind.PROMISE.value,
                agreed_on=agreed - dt.timedelta(days=40),
                created_by_id=collector.employee_id,
                note="Replaced by the payment plan.",
                cancelled_on=agreed,
                updated_at=self.stamp(agreed),
                version=2,
            )
            self.counts["plans"] += 1
        return paid

    # -- annotations

    def annotations(
        self,
        index: int,
        case_id: uuid.UUID,
        status: CaseFileStatus,
        collector: _Staff,
        start: dt.date,
        end: dt.date,
        country: str,
        debtor_id: uuid.UUID,
        registry: tuple[str | None, str | None],
    ) -> list[dt.date]:
        """Actions done, observations, located contacts, registry entries and the next
        action scheduled; the days actions were done."""
        rng = self.rng
        span = max((end - start).days, 0)
        done: list[dt.date] = []
        for _n in range(rng.choice((1, 1, 1, 2, 2, 3, 4))):
            kind = pick(rng, ACTIONS)
            day = start + dt.timedelta(days=rng.randint(0, span))
            texts = {
                AnnotationKind.CALL: CALL_TEXTS,
                AnnotationKind.VISIT: VISIT_TEXTS,
                AnnotationKind.LETTER: LETTER_TEXTS,
                AnnotationKind.BUROFAX: BUROFAX_TEXTS,
            }[kind]
            planned = day - dt.timedelta(days=rng.randint(1, 10)) if rng.random() < 0.3 else None
            self.annotation(
                case_id, kind, rng.choice(texts), collector, day,
                scheduled_on=planned, done_on=day,
            )  # fmt: skip
            done.append(day)
        if rng.random() < 0.3 or index < len(SCRIPT):
            day = start + dt.timedelta(days=rng.randint(0, span))
            self.annotation(case_id, AnnotationKind.OBSERVATION, rng.choice(OBSERVATIONS),
                            collector, day)  # fmt: skip
        if rng.random() < 0.08 or index == 1:
            day = start + dt.timedelta(days=rng.randint(0, span))
            source = rng.choice(SOURCES)
            found = phone(rng, country) if rng.random() < 0.5 else self.address(country)
            kind = DebtorContactKind.PHONE if found.startswith("+") else DebtorContactKind.ADDRESS
            self.annotation(
                case_id, AnnotationKind.LOCATE, f"New {kind.value} found ({source}).", collector,
                day, source=source, found_value=found,
            )  # fmt: skip
            self.add(
                "agency_debtor_contacts",
                debtor_id=debtor_id,
                kind=kind.value,
                value=found,
                source=source,
                found_on=day,
            )
            self.counts["contacts"] += 1
        name, tax_id = registry
        if name is not None:
            day = start + dt.timedelta(days=rng.randint(0, span))
            annotation_id = self.annotation(
                case_id, AnnotationKind.REGISTRY,
                f"The mercantile registry shows the debtor re-registered as {name}.",
                collector, day, new_name=name, new_tax_id=tax_id,
            )  # fmt: skip
            self.attach(
                collector, day, annotation_id=annotation_id, file_name="registry-extract.pdf",
                content=tiny_pdf(f"Registry extract: {name} ({tax_id})"),
            )  # fmt: skip
        if status in OPEN_STATUSES:
            self.scheduled(case_id, collector, start, always=index < len(SCRIPT))
        return done

    def scheduled(
        self, case_id: uuid.UUID, collector: _Staff, start: dt.date, *, always: bool
    ) -> None:
        """The next action, in this month or the next, not yet done."""
        rng = self.rng
        if not always and rng.random() >= 0.35:
            return
        span = (self.after_next - self.today).days - 1
        day = self.today + dt.timedelta(days=rng.randint(0, span))
        kind = pick(rng, ACTIONS)
        self.annotation(case_id, kind, SCHEDULED_TEXTS[kind], collector,
                        max(start, self.yesterday - dt.timedelta(days=rng.randint(0, 20))),
                        scheduled_on=day)  # fmt: skip

    def annotation(
        self,
        case_id: uuid.UUID,
        kind: AnnotationKind,
        text: str,
        by: _Staff,
        day: dt.date,
        **values: Any,
    ) -> uuid.UUID:
        at = self.stamp(min(day, self.yesterday))
        self.counts["annotations"] += 1
        return self.add(
            "agency_annotations",
            case_id=case_id,
            kind=kind.value,
            text=text,
            created_by_id=by.employee_id,
            created_at=at,
            updated_at=at,
            **values,
        )

    def attach(
        self, by: _Staff, day: dt.date, *, file_name: str, content: bytes, **owner: Any
    ) -> None:
        media = "application/pdf" if content.startswith(b"%PDF") else "image/png"
        self.add(
            "agency_attachments",
            file_name=file_name,
            media_type=media,
            size=len(content),
            sha256=sha256(content).hexdigest(),
            content=content,
            added_by_id=by.employee_id,
            added_at=self.stamp(min(day, self.yesterday)),
            **owner,
        )
        self.counts["attachments"] += 1

    # -- expenses

    def expenses(self) -> None:
        """Last month's expenses (approved, one rejected, a late one submitted) and this
        month's (drafts, and submitted ones of those who sent them early)."""
        rng = self.rng
        last_month = _add_months(self.month, -1)
        cases = self.first_case
        for position, member in enumerate(self.staff):
            for month in (last_month, self.month):
                days = ((self.today if month == self.month else self.month) - month).days
                for item in range(rng.randint(4, 8)):
                    kind, _w, low, high, text = EXPENSES[_weighted(rng, [e[1] for e in EXPENSES])]
                    spent = month + dt.timedelta(days=rng.randint(0, max(days - 1, 0)))
                    spent = min(spent, self.today)
                    state = self.expense_state(month == last_month, position, item)
                    self.expense(member, month, spent, kind, rng.randint(low, high), text,
                                 state, cases.get(member.employee_id))  # fmt: skip

    def expense_state(self, last_month: bool, position: int, item: int) -> ExpenseState:
        if last_month:
            if position == 1 and item == 0:
                return ExpenseState.REJECTED
            if position == 2:
                return ExpenseState.SUBMITTED  # sent late, waiting for approval
            return ExpenseState.APPROVED
        if position in (3, 4):
            return ExpenseState.SUBMITTED if item else ExpenseState.APPROVED
        return ExpenseState.DRAFT

    def expense(
        self,
        member: _Staff,
        month: dt.date,
        spent: dt.date,
        kind: ExpenseKind,
        cents: int,
        text: str,
        state: ExpenseState,
        case_id: uuid.UUID | None,
    ) -> None:
        rng = self.rng
        values: dict[str, Any] = {
            "employee_id": member.employee_id,
            "month": month,
            "spent_on": spent,
            "kind": kind.value,
            "amount": _money(cents),
            "currency": "EUR",
            "case_id": case_id if rng.random() < 0.6 else None,
            "description": text,
            "state": state.value,
            "updated_at": self.stamp(min(spent, self.yesterday)),
        }
        if state is not ExpenseState.DRAFT:
            sent = min(_add_months(month, 1), self.today) - dt.timedelta(days=1)
            values["submitted_at"] = submitted = self.stamp(max(sent, spent))
        if state in (ExpenseState.APPROVED, ExpenseState.REJECTED):
            approver = self.approver(member)
            decided = self.after(submitted, rng.randint(60, 3 * 24 * 60))
            values.update(decided_by_id=approver.employee_id, decided_at=decided, version=3)
            if state is ExpenseState.APPROVED:
                values["approved_by_id"] = approver.employee_id
            else:
                values["rejection_reason"] = "No receipt for this amount; attach it and resend."
        expense_id = self.add("agency_expenses", **values)
        self.counts["expenses"] += 1
        if state is not ExpenseState.REJECTED and rng.random() < 0.8:
            if rng.random() < 0.5:
                name, content = f"receipt-{spent:%Y%m%d}.png", self.png
            else:
                name = f"receipt-{spent:%Y%m%d}.pdf"
                content = tiny_pdf(f"{text}: {_money(cents)} EUR on {spent.isoformat()}")
            self.attach(member, spent, expense_id=expense_id, file_name=name, content=content)

    # -- the counter

    def sequence(self, cases: int) -> None:
        """Leave the case counter after the demo's last number."""
        done = self.session.execute(
            update(NumberSequence)
            .where(NumberSequence.name == AGENCY_SEQUENCE)
            .values(next_value=cases + 1, updated_at=self.now)
        )
        if not getattr(done, "rowcount", 0):
            self.session.execute(
                insert(NumberSequence).values(
                    id=self.new_id(),
                    name=AGENCY_SEQUENCE,
                    prefix=CASE_PREFIX,
                    width=CASE_WIDTH,
                    next_value=cases + 1,
                    updated_at=self.now,
                    version=1,
                )
            )


def _drop_plain_indexes(session: Session) -> list[str]:
    """On SQLite, drop the agency tables' non-unique indexes; return the SQL that makes
    them again. Building an index once after the rows is faster than growing it row by
    row; this happens in the caller's transaction, so a failure restores them too."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return []
    names = ", ".join(f"'{table.__tablename__}'" for table in FILLED_TABLES)
    rows = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND sql NOT LIKE 'CREATE UNIQUE%' AND tbl_name IN ({names}) ORDER BY name"
    ).all()
    for name, _sql in rows:
        connection.exec_driver_sql(f'DROP INDEX "{name}"')
    return [sql for _name, sql in rows]


# --- small helpers ----------------------------------------------------------------------------


def _money(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def _split(rng: random.Random, total: int, count: int) -> list[int]:
    """``total`` cents in ``count`` positive parts of random sizes."""
    if count <= 1:
        return [total]
    weights = [rng.randint(5, 20) for _n in range(count)]
    whole = sum(weights)
    parts = [max(total * w // whole, 1) for w in weights]
    parts[-1] = total - sum(parts[:-1])
    return parts


def _weighted(rng: random.Random, weights: Sequence[int]) -> int:
    """The index of a weighted choice."""
    point = rng.randrange(sum(weights))
    for position, weight in enumerate(weights):
        point -= weight
        if point < 0:
            return position
    raise AssertionError("unreachable")  # pragma: no cover


def _weighted_choice(rng: random.Random, table: Sequence[tuple[_Staff, int]]) -> _Staff:
    return table[_weighted(rng, [weight for _s, weight in table])][0]


def _add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover

"""Suggest, for each money-in line of a bank statement, whose payment it is and what it pays.

``match_lines`` reads only what the lines point to: the documents their references and
texts name, the customers their IBANs belong to, and (for the lines the first three
rules leave unsure) the customers whose names are like the payer's. Four rules, tried in
this order, each giving a confidence from 0 to 100; a line is confirmed without a look
when its best suggestion reaches the company's ``bank_confirm_confidence`` (90 by default).

1. ``reference``: a structured creditor reference (ISO 11649, ``references.py``) of one
   of our documents or customer accounts, in the bank's reference field or in the text.
2. ``invoice_number``: document numbers in the text ("INV 1234", "fra. 0001234",
   "Facture n° 1234, 1240"); a bare number ("1234") only counts when the amount agrees
   or the payer is known to be the document's customer.
3. ``iban_amount``: an IBAN known to be the customer's and an amount equal to one open
   item or to the sum of the oldest ones.
4. ``name_amount``: the payer's name like a customer's name, and such an amount.

A customer known (by IBAN, or a strong and unambiguous name) with no amount that fits
gives a ``customer`` suggestion without allocations: confirmed, it is an unsettled
payment. The confidences and why they are what they are: ``docs/BANK_MATCHING.md``.

Only the scope's customers are read (an agent sees the lines of their pools' customers;
a supervisor all), and only their open debits (invoices, fees, interest notes) in the
line's currency, open on ``as_of``. Nothing is written.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import TypeVar

from rapidfuzz import fuzz, process
from sqlalchemy import and_, case, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from collections_desktop.formatting import text_formats
from collections_desktop.i18n import _
from collections_desktop.kernel.money import ZERO
from collections_desktop.models.bank.references import (
    find_references,
    format_reference,
    reference_target,
)
from collections_desktop.models.db.schema import (
    Customer,
    CustomerBankAccount,
    CustomerTransaction,
    ReceivablesParameters,
    SettlementLine,
    TransactionType,
)
from collections_desktop.models.db.types import Money
from collections_desktop.models.ledger.numbering import SEQUENCES
from collections_desktop.models.people.scope import AgentScope

RULES = ("reference", "invoice_number", "iban_amount", "name_amount", "customer")
"""The rules, in the order they are tried (and the order of equal confidences)."""

DEFAULT_CONFIRM_CONFIDENCE = 90
MAX_SUGGESTIONS = 5
_CHUNK = 500
_MATCHED_TYPES = (TransactionType.INVOICE, TransactionType.FEE, TransactionType.INTEREST_NOTE)

# --- confidences (docs/BANK_MATCHING.md says why) --------------------------------------------
# A reference to a document: the payer's bank copied the number we printed, check digits
# and all; a typo is caught by the check digits, so only the amount can lower it.
REF_EQUAL, REF_TOLERANCE, REF_PARTIAL, REF_OVER, REF_PAID = 99, 97, 95, 92, 80
# A reference to a customer account (letters and statements ask for the balance).
ACCOUNT_FIT, ACCOUNT_OLDEST_FIRST, ACCOUNT_NOTHING_OPEN = 97, 93, 90
# Document numbers in the text: a typo can name someone else's document, so an amount
# that does not fit needs the payer's IBAN or name to agree with the document's customer.
NUMBER_EQUAL, NUMBER_TOLERANCE = 97, 95
NUMBER_PARTIAL, NUMBER_OVER = 88, 85  # uncorroborated: shown, never confirmed alone
NUMBER_PARTIAL_KNOWN, NUMBER_OVER_KNOWN = 94, 91  # the payer is the document's customer
BARE_EQUAL, BARE_PARTIAL_KNOWN, BARE_OVER_KNOWN = 93, 90, 86
SEVERAL_CUSTOMERS_PENALTY = 10  # documents of two customers named in one text
# The payer's IBAN and the amount.
IBAN_SINGLE, IBAN_OLDEST, IBAN_TOLERANCE, IBAN_AMBIGUOUS, IBAN_SHARED_PENALTY = 93, 91, 91, 80, 15
NAME_AGREES_BONUS = 3
# The payer's name and the amount.
NAME_STRONG, NAME_CLOSE, NAME_WEAK = 90, 82, 70
NAME_STRONG_SCORE, NAME_CLOSE_SCORE, NAME_MIN_SCORE, NAME_MARGIN = 95.0, 88.0, 80.0, 5.0
# A known customer, no amount that fits: a payment on account, for someone to look at.
CUSTOMER_BY_IBAN, CUSTOMER_BY_NAME = 70, 55
CORROBORATING_NAME_SCORE = 85.0

T = TypeVar("T")


@dataclass(frozen=True)
class LineFacts:
    """What matching reads of a statement line (no ORM)."""

    id: uuid.UUID
    booking_date: dt.date
    amount: Decimal
    currency: str
    counterparty_name: str | None
    counterparty_iban: str | None
    remittance: str | None
    creditor_reference: str | None
    end_to_end_id: str | None


@dataclass(frozen=True)
class Allocation:
    """What a payment settles of one document (``amount`` above zero)."""

    transaction_id: uuid.UUID
    document_number: str
    amount: Decimal


@dataclass(frozen=True)
class Suggestion:
    """One reading of a line: the customer, what it settles, how sure and why.

    ``difference`` is the line's amount minus the open amount of the documents matched:
    above zero, left unsettled on the payment; below zero, left open on the document(s)
    (a partial payment, or less paid within the tolerance). The allocations never add
    up to more than the line. Without allocations (a payment on account) it is the
    line's amount.
    """

    customer_id: uuid.UUID
    account: str
    customer_name: str
    allocations: tuple[Allocation, ...]
    confidence: int
    rule: str
    reason: str
    difference: Decimal


@dataclass(frozen=True)
class MatchSettings:
    """The company's matching settings (receivables parameters)."""

    tolerance_amount: Decimal
    tolerance_percent: Decimal
    confirm_confidence: int

    def tolerance(self, amount: Decimal) -> Decimal:
        """How far a payment of ``amount`` may be from what it pays and still match: the
        amount, or the percentage of the payment rounded to the cent, whichever is larger
        (as the confirmation's write-off of the difference reads it, ``reconcile.tolerance``)."""
        by_percent = (abs(amount) * self.tolerance_percent / 100).quantize(Decimal("0.01"))
        return max(self.tolerance_amount, by_percent)


def match_settings(session: Session) -> MatchSettings:
    """The tolerance and the confidence from which a line is confirmed without a look."""
    row = session.execute(
        select(
            ReceivablesParameters.bank_tolerance_amount,
            ReceivablesParameters.bank_tolerance_percent,
            ReceivablesParameters.bank_confirm_confidence,
        ).limit(1)
    ).one_or_none()
    if row is None:
        return MatchSettings(ZERO, ZERO, DEFAULT_CONFIRM_CONFIDENCE)
    amount, percent, confidence = row
    return MatchSettings(
        Decimal(amount or 0),
        Decimal(percent or 0),
        DEFAULT_CONFIRM_CONFIDENCE if confidence is None else int(confidence),
    )


# --- reading the texts -----------------------------------------------------------------------

_PREFIXES = {
    prefix.rstrip("-").upper(): (prefix, width)
    for name, (prefix, width) in SEQUENCES.items()
    if name in ("invoice", "fee", "interest_note")
}
_INVOICE_PREFIX, _INVOICE_WIDTH = SEQUENCES["invoice"]
# Words that announce an invoice number, in the languages customers write in.
_KEYWORDS = (
    r"invoices?|inv|facturas?|factures?|fact|fras?|fcts?|fac|faturas?|fats?|ft|rechnung|re|"
    r"n[°ºo]s?|num|nr|no|number|numero|número|doc"
)
_NUMBER = r"[0-9]{1,12}"
_SEPARATOR = r"\s*(?:,|;|/|&|\+|\by\b|\be\b|\bet\b|\band\b)\s*"
_PREFIXED = re.compile(
    r"(?<![A-Z0-9])(" + "|".join(_PREFIXES) + r")[\s._/#:-]*(" + _NUMBER + r")(?![0-9])", re.I
)
_ANNOUNCED = re.compile(
    r"(?<![A-Za-z0-9])(?:" + _KEYWORDS + r")\.?\s*[.:#-]?\s*"
    r"((?:[0-9]{1,12})(?:" + _SEPARATOR + r"[0-9]{1,12}(?![0-9.,]?[0-9]))*)(?![0-9])",
    re.I,
)
_DIGIT_GROUP = re.compile(r"[0-9]+(?:[.,/:-][0-9]+)*")
_LITERAL = re.compile(r"(?<![A-Z0-9])([A-Z]{1,5}[-/][0-9]{3,12})(?![0-9])", re.I)


def _canonical(prefix: str, digits: str) -> str:
    """A number as the ledger writes it: the prefix, then the digits padded to the width."""
    number = prefix.upper()
    real, width = _PREFIXES.get(number, (f"{number}-", len(digits)))
    value = digits.lstrip("0") or "0"
    return f"{real}{value.zfill(width)}"


def named_documents(text: str | None) -> tuple[list[str], list[str]]:
    """(numbers named plainly, bare numbers) in a payment's text, as document numbers.

    Plain: a document prefix with its digits ("INV 1234", "inv-0001234", "FEE0000012"),
    a number as written ("F-2024/..."), or numbers after a word that says "invoice"
    ("factura 1234", "Fras. 1234, 1240 y 1251", "n° 1234"). Bare: three to seven digits
    standing alone ("1234"), not part of a date, an amount or a longer number; read as
    invoice numbers. Leading zeros do not matter.
    """
    if not text:
        return [], []
    plain: list[str] = []
    spans: list[tuple[int, int]] = []
    for match in _PREFIXED.finditer(text):
        plain.append(_canonical(match.group(1), match.group(2)))
        spans.append(match.span())
    for match in _ANNOUNCED.finditer(text):
        for digits in re.findall(r"[0-9]+", match.group(1)):
            plain.append(_canonical(_INVOICE_PREFIX.rstrip("-"), digits))
        spans.append(match.span())
    for match in _LITERAL.finditer(text):
        plain.append(match.group(1).upper())
    bare: list[str] = []
    for match in _DIGIT_GROUP.finditer(text):
        token = match.group(0)
        if not token.isdigit() or not 3 <= len(token) <= 7:
            continue
        if any(start <= match.start() < end for start, end in spans):
            continue
        bare.append(_canonical(_INVOICE_PREFIX.rstrip("-"), token))
    plain = list(dict.fromkeys(plain))
    return plain, [n for n in dict.fromkeys(bare) if n not in plain]


_LEGAL_FORMS = frozenset(
    (
        "sl", "sa", "slu", "sll", "slne", "sau", "sc", "scp", "sccl", "cb", "ltd", "limited", "plc",
        "llp", "llc", "inc", "corp", "co", "company", "cie", "gmbh", "ag", "kg", "ohg", "ug", "mbh",
        "sarl", "sas", "sasu", "eurl", "snc", "sci", "lda", "ld", "unipessoal", "bv", "nv", "spa",
        "srl",
    )
)  # fmt: skip
_ABBREVIATIONS = {
    "hnos": "hermanos",
    "hermans": "hermanos",
    "bros": "brothers",
    "cia": "compania",
    "intl": "international",
    "int": "international",
    "dept": "departement",
    "univ": "universite",
    "ste": "societe",
    "soc": "sociedad",
    "const": "construcciones",
    "constr": "construcciones",
    "svcs": "services",
    "serv": "servicios",
    "sum": "suministros",
    "sumin": "suministros",
    "dist": "distribuciones",
    "mfg": "manufacturing",
}
_STOP_WORDS = frozenset(
    (
        "de",
        "del",
        "la",
        "las",
        "el",
        "los",
        "y",
        "e",
        "et",
        "and",
        "the",
        "of",
        "da",
        "do",
        "das",
        "dos",
        "des",
        "du",
        "le",
        "les",
    )
)


_DOTTED = re.compile(r"\b([a-z])\s?\.\s?([a-z])\s?\.(?:\s?([a-z])\s?\.)?")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def normalise_name(name: str | None) -> str:
    """A name as the name rule compares it: lower case, without accents, punctuation,
    legal forms ("S.L.", "Ltd", "GmbH", "SARL", "Lda") or stop words, abbreviations
    written out ("Hnos" → "hermanos")."""
    if not name:
        return ""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    if "." in text:  # dotted legal forms ("s.l.", "s. a.") made words before the dots go
        text = _DOTTED.sub(r"\1\2\3 ", text)
    kept = []
    for word in _NOT_ALNUM.split(text):
        word = _ABBREVIATIONS.get(word, word)
        if word and word not in _LEGAL_FORMS and word not in _STOP_WORDS:
            kept.append(word)
    return " ".join(kept)


def _name_score(payer: str, customer: str, *, truncated: bool) -> float:
    """How alike two normalised names are (0-100); a name the bank cut short is compared
    with the same length of the customer's name."""
    if not payer or not customer:
        return 0.0
    score = fuzz.token_sort_ratio(payer, customer)
    if truncated and len(customer) > len(payer):
        score = max(score, fuzz.ratio(payer, customer[: len(payer)]))
    return float(score)


# --- reading the ledger ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Item:
    """A debit with what is open of it on the matching date."""

    transaction_id: uuid.UUID
    customer_id: uuid.UUID
    document_number: str
    due_date: dt.date
    voucher: str
    currency: str
    open_amount: Decimal
    posting_date: dt.date

    @property
    def order(self) -> tuple[dt.date, str]:
        """Oldest first: due date, then voucher."""
        return (self.due_date, self.voucher)


@dataclass(frozen=True)
class _Customer:
    id: uuid.UUID
    account: str
    name: str


def _slices(items: Sequence[T], size: int = _CHUNK) -> Iterator[Sequence[T]]:
    """Slices small enough for an ``IN (...)`` on every database."""
    return (items[start : start + size] for start in range(0, len(items), size))


def _open_column(as_of: dt.date):  # type: ignore[no-untyped-def]
    """What is open of a transaction on ``as_of``: zero once closed, else amount - settled."""
    t = CustomerTransaction
    settled = (
        select(func.coalesce(func.sum(SettlementLine.amount), 0))
        .where(SettlementLine.transaction_id == t.id, SettlementLine.settlement_date <= as_of)
        .correlate(t)
        .scalar_subquery()
    )
    closed = and_(t.closed_on.is_not(None), t.closed_on <= as_of)
    return type_coerce(case((closed, 0), else_=t.amount - settled), Money()).label("open")


def _item_columns(as_of: dt.date):  # type: ignore[no-untyped-def]
    t = CustomerTransaction
    return (
        t.id,
        t.customer_id,
        t.document_number,
        t.due_date,
        t.voucher,
        t.currency,
        _open_column(as_of),
        t.posting_date,
    )


def _documents(
    session: Session, scope: AgentScope, numbers: Iterable[str], as_of: dt.date
) -> dict[str, list[_Item]]:
    """The scope's debits with these numbers (open or not, open amount zero when closed)."""
    t = CustomerTransaction
    found: dict[str, list[_Item]] = defaultdict(list)
    for part in _slices(sorted(set(numbers))):
        query = (
            select(*_item_columns(as_of))
            .join(Customer, Customer.id == t.customer_id)
            .where(
                t.document_number.in_(part),
                t.type.in_(_MATCHED_TYPES),
                t.posting_date <= as_of,
                Customer.deleted_at.is_(None),
                scope.customer_condition(as_of),
            )
        )
        for row in session.execute(query):
            found[row.document_number].append(_Item(*row))
    return found


def _open_items(
    session: Session, customer_ids: Iterable[uuid.UUID], as_of: dt.date
) -> dict[uuid.UUID, list[_Item]]:
    """The open debits of these customers on ``as_of``, oldest first."""
    t = CustomerTransaction
    items: dict[uuid.UUID, list[_Item]] = defaultdict(list)
    for part in _slices(sorted(set(customer_ids))):
        query = select(*_item_columns(as_of)).where(
            t.customer_id.in_(part),
            t.type.in_(_MATCHED_TYPES),
            t.amount > 0,
            t.posting_date <= as_of,
            or_(t.closed_on.is_(None), t.closed_on > as_of),
        )
        for row in session.execute(query):
            item = _Item(*row)
            if item.open_amount > ZERO:
                items[item.customer_id].append(item)
    for listed in items.values():
        listed.sort(key=lambda i: i.order)
    return items


def _customers(
    session: Session,
    scope: AgentScope,
    as_of: dt.date,
    *,
    ids: Iterable[uuid.UUID] = (),
    accounts: Iterable[str] = (),
) -> dict[uuid.UUID, _Customer]:
    """The scope's customers among these ids and accounts."""
    found: dict[uuid.UUID, _Customer] = {}
    for column, values in (
        (Customer.id, sorted(set(ids))),
        (Customer.account, sorted(set(accounts))),
    ):
        for part in _slices(values):
            query = select(Customer.id, Customer.account, Customer.name).where(
                column.in_(part), Customer.deleted_at.is_(None), scope.customer_condition(as_of)
            )
            for row in session.execute(query):
                found[row.id] = _Customer(*row)
    return found


def _iban_owners(
    session: Session, scope: AgentScope, ibans: Iterable[str], as_of: dt.date
) -> dict[str, list[uuid.UUID]]:
    """The scope's customers known to pay from each IBAN."""
    owners: dict[str, list[uuid.UUID]] = defaultdict(list)
    for part in _slices(sorted(set(ibans))):
        query = (
            select(CustomerBankAccount.iban, CustomerBankAccount.customer_id)
            .join(Customer, Customer.id == CustomerBankAccount.customer_id)
            .where(
                CustomerBankAccount.iban.in_(part),
                CustomerBankAccount.deleted_at.is_(None),
                Customer.deleted_at.is_(None),
                scope.customer_condition(as_of),
            )
            .order_by(CustomerBankAccount.iban, Customer.account)
        )
        for iban, customer_id in session.execute(query):
            owners[iban].append(customer_id)
    return owners


# --- amounts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Fit:
    """How a line's amount meets a set of documents."""

    kind: str  # "equal", "tolerance", "partial", "over"
    items: tuple[_Item, ...]
    allocations: tuple[Allocation, ...]
    difference: Decimal
    ambiguous: bool = False

    @property
    def agrees(self) -> bool:
        return self.kind in ("equal", "tolerance")


def _allocate(amount: Decimal, items: Sequence[_Item]) -> tuple[Allocation, ...]:
    """``amount`` spread over ``items`` oldest first, none above what is open of it."""
    left, allocations = amount, []
    for item in sorted(items, key=lambda i: i.order):
        if left <= ZERO:
            break
        paid = min(left, item.open_amount)
        allocations.append(Allocation(item.transaction_id, item.document_number, paid))
        left -= paid
    return tuple(allocations)


def _fit(amount: Decimal, items: Sequence[_Item], settings: MatchSettings) -> _Fit:
    """The amount against all of ``items``: equal, within the tolerance, less, or more."""
    ordered = tuple(sorted(items, key=lambda i: i.order))
    total = sum((i.open_amount for i in ordered), ZERO)
    difference = amount - total
    if difference == ZERO:
        kind = "equal"
    elif abs(difference) <= settings.tolerance(amount):
        kind = "tolerance"
    else:
        kind = "partial" if difference < ZERO else "over"
    return _Fit(kind, ordered, _allocate(amount, ordered), difference)


def _fit_open_items(
    amount: Decimal, items: Sequence[_Item], settings: MatchSettings
) -> _Fit | None:
    """One open item of this amount, else the oldest ones adding up to it; ``None`` if none."""
    exact = [i for i in items if i.open_amount == amount]
    close = exact or [i for i in items if abs(amount - i.open_amount) <= settings.tolerance(amount)]
    if close:
        fit = _fit(amount, close[:1], settings)
        if len(close) > 1:
            return _Fit(fit.kind, fit.items, fit.allocations, fit.difference, ambiguous=True)
        return fit
    running = ZERO
    for count, item in enumerate(items, start=1):
        running += item.open_amount
        if count > 1 and abs(amount - running) <= settings.tolerance(amount):
            return _fit(amount, items[:count], settings)
        if running > amount:
            break
    return None


# --- the reasons -----------------------------------------------------------------------------


def _documents_text(items: Sequence[_Item]) -> str:
    numbers = list(dict.fromkeys(i.document_number for i in items))
    if len(numbers) == 1:
        return numbers[0]
    return _("{first} and {last}").format(first=", ".join(numbers[:-1]), last=numbers[-1])


def _amount_clause(fit: _Fit, currency: str) -> str:
    """What the amount says about the documents, as the second half of a reason."""
    fmt = text_formats()
    docs = _documents_text(fit.items)
    several = len(fit.items) > 1
    if fit.kind == "equal":
        if several:
            return _("the amount equals their open total")
        return _("the amount equals {document}'s open amount").format(document=docs)
    if fit.kind == "tolerance":
        return _(
            "the amount differs from the open amount of {documents} by {difference}, "
            "within the tolerance"
        ).format(documents=docs, difference=fmt.money(abs(fit.difference), currency))
    if fit.kind == "partial":
        return _("the amount pays part of {documents}; {open} stays open").format(
            documents=docs, open=fmt.money(-fit.difference, currency)
        )
    return _(
        "the amount is {difference} more than the open amount of {documents}; "
        "the rest stays unsettled"
    ).format(documents=docs, difference=fmt.money(fit.difference, currency))


def _sentence(evidence: str, clause: str | None = None) -> str:
    """``evidence; clause.`` as one sentence."""
    text = f"{evidence}; {clause}" if clause else evidence
    return text if text.endswith(".") else text + "."


def _format_iban(iban: str) -> str:
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


# --- the rules -------------------------------------------------------------------------------


@dataclass
class _Context:
    """What one call of ``match_lines`` read, shared by the rules."""

    session: Session
    scope: AgentScope
    as_of: dt.date
    settings: MatchSettings
    customers: dict[uuid.UUID, _Customer]
    documents: dict[str, list[_Item]]
    open_items: dict[uuid.UUID, list[_Item]]
    iban_owners: dict[str, list[uuid.UUID]]

    @cached_property
    def by_account(self) -> dict[str, _Customer]:
        """The customers read, by account."""
        return {c.account: c for c in self.customers.values()}

    def items(self, customer_id: uuid.UUID, line: LineFacts) -> list[_Item]:
        """The customer's open items the line can pay: in its currency, posted by its date."""
        return [i for i in self.open_items.get(customer_id, ()) if payable(i, line)]


def payable(item: _Item, line: LineFacts) -> bool:
    """A payment settles only what was posted by its date, in its own currency."""
    return item.currency == line.currency and item.posting_date <= line.booking_date


def _suggestion(
    customer: _Customer, fit: _Fit | None, confidence: int, rule: str, reason: str, amount: Decimal
) -> Suggestion:
    return Suggestion(
        customer_id=customer.id,
        account=customer.account,
        customer_name=customer.name,
        allocations=fit.allocations if fit else (),
        confidence=max(0, min(100, confidence)),
        rule=rule,
        reason=reason,
        difference=fit.difference if fit else amount,
    )


def _payer_is(line: LineFacts, customer: _Customer, context: _Context) -> tuple[bool, bool]:
    """(the line's IBAN is the customer's, the payer's name is like the customer's)."""
    by_iban = customer.id in context.iban_owners.get(line.counterparty_iban or "", ())
    name = normalise_name(line.counterparty_name)
    truncated = len(line.counterparty_name or "") >= 30
    by_name = _name_score(name, normalise_name(customer.name), truncated=truncated)
    return by_iban, by_name >= CORROBORATING_NAME_SCORE


def _by_reference(line: LineFacts, refs: list[str], context: _Context) -> list[Suggestion]:
    """Rule 1: a creditor reference of one of our documents or accounts."""
    out: list[Suggestion] = []
    for ref in refs:
        target = reference_target(ref)
        if target is None:
            continue
        shown = format_reference(ref)
        documents = [i for i in context.documents.get(target, []) if payable(i, line)]
        if documents:
            customer = context.customers.get(documents[0].customer_id)
            if customer is None:
                continue
            open_docs = [i for i in documents if i.open_amount > ZERO]
            evidence = _("{reference} matches {document}").format(reference=shown, document=target)
            if not open_docs:
                reason = _sentence(evidence, _("it is paid already: a payment on account"))
                out.append(_suggestion(customer, None, REF_PAID, "customer", reason, line.amount))
                continue
            fit = _fit(line.amount, open_docs, context.settings)
            confidence = {
                "equal": REF_EQUAL,
                "tolerance": REF_TOLERANCE,
                "partial": REF_PARTIAL,
                "over": REF_OVER,
            }[fit.kind]
            reason = _sentence(evidence, _amount_clause(fit, line.currency))
            out.append(_suggestion(customer, fit, confidence, "reference", reason, line.amount))
            continue
        customer = context.by_account.get(target)
        if customer is None:
            continue
        evidence = _("{reference} is the payment reference of {account}").format(
            reference=shown, account=customer.account
        )
        items = context.items(customer.id, line)
        if not items:
            reason = _sentence(evidence, _("nothing is open: a payment on account"))
            out.append(
                _suggestion(customer, None, ACCOUNT_NOTHING_OPEN, "reference", reason, line.amount)
            )
            continue
        found = _fit_open_items(line.amount, items, context.settings)
        if found is not None and not found.ambiguous:
            fit, confidence = found, ACCOUNT_FIT
        else:
            fit = _fit(line.amount, items, context.settings)
            confidence = ACCOUNT_FIT if fit.agrees else ACCOUNT_OLDEST_FIRST
            if not fit.agrees:
                reason = _sentence(
                    evidence, _("the amount is settled against the oldest open items")
                )
                out.append(_suggestion(customer, fit, confidence, "reference", reason, line.amount))
                continue
        reason = _sentence(evidence, _amount_clause(fit, line.currency))
        out.append(_suggestion(customer, fit, confidence, "reference", reason, line.amount))
    return out


def _by_numbers(
    line: LineFacts, plain: list[str], bare: list[str], context: _Context
) -> list[Suggestion]:
    """Rule 2: document numbers in the text, grouped by customer."""
    documents = context.documents
    by_customer: dict[uuid.UUID, tuple[list[_Item], list[_Item]]] = {}
    for numbers, slot in ((plain, 0), (bare, 1)):
        for number in numbers:
            for item in documents.get(number, ()):
                if not payable(item, line) or item.open_amount <= ZERO:
                    continue
                group = by_customer.setdefault(item.customer_id, ([], []))
                if item not in group[0] and item not in group[1]:
                    group[slot].append(item)
    plain_customers = sum(1 for named, _b in by_customer.values() if named)
    out: list[Suggestion] = []
    for customer_id, (named, loose) in by_customer.items():
        customer = context.customers.get(customer_id)
        if customer is None:
            continue
        by_iban, by_name = _payer_is(line, customer, context)
        known = by_iban or by_name
        every = _fit(line.amount, named + loose, context.settings)
        single = (
            next((i for i in named + loose if i.open_amount == line.amount), None)
            if not every.agrees
            else None
        )
        if every.agrees:
            fit = every
        elif single is not None:
            fit = _fit(line.amount, [single], context.settings)
        elif named:
            fit = _fit(line.amount, named, context.settings)
        elif known:
            fit = every
        else:
            continue  # bare numbers alone, an amount that does not fit: noise
        explicit = any(i in named for i in fit.items)
        if fit.agrees:
            if explicit:
                confidence = NUMBER_EQUAL if fit.kind == "equal" else NUMBER_TOLERANCE
            else:
                confidence = BARE_EQUAL if fit.kind == "equal" else BARE_EQUAL - 2
            if known:
                confidence += 1
        elif explicit:
            if fit.kind == "partial":
                confidence = NUMBER_PARTIAL_KNOWN if known else NUMBER_PARTIAL
            else:
                confidence = NUMBER_OVER_KNOWN if known else NUMBER_OVER
        else:
            confidence = BARE_PARTIAL_KNOWN if fit.kind == "partial" else BARE_OVER_KNOWN
        if plain_customers > 1 and explicit and not known:
            confidence -= SEVERAL_CUSTOMERS_PENALTY
        docs = _documents_text(fit.items)
        if len(fit.items) > 1:
            evidence = _("{documents} are named in the text").format(documents=docs)
        else:
            evidence = _("{document} is named in the text").format(document=docs)
        reason = _sentence(evidence, _amount_clause(fit, line.currency))
        out.append(
            _suggestion(customer, fit, min(confidence, 98), "invoice_number", reason, line.amount)
        )
    return out


def _by_iban(line: LineFacts, context: _Context) -> list[Suggestion]:
    """Rule 3: an IBAN known on a customer, and an amount of its open items."""
    owners = context.iban_owners.get(line.counterparty_iban or "", [])
    out: list[Suggestion] = []
    for customer_id in owners:
        customer = context.customers.get(customer_id)
        if customer is None:
            continue
        evidence = _("The IBAN {iban} is {account}'s").format(
            iban=_format_iban(line.counterparty_iban or ""), account=customer.account
        )
        _iban, by_name = _payer_is(line, customer, context)
        shared = IBAN_SHARED_PENALTY if len(owners) > 1 else 0
        fit = _fit_open_items(line.amount, context.items(customer.id, line), context.settings)
        if fit is None:
            reason = _sentence(evidence, _("no open item has this amount: a payment on account"))
            out.append(
                _suggestion(
                    customer, None, CUSTOMER_BY_IBAN - shared, "customer", reason, line.amount
                )
            )
            continue
        if fit.ambiguous:
            confidence = IBAN_AMBIGUOUS
        elif fit.kind == "tolerance":
            confidence = IBAN_TOLERANCE
        else:
            confidence = IBAN_SINGLE if len(fit.items) == 1 else IBAN_OLDEST
        if by_name:
            confidence += NAME_AGREES_BONUS
        reason = _sentence(evidence, _amount_clause(fit, line.currency))
        out.append(
            _suggestion(customer, fit, confidence - shared, "iban_amount", reason, line.amount)
        )
    return out


class _NameIndex:
    """The scope's customers' names, normalised once, with an index of their words'
    first four letters: a payer's name is compared only with the names sharing the most
    of its words (a few hundred), not with every customer. A word most names share
    ("transportes", "construcciones") narrows nothing and is left out of the search
    when the name has a rarer one."""

    BLOCK = 4
    CANDIDATES = 300
    COMMON = 2000  # names sharing a word's start above which it is too common to search by

    def __init__(self, rows: Sequence[tuple[str, str]]) -> None:
        self.rows = list(rows)  # (account, name), by account
        self.names = [normalise_name(name) for _account, name in self.rows]
        self.blocks: dict[str, list[int]] = defaultdict(list)
        for index, name in enumerate(self.names):
            for key in {word[: self.BLOCK] for word in name.split() if len(word) >= 3}:
                self.blocks[key].append(index)

    def best(self, payer: str, *, truncated: bool) -> list[tuple[float, int]]:
        """(score, row index) of the names most like ``payer``, best first."""
        keys = {word[: self.BLOCK] for word in payer.split() if len(word) >= 3}
        blocks = sorted((self.blocks[k] for k in keys if k in self.blocks), key=len)
        if not blocks:
            return []
        rare = [block for block in blocks if len(block) <= self.COMMON] or blocks[:1]
        shared: Counter[int] = Counter()
        for block in rare:
            shared.update(block)
        ranked = sorted(shared.items(), key=lambda pair: (-pair[1], pair[0]))
        candidates = [index for index, _count in ranked[: self.CANDIDATES]]
        names = [self.names[i] for i in candidates]
        found = process.extract(
            payer, names, scorer=fuzz.token_sort_ratio, limit=8, score_cutoff=NAME_MIN_SCORE - 10
        )
        scored = []
        for _name, _score, position in found:
            index = candidates[position]
            scored.append((_name_score(payer, self.names[index], truncated=truncated), index))
        if truncated:  # a name cut short: its start against the start of every candidate
            seen = {i for _s, i in scored}
            for position, name in enumerate(names):
                index = candidates[position]
                if index not in seen:
                    score = _name_score(payer, name, truncated=True)
                    if score >= NAME_MIN_SCORE:
                        scored.append((score, index))
        scored.sort(key=lambda pair: (-pair[0], pair[1]))
        return [pair for pair in scored if pair[0] >= NAME_MIN_SCORE]


def _by_name(
    line: LineFacts,
    scored: list[tuple[float, _Customer]],
    context: _Context,
) -> list[Suggestion]:
    """Rule 4: the payer's name like a customer's (``scored``: the most alike, best
    first), and an amount of its open items."""
    if not scored:
        return []
    top = scored[0][0]
    out: list[Suggestion] = []
    fitting = []
    for score, customer in scored:
        fit = _fit_open_items(line.amount, context.items(customer.id, line), context.settings)
        if fit is not None:
            fitting.append((score, customer, fit))
    for position, (score, customer, fit) in enumerate(fitting):
        rivals = [s for p, (s, _r, _f) in enumerate(fitting) if p != position]
        clear = all(score - s >= NAME_MARGIN for s in rivals) and top - score < 2
        if score >= NAME_STRONG_SCORE and clear and not fit.ambiguous:
            confidence = NAME_STRONG
        elif score >= NAME_CLOSE_SCORE:
            confidence = NAME_CLOSE
        else:
            confidence = NAME_WEAK
        evidence = _("The name “{payer}” is {score} % like “{customer}”").format(
            payer=line.counterparty_name, score=int(score), customer=customer.name
        )
        reason = _sentence(evidence, _amount_clause(fit, line.currency))
        out.append(_suggestion(customer, fit, confidence, "name_amount", reason, line.amount))
    if not fitting and top >= NAME_STRONG_SCORE:
        second = scored[1][0] if len(scored) > 1 else 0.0
        if top - second >= NAME_MARGIN:
            customer = scored[0][1]
            evidence = _("The name “{payer}” is {score} % like “{customer}”").format(
                payer=line.counterparty_name, score=int(top), customer=customer.name
            )
            reason = _sentence(evidence, _("no open item has this amount: a payment on account"))
            out.append(
                _suggestion(customer, None, CUSTOMER_BY_NAME, "customer", reason, line.amount)
            )
    return out


# --- the one public function -----------------------------------------------------------------


def _ordered(suggestions: Iterable[Suggestion]) -> tuple[Suggestion, ...]:
    """Best first, one per customer and allocations, ties broken the same way every time:
    confidence, the rule's order, the account, the documents."""
    best: dict[tuple[object, ...], Suggestion] = {}
    for s in suggestions:
        key = (s.customer_id, tuple((a.transaction_id, a.amount) for a in s.allocations))
        kept = best.get(key)
        if kept is None or (s.confidence, -RULES.index(s.rule)) > (
            kept.confidence,
            -RULES.index(kept.rule),
        ):
            best[key] = s
    ranked = sorted(
        best.values(),
        key=lambda s: (
            -s.confidence,
            RULES.index(s.rule),
            s.account,
            tuple(a.document_number for a in s.allocations),
        ),
    )
    return tuple(ranked[:MAX_SUGGESTIONS])


def match_lines(
    session: Session,
    scope: AgentScope,
    lines: Sequence[LineFacts],
    as_of: dt.date,
    settings: MatchSettings | None = None,
) -> dict[uuid.UUID, tuple[Suggestion, ...]]:
    """Suggestions for each line, best first (an empty tuple when nothing fits).

    Only money in (an amount above zero) is matched. Everything is read in a few
    queries for all the lines at once: the documents named, the IBANs' customers, those
    customers' open items; the names of the scope's customers only when a line is left
    for the name rule.
    """
    settings = settings or match_settings(session)
    result: dict[uuid.UUID, tuple[Suggestion, ...]] = {line.id: () for line in lines}
    credits = [line for line in lines if line.amount > ZERO]
    if not credits:
        return result
    refs: dict[uuid.UUID, list[str]] = {}
    numbers: dict[uuid.UUID, tuple[list[str], list[str]]] = {}
    wanted_numbers: set[str] = set()
    wanted_accounts: set[str] = set()
    for line in credits:
        found = find_references(line.creditor_reference) + find_references(line.remittance)
        refs[line.id] = list(dict.fromkeys(found))
        for ref in refs[line.id]:
            target = reference_target(ref)
            if target is not None:
                wanted_numbers.add(target)
                wanted_accounts.add(target)
        plain, bare = named_documents(line.remittance)
        numbers[line.id] = (plain, bare)
        wanted_numbers.update(plain, bare)
    documents = _documents(session, scope, wanted_numbers, as_of)
    iban_owners = _iban_owners(
        session,
        scope,
        (line.counterparty_iban for line in credits if line.counterparty_iban),
        as_of,
    )
    customer_ids = {i.customer_id for items in documents.values() for i in items}
    customer_ids.update(c for owners in iban_owners.values() for c in owners)
    customers = _customers(session, scope, as_of, ids=customer_ids, accounts=wanted_accounts)
    context = _Context(session, scope, as_of, settings, customers, documents, {}, iban_owners)
    # The open items of every customer an IBAN or an account reference names.
    by_account = {c.id for c in customers.values() if c.account in wanted_accounts}
    owners = {c for ids in iban_owners.values() for c in ids}
    context.open_items.update(_open_items(session, by_account | owners, as_of))

    left: list[LineFacts] = []
    for line in credits:
        suggestions = _by_reference(line, refs[line.id], context)
        suggestions += _by_numbers(line, *numbers[line.id], context)
        suggestions += _by_iban(line, context)
        result[line.id] = _ordered(suggestions)
        best = result[line.id][0].confidence if result[line.id] else -1
        if best < settings.confirm_confidence and line.counterparty_name:
            left.append(line)  # nothing sure yet: the payer's name may say more
    if left:
        _match_names(session, scope, as_of, left, context, result)
    return result


def _match_names(
    session: Session,
    scope: AgentScope,
    as_of: dt.date,
    lines: Sequence[LineFacts],
    context: _Context,
    result: dict[uuid.UUID, tuple[Suggestion, ...]],
) -> None:
    """Rule 4 for the lines the other rules left unsure: the scope's names read and
    indexed once (accounts and names only; the few customers named are read after)."""
    rows = session.execute(
        select(Customer.account, Customer.name)
        .where(Customer.deleted_at.is_(None), scope.customer_condition(as_of))
        .order_by(Customer.account)
    ).all()
    index = _NameIndex([(account, name) for account, name in rows])
    candidates: dict[uuid.UUID, list[tuple[float, int]]] = {}
    for line in lines:
        payer = normalise_name(line.counterparty_name)
        truncated = len(line.counterparty_name or "") >= 30
        candidates[line.id] = index.best(payer, truncated=truncated) if payer else []
    accounts = {index.rows[row][0] for scored in candidates.values() for _s, row in scored}
    people = {c.account: c for c in _customers(session, scope, as_of, accounts=accounts).values()}
    missing = {c.id for c in people.values()} - context.open_items.keys()
    context.open_items.update(_open_items(session, missing, as_of))
    for line in lines:
        scored = [
            (score, people[index.rows[row][0]])
            for score, row in candidates[line.id]
            if index.rows[row][0] in people
        ]
        if scored:
            found = _by_name(line, scored, context)
            result[line.id] = _ordered([*result[line.id], *found])

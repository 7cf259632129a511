"""A generated bank statement of the demo company, with what each line really is.

``test_bank`` makes a statement of the operating account (``OPER``, in euros) from the
company's open items, the way customers pay in practice, and says for each line who
paid and which documents it settles (``Truth``), so the matching can be measured
(``bench/bank_matching.py``, ``tests/unit/test_bank_matching.py``). ``write_camt053``
writes it as an ISO 20022 camt.053.001.02 file, so the importer can read it back.

The mix of lines (shares of all lines, drawn per line from the seed):

- 22 % a creditor reference of the invoice (in the reference field, or in the text,
  grouped or not, any case); 4 % the reference of the customer's account, paying the
  oldest open items;
- 24 % document numbers in the text, written as people write them ("Pago fra.
  0001234", "FACTURE N° 1234", "inv-1234", a bare "1234"), one in twelve with two digits
  swapped; 6 % several invoices in one payment; 5 % part of an invoice;
- 9 % no reference, an IBAN the customer is known by and the amount of one open item
  or of the oldest ones; 6 % only the payer's name (spelt as banks spell it: upper
  case, no legal form, "Hnos", cut at 35 characters, a typo); 2 % a known IBAN and a
  round amount on account;
- 3 % an invoice paid less the bank's charges (a few euros short);
- 15 % nothing of ours: salaries, card fees, suppliers paid (money out), and money in
  that is not a customer's (a supplier's refund, the bank's interest, another company's
  payment with its own order numbers).

Every name is the customer's as the bank gives it (exact three times in five); the IBAN
is the customer's known one when it has one (four times in five), else an unknown one.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlalchemy import and_, case, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from collections_desktop.demo.bank import COMPANY_IBAN, customer_iban
from collections_desktop.kernel.money import ZERO
from collections_desktop.models.bank.parsed import ParsedLine, ParsedStatement
from collections_desktop.models.bank.references import format_reference, payment_reference
from collections_desktop.models.db.schema import (
    BankAccount,
    Customer,
    CustomerBankAccount,
    CustomerTransaction,
    SettlementLine,
    TransactionType,
)
from collections_desktop.models.db.types import Money

CURRENCY = "EUR"
CAMT053 = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class Truth:
    """What a generated line really is: who paid, which documents it settles.

    ``customer_id`` is ``None`` for a line that is not a customer's payment; ``documents``
    is empty for a payment on account.
    """

    kind: str
    customer_id: uuid.UUID | None
    account: str | None
    documents: frozenset[str]


STATEMENT_DAYS = 10
"""The days a generated statement runs over, ending the day before its date."""


@dataclass
class _Open:
    transaction_id: uuid.UUID
    customer_id: uuid.UUID
    number: str
    due: dt.date
    voucher: str
    amount: Decimal


@dataclass
class _Payer:
    id: uuid.UUID
    account: str
    name: str
    country: str
    ibans: list[str]
    items: list[_Open]  # open debits, oldest first


_KINDS = (
    ("reference", 22),
    ("account_reference", 4),
    ("invoice_number", 24),
    ("several", 6),
    ("partial", 5),
    ("iban", 9),
    ("name", 6),
    ("on_account", 2),
    ("charges", 3),
    ("outgoing", 10),
    ("unrelated", 9),
)

_TEXTS = {
    "ES": (
        "Pago fra. {n}",
        "Factura {N}",
        "PAGO FACTURA {N} GRACIAS",
        "Fra {n} {short}",
        "TRANSFERENCIA FRA {n}",
        "Pago {n}",
        "n/ref. {n} pedido {order}",
        "Liquidación factura {N} del {date}",
    ),
    "PT": (
        "Pagamento fatura {N}",
        "Fatura {n}",
        "FT {n} {short}",
        "Pagamento {n}",
        "PAG FATURA {N} ENC {order}",
    ),
    "FR": (
        "Facture n° {n}",
        "FACT {N}",
        "Règlement facture {N}",
        "VIR {short} FACTURE {n}",
        "Paiement {n} du {date}",
    ),
}
_SEVERAL = {
    "ES": "Fras. {list}",
    "PT": "Faturas {list}",
    "FR": "Factures {list}",
}
_AND = {"ES": " y ", "PT": " e ", "FR": " et "}
_PLAIN = (
    "Pago proveedores",
    "TRANSFERENCIA",
    "Remesa de pagos",
    "VIREMENT",
    "Pagamento a fornecedores",
    "Pago a cuenta",
    None,
)
_OUTGOING = (
    ("Nómina {month}", "Empleados Atlántica"),
    ("Comisión mantenimiento tarjeta", "Banco"),
    ("Pago proveedor fra. {order}", "Transportes Galaicos SA"),
    ("Seguros sociales {month}", "Tesorería General de la Seguridad Social"),
    ("Recibo electricidad {order}", "Iberdrola Clientes SAU"),
)
_UNRELATED = (
    ("Devolución pedido {order}", "Amazon EU SARL"),
    ("Intereses cuenta {month}", None),
    ("Abono reclamación {order}", "Mapfre Seguros SA"),
    ("Pedido {order} - pago", "Distribuciones {last} {last2} SL"),
    ("Order {order} payment", "{last} Trading Ltd"),
    ("Ref {order}/{day}", "Comercial {last} SA"),
)
_LAST = ("Serrano", "Quintana", "Oyarzun", "Bastos", "Lemaire", "Vidal", "Arregui", "Pinheiro")
_ABBREVIATE = (
    ("Hermanos", "Hnos"),
    ("Construcciones", "Const."),
    ("Suministros", "Sumin."),
    ("Distribuciones", "Dist."),
    ("Sociedad", "Soc."),
    (", S.L.", " SL"),
    (", S.A.", " SA"),
    (", Lda.", " LDA"),
    (" SARL", ""),
)


def _open_items(session: Session, as_of: dt.date) -> list[_Open]:
    """Every open invoice, fee and interest note in euros on ``as_of``."""
    t = CustomerTransaction
    settled = (
        select(func.coalesce(func.sum(SettlementLine.amount), 0))
        .where(SettlementLine.transaction_id == t.id, SettlementLine.settlement_date <= as_of)
        .correlate(t)
        .scalar_subquery()
    )
    open_amount = type_coerce(
        case((and_(t.closed_on.is_not(None), t.closed_on <= as_of), 0), else_=t.amount - settled),
        Money(),
    )
    query = (
        select(t.id, t.customer_id, t.document_number, t.due_date, t.voucher, open_amount)
        .where(
            t.type.in_(
                (TransactionType.INVOICE, TransactionType.FEE, TransactionType.INTEREST_NOTE)
            ),
            t.currency == CURRENCY,
            t.amount > 0,
            # Posted before the statement's first day: a line never pays a later document.
            t.posting_date < as_of - dt.timedelta(days=STATEMENT_DAYS),
            or_(t.closed_on.is_(None), t.closed_on > as_of),
        )
        .order_by(t.customer_id, t.due_date, t.voucher)
    )
    return [_Open(*row) for row in session.execute(query) if row[5] > ZERO]


def _payers(session: Session, as_of: dt.date) -> list[_Payer]:
    """The customers with something open in euros, with their IBANs, by account."""
    items: dict[uuid.UUID, list[_Open]] = defaultdict(list)
    for item in _open_items(session, as_of):
        items[item.customer_id].append(item)
    ibans: dict[uuid.UUID, list[str]] = defaultdict(list)
    for customer_id, iban in session.execute(
        select(CustomerBankAccount.customer_id, CustomerBankAccount.iban)
        .where(CustomerBankAccount.deleted_at.is_(None))
        .order_by(CustomerBankAccount.iban)
    ):
        ibans[customer_id].append(iban)
    payers = []
    ids = sorted(items)
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        for row in session.execute(
            select(Customer.id, Customer.account, Customer.name, Customer.country).where(
                Customer.id.in_(part), Customer.deleted_at.is_(None)
            )
        ):
            payers.append(
                _Payer(row.id, row.account, row.name, row.country, ibans[row.id], items[row.id])
            )
    payers.sort(key=lambda p: p.account)
    return payers


def _spelt(rng: random.Random, name: str) -> str:
    """The customer's name as a bank may give it."""
    roll = rng.random()
    if roll < 0.6:
        spelt = name
    elif roll < 0.72:
        spelt = name.upper()
    elif roll < 0.84:
        spelt = name.split(",")[0]  # no legal form
        for long, short in _ABBREVIATE:
            spelt = spelt.replace(long, short)
    elif roll < 0.92:
        spelt = name
        for long, short in _ABBREVIATE:
            spelt = spelt.replace(long, short)
        spelt = spelt.upper()
    else:  # a typo: two letters of the longest word swapped
        words = name.split()
        longest = max(range(len(words)), key=lambda i: len(words[i]))
        word = words[longest]
        if len(word) >= 5:
            at = rng.randrange(1, len(word) - 2)
            words[longest] = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
        spelt = " ".join(words)
    return spelt[:35].strip()


def _digits(rng: random.Random, number: str) -> str:
    """The digits of a document number, with or without their leading zeros."""
    digits = number.split("-")[-1]
    return digits if rng.random() < 0.5 else digits.lstrip("0") or "0"


def _written(rng: random.Random, number: str) -> str:
    """A document number as people write it: "INV-0001234", "inv 1234", "INV0001234"."""
    prefix = number.split("-")[0]
    digits = _digits(rng, number)
    shape = rng.choice(("{p}-{d}", "{p} {d}", "{p}{d}", "{p}-{d}"))
    text = shape.format(p=prefix, d=digits)
    return text.lower() if rng.random() < 0.2 else text


def _swapped(rng: random.Random, digits: str) -> str:
    """Two neighbouring different digits swapped (a typo), else the digits unchanged."""
    places = [i for i in range(len(digits) - 1) if digits[i] != digits[i + 1]]
    if not places:
        return digits
    at = rng.choice(places)
    return digits[:at] + digits[at + 1] + digits[at] + digits[at + 2 :]


class _Generator:
    """Draws the lines one by one; each customer document is paid by one line at most."""

    def __init__(self, payers: list[_Payer], as_of: dt.date, seed: int) -> None:
        self.rng = random.Random(f"bank statement {seed}")
        self.as_of = as_of
        self.payers = payers
        self.with_iban = [p for p in payers if p.ibans]
        self.used: set[uuid.UUID] = set()  # customers a line already pays
        self.alone: set[uuid.UUID] = set()  # customers one line pays by amount
        self.paid: set[uuid.UUID] = set()  # documents a line already pays
        self.order = 40_000

    def payer(self, *, iban: bool = False, alone: bool = False) -> _Payer | None:
        """A customer with documents no line pays yet, with a known IBAN when asked.

        ``alone``: a customer no other line pays (a line matched by its amount alone
        must not meet another line's documents among the customer's open items).
        """
        pool = self.with_iban if iban else self.payers
        for _attempt in range(60):
            payer = self.rng.choice(pool)
            if payer.id in self.alone or (alone and payer.id in self.used):
                continue
            if not alone:
                payer.items = [i for i in payer.items if i.transaction_id not in self.paid]
            if payer.items:
                self.used.add(payer.id)
                if alone:
                    self.alone.add(payer.id)
                return payer
        return None

    def common(self, payer: _Payer) -> dict[str, str | None]:
        rng = self.rng
        known = payer.ibans and rng.random() < 0.8
        iban = rng.choice(payer.ibans) if known else customer_iban(rng, payer.country)
        return {"counterparty_name": _spelt(rng, payer.name), "counterparty_iban": iban}

    def fill(self, text: str, payer: _Payer | None = None) -> str:
        self.order += self.rng.randint(1, 97)
        day = self.as_of - dt.timedelta(days=self.rng.randint(1, 60))
        short = payer.name.split(",")[0].split()[0] if payer else ""
        return text.format(
            order=self.order,
            date=day.strftime("%d/%m/%Y"),
            day=day.strftime("%d%m"),
            month=day.strftime("%m/%Y"),
            short=short,
            last=self.rng.choice(_LAST),
            last2=self.rng.choice(_LAST),
        )

    def line(self, kind: str, day: dt.date) -> tuple[ParsedLine, Truth] | None:
        rng = self.rng
        if kind in ("outgoing", "unrelated"):
            return self.foreign(kind, day)
        alone = kind in ("iban", "on_account", "name", "account_reference")
        payer = self.payer(iban=kind in ("iban", "on_account"), alone=alone)
        if payer is None:
            return None
        common = self.common(payer)
        items = payer.items
        first = items[0] if rng.random() < 0.6 else rng.choice(items)
        country = payer.country if payer.country in _TEXTS else "ES"
        paid: list[_Open] = [first]
        amount = first.amount
        reference: str | None = None
        text: str | None
        if kind == "reference":
            ref = payment_reference(first.number)
            if rng.random() < 0.65:
                reference, text = ref, rng.choice(_PLAIN)
            else:
                shown = format_reference(ref) if rng.random() < 0.5 else ref
                shown = shown.lower() if rng.random() < 0.15 else shown
                text = rng.choice(("Pago {r}", "{r}", "REF {r} {short}", "Paiement {r}"))
                text = self.fill(text.replace("{r}", shown), payer)
        elif kind == "account_reference":
            count = rng.randint(1, len(items))
            paid = items[:count]
            amount = sum((i.amount for i in paid), ZERO)
            reference, text = payment_reference(payer.account), rng.choice(_PLAIN)
        elif kind in ("invoice_number", "charges"):
            template = rng.choice(_TEXTS[country])
            written = _written(rng, first.number)
            digits = _digits(rng, first.number)
            if rng.random() < 1 / 12:  # a typo in the number
                digits = _swapped(rng, digits)
                written = _swapped(rng, written)
            text = self.fill(template.replace("{N}", written).replace("{n}", digits), payer)
            if kind == "charges":
                amount -= Decimal(rng.randint(35, 300)) / 100
        elif kind == "several":
            count = min(len(items), rng.randint(2, 4))
            if count < 2:
                return self.line("invoice_number", day)
            paid = rng.sample(items, count)
            paid.sort(key=lambda i: (i.due, i.voucher))
            amount = sum((i.amount for i in paid), ZERO)
            if rng.random() < 0.5:
                numbers = [_digits(rng, i.number) for i in paid]
                listed = ", ".join(numbers[:-1]) + _AND[country] + numbers[-1]
                text = _SEVERAL[country].format(list=listed)
            else:
                text = " ".join(_written(rng, i.number) for i in paid)
        elif kind == "partial":
            share = Decimal(rng.randint(20, 90)) / 100
            amount = (first.amount * share).quantize(_CENT)
            if rng.random() < 0.5:
                reference, text = payment_reference(first.number), rng.choice(_PLAIN)
            else:
                text = self.fill(
                    rng.choice(_TEXTS[country])
                    .replace("{N}", _written(rng, first.number))
                    .replace("{n}", _digits(rng, first.number)),
                    payer,
                )
                text = f"{text} a cuenta" if country == "ES" else text
        elif kind == "iban":
            common["counterparty_iban"] = rng.choice(payer.ibans)
            text = rng.choice(_PLAIN)
            if rng.random() < 0.4 and len(items) > 1:
                paid = items[: rng.randint(2, min(4, len(items)))]
            else:
                paid = [rng.choice(items)]
            amount = sum((i.amount for i in paid), ZERO)
        elif kind == "name":
            common["counterparty_iban"] = customer_iban(rng, payer.country)
            text = rng.choice(_PLAIN)
            paid = [rng.choice(items)] if rng.random() < 0.7 else items[: rng.randint(1, 3)]
            amount = sum((i.amount for i in paid), ZERO)
        else:  # on_account: a round amount, nothing it settles exactly
            common["counterparty_iban"] = rng.choice(payer.ibans)
            text = rng.choice(("Pago a cuenta", "Entrega a cuenta", "Acompte", "A cuenta"))
            amount = Decimal(rng.choice((100, 250, 300, 500, 1000, 1500, 2000)))
            paid = []
        # What the amount settles, oldest first, as the receipts would settle it.
        settled, left = [], amount
        for item in sorted(paid, key=lambda i: (i.due, i.voucher)):
            if left <= ZERO:
                break
            settled.append(item.number)
            left -= min(left, item.amount)
        # A document one line pays is paid by no other line of the statement.
        self.paid.update(i.transaction_id for i in paid)
        line = ParsedLine(
            booking_date=day,
            value_date=day,
            amount=amount.quantize(_CENT),
            currency=CURRENCY,
            remittance=text,
            creditor_reference=reference,
            bank_reference=None,
            end_to_end_id=None,
            **common,
        )
        return line, Truth(kind, payer.id, payer.account, frozenset(settled))

    def foreign(self, kind: str, day: dt.date) -> tuple[ParsedLine, Truth]:
        rng = self.rng
        template, name = rng.choice(_OUTGOING if kind == "outgoing" else _UNRELATED)
        amount = Decimal(rng.randint(500, 900_000)) / 100
        if kind == "outgoing":
            amount = -amount
        line = ParsedLine(
            booking_date=day,
            value_date=day,
            amount=amount,
            currency=CURRENCY,
            counterparty_name=self.fill(name) if name else None,
            counterparty_iban=customer_iban(rng, "ES") if name else None,
            remittance=self.fill(template),
        )
        return line, Truth(kind, None, None, frozenset())


def test_bank(
    session: Session,
    as_of: dt.date,
    lines: int = 5000,  # noqa: PT028 - a generator of test data, not a test
    seed: int = 7,  # noqa: PT028
) -> tuple[ParsedStatement, dict[int, Truth]]:
    """A statement of ``lines`` lines (fewer when the company has too few customers with
    something open) and the truth of each line, by its index in ``statement.lines``."""
    generator = _Generator(_payers(session, as_of), as_of, seed)
    kinds = [kind for kind, _weight in _KINDS]
    weights = [weight for _kind, weight in _KINDS]
    drawn: list[tuple[ParsedLine, Truth]] = []
    attempts = 0
    while len(drawn) < lines and attempts < lines * 3:
        attempts += 1
        kind = generator.rng.choices(kinds, weights)[0]
        day = as_of - dt.timedelta(days=generator.rng.randint(1, STATEMENT_DAYS))
        made = generator.line(kind, day)
        if made is not None:
            drawn.append(made)
    drawn.sort(key=lambda pair: pair[0].booking_date)  # a statement runs in date order
    parsed, truths = [], {}
    for position, (line, truth) in enumerate(drawn):
        bank_reference = f"{line.booking_date:%Y%m%d}{seed:03d}{position + 1:06d}"
        parsed.append(
            ParsedLine(
                booking_date=line.booking_date,
                value_date=line.value_date,
                amount=line.amount,
                currency=line.currency,
                counterparty_name=line.counterparty_name,
                counterparty_iban=line.counterparty_iban,
                remittance=line.remittance,
                creditor_reference=line.creditor_reference,
                bank_reference=bank_reference,
                end_to_end_id=f"E2E{bank_reference}" if line.amount > 0 else None,
            )
        )
        truths[position] = truth
    account = session.scalar(select(BankAccount.iban).where(BankAccount.iban.is_not(None)))
    opening = Decimal("250000.00")
    closing = opening + sum((line.amount for line in parsed), ZERO)
    statement = ParsedStatement(
        account=account or COMPANY_IBAN,
        currency=CURRENCY,
        kind="statement",
        statement_number=f"{as_of:%Y%m%d}-{seed}",
        from_date=parsed[0].booking_date if parsed else as_of,
        to_date=parsed[-1].booking_date if parsed else as_of,
        opening_balance=opening,
        closing_balance=closing,
        lines=tuple(parsed),
    )
    return statement, truths


test_bank.__test__ = False  # type: ignore[attr-defined]  # pytest: not a test when imported


# --- camt.053 --------------------------------------------------------------------------------


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text
    return element


def _balance(
    statement: ET.Element, code: str, amount: Decimal, currency: str, day: dt.date
) -> None:
    balance = _sub(statement, "Bal")
    _sub(_sub(_sub(balance, "Tp"), "CdOrPrtry"), "Cd", code)
    _sub(balance, "Amt", f"{abs(amount):.2f}", Ccy=currency)
    _sub(balance, "CdtDbtInd", "CRDT" if amount >= 0 else "DBIT")
    _sub(_sub(balance, "Dt"), "Dt", day.isoformat())


def write_camt053(statement: ParsedStatement, path: Path) -> None:
    """Write ``statement`` as an ISO 20022 camt.053.001.02 file (UTF-8)."""
    document = ET.Element("Document", xmlns=CAMT053)
    root = _sub(document, "BkToCstmrStmt")
    header = _sub(root, "GrpHdr")
    created = dt.datetime.combine(statement.to_date or dt.date.today(), dt.time(23, 0))
    _sub(header, "MsgId", f"MSG{statement.statement_number or ''}")
    _sub(header, "CreDtTm", created.isoformat())
    stmt = _sub(root, "Stmt")
    _sub(stmt, "Id", statement.statement_number or "1")
    _sub(stmt, "CreDtTm", created.isoformat())
    if statement.from_date and statement.to_date:
        period = _sub(stmt, "FrToDt")
        _sub(period, "FrDtTm", f"{statement.from_date.isoformat()}T00:00:00")
        _sub(period, "ToDtTm", f"{statement.to_date.isoformat()}T23:59:59")
    account = _sub(stmt, "Acct")
    _sub(_sub(account, "Id"), "IBAN", statement.account)
    _sub(account, "Ccy", statement.currency)
    first = statement.from_date or dt.date.today()
    last = statement.to_date or first
    if statement.opening_balance is not None:
        _balance(stmt, "OPBD", statement.opening_balance, statement.currency, first)
    if statement.closing_balance is not None:
        _balance(stmt, "CLBD", statement.closing_balance, statement.currency, last)
    for line in statement.lines:
        credit = line.amount > 0
        entry = _sub(stmt, "Ntry")
        _sub(entry, "Amt", f"{abs(line.amount):.2f}", Ccy=line.currency)
        _sub(entry, "CdtDbtInd", "CRDT" if credit else "DBIT")
        _sub(entry, "Sts", "BOOK")
        _sub(_sub(entry, "BookgDt"), "Dt", line.booking_date.isoformat())
        if line.value_date:
            _sub(_sub(entry, "ValDt"), "Dt", line.value_date.isoformat())
        if line.bank_reference:
            _sub(entry, "AcctSvcrRef", line.bank_reference)
        domain = _sub(_sub(entry, "BkTxCd"), "Domn")
        _sub(domain, "Cd", "PMNT")
        family = _sub(domain, "Fmly")
        _sub(family, "Cd", "RCDT" if credit else "ICDT")
        _sub(family, "SubFmlyCd", "ESCT")
        details = _sub(_sub(entry, "NtryDtls"), "TxDtls")
        refs = _sub(details, "Refs")
        _sub(refs, "EndToEndId", line.end_to_end_id or "NOTPROVIDED")
        transaction_amount = _sub(_sub(details, "AmtDtls"), "TxAmt")
        _sub(transaction_amount, "Amt", f"{abs(line.amount):.2f}", Ccy=line.currency)
        if line.counterparty_name or line.counterparty_iban:
            parties = _sub(details, "RltdPties")
            party, party_account = ("Dbtr", "DbtrAcct") if credit else ("Cdtr", "CdtrAcct")
            if line.counterparty_name:
                _sub(_sub(parties, party), "Nm", line.counterparty_name)
            if line.counterparty_iban:
                _sub(_sub(_sub(parties, party_account), "Id"), "IBAN", line.counterparty_iban)
        if line.remittance or line.creditor_reference:
            remittance = _sub(details, "RmtInf")
            if line.remittance:
                _sub(remittance, "Ustrd", line.remittance[:140])
            if line.creditor_reference:
                structured = _sub(_sub(remittance, "Strd"), "CdtrRefInf")
                kind = _sub(_sub(structured, "Tp"), "CdOrPrtry")
                _sub(kind, "Cd", "SCOR")
                _sub(structured, "Ref", line.creditor_reference)
    tree = ET.ElementTree(document)
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)

"""Small bank statement files written by the tests: a camt.053 built from a few entries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

ACCOUNT = "ES9121000418450200051332"


@dataclass(frozen=True)
class Entry:
    """One entry: signed amount (above zero money in), the day, who and the text."""

    amount: Decimal
    day: dt.date
    name: str | None = None
    iban: str | None = None
    text: str | None = None
    reference: str | None = None  # the bank's own reference (AcctSvcrRef)


def camt053(
    entries: Sequence[Entry],
    *,
    number: str = "2026-47",
    opening: Decimal = Decimal("10000.00"),
    closing_gap: Decimal = Decimal("0"),
    account: str = ACCOUNT,
    currency: str = "EUR",
) -> bytes:
    """A camt.053.001.02 statement of ``entries``; its closing balance adds up unless
    ``closing_gap`` says by how much it should not."""
    closing = opening + sum((e.amount for e in entries), Decimal(0)) + closing_gap
    first = min(e.day for e in entries) if entries else dt.date(2026, 11, 1)
    last = max(e.day for e in entries) if entries else first

    def balance(code: str, amount: Decimal, day: dt.date) -> str:
        sign = "CRDT" if amount >= 0 else "DBIT"
        return (
            f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>"
            f'<Amt Ccy="{currency}">{abs(amount):.2f}</Amt><CdtDbtInd>{sign}</CdtDbtInd>'
            f"<Dt><Dt>{day.isoformat()}</Dt></Dt></Bal>"
        )

    def entry(e: Entry, n: int) -> str:
        sign = "CRDT" if e.amount > 0 else "DBIT"
        party = ""
        if e.name or e.iban:
            role, account_role = ("Dbtr", "DbtrAcct") if e.amount > 0 else ("Cdtr", "CdtrAcct")
            party = "<RltdPties>"
            if e.name:
                party += f"<{role}><Nm>{escape(e.name)}</Nm></{role}>"
            if e.iban:
                party += f"<{account_role}><Id><IBAN>{e.iban}</IBAN></Id></{account_role}>"
            party += "</RltdPties>"
        text = f"<RmtInf><Ustrd>{escape(e.text)}</Ustrd></RmtInf>" if e.text else ""
        reference = e.reference or f"{number}-{n:04d}"
        return (
            f'<Ntry><Amt Ccy="{currency}">{abs(e.amount):.2f}</Amt><CdtDbtInd>{sign}</CdtDbtInd>'
            f"<Sts>BOOK</Sts><BookgDt><Dt>{e.day.isoformat()}</Dt></BookgDt>"
            f"<ValDt><Dt>{e.day.isoformat()}</Dt></ValDt>"
            f"<AcctSvcrRef>{escape(reference)}</AcctSvcrRef>"
            f"<NtryDtls><TxDtls><Refs><EndToEndId>E2E-{escape(reference)}</EndToEndId></Refs>"
            f"{party}{text}</TxDtls></NtryDtls></Ntry>"
        )

    body = "".join(entry(e, n) for n, e in enumerate(entries, 1))
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
        f"<GrpHdr><MsgId>MSG-{number}</MsgId><CreDtTm>{last.isoformat()}T18:00:00Z</CreDtTm></GrpHdr>"
        f"<Stmt><Id>{number}</Id><ElctrncSeqNb>{number.split('-')[-1]}</ElctrncSeqNb>"
        f"<CreDtTm>{last.isoformat()}T18:00:00Z</CreDtTm>"
        f"<FrToDt><FrDtTm>{first.isoformat()}T00:00:00Z</FrDtTm>"
        f"<ToDtTm>{last.isoformat()}T23:59:59Z</ToDtTm></FrToDt>"
        f"<Acct><Id><IBAN>{account}</IBAN></Id><Ccy>{currency}</Ccy></Acct>"
        f"{balance('OPBD', opening, first)}{balance('CLBD', closing, last)}"
        f"{body}</Stmt></BkToCstmrStmt></Document>"
    )
    return xml.encode()

"""camt.052 (intraday report), camt.053 (statement) and camt.054 (notification), schema
versions 02 to 08, read with lxml.

A whole-document parse is used: a camt file is a few megabytes at most, and lxml reads
5,000 entries in a fraction of a second (bench/bank_files.py).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from decimal import Decimal

from lxml import etree  # type: ignore[import-untyped]

from collections_desktop.i18n import _
from collections_desktop.models.bank.formats.reading import Reading, account_id, iban_or_none
from collections_desktop.models.bank.parsed import ParsedFile, ParsedLine, ParsedStatement

_NAMESPACE = re.compile(r"urn:iso:std:iso:20022:tech:xsd:camt\.(05[234])\.001\.(0[2-8])")
# message → (its root, the element of one statement, the kind)
_MESSAGES = {
    "052": ("BkToCstmrAcctRpt", "Rpt", "report"),
    "053": ("BkToCstmrStmt", "Stmt", "statement"),
    "054": ("BkToCstmrDbtCdtNtfctn", "Ntfctn", "notification"),
}
_OPENING = ("OPBD", "PRCD")  # opening booked; previous closing booked (used without OPBD)
_CLOSING = "CLBD"
_NOT_PROVIDED = "NOTPROVIDED"


class _Camt:
    """One camt document being read (its namespace bound for the searches)."""

    def __init__(self, reading: Reading, namespace: str, several: bool) -> None:
        self.reading = reading
        self.ns = {"c": namespace}
        self.several = several

    def find(self, element: etree._Element, path: str) -> etree._Element | None:
        """The first element at ``path`` (``c:``-prefixed steps) under ``element``."""
        found = element.find(path, self.ns)
        return found

    def findall(self, element: etree._Element, path: str) -> list[etree._Element]:
        """Every element at ``path`` under ``element``."""
        return list(element.iterfind(path, self.ns))

    def text(self, element: etree._Element, path: str) -> str | None:
        """The stripped text at ``path``, ``None`` when absent or empty."""
        found = element.find(path, self.ns)
        if found is None or found.text is None:
            return None
        return found.text.strip() or None

    def where(self, prefix: str, element: etree._Element | None, child: str = "") -> str:
        """A place for a message: ``Ntry 3 / Amt (line 87)``."""
        place = f"{prefix} / {child}" if child else prefix
        line = getattr(element, "sourceline", None)
        return f"{place} ({_('line')} {line})" if line else place

    def money(
        self, element: etree._Element, prefix: str, currency: str | None
    ) -> tuple[Decimal, str]:
        """The signed amount of a balance, entry or detail (its ``Amt`` and ``CdtDbtInd``),
        and the amount's currency."""
        amt = self.find(element, "c:Amt")
        if amt is None:
            amt = self.find(element, "c:AmtDtls/c:TxAmt/c:Amt")
        if amt is None:
            raise self.reading.fail(self.where(prefix, element), _("the amount is missing."))
        where = self.where(prefix, amt, "Amt")
        value = self.reading.amount(amt.text, where)
        ccy = (amt.get("Ccy") or currency or "").upper()
        indicator = self.text(element, "c:CdtDbtInd") or ""
        if indicator not in ("CRDT", "DBIT"):
            raise self.reading.fail(
                self.where(prefix, element, "CdtDbtInd"),
                _("the credit/debit mark (CRDT or DBIT) is missing."),
            )
        return (-value if indicator == "DBIT" else value), ccy

    def date(self, element: etree._Element, path: str, prefix: str) -> dt.date | None:
        """The date at ``path``/``Dt`` or ``path``/``DtTm`` (``None`` when absent)."""
        holder = self.find(element, path)
        if holder is None:
            return None
        for child in ("c:Dt", "c:DtTm", "c:Dt/c:DtTm", "c:Dt/c:Dt"):
            found = self.find(holder, child)
            if found is not None and len(found) == 0:
                return self.reading.iso_date(
                    found.text, self.where(prefix, found, path.replace("c:", ""))
                )
        raise self.reading.fail(self.where(prefix, holder), _("the date is missing."))

    def statement(self, stmt: etree._Element, number: int, kind: str) -> ParsedStatement:
        """One ``Stmt``/``Rpt``/``Ntfctn``."""
        name = etree.QName(stmt).localname
        prefix = f"{name} {number}" if self.several else name
        account = self.text(stmt, "c:Acct/c:Id/c:IBAN") or self.text(
            stmt, "c:Acct/c:Id/c:Othr/c:Id"
        )
        if not account:
            raise self.reading.fail(
                self.where(prefix, stmt, "Acct"), _("the statement names no account.")
            )
        currency = self.text(stmt, "c:Acct/c:Ccy")
        balances = self.findall(stmt, "c:Bal")
        entries = self.findall(stmt, "c:Ntry")
        if currency is None:
            first = next(
                (x.find("c:Amt", self.ns) for x in (*balances, *entries) if x is not None), None
            )
            currency = first.get("Ccy") if first is not None else None
        if not currency:
            raise self.reading.fail(
                self.where(prefix, stmt, "Acct"), _("the statement gives no currency.")
            )
        currency = currency.upper()
        opening, closing, opening_date, closing_date = self.balances(balances, prefix, currency)
        from_date = to_date = None
        period = self.find(stmt, "c:FrToDt")
        if period is not None:
            for child in ("FrDtTm", "ToDtTm"):
                found = self.find(period, f"c:{child}")
                if found is not None:
                    day = self.reading.iso_date(found.text, self.where(prefix, found, child))
                    if child == "FrDtTm":
                        from_date = day
                    else:
                        to_date = day
        lines: list[ParsedLine] = []
        for index, entry in enumerate(entries, start=1):
            lines.extend(
                self.entry(
                    entry, f"{prefix} / Ntry {index}" if self.several else f"Ntry {index}", currency
                )
            )
        if not lines:
            self.reading.note(_("{place}: no entries.").format(place=prefix))
        return ParsedStatement(
            account=account_id(account),
            currency=currency,
            kind=kind,
            statement_number=self.text(stmt, "c:Id"),
            from_date=from_date or opening_date,
            to_date=to_date or closing_date,
            opening_balance=opening,
            closing_balance=closing,
            lines=tuple(lines),
        )

    def balances(
        self, balances: list[etree._Element], prefix: str, currency: str
    ) -> tuple[Decimal | None, Decimal | None, dt.date | None, dt.date | None]:
        """Opening and closing balances (signed) and their dates; every balance must be in
        the statement's currency."""
        found: dict[str, tuple[Decimal, dt.date | None]] = {}
        for index, balance in enumerate(balances, start=1):
            place = f"{prefix} / Bal {index}"
            code = self.text(balance, "c:Tp/c:CdOrPrtry/c:Cd") or self.text(
                balance, "c:Tp/c:CdOrPrtry/c:Prtry"
            )
            value, ccy = self.money(balance, place, currency)
            if ccy != currency:
                raise self.reading.fail(
                    self.where(place, balance.find("c:Amt", self.ns), "Amt"),
                    _(
                        "the balance {code} is in {other}, the statement in {currency}: "
                        "a statement's balances are in its own currency."
                    ).format(code=code or "", other=ccy, currency=currency),
                )
            day = self.date(balance, "c:Dt", place)
            if code and code not in found:
                found[code] = (value, day)
        opening = found.get(_OPENING[0]) or found.get(_OPENING[1])
        if (
            _OPENING[0] in found
            and _OPENING[1] in found
            and found[_OPENING[0]][0] != found[_OPENING[1]][0]
        ):
            self.reading.note(
                _(
                    "{place}: the opening balance (OPBD {opbd}) and the previous closing "
                    "balance (PRCD {prcd}) differ; OPBD is used."
                ).format(place=prefix, opbd=found["OPBD"][0], prcd=found["PRCD"][0])
            )
        closing = found.get(_CLOSING)
        return (
            opening[0] if opening else None,
            closing[0] if closing else None,
            opening[1] if opening else None,
            closing[1] if closing else None,
        )

    def entry(self, entry: etree._Element, prefix: str, currency: str) -> list[ParsedLine]:
        """The lines of one ``Ntry``: one, or one per ``TxDtls`` when each has an amount."""
        amount, ccy = self.money(entry, prefix, currency)
        if ccy != currency:
            raise self.reading.fail(
                self.where(prefix, entry.find("c:Amt", self.ns), "Amt"),
                _("the entry is in {other}, the statement in {currency}.").format(
                    other=ccy, currency=currency
                ),
            )
        booking = self.date(entry, "c:BookgDt", prefix)
        value_date = self.date(entry, "c:ValDt", prefix)
        if booking is None:
            booking = value_date
        if booking is None:
            raise self.reading.fail(
                self.where(prefix, entry, "BookgDt"), _("the entry has no booking date.")
            )
        bank_reference = self.text(entry, "c:AcctSvcrRef") or self.text(entry, "c:NtryRef")
        details = self.findall(entry, "c:NtryDtls/c:TxDtls")
        amounts = [
            (
                d,
                self.find(d, "c:Amt") is not None
                or self.find(d, "c:AmtDtls/c:TxAmt/c:Amt") is not None,
            )
            for d in details
        ]
        base = ParsedLine(
            booking_date=booking,
            value_date=value_date,
            amount=amount,
            currency=currency,
            bank_reference=bank_reference,
        )
        if details and all(has for _detail, has in amounts):
            parts: list[tuple[Decimal, etree._Element]] = []
            for index, detail in enumerate(details, start=1):
                place = f"{prefix} / TxDtls {index}"
                indicator = self.text(detail, "c:CdtDbtInd")
                value, part_ccy = self.money_of_detail(detail, place, amount, indicator)
                if part_ccy != currency:
                    raise self.contradiction(prefix, entry, amount, details)
                parts.append((value, detail))
            if sum(value for value, _d in parts) != amount:
                raise self.contradiction(prefix, entry, amount, details)
            lines = [
                self.details(detail, f"{prefix} / TxDtls {index}", replace(base, amount=value))
                for index, (value, detail) in enumerate(parts, start=1)
            ]
            references = [line.bank_reference for line in lines]
            if len(lines) > 1 and len(set(references)) < len(references):
                # Each line needs its own reference (the store keeps one line per
                # reference): the shared one gets the detail's number.
                lines = [
                    replace(line, bank_reference=f"{line.bank_reference}/{index}")
                    if line.bank_reference
                    else line
                    for index, line in enumerate(lines, start=1)
                ]
            return lines
        if len(details) == 1:
            return [self.details(details[0], f"{prefix} / TxDtls 1", base)]
        return [self.merged(details, prefix, base)]

    def money_of_detail(
        self, detail: etree._Element, place: str, entry_amount: Decimal, indicator: str | None
    ) -> tuple[Decimal, str]:
        """A detail's signed amount: its own mark, else the entry's direction."""
        if indicator is None:
            amt = self.find(detail, "c:Amt")
            if amt is None:
                amt = self.find(detail, "c:AmtDtls/c:TxAmt/c:Amt")
            assert amt is not None
            value = self.reading.amount(amt.text, self.where(place, amt, "Amt"))
            return (-value if entry_amount < 0 else value), (amt.get("Ccy") or "").upper()
        return self.money(detail, place, None)

    def contradiction(
        self, prefix: str, entry: etree._Element, amount: Decimal, details: list[etree._Element]
    ) -> Exception:
        """The refusal of an entry whose details' amounts do not make its amount."""
        return self.reading.fail(
            self.where(prefix, entry),
            _(
                "the entry of {amount} has {n} transaction details with amounts that "
                "contradict their own details' total (TxDtls/Amt)."
            ).format(amount=amount, n=len(details)),
        )

    def details(self, detail: etree._Element, place: str, base: ParsedLine) -> ParsedLine:
        """``base`` with the counterparty, remittance and references of one ``TxDtls``.
        The counterparty is the debtor of money in, the creditor of money out."""
        party, account = ("Dbtr", "DbtrAcct") if base.amount >= 0 else ("Cdtr", "CdtrAcct")
        clean = self.reading.text
        name = self.text(detail, f"c:RltdPties/c:{party}/c:Nm") or self.text(
            detail, f"c:RltdPties/c:{party}/c:Pty/c:Nm"
        )
        iban = self.text(detail, f"c:RltdPties/c:{account}/c:Id/c:IBAN")
        unstructured = " ".join(
            part.text.strip() for part in self.findall(detail, "c:RmtInf/c:Ustrd") if part.text
        )
        creditor_reference = self.text(detail, "c:RmtInf/c:Strd/c:CdtrRefInf/c:Ref")
        end_to_end = self.text(detail, "c:Refs/c:EndToEndId")
        if end_to_end and end_to_end.upper() == _NOT_PROVIDED:
            end_to_end = None
        reference = clean(self.text(detail, "c:Refs/c:AcctSvcrRef"), f"{place} / Refs")
        return replace(
            base,
            counterparty_name=clean(name, f"{place} / {party}/Nm"),
            counterparty_iban=iban_or_none(iban),
            remittance=clean(unstructured, f"{place} / RmtInf/Ustrd"),
            creditor_reference=clean(creditor_reference, f"{place} / CdtrRefInf/Ref"),
            bank_reference=reference or base.bank_reference,
            end_to_end_id=clean(end_to_end, f"{place} / Refs/EndToEndId"),
        )

    def merged(self, details: list[etree._Element], prefix: str, base: ParsedLine) -> ParsedLine:
        """One line for an entry whose several details carry no amounts of their own:
        the texts joined, a name, IBAN or reference kept only when all details agree."""
        each = [self.details(d, f"{prefix} / TxDtls {i}", base) for i, d in enumerate(details, 1)]

        def agreed(values: set[str | None]) -> str | None:
            return values.pop() if len(values) == 1 else None

        return replace(
            base,
            counterparty_name=agreed({e.counterparty_name for e in each}),
            counterparty_iban=agreed({e.counterparty_iban for e in each}),
            creditor_reference=agreed({e.creditor_reference for e in each}),
            end_to_end_id=agreed({e.end_to_end_id for e in each}),
            remittance=" ".join(e.remittance for e in each if e.remittance) or None,
        )


def read(data: bytes, file_name: str) -> ParsedFile:
    """Read a camt.052/053/054 document."""
    reading = Reading(file_name)
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, remove_comments=True, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        line = error.lineno
        raise reading.fail(
            f"{_('line')} {line}" if line else None,
            _("the XML is damaged or cut short ({error}).").format(error=error.msg),
        ) from None
    namespace = etree.QName(root).namespace or ""
    match = _NAMESPACE.fullmatch(namespace)
    if etree.QName(root).localname != "Document" or not match:
        raise reading.fail(
            None,
            _(
                "this XML is not a camt.052, camt.053 or camt.054 bank statement "
                "(versions 02 to 08); its namespace is “{namespace}”."
            ).format(namespace=namespace or etree.QName(root).localname),
        )
    message, version = match[1], match[2]
    container, element, kind = _MESSAGES[message]
    ns = {"c": namespace}
    statements = list(root.iterfind(f"c:{container}/c:{element}", ns))
    if not statements:
        raise reading.fail(
            container,
            _("the file has a group header but no statement ({element}).").format(element=element),
        )
    camt = _Camt(reading, namespace, several=len(statements) > 1)
    parsed = tuple(camt.statement(s, i, kind) for i, s in enumerate(statements, start=1))
    return ParsedFile(
        file_name=file_name,
        file_format=f"camt.{message}.001.{version}",
        statements=parsed,
        notes=tuple(reading.notes),
    )

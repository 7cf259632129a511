"""A read bank file into the database: whole or not at all, each line once.

``store_file`` checks every statement of the file before it writes anything:

- where the file gives both balances, the opening balance plus the lines must equal the
  closing balance. When it does not (a missing page is the usual cause), the file is
  refused with ``StatementDifferenceError`` naming the statement and the difference,
  unless the user chose to import it anyway: the difference is then kept on the
  statement and shown with it;
- each line gets an ``import_id``: from the bank's own reference of the entry where it
  has one that is unique in its statement, else a hash of the account, the date, the
  amount, the texts and how many identical lines came before it in the statement. A
  line whose id is stored already (the same file again, a later file that overlaps an
  earlier one, a notification and then the statement of the same day) adds nothing;
  a statement none of whose lines are new is not stored again.

The caller runs it in one write transaction (``write_transaction(database,
run=BANK_IMPORT)``), so two imports of one file at once store it once: the second waits
for the first and then finds every line known.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from collections_desktop.formatting import text_formats
from collections_desktop.i18n import _
from collections_desktop.kernel.money import ZERO
from collections_desktop.models.bank.iban import normal_iban
from collections_desktop.models.bank.parsed import ParsedFile, ParsedLine, ParsedStatement
from collections_desktop.models.db.schema import (
    BankAccount,
    BankLineState,
    BankStatement,
    BankStatementLine,
)

BANK_IMPORT = "bank_import"
"""The write lock of bank imports: one at a time in the company."""

_NO_REFERENCE = frozenset({"", "NONREF", "NOTPROVIDED", "NONE", "N/A"})


class StatementDifferenceError(ValueError):
    """A statement whose lines do not lead from its opening to its closing balance."""

    def __init__(self, file_name: str, statement: str, difference: Decimal, message: str) -> None:
        self.file_name = file_name
        self.statement = statement
        self.difference = difference
        super().__init__(message)


@dataclass(frozen=True)
class StoredStatement:
    """What one statement of the file added."""

    statement_id: uuid.UUID | None  # None: nothing new, nothing stored
    label: str  # "statement 12 of NL77ABNA0574908765"
    account: str
    currency: str
    lines_in_file: int
    new_lines: int
    new_credits: int  # new lines of money in: the reconciliation's work
    difference: Decimal | None  # kept on the statement (imported anyway)


@dataclass(frozen=True)
class StoredFile:
    """What ``store_file`` wrote for one file."""

    file_name: str
    file_format: str
    statements: tuple[StoredStatement, ...]
    notes: tuple[str, ...]

    @property
    def new_lines(self) -> int:
        return sum(s.new_lines for s in self.statements)

    @property
    def known_lines(self) -> int:
        return sum(s.lines_in_file - s.new_lines for s in self.statements)


def statement_label(statement: ParsedStatement) -> str:
    """How the messages name a statement: its number (or dates) and its account."""
    fmt = text_formats()
    if statement.statement_number:
        return _("statement {number} of {account}").format(
            number=statement.statement_number, account=statement.account
        )
    if statement.to_date is not None:
        return _("the statement of {date} of {account}").format(
            date=fmt.date(statement.to_date), account=statement.account
        )
    return _("the statement of {account}").format(account=statement.account)


def difference(statement: ParsedStatement) -> Decimal | None:
    """Opening plus lines minus closing (zero when it adds up), None without both balances."""
    if statement.opening_balance is None or statement.closing_balance is None:
        return None
    total = sum((line.amount for line in statement.lines), ZERO)
    return statement.opening_balance + total - statement.closing_balance


def check_balances(parsed: ParsedFile) -> list[tuple[str, Decimal]]:
    """The statements of the file that do not add up, with their differences."""
    return [
        (statement_label(s), gap)
        for s in parsed.statements
        if (gap := difference(s)) is not None and gap != ZERO
    ]


def line_import_ids(statement: ParsedStatement) -> list[str]:
    """The import id of each line of ``statement`` (see the module docstring)."""
    references = Counter(_bank_reference(line) for line in statement.lines)
    seen: Counter[tuple[object, ...]] = Counter()
    ids = []
    for line in statement.lines:
        reference = _bank_reference(line)
        if reference is not None and references[reference] == 1:
            key: tuple[object, ...] = ("ref", statement.account, reference)
        else:
            facts = (
                statement.account,
                line.booking_date.isoformat(),
                str(line.amount.normalize()),
                line.currency,
                line.remittance or "",
                line.creditor_reference or "",
                line.end_to_end_id or "",
                line.counterparty_iban or "",
            )
            seen[facts] += 1
            key = ("line", *facts, seen[facts])
        ids.append(hashlib.sha256("\x1f".join(map(str, key)).encode()).hexdigest()[:40])
    return ids


def store_file(
    session: Session,
    parsed: ParsedFile,
    now: dt.datetime,
    *,
    imported_by_id: uuid.UUID | None,
    accept_differences: bool = False,
) -> StoredFile:
    """Store the new lines of every statement of ``parsed`` (see the module docstring).

    Refused with ``StatementDifferenceError`` (nothing written) when a statement does not
    add up and ``accept_differences`` is false. The caller commits.
    """
    fmt = text_formats()
    if not accept_differences:
        for statement in parsed.statements:
            gap = difference(statement)
            if gap is not None and gap != ZERO:
                total = sum((line.amount for line in statement.lines), ZERO)
                assert statement.opening_balance is not None
                assert statement.closing_balance is not None
                raise StatementDifferenceError(
                    parsed.file_name,
                    statement_label(statement),
                    gap,
                    _(
                        "{file}: {statement} does not add up. The opening balance {opening} "
                        "plus its {count} lines ({total}) makes {computed}, but the closing "
                        "balance is {closing}: a difference of {difference} {currency}. A "
                        "missing page of the statement is the usual cause. Nothing was "
                        "imported; import it anyway to keep the difference on the statement."
                    ).format(
                        file=parsed.file_name,
                        statement=statement_label(statement),
                        opening=fmt.amount(statement.opening_balance),
                        count=len(statement.lines),
                        total=fmt.amount(total),
                        computed=fmt.amount(statement.opening_balance + total),
                        closing=fmt.amount(statement.closing_balance),
                        difference=fmt.amount(gap),
                        currency=statement.currency,
                    ),
                )
    all_ids = [line_import_ids(s) for s in parsed.statements]
    known = _known_ids(session, [i for ids in all_ids for i in ids])
    banks = _bank_accounts(session)
    stored = []
    for statement, ids in zip(parsed.statements, all_ids, strict=True):
        numbered = enumerate(zip(statement.lines, ids, strict=True), 1)
        new = [(n, line, i) for n, (line, i) in numbered if i not in known]
        known.update(i for _n, _line, i in new)
        label = statement_label(statement)
        gap = difference(statement)
        gap = gap if gap else None
        if not new and _stored_before(session, statement):
            stored.append(
                StoredStatement(
                    None,
                    label,
                    statement.account,
                    statement.currency,
                    len(statement.lines),
                    0,
                    0,
                    gap,
                )
            )
            continue
        row = BankStatement(
            account=statement.account,
            currency=statement.currency,
            bank_account_id=banks.get(_normal_account(statement.account)),
            statement_number=statement.statement_number,
            kind=statement.kind,
            file_format=parsed.file_format,
            file_name=parsed.file_name[-255:],
            from_date=statement.from_date,
            to_date=statement.to_date,
            opening_balance=statement.opening_balance,
            closing_balance=statement.closing_balance,
            difference=gap,
            line_count=len(statement.lines),
            new_lines=len(new),
            notes="\n".join(parsed.notes) or None,
            imported_at=now,
            imported_by_id=imported_by_id,
        )
        session.add(row)
        session.flush()
        session.add_all(
            _line_row(row.id, position, line, import_id, now) for position, line, import_id in new
        )
        stored.append(
            StoredStatement(
                row.id,
                label,
                statement.account,
                statement.currency,
                len(statement.lines),
                len(new),
                sum(1 for _n, line, _i in new if line.amount > ZERO),
                gap,
            )
        )
    session.flush()
    return StoredFile(parsed.file_name, parsed.file_format, tuple(stored), parsed.notes)


def _line_row(
    statement_id: uuid.UUID, position: int, line: ParsedLine, import_id: str, now: dt.datetime
) -> BankStatementLine:
    return BankStatementLine(
        statement_id=statement_id,
        position=position,
        import_id=import_id,
        booking_date=line.booking_date,
        value_date=line.value_date,
        amount=line.amount,
        currency=line.currency,
        counterparty_name=_cut(line.counterparty_name, 140),
        counterparty_iban=_cut(normal_iban(line.counterparty_iban or ""), 34),
        remittance=line.remittance,
        creditor_reference=_cut(line.creditor_reference, 35),
        bank_reference=_cut(line.bank_reference, 80),
        end_to_end_id=_cut(line.end_to_end_id, 80),
        state=BankLineState.OPEN if line.amount > ZERO else BankLineState.OUTGOING,
        updated_at=now,
        version=1,
    )


def _bank_reference(line: ParsedLine) -> str | None:
    reference = (line.bank_reference or "").strip()
    return None if reference.upper() in _NO_REFERENCE else reference


def _known_ids(session: Session, ids: Sequence[str]) -> set[str]:
    known: set[str] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        known.update(
            session.scalars(
                select(BankStatementLine.import_id).where(BankStatementLine.import_id.in_(chunk))
            )
        )
    return known


def _stored_before(session: Session, statement: ParsedStatement) -> bool:
    """A statement of the same account, number and period is stored already."""
    query = select(BankStatement.id).where(
        BankStatement.account == statement.account,
        BankStatement.currency == statement.currency,
        BankStatement.kind == statement.kind,
    )
    for column, value in (
        (BankStatement.statement_number, statement.statement_number),
        (BankStatement.to_date, statement.to_date),
        (BankStatement.closing_balance, statement.closing_balance),
    ):
        query = query.where(column.is_(None) if value is None else column == value)
    return session.scalar(query.limit(1)) is not None


def _bank_accounts(session: Session) -> dict[str, uuid.UUID]:
    """The company's bank accounts by IBAN (and by code), as statements name them."""
    found: dict[str, uuid.UUID] = {}
    for row in session.execute(
        select(BankAccount.id, BankAccount.code, BankAccount.iban).where(
            BankAccount.deleted_at.is_(None)
        )
    ):
        found.setdefault(_normal_account(row.code), row.id)
        if row.iban:
            found[_normal_account(row.iban)] = row.id
    return found


def _normal_account(text: str) -> str:
    return "".join(text.split()).upper()


def _cut(text: str | None, size: int) -> str | None:
    return text[:size] if text else None

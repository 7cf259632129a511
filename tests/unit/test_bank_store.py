"""Storing read bank files: balances that must add up (or the difference kept when the user
says so), each line once (the same file again, an overlapping later file, two processes
at once), money out kept apart from the reconciliation's work."""

from __future__ import annotations

import datetime as dt
import pickle
import textwrap
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from collections_desktop.models.bank.parsed import ParsedFile, ParsedLine, ParsedStatement
from collections_desktop.models.bank.store import (
    BANK_IMPORT,
    StatementDifferenceError,
    store_file,
)
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import BankAccount, BankStatement, BankStatementLine
from collections_desktop.models.db.writing import write_transaction
from tests.racing import said_at_once

D = Decimal
NOW = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
IBAN = "ES9121000418450200051332"


def line(day: int, amount: str, text: str, reference: str | None = None, **fields) -> ParsedLine:
    return ParsedLine(
        booking_date=dt.date(2026, 11, day),
        value_date=dt.date(2026, 11, day),
        amount=D(amount),
        currency="EUR",
        remittance=text,
        bank_reference=reference,
        **fields,
    )


def statement(lines, opening="1000.00", closing=None, number="2026-47") -> ParsedStatement:
    total = sum((item.amount for item in lines), D(0))
    return ParsedStatement(
        account=IBAN,
        currency="EUR",
        kind="statement",
        statement_number=number,
        from_date=lines[0].booking_date if lines else None,
        to_date=lines[-1].booking_date if lines else None,
        opening_balance=D(opening),
        closing_balance=D(closing) if closing is not None else D(opening) + total,
        lines=tuple(lines),
    )


def parsed(*statements: ParsedStatement, name: str = "nov.xml") -> ParsedFile:
    return ParsedFile(name, "camt.053.001.02", statements)


WEEK = [
    line(16, "1210.00", "INV-0000123", "REF-1"),
    line(17, "-35.40", "Bank charges", "REF-2"),
    line(18, "500.00", "Pago fra 0000124", "REF-3"),
]


def stored_lines(database: Database) -> list[tuple[object, ...]]:
    with database.sessions() as session:
        return [
            tuple(row)
            for row in session.execute(
                select(
                    BankStatementLine.position,
                    BankStatementLine.amount,
                    BankStatementLine.state,
                    BankStatementLine.remittance,
                ).order_by(BankStatementLine.booking_date, BankStatementLine.position)
            )
        ]


def test_a_statement_that_adds_up_is_stored_with_its_lines(any_db: Database) -> None:
    with write_transaction(any_db) as session:
        bank = session.scalars(select(BankAccount)).first()
        if bank is None:
            bank = BankAccount(
                code="OPER", name="Operating", ledger_account="512000", currency="EUR",
                updated_at=NOW,
            )  # fmt: skip
            session.add(bank)
        bank.iban = IBAN
        result = store_file(session, parsed(statement(WEEK)), NOW, imported_by_id=None)
    assert (result.new_lines, result.known_lines) == (3, 0)
    assert result.statements[0].new_credits == 2
    assert result.statements[0].label == f"statement 2026-47 of {IBAN}"
    assert stored_lines(any_db) == [
        (1, D("1210.00"), "open", "INV-0000123"),
        (2, D("-35.40"), "outgoing", "Bank charges"),
        (3, D("500.00"), "open", "Pago fra 0000124"),
    ]
    with any_db.sessions() as session:
        row = session.scalars(select(BankStatement)).one()
        assert (row.opening_balance, row.closing_balance, row.difference) == (
            D("1000.00"),
            D("2674.60"),
            None,
        )
        assert row.bank_account_id == session.scalar(
            select(BankAccount.id).where(BankAccount.iban == IBAN)
        )


def test_the_same_file_twice_and_an_overlapping_file_add_each_line_once(
    sqlite_db: Database,
) -> None:
    with write_transaction(sqlite_db) as session:
        store_file(session, parsed(statement(WEEK)), NOW, imported_by_id=None)
    with write_transaction(sqlite_db) as session:
        again = store_file(session, parsed(statement(WEEK)), NOW, imported_by_id=None)
    assert (again.new_lines, again.known_lines) == (0, 3)
    assert again.statements[0].statement_id is None
    later = [*WEEK[1:], line(19, "80.00", "INV-0000130", "REF-4")]
    with write_transaction(sqlite_db) as session:
        overlap = store_file(
            session,
            parsed(statement(later, opening="2210.00", number="2026-48"), name="later.xml"),
            NOW,
            imported_by_id=None,
        )
    assert (overlap.new_lines, overlap.known_lines) == (1, 2)
    assert [row[1] for row in stored_lines(sqlite_db)] == [
        D("1210.00"),
        D("-35.40"),
        D("500.00"),
        D("80.00"),
    ]
    with sqlite_db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(BankStatement)) == 2


def test_lines_without_a_bank_reference_are_told_apart_by_their_facts_and_order(
    sqlite_db: Database,
) -> None:
    twins = [line(16, "50.00", "Cuota"), line(16, "50.00", "Cuota"), line(16, "50.00", "Other")]
    with write_transaction(sqlite_db) as session:
        first = store_file(session, parsed(statement(twins)), NOW, imported_by_id=None)
    with write_transaction(sqlite_db) as session:
        second = store_file(session, parsed(statement(twins)), NOW, imported_by_id=None)
    assert (first.new_lines, second.new_lines) == (3, 0)
    # A reference the bank repeats on two lines is not a line's own: the facts decide.
    repeated = [line(20, "10.00", "a", "NONREF"), line(20, "12.00", "b", "SAME"),
                line(20, "13.00", "c", "SAME")]  # fmt: skip
    with write_transaction(sqlite_db) as session:
        third = store_file(
            session, parsed(statement(repeated, number="x")), NOW, imported_by_id=None
        )
    assert third.new_lines == 3


def test_a_statement_that_does_not_add_up_is_refused_whole_or_kept_with_its_difference(
    sqlite_db: Database,
) -> None:
    good = statement(WEEK)
    short = statement(WEEK[:2], opening="2674.60", closing="3100.00", number="2026-48")
    with pytest.raises(StatementDifferenceError) as refused, write_transaction(sqlite_db) as s:
        store_file(s, parsed(good, short), NOW, imported_by_id=None)
    assert str(refused.value) == (
        f"nov.xml: statement 2026-48 of {IBAN} does not add up. The opening balance 2,674.60 "
        "plus its 2 lines (1,174.60) makes 3,849.20, but the closing balance is 3,100.00: a "
        "difference of 749.20 EUR. A missing page of the statement is the usual cause. "
        "Nothing was imported; import it anyway to keep the difference on the statement."
    )
    assert refused.value.difference == D("749.20")
    assert stored_lines(sqlite_db) == []
    with write_transaction(sqlite_db) as session:
        kept = store_file(
            session, parsed(good, short), NOW, imported_by_id=None, accept_differences=True
        )
    assert [s.difference for s in kept.statements] == [None, D("749.20")]
    with sqlite_db.sessions() as session:
        assert sorted(
            session.execute(select(BankStatement.statement_number, BankStatement.difference))
        ) == [("2026-47", None), ("2026-48", D("749.20"))]


_IMPORT = textwrap.dedent(
    """
    import pickle, sys, time
    from collections_desktop.models.bank.store import BANK_IMPORT, store_file
    from collections_desktop.kernel.clock import SystemClock
    from collections_desktop.models.company.opening import open_company
    from collections_desktop.models.db.writing import write_transaction

    database = open_company(sys.argv[1], clock=SystemClock(), create=False)
    file = pickle.loads(bytes.fromhex(sys.argv[2]))
    time.sleep(max(0.0, float(sys.argv[3]) - time.time()))
    with write_transaction(database, run=BANK_IMPORT) as session:
        result = store_file(session, file, SystemClock().now(), imported_by_id=None)
        print(result.new_lines)
    database.dispose()
    """
)


def test_two_processes_importing_one_file_at_once_store_it_once(any_db: Database) -> None:
    url = any_db.engine.url.render_as_string(hide_password=False)
    if any_db.engine.dialect.name == "sqlite":
        url = str(any_db.url)
    file = pickle.dumps(parsed(statement(WEEK))).hex()
    assert said_at_once(_IMPORT, url, file) == ["0", "3"]
    assert len(stored_lines(any_db)) == 3
    assert BANK_IMPORT == "bank_import"

"""Helpers of the bank-file tests: read a shared sample, and the balance arithmetic."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from collections_desktop.models.bank.formats import CsvProfile, read_bank_file
from collections_desktop.models.bank.parsed import BankFileError, ParsedFile, ParsedStatement
from tests.shared_data import shared_file

D = Decimal


def read(name: str, profile: CsvProfile | None = None) -> ParsedFile:
    """The shared sample ``bank/<name>`` read as the app reads it."""
    return read_bank_file(shared_file(f"bank/{name}"), profile=profile)


def refusal(name: str, profile: CsvProfile | None = None) -> BankFileError:
    """The refusal of the shared sample ``bank/<name>``."""
    with pytest.raises(BankFileError) as caught:
        read(name, profile)
    return caught.value


def adds_up(statement: ParsedStatement) -> bool:
    """Opening balance plus the lines equals the closing balance (both must exist)."""
    assert statement.opening_balance is not None
    assert statement.closing_balance is not None
    total = sum((line.amount for line in statement.lines), D(0))
    return statement.opening_balance + total == statement.closing_balance


def ends(statement: ParsedStatement) -> tuple[tuple[D, dt.date], tuple[D, dt.date]]:
    """The first and last lines' amount and booking date."""
    first, last = statement.lines[0], statement.lines[-1]
    return (first.amount, first.booking_date), (last.amount, last.booking_date)


@dataclass(frozen=True)
class Accepted:
    """What a sample file must read as: its format, lines per statement, the first
    statement's first and last line (amount, booking date), balances and account, and
    for each statement whether opening + lines = closing (``None``: a balance missing)."""

    name: str
    file_format: str
    lines: list[int]
    ends: tuple[tuple[D, dt.date], tuple[D, dt.date]] | None
    balances: tuple[str | None, str | None]
    account: str
    currency: str
    adds: list[bool | None]
    notes: tuple[str, ...] = ()

    def check(self) -> ParsedFile:
        """Read the file and compare it with these figures."""
        parsed = read(self.name)
        assert parsed.file_format == self.file_format
        assert [len(s.lines) for s in parsed.statements] == self.lines
        first = parsed.statements[0]
        assert (ends(first) if first.lines else None) == self.ends
        opening, closing = self.balances
        assert first.opening_balance == (D(opening) if opening is not None else None)
        assert first.closing_balance == (D(closing) if closing is not None else None)
        assert (first.account, first.currency) == (self.account, self.currency)
        assert [
            adds_up(s) if s.opening_balance is not None and s.closing_balance is not None else None
            for s in parsed.statements
        ] == self.adds
        assert parsed.notes == self.notes
        for statement in parsed.statements:
            assert all(line.currency == statement.currency for line in statement.lines)
        return parsed

"""The IBANs a customer pays from, in the customer record: added, removed (tombstones),
brought back, checked, shared with another customer, and saved with the rest of the record
over its version."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import func, select

from collections_desktop.models.customers.record import (
    BankAccountLine,
    RecordError,
    iban_owners,
    read_record,
    save_record,
)
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.editing import StaleEditError
from collections_desktop.models.db.schema import Customer, CustomerBankAccount, CustomerChange
from tests.sync_replicas import make_replica
from tests.unit.test_cases import LATER, office
from tests.unit.test_snapshot import NOW, TODAY
from tests.unit.test_sync_capture import kinds, one_batch

CAIXA = "ES9121000418450200051332"
BARCLAYS = "GB82WEST12345698765432"
DEUTSCHE = "DE89370400440532013000"


def learned(session, customer, iban: str) -> CustomerBankAccount:
    """An IBAN the reconciliation learned from a confirmed statement line."""
    row = CustomerBankAccount(customer_id=customer.id, iban=iban, source="statement",
                              updated_at=NOW)  # fmt: skip
    session.add(row)
    session.flush()
    return row


def stored(session, customer) -> list[tuple[str, str, bool, int]]:
    """Every row of the customer's IBANs, removed ones too: (IBAN, source, live, version)."""
    return [
        (row.iban, row.source, row.deleted_at is None, row.version)
        for row in session.scalars(
            select(CustomerBankAccount)
            .where(CustomerBankAccount.customer_id == customer.id)
            .order_by(CustomerBankAccount.iban)
        )
    ]


def history(session) -> list[tuple[str, str | None, str | None]]:
    """The record's history rows, sorted by field, then old and new value."""
    return sorted(
        (
            (row.field, row.old_value, row.new_value)
            for row in session.scalars(select(CustomerChange))
        ),
        key=lambda change: (change[0], change[1] or "", change[2] or ""),
    )


def test_ibans_are_added_and_removed_with_the_record_and_its_history(
    sqlite_db: Database,
) -> None:
    with sqlite_db.sessions() as session:
        o = office(session)
        statement = learned(session, o.ruiz, BARCLAYS)
        session.commit()
        record = read_record(session, o.ruiz.id, as_of=TODAY)
        assert record.values.bank_accounts == (
            BankAccountLine(BARCLAYS, "statement", statement.id),
        )
        assert record.iban_owners == {}
        changed = dataclasses.replace(
            record.values,
            name="Ruiz Hermanos S.L.",
            bank_accounts=(
                dataclasses.replace(record.values.bank_accounts[0], removed=True),
                BankAccountLine(" es91 2100-0418 4502 0005 1332 "),
            ),
        )
        saved = save_record(session, o.ruiz.id, record.version, changed, o.me, LATER)
        session.commit()
        assert saved.version == 2
        assert sorted(saved.changed) == ["bank_account", "bank_account", "name"]
        assert stored(session, o.ruiz) == [
            (CAIXA, "entered", True, 1),
            (BARCLAYS, "statement", False, 2),  # a tombstone, never deleted
        ]
        assert session.get(CustomerBankAccount, statement.id).updated_at == LATER
        assert history(session) == [
            ("bank_account", None, "ES91 2100 0418 4502 0005 1332, entered"),
            ("bank_account", "GB82 WEST 1234 5698 7654 32, statement", None),
            ("name", "Ruiz Hermanos SL", "Ruiz Hermanos S.L."),
        ]
        again = read_record(session, o.ruiz.id, as_of=TODAY)
        assert [(b.iban, b.source) for b in again.values.bank_accounts] == [(CAIXA, "entered")]

        # The removed IBAN typed in again comes back (the pair is unique), as entered.
        save_record(
            session, o.ruiz.id, 2,
            dataclasses.replace(again.values, bank_accounts=(
                *again.values.bank_accounts, BankAccountLine("GB82 WEST 1234 5698 7654 32"))),
            o.me, LATER,
        )  # fmt: skip
        session.commit()
        assert stored(session, o.ruiz) == [(CAIXA, "entered", True, 1),
                                           (BARCLAYS, "entered", True, 3)]  # fmt: skip
        assert session.scalar(select(func.count()).select_from(CustomerBankAccount)) == 2


def test_an_iban_learned_after_the_record_was_read_is_kept(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        o = office(session)
        session.commit()
        record = read_record(session, o.ruiz.id, as_of=TODAY)
        assert record.values.bank_accounts == ()
        # Meanwhile a statement line from Deutsche Bank is confirmed for Ruiz.
        learned(session, o.ruiz, DEUTSCHE)
        session.commit()
        save_record(
            session, o.ruiz.id, record.version,
            dataclasses.replace(record.values, bank_accounts=(BankAccountLine(DEUTSCHE),
                                                              BankAccountLine(CAIXA))),
            o.me, LATER,
        )  # fmt: skip
        session.commit()
        # Not removed (the form never showed it), not doubled; only Caixa was added.
        assert stored(session, o.ruiz) == [(DEUTSCHE, "statement", True, 1),
                                           (CAIXA, "entered", True, 1)]  # fmt: skip
        assert history(session) == [
            ("bank_account", None, "ES91 2100 0418 4502 0005 1332, entered"),
        ]


def test_one_iban_may_belong_to_two_customers_and_each_record_names_the_other(
    sqlite_db: Database,
) -> None:
    with sqlite_db.sessions() as session:
        o = office(session)
        learned(session, o.garnier, CAIXA)  # the parent pays for its subsidiary
        session.commit()
        record = read_record(session, o.ruiz.id, as_of=TODAY)
        garnier_named = f"{o.garnier.account} Garnier SA"
        typed = "es91 2100 0418 4502 0005 1332"
        assert iban_owners(session, [typed], customer_id=o.ruiz.id) == {CAIXA: (garnier_named,)}
        save_record(
            session, o.ruiz.id, record.version,
            dataclasses.replace(record.values, bank_accounts=(BankAccountLine(CAIXA),)),
            o.me, LATER,
        )  # fmt: skip
        session.commit()
        ruiz = read_record(session, o.ruiz.id, as_of=TODAY)
        garnier = read_record(session, o.garnier.id, as_of=TODAY)
        assert ruiz.iban_owners == {CAIXA: (f"{o.garnier.account} Garnier SA",)}
        assert garnier.iban_owners == {CAIXA: (f"{o.ruiz.account} Ruiz Hermanos SL",)}
        assert iban_owners(session, [CAIXA], customer_id=None) == {
            CAIXA: tuple(sorted([f"{o.garnier.account} Garnier SA",
                                 f"{o.ruiz.account} Ruiz Hermanos SL"]))
        }  # fmt: skip
        assert iban_owners(session, [BARCLAYS, " "], customer_id=o.ruiz.id) == {}


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (
            (BankAccountLine("ES91 2100 0418 4502 0005 1333"),),
            "Bank accounts: ES91 2100 0418 4502 0005 1333: the check digits do not match; "
            "check for a typing error.",
        ),
        (
            (BankAccountLine("021000021 4471"),),
            "Bank accounts: 0210 0002 1447 1: an IBAN starts with a two-letter country code "
            "and two check digits, such as ES91.",
        ),
        (
            (BankAccountLine(CAIXA), BankAccountLine("es91 2100 0418 4502 0005 1332")),
            "Bank accounts: ES91 2100 0418 4502 0005 1332 is listed twice.",
        ),
        ((BankAccountLine(CAIXA, "guessed"),), "Bank accounts: the source “guessed” is not known."),
    ],
)
def test_a_wrong_iban_is_refused_and_nothing_is_written(
    sqlite_db: Database, lines, message: str
) -> None:
    with sqlite_db.sessions() as session:
        o = office(session)
        session.commit()
        record = read_record(session, o.ruiz.id, as_of=TODAY)
        with pytest.raises(RecordError) as refused:
            save_record(session, o.ruiz.id, record.version,
                        dataclasses.replace(record.values, name="Other", bank_accounts=lines),
                        o.me, LATER)  # fmt: skip
        assert str(refused.value) == message
        session.rollback()
        assert session.get(Customer, o.ruiz.id).version == 1
        assert session.scalar(select(func.count()).select_from(CustomerBankAccount)) == 0


def test_a_stale_copy_or_an_iban_removed_meanwhile_is_refused(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        o = office(session)
        row = learned(session, o.ruiz, BARCLAYS)
        session.commit()
        mine = read_record(session, o.ruiz.id, as_of=TODAY)
        theirs = read_record(session, o.ruiz.id, as_of=TODAY)
        gone = BankAccountLine(BARCLAYS, "statement", row.id, removed=True)
        removed = dataclasses.replace(theirs.values, bank_accounts=(gone,))
        save_record(session, o.ruiz.id, theirs.version, removed, o.me, LATER)
        session.commit()
        with pytest.raises(StaleEditError):
            save_record(session, o.ruiz.id, mine.version,
                        dataclasses.replace(mine.values, bank_accounts=(BankAccountLine(CAIXA),)),
                        o.me, LATER)  # fmt: skip
        session.rollback()
        # Read again at the new version, but with the removed line still kept in the form.
        fresh = read_record(session, o.ruiz.id, as_of=TODAY)
        with pytest.raises(RecordError) as refused:
            save_record(session, o.ruiz.id, fresh.version,
                        dataclasses.replace(fresh.values, bank_accounts=mine.values.bank_accounts),
                        o.me, LATER)  # fmt: skip
        assert str(refused.value) == (
            "A bank account you kept was removed by someone else meanwhile: reload the record "
            "and make your changes again."
        )
        session.rollback()
        assert stored(session, o.ruiz) == [(BARCLAYS, "statement", False, 2)]


def test_on_a_replica_an_added_iban_travels_in_the_records_batch(sqlite_db: Database) -> None:
    with sqlite_db.sessions.begin() as session:
        o = office(session)
        ruiz = o.ruiz.id
    replica = make_replica(sqlite_db)
    with replica.sessions.begin() as session:
        record = read_record(session, ruiz, as_of=TODAY)
        save_record(session, ruiz, record.version,
                    dataclasses.replace(record.values, bank_accounts=(BankAccountLine(CAIXA),)),
                    None, LATER)  # fmt: skip
    batch = one_batch(replica)
    assert sorted(kinds(batch)) == [
        ("customer_bank_accounts", "insert"),
        ("customer_changes", "insert"),
        ("customers", "update"),
    ]

"""Bank charges and bank accounts saved from the set-up: amounts exact and not negative,
currencies known, groups kept while an account names them, accounts kept while payments
name them; an NSF payment bills the charges as saved."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import select

from collections_desktop.kernel.clock import FixedClock
from collections_desktop.models.actions.nsf import nsf_preview
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.editing import StaleEditError
from collections_desktop.models.db.schema import (
    BankAccount,
    BankCharge,
    Customer,
    CustomerTransaction,
    Employee,
    TransactionType,
)
from collections_desktop.models.ledger.postings import post_transaction
from collections_desktop.models.people.scope import AgentScope
from collections_desktop.models.setup.bank_charges import (
    BankAccountValues,
    BankChargeValues,
    charges_groups,
    delete_bank_account,
    delete_bank_charge,
    list_bank_accounts,
    list_bank_charges,
    save_bank_account,
    save_bank_charge,
)
from collections_desktop.models.setup.fields import SetupError


def employee(database: Database, now: dt.datetime, *, administrator: bool) -> uuid.UUID:
    with database.sessions.begin() as session:
        person = Employee(
            number=f"E-{uuid.uuid4().hex[:6]}",
            name="Ana Ruiz",
            is_administrator=administrator,
            updated_at=now,
        )
        session.add(person)
        session.flush()
        return person.id


def charge_values(**changes) -> BankChargeValues:
    values = {
        "charges_group": "STD",
        "code": "MANUAL",
        "description": "Manual handling",
        "amount": "7.50",
        "currency": "EUR",
        "ledger_account": "758000",
        "automatic_nsf": False,
    } | changes
    return BankChargeValues(**values)


def test_the_seeded_charge_and_account_are_listed(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        [nsf] = list_bank_charges(session)
        [oper] = list_bank_accounts(session)
        groups = charges_groups(session)
    assert (nsf.charges_group, nsf.code, nsf.amount, nsf.currency, nsf.automatic_nsf) == (
        "STD",
        "NSF",
        Decimal("25.0000"),
        "EUR",
        True,
    )
    assert nsf.bank_accounts == ("OPER",)
    assert (oper.code, oper.ledger_account, oper.currency, oper.charges_group) == (
        "OPER",
        "512000",
        "EUR",
        "STD",
    )
    assert oper.default
    assert groups == ["STD"]


def test_an_administrator_adds_charges_and_a_group_and_an_account_naming_it(
    sqlite_db: Database, clock: FixedClock
) -> None:
    now = clock.now()
    admin = employee(sqlite_db, now, administrator=True)
    with sqlite_db.sessions.begin() as session:
        manual = save_bank_charge(session, None, 0, charge_values(), by=admin, now=now)
        foreign = save_bank_charge(
            session,
            None,
            0,
            charge_values(
                charges_group=" usd ",
                code="nsf",
                description="Returned payment fee",
                amount=Decimal("30"),
                currency="usd",
                automatic_nsf=True,
            ),
            by=admin,
            now=now,
        )
        account = save_bank_account(
            session,
            None,
            0,
            BankAccountValues(" us ", "US dollar account", "512100", "USD", "usd"),
            by=admin,
            now=now,
        )
    with sqlite_db.sessions.begin() as session:
        save_bank_charge(
            session, manual, 1, charge_values(amount="0", description="Waived handling"),
            by=admin, now=now,
        )  # fmt: skip
    with sqlite_db.sessions() as session:
        charges = {(row.charges_group, row.code): row for row in list_bank_charges(session)}
        accounts = {row.code: row for row in list_bank_accounts(session)}
        assert charges_groups(session) == ["STD", "USD"]
    assert charges["STD", "MANUAL"].id == manual
    assert (charges["STD", "MANUAL"].amount, charges["STD", "MANUAL"].description) == (
        Decimal("0"),
        "Waived handling",
    )
    assert charges["STD", "MANUAL"].version == 2
    assert charges["USD", "NSF"].id == foreign
    assert (charges["USD", "NSF"].amount, charges["USD", "NSF"].currency) == (Decimal(30), "USD")
    assert charges["USD", "NSF"].bank_accounts == ("US",)
    assert accounts["US"].id == account
    assert (accounts["US"].currency, accounts["US"].charges_group) == ("USD", "USD")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"charges_group": ""}, "Charges group is required."),
        ({"code": " "}, "Code is required."),
        ({"description": ""}, "Description is required."),
        ({"amount": ""}, "Amount is required."),
        ({"amount": "-1"}, "Amount cannot be negative."),
        ({"amount": "ten"}, "Amount: “ten” is not an amount."),
        ({"amount": "2.555"}, "Amount: 2.555 has more than 2 decimal places."),
        ({"currency": "XXX"}, "Currency: there is no currency XXX. Choose one from the list."),
        ({"currency": ""}, "Currency is required."),
        ({"ledger_account": ""}, "Ledger account is required."),
        ({"code": "nsf"}, "The charges group STD already has a charge NSF."),
    ],
)
def test_a_charge_that_does_not_hold_is_refused_with_the_field_named(
    sqlite_db: Database, clock: FixedClock, changes, message: str
) -> None:
    admin = employee(sqlite_db, clock.now(), administrator=True)
    with pytest.raises(SetupError) as refused, sqlite_db.sessions.begin() as session:
        save_bank_charge(session, None, 0, charge_values(**changes), by=admin, now=clock.now())
    assert str(refused.value) == message
    with sqlite_db.sessions() as session:
        assert len(list_bank_charges(session)) == 1


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (BankAccountValues("", "Name", "512000", "EUR"), "Code is required."),
        (BankAccountValues("B", "", "512000", "EUR"), "Name is required."),
        (BankAccountValues("B", "Name", "", "EUR"), "Ledger account is required."),
        (
            BankAccountValues("B", "Name", "512000", "ZZZ"),
            "Currency: there is no currency ZZZ. Choose one from the list.",
        ),
        (
            BankAccountValues("B", "Name", "512000", "EUR", "GOLD"),
            "Charges group: there is no group GOLD. Choose one from the list, or add a charge "
            "to it first.",
        ),
        (
            BankAccountValues("oper", "Name", "512000", "EUR"),
            "There is already a bank account OPER.",
        ),
    ],
)
def test_an_account_that_does_not_hold_is_refused_with_the_field_named(
    sqlite_db: Database, clock: FixedClock, values: BankAccountValues, message: str
) -> None:
    admin = employee(sqlite_db, clock.now(), administrator=True)
    with pytest.raises(SetupError) as refused, sqlite_db.sessions.begin() as session:
        save_bank_account(session, None, 0, values, by=admin, now=clock.now())
    assert str(refused.value) == message


def test_a_user_who_is_not_an_administrator_changes_nothing(
    sqlite_db: Database, clock: FixedClock
) -> None:
    clerk = employee(sqlite_db, clock.now(), administrator=False)
    with sqlite_db.sessions() as session:
        [nsf] = list_bank_charges(session)
    for by in (clerk, None):
        for change in (
            lambda s, by: save_bank_charge(s, None, 0, charge_values(), by=by, now=clock.now()),
            lambda s, by: delete_bank_charge(s, nsf.id, nsf.version, by=by, now=clock.now()),
            lambda s, by: save_bank_account(
                s, None, 0, BankAccountValues("B", "B", "5", "EUR"), by=by, now=clock.now()
            ),
        ):
            with pytest.raises(SetupError) as refused, sqlite_db.sessions.begin() as session:
                change(session, by)
            assert str(refused.value) == "Only an administrator may change the company's set-up."


def test_an_edit_over_a_stale_copy_is_refused(sqlite_db: Database, clock: FixedClock) -> None:
    now = clock.now()
    admin = employee(sqlite_db, now, administrator=True)
    with sqlite_db.sessions() as session:
        [nsf] = list_bank_charges(session)
        [oper] = list_bank_accounts(session)
    nsf_values = charge_values(code="NSF", automatic_nsf=True)
    with sqlite_db.sessions.begin() as session:
        save_bank_charge(session, nsf.id, nsf.version, nsf_values, by=admin, now=now)
    with pytest.raises(StaleEditError) as refused, sqlite_db.sessions.begin() as session:
        save_bank_charge(
            session, nsf.id, nsf.version, charge_values(code="NSF", amount="40"),
            by=admin, now=now,
        )  # fmt: skip
    assert str(refused.value) == (
        "Bank charge STD NSF was changed by someone else since you opened it. Your changes "
        "were not saved: reload it and make them again."
    )
    account = BankAccountValues("OPER", "Main account", "512000", "EUR", "STD")
    with sqlite_db.sessions.begin() as session:
        save_bank_account(session, oper.id, oper.version, account, by=admin, now=now)
    with pytest.raises(StaleEditError), sqlite_db.sessions.begin() as session:
        save_bank_account(session, oper.id, oper.version, account, by=admin, now=now)
    with sqlite_db.sessions() as session:
        assert list_bank_charges(session)[0].amount == Decimal("7.5")
        assert list_bank_accounts(session)[0].name == "Main account"


def test_the_last_charge_of_a_group_an_account_names_stays(
    sqlite_db: Database, clock: FixedClock
) -> None:
    now = clock.now()
    admin = employee(sqlite_db, now, administrator=True)
    with sqlite_db.sessions() as session:
        [nsf] = list_bank_charges(session)
    with pytest.raises(SetupError) as deleted, sqlite_db.sessions.begin() as session:
        delete_bank_charge(session, nsf.id, nsf.version, by=admin, now=now)
    assert str(deleted.value) == (
        "NSF is the last charge of the group STD, which bank account OPER names: it cannot "
        "be deleted. Change the account's charges group first."
    )
    with pytest.raises(SetupError) as moved, sqlite_db.sessions.begin() as session:
        save_bank_charge(
            session, nsf.id, nsf.version, charge_values(charges_group="NEW", code="NSF"),
            by=admin, now=now,
        )  # fmt: skip
    assert str(moved.value) == (
        "NSF is the last charge of the group STD, which bank account OPER names: it cannot "
        "move to another group. Change the account's charges group first."
    )
    with sqlite_db.sessions.begin() as session:  # with a second charge, the first may go
        save_bank_charge(session, None, 0, charge_values(), by=admin, now=now)
        delete_bank_charge(session, nsf.id, nsf.version, by=admin, now=now)
    with sqlite_db.sessions() as session:
        assert [row.code for row in list_bank_charges(session)] == ["MANUAL"]
        assert session.get(BankCharge, nsf.id).deleted_at == now  # type: ignore[union-attr]
    with sqlite_db.sessions.begin() as session:  # the deleted charge comes back when added
        again = save_bank_charge(
            session, None, 0, charge_values(code="NSF", amount="20"), by=admin, now=now
        )
    assert again == nsf.id


def test_an_account_payments_name_and_the_default_one_stay(
    sqlite_db: Database, clock: FixedClock
) -> None:
    now = clock.now()
    admin = employee(sqlite_db, now, administrator=True)
    with sqlite_db.sessions.begin() as session:
        second = save_bank_account(
            session, None, 0, BankAccountValues("SEC", "Second", "512200", "EUR", "STD"),
            by=admin, now=now,
        )  # fmt: skip
        spare = save_bank_account(
            session, None, 0, BankAccountValues("SPARE", "Spare", "512300", "EUR"),
            by=admin, now=now,
        )  # fmt: skip
        customer = Customer(account="C-1", name="Ruiz SL", currency="EUR", updated_at=now)
        session.add(customer)
        session.flush()
        post_transaction(
            session,
            customer_id=customer.id,
            type=TransactionType.PAYMENT,
            amount=Decimal(100),
            posting_date=now.date(),
            now=now,
            bank_account="SEC",
        )
    with sqlite_db.sessions() as session:
        accounts = {row.code: row for row in list_bank_accounts(session)}
        payment = session.scalars(
            select(CustomerTransaction.document_number).filter_by(bank_account="SEC")
        ).one()
    with pytest.raises(SetupError) as deleted, sqlite_db.sessions.begin() as session:
        delete_bank_account(session, second, 1, by=admin, now=now)
    assert (
        str(deleted.value) == f"SEC cannot be deleted: payments arrived in it (such as {payment})."
    )
    with pytest.raises(SetupError) as renamed, sqlite_db.sessions.begin() as session:
        save_bank_account(
            session, second, 1, BankAccountValues("TWO", "Second", "512200", "EUR"),
            by=admin, now=now,
        )  # fmt: skip
    assert str(renamed.value) == (
        f"The code of SEC cannot change: payments arrived in it (such as {payment})."
    )
    oper = accounts["OPER"]
    with pytest.raises(SetupError) as default, sqlite_db.sessions.begin() as session:
        delete_bank_account(session, oper.id, oper.version, by=admin, now=now)
    assert str(default.value) == (
        "OPER cannot be deleted: it is the default account, which takes the payments that "
        "name none."
    )
    with sqlite_db.sessions.begin() as session:
        delete_bank_account(session, spare, 1, by=admin, now=now)
    with sqlite_db.sessions() as session:
        assert [row.code for row in list_bank_accounts(session)] == ["OPER", "SEC"]


def test_an_nsf_payment_bills_the_automatic_charges_as_saved(
    sqlite_db: Database, clock: FixedClock
) -> None:
    now = clock.now()
    admin = employee(sqlite_db, now, administrator=True)
    with sqlite_db.sessions() as session:
        [nsf] = list_bank_charges(session)
    changed = charge_values(
        code="NSF", description="Returned payment", amount="30", automatic_nsf=True
    )
    with sqlite_db.sessions.begin() as session:
        save_bank_charge(session, nsf.id, nsf.version, changed, by=admin, now=now)
        save_bank_charge(session, None, 0, charge_values(), by=admin, now=now)  # not automatic
        customer = Customer(account="C-1", name="Ruiz SL", currency="EUR", updated_at=now)
        session.add(customer)
        session.flush()
        payment = post_transaction(
            session,
            customer_id=customer.id,
            type=TransactionType.PAYMENT,
            amount=Decimal(100),
            posting_date=now.date(),
            now=now,
        )
    with sqlite_db.sessions() as session:
        preview = nsf_preview(
            session, AgentScope("admin", {}, {}, None, True), payment.id, now.date()
        )
    assert [(c.code, c.description, c.amount, c.currency) for c in preview.charges] == [
        ("NSF", "Returned payment", Decimal(30), "EUR")
    ]


def test_an_account_keeps_its_iban_or_its_plain_number(
    sqlite_db: Database, clock: FixedClock
) -> None:
    now = clock.now()
    admin = employee(sqlite_db, now, administrator=True)
    with sqlite_db.sessions() as session:
        [oper] = list_bank_accounts(session)
    assert (oper.iban, oper.iban_shown) == (None, "")
    main = BankAccountValues("OPER", "Main account", "512000", "EUR", "STD",
                             iban=" es91-2100 0418 4502 0005 1332 ")  # fmt: skip
    with sqlite_db.sessions.begin() as session:
        save_bank_account(session, oper.id, oper.version, main, by=admin, now=now)
        us = save_bank_account(
            session, None, 0,
            BankAccountValues("US", "US dollar account", "512100", "USD", iban="021000021 4471"),
            by=admin, now=now,
        )  # fmt: skip
        plain = save_bank_account(
            session, None, 0,
            BankAccountValues("CASH", "Cash box", "530000", "EUR", iban=""),
            by=admin, now=now,
        )  # fmt: skip
    with sqlite_db.sessions() as session:
        accounts = {row.code: row for row in list_bank_accounts(session)}
        stored = dict(session.execute(select(BankAccount.code, BankAccount.iban)).all())
    assert stored == {"OPER": "ES9121000418450200051332", "US": "0210000214471", "CASH": None}
    assert accounts["OPER"].iban_shown == "ES91 2100 0418 4502 0005 1332"
    assert (accounts["OPER"].version, accounts["US"].id, accounts["CASH"].id) == (2, us, plain)
    assert accounts["US"].iban_shown == "0210000214471"
    # Taken off again: the account has no IBAN.
    with sqlite_db.sessions.begin() as session:
        save_bank_account(session, oper.id, 2, dataclasses.replace(main, iban=" "),
                          by=admin, now=now)  # fmt: skip
    with sqlite_db.sessions() as session:
        assert session.get(BankAccount, oper.id).iban is None  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("iban", "message"),
    [
        (
            "ES91 2100 0418 4502 0005 1333",
            "IBAN: ES91 2100 0418 4502 0005 1333: the check digits do not match; check for a "
            "typing error.",
        ),
        (
            "DE89 3704 0044 0532 0130",
            "IBAN: DE89 3704 0044 0532 0130: an IBAN of Germany has 22 characters; this one "
            "has 20.",
        ),
        (
            "Ruiz account #1",
            "IBAN: “Ruiz account #1” is neither an IBAN nor an account number (letters, digits "
            "and . / - only).",
        ),
        ("1" * 35, "IBAN is too long: at most 34 characters."),
        (  # the IBAN of another live account
            "GB82 WEST 1234 5698 7654 32",
            "IBAN: bank account SEC already has GB82 WEST 1234 5698 7654 32; a statement must "
            "belong to one account.",
        ),
    ],
)
def test_an_iban_that_does_not_hold_is_refused(
    sqlite_db: Database, clock: FixedClock, iban: str, message: str
) -> None:
    now = clock.now()
    admin = employee(sqlite_db, now, administrator=True)
    with sqlite_db.sessions.begin() as session:
        save_bank_account(session, None, 0, BankAccountValues(
            "SEC", "Second", "512200", "EUR", iban="GB82WEST12345698765432"),
            by=admin, now=now)  # fmt: skip
    with pytest.raises(SetupError) as refused, sqlite_db.sessions.begin() as session:
        save_bank_account(
            session, None, 0, BankAccountValues("NEW", "New", "512300", "EUR", iban=iban),
            by=admin, now=now,
        )  # fmt: skip
    assert str(refused.value) == message


def test_a_deleted_account_leaves_its_iban_free(sqlite_db: Database, clock: FixedClock) -> None:
    now = clock.now()
    admin = employee(sqlite_db, now, administrator=True)
    values = BankAccountValues("OLD", "Old", "512200", "EUR", iban="GB82WEST12345698765432")
    with sqlite_db.sessions.begin() as session:
        old = save_bank_account(session, None, 0, values, by=admin, now=now)
        # Saving an account again with its own IBAN is no clash.
        save_bank_account(session, old, 1, values, by=admin, now=now)
        delete_bank_account(session, old, 2, by=admin, now=now)
        new = save_bank_account(
            session, None, 0, dataclasses.replace(values, code="NEW", name="New"),
            by=admin, now=now,
        )  # fmt: skip
    with sqlite_db.sessions() as session:
        assert [(row.code, row.iban) for row in list_bank_accounts(session)] == [
            ("NEW", "GB82WEST12345698765432"),
            ("OPER", None),
        ]
        assert list_bank_accounts(session)[0].id == new

"""The customer record: read, checked, saved over its version with a history; the list of
customers with their exact balances."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from collections_desktop.models.customers.record import (
    AddressLine,
    ContactLine,
    RecordError,
    read_record,
    save_record,
)
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.editing import StaleEditError
from collections_desktop.models.db.schema import (
    Contact,
    Customer,
    CustomerAddress,
    CustomerChange,
    Employee,
)
from collections_desktop.models.ledger import postings, settlements
from collections_desktop.models.people.scope import ScopeError, company_scope
from collections_desktop.models.screens.customer_list import (
    customer_filter_choices,
    list_customers,
)
from tests.statements import statements
from tests.sync_replicas import make_replica
from tests.unit.test_cases import LATER, office
from tests.unit.test_snapshot import NOW, TODAY
from tests.unit.test_sync_capture import kinds, one_batch

D = Decimal


def contact(session, customer, name, email=None) -> Contact:
    row = Contact(customer_id=customer.id, name=name, email=email, updated_at=NOW)
    session.add(row)
    session.flush()
    return row


def test_the_list_shows_each_customer_with_the_balance_worked_out_by_hand(
    any_db: Database,
) -> None:
    with any_db.sessions() as session:
        o = office(session)
        # Ruiz: 1,234.56 - 200.00 paid + 500.00 + 99.95 = 1,634.51 (the payment is settled).
        # A payment of 34.51 posted today, settled against INV b tomorrow: today it is open
        # (-34.51) and INV b is not yet settled, so Ruiz owes 1,600.00 today.
        late = postings.post_payment(
            session, customer_id=o.ruiz.id, amount=D("34.51"), posting_date=TODAY, now=NOW
        )
        settlements.settle(
            session,
            {o.b.id: D("34.51"), late.id: D("34.51")},
            TODAY + dt.timedelta(days=1),
            NOW,
        )
        o.ruiz.credit_limit = D("2500.00")
        o.ruiz.customer_group = "Wholesale"
        o.garnier.account_status = "on_hold"
        quiet = Customer(account="S-ZZZZZZ", name="Quiet SL", currency="EUR", country="ES",
                         updated_at=NOW)  # fmt: skip
        session.add(quiet)
        session.commit()
        everyone = company_scope(session)

        seen, stop = statements(any_db.engine)
        try:
            rows = list_customers(session, everyone, TODAY)
        finally:
            stop()
        assert len(seen) == 1
        by_name = {r.name: r for r in rows}
        assert [r.account for r in rows] == sorted(r.account for r in rows)
        assert by_name["Ruiz Hermanos SL"].balance == D("1600.00")
        assert by_name["Lopes & Filhos Lda"].balance == D("300.00")
        assert by_name["Garnier SA"].balance == D("700.00")
        assert by_name["Quiet SL"].balance == D("0")
        assert by_name["Ruiz Hermanos SL"].credit_limit == D("2500.00")
        assert by_name["Ruiz Hermanos SL"].customer_group == "Wholesale"
        # Tomorrow the settlement counts: 1,600.00 - 34.51 + 34.51 = 1,600.00 still, the
        # payment and the invoice both smaller.
        tomorrow = list_customers(session, everyone, TODAY + dt.timedelta(days=1))
        assert {r.name: r.balance for r in tomorrow}["Ruiz Hermanos SL"] == D("1600.00")

        # The agent sees the Iberia pool only (Spain): Garnier is not listed.
        assert {r.name for r in list_customers(session, o.scope, TODAY)} == {
            "Ruiz Hermanos SL",
            "Lopes & Filhos Lda",
            "Quiet SL",
        }
        assert [r.name for r in list_customers(session, everyone, TODAY, country="FR")] == [
            "Garnier SA"
        ]
        assert [
            r.name for r in list_customers(session, everyone, TODAY, account_status="on_hold")
        ] == ["Garnier SA"]
        assert [
            r.name for r in list_customers(session, everyone, TODAY, customer_group="Wholesale")
        ] == ["Ruiz Hermanos SL"]
        choices = customer_filter_choices(session, everyone, TODAY)
        assert choices.groups == ("Wholesale",)
        assert choices.countries == ("ES", "FR")
        assert customer_filter_choices(session, o.scope, TODAY).countries == ("ES",)


def test_saving_writes_the_changed_fields_and_one_history_row_each(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        o = office(session)
        ana = contact(session, o.ruiz, "Ana Ruiz", "ana@ruiz.example")
        contact(session, o.ruiz, "Luis Ruiz")
        o.ruiz.collections_contact_id = ana.id
        o.ruiz.credit_limit = D("2000.00")
        o.ruiz.city, o.ruiz.street = "Madrid", "Calle Mayor 4"
        session.commit()

        record = read_record(session, o.ruiz.id, as_of=TODAY)
        assert record.version == 1
        assert record.values.credit_limit == D("2000.00")
        assert [c.name for c in record.values.contacts if c.is_collections] == ["Ana Ruiz"]
        assert record.values.addresses == (
            AddressLine("business", "Calle Mayor 4", "Madrid", None, "ES", True),
        )
        assert record.pools == ("Iberia",)
        assert record.changes == ()

        values = record.values
        luis = values.contacts[1]
        changed = dataclasses.replace(
            values,
            credit_limit=D("5000"),
            account_status="on_hold",
            responsible_employee_id=o.me,
            contacts=(
                dataclasses.replace(values.contacts[0], is_collections=False),
                dataclasses.replace(luis, is_collections=True, role="billing", phone="+34 600"),
            ),
            addresses=(
                *values.addresses,
                AddressLine("invoice", "Apartado 12", "Madrid", "28080", "es", True),
            ),
        )
        saved = save_record(session, o.ruiz.id, record.version, changed, o.me, LATER)
        session.commit()

        assert saved.version == 2
        again = read_record(session, o.ruiz.id, as_of=TODAY)
        assert again.version == 2
        assert again.values.credit_limit == D("5000.00")
        assert again.values.account_status == "on_hold"
        assert again.values.responsible_employee_id == o.me
        assert [c.name for c in again.values.contacts if c.is_collections] == ["Luis Ruiz"]
        invoice = [a for a in again.values.addresses if a.purpose == "invoice"]
        assert invoice[0].country == "ES"
        assert invoice[0].id is not None
        rows = session.execute(
            select(
                CustomerChange.field,
                CustomerChange.old_value,
                CustomerChange.new_value,
                CustomerChange.changed_by_id,
                CustomerChange.changed_at,
            ).order_by(CustomerChange.field)
        ).all()
        name = session.get(Employee, o.me).name
        assert [(r.field, r.old_value, r.new_value) for r in rows] == [
            ("account_status", "active", "on_hold"),
            ("address", None, "invoice, primary: Apartado 12, 28080 Madrid, ES"),
            ("collections_contact", "Ana Ruiz", "Luis Ruiz"),
            ("contact", "Luis Ruiz", "Luis Ruiz, billing, +34 600"),
            ("credit_limit", "2000.00", "5000.00"),
            ("responsible", None, name),
        ]
        assert {r.changed_by_id for r in rows} == {o.me}
        assert all(r.changed_at == LATER for r in rows)
        assert [(c.old_value, c.new_value) for c in again.history("credit_limit")] == [
            ("2000.00", "5000.00")
        ]

        # Saving again without a change writes no history, but the version moves on.
        save_record(session, o.ruiz.id, 2, again.values, o.me, LATER)
        session.commit()
        assert session.scalar(select(func.count()).select_from(CustomerChange)) == 6


def test_a_stale_copy_is_refused_and_nothing_is_written(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        o = office(session)
        session.commit()
        mine = read_record(session, o.ruiz.id, as_of=TODAY)
        theirs = read_record(session, o.ruiz.id, as_of=TODAY)
        save_record(
            session,
            o.ruiz.id,
            theirs.version,
            dataclasses.replace(theirs.values, credit_limit=D("100")),
            o.colleague,
            NOW,
        )
        session.commit()
        with pytest.raises(StaleEditError, match="changed by someone else"):
            save_record(
                session,
                o.ruiz.id,
                mine.version,
                dataclasses.replace(
                    mine.values,
                    credit_limit=D("900"),
                    contacts=(ContactLine("New person", is_collections=True),),
                ),
                o.me,
                LATER,
            )
        session.rollback()
        assert session.get(Customer, o.ruiz.id).credit_limit == D("100.00")
        assert session.scalar(select(func.count()).select_from(Contact)) == 0
        assert session.scalar(select(func.count()).select_from(CustomerChange)) == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": "  "}, "The customer's name cannot be empty."),
        ({"credit_limit": D("-1")}, "The credit limit cannot be negative"),
        ({"credit_limit": D("10.001")}, "The credit limit may have at most 2 decimals."),
        ({"language": "de"}, "The language must be one of en, es, fr, pt (not “de”)."),
        ({"account_status": "frozen"}, "The account status “frozen” is not known."),
        ({"customer_group": "G" * 31}, "The customer group is too long: at most 30 characters."),
        (
            {"addresses": (AddressLine("invoice", "Calle 1", "Madrid", country="Spain"),)},
            "Address 1: the country must be its two-letter code, such as ES or FR (not “SPAIN”).",
        ),
        (
            {
                "addresses": (
                    AddressLine("invoice", "Calle 1", is_primary=True),
                    AddressLine("invoice", "Calle 2", is_primary=True),
                )
            },
            "Only one invoice address can be the primary one.",
        ),
        (
            {"addresses": (AddressLine("delivery", "Calle 1"),)},
            "Mark one delivery address as the primary one.",
        ),
        (
            {"addresses": (AddressLine("invoice", is_primary=True),)},
            "Address 1: enter a street, a city or a country.",
        ),
        (
            {"contacts": (ContactLine("Ana", email="ana.example.com", is_collections=True),)},
            "Contact Ana: “ana.example.com” is not an e-mail address (name@example.com).",
        ),
        (
            {"contacts": (ContactLine("Ana", phone="call me", is_collections=True),)},
            "Contact Ana: the phone “call me” may hold only digits",
        ),
        (
            {"contacts": (ContactLine("Ana", language="it", is_collections=True),)},
            "Contact Ana: the language must be one of en, es, fr, pt (not “it”).",
        ),
        (
            {"contacts": (ContactLine("Ana", role="cook", is_collections=True),)},
            "Contact Ana: the role “cook” is not known.",
        ),
        ({"contacts": (ContactLine(" ", is_collections=True),)}, "Contact 1: the name cannot"),
        ({"contacts": (ContactLine("Ana"),)}, "Mark one contact as the collections contact."),
        (
            {
                "contacts": (
                    ContactLine("Ana", is_collections=True),
                    ContactLine("Luis", is_collections=True),
                )
            },
            "Only one contact can be the collections contact.",
        ),
    ],
)
def test_each_refusal_names_the_field_and_writes_nothing(
    sqlite_db: Database, change, message
) -> None:
    with sqlite_db.sessions() as session:
        o = office(session)
        session.commit()
        record = read_record(session, o.ruiz.id, as_of=TODAY)
        with pytest.raises(RecordError) as refused:
            save_record(
                session,
                o.ruiz.id,
                record.version,
                dataclasses.replace(record.values, **change),
                o.me,
                LATER,
            )
        assert str(refused.value).startswith(message)
        session.rollback()
        assert session.get(Customer, o.ruiz.id).version == 1
        assert session.scalar(select(func.count()).select_from(CustomerChange)) == 0


def test_removed_lines_are_tombstones_and_the_primary_address_is_the_customers(
    sqlite_db: Database,
) -> None:
    with sqlite_db.sessions() as session:
        o = office(session)
        ana = contact(session, o.lopes, "Ana")
        o.lopes.collections_contact_id = o.lopes.primary_contact_id = ana.id
        session.commit()
        record = read_record(session, o.lopes.id, as_of=TODAY)
        assert record.values.addresses == (AddressLine("business", country="ES", is_primary=True),)
        business = AddressLine("business", "Rua Augusta 10", "Lisboa", "1100-048", "pt", True)
        save_record(
            session,
            o.lopes.id,
            1,
            dataclasses.replace(
                record.values,
                addresses=(business,),
                contacts=(ContactLine("Rui", email="rui@lopes.example", is_collections=True),),
            ),
            None,
            LATER,
        )
        session.commit()
        customer = session.get(Customer, o.lopes.id)
        assert (customer.street, customer.city, customer.postal_code, customer.country) == (
            "Rua Augusta 10",
            "Lisboa",
            "1100-048",
            "PT",
        )
        assert customer.primary_contact_id is None
        removed = session.get(Contact, ana.id)
        assert removed.deleted_at is not None
        assert removed.version == 2
        assert session.scalar(select(func.count()).select_from(CustomerAddress)) == 1
        assert [c.name for c in read_record(session, o.lopes.id, as_of=TODAY).values.contacts] == [
            "Rui"
        ]


def test_a_customer_outside_the_scope_is_refused(sqlite_db: Database) -> None:
    with sqlite_db.sessions() as session:
        o = office(session)
        session.commit()
        with pytest.raises(ScopeError):
            read_record(session, o.garnier.id, as_of=TODAY, scope=o.scope)


def test_on_a_replica_a_save_is_one_batch_carrying_only_the_changed_fields(
    sqlite_db: Database,
) -> None:
    with sqlite_db.sessions.begin() as session:
        o = office(session)
        ana = contact(session, o.ruiz, "Ana Ruiz", "ana@ruiz.example")
        o.ruiz.collections_contact_id = ana.id
        ruiz = o.ruiz.id
    replica = make_replica(sqlite_db)
    with replica.sessions.begin() as session:
        record = read_record(session, ruiz, as_of=TODAY)
        values = record.values
        save_record(
            session,
            ruiz,
            record.version,
            dataclasses.replace(
                values,
                credit_limit=D("750.00"),
                contacts=(dataclasses.replace(values.contacts[0], phone="+34 91 555 0101"),),
            ),
            None,
            LATER,
        )
    batch = one_batch(replica)
    assert sorted(kinds(batch)) == [
        ("contacts", "update"),
        ("customer_changes", "insert"),
        ("customer_changes", "insert"),
        ("customers", "update"),
    ]
    by_table = {op.table: op for op in batch.operations if op.kind == "update"}
    assert dict(by_table["customers"].values) == {"credit_limit": D("750.00"), "updated_at": LATER}
    assert dict(by_table["contacts"].values) == {"phone": "+34 91 555 0101", "updated_at": LATER}

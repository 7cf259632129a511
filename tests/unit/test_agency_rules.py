"""The agency desk's rules: who may approve a collection, what an approved one allows,
the history of every change, annotations, attachments, plans and expenses; on real
SQLite files."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from collections_desktop.models.agency import (
    attachments,
    cases,
    clients,
    collections,
    expenses,
    plans,
)
from collections_desktop.models.agency.annotations import add_annotation, mark_done
from collections_desktop.models.agency.errors import AgencyError
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.editing import StaleEditError
from collections_desktop.models.db.schema import (
    AgencyCase,
    AgencyCollectionChange,
    AgencyDebtor,
    AgencyDebtorContact,
    AgencyExpense,
    AgencyInstalment,
    AgencyPlan,
    Employee,
)
from tests.agency_desk import (
    NOW,
    TODAY,
    D,
    Desk,
    case_values,
    collection,
    debtor,
    history,
    later,
    make_desk,
    record,
)


@pytest.fixture
def desk(sqlite_db: Database) -> Desk:
    return make_desk(sqlite_db)


def test_a_case_is_numbered_and_its_debtor_joined_by_tax_id(desk: Desk) -> None:
    with desk.write() as session:
        second = cases.open_case(
            session,
            case_values(
                desk.client_id,
                desk.bruno,
                debtor=debtor(tax_id="pt501234567"),
                client_reference="R-78",
            ),
            now=NOW,
            by=desk.sara,
        )
    assert (desk.case_number, second) == ("EXP-000001", "EXP-000002")
    with desk.database.sessions() as session:
        assert session.scalar(select(text("count(*)")).select_from(AgencyDebtor)) == 1
        contacts = session.execute(
            select(
                AgencyDebtorContact.kind, AgencyDebtorContact.value, AgencyDebtorContact.source
            ).order_by(AgencyDebtorContact.kind)
        ).all()
    assert [tuple(c) for c in contacts] == [
        ("address", "Rua Augusta 10, Lisboa", "client file (Acme Energía SA)"),
        ("phone", "+351 21 000 0000", "client file (Acme Energía SA)"),
    ]


# --- collections --------------------------------------------------------------------------


def test_a_collection_is_recorded_unapproved_and_sets_the_last_action(desk: Desk) -> None:
    made = record(desk)
    found = collection(desk, made)
    assert (found.state, found.amount, found.received, found.version) == (
        "unapproved",
        D("250.00"),
        True,
        1,
    )
    with desk.database.sessions() as session:
        case = session.get(AgencyCase, desk.case_id)
        assert case is not None
        assert case.last_action_on == dt.date(2026, 11, 20)
    assert history(desk, made) == [("recorded", None)]


@pytest.mark.parametrize(
    ("amount", "day", "message"),
    [
        ("0", dt.date(2026, 11, 20), "The amount collected must be above zero."),
        ("-5", dt.date(2026, 11, 20), "The amount collected must be above zero."),
        ("1.005", dt.date(2026, 11, 20), "The amount collected has more than two decimals: 1.005."),
        ("10", dt.date(2026, 11, 24), "A collection cannot be dated in the future (Nov 24, 2026)."),
        (
            "10",
            dt.date(2026, 9, 30),
            "Case file EXP-000001 was assigned on Oct 1, 2026; a collection cannot be earlier.",
        ),
    ],
)
def test_a_collection_that_cannot_be_is_refused(
    desk: Desk, amount: str, day: dt.date, message: str
) -> None:
    with pytest.raises(AgencyError) as refused:
        record(desk, amount, day)
    assert str(refused.value) == message


def test_a_closed_case_takes_no_collection(desk: Desk) -> None:
    with desk.write() as session:
        cases.set_status(session, desk.case_id, 1, "closed_unrecoverable", now=NOW, by=desk.sara)
    with pytest.raises(AgencyError, match=r"Case file EXP-000001 is closed; reopen it first\."):
        record(desk)


def test_a_collector_cannot_approve_their_own_collection(desk: Desk) -> None:
    mine = record(desk, by=desk.sara)  # a supervisor who collected
    with pytest.raises(AgencyError) as refused, desk.write() as session:
        collections.approve(session, mine, 1, supervisor_id=desk.sara, now=later(1))
    assert str(refused.value) == (
        "You recorded this collection; another supervisor must approve it."
    )
    assert collection(desk, mine).state == "unapproved"


def test_the_database_refuses_a_raw_own_approval(desk: Desk) -> None:
    mine = record(desk)
    with (
        pytest.raises(IntegrityError, match=r"not_own_approval|CHECK"),
        desk.database.engine.begin() as connection,
    ):
        connection.execute(
            text(
                "UPDATE agency_collections SET state = 'approved', approved_by_id = "
                "collected_by_id WHERE id = :id"
            ),
            {"id": mine.bytes},
        )
    assert collection(desk, mine).approved_by_id is None


def test_a_collector_who_is_no_supervisor_cannot_approve(desk: Desk) -> None:
    made = record(desk)
    with pytest.raises(AgencyError) as refused, desk.write() as session:
        collections.approve(session, made, 1, supervisor_id=desk.bruno, now=later(1))
    assert str(refused.value) == (
        "Bruno Costa is not a supervisor of the agency desk; only a supervisor may approve "
        "or reject."
    )


def test_a_supervisor_approves_and_the_collection_counts(desk: Desk) -> None:
    made = record(desk)
    with desk.write() as session:
        collections.approve(session, made, 1, supervisor_id=desk.sara, now=later(5))
    found = collection(desk, made)
    assert (found.state, found.approved_by_id, found.decided_by_id, found.version) == (
        "approved",
        desk.sara,
        desk.sara,
        2,
    )
    assert found.decided_at == later(5)
    assert history(desk, made) == [("recorded", None), ("approved", None)]


def test_reject_needs_a_reason_and_the_collector_corrects_it_for_approval(desk: Desk) -> None:
    made = record(desk)
    for reason in ("", "   "):
        with pytest.raises(AgencyError) as refused, desk.write() as session:
            collections.reject(
                session, made, 1, supervisor_id=desk.sara, reason=reason, now=later(1)
            )
        assert str(refused.value) == (
            "Say why the collection is rejected; the collector will read it."
        )
    with desk.write() as session:
        collections.reject(
            session, made, 1, supervisor_id=desk.sara, reason="No transfer seen", now=later(2)
        )
    found = collection(desk, made)
    assert (found.state, found.rejection_reason, found.approved_by_id) == (
        "rejected",
        "No transfer seen",
        None,
    )
    with pytest.raises(AgencyError, match="was rejected by Sara Vidal"), desk.write() as session:
        collections.approve(session, made, 2, supervisor_id=desk.tomas, now=later(3))
    with desk.write() as session:
        collections.edit_collection(
            session,
            made,
            2,
            collected_on=dt.date(2026, 11, 21),
            amount=D("240.00"),
            method="bank_transfer",
            reference="TR-2",
            note="The bank's figure",
            by=desk.ana,
            now=later(4),
        )
    found = collection(desk, made)
    assert (found.state, found.amount, found.collected_on, found.rejection_reason) == (
        "unapproved",
        D("240.00"),
        dt.date(2026, 11, 21),
        None,
    )
    with desk.write() as session:
        collections.approve(session, made, 3, supervisor_id=desk.tomas, now=later(5))
    assert history(desk, made) == [
        ("recorded", None),
        ("rejected", "No transfer seen"),
        ("edited", "2026-11-20 → 2026-11-21; 250.00 → 240.00; TR-1 → TR-2"),
        ("approved", None),
    ]


def test_another_collector_cannot_correct_a_collection(desk: Desk) -> None:
    made = record(desk)
    with pytest.raises(AgencyError) as refused, desk.write() as session:
        collections.edit_collection(
            session,
            made,
            1,
            collected_on=dt.date(2026, 11, 20),
            amount=D("1"),
            method="cash",
            reference=None,
            note=None,
            by=desk.bruno,
            now=later(1),
        )
    assert str(refused.value) == (
        "Only Ana Ruiz, who recorded it, or a supervisor may correct this collection."
    )


def approved(desk: Desk) -> uuid.UUID:
    made = record(desk)
    with desk.write() as session:
        collections.approve(session, made, 1, supervisor_id=desk.sara, now=later(1))
    return made


def test_an_approved_collection_cannot_be_edited_nor_toggled(desk: Desk) -> None:
    made = approved(desk)
    what = "The collection of 250.00 on Nov 20, 2026 in case file EXP-000001"
    with pytest.raises(AgencyError) as refused, desk.write() as session:
        collections.edit_collection(
            session,
            made,
            2,
            collected_on=dt.date(2026, 11, 20),
            amount=D("1"),
            method="cash",
            reference=None,
            note=None,
            by=desk.sara,
            now=later(2),
        )
    assert str(refused.value) == (
        f"{what} was approved by Sara Vidal; an approved collection cannot be edited, only "
        "reversed."
    )
    with pytest.raises(AgencyError) as refused, desk.write() as session:
        collections.set_received(session, made, 2, False, by=desk.ana, now=later(2))
    assert str(refused.value) == (
        f"{what} was approved by Sara Vidal; whether it was collected can no longer change. "
        "Reverse it if the money did not arrive."
    )
    with (
        pytest.raises(AgencyError, match="was already approved by Sara Vidal"),
        desk.write() as session,
    ):
        collections.approve(session, made, 2, supervisor_id=desk.tomas, now=later(2))
    assert collection(desk, made).version == 2


def test_an_approved_collection_is_reversed_once(desk: Desk) -> None:
    made = approved(desk)
    with (
        pytest.raises(AgencyError, match=r"Say why the collection is reversed\."),
        desk.write() as session,
    ):
        collections.reverse(
            session, made, 2, supervisor_id=desk.tomas, reason=" ", on=TODAY, now=later(2)
        )
    with desk.write() as session:
        reversal = collections.reverse(
            session,
            made,
            2,
            supervisor_id=desk.tomas,
            reason="Transfer returned by the bank",
            on=dt.date(2026, 11, 22),
            now=later(3),
        )
    found = collection(desk, reversal)
    assert (
        found.amount,
        found.state,
        found.reverses_id,
        found.collected_on,
        found.collected_by_id,
        found.approved_by_id,
    ) == (D("-250.00"), "approved", made, dt.date(2026, 11, 22), desk.ana, desk.tomas)
    assert history(desk, made)[-1] == ("reversed", "Transfer returned by the bank")
    with pytest.raises(AgencyError) as refused, desk.write() as session:
        collections.reverse(
            session, made, 2, supervisor_id=desk.sara, reason="again", on=TODAY, now=later(4)
        )
    assert str(refused.value) == (
        "The collection of 250.00 on Nov 20, 2026 in case file EXP-000001 was already "
        "reversed on Nov 22, 2026."
    )
    with pytest.raises(AgencyError, match="already a reversal"), desk.write() as session:
        collections.reverse(
            session, reversal, 1, supervisor_id=desk.sara, reason="x", on=TODAY, now=later(4)
        )


def test_only_an_approved_collection_is_reversed(desk: Desk) -> None:
    made = record(desk)
    with (
        pytest.raises(AgencyError, match="is not approved; correct or reject it"),
        desk.write() as session,
    ):
        collections.reverse(
            session, made, 1, supervisor_id=desk.sara, reason="x", on=TODAY, now=later(1)
        )


def test_the_received_toggle_keeps_every_change_in_order(desk: Desk) -> None:
    made = record(desk)
    with desk.write() as session:
        collections.set_received(session, made, 1, False, by=desk.ana, now=later(1))
    with desk.write() as session:
        collections.set_received(session, made, 2, True, by=desk.sara, now=later(2))
    with desk.write() as session:
        collections.set_received(session, made, 3, False, by=desk.ana, now=later(3))
    found = collection(desk, made)
    assert (found.received, found.version) == (False, 4)
    assert [change for change, _ in history(desk, made)] == [
        "recorded",
        "not_received",
        "received",
        "not_received",
    ]
    with desk.database.sessions() as session:
        who = session.execute(
            select(AgencyCollectionChange.changed_at, Employee.name)
            .join(Employee, Employee.id == AgencyCollectionChange.changed_by_id)
            .where(AgencyCollectionChange.collection_id == made)
            .order_by(AgencyCollectionChange.changed_at)
        ).all()
    assert [(at, name) for at, name in who] == [
        (NOW, "Ana Ruiz"),
        (later(1), "Ana Ruiz"),
        (later(2), "Sara Vidal"),
        (later(3), "Ana Ruiz"),
    ]


def test_a_stale_version_is_refused(desk: Desk) -> None:
    made = record(desk)
    with desk.write() as session:
        collections.set_received(session, made, 1, False, by=desk.ana, now=later(1))
    with (
        pytest.raises(StaleEditError, match="changed by someone else"),
        desk.write() as session,
    ):
        collections.approve(session, made, 1, supervisor_id=desk.sara, now=later(2))
    with pytest.raises(StaleEditError), desk.write() as session:
        collections.set_received(session, made, 1, True, by=desk.ana, now=later(2))
    found = collection(desk, made)
    assert (found.state, found.received, found.version) == ("unapproved", False, 2)
    assert len(history(desk, made)) == 2


# --- case files and clients ---------------------------------------------------------------


def test_closing_a_case_sets_the_day_and_reopening_clears_it(desk: Desk) -> None:
    with desk.write() as session:
        cases.set_status(
            session, desk.case_id, 1, "closed_paid", now=NOW, by=desk.sara, on=dt.date(2026, 11, 2)
        )
    with desk.write() as session:
        cases.set_status(session, desk.case_id, 2, "returned", now=later(1), by=desk.sara)
    with desk.database.sessions() as session:
        case = session.get(AgencyCase, desk.case_id)
        assert case is not None
        assert (case.status, case.closed_on, case.version) == (
            "returned",
            dt.date(2026, 11, 2),
            3,
        )
    with desk.write() as session:
        cases.set_status(session, desk.case_id, 3, "in_progress", now=later(2), by=desk.sara)
    with pytest.raises(StaleEditError), desk.write() as session:
        cases.set_status(session, desk.case_id, 3, "legal", now=later(3), by=desk.sara)
    with desk.database.sessions() as session:
        case = session.get(AgencyCase, desk.case_id)
        assert case is not None
        assert (case.status, case.closed_on, case.version) == ("in_progress", None, 4)


def test_a_case_refused_says_why(desk: Desk) -> None:
    for changes, message in (
        ({"principal": D("0")}, "The principal must be above zero."),
        ({"currency": "XXX"}, "There is no currency XXX."),
        (
            {"debt_date": dt.date(2026, 10, 2)},
            "The debt fell due after the case was assigned: check both dates.",
        ),
        ({"debtor": debtor(tax_id=None)}, "Give the tax id of company Lopes & Filhos Lda."),
    ):
        with pytest.raises(AgencyError) as refused, desk.write() as session:
            cases.open_case(
                session, case_values(desk.client_id, desk.ana, **changes), now=NOW, by=None
            )
        assert str(refused.value) == message


def test_a_client_code_is_unique_and_its_bands_are_replaced(desk: Desk) -> None:
    with desk.database.sessions() as session:
        (acme,) = clients.list_clients(session)
    assert (acme.code, acme.commission_percent, acme.bands) == (
        "ACME",
        D("15"),
        ((180, D("20")), (365, D("25"))),
    )
    edited = clients.ClientValues(
        code="acme",
        name=acme.name,
        tax_id=acme.tax_id,
        contact_name=acme.contact_name,
        email=acme.email,
        phone=acme.phone,
        address=acme.address,
        language=acme.language,
        currency="EUR",
        commission_percent=D("12.5"),
        remittance_days=acme.remittance_days,
        remittance_terms=acme.remittance_terms,
        bands=((90, D("18")),),
    )
    with desk.write() as session:
        clients.update_client(session, acme.id, acme.version, edited, now=later(1))
    with desk.database.sessions() as session:
        (acme,) = clients.list_clients(session)
    assert (acme.commission_percent, acme.bands, acme.version) == (D("12.5"), ((90, D("18")),), 2)
    with pytest.raises(AgencyError) as refused, desk.write() as session:
        clients.create_client(session, edited, now=later(2))
    assert (
        str(refused.value) == "Code ACME is already client Acme Energía SA's. Choose another code."
    )


# --- annotations ----------------------------------------------------------------------------


def test_locating_the_debtor_adds_the_contact_with_its_source(desk: Desk) -> None:
    with desk.write() as session:
        add_annotation(
            session,
            case_id=desk.case_id,
            kind="locate",
            text="New phone from the neighbour",
            by=desk.ana,
            now=later(1),
            source="neighbour",
            found_value="+351 912 345 678",
        )
        add_annotation(
            session,
            case_id=desk.case_id,
            kind="locate",
            text="",
            by=desk.ana,
            now=later(2),
            source="land registry",
            found_value="Avenida da Liberdade 200, Lisboa",
        )
    with desk.database.sessions() as session:
        contacts = session.execute(
            select(
                AgencyDebtorContact.kind,
                AgencyDebtorContact.value,
                AgencyDebtorContact.source,
                AgencyDebtorContact.found_on,
            ).order_by(AgencyDebtorContact.updated_at, AgencyDebtorContact.kind)
        ).all()
    assert [tuple(c) for c in contacts][2:] == [
        ("phone", "+351 912 345 678", "neighbour", TODAY),
        ("address", "Avenida da Liberdade 200, Lisboa", "land registry", TODAY),
    ]
    with pytest.raises(AgencyError) as refused, desk.write() as session:
        add_annotation(
            session,
            case_id=desk.case_id,
            kind="locate",
            text="x",
            by=desk.ana,
            now=later(3),
            found_value="+34 600 000 000",
        )
    assert str(refused.value) == "Say where the address, phone or e-mail was found."


def test_a_registry_entry_sets_the_debtors_successor(desk: Desk) -> None:
    with desk.write() as session:
        add_annotation(
            session,
            case_id=desk.case_id,
            kind="registry",
            text="Re-registered after the merger",
            by=desk.ana,
            now=later(1),
            new_name="Lopes Distribuição SA",
            new_tax_id="PT 509 876 543",
        )
    with desk.database.sessions() as session:
        found = session.scalars(select(AgencyDebtor)).one()
    assert (found.successor_name, found.successor_tax_id, found.version) == (
        "Lopes Distribuição SA",
        "PT509876543",
        2,
    )


def test_actions_done_set_the_last_action_and_scheduled_ones_wait(desk: Desk) -> None:
    with desk.write() as session:
        add_annotation(
            session,
            case_id=desk.case_id,
            kind="call",
            text="No answer",
            by=desk.ana,
            now=later(1),
            done_on=dt.date(2026, 11, 10),
        )
        visit = add_annotation(
            session,
            case_id=desk.case_id,
            kind="visit",
            text="Visit the warehouse",
            by=desk.ana,
            now=later(2),
            scheduled_on=dt.date(2026, 12, 3),
        )
        add_annotation(
            session,
            case_id=desk.case_id,
            kind="observation",
            text="The debtor disputes the fees",
            by=desk.ana,
            now=later(3),
        )

    def last_action() -> dt.date | None:
        with desk.database.sessions() as session:
            case = session.get(AgencyCase, desk.case_id)
            assert case is not None
            return case.last_action_on

    assert last_action() == dt.date(2026, 11, 10)
    with pytest.raises(AgencyError) as refused, desk.write() as session:
        mark_done(session, visit, 1, on=dt.date(2026, 11, 24), by=desk.ana, now=later(4))
    assert (
        str(refused.value) == "The day the action was done cannot be in the future (Nov 24, 2026)."
    )
    with desk.write() as session:
        mark_done(session, visit, 1, on=TODAY, by=desk.ana, now=later(5))
    assert last_action() == TODAY
    with pytest.raises(AgencyError, match="already done on Nov 23, 2026"), desk.write() as session:
        mark_done(session, visit, 2, on=TODAY, by=desk.ana, now=later(6))
    with pytest.raises(AgencyError) as refused, desk.write() as session:
        add_annotation(
            session, case_id=desk.case_id, kind="observation", text=" ", by=desk.ana, now=later(7)
        )
    assert str(refused.value) == "Write the observation."


# --- attachments ----------------------------------------------------------------------------

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40


@pytest.mark.parametrize(
    ("name", "content", "media_type"),
    [
        ("registry extract.pdf", PDF, "application/pdf"),
        ("door.png", PNG, "image/png"),
        ("C:\\photos\\receipt.JPG", JPEG, "image/jpeg"),
        ("scan.gif", b"GIF89a" + b"\x00" * 20, "image/gif"),
        ("scan.webp", b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 20, "image/webp"),
        ("scan.tif", b"II*\x00" + b"\x00" * 20, "image/tiff"),
    ],
)
def test_a_pdf_or_an_image_is_recognised_by_its_content(
    name: str, content: bytes, media_type: str
) -> None:
    assert attachments.check_attachment(name, content) == media_type


def test_a_file_that_is_not_what_its_name_says_or_too_big_is_refused() -> None:
    with pytest.raises(AgencyError) as refused:
        attachments.check_attachment("/home/ana/contract.pdf", b"This is really a text file\n")
    assert str(refused.value) == (
        "contract.pdf is not a PDF or an image (PNG, JPEG, GIF, WebP, TIFF), whatever its name "
        "says; save it as PDF or as an image and attach that."
    )
    big = PDF + b"\x00" * attachments.MAX_ATTACHMENT_BYTES
    with pytest.raises(AgencyError) as refused:
        attachments.check_attachment("scan.pdf", big)
    assert str(refused.value) == (
        "scan.pdf is 10.0 MB; a file kept with a case file is at most 10 MB."
    )
    assert attachments.check_attachment(
        "edge.pdf", PDF.ljust(attachments.MAX_ATTACHMENT_BYTES, b"\0")
    )
    with pytest.raises(AgencyError, match=r"^empty\.png is empty\.$"):
        attachments.check_attachment("empty.png", b"")


def test_an_attachment_is_kept_and_read_back(desk: Desk) -> None:
    with desk.write() as session:
        note = add_annotation(
            session,
            case_id=desk.case_id,
            kind="registry",
            text="Extract",
            by=desk.ana,
            now=later(1),
            new_name="Lopes Distribuição SA",
            new_tax_id="PT509876543",
        )
        kept = attachments.attach(
            session,
            annotation_id=note,
            file_name="/tmp/extract.pdf",
            content=PDF,
            by=desk.ana,
            now=later(1),
        )
    with desk.database.sessions() as session:
        assert attachments.read_attachment(session, kept) == ("extract.pdf", "application/pdf", PDF)
    with pytest.raises(AgencyError, match="one annotation or one expense"), desk.write() as session:
        attachments.attach(session, file_name="x.pdf", content=PDF, by=desk.ana, now=later(2))


# --- promises and plans ---------------------------------------------------------------------


def case_status(desk: Desk) -> tuple[str, int]:
    with desk.database.sessions() as session:
        case = session.get(AgencyCase, desk.case_id)
        assert case is not None
        return case.status, case.version


def test_a_promise_is_one_payment_and_a_plan_rising_instalments(desk: Desk) -> None:
    add = dict(case_id=desk.case_id, agreed_on=dt.date(2026, 11, 20), by=desk.ana, now=later(1))
    refusals = [
        ("promise", [], "A promise to pay is one payment by one date."),
        (
            "promise",
            [(dt.date(2026, 12, 1), D("100")), (dt.date(2027, 1, 1), D("100"))],
            "A promise to pay is one payment by one date.",
        ),
        (
            "plan",
            [(dt.date(2026, 12, 1), D("100"))],
            "A payment plan has two instalments or more; for one payment, record a promise.",
        ),
        (
            "plan",
            [(dt.date(2026, 12, 1), D("100")), (dt.date(2026, 12, 1), D("100"))],
            "Instalment 2 falls due on Dec 1, 2026, not after instalment 1; the due dates must "
            "rise.",
        ),
        (
            "plan",
            [(dt.date(2026, 12, 1), D("100")), (dt.date(2027, 1, 1), D("0"))],
            "The amount of instalment 2 must be above zero.",
        ),
        (
            "promise",
            [(dt.date(2026, 11, 19), D("100"))],
            "Instalment 1 falls due on Nov 19, 2026, before the day it was agreed.",
        ),
    ]
    for kind, instalments, message in refusals:
        with pytest.raises(AgencyError) as refused, desk.write() as session:
            plans.add_plan(session, kind=kind, instalments=instalments, **add)  # type: ignore[arg-type]
        assert str(refused.value) == message
    with desk.write() as session:
        plans.add_plan(
            session,
            kind="promise",
            instalments=[(dt.date(2026, 11, 30), D("300.00"))],
            **add,  # type: ignore[arg-type]
        )
    assert case_status(desk) == ("new", 1)
    with desk.write() as session:
        plan = plans.add_plan(
            session,
            kind="plan",
            instalments=[
                (dt.date(2026, 12, 15), D("400.00")),
                (dt.date(2027, 1, 15), D("400.00")),
                (dt.date(2027, 2, 15), D("475.50")),
            ],
            note="Three months",
            **add,  # type: ignore[arg-type]
        )
    assert case_status(desk) == ("payment_plan", 2)
    with desk.database.sessions() as session:
        rows = session.execute(
            select(AgencyInstalment.number, AgencyInstalment.due_on, AgencyInstalment.amount)
            .where(AgencyInstalment.plan_id == plan)
            .order_by(AgencyInstalment.number)
        ).all()
    assert [tuple(r) for r in rows] == [
        (1, dt.date(2026, 12, 15), D("400.00")),
        (2, dt.date(2027, 1, 15), D("400.00")),
        (3, dt.date(2027, 2, 15), D("475.50")),
    ]
    with desk.write() as session:
        plans.cancel_plan(session, plan, 1, on=TODAY, by=desk.ana, now=later(2))
    assert case_status(desk) == ("in_progress", 3)
    with desk.database.sessions() as session:
        found = session.get(AgencyPlan, plan)
        assert found is not None
        assert (found.cancelled_on, found.version) == (TODAY, 2)
    with (
        pytest.raises(AgencyError, match="already cancelled on Nov 23, 2026"),
        desk.write() as session,
    ):
        plans.cancel_plan(session, plan, 2, on=TODAY, by=desk.ana, now=later(3))


# --- expenses ------------------------------------------------------------------------------


def fuel(amount: str = "42.30", day: dt.date = dt.date(2026, 11, 12)) -> expenses.ExpenseValues:
    return expenses.ExpenseValues(
        spent_on=day,
        kind="fuel",
        amount=D(amount),
        currency="EUR",
        case_id=None,
        description="Lisbon visit",
    )


def expense(desk: Desk, expense_id: uuid.UUID) -> AgencyExpense:
    with desk.database.sessions() as session:
        found = session.get(AgencyExpense, expense_id)
        assert found is not None
        session.expunge(found)
        return found


def test_expenses_are_drafted_submitted_by_month_and_approved(desk: Desk) -> None:
    with desk.write() as session:
        first = expenses.add_expense(session, desk.ana, fuel(), now=NOW)
        second = expenses.add_expense(
            session,
            desk.ana,
            expenses.ExpenseValues(
                dt.date(2026, 11, 3), "burofax", D("25.90"), "EUR", desk.case_id, None
            ),
            now=NOW,
        )
        october = expenses.add_expense(
            session, desk.ana, fuel("10.00", dt.date(2026, 10, 30)), now=NOW
        )
    assert expense(desk, first).month == dt.date(2026, 11, 1)
    with pytest.raises(AgencyError) as refused, desk.write() as session:
        expenses.edit_expense(session, first, 1, fuel("45.00"), by=desk.bruno, now=later(1))
    assert str(refused.value) == "This is Ana Ruiz's expense; only they may correct it."
    with desk.write() as session:
        expenses.edit_expense(session, first, 1, fuel("45.00"), by=desk.ana, now=later(1))
    with pytest.raises(AgencyError, match="is not submitted yet"), desk.write() as session:
        expenses.approve_expense(session, first, 2, supervisor_id=desk.sara, now=later(2))
    with desk.write() as session:
        assert expenses.submit_month(session, desk.ana, dt.date(2026, 11, 17), now=later(3)) == 2
    assert (expense(desk, first).state, expense(desk, october).state) == ("submitted", "draft")
    with pytest.raises(AgencyError) as refused, desk.write() as session:
        expenses.edit_expense(session, first, 3, fuel("50.00"), by=desk.ana, now=later(4))
    assert str(refused.value) == (
        "The expense of 45.00 EUR on Nov 12, 2026 was submitted; it waits for a supervisor and "
        "cannot be edited."
    )
    with (
        pytest.raises(AgencyError, match="Bruno Costa is not a supervisor"),
        desk.write() as session,
    ):
        expenses.approve_expense(session, first, 3, supervisor_id=desk.bruno, now=later(5))
    with pytest.raises(AgencyError) as refused, desk.write() as session:
        expenses.reject_expense(
            session, second, 2, supervisor_id=desk.sara, reason="", now=later(5)
        )
    assert str(refused.value) == "Say why the expense is rejected; the collector will read it."
    with desk.write() as session:
        expenses.approve_expense(session, first, 3, supervisor_id=desk.sara, now=later(6))
        expenses.reject_expense(
            session, second, 2, supervisor_id=desk.tomas, reason="No receipt", now=later(6)
        )
    approved_one, rejected = expense(desk, first), expense(desk, second)
    assert (approved_one.state, approved_one.approved_by_id) == ("approved", desk.sara)
    assert (rejected.state, rejected.rejection_reason, rejected.approved_by_id) == (
        "rejected",
        "No receipt",
        None,
    )
    with pytest.raises(AgencyError) as refused, desk.write() as session:
        expenses.edit_expense(session, first, 4, fuel("1.00"), by=desk.ana, now=later(7))
    assert str(refused.value) == (
        "The expense of 45.00 EUR on Nov 12, 2026 was approved by Sara Vidal; it cannot be edited."
    )
    with desk.write() as session:
        attachments.attach(
            session,
            expense_id=second,
            file_name="burofax.pdf",
            content=PDF,
            by=desk.ana,
            now=later(8),
        )
        assert expenses.submit_month(session, desk.ana, dt.date(2026, 11, 1), now=later(9)) == 1
    again = expense(desk, second)
    assert (again.state, again.rejection_reason, again.decided_by_id) == ("submitted", None, None)


def test_a_supervisor_cannot_approve_their_own_expense(desk: Desk) -> None:
    with desk.write() as session:
        mine = expenses.add_expense(session, desk.sara, fuel(), now=NOW)
        expenses.submit_month(session, desk.sara, dt.date(2026, 11, 1), now=NOW)
    with pytest.raises(AgencyError) as refused, desk.write() as session:
        expenses.approve_expense(session, mine, 2, supervisor_id=desk.sara, now=later(1))
    assert str(refused.value) == "This is your own expense; another supervisor must decide on it."
    with pytest.raises(IntegrityError), desk.database.engine.begin() as connection:
        connection.execute(
            text("UPDATE agency_expenses SET approved_by_id = employee_id WHERE id = :id"),
            {"id": mine.bytes},
        )


def test_a_screen_learns_why_approve_is_disabled_from_the_row() -> None:
    ana, sara = uuid.uuid4(), uuid.uuid4()

    def blocker(state: str, approver: uuid.UUID, supervisor: bool) -> str | None:
        return collections.approval_blocker(
            state=state,
            collected_by_id=ana,
            approver_id=approver,
            approver_is_supervisor=supervisor,
        )

    assert blocker("unapproved", sara, True) is None
    assert blocker("unapproved", ana, True) == (
        "You recorded this collection; another supervisor must approve it."
    )
    assert blocker("unapproved", sara, False) == (
        "Only a supervisor of the agency desk may approve or reject a collection."
    )
    assert blocker("approved", sara, True) == "This collection is already approved."
    assert blocker("rejected", sara, True) == (
        "This collection was rejected; the collector must correct it first."
    )

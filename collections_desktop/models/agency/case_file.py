"""One case file as its window shows it, read in one go: the case with its totals, the
debtor's contacts, the creditor's documents, the collections and their history, the
annotations with their attachments, the promises and plans with each instalment judged.

A fixed number of statements whatever the case holds (one per kind of row), never one
per row.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from collections_desktop.i18n import _
from collections_desktop.models.agency.desk import (
    case_row,
    case_rows_query,
    collection_row,
    collections_query,
    history_query,
    reversals,
)
from collections_desktop.models.agency.errors import AgencyError
from collections_desktop.models.agency.instalments import judged_instalments, raw_key
from collections_desktop.models.agency.rows import (
    AnnotationRow,
    AttachmentRow,
    CaseFile,
    CollectionChangeRow,
    DebtorContactRow,
    DocumentRow,
    InstalmentRow,
    PlanRow,
)
from collections_desktop.models.db.schema import (
    AgencyAnnotation,
    AgencyAttachment,
    AgencyCase,
    AgencyCaseDocument,
    AgencyCollection,
    AgencyCollectionChange,
    AgencyDebtor,
    AgencyDebtorContact,
    AgencyInstalment,
    AgencyPlan,
    Employee,
)


class CaseFileNotFound(AgencyError, LookupError):
    """The case file is gone (deleted by someone else); the message says so."""


def read_case_file(session: Session, case_id: uuid.UUID, *, as_of: dt.date) -> CaseFile:
    """Everything the case file window shows; CaseFileNotFound when it is gone."""
    k, d = AgencyCase, AgencyDebtor
    values = (
        session.connection()
        .execute(case_rows_query([k.id == case_id, k.deleted_at.is_(None)]))
        .first()
    )
    if values is None:
        raise CaseFileNotFound(_("This case file no longer exists; refresh the desk."))
    row = case_row(values)
    (
        client_id,
        client_reference,
        debtor_id,
        debtor_kind,
        debtor_language,
        successor_name,
        successor_tax_id,
        collector_id,
        principal,
        interest,
        fees,
        debt_date,
        closed_on,
    ) = (
        session.connection()
        .execute(
            select(
                k.client_id,
                k.client_reference,
                k.debtor_id,
                d.kind,
                d.language,
                d.successor_name,
                d.successor_tax_id,
                k.collector_id,
                k.principal,
                k.interest,
                k.fees,
                k.debt_date,
                k.closed_on,
            )
            .join(d, d.id == k.debtor_id)
            .where(k.id == case_id)
        )
        .one()
    )
    ct = AgencyDebtorContact
    contacts = tuple(
        DebtorContactRow(id_, kind, value, source, found_on, deleted_at is None)
        for id_, kind, value, source, found_on, deleted_at in session.connection().execute(
            select(ct.id, ct.kind, ct.value, ct.source, ct.found_on, ct.deleted_at)
            .where(ct.debtor_id == debtor_id)
            .order_by(ct.kind, ct.deleted_at.is_not(None), ct.found_on.desc(), ct.id)
        )
    )
    doc = AgencyCaseDocument
    documents = tuple(
        DocumentRow(*values)
        for values in session.connection().execute(
            select(doc.id, doc.document_number, doc.document_date, doc.due_date, doc.amount)
            .where(doc.case_id == case_id, doc.deleted_at.is_(None))
            .order_by(doc.due_date.asc().nulls_last(), doc.document_number, doc.id)
        )
    )
    c = AgencyCollection
    reversed_by = reversals(session, case_id)
    collections = tuple(
        collection_row(values, reversed_by.get(values[0]))
        for values in session.connection().execute(
            collections_query([c.case_id == case_id]).order_by(c.collected_on.desc(), c.id.desc())
        )
    )
    h = AgencyCollectionChange
    history = tuple(
        CollectionChangeRow(*values)
        for values in session.connection().execute(
            history_query([h.collection_id.in_(select(c.id).where(c.case_id == case_id))]).order_by(
                h.changed_at.desc(), h.id.desc()
            )
        )
    )
    return CaseFile(
        row=row,
        client_id=client_id,
        client_reference=client_reference,
        debtor_id=debtor_id,
        debtor_kind=debtor_kind,
        debtor_language=debtor_language,
        successor_name=successor_name,
        successor_tax_id=successor_tax_id,
        collector_id=collector_id,
        principal=principal,
        interest=interest,
        fees=fees,
        debt_date=debt_date,
        closed_on=closed_on,
        contacts=contacts,
        documents=documents,
        collections=collections,
        history=history,
        annotations=_annotations(session, case_id),
        plans=_plans(session, case_id, as_of),
    )


def _annotations(session: Session, case_id: uuid.UUID) -> tuple[AnnotationRow, ...]:
    a, f = AgencyAnnotation, AgencyAttachment
    author = aliased(Employee)
    mine = select(a.id).where(a.case_id == case_id, a.deleted_at.is_(None))
    files: dict[uuid.UUID, list[AttachmentRow]] = defaultdict(list)
    for owner, id_, name, media, size, added in session.connection().execute(
        select(f.annotation_id, f.id, f.file_name, f.media_type, f.size, f.added_at)
        .where(f.annotation_id.in_(mine), f.deleted_at.is_(None))
        .order_by(f.added_at, f.id)
    ):
        if owner is not None:
            files[owner].append(AttachmentRow(id_, name, media, size, added))
    return tuple(
        AnnotationRow(
            id=id_,
            kind=kind,
            text=text,
            source=source,
            found_value=found_value,
            new_name=new_name,
            new_tax_id=new_tax_id,
            scheduled_on=scheduled_on,
            done_on=done_on,
            created_by_name=created_by,
            created_at=created_at,
            attachments=tuple(files.get(id_, ())),
            version=version,
        )
        for (
            id_,
            kind,
            text,
            source,
            found_value,
            new_name,
            new_tax_id,
            scheduled_on,
            done_on,
            created_by,
            created_at,
            version,
        ) in session.connection().execute(
            select(
                a.id,
                a.kind,
                a.text,
                a.source,
                a.found_value,
                a.new_name,
                a.new_tax_id,
                a.scheduled_on,
                a.done_on,
                author.name,
                a.created_at,
                a.version,
            )
            .outerjoin(author, author.id == a.created_by_id)
            .where(a.case_id == case_id, a.deleted_at.is_(None))
            .order_by(a.created_at.desc(), a.id.desc())
        )
    )


def _plans(session: Session, case_id: uuid.UUID, as_of: dt.date) -> tuple[PlanRow, ...]:
    p, i = AgencyPlan, AgencyInstalment
    author = aliased(Employee)
    mine = select(p.id).where(p.case_id == case_id, p.deleted_at.is_(None))
    judged = judged_instalments(session, mine, as_of=as_of)
    instalments: dict[uuid.UUID, list[InstalmentRow]] = defaultdict(list)
    for key, id_, plan_id, number, due_on, amount in session.connection().execute(
        select(raw_key(i.id, "instalment_key"), i.id, i.plan_id, i.number, i.due_on, i.amount)
        .where(i.plan_id.in_(mine), i.deleted_at.is_(None))
        .order_by(i.plan_id, i.number)
    ):
        paid, outcome = judged[key]
        instalments[plan_id].append(
            InstalmentRow(id_, plan_id, number, due_on, amount, paid, outcome.value)
        )
    return tuple(
        PlanRow(
            id=id_,
            kind=kind,
            agreed_on=agreed_on,
            created_by_name=created_by,
            note=note,
            cancelled_on=cancelled_on,
            instalments=tuple(instalments.get(id_, ())),
            version=version,
        )
        for (
            id_,
            kind,
            agreed_on,
            created_by,
            note,
            cancelled_on,
            version,
        ) in session.connection().execute(
            select(p.id, p.kind, p.agreed_on, author.name, p.note, p.cancelled_on, p.version)
            .outerjoin(author, author.id == p.created_by_id)
            .where(p.case_id == case_id, p.deleted_at.is_(None))
            .order_by(p.agreed_on.desc(), p.id.desc())
        )
    )

"""The agency desk's stored values in words: case statuses, collection states and changes,
annotation kinds, plans and instalment outcomes, debtor contacts.

The values are the schema's (``models.db.schema.enums``); a value without a name here
is shown as it is stored rather than hidden. The views take the agency's enums from here.
Also the one reason the desk cannot be written to at all (``desk_refusal``).
"""

from __future__ import annotations

from collections.abc import Mapping

from collections_desktop.i18n import N_, _
from collections_desktop.models.db.schema.enums import (
    CLOSED_CASE_STATUSES,
    AnnotationKind,
    CaseFileStatus,
    CollectionState,
    DebtorContactKind,
    DebtorKind,
    PlanKind,
)

__all__ = [
    "ACTION_KINDS",
    "ANNOTATION_KINDS",
    "ANNOTATION_KIND_NAMES",
    "CASE_STATUS_NAMES",
    "CLOSED_CASE_STATUSES",
    "COLLECTION_CHANGE_NAMES",
    "COLLECTION_STATE_NAMES",
    "CONTACT_KIND_NAMES",
    "DEBTOR_KIND_NAMES",
    "OUTCOME_NAMES",
    "PLAN_KIND_NAMES",
    "AnnotationKind",
    "CaseFileStatus",
    "CollectionState",
    "DebtorContactKind",
    "DebtorKind",
    "PlanKind",
    "desk_refusal",
    "name_of",
]

CASE_STATUS_NAMES: Mapping[str, str] = {
    CaseFileStatus.NEW: N_("New"),
    CaseFileStatus.IN_PROGRESS: N_("In progress"),
    CaseFileStatus.PAYMENT_PLAN: N_("Payment plan"),
    CaseFileStatus.LEGAL: N_("Legal"),
    CaseFileStatus.CLOSED_PAID: N_("Closed, paid"),
    CaseFileStatus.CLOSED_UNRECOVERABLE: N_("Closed, unrecoverable"),
    CaseFileStatus.RETURNED: N_("Returned to the client"),
}

COLLECTION_STATE_NAMES: Mapping[str, str] = {
    CollectionState.UNAPPROVED: N_("Unapproved"),
    CollectionState.APPROVED: N_("Approved"),
    CollectionState.REJECTED: N_("Rejected"),
}

COLLECTION_CHANGE_NAMES: Mapping[str, str] = {
    "recorded": N_("Recorded"),
    "received": N_("Marked collected"),
    "not_received": N_("Marked not collected"),
    "approved": N_("Approved"),
    "rejected": N_("Rejected"),
    "reversed": N_("Reversed"),
    "edited": N_("Edited"),
}

ANNOTATION_KIND_NAMES: Mapping[str, str] = {
    AnnotationKind.LOCATE: N_("Debtor located"),
    AnnotationKind.REGISTRY: N_("Mercantile registry entry"),
    AnnotationKind.OBSERVATION: N_("Observation"),
    AnnotationKind.CALL: N_("Call"),
    AnnotationKind.VISIT: N_("Visit"),
    AnnotationKind.LETTER: N_("Letter"),
    AnnotationKind.BUROFAX: N_("Burofax"),
}

ANNOTATION_KINDS = (AnnotationKind.LOCATE, AnnotationKind.REGISTRY, AnnotationKind.OBSERVATION)
"""What New annotation… offers, in this order."""

ACTION_KINDS = (
    AnnotationKind.CALL,
    AnnotationKind.VISIT,
    AnnotationKind.LETTER,
    AnnotationKind.BUROFAX,
)
"""What New action… offers, in this order."""

PLAN_KIND_NAMES: Mapping[str, str] = {
    PlanKind.PROMISE: N_("Promise to pay"),
    PlanKind.PLAN: N_("Payment plan"),
}

OUTCOME_NAMES: Mapping[str, str] = {
    "open": N_("Open"),
    "kept": N_("Kept"),
    "partly_kept": N_("Partly kept"),
    "broken": N_("Broken"),
    "cancelled": N_("Cancelled"),
}

CONTACT_KIND_NAMES: Mapping[str, str] = {
    DebtorContactKind.ADDRESS: N_("Address"),
    DebtorContactKind.PHONE: N_("Phone"),
    DebtorContactKind.EMAIL: N_("E-mail"),
}

DEBTOR_KIND_NAMES: Mapping[str, str] = {
    DebtorKind.PERSON: N_("Person"),
    DebtorKind.COMPANY: N_("Company"),
}


def name_of(names: Mapping[str, str], value: str | None) -> str:
    """``value`` in words (translated), the stored value itself when it has no name."""
    if value is None:
        return ""
    label = names.get(value)
    return _(label) if label is not None else value


def desk_refusal(*, read_only: bool, replica: bool) -> str | None:
    """Why nothing of the agency desk can be written in this database (None: it can)."""
    if read_only:
        return _("The database is open read-only.")
    if replica:
        return _(
            "On this laptop the agency desk is a copy to read: collections, case files and "
            "expenses are recorded and approved on the team database."
        )
    return None

"""The closed vocabularies stored as text: transaction types, statuses, outcomes, kinds."""

from __future__ import annotations

import enum


class TransactionType(enum.StrEnum):
    """Kinds of customer transactions. Debits are positive amounts, credits negative."""

    INVOICE = "invoice"
    PAYMENT = "payment"
    CREDIT_NOTE = "credit_note"
    INTEREST_NOTE = "interest_note"
    FEE = "fee"
    WRITE_OFF = "write_off"
    REVERSAL = "reversal"
    REFUND = "refund"  # money paid back to a customer out of a credit balance (a debit)


DEBIT_TYPES = frozenset(
    {
        TransactionType.INVOICE,
        TransactionType.INTEREST_NOTE,
        TransactionType.FEE,
        TransactionType.REFUND,  # settled against the credits it pays out when posted
    }
)


CREDIT_TYPES = frozenset(
    {TransactionType.PAYMENT, TransactionType.CREDIT_NOTE, TransactionType.WRITE_OFF}
)


class CollectionStatus(enum.StrEnum):
    """Where a transaction stands in collections."""

    NONE = "none"
    DISPUTED = "disputed"
    PROMISED = "promised"  # promise to pay: a date and an amount
    BROKEN = "broken"  # a promise was not (or only partly) kept
    RESOLVED = "resolved"  # a dispute was settled in the customer's or the company's favour
    LEGAL = "legal"  # handed to a lawyer or an agency


class PromiseOutcome(enum.StrEnum):
    """How a promise to pay ended, judged after its date plus the tolerance days."""

    KEPT = "kept"
    PARTIAL = "partial"
    BROKEN = "broken"


class JournalType(enum.StrEnum):
    """The journals the collections actions post."""

    WRITE_OFF = "write_off"
    PAYMENT = "payment"  # NSF reversals and bank charges
    INTEREST = "interest"
    LETTER = "letter"
    ADJUSTMENT = "adjustment"  # waive, reinstate, reverse of interest and fees


class JournalAccountType(enum.StrEnum):
    """What a journal line posts to."""

    CUSTOMER = "customer"
    LEDGER = "ledger"
    TAX = "tax"


class AdjustmentKind(enum.StrEnum):
    """Corrections of an interest or fee transaction."""

    WAIVE = "waive"  # cancel it; it can be reinstated
    REINSTATE = "reinstate"  # undo the waiver
    REVERSE = "reverse"  # cancel it for good (it was wrong)


class CaseStatus(enum.StrEnum):
    """Whether a collections case is being worked."""

    OPEN = "open"
    CLOSED = "closed"


class LetterScope(enum.StrEnum):
    """Whether a letter sequence writes one letter per customer or per transaction."""

    CUSTOMER = "customer"
    TRANSACTION = "transaction"


class AccountStatus(enum.StrEnum):
    """Whether a customer may buy on credit."""

    ACTIVE = "active"
    ON_HOLD = "on_hold"
    CLOSED = "closed"


class ActivityType(enum.StrEnum):
    """The four kinds of collections activity."""

    TASK = "task"
    APPOINTMENT = "appointment"
    EVENT = "event"
    ACTION = "action"


class AgingBasis(enum.StrEnum):
    """The date an aging period is counted from."""

    DUE_DATE = "due_date"
    TRANSACTION_DATE = "transaction_date"
    DOCUMENT_DATE = "document_date"


class ContactRole(enum.StrEnum):
    """What a contact person does for the customer; collections letters go to "collections"."""

    COLLECTIONS = "collections"
    BILLING = "billing"
    PURCHASING = "purchasing"
    MANAGEMENT = "management"
    OTHER = "other"


class AddressPurpose(enum.StrEnum):
    """What an address of a customer is used for."""

    BUSINESS = "business"
    INVOICE = "invoice"
    DELIVERY = "delivery"
    STATEMENT = "statement"


class PaymentMethod(enum.StrEnum):
    """How a payment was made; cheques and promissory notes have a life of their own."""

    CASH = "cash"
    CARD = "card"
    BANK_TRANSFER = "bank_transfer"
    DIRECT_DEBIT = "direct_debit"
    CHEQUE = "cheque"
    PROMISSORY_NOTE = "promissory_note"  # a cheque with a due date (a post-dated instrument)


INSTRUMENT_METHODS = frozenset({PaymentMethod.CHEQUE, PaymentMethod.PROMISSORY_NOTE})
"""The methods whose payment is a paper instrument: received, deposited, cleared or returned."""


class PaymentState(enum.StrEnum):
    """Where a payment's money stands: an instrument's life cycle, or cleared at once."""

    RECEIVED = "received"  # an instrument in hand, not yet at the bank
    DEPOSITED = "deposited"  # handed to the bank, waiting for the money
    CLEARED = "cleared"  # the money is in (cash, card, transfer: from the start)
    RETURNED = "returned"  # came back unpaid: the NSF flow ran


# --- the agency desk (models/db/schema/agency.py) ---


class CaseFileStatus(enum.StrEnum):
    """Where a case file stands; the last three close it."""

    NEW = "new"
    IN_PROGRESS = "in_progress"
    PAYMENT_PLAN = "payment_plan"
    LEGAL = "legal"
    CLOSED_PAID = "closed_paid"
    CLOSED_UNRECOVERABLE = "closed_unrecoverable"
    RETURNED = "returned"  # returned to the client


CLOSED_CASE_STATUSES = frozenset(
    {CaseFileStatus.CLOSED_PAID, CaseFileStatus.CLOSED_UNRECOVERABLE, CaseFileStatus.RETURNED}
)


class CollectionState(enum.StrEnum):
    """A collection's approval."""

    UNAPPROVED = "unapproved"  # waiting for a supervisor
    APPROVED = "approved"  # counts for the remittance and the commission
    REJECTED = "rejected"  # with a reason; counts for nothing


class DebtorKind(enum.StrEnum):
    PERSON = "person"
    COMPANY = "company"


class DebtorContactKind(enum.StrEnum):
    ADDRESS = "address"
    PHONE = "phone"
    EMAIL = "email"


class AnnotationKind(enum.StrEnum):
    """What an annotation records: something found, something noted or something done."""

    LOCATE = "locate"  # a new address or phone of the debtor, and where it was found
    REGISTRY = "registry"  # the debtor re-registered under another company name
    OBSERVATION = "observation"
    CALL = "call"
    VISIT = "visit"
    LETTER = "letter"
    BUROFAX = "burofax"


ACTION_KINDS = frozenset(
    {AnnotationKind.CALL, AnnotationKind.VISIT, AnnotationKind.LETTER, AnnotationKind.BUROFAX}
)


class PlanKind(enum.StrEnum):
    PROMISE = "promise"  # one payment promised by a date
    PLAN = "plan"  # instalments with due dates


class ExpenseKind(enum.StrEnum):
    FUEL = "fuel"
    CALLS = "calls"
    BUROFAX = "burofax"
    TRAVEL = "travel"
    OTHER = "other"


class ExpenseState(enum.StrEnum):
    DRAFT = "draft"  # the collector's, still editable
    SUBMITTED = "submitted"  # the month sent for approval
    APPROVED = "approved"
    REJECTED = "rejected"  # with a reason; the collector may correct and submit again

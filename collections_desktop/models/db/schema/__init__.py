"""The mapped classes of the schema (SQLAlchemy 2, typed).

Data rules (see docs/ARCHITECTURE.md):
- every table has a UUIDv7 ``id`` (derived snapshot lines are keyed by their header);
  users see human numbers (account, voucher) kept as unique text;
- money is ``Money`` (exact integers of 1/10,000), always next to a currency;
- posted facts (transactions, settlements, status history) are never updated or deleted;
  database triggers created by migration 0001 enforce it, corrections are new entries;
- mutable rows carry ``updated_at``, ``version`` and a ``deleted_at`` tombstone.

The schema on a user's file is made by Alembic migrations, never by ``create_all``;
a test checks that these classes and the migrations agree.

The tables are grouped by domain in the modules of this package; this module imports them
all, so ``Base.metadata`` (Alembic, the tests) holds every table and every importer has one
import point.
"""

from collections_desktop.models.db.schema.bank import (
    BankCsvProfile,
    BankLineState,
    BankStatement,
    BankStatementLine,
    CustomerBankAccount,
)
from collections_desktop.models.db.schema.base import (
    NAMING,
    Base,
    Mutable,
    primary_id,
)
from collections_desktop.models.db.schema.billing import (
    InvoiceLine,
    PendingDocument,
    PendingDocumentLine,
    RecurringBillingLine,
)
from collections_desktop.models.db.schema.casework import (
    Activity,
    CaseTransaction,
    CollectionsCase,
)
from collections_desktop.models.db.schema.customers import (
    AgentPool,
    CollectionsAgent,
    Contact,
    Customer,
    CustomerAddress,
    CustomerPool,
    Employee,
)
from collections_desktop.models.db.schema.enums import (
    CREDIT_TYPES,
    DEBIT_TYPES,
    INSTRUMENT_METHODS,
    AccountStatus,
    ActivityType,
    AddressPurpose,
    AdjustmentKind,
    AgingBasis,
    CaseStatus,
    CollectionStatus,
    ContactRole,
    JournalAccountType,
    JournalType,
    LetterScope,
    PaymentMethod,
    PaymentState,
    PromiseOutcome,
    TransactionType,
)
from collections_desktop.models.db.schema.ledger import IMMUTABLE_COLUMNS as _LEDGER_FACTS
from collections_desktop.models.db.schema.ledger import (
    ChargeAdjustment,
    CollectionLetter,
    CollectionLetterLine,
    CollectionStatusChange,
    CustomerChange,
    CustomerTransaction,
    InterestNote,
    InterestNoteLine,
    Journal,
    JournalLine,
    LetterDocument,
    PromiseResult,
    Settlement,
    SettlementLine,
    TransactionTax,
)
from collections_desktop.models.db.schema.mail import (
    Mailing,
    MailServer,
    MailTemplate,
    MailTemplateText,
    OutboxAttachment,
    OutboxMessage,
)
from collections_desktop.models.db.schema.receipts import IMMUTABLE_COLUMNS as _RECEIPT_FACTS
from collections_desktop.models.db.schema.receipts import PaymentDetails, PaymentStateChange
from collections_desktop.models.db.schema.records import RecordResult
from collections_desktop.models.db.schema.reference import (
    ActivityCategory,
    AgingDefinition,
    AgingPeriod,
    BankAccount,
    BankCharge,
    BusinessText,
    CaseCategory,
    Currency,
    InterestCode,
    InterestCodeLine,
    LetterLevel,
    LetterSequence,
    NumberSequence,
    PostingProfile,
    ReceivablesParameters,
    SalesTaxCode,
    WriteOffReason,
)
from collections_desktop.models.db.schema.snapshots import (
    AgingSnapshot,
    AgingSnapshotCustomer,
    AgingSnapshotLine,
)
from collections_desktop.models.db.schema.sync import (
    PoolCustomer,
    SyncApplying,
    SyncConflict,
    SyncFieldClock,
    SyncNumberBlock,
    SyncOperation,
    SyncOutbox,
    SyncState,
)

IMMUTABLE_COLUMNS = {**_LEDGER_FACTS, **_RECEIPT_FACTS}
"""Columns that the immutability triggers guard, per posted table."""

__all__ = [
    "CREDIT_TYPES",
    "DEBIT_TYPES",
    "IMMUTABLE_COLUMNS",
    "INSTRUMENT_METHODS",
    "NAMING",
    "AccountStatus",
    "Activity",
    "ActivityCategory",
    "ActivityType",
    "AddressPurpose",
    "AdjustmentKind",
    "AgentPool",
    "AgingBasis",
    "AgingDefinition",
    "AgingPeriod",
    "AgingSnapshot",
    "AgingSnapshotCustomer",
    "AgingSnapshotLine",
    "BankAccount",
    "BankCharge",
    "BankCsvProfile",
    "BankLineState",
    "BankStatement",
    "BankStatementLine",
    "Base",
    "BusinessText",
    "CaseCategory",
    "CaseStatus",
    "CaseTransaction",
    "ChargeAdjustment",
    "CollectionLetter",
    "CollectionLetterLine",
    "CollectionStatus",
    "CollectionStatusChange",
    "CollectionsAgent",
    "CollectionsCase",
    "Contact",
    "ContactRole",
    "Currency",
    "Customer",
    "CustomerAddress",
    "CustomerBankAccount",
    "CustomerChange",
    "CustomerPool",
    "CustomerTransaction",
    "Employee",
    "InterestCode",
    "InterestCodeLine",
    "InterestNote",
    "InterestNoteLine",
    "InvoiceLine",
    "Journal",
    "JournalAccountType",
    "JournalLine",
    "JournalType",
    "LetterDocument",
    "LetterLevel",
    "LetterScope",
    "LetterSequence",
    "MailServer",
    "MailTemplate",
    "MailTemplateText",
    "Mailing",
    "Mutable",
    "NumberSequence",
    "OutboxAttachment",
    "OutboxMessage",
    "PaymentDetails",
    "PaymentMethod",
    "PaymentState",
    "PaymentStateChange",
    "PendingDocument",
    "PendingDocumentLine",
    "PoolCustomer",
    "PostingProfile",
    "PromiseOutcome",
    "PromiseResult",
    "ReceivablesParameters",
    "RecordResult",
    "RecurringBillingLine",
    "SalesTaxCode",
    "Settlement",
    "SettlementLine",
    "SyncApplying",
    "SyncConflict",
    "SyncFieldClock",
    "SyncNumberBlock",
    "SyncOperation",
    "SyncOutbox",
    "SyncState",
    "TransactionTax",
    "TransactionType",
    "WriteOffReason",
    "primary_id",
]

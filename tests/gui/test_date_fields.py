"""One date style and one date-time style, in every field where a date is typed.

Every dialog with a date or date-and-time field is opened on the same rows in several
locales and date styles; each field must show its date as ``Formats.date`` (and
``Formats.moment``) writes it on the rest of the screen, through the Qt display format
``Formats`` derives from the same Babel pattern.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QDateTime, QLocale
from PySide6.QtWidgets import QDateEdit, QDateTimeEdit, QDialog

import collections_desktop
from collections_desktop.formatting import Formats
from collections_desktop.models.actions.charge_rows import ChargeRow, ChargeRowKind
from collections_desktop.models.actions.nsf import NsfPreview
from collections_desktop.models.actions.writeoff_plan import WriteOffReasonOption
from collections_desktop.models.casework.activities import ActivityDetails
from collections_desktop.models.ledger.settling import SettlementRow
from collections_desktop.models.screens.customer_card import TransactionRow
from collections_desktop.views.dialogs.activity_dialog import (
    ActivityDialog,
    NewActivityDialog,
)
from collections_desktop.views.dialogs.charges_dialog import ChargesDialog
from collections_desktop.views.dialogs.interest_dialog import InterestDialog
from collections_desktop.views.dialogs.letters_dialog import LetterBlockDialog, LettersDialog
from collections_desktop.views.dialogs.nsf_dialog import NsfDialog
from collections_desktop.views.dialogs.settle_dialog import ReverseSettlementDialog, SettleDialog
from collections_desktop.views.dialogs.status_dialog import StatusDialog
from collections_desktop.views.dialogs.writeoff_dialog import WriteOffDialog

TODAY = dt.date(2026, 12, 3)
NOW = dt.datetime(2026, 12, 3, 23, 26).astimezone()  # 11:26 PM on the computer's clock
D = Decimal


def transaction(document: str, amount: str, due: dt.date) -> TransactionRow:
    return TransactionRow(
        id=uuid.uuid4(), voucher=f"V-{document}", document_number=document,
        type="invoice" if D(amount) > 0 else "payment", posting_date=dt.date(2026, 10, 1),
        due_date=due, days_overdue=max(0, (TODAY - due).days), currency="EUR",
        amount=D(amount), open_amount=D(amount), open_amount_accounting=D(amount),
        collection_status="none", promise_date=None, promise_amount=None,
    )  # fmt: skip


ROWS = (
    transaction("INV-1", "1200.00", dt.date(2026, 10, 31)),
    transaction("PAY-1", "-200.00", dt.date(2026, 11, 2)),
)
DETAILS = ActivityDetails(
    id=uuid.uuid4(), number="ACT-0000001", type="task", category=None, purpose="Call back",
    memo=None, start_at=NOW, end_at=NOW + dt.timedelta(hours=1), closed=False,
    closed_at=None, responsible_id=None, responsible_name=None, customer_id=None,
    account=None, customer_name=None,
)  # fmt: skip


SETTLEMENT = SettlementRow(
    id=uuid.uuid4(), number="ST-1", settlement_date=dt.date(2026, 11, 5), note=None,
    currency="EUR", total=D("200.00"), documents=("INV-1", "PAY-1"), reversed_by=None,
    reversed_on=None, reverses=None, created_at=NOW,
)  # fmt: skip
NSF = NsfPreview(
    payment_id=uuid.uuid4(), customer_id=uuid.uuid4(), account="C-000001",
    customer_name="Ruiz Hermanos SL", document_number="PAY-1", voucher="V-PAY-1",
    posting_date=dt.date(2026, 11, 2), amount=D("200.00"), currency="EUR",
    bank_account="BANK", settled=(), charges=(), earliest_date=dt.date(2026, 11, 5),
)  # fmt: skip
FEE = ChargeRow(
    kind=ChargeRowKind.FEE, transaction_ids=(uuid.uuid4(),), note_id=None, note_number=None,
    document_number="FEE-1", invoice_document=None, description="Letter fee",
    posting_date=dt.date(2026, 11, 10), currency="EUR", amount=D("5.00"),
    open_amount=D("5.00"), state="charged",
)  # fmt: skip
CUSTOMER = "C-000001 Ruiz Hermanos SL"


def dialogs(formats: Formats) -> Iterator[QDialog]:
    """Every dialog with a date field, as the actions open them."""
    yield NewActivityDialog(NOW, formats=formats)
    yield ActivityDialog(DETAILS, (), (), formats)
    yield StatusDialog(ROWS[:1], formats, TODAY)
    yield SettleDialog(ROWS, TODAY, formats, customer=CUSTOMER)
    yield ReverseSettlementDialog([SETTLEMENT], TODAY, formats, customer=CUSTOMER)
    reasons = [WriteOffReasonOption("SMALL", "Small balance", None)]
    yield WriteOffDialog(ROWS[:1], reasons, TODAY, formats)
    yield NsfDialog(NSF, TODAY, formats)
    yield InterestDialog(TODAY, formats, customer=CUSTOMER, pool="Iberia")
    yield ChargesDialog([FEE], TODAY, formats, customer=CUSTOMER)
    yield LettersDialog([(uuid.uuid4(), "Iberia")], TODAY, formats)
    yield LetterBlockDialog(CUSTOMER, TODAY, formats, until=dt.date(2027, 1, 2), reason="Plan")


DIALOG_NAMES = [
    "new_activity_dialog", "activity_dialog", "status_dialog", "settle_dialog",
    "reverse_settlement_dialog", "write_off_dialog", "nsf_dialog", "interest_dialog",
    "charges_dialog", "letters_dialog", "letter_block_dialog",
]  # fmt: skip


def pydate(edit: QDateTimeEdit) -> dt.date:
    day = edit.date()
    return dt.date(day.year(), day.month(), day.day())


@pytest.mark.parametrize(
    ("locale", "style"),
    [
        ("en_US", "medium"),
        ("en_US", "short"),
        ("es_ES", "medium"),
        ("es_ES", "long"),
        ("fr_FR", "medium"),
        ("pt_PT", "medium"),
        ("pt_PT", "long"),
    ],
)
def test_every_date_field_shows_dates_in_the_apps_style(qtbot, locale: str, style: str) -> None:
    formats = Formats(locale, style)
    seen: list[str] = []
    for dialog in dialogs(formats):
        qtbot.addWidget(dialog)
        edits = dialog.findChildren(QDateTimeEdit)
        assert edits, f"{dialog.objectName()} has no date field"
        seen.append(dialog.objectName())
        for edit in edits:
            where = f"{dialog.objectName()}.{edit.objectName()}"
            assert edit.locale() == QLocale(locale), where
            if isinstance(edit, QDateEdit):
                assert edit.displayFormat() == formats.qt_date_format(), where
                if style != "short":  # the short style's field writes the year in full
                    assert edit.text() == formats.date(pydate(edit)), where
            else:
                assert edit.displayFormat() == formats.qt_moment_format(), where
                shown = dt.datetime.fromtimestamp(edit.dateTime().toSecsSinceEpoch(), dt.UTC)
                if style != "short":
                    assert edit.text() == formats.moment(shown), where
    assert seen == DIALOG_NAMES


def test_the_short_style_field_differs_only_by_the_full_year(qtbot) -> None:
    formats = Formats("en_US", "short")
    assert formats.date(TODAY) == "12/3/26"
    assert formats.qt_date_format() == "M/d/yyyy"
    dialog = LetterBlockDialog("C-000001", TODAY, formats, until=TODAY)
    qtbot.addWidget(dialog)
    assert dialog.until.text() == "12/3/2026"
    activity = NewActivityDialog(NOW, formats=formats)
    qtbot.addWidget(activity)
    assert activity.start.text() == "12/3/2026, 11:26\u202fPM"
    assert formats.moment(NOW) == "12/3/26, 11:26\u202fPM"


@pytest.mark.parametrize(
    "locale", ["en_US", "en_GB", "es_ES", "fr_FR", "pt_PT", "pt_BR", "de_DE", "ru_RU", "ja_JP"]
)
@pytest.mark.parametrize("style", ["medium", "long"])
def test_qt_writes_the_babel_pattern_as_babel_does(locale: str, style: str) -> None:
    """The Qt display formats are the Babel patterns converted, letter by letter."""
    formats = Formats(locale, style)
    qt = QLocale(locale)
    moment = QDateTime.fromSecsSinceEpoch(int(NOW.timestamp()))
    assert qt.toString(moment.date(), formats.qt_date_format()) == formats.date(NOW.date())
    assert qt.toString(moment, formats.qt_moment_format()) == formats.moment(NOW)


PACKAGE = Path(collections_desktop.__file__).parent
MAKERS = re.compile(r"\bQ(Date|DateTime|Time)Edit\(|setDisplayFormat\(")


def test_date_fields_are_made_in_one_place() -> None:
    """A date field made elsewhere would not get the app's format: every one comes from
    ``views/dialogs/fields.py`` (``date_edit``, ``moment_edit``)."""
    makers = {
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if MAKERS.search(path.read_text(encoding="utf-8"))
    }
    assert makers == {"views/dialogs/fields.py"}

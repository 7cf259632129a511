"""The company's payment references printed where customers read them: each invoice's
creditor reference on its PDF, the customer account's on collection letters."""

from __future__ import annotations

from pathlib import Path

from collections_desktop.models.bank.references import (
    format_reference,
    payment_reference,
    reference_target,
)
from collections_desktop.models.billing.invoices import invoice_details
from collections_desktop.models.billing.issue import issue_drafts
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.writing import write_transaction
from collections_desktop.models.people.scope import company_scope
from collections_desktop.views.invoice_pdf import invoice_html, invoice_pdf_bytes, render_invoice
from collections_desktop.views.printing import letter_html, letter_pdf_bytes, render_first_page
from tests.gui.test_billing import NOVEMBER, NOW, drafts  # noqa: F401 - fixture
from tests.gui.test_letters_dialogs import EN, Setting, posted, setting  # noqa: F401 - fixtures

SHOTS = Path("/work/shots/matching")


def _on_one_line(reference: str) -> str:
    """The reference as the printed HTML keeps it together: no-break spaces between groups."""
    return format_reference(reference).replace(" ", "\xa0")


def test_the_invoice_pdf_quotes_the_invoices_payment_reference(qtbot, drafts: Database) -> None:  # noqa: F811
    with write_transaction(drafts) as session:
        result = issue_drafts(session, company_scope(session), None, now=NOW, month=NOVEMBER)
    with drafts.sessions() as session:
        _spanish, english = invoice_details(session, [i.transaction_id for i in result.invoices])
    assert english.number == "INV-0000002"
    reference = payment_reference("INV-0000002")
    assert reference_target(reference) == "INV-0000002"
    html = invoice_html(english)
    assert f"<p>Payment reference: {_on_one_line(reference)}</p>" in html
    assert format_reference(reference) == f"{reference[:4]} INV0 0000 02"
    data = invoice_pdf_bytes(english)
    assert data.startswith(b"%PDF-")
    if SHOTS.parent.exists():
        SHOTS.mkdir(exist_ok=True)
        render_invoice(english).save(str(SHOTS / "invoice_reference.png"))


def test_a_collection_letter_quotes_the_accounts_payment_reference(
    qtbot,
    setting: Setting,  # noqa: F811
    posted,  # noqa: F811
) -> None:
    reference = payment_reference(setting.ruiz_account)
    assert reference_target(reference) == setting.ruiz_account
    html = letter_html(posted, EN)
    quoted = f"Payment reference: {_on_one_line(reference)}</p>"
    assert quoted in html
    # In the payment section: after the items' total and the letter fee.
    assert html.index("Letter fee (CL-") < html.index(quoted)
    assert letter_pdf_bytes(posted, EN).startswith(b"%PDF-")
    if SHOTS.parent.exists():
        SHOTS.mkdir(exist_ok=True)
        render_first_page(posted, EN).save(str(SHOTS / "letter_reference.png"))

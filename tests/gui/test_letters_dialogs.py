"""The letter run and block dialogs driven like a collector drives them, and the printed PDF."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QFileDialog, QWidget
from sqlalchemy import func, select

from collections_desktop.formatting import Formats
from collections_desktop.kernel.clock import FixedClock
from collections_desktop.models.db.database import Database
from collections_desktop.models.db.schema import (
    CollectionLetter,
    Customer,
    CustomerPool,
    CustomerTransaction,
)
from collections_desktop.models.letters.read import letter_detail
from collections_desktop.models.letters.run import LetterRun, create_letters
from collections_desktop.models.people.pools import PoolCriteria
from collections_desktop.models.people.scope import AgentScope, load_scope
from collections_desktop.views.actions.transactions import TransactionActions
from collections_desktop.views.dialogs.fields import qdate
from collections_desktop.views.dialogs.letters_dialog import LetterBlockDialog, LettersDialog
from collections_desktop.views.itemmodels.rows import RIGHT
from collections_desktop.views.printing import (
    letter_html,
    letter_pdf,
    print_letters,
    render_first_page,
)
from collections_desktop.views.tasks import Lane, TaskRunner
from tests.gui.conftest import page_context
from tests.unit.test_letters import debtor, overdue
from tests.unit.test_overview import add_pool, employee_id
from tests.unit.test_scope import add_agent
from tests.unit.test_snapshot import NOW, TODAY

D = Decimal
LOAD = 10_000
EN = Formats("en_US")


@dataclass(frozen=True)
class Setting:
    """Iberia: Ruiz (1,000.00 40 days + 250.00 20 days), Lopes (80.00 16 days), Sousa
    (blocked); Gaul: Garnier (500.00 35 days). An agent of both pools."""

    database: Database
    scope: AgentScope
    me: uuid.UUID
    iberia: uuid.UUID
    ruiz: uuid.UUID
    ruiz_account: str
    sousa: uuid.UUID


@pytest.fixture
def setting(sqlite_db: Database) -> Setting:
    with sqlite_db.sessions.begin() as session:
        ruiz = debtor(session, name="Ruiz Hermanos SL")
        overdue(session, ruiz, "1000.00", 40)
        overdue(session, ruiz, "250.00", 20)
        lopes = debtor(session, name="Lopes & Filhos Lda", country="PT")
        overdue(session, lopes, "80.00", 16)
        sousa = debtor(
            session,
            name="Sousa Têxteis SA",
            country="PT",
            letter_block_until=TODAY + dt.timedelta(days=20),
            letter_block_reason="Paying in instalments",
        )
        overdue(session, sousa, "640.00", 50)
        garnier = debtor(session, name="Garnier SA", country="FR")
        overdue(session, garnier, "500.00", 35)
        iberia = CustomerPool(
            name="Iberia", criteria=PoolCriteria(countries=("ES", "PT")).to_json(), updated_at=NOW
        )
        session.add(iberia)
        gaul = add_pool(session, "Gaul", "FR")
        user = add_agent(session, [iberia, gaul], default=iberia)
        me = employee_id(session, user)
        ids = (iberia.id, ruiz.id, ruiz.account, sousa.id)
    with sqlite_db.sessions() as session:
        scope = load_scope(session, user)
    return Setting(sqlite_db, scope, me, *ids)


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    runner = TaskRunner()
    yield runner
    runner.shutdown()


@pytest.fixture
def actions(qtbot, setting: Setting, runner: TaskRunner) -> TransactionActions:
    """The Workspace's actions, in a bare host window."""
    host = QWidget()
    qtbot.addWidget(host)
    context = page_context(
        setting.database, runner, setting.scope, setting.me, FixedClock.on(TODAY), formats=EN
    )
    return TransactionActions(context, host, target=lambda: None, open_url=lambda _url: True)


def letters(database: Database) -> list[tuple[str, str, Decimal, Decimal]]:
    with database.sessions() as session:
        return [
            tuple(row)
            for row in session.execute(
                select(
                    CollectionLetter.number,
                    Customer.name,
                    CollectionLetter.amount,
                    CollectionLetter.fee,
                )
                .join(Customer, Customer.id == CollectionLetter.customer_id)
                .order_by(CollectionLetter.number)
            )
        ]


def texts(view, column: int) -> list[str]:
    model = view.model()
    return [model.index(row, column).data() for row in range(model.rowCount())]


def open_dialog(
    actions: TransactionActions, folder: Path, results: list, **kwargs
) -> LettersDialog:
    """The letter run dialog as the Workspace opens it; ``results`` gets each run posted."""
    actions.letters.written.connect(results.append)
    dialog = actions.letters.run_dialog(kwargs.pop("customer", None), folder=folder)
    dialog.resize(900, 620)
    actions.show(dialog)
    if "as_of" in kwargs:
        dialog.as_of.setDate(qdate(kwargs.pop("as_of")))
    return dialog


def test_the_run_previews_the_pool_then_writes_the_letters(
    qtbot, setting: Setting, actions: TransactionActions, tmp_path: Path
) -> None:
    results: list[LetterRun] = []
    dialog = open_dialog(actions, tmp_path / "letters", results)
    assert dialog.summary.text() == "Choose a pool to see the letters that are due."
    dialog.target.setCurrentIndex(dialog.target.findText("Pool: Iberia"))
    qtbot.waitUntil(lambda: dialog.proposal_model.rowCount() == 2, timeout=LOAD)
    grid = dialog.proposals
    assert texts(grid, 1) == ["Ruiz Hermanos SL", "Lopes & Filhos Lda"]
    assert texts(grid, 2) == ["1 · Friendly reminder", "1 · Friendly reminder"]
    assert texts(grid, 3) == ["40", "16"]
    assert texts(grid, 6) == ["1,250.00", "80.00"]
    assert grid.model().index(0, 6).data(Qt.ItemDataRole.TextAlignmentRole) == RIGHT
    assert texts(dialog.skipped, 1) == ["Sousa Têxteis SA"]
    assert texts(dialog.skipped, 3) == [
        "Letters are blocked until Dec 13, 2026: Paying in instalments"
    ]
    assert dialog.summary.text() == "2 letters to create · 1 without a letter"
    assert dialog.skipped_title.text() == "Without a letter (1)"
    assert dialog.grab().save(str(tmp_path / "letters_dialog.png"))  # to look at

    with qtbot.waitSignals([dialog.finished, actions.changed], timeout=LOAD):
        dialog.ok_button.click()  # posted, then printed
    [run] = results
    assert (run.created_count, run.skipped_count) == (2, 1)
    assert [c.number for c in run.created] == ["CL-0000001", "CL-0000002"]
    assert letters(setting.database) == [
        ("CL-0000001", "Ruiz Hermanos SL", D("1250.00"), D("0")),
        ("CL-0000002", "Lopes & Filhos Lda", D("80.00"), D("0")),
    ]


def test_a_run_without_a_pool_is_refused_in_the_dialog(
    qtbot, setting: Setting, actions: TransactionActions, tmp_path: Path
) -> None:
    dialog = open_dialog(actions, tmp_path, [])
    # Nothing to press: the button says why.
    assert not dialog.ok_button.isEnabled()
    assert dialog.ok_button.toolTip() == (
        "Choose a pool, or open the letters from a customer's Workspace."
    )
    dialog.ok_button.click()
    assert dialog.isVisible()
    assert letters(setting.database) == []
    dialog.reject()


def test_a_run_dated_before_the_last_letter_is_refused_inline(
    qtbot, setting: Setting, actions: TransactionActions, tmp_path: Path
) -> None:
    with setting.database.sessions() as session:
        create_letters(
            session, setting.scope, TODAY, NOW, customer_ids=[setting.ruiz], created_by_id=None
        )
        session.commit()
    results: list[LetterRun] = []
    dialog = open_dialog(
        actions,
        tmp_path,
        results,
        as_of=TODAY - dt.timedelta(days=3),
        customer=(setting.ruiz, f"{setting.ruiz_account} Ruiz Hermanos SL"),
    )
    message = (
        f"Letter CL-0000001 to {setting.ruiz_account} is dated Nov 23, 2026, after Nov 20, "
        "2026. Letters cannot be made as of a date before the last letter: choose Nov 23, "
        "2026 or later."
    )
    # The preview already says so; creating says it again and writes nothing.
    qtbot.waitUntil(lambda: dialog.error.text() == message, timeout=LOAD)
    dialog.error.clear()
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: dialog.error.text() == message, timeout=LOAD)
    assert dialog.isVisible()
    assert dialog.ok_button.isEnabled()
    assert results == []
    assert [row[0] for row in letters(setting.database)] == ["CL-0000001"]

    # The same day is fine, but nothing is due again yet: the dialog says so before sending.
    dialog.as_of.setDate(qdate(TODAY))
    qtbot.waitUntil(lambda: dialog.skipped_model.rowCount() == 1, timeout=LOAD)
    assert texts(dialog.skipped, 3) == [
        "CL-0000001 was sent on Nov 23, 2026; level 2 follows 14 days after it, on Dec 7, 2026."
    ]
    assert dialog.summary.text() == "No letter is due as of Nov 23, 2026. · 1 without a letter"
    assert not dialog.ok_button.isEnabled()
    assert dialog.ok_button.toolTip() == (
        "No letter is due as of Nov 23, 2026: there is nothing to create."
    )
    dialog.reject()


def test_the_block_dialog_saves_the_block_and_refuses_one_without_a_reason(
    qtbot, setting: Setting, actions: TransactionActions, tmp_path: Path
) -> None:
    results: list = []
    actions.written.connect(results.append)
    actions.block_letters(setting.ruiz, f"{setting.ruiz_account} Ruiz Hermanos SL")
    dialog = actions.dialog
    assert isinstance(dialog, LetterBlockDialog)

    def block() -> tuple:
        with setting.database.sessions() as session:
            customer = session.get(Customer, setting.ruiz)
            return customer.letter_block_until, customer.letter_block_reason, customer.version

    dialog.until.setDate(qdate(dt.date(2027, 1, 15)))
    dialog.ok_button.click()
    assert dialog.error.text() == "Write why the letters are blocked."
    assert dialog.isVisible()
    assert block() == (None, None, 1)

    qtbot.keyClicks(dialog.reason, "Waiting for the credit note")
    assert dialog.grab().save(str(tmp_path / "letter_block_dialog.png"))
    with qtbot.waitSignal(dialog.finished, timeout=LOAD):
        dialog.ok_button.click()
    assert block() == (dt.date(2027, 1, 15), "Waiting for the credit note", 2)
    assert results[0].until == dt.date(2027, 1, 15)


def test_lifting_a_block(qtbot, setting: Setting, actions: TransactionActions) -> None:
    actions.block_letters(
        setting.sousa,
        "Sousa Têxteis SA",
        until=TODAY + dt.timedelta(days=20),
        reason="Paying in instalments",
    )
    dialog = actions.dialog
    assert isinstance(dialog, LetterBlockDialog)
    assert dialog.findChild(type(dialog.error), "letter_block_current").text() == (
        "Blocked until Dec 13, 2026: Paying in instalments"
    )
    dialog.blocked.setChecked(False)
    assert not dialog.reason.isEnabled()
    with qtbot.waitSignal(dialog.finished, timeout=LOAD):
        dialog.ok_button.click()
    with setting.database.sessions() as session:
        customer = session.get(Customer, setting.sousa)
        assert (customer.letter_block_until, customer.letter_block_reason) == (None, None)


@pytest.fixture
def posted(setting: Setting):
    """Ruiz's level 1 and, 14 days later, level 2 with its 10.00 fee; the level 2 detail."""
    with setting.database.sessions() as session:
        create_letters(
            session, setting.scope, TODAY, NOW, customer_ids=[setting.ruiz], created_by_id=None
        )
        [second] = create_letters(
            session,
            setting.scope,
            TODAY + dt.timedelta(days=14),
            NOW,
            customer_ids=[setting.ruiz],
            created_by_id=None,
        ).created
        session.commit()
        return letter_detail(session, second.letter_id)


def test_the_pdf_holds_the_letter(qtbot, setting: Setting, posted, tmp_path: Path) -> None:
    # Document numbers carry word joiners, so a line never breaks inside one.
    assert "CL-\u20600000002" in letter_html(posted, EN)
    html = letter_html(posted, EN).replace("\u2060", "")
    assert "CL-0000002" in html
    assert "Test Company" in html
    assert "Calle Mayor 4<br/>28013 Madrid<br/>Spain" in html
    assert "Despite our reminder, the items below, 1,250.00\xa0EUR in all" in html
    assert "Letter fee (CL-0000002)" in html
    assert ">10.00\xa0EUR<" in html
    # The plain item list of the stored text is shown as the table, not twice.
    assert "(54 days overdue)" not in html
    assert "COPY" not in html
    path = letter_pdf(posted, tmp_path / "letter.pdf", EN)
    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    assert len(data) > 5_000
    assert b"%%EOF" in data[-64:]


def test_a_reprint_is_a_marked_copy_of_the_stored_letter(
    qtbot,
    setting: Setting,
    posted,
    actions: TransactionActions,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from collections_desktop.models.letters.documents import record_documents

    with setting.database.sessions.begin() as session:  # its PDF was written before
        record_documents(session, [(posted.id, tmp_path / "CL-0000002.pdf")], NOW,
                         written_by_id=None)  # fmt: skip
    opened: list[QUrl] = []
    actions.open_url = lambda url: opened.append(url) or True
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *args: (str(tmp_path / "copy"), "PDF files (*.pdf)")
    )
    with setting.database.sessions() as session:
        before = session.scalar(
            select(CollectionLetter.text).where(CollectionLetter.number == "CL-0000002")
        )
        counts = session.scalar(select(func.count()).select_from(CustomerTransaction))
    with qtbot.waitSignal(actions.changed, timeout=LOAD) as saved:
        actions.reprint_letter(posted.id)
    path = tmp_path / "copy.pdf"
    assert saved.args[0] == f"Copy of CL-0000002 saved as {path}"
    assert path.read_bytes().startswith(b"%PDF-")
    assert opened == [QUrl.fromLocalFile(str(path))]
    html = letter_html(posted, EN, copy=True).replace("\u2060", "")
    assert "COPY" in html
    assert "Reprint of the letter of Dec\xa07,\xa02026" in html  # the date on one line
    with setting.database.sessions() as session:
        assert (
            session.scalar(
                select(CollectionLetter.text).where(CollectionLetter.number == "CL-0000002")
            )
            == before
            == posted.text
        )
        assert session.scalar(select(func.count()).select_from(CustomerTransaction)) == counts
    # Cancelling the file dialog writes nothing and opens nothing.
    asked: list[tuple] = []
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *args: asked.append(args) or ("", "")
    )
    actions.reprint_letter(posted.id)
    qtbot.waitUntil(lambda: bool(asked), timeout=LOAD)
    assert len(opened) == 1
    assert documents(setting.database) == {"CL-0000002": str(tmp_path / "CL-0000002.pdf")}

    image = render_first_page(posted, EN, copy=True)
    assert image.save(str(tmp_path / "letter_page.png"))
    assert (image.width(), image.height()) == (793, 1122)  # A4 (210 x 297 mm) at 96 dpi
    # Ink on the page, and the red "COPY" mark in the top right corner.
    assert dark_pixels(image, 80, 60, 400, 110) > 200  # the company name
    assert red_pixels(image, 560, 60, 740, 100) > 20


def dark_pixels(image, left: int, top: int, right: int, bottom: int) -> int:
    return sum(
        image.pixelColor(x, y).lightness() < 100
        for x in range(left, right, 2)
        for y in range(top, bottom, 2)
    )


def red_pixels(image, left: int, top: int, right: int, bottom: int) -> int:
    def red(colour: QColor) -> bool:
        return colour.red() > 150 and colour.green() < 120 and colour.blue() < 120

    return sum(red(image.pixelColor(x, y)) for x in range(left, right) for y in range(top, bottom))


def test_a_run_is_printed_on_a_worker_one_file_per_letter(
    qtbot, setting: Setting, posted, runner: TaskRunner, tmp_path: Path
) -> None:
    with setting.database.sessions() as session:
        first = letter_detail(
            session,
            session.scalar(
                select(CollectionLetter.id).where(CollectionLetter.number == "CL-0000001")
            ),
        )
    task = runner.run(
        lambda state: print_letters([first, posted], tmp_path / "run", state=state),
        lane=Lane.GENERAL,
        name="print letters",
    )
    with qtbot.waitSignal(task.succeeded, timeout=LOAD) as done:
        pass
    assert done.args[0] == [
        tmp_path / "run" / "CL-0000001.pdf",
        tmp_path / "run" / "CL-0000002.pdf",
    ]
    for path in done.args[0]:
        assert path.read_bytes().startswith(b"%PDF-")


# --- printing that never loses a PDF ------------------------------------------------------


def test_an_unusable_pdf_folder_refuses_the_run_before_posting(
    qtbot, setting: Setting, actions: TransactionActions, tmp_path: Path
) -> None:
    (tmp_path / "a file").write_text("not a folder")
    folder = tmp_path / "a file" / "letters"
    results: list[LetterRun] = []
    dialog = open_dialog(actions, folder, results)
    dialog.target.setCurrentIndex(dialog.target.findText("Pool: Iberia"))
    qtbot.waitUntil(lambda: dialog.proposal_model.rowCount() == 2, timeout=LOAD)
    dialog.ok_button.click()
    assert dialog.error.isVisible()
    assert dialog.error.text() == (
        f"The PDF folder {folder} cannot be used: Not a directory. No letter was posted."
    )
    assert dialog.ok_button.isEnabled()
    assert results == []
    assert letters(setting.database) == []
    dialog.reject()


def documents(database: Database) -> dict[str, str | None]:
    """Letter number → where its PDF was recorded."""
    from collections_desktop.models.db.schema import LetterDocument

    with database.sessions() as session:
        return dict(
            session.execute(
                select(CollectionLetter.number, LetterDocument.path).join(
                    LetterDocument, LetterDocument.letter_id == CollectionLetter.id
                )
            ).all()
        )


def test_a_run_printed_in_the_app_records_each_pdf(
    qtbot, setting: Setting, actions, tmp_path: Path
) -> None:
    with setting.database.sessions() as session:
        run = create_letters(session, setting.scope, TODAY, NOW, created_by_id=None)
        session.commit()
    folder = tmp_path / "Collection letters" / TODAY.isoformat()
    with qtbot.waitSignal(actions.changed, timeout=LOAD) as done:
        actions.letters.print_run(run, folder)
    assert done.args[0] == f"3 collection letters created; 3 PDFs in {folder}"
    assert documents(setting.database) == {
        number: str(folder / f"{number}.pdf")
        for number in ("CL-0000001", "CL-0000002", "CL-0000003")
    }


def test_a_failed_print_records_what_was_written_and_says_how_to_finish(
    qtbot, setting: Setting, actions, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from collections_desktop.models.letters.documents import LetterFileError
    from collections_desktop.views import printing

    with setting.database.sessions() as session:
        run = create_letters(session, setting.scope, TODAY, NOW, created_by_id=None)
        session.commit()
    folder = tmp_path / "letters"
    real = printing.letter_pdf

    def full_after_one(detail, path, *args, **kwargs):
        if detail.number != "CL-0000001":
            raise LetterFileError(f"The PDF {path} could not be written: No space left on device.")
        return real(detail, path, *args, **kwargs)

    monkeypatch.setattr(printing, "letter_pdf", full_after_one)
    with qtbot.waitSignal(actions.changed, timeout=LOAD) as done:
        actions.letters.print_run(run, folder)
    assert done.args[0] == (
        "3 collection letters created; 1 of 3 PDFs written, then: The PDF "
        f"{folder / 'CL-0000002.pdf'} could not be written: No space left on device. "
        "Reprint writes each missing PDF, and collections-desktop letters --pdf writes them all."
    )
    assert documents(setting.database) == {"CL-0000001": str(folder / "CL-0000001.pdf")}
    assert sorted(path.name for path in folder.iterdir()) == ["CL-0000001.pdf"]


def test_reprint_writes_a_never_printed_letter_itself_then_copies(
    qtbot, setting: Setting, posted, actions, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[tuple[str, str]] = []

    def save_as(_parent, title, suggested, _filter):
        asked.append((title, Path(suggested).name))
        return str(tmp_path / f"saved {len(asked)}.pdf"), _filter

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    with qtbot.waitSignal(actions.changed, timeout=LOAD) as done:
        actions.reprint_letter(posted.id)
    first = tmp_path / "saved 1.pdf"
    assert done.args[0] == f"Letter CL-0000002 saved as {first}"
    assert asked[0] == (
        "Save letter CL-0000002, whose PDF was never written",
        "CL-0000002.pdf",
    )
    assert first.read_bytes().startswith(b"%PDF-")
    assert documents(setting.database) == {"CL-0000002": str(first)}

    with qtbot.waitSignal(actions.changed, timeout=LOAD) as done:
        actions.reprint_letter(posted.id)
    second = tmp_path / "saved 2.pdf"
    assert done.args[0] == f"Copy of CL-0000002 saved as {second}"
    assert asked[1] == ("Save a copy of letter CL-0000002", "CL-0000002 copy.pdf")
    assert documents(setting.database) == {"CL-0000002": str(first)}  # the first one stands

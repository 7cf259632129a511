"""The smoke test of a built program: ``collections-desktop --smoke-test``.

It proves that the program as shipped (above all the PyInstaller build, where a data file
left out only shows at run time) can do what a first start does: read its translations,
create a SQLite database through the Alembic migrations, write a small demo company with
Faker's locales, build the main window through the composition root, load the company page
on the worker thread and paint it. It works in a temporary profile that is removed at the
end, so the user's data and settings are never touched. Any Python exception, any Qt
warning or a failed step ends it with the reason on stderr and exit code 1. CI runs it on
the frozen build; ``tests/e2e/test_smoke.py`` runs it on the source install.
"""

from __future__ import annotations

import gettext
import json
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QEvent, QMessageLogContext, QObject, QtMsgType, qInstallMessageHandler

from collections_desktop import APP_NAME, __version__
from collections_desktop.formatting import text_formats
from collections_desktop.i18n import _, load_catalog
from collections_desktop.resources import resource_path

EXIT_OK = 0
EXIT_FAILED = 1

# The messages stay in English, like a traceback: they are for IT and CI, not collectors.
SMOKE_CUSTOMERS = 20
WINDOW_SIZE = (1400, 900)
# The offscreen platform says this of every top-level window with a layout; it is not ours.
IGNORED_QT_MESSAGES = ("This plugin does not support propagateSizeHints",)
_PROBLEM_LEVELS = (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg)


class SmokeTestError(Exception):
    """A step of the smoke test did not give the expected result."""


class _Problems:
    """Collects what makes the smoke test fail: Qt warnings and exceptions raised in slots."""

    def __init__(self) -> None:
        self.found: list[str] = []

    def qt_message(self, mode: QtMsgType, _context: QMessageLogContext, message: str) -> None:
        """Qt's message handler: keep warnings and worse, except the known harmless ones."""
        if mode in _PROBLEM_LEVELS and not any(text in message for text in IGNORED_QT_MESSAGES):
            self.found.append(f"Qt {mode.name}: {message}")

    def exception(
        self, kind: type[BaseException], value: BaseException, tb: TracebackType | None
    ) -> None:
        """``sys.excepthook``: PySide prints an exception raised in a slot and carries on."""
        self.found.append("".join(traceback.format_exception(kind, value, tb)).rstrip())


class _PaintWatcher(QObject):
    """Notes the wall-clock moment of the window's first paint (the user sees a window)."""

    def __init__(self, moments: dict[str, float]) -> None:
        super().__init__()
        self.moments = moments

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.moments.setdefault("first paint", time.time())
        return False


def run_smoke_test(database: str | None = None) -> int:
    """Run the smoke test and return the exit code; the summary goes to stdout.

    With ``database`` (a file or URL) the window opens that database instead of a new demo
    company: ``bench/startup.py --frozen`` times the start on the benchmark database so.
    """
    moments = {"start": time.time()}
    problems = _Problems()
    previous_handler = qInstallMessageHandler(problems.qt_message)
    previous_hook = sys.excepthook
    sys.excepthook = problems.exception
    lines: list[str] = []
    try:
        with tempfile.TemporaryDirectory(
            prefix="collections-smoke-", ignore_cleanup_errors=True
        ) as folder:
            lines = _run(Path(folder), database, moments)
    except Exception:
        problems.found.append(traceback.format_exc().rstrip())
    finally:
        sys.excepthook = previous_hook
        qInstallMessageHandler(previous_handler)
    moments["end"] = time.time()
    if problems.found:
        print(_("Smoke test FAILED:"), file=sys.stderr)
        for problem in problems.found:
            print(problem, file=sys.stderr)
        return EXIT_FAILED
    build = _("frozen build") if getattr(sys, "frozen", False) else _("Python install")
    print(
        _("{app} {version} ({build}): smoke test passed in {seconds} s").format(
            app=APP_NAME,
            version=__version__,
            build=build,
            seconds=text_formats().number(moments["end"] - moments["start"], 2),
        )
    )
    for line in lines:
        print(f"  {line}")
    # For bench/startup.py --frozen: wall-clock moments, to subtract the process's spawn time.
    print("moments " + json.dumps(moments))
    return EXIT_OK


def _run(folder: Path, database_url: str | None, moments: dict[str, float]) -> list[str]:
    """The steps, in a first start's order; returns the summary lines."""
    # A temporary profile: nothing below may read or write the user's folders (on Linux
    # platformdirs and Qt follow these variables; the steps pass every path explicitly).
    for variable, name in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config")):
        (folder / name).mkdir()
        os.environ[variable] = str(folder / name)
    # A smoke test never needs a screen; a desktop session would otherwise flash the window.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from collections_desktop.app import build_main_window, create_application
    from collections_desktop.kernel.clock import SystemClock
    from collections_desktop.models.company.opening import open_company
    from collections_desktop.screenshot import wait_until_loaded

    lines = []
    if not isinstance(load_catalog("es"), gettext.GNUTranslations):
        raise SmokeTestError(_("The Spanish translation is missing from the resources."))
    if not resource_path("guide", "es", "index.html").is_file():
        raise SmokeTestError(_("The user guide is missing from the resources."))
    app = create_application()
    moments["application"] = time.time()

    if database_url is None:
        from collections_desktop.demo.load import write_demo_company

        path = folder / "smoke.sqlite"
        # A new file: Alembic runs every migration.
        database = open_company(path, clock=SystemClock())
        if not database.created:
            raise SmokeTestError(_("The new database {path} was not created.").format(path=path))
        database.dispose()
        moments["database"] = time.time()
        stats = write_demo_company(path, customers=SMOKE_CUSTOMERS)
        lines.append(stats.describe())
        database_url = str(path)
        moments["demo"] = time.time()
    database = open_company(database_url, create=False, clock=SystemClock())
    try:
        window = build_main_window(database, SystemClock())
        failures: list[str] = []

        def company_loaded(summary: object) -> None:
            if summary is None:  # the figures could not be read: the page says why
                failures.append(window.company_page.error.text())

        window.company_page.loaded.connect(company_loaded)
        watcher = _PaintWatcher(moments)
        window.installEventFilter(watcher)
        window.resize(*WINDOW_SIZE)
        window.show()
        moments["shown"] = time.time()
        wait_until_loaded(window)
        if failures:
            raise SmokeTestError(
                _("The company page failed to load: {error}").format(error=failures[0])
            )
        moments["loaded"] = time.time()
        app.processEvents()  # lay out the figures the load just set before grabbing
        picture = folder / "main.png"
        pixmap = window.grab()
        if pixmap.isNull() or not pixmap.save(str(picture), "PNG"):
            raise SmokeTestError(
                _("Cannot render the main window to {picture}.").format(picture=picture)
            )
        lines.append(
            _(
                "The main window on {database}: {width}×{height} pixels, {size} bytes of PNG."
            ).format(
                database=database.display_name,
                width=pixmap.width(),
                height=pixmap.height(),
                size=text_formats().count(picture.stat().st_size),
            )
        )
        window.removeEventFilter(watcher)
        window.close()
        window.deleteLater()
        app.processEvents()  # let the window stop its task runner before the database closes
    finally:
        database.dispose()
    lines.append(_bank_files())
    return lines


_MT940 = (
    ":20:SMOKE\r\n:25:NL77ABNA0574908765\r\n:28C:1/1\r\n:60F:C261120EUR100,00\r\n"
    ":61:2611201120C25,50NTRFNONREF\r\n:86:INV-0000001\r\n:62F:C261120EUR125,50\r\n-"
)
_OFX = (
    "OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\nSECURITY:NONE\r\nENCODING:USASCII\r\n"
    "CHARSET:1252\r\nCOMPRESSION:NONE\r\nOLDFILEUID:NONE\r\nNEWFILEUID:NONE\r\n\r\n"
    "<OFX><BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>"
    "<STMTRS><CURDEF>EUR<BANKACCTFROM><BANKID>1<ACCTID>42<ACCTTYPE>CHECKING</BANKACCTFROM>"
    "<BANKTRANLIST><DTSTART>20261120<DTEND>20261120<STMTTRN><TRNTYPE>CREDIT"
    "<DTPOSTED>20261120<TRNAMT>25.50<FITID>1<NAME>Smoke</STMTTRN></BANKTRANLIST>"
    "<LEDGERBAL><BALAMT>125.50<DTASOF>20261120</LEDGERBAL></STMTRS></STMTTRNRS>"
    "</BANKMSGSRSV1></OFX>"
)


def _bank_files() -> str:
    """Each bank file reader reads a small file: their libraries are in the build."""
    from collections_desktop.models.bank.formats import read_bank_bytes

    read = [
        read_bank_bytes(_MT940.encode(), "smoke.sta"),
        read_bank_bytes(_OFX.encode(), "smoke.ofx"),
    ]
    amounts = [f.statements[0].lines[0].amount for f in read]
    if any(amount != amounts[0] for amount in amounts):
        raise SmokeTestError(_("The bank file readers disagree: {amounts}").format(amounts=amounts))
    return _("Bank files read: {formats}.").format(formats=", ".join(f.file_format for f in read))

"""Cold start: from launching the process to the first painted main window, and to its figures.

    python bench/startup.py --database /tmp/demo.sqlite [--runs 5]

Each run starts a fresh Python process (``--child``) that goes the app's own way:
``create_application``, settings, translations, ``Shell.start`` (open the database,
build and show the window), then the event loop. The child notes wall-clock moments
(``time.time()``) and the parent subtracts the moment just before it spawned the child,
so interpreter start-up and imports count. Printed per run, then the median:

- ``python``: the child's first line ran (interpreter up);
- ``imports``: PySide6, SQLAlchemy and the app imported;
- ``shown``: the window was built and ``show()`` returned;
- ``first paint``: the main window's first paint event (the user sees a window);
- ``figures``: the company summary arrived from the worker thread;
- ``figures painted``: the first paint after that (the user sees the numbers).

Runs offscreen unless ``QT_QPA_PLATFORM`` is set. The settings file is a temporary one.

``--frozen dist/collections-desktop/collections-desktop`` times the PyInstaller build
instead: each run is ``EXE --smoke-test --database DATABASE``, whose ``moments`` line
gives the same kind of wall-clock moments (``application``: imports done and the
``QApplication`` made; ``shown``; ``first paint``; ``loaded``: figures arrived; ``end``).
"""

from __future__ import annotations

import time

_CHILD_START = time.time()

import argparse  # noqa: E402 - timed after the first line on purpose
import json  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

STEPS = ("python", "imports", "shown", "first paint", "figures", "figures painted")


def child(database: str) -> None:
    """One start of the app; prints the wall-clock moment of each step as JSON."""
    moments = {"python": _CHILD_START}
    from PySide6.QtCore import QEvent, QObject, QTimer

    from collections_desktop.app import (
        Shell,
        create_application,
        install_translations,
        system_formats,
    )
    from collections_desktop.kernel.clock import SystemClock
    from collections_desktop.views.icons import IconRegistry
    from collections_desktop.views.main_window import MainWindow
    from collections_desktop.views.settings import Settings

    moments["imports"] = time.time()

    class PaintWatcher(QObject):
        """Notes the main window's first paint, and the first paint after the figures."""

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and isinstance(watched, MainWindow):
                now = time.time()
                moments.setdefault("first paint", now)
                if "figures" in moments and "figures painted" not in moments:
                    moments["figures painted"] = now
                    QTimer.singleShot(0, watched.close)
            return False

    app = create_application()
    watcher = PaintWatcher()
    app.installEventFilter(watcher)
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(Path(folder) / "settings.ini")
        translator = install_translations(app, "en")
        shell = Shell(
            clock=SystemClock(), settings=settings, formats=system_formats(), icons=IconRegistry()
        )
        code = shell.start(database)
        if code is not None:
            raise SystemExit(f"the app refused to start (exit code {code})")
        window = shell.window
        assert window is not None
        moments["shown"] = time.time()

        def loaded(summary: object) -> None:
            if summary is None:  # the figures could not be read
                sys.exit(window.company_page.error.text())
            moments["figures"] = time.time()
            window.update()  # make sure a paint follows even if nothing moved

        window.company_page.loaded.connect(loaded)
        QTimer.singleShot(60_000, app.quit)  # a safety net, never a measurement
        app.exec()
        shell.close()
        if translator is not None:
            app.removeTranslator(translator)
    print(json.dumps(moments))


FROZEN_STEPS = ("application", "shown", "first paint", "loaded", "end")


def time_runs(command: list[str], steps: tuple[str, ...], runs: int) -> None:
    """Start ``command`` ``runs`` times; print each step's milliseconds and the medians.

    The command's last line of output holds the wall-clock moments as JSON (optionally
    after the word ``moments``); the moment just before the spawn is subtracted.
    """
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    results: list[dict[str, float]] = []
    print("run  " + "  ".join(f"{step:>15}" for step in steps))
    for run in range(1, runs + 1):
        started = time.time()
        output = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        if output.returncode != 0:
            sys.exit(f"run {run} failed:\n{output.stderr}")
        line = output.stdout.strip().splitlines()[-1]
        moments = json.loads(line.removeprefix("moments "))
        result = {step: (moments[step] - started) * 1000 for step in steps}
        results.append(result)
        print(f"{run:>3}  " + "  ".join(f"{result[step]:>12.0f} ms" for step in steps))
    median = {step: statistics.median(r[step] for r in results) for step in steps}
    print("med  " + "  ".join(f"{median[step]:>12.0f} ms" for step in steps))


def main() -> None:
    """Parse the arguments and run as the parent or as one child."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="a company database (file or URL)")
    parser.add_argument("--runs", type=int, default=5, help="how many starts to time")
    parser.add_argument("--frozen", metavar="EXE", help="time this frozen executable instead")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.database)
        return
    print(f"database: {args.database}")
    if args.frozen:
        print(f"frozen: {args.frozen}")
        command = [args.frozen, "--smoke-test", "--database", args.database]
        time_runs(command, FROZEN_STEPS, args.runs)
    else:
        command = [sys.executable, __file__, "--child", "--database", args.database]
        time_runs(command, STEPS, args.runs)


if __name__ == "__main__":
    main()

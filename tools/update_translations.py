"""Refresh the translation template and catalogues from the code, then say what is missing.

Run from the repository root::

    python tools/update_translations.py            # extract, update es/fr/pt, report
    python tools/update_translations.py --check    # change nothing; exit 1 if out of date

It runs the same ``pybabel extract`` and ``pybabel update`` commands that
docs/TRANSLATING.md lists, with two refinements: the template is only rewritten when
its messages changed (not for a new POT-Creation-Date alone), so a run on unchanged
code leaves ``git status`` clean; and it lists, per language, the messages that still
need a translation (new, empty or fuzzy), which is what tests/unit/test_i18n.py checks.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "collections_desktop"
TRANSLATIONS = ROOT / "resources" / "translations"
DOMAIN = "collections_desktop"
TEMPLATE = TRANSLATIONS / f"{DOMAIN}.pot"

EXTRACT_OPTIONS = [
    "-k", "N_",
    "-k", "ngettext:1,2",
    "--no-location",
    "--sort-output",
    "--project=Collections Desktop",
    "--copyright-holder=Collections Desktop developers",
]  # fmt: skip


def pybabel(*args: str) -> None:
    """Run one ``pybabel`` command in this interpreter."""
    CommandLineInterface().run(["pybabel", "-q", *args])


def languages() -> list[str]:
    """The languages that have a catalogue (a folder under resources/translations)."""
    return sorted(
        folder.name
        for folder in TRANSLATIONS.iterdir()
        if (folder / "LC_MESSAGES" / f"{DOMAIN}.po").is_file()
    )


def _messages(path: Path) -> list[tuple[object, object, tuple[str, ...]]]:
    with path.open("rb") as handle:
        catalog = read_po(handle)
    return [(m.id, m.context, tuple(sorted(m.flags))) for m in catalog if m.id]


def extract() -> bool:
    """Extract into a temporary file; replace the template if its messages differ."""
    with tempfile.TemporaryDirectory() as folder:
        fresh = Path(folder) / TEMPLATE.name
        pybabel("extract", *EXTRACT_OPTIONS, "-o", str(fresh), str(PACKAGE))
        if TEMPLATE.is_file() and _messages(fresh) == _messages(TEMPLATE):
            return False
        TEMPLATE.write_bytes(fresh.read_bytes())
        return True


def update() -> None:
    """Merge the template into every catalogue (no fuzzy guesses, no obsolete entries)."""
    for language in languages():
        pybabel(
            "update",
            "-D", DOMAIN,
            "-i", str(TEMPLATE),
            "-d", str(TRANSLATIONS),
            "-l", language,
            "--no-fuzzy-matching",
            "--ignore-obsolete",
        )  # fmt: skip


def untranslated(language: str) -> list[str]:
    """The template's messages that ``language`` does not translate yet."""
    with TEMPLATE.open("rb") as handle:
        template = read_po(handle)
    path = TRANSLATIONS / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    missing = []
    for message in template:
        if not message.id:
            continue
        found = catalog.get(message.id, message.context)
        strings = found.string if found is not None else ""
        forms = strings if isinstance(strings, tuple) else (strings,)
        if found is None or found.fuzzy or not all(forms):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="change nothing; exit 1 when anything is missing"
    )
    args = parser.parse_args(argv)
    if args.check:
        with tempfile.TemporaryDirectory() as folder:
            fresh = Path(folder) / TEMPLATE.name
            pybabel("extract", *EXTRACT_OPTIONS, "-o", str(fresh), str(PACKAGE))
            stale = _messages(fresh) != _messages(TEMPLATE)
        if stale:
            print(f"{TEMPLATE.relative_to(ROOT)} is out of date.")
    else:
        stale = False
        if extract():
            print(f"updated {TEMPLATE.relative_to(ROOT)}")
        update()
    gaps = 0
    for language in languages():
        missing = untranslated(language)
        gaps += len(missing)
        print(f"{language}: {len(missing)} message(s) to translate")
        for msgid in missing:
            print(f"    {msgid!r}")
    return 1 if stale or (args.check and gaps) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

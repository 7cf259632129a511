"""A PDF's text as a customer's program reads it: poppler's ``pdftotext`` (``.ci/run``
installs poppler-utils; a machine without it fails these tests, never skips them)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

PDFTOTEXT = shutil.which("pdftotext")


def pdf_text(source: Path | bytes, page: int | None = None, *, layout: bool = False) -> str:
    """The text of the PDF at ``source`` (a path, or the PDF's bytes), of one ``page``
    when given; ``layout`` keeps the columns side by side on each line."""
    assert PDFTOTEXT is not None, "pdftotext (poppler-utils) is needed to read PDFs"
    pages = ["-f", str(page), "-l", str(page)] if page else []
    options = ["-layout"] if layout else []
    data = source if isinstance(source, bytes) else None
    result = subprocess.run(
        [PDFTOTEXT, *pages, *options, "-enc", "UTF-8", "-" if data else str(source), "-"],
        check=True,
        capture_output=True,
        input=data,
    )
    return result.stdout.decode("utf-8")

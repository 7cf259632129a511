"""The readers of the banks' statement files: camt.052/053/054 (ISO 20022 XML), MT940,
OFX 1 and 2, and CSV through a profile. ``read_bank_file`` tells the format from the
content and returns a ``ParsedFile``, or refuses the whole file with ``BankFileError``
naming the file, the place (a line, an element) and what is wrong.
"""

from __future__ import annotations

from pathlib import Path

from collections_desktop.i18n import _
from collections_desktop.models.bank.formats import camt, csv_reader, mt940, ofx
from collections_desktop.models.bank.formats.csv_profile import CsvProfile
from collections_desktop.models.bank.formats.detect import Format, detect
from collections_desktop.models.bank.parsed import BankFileError, ParsedFile

__all__ = ["BankFileError", "CsvProfile", "Format", "detect", "read_bank_bytes", "read_bank_file"]


def read_bank_file(path: Path, *, profile: CsvProfile | None = None) -> ParsedFile:
    """Read the bank file at ``path`` (its format told from its content)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise BankFileError(
            path.name, None, _("the file cannot be read ({error}).").format(error=error.strerror)
        ) from error
    return read_bank_bytes(data, path.name, profile=profile)


def read_bank_bytes(
    data: bytes, file_name: str, *, profile: CsvProfile | None = None
) -> ParsedFile:
    """Read a bank file's bytes; ``file_name`` names it in notes and refusals."""
    if not data.strip():
        raise BankFileError(file_name, None, _("the file is empty."))
    found = detect(data)
    if found is Format.CAMT:
        return camt.read(data, file_name)
    if found is Format.MT940:
        return mt940.read(data, file_name)
    if found is Format.OFX:
        return ofx.read(data, file_name)
    if found is Format.QIF:
        raise BankFileError(
            file_name,
            None,
            _("QIF files are not supported; export camt.053, MT940, OFX or CSV from the bank."),
        )
    if profile is None:
        raise BankFileError(
            file_name,
            None,
            _(
                "this is not a camt, MT940 or OFX file; if it is a CSV export, "
                "choose or create a CSV profile for it."
            ),
        )
    return csv_reader.read(data, file_name, profile)

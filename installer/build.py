"""Stamp the one version (``collections_desktop.__version__``) into the build's files.

The PyInstaller spec imports ``write_version_resource`` on Windows to give the executable a
version resource (Explorer ▸ Properties ▸ Details), like qutebrowser's gen_versioninfo.
Run directly, it prints the version for scripts that pass it on (Inno Setup's
``/DAppVersion=``, the macOS dmg's name):

    python installer/build.py            # 0.1.0
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the source checkout

from collections_desktop import APP_ID, APP_NAME, ORG_NAME, __version__


def version_numbers() -> tuple[int, int, int, int]:
    """The version as Windows wants it: four integers ("0.1.0rc1" gives 0, 1, 0, 0)."""
    numbers = [int(part) for part in re.findall(r"\d+", __version__.split("+")[0])[:3]]
    return (*numbers, 0, 0, 0, 0)[:4]  # type: ignore[return-value]


# PyInstaller reads this file as Python literals (the classes of
# PyInstaller.utils.win32.versioninfo, which only import on Windows); 0x0409 is US English
# and 1200 (0x04B0) Unicode, the usual pair.
_VERSION_RESOURCE = """\
VSVersionInfo(
  ffi=FixedFileInfo(filevers={numbers}, prodvers={numbers}),
  kids=[
    StringFileInfo([StringTable("040904B0", [
{strings}
    ])]),
    VarFileInfo([VarStruct("Translation", [0x0409, 1200])]),
  ],
)
"""


def write_version_resource(target: Path) -> Path:
    """Write the Windows version resource file for PyInstaller's ``EXE(version=...)``."""
    strings = {
        "CompanyName": ORG_NAME,
        "FileDescription": APP_NAME,
        "FileVersion": __version__,
        "InternalName": APP_ID,
        "LegalCopyright": f"{ORG_NAME}, GPL-3.0-or-later",
        "OriginalFilename": f"{APP_ID}.exe",
        "ProductName": APP_NAME,
        "ProductVersion": __version__,
    }
    text = _VERSION_RESOURCE.format(
        numbers=version_numbers(),
        strings=",\n".join(f"      StringStruct({k!r}, {v!r})" for k, v in strings.items()),
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target


if __name__ == "__main__":
    print(__version__)

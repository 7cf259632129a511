"""Find the files under ``resources/`` from a source checkout, a wheel or a frozen build.

The wheel and the PyInstaller build place ``resources/`` inside the package
(``collections_desktop/resources``); a source checkout keeps it at the top of the
repository. Everything that reads a template, an icon or a catalogue asks here.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def resources_root() -> Path:
    """The folder that holds the application's resources."""
    bundled = _PACKAGE_DIR / "resources"
    if bundled.is_dir():
        return bundled
    return _PACKAGE_DIR.parent / "resources"


def resource_path(*parts: str) -> Path:
    """Path of a resource file, e.g. ``resource_path("templates", "reminder.txt")``."""
    return resources_root().joinpath(*parts)

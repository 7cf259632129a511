"""Collections Desktop: collections management for accounts-receivable teams.

This module is the one place the version and the application's names live; the
installer, the About dialog and the CLI read them from here.
"""

from __future__ import annotations

__version__ = "0.1.0"

APP_NAME = "Collections Desktop"
APP_ID = "collections-desktop"
ORG_NAME = "Collections Desktop"
ORG_DOMAIN = "collections-desktop.org"

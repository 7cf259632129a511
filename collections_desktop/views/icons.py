"""The one icon registry: meanings ("write_off", "call") mapped to qtawesome glyphs.

Widgets ask for a meaning, never for a glyph name, so the look can change in one place
and nothing else in ``views`` imports qtawesome. The registry is built by the
composition root (it needs a running ``QApplication``) and handed down.
"""

from __future__ import annotations

from types import MappingProxyType

import qtawesome
from PySide6.QtGui import QColor, QIcon, QPalette
from PySide6.QtWidgets import QApplication

# Material Design Icons (mdi6): one consistent, business-like outline set.
ICON_NAMES: MappingProxyType[str, str] = MappingProxyType(
    {
        "app": "mdi6.cash-multiple",
        "company": "mdi6.domain",
        "overview": "mdi6.view-dashboard-outline",
        "workspace": "mdi6.account-details-outline",
        "aged_balances": "mdi6.chart-bar-stacked",
        "activities": "mdi6.calendar-check-outline",
        "cases": "mdi6.briefcase-outline",
        "reports": "mdi6.file-chart-outline",
        "enter_record": "mdi6.phone-log",
        "about": "mdi6.information-outline",
        "preferences": "mdi6.tune-variant",
        "guide": "mdi6.help-circle-outline",
        "back": "mdi6.arrow-left",
        "refresh": "mdi6.refresh",
        "predict": "mdi6.calendar-clock",
        "settings": "mdi6.cog-outline",
        "setup": "mdi6.tune-variant",
        "delete": "mdi6.delete-outline",
        "customer": "mdi6.account-outline",
        "customers": "mdi6.account-group-outline",
        "customer_record": "mdi6.card-account-details-outline",
        "on_hold": "mdi6.account-cancel-outline",
        "transactions": "mdi6.file-document-multiple-outline",
        "balance": "mdi6.scale-balance",
        "write_off": "mdi6.cash-remove",
        "settle": "mdi6.cash-check",
        "email": "mdi6.email-outline",
        "call": "mdi6.phone-outline",
        "teams": "mdi6.microsoft-teams",
        "database": "mdi6.database-outline",
        "open_database": "mdi6.folder-open-outline",
        "new_company": "mdi6.domain-plus",
        "import": "mdi6.file-import-outline",
        "recent": "mdi6.history",
        "quit": "mdi6.exit-to-app",
        "error": "mdi6.alert-circle-outline",
        "copy": "mdi6.content-copy",
        "change_status": "mdi6.swap-horizontal",
        "nsf": "mdi6.cash-refund",
        "reprint": "mdi6.printer-outline",
        "history": "mdi6.history",
        "invoice": "mdi6.file-document-outline",
        "payment": "mdi6.cash-plus",
        "credit_note": "mdi6.file-undo-outline",
        "filter": "mdi6.magnify",
        "new_activity": "mdi6.plus",
        "close_activity": "mdi6.check",
        "details": "mdi6.text-box-search-outline",
        "pool": "mdi6.account-multiple-outline",
        "reverse_settlement": "mdi6.undo-variant",
        "interest": "mdi6.percent-outline",
        "charges": "mdi6.cash-minus",
        "letters": "mdi6.email-newsletter",
        "task": "mdi6.checkbox-marked-circle-outline",
        "appointment": "mdi6.calendar-account-outline",
        "event": "mdi6.bell-outline",
        "letter_block": "mdi6.email-lock-outline",
        "new_case": "mdi6.briefcase-plus-outline",
        "collections": "mdi6.clipboard-text-outline",
        "edit": "mdi6.pencil-outline",
        "reopen": "mdi6.restore",
        "pdf": "mdi6.file-pdf-box",
        "snapshot": "mdi6.camera-timer",
        "export_csv": "mdi6.file-delimited-outline",
        "agency_case_files": "mdi6.folder-account-outline",
        "sync": "mdi6.sync",
        "online": "mdi6.cloud-check-outline",
        "offline": "mdi6.cloud-off-outline",
        "conflicts": "mdi6.source-branch",
        "reapply": "mdi6.call-merge",
        "discard": "mdi6.delete-outline",
        "work_offline": "mdi6.laptop",
        "cancel": "mdi6.close",
        "add_line": "mdi6.table-row-plus-after",
        "remove_line": "mdi6.table-row-remove",
        "move_up": "mdi6.arrow-up",
        "move_down": "mdi6.arrow-down",
        "more_actions": "mdi6.dots-horizontal",
        "record_payment": "mdi6.cash-plus",
        "receipt": "mdi6.receipt-text-outline",
        "refund": "mdi6.cash-fast",
        "payments": "mdi6.checkbook",
        "deposit": "mdi6.bank-transfer-in",
        "clear": "mdi6.bank-check",
        "bank": "mdi6.bank-outline",
        "skip": "mdi6.skip-next-outline",
        "set_aside": "mdi6.tray-arrow-down",
    }
)
"""Every icon the app shows, by meaning."""


def muted_colour(palette: QPalette, weight: float = 0.6) -> QColor:
    """Text colour blended towards the background: for secondary or unavailable things.

    Qt's own disabled grey is nearly invisible on the offscreen/Fusion palette; a blend
    stays readable (and works in dark mode, where both ends of the blend are swapped).
    """
    text = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.WindowText)
    back = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.Window)
    return QColor(
        round(text.red() * weight + back.red() * (1 - weight)),
        round(text.green() * weight + back.green() * (1 - weight)),
        round(text.blue() * weight + back.blue() * (1 - weight)),
    )


class IconRegistry:
    """Gives the icon of a meaning, drawn in the palette's text colour, cached per meaning."""

    def __init__(self, palette: QPalette | None = None) -> None:
        self._palette = palette
        self._cache: dict[str, QIcon] = {}

    def get(self, meaning: str) -> QIcon:
        """The icon for ``meaning`` (a key of ``ICON_NAMES``)."""
        icon = self._cache.get(meaning)
        if icon is None:
            try:
                name = ICON_NAMES[meaning]
            except KeyError:
                raise KeyError(f"no icon is registered for {meaning!r}") from None
            icon = self._draw(name)
            self._cache[meaning] = icon
        return icon

    def clear(self) -> None:
        """Forget the drawn icons (after a palette change, e.g. dark mode switched on)."""
        self._cache.clear()

    def _draw(self, name: str) -> QIcon:
        # Colours from the palette, not qtawesome's fixed grey, so icons stay readable in
        # dark mode; disabled entries get a muted, still visible, version of the text colour.
        palette = self._palette or QApplication.palette()
        normal = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.WindowText)
        icon: QIcon = qtawesome.icon(name, color=normal, color_disabled=muted_colour(palette, 0.5))
        return icon

"""The Qt binding itself: a release that corrupts Python's objects must not ship."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QComboBox, QLabel, QTreeWidgetItem


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12")
def test_calls_that_return_nothing_keep_none_alive(qapp) -> None:
    """PySide6 6.12.0 dropped a reference to None on every such call; the app then crashed
    ("deallocating None") after a few thousand. These calls must leave it as it was."""
    label, item, combo = QLabel(), QTreeWidgetItem(["a"]), QComboBox()
    combo.addItem("all", None)
    before = sys.getrefcount(None)
    for _ in range(500):  # few enough that a broken binding fails here instead of crashing
        label.setToolTip("x")
        item.setToolTip(0, "y")
        combo.currentData()
    assert sys.getrefcount(None) >= before - 100

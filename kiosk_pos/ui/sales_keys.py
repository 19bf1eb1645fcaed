"""The selling screen's keys: F1-F4 (or Ctrl+1..4) the kinds, F5/Ctrl+F search, F12 pay,
Insert/Ctrl+Enter add to the cart, Esc clear, F11 the cart, Ctrl+Delete remove a line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

from kiosk_pos.ui.product_grid import KINDS

if TYPE_CHECKING:
    from kiosk_pos.ui.sales_screen import SalesScreen


def install_keys(screen: SalesScreen, entry: QWidget) -> None:
    """Shortcuts on ``entry`` (the number and grid page) and on the whole ``screen``."""
    ctx = Qt.ShortcutContext.WidgetWithChildrenShortcut
    for i, kind in enumerate(KINDS):
        for key in (f"F{i + 1}", f"Ctrl+{i + 1}"):
            QShortcut(QKeySequence(key), entry, lambda k=kind: screen.choose_kind(k),
                      context=ctx)
    for key in ("F5", "Ctrl+F"):
        QShortcut(QKeySequence(key), entry, screen.open_search, context=ctx)
    QShortcut(QKeySequence("F12"), screen, screen.open_payment, context=ctx)
    QShortcut(QKeySequence("Insert"), entry, screen.add_selected, context=ctx)
    QShortcut(QKeySequence("Ctrl+Return"), entry, screen.add_selected, context=ctx)
    QShortcut(QKeySequence("Esc"), entry, screen._escape, context=ctx)
    QShortcut(QKeySequence("F11"), screen, screen._focus_cart, context=ctx)
    QShortcut(QKeySequence("Ctrl+Delete"), screen, lambda: screen.cart._key_action("delete"),
              context=ctx)

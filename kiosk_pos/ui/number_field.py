"""The destination field: phone number, PLN meter id, or a scanned barcode."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QWidget

NAV_KEYS = (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_PageDown, Qt.Key.Key_Tab)


class NumberField(QLineEdit):
    """Down/Up/Tab hand the keys to the product grid; the text stays where it is."""

    to_grid = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("big")
        self.setMaxLength(32)
        self.setClearButtonEnabled(True)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() in NAV_KEYS and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.to_grid.emit()
        else:
            super().keyPressEvent(event)

    def focusNextPrevChild(self, _next: bool) -> bool:  # noqa: N802 - Qt override
        return False  # Tab is handled above (goes to the grid)

"""History's "Cek status" field: Enter searches every day by number, Ref or SN; Esc (or
emptying the field) goes back to the chosen day. It only says what the clerk asked; the
screen runs the search (off the GUI thread) and shows the results."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QLineEdit, QWidget

from kiosk_pos.core.sale_search import MAX_QUERY
from kiosk_pos.i18n import tr


class SearchField(QLineEdit):
    search_requested = Signal(str)  # the text as typed, on Enter
    search_cleared = Signal()       # Esc, or the field emptied: back to the day

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setClearButtonEnabled(True)
        self.setMaxLength(MAX_QUERY)
        self.returnPressed.connect(self._enter)
        self.textChanged.connect(self._changed)
        self.retranslate()

    def reachable_from(self, screen: QWidget) -> None:
        """Ctrl+F anywhere on ``screen`` puts the cursor in the field, its text selected."""
        find = QShortcut(QKeySequence.StandardKey.Find, screen)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self._take_focus)

    def cleared_from(self, widget: QWidget) -> None:
        """Esc on ``widget`` (the results) empties the field: back to the day."""
        back = QShortcut(QKeySequence(Qt.Key.Key_Escape), widget)
        back.setContext(Qt.ShortcutContext.WidgetShortcut)
        back.activated.connect(self.clear)

    def _take_focus(self) -> None:
        self.setFocus()
        self.selectAll()

    def retranslate(self) -> None:
        self.setPlaceholderText(tr("ui.history.search"))

    def _enter(self) -> None:
        if self.text().strip():
            self.search_requested.emit(self.text())
        else:
            self.search_cleared.emit()

    def _changed(self, text: str) -> None:
        if not text:
            self.search_cleared.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()  # emits search_cleared through textChanged
            event.accept()
            return
        super().keyPressEvent(event)

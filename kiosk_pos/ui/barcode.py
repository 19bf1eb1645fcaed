"""A keyboard-wedge barcode scanner anywhere on the screen.

A scanner types digits a few milliseconds apart, then Enter. This filter only
watches keys (it never swallows digits); when an Enter ends a fast burst of
digits that is a known barcode, it swallows that Enter and reports the code.
Text fields handle their own Enter (the number field checks barcodes itself).

The filter is installed only while the focus is on a widget of this screen that is not
a text field (at start-up the focus is in the number field, so it is off). An
application-wide filter passes every event of the process through Python: thousands
during start-up alone, and the first events of each kind made PySide6 build its Python
types for whole Qt modules (~60 ms). It follows ``focusObjectChanged``, which names only
the new focus: ``focusChanged`` also names the widget losing it, which can be one Qt is
destroying, and handing that to Python can crash.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

MAX_GAP_S = 0.05   # scanners send keys < 50 ms apart; people do not
MIN_DIGITS = 6


class BarcodeWedge(QObject):
    def __init__(self, scope: QWidget, is_barcode: Callable[[str], bool],
                 on_scan: Callable[[str], None]) -> None:
        super().__init__(scope)
        self._scope = scope
        self._is_barcode = is_barcode
        self._on_scan = on_scan
        self._buffer = ""
        self._last = 0.0
        self._installed = False
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusObjectChanged.connect(self._focus_moved)
            self._focus_moved()

    def uninstall(self) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusObjectChanged.disconnect(self._focus_moved)
        self._set_installed(False)

    def _focus_moved(self) -> None:
        # The signal's argument is not taken: converting it for the slot made PySide build the
        # types of whole Qt modules (~80 enums, measured before the first paint); asked for
        # here, the same object comes back without that.
        self._focus_changed(QApplication.focusObject())

    def _focus_changed(self, focus: QObject | None) -> None:
        self._set_installed(isinstance(focus, QWidget) and not isinstance(focus, QLineEdit)
                            and self._scope.isAncestorOf(focus))

    def _set_installed(self, wanted: bool) -> None:
        app = QApplication.instance()
        if wanted == self._installed or app is None:
            return
        if wanted:
            app.installEventFilter(self)
        else:
            app.removeEventFilter(self)
        self._installed = wanted

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        focus = QApplication.focusWidget()
        if (watched is not focus or isinstance(focus, QLineEdit) or focus is None
                or not self._scope.isVisible() or not self._scope.isAncestorOf(focus)):
            return False
        now = time.monotonic()
        if now - self._last > MAX_GAP_S:
            self._buffer = ""
        self._last = now
        text = event.text()
        if text.isdigit():
            self._buffer += text
            return False
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            code, self._buffer = self._buffer, ""
            if len(code) >= MIN_DIGITS and self._is_barcode(code):
                self._on_scan(code)
                return True
        self._buffer = ""
        return False

"""The repeat-sale warning over the payment page: the same product to the same number a few
minutes ago (``core/duplicates.py``). The clerk sees the earlier sale's time and status and
must say so on purpose (F2) before this sale can be saved; Esc goes back to the cart.

Enter is deliberately not the key: a habitual Enter is how the repeat happens.
"""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from kiosk_pos.core.duplicates import EarlierSale
from kiosk_pos.i18n import tr
from kiosk_pos.ui.operations import QueryOp
from kiosk_pos.ui.tasks import TaskManager
from kiosk_pos.ui.theme import label

CONFIRM_KEY = "F2"


def grouped(destination: str) -> str:
    """``081234567890`` -> ``0812-3456-7890``: a number read back in groups of four."""
    return "-".join(destination[i:i + 4] for i in range(0, len(destination), 4))


class RepeatWarning(QFrame):
    """Hidden unless a repeat was found; while shown, the sale waits for F2."""

    settled = Signal()  # the sale may go on: nothing found, or the clerk confirmed
    found = Signal()    # a repeat was found: the sale waits for F2

    def __init__(self, timezone: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notice")
        self._zone = ZoneInfo(timezone)
        self.earlier: list[EarlierSale] = []
        self.pending = False    # a check is running
        self.accepted = True    # nothing to confirm, or confirmed
        self.text = label("", "notice_text")
        self.text.setWordWrap(True)
        self.confirm_button = QPushButton()
        self.confirm_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.confirm_button.clicked.connect(self.confirm)
        self.confirm_button.setSizePolicy(QSizePolicy.Policy.Minimum,
                                          QSizePolicy.Policy.Fixed)  # the hint wraps instead
        QShortcut(QKeySequence(CONFIRM_KEY), self, self.confirm,
                  context=Qt.ShortcutContext.WindowShortcut)
        # the button beside the text: the strip stays as low as the text, so it fits over
        # the payment page at 1024x768 with a notice shown
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 2, 8, 2)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.confirm_button)
        self.hide()
        self.retranslate()

    @property
    def blocking(self) -> bool:
        """The sale may not be saved yet: checking, or a repeat not confirmed."""
        return self.pending or not self.accepted

    def retranslate(self) -> None:
        self.confirm_button.setText(tr("ui.repeat.confirm", key=CONFIRM_KEY))
        self._show_text()

    def check(self, tasks: TaskManager, query: Callable[[], list[EarlierSale]]) -> None:
        """Look for repeats of the cart about to be paid, off the GUI thread (a read
        beside the writer); until it answers the sale waits."""
        self._generation = getattr(self, "_generation", 0) + 1
        generation = self._generation
        self.pending, self.accepted, self.earlier = True, False, []
        self.hide()

        def answered(earlier: list[EarlierSale]) -> None:
            if generation == self._generation and self.pending:
                self.result(earlier)

        # a failed check must not stop the sale: the warning is a help, not a gate
        QueryOp(self, query).success(answered).failure(lambda _f: answered([])).run(tasks)

    def result(self, earlier: list[EarlierSale]) -> None:
        self.pending = False
        self.earlier = earlier
        self.accepted = not earlier
        self._show_text()
        self.setVisible(bool(earlier))
        if self.accepted:
            self.settled.emit()
        else:
            self.found.emit()

    def confirm(self) -> None:
        if not self.isVisible() or self.accepted:
            return
        self.accepted = True
        self.hide()
        self.settled.emit()

    def clear(self) -> None:
        """No cart being paid (back to the products, or the sale was saved)."""
        self._generation = getattr(self, "_generation", 0) + 1
        self.pending, self.accepted, self.earlier = False, True, []
        self.hide()

    def _show_text(self) -> None:
        lines = []
        for sale in self.earlier:
            status = tr(f"status.{sale.status.value}") if sale.status else tr("status.done")
            lines.append(tr("ui.repeat.found", name=sale.name,
                            number=grouped(sale.destination), id=sale.sale_id,
                            time=sale.created_at.astimezone(self._zone).strftime("%H:%M"),
                            status=status))
        if lines:
            lines.append(tr("ui.repeat.back"))
        self.text.setText("\n".join(lines) if len(lines) > 2 else " ".join(lines))

"""The idle screen lock: after the owner's number of minutes with no key, tap or click, the
screen locks to the PIN pad (the cart stays as it was). The minutes are a core setting
(``kiosk.staff.idle_lock_minutes``, 0 = never), read by an operation at each login.

The lock watches the whole application's input through an event filter, so a dialog open
over the window counts as activity too; a timer restarts on every input while a user is
logged in and is stopped while the PIN pad shows."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication

from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.ui.operations import QueryOp
from kiosk_pos.ui.tasks import TaskManager

if TYPE_CHECKING:  # QEvent's type (its ~180 event kinds, ~2 ms) is made when first armed
    from PySide6.QtCore import QEvent


def _input_kinds() -> frozenset[QEvent.Type]:
    from PySide6.QtCore import QEvent

    return frozenset({QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress,
                      QEvent.Type.MouseButtonDblClick, QEvent.Type.Wheel,
                      QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate})


class IdleLock(QObject):
    """Calls ``lock`` after ``minutes`` without input, while :meth:`arm` is in force."""

    def __init__(self, lock: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lock = lock
        self.minutes = 0
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._expired)
        # The filter is installed only while armed: a Python filter on the whole application
        # sees every event, and before the first paint that cost ~35 ms of start-up (each new
        # kind of widget it is handed makes PySide build that class and its enums).
        self._watching = False
        self._input: frozenset[QEvent.Type] = frozenset()

    def load(self, kiosk: Kiosk, tasks: TaskManager) -> None:
        """Read the owner's setting beside the writer, then arm with it."""
        # kiosk.staff is made (its module imported) on the worker, not before the first paint
        QueryOp(self, lambda: kiosk.staff.idle_lock_minutes()).success(self.arm).run(tasks)

    def arm(self, minutes: int) -> None:
        """Lock after ``minutes`` idle (0: never)."""
        self.minutes = minutes
        if minutes > 0:
            self._watch(True)
            self.timer.start(minutes * 60_000)
        else:
            self.disarm()

    def disarm(self) -> None:
        self.timer.stop()
        self._watch(False)

    def _watch(self, on: bool) -> None:
        app = QApplication.instance()
        if app is None or on == self._watching:
            return
        if on:
            self._input = self._input or _input_kinds()
            app.installEventFilter(self)
        else:
            app.removeEventFilter(self)
        self._watching = on

    @property
    def armed(self) -> bool:
        return self.timer.isActive()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() in self._input and self.timer.isActive():
            self.timer.start(self.minutes * 60_000)  # the full minutes again, from now
        return False

    def _expired(self) -> None:
        self._lock()

    def close(self) -> None:
        self.disarm()

"""Work held back until the window's first paint, then done a step at a time.

Start-up is what the clerk meets: the PIN login painted and taking keys. Anything not
needed for that picture waits for the window's first paint: the session's services
(threads), the first queries on the worker pools (a worker running Python competes with
the GUI thread for the interpreter lock while it paints), and the warm-up of the screen
that follows a good PIN. Each step is one turn of the event loop, so a key typed while
the steps run is handled between two of them, never after all of them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from kiosk_pos.ui.collector import collect_on_gui_thread

if TYPE_CHECKING:
    from kiosk_pos.ui.main_window import MainWindow

Step = Callable[[], None]


class AfterFirstPaint(QObject):
    """Runs steps in order, one per turn of the event loop, once :meth:`painted` is called
    (by the window's first paint); a step added later runs on the next turn."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.done = False  # the window has painted
        self._steps: list[Step] = []
        self._scheduled = False

    def later(self, step: Step, *, first: bool = False) -> None:
        """Run ``step`` after the first paint (at the next turn, if that has happened);
        ``first``: before the steps already waiting."""
        self._steps.insert(0 if first else len(self._steps), step)
        self._schedule()

    def painted(self) -> None:
        """The window has painted for the first time: start the steps."""
        if self.done:
            return
        self.done = True
        self._schedule()

    def at_most_after(self, ms: int) -> None:
        """Start the steps after ``ms`` even if the window has not painted by then (shown
        minimised or covered, it may not paint for long: the services must not wait)."""
        QTimer.singleShot(ms, self, self.painted)

    @property
    def pending(self) -> bool:
        return bool(self._steps)

    def _schedule(self) -> None:
        if self.done and self._steps and not self._scheduled:
            self._scheduled = True
            QTimer.singleShot(0, self, self._next)  # dropped with this object

    def _next(self) -> None:
        self._scheduled = False
        if not self._steps:
            return
        step = self._steps.pop(0)
        try:
            step()
        finally:
            self._schedule()


def warm_up(window: MainWindow) -> None:
    """After the login's first paint: the window's keys at the first turn, then, while the
    clerk types a PIN, import and build the sales screen, and import what the first login
    runs on its workers, so a good PIN shows the sales screen no later than when it was
    built at start-up."""
    def keys() -> None:  # PySide builds the key-sequence type here (~1 ms), not before
        from PySide6.QtGui import QKeySequence, QShortcut

        from kiosk_pos.ui.notices import DISMISS_KEY

        for i in range(3):
            QShortcut(QKeySequence(f"Alt+{i + 1}"), window, lambda i=i: window.show_page(i))
        if window.tools_button is not None:
            QShortcut(QKeySequence("Alt+M"), window, window.tools_button.showMenu)
        QShortcut(QKeySequence("Alt+H"), window, window.open_help)  # from the PIN pad too
        # the shown notice's own action from the keyboard, on the work screens only
        QShortcut(QKeySequence(DISMISS_KEY), window,
                  lambda: window.notices.act() if window.user is not None else None)

    def modules() -> None:
        import concurrent.futures.thread  # noqa: F401 - the task pools (none ran before the paint)

        import kiosk_pos.core.deposit  # noqa: F401 - the session query: the balance,
        import kiosk_pos.core.deposit_forecast  # noqa: F401 - the forecast's query
        import kiosk_pos.core.lockout  # noqa: F401 - the PIN check
        import kiosk_pos.core.sale_reads  # noqa: F401 - recent sales and the queue
        import kiosk_pos.core.sales  # noqa: F401
        import kiosk_pos.core.staff  # noqa: F401 - the idle lock's query
        import kiosk_pos.ui.forecast_watch  # noqa: F401
        import kiosk_pos.ui.sales_screen  # noqa: F401

    def sales() -> None:
        _ = window.sales  # built now, unless a login already built it

    window.first_paint.later(keys)
    window.first_paint.later(modules)
    window.first_paint.later(sales)
    window.first_paint.later(collect_on_gui_thread)


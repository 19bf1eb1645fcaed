"""The cyclic garbage collector runs on the GUI thread only, while a window is up.

Python's collector runs on whichever thread happens to allocate when a threshold is
crossed. A pass on a worker thread (the sync relay, a task pool, the embedded distributor)
that frees a cycle holding a widget's wrapper deletes the widget there, off the GUI thread:
a crash some time later, far from its cause. A failed network call is the common case: its
exception's traceback is a cycle (urllib3 keeps the error in a local of the frame that
raised it) whose frames hold the closure of the screen that started it.

So once the app has a window, automatic collection is off and a timer on the GUI thread
does what the thresholds would have: the youngest generation when enough objects were
allocated, an older one when enough younger passes ran (the pattern PyQt apps such as
pyqtgraph's use). Objects without cycles are still freed at once, on any thread, as ever.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

from kiosk_pos import gc_policy

INTERVAL_MS = 500  # a gen-0 pass here takes well under a millisecond; a key press, ~5 ms

_installed: GuiCollector | None = None


class GuiCollector(QObject):
    """The timer that collects on the GUI thread; made once, as a child of the app."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        self.passes = [0, 0, 0]  # passes run, by generation
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.check)
        self._timer.start()

    def check(self) -> int | None:
        """Collect the oldest generation whose count passed its threshold, as the
        interpreter would; returns it, or None when nothing was due."""
        counts = gc.get_count()
        due = [g for g in range(3) if counts[g] > self.thresholds[g]]
        if not due:
            return None
        generation = due[-1]
        gc.collect(generation)
        self.passes[generation] += 1
        return generation


def collect_on_gui_thread() -> GuiCollector:
    """From now on the collector runs on this (the GUI) thread only; the timer is made once.

    If the start paused the collector (``kiosk_pos.__main__``), what the start built lives
    as long as the app: it is moved out of the collector's way first (``gc.freeze``), so no
    pass ever walks it (a first pass over all of it took 5-7 ms on the GUI thread)."""
    global _installed
    if gc_policy.hand_to_gui_thread():
        gc.freeze()
    if _installed is None:
        _installed = GuiCollector(QCoreApplication.instance())
    return _installed


def installed() -> GuiCollector | None:
    return _installed

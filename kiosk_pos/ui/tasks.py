"""The executors behind operations, results back on the GUI thread (after Anki's
``aqt/taskman.py``). Screens do not call this directly: they start an operation
(``kiosk_pos/ui/operations.py``), which picks the executor by its kind.

- ``write``: ONE worker thread, so database writes never race and keep their order;
- ``query``: readers beside the writer (WAL);
- ``network``: the distributor and printers, so a stalled network never delays a sale.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

log = logging.getLogger(__name__)

Closure = Callable[[], None]


class TaskManager(QObject):
    _closures_pending = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pools = {
            "write": ThreadPoolExecutor(max_workers=1, thread_name_prefix="kiosk-db-write"),
            "query": ThreadPoolExecutor(max_workers=2, thread_name_prefix="kiosk-db-read"),
            "network": ThreadPoolExecutor(max_workers=2, thread_name_prefix="kiosk-net"),
        }
        self._closures: list[Closure] = []
        self._lock = threading.Lock()
        self._busy = 0
        self._closures_pending.connect(self._run_closures)  # queued: emitted from workers

    def submit(self, pool: str, task: Callable[[], Any], on_done: Callable[[Any], None],
               on_error: Callable[[BaseException], None]) -> Future:
        """Run ``task`` on the named pool; ``on_done``/``on_error`` run on the GUI thread."""
        self._busy += 1
        future = self._pools[pool].submit(task)

        def deliver(fut: Future) -> None:
            def closure() -> None:
                self._busy -= 1
                exc = fut.exception()
                if exc is not None:
                    on_error(exc)
                else:
                    on_done(fut.result())

            self.run_on_main(closure)

        future.add_done_callback(deliver)
        return future

    def run_on_main(self, closure: Closure) -> None:
        """Queue ``closure`` to run on the GUI thread (safe from any thread)."""
        with self._lock:
            self._closures.append(closure)
        self._closures_pending.emit()

    @property
    def busy(self) -> bool:
        return self._busy > 0

    def shutdown(self) -> None:
        """Finish queued writes (a sale in flight must reach the disk), then stop."""
        self._pools["write"].shutdown(wait=True)
        for name in ("query", "network"):
            self._pools[name].shutdown(wait=False, cancel_futures=True)

    @Slot()
    def _run_closures(self) -> None:
        with self._lock:
            closures, self._closures = self._closures, []
        for closure in closures:
            try:
                closure()
            except Exception:
                log.exception("task callback failed")

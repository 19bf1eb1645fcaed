"""Work off the GUI thread, results back on it (after Anki's ``aqt/taskman.py``).

Database writes (a sale) run on ONE worker thread so the screen never freezes
and writes never race each other; other background work may run in parallel.
The ``on_done`` / ``on_error`` callbacks always run on the GUI thread.
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
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kiosk-db-write")
        self._background = ThreadPoolExecutor(max_workers=2, thread_name_prefix="kiosk-bg")
        self._closures: list[Closure] = []
        self._lock = threading.Lock()
        self._busy = 0
        self._closures_pending.connect(self._run_closures)  # queued: emitted from workers

    # -- public ---------------------------------------------------------------------------
    def run_write(self, task: Callable[[], Any], on_done: Callable[[Any], None] | None = None,
                  on_error: Callable[[BaseException], None] | None = None) -> Future:
        """Run ``task`` on the single database-writer thread."""
        return self._submit(self._writer, task, on_done, on_error)

    def run_in_background(self, task: Callable[[], Any],
                          on_done: Callable[[Any], None] | None = None,
                          on_error: Callable[[BaseException], None] | None = None) -> Future:
        """Run ``task`` on a parallel worker (reads, network, printers)."""
        return self._submit(self._background, task, on_done, on_error)

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
        self._writer.shutdown(wait=True)
        self._background.shutdown(wait=False, cancel_futures=True)

    # -- internals ------------------------------------------------------------------------
    def _submit(self, executor: ThreadPoolExecutor, task: Callable[[], Any],
                on_done: Callable[[Any], None] | None,
                on_error: Callable[[BaseException], None] | None) -> Future:
        self._busy += 1
        future = executor.submit(task)

        def deliver(fut: Future) -> None:
            def closure() -> None:
                self._busy -= 1
                exc = fut.exception()
                if exc is not None:
                    if on_error is not None:
                        on_error(exc)
                    else:
                        log.error("background task failed", exc_info=exc)
                elif on_done is not None:
                    on_done(fut.result())

            self.run_on_main(closure)

        future.add_done_callback(deliver)
        return future

    @Slot()
    def _run_closures(self) -> None:
        with self._lock:
            closures, self._closures = self._closures, []
        for closure in closures:
            try:
                closure()
            except Exception:
                log.exception("task callback failed")

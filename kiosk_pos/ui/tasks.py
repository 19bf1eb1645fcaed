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
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal, Slot

if TYPE_CHECKING:  # concurrent.futures is imported with the first pool (after the first paint)
    from concurrent.futures import Future, ThreadPoolExecutor

log = logging.getLogger(__name__)

Closure = Callable[[], None]
POOL_SIZES = {"write": 1, "query": 2, "network": 2}
THREAD_NAMES = {"write": "kiosk-db-write", "query": "kiosk-db-read", "network": "kiosk-net"}


class _Job:
    """One task and its callbacks, which may hold widgets (a lambda over a screen, a bound
    method of an operation): they are let go on the GUI thread only. A worker thread that
    dropped the last reference to a widget would make PySide delete it there, off the GUI
    thread (the rare crash at a test's teardown). The outcome (a result, or an exception
    whose traceback holds the task's frames) is handed over the same way."""

    def __init__(self, manager: TaskManager, task: Callable[[], Any],
                 on_done: Callable[[Any], None], on_error: Callable[[BaseException], None]
                 ) -> None:
        self._manager = manager
        self._parts: tuple[Any, ...] | None = (task, on_done, on_error)
        self._outcome: tuple[bool, Any] | None = None

    def run(self) -> None:
        """On the worker: run the task, keep its outcome, hand the job to the GUI thread."""
        assert self._parts is not None
        task = self._parts[0]
        try:
            self._outcome = (True, task())
        except BaseException as exc:  # noqa: BLE001 - delivered to on_error, as a Future would
            self._outcome = (False, exc)
        del task  # from here on only the job holds it, and the GUI thread lets the job go
        self._manager.run_on_main(self)

    def __call__(self) -> None:
        """On the GUI thread: deliver, then drop everything here."""
        parts, outcome = self._parts, self._outcome
        self._parts = self._outcome = None
        if parts is None or outcome is None:
            return
        _task, on_done, on_error = parts
        self._manager._busy -= 1
        ok, value = outcome
        if ok:
            on_done(value)
        else:
            on_error(value)


class TaskManager(QObject):
    _closures_pending = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pools: dict[str, ThreadPoolExecutor] = {}  # each made at its first task
        self._closures: list[Closure] = []
        self._lock = threading.Lock()
        self._busy = 0
        self._closed = False
        self._closures_pending.connect(self._run_closures)  # queued: emitted from workers

    def submit(self, pool: str, task: Callable[[], Any], on_done: Callable[[Any], None],
               on_error: Callable[[BaseException], None]) -> Future:
        """Run ``task`` on the named pool; ``on_done``/``on_error`` run on the GUI thread.

        After :meth:`shutdown` (the app is closing) a late event's operation is not started:
        its future is returned cancelled, never a traceback in the event loop."""
        from concurrent.futures import Future

        if self._closed:
            late: Future = Future()
            late.cancel()
            return late
        self._busy += 1
        return self._pool(pool).submit(_Job(self, task, on_done, on_error).run)

    def _pool(self, name: str) -> ThreadPoolExecutor:
        from concurrent.futures import ThreadPoolExecutor

        with self._lock:
            pool = self._pools.get(name)
            if pool is None:
                pool = self._pools[name] = ThreadPoolExecutor(
                    max_workers=POOL_SIZES[name], thread_name_prefix=THREAD_NAMES[name])
        return pool

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
        self._closed = True
        if "write" in self._pools:
            self._pools["write"].shutdown(wait=True)
        for name in ("query", "network"):
            if name in self._pools:
                self._pools[name].shutdown(wait=False, cancel_futures=True)

    @Slot()
    def _run_closures(self) -> None:
        """One closure per signal (each ``run_on_main`` emits once): a result keeps its
        place among the other queued signals. Taking all waiting closures at the first
        signal ran a sale's own callback before the SALE_SAVED emitted ahead of it when a
        read had finished just before (the sales screen reset before the sale was listed)."""
        with self._lock:
            if not self._closures:
                return
            closure = self._closures.pop(0)
        try:
            closure()
        except Exception:
            log.exception("task callback failed")

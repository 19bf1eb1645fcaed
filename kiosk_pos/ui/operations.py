"""User actions as operation objects: the one way off the UI thread (after Anki's
``qt/aqt/operations``).

A screen wraps what the user asked for in an operation and starts it::

    WriteOp(self, lambda: kiosk.sales.sell(clerk, lines, payment)) \\
        .success(self._sold).failure(self._refused).run(self.tasks)

- :class:`WriteOp` runs on the single database writer (one write at a time, in order);
- :class:`QueryOp` reads beside it (WAL readers, in parallel);
- :class:`NetworkOp` waits on the distributor or a printer (its own pool, so a slow
  network never delays a sale).

The callbacks run on the GUI thread, and only while the widget that started the
operation still exists. A failure reaches the screen as one type, :class:`OpFailure`,
whose ``message`` is the sentence to show (a :class:`KioskError` or a sync error speaks
for itself; anything unexpected is logged and becomes a plain "try again" sentence).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from enum import Enum
from typing import TYPE_CHECKING, Generic, NamedTuple, TypeVar

import shiboken6
from PySide6.QtCore import QObject

from kiosk_pos.core.errors import KioskError
from kiosk_pos.i18n import tr
from kiosk_pos.ui.tasks import TaskManager

if TYPE_CHECKING:
    from concurrent.futures import Future

log = logging.getLogger(__name__)

T = TypeVar("T")


class OpKind(Enum):
    WRITE = "write"
    QUERY = "query"
    NETWORK = "network"


class OpFailure(NamedTuple):
    """Why an operation did not succeed, as the sentence the screen shows. (A named tuple:
    as immutable as a frozen dataclass, and made without one's ``exec``, ~0.25 ms of the
    start before the PIN login's first paint.)"""

    message: str
    error: BaseException


def failure_of(exc: BaseException) -> OpFailure:
    from kiosk_pos.sync.errors import SyncError  # no network library: just the error types

    if isinstance(exc, (KioskError, SyncError)):
        return OpFailure(str(exc), exc)
    log.error("an operation failed unexpectedly", exc_info=exc)
    return OpFailure(tr("ui.error.unexpected"), exc)


class Operation(Generic[T]):
    kind: OpKind = OpKind.QUERY

    def __init__(self, parent: QObject | None, work: Callable[[], T]) -> None:
        self._parent = parent
        self._work = work
        self._on_success: Callable[[T], None] | None = None
        self._on_failure: Callable[[OpFailure], None] | None = None

    def success(self, callback: Callable[[T], None]) -> Operation[T]:
        self._on_success = callback
        return self

    def failure(self, callback: Callable[[OpFailure], None]) -> Operation[T]:
        self._on_failure = callback
        return self

    def run(self, tasks: TaskManager) -> Future:
        """Start the work off the GUI thread; the callbacks come back on it."""
        return tasks.submit(self.kind.value, self._work, self._succeeded, self._failed)

    # -- back on the GUI thread ------------------------------------------------------------
    def _alive(self) -> bool:
        return self._parent is None or shiboken6.isValid(self._parent)

    def _succeeded(self, result: T) -> None:
        if self._on_success is not None and self._alive():
            self._on_success(result)

    def _failed(self, exc: BaseException) -> None:
        failure = failure_of(exc)
        if self._on_failure is not None and self._alive():
            self._on_failure(failure)
        elif not isinstance(exc, KioskError):
            log.error("unhandled operation failure: %s", failure.message)


class WriteOp(Operation[T]):
    kind = OpKind.WRITE


class QueryOp(Operation[T]):
    kind = OpKind.QUERY


class NetworkOp(Operation[T]):
    kind = OpKind.NETWORK

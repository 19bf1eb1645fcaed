"""Plain-callback events from the core (the UI re-emits them as Qt signals).

Listeners run on the thread that triggered the event; a GUI must hop to its own
thread (see ui/bridge.py). A failing listener never breaks the core operation.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

SALE_SAVED = "sale_saved"              # (SaleRecord)
TOPUP_CHANGED = "topup_changed"        # (TopUpRecord)
DEPOSIT_CHANGED = "deposit_changed"    # (balance: int)
CATALOG_CHANGED = "catalog_changed"    # ()
SYNC_STATE = "sync_state"              # (dict) online, queue length, last sync...
NOTICE = "notice"                      # (str) a sentence for the clerk from a background service
BACKUP_DONE = "backup_done"            # (BackupInfo)
DATABASE_DAMAGED = "database_damaged"  # (str) the sentence: all writing stopped, call the owner


class EventBus:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listeners: dict[str, list[Callable[..., None]]] = defaultdict(list)

    def register(self, event: str, callback: Callable[..., None]) -> None:
        with self._lock:
            self._listeners[event].append(callback)

    def unregister(self, event: str, callback: Callable[..., None]) -> None:
        with self._lock:
            if callback in self._listeners[event]:
                self._listeners[event].remove(callback)

    def trigger(self, event: str, *args: Any) -> None:
        with self._lock:
            listeners = list(self._listeners[event])
        for callback in listeners:
            try:
                callback(*args)
            except Exception:  # a broken listener must not undo a saved sale
                log.exception("listener for %s failed", event)

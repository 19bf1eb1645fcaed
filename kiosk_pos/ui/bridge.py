"""Core events as Qt signals (after Electrum's ``gui/common_qt`` re-emitting callbacks).

The core's :class:`~kiosk_pos.core.events.EventBus` calls listeners on the thread
that triggered the event (the writer thread, the sync thread). The bridge lives on
the GUI thread, so Qt queues each emission and slots run on the GUI thread.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from kiosk_pos.core.events import (
    CATALOG_CHANGED,
    DATABASE_DAMAGED,
    DEPOSIT_CHANGED,
    NOTICE,
    SALE_SAVED,
    SYNC_STATE,
    TOPUP_CHANGED,
    EventBus,
)


class EventBridge(QObject):
    sale_saved = Signal(object)       # SaleRecord
    topup_changed = Signal(object)    # TopUpRecord
    deposit_changed = Signal(object)  # int rupiah (object: no 32-bit overflow)
    sync_state = Signal(object)       # dict: online, queue, last_sync
    catalog_changed = Signal()
    notice = Signal(str)              # a sentence from a background service

    def __init__(self, events: EventBus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._events = events
        self._callbacks = {
            SALE_SAVED: lambda sale: self.sale_saved.emit(sale),
            TOPUP_CHANGED: lambda topup: self.topup_changed.emit(topup),
            DEPOSIT_CHANGED: lambda balance: self.deposit_changed.emit(balance),
            SYNC_STATE: lambda state: self.sync_state.emit(dict(state)),
            CATALOG_CHANGED: lambda *_args: self.catalog_changed.emit(),
            NOTICE: lambda sentence: self.notice.emit(str(sentence)),
            # all writing stopped: the clerk reads why, and whom to call, as a notice
            DATABASE_DAMAGED: lambda sentence: self.notice.emit(str(sentence)),
        }
        for name, callback in self._callbacks.items():
            events.register(name, callback)

    def close(self) -> None:
        """Stop listening (before the window goes away)."""
        for name, callback in self._callbacks.items():
            self._events.unregister(name, callback)

    def __repr__(self) -> str:
        return f"EventBridge({len(self._callbacks)} events)"

"""Status bar: the clerk, the cached deposit, unsent top-ups and the distributor link."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QStatusBar, QWidget

from kiosk_pos.core.clock import zone
from kiosk_pos.core.records import User
from kiosk_pos.i18n import tr
from kiosk_pos.ui.theme import ERROR_COLOUR, OK_COLOUR


class ElidedLabel(QLabel):
    """A label that takes the room left and shows its text only when it fits whole, rather
    than widening the window or showing a cut fragment (the text is always its tooltip)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def full_text(self) -> str:
        return self._full

    def set_full_text(self, text: str) -> None:
        self._full = text
        self.setToolTip(text)
        self._elide()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(0, super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(self.fontMetrics().horizontalAdvance(self._full) + 8,
                     super().sizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        fits = self.fontMetrics().horizontalAdvance(self._full) <= self.contentsRect().width()
        self.setText(self._full if fits else "")


class KioskStatusBar(QStatusBar):
    def __init__(self, timezone: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizeGripEnabled(False)
        self._timezone = timezone  # zoneinfo loads with the first time shown
        self._clerk: User | None = None
        self._balance: int | None = None
        self._queue = 0
        self._online: bool | None = None
        self._last_sync: datetime | None = None
        self._runs_out: datetime | None = None
        self.clerk = QLabel()
        self.deposit = QLabel()
        self.queue = QLabel()
        self.forecast = ElidedLabel()  # "cukup s.d. Kamis 14.00": gives way on a narrow screen
        self.sync = QLabel()
        for widget in (self.clerk, self.deposit, self.queue):
            self.addWidget(widget)
        self.addWidget(self.forecast, 1)
        self.addPermanentWidget(self.sync)
        self.retranslate()

    # -- feeds ----------------------------------------------------------------------------
    def set_clerk(self, user: User | None) -> None:
        self._clerk = user
        self._render()

    def set_balance(self, balance: object) -> None:
        self._balance = int(balance)  # type: ignore[call-overload]
        self._render()

    def set_runs_out(self, moment: datetime | None) -> None:
        """When the deposit is expected to run out (the forecast), or None if not soon."""
        self._runs_out = moment
        self._render()

    def set_queue(self, count: int) -> None:
        self._queue = count
        self._render()

    def set_sync_state(self, state: dict[str, Any]) -> None:
        """``{"online": bool|None, "queue": int, "last_sync": datetime|None}`` from SYNC_STATE."""
        if "online" in state:
            self._online = state["online"]
        if state.get("queue") is not None:
            self._queue = int(state["queue"])
        if state.get("last_sync") is not None:
            self._last_sync = state["last_sync"]
        self._render()

    def retranslate(self) -> None:
        self._render()

    # -- text -----------------------------------------------------------------------------
    def sync_text(self) -> str:
        if self._online is None and self._last_sync is None:
            return tr("ui.status.never_synced")
        last = ""
        if self._last_sync is not None:
            moment = self._last_sync
            if moment.tzinfo is not None:
                moment = moment.astimezone(zone(self._timezone))
            last = tr("ui.status.last_sync", time=moment.strftime("%H:%M"))
        if self._online is False:
            return f"{tr('ui.status.offline')} {last}".strip()
        if self._online is None:
            return f"{tr('ui.status.never_synced')} {last}".strip()
        return f"{tr('ui.status.online')} {last}".strip()

    def deposit_text(self) -> str:
        return "" if self._balance is None else tr("ui.status.deposit", amount=self._balance)

    def forecast_text(self) -> str:
        if self._balance is None or self._runs_out is None:
            return ""
        local = self._runs_out.astimezone(zone(self._timezone))
        return tr("forecast.status", day=tr(f"weekday.{local.weekday()}"),
                  time=tr("forecast.clock", hour=local.hour, minute=f"{local.minute:02d}"))

    def _render(self) -> None:
        self.clerk.setText(tr("ui.status.clerk", name=self._clerk.name) if self._clerk else "")
        self.deposit.setText(self.deposit_text())
        self.forecast.set_full_text(self.forecast_text())
        self.queue.setText(tr("ui.status.queue", count=self._queue))
        self.sync.setText(self.sync_text())
        colour = {True: OK_COLOUR, False: ERROR_COLOUR}.get(self._online, "#4a5561")  # type: ignore[arg-type]
        self.sync.setStyleSheet(f"color: {colour}; font-weight: bold;")

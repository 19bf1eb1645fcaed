"""Keeps the deposit forecast on screen: when the deposit runs out, beside the balance in the
status bar, and one notice when that is within a day (:mod:`kiosk_pos.core.deposit_forecast`).

The forecast reads 28 days of the ledger through its date index; it runs as a query
operation beside the writer, when a clerk logs in and then every ``REFRESH_MINUTES``, never
on the UI thread and never on the sale path.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, QTimer, Signal

from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.i18n import tr
from kiosk_pos.ui.operations import QueryOp
from kiosk_pos.ui.status_bar import KioskStatusBar
from kiosk_pos.ui.tasks import TaskManager

if TYPE_CHECKING:  # the module (fractions, decimal) is imported by the query, on the worker
    from kiosk_pos.core.deposit_forecast import DepositForecast

REFRESH_MINUTES = 15
WARN_WITHIN = timedelta(days=1)


class ForecastWatch(QObject):
    updated = Signal(object)  # the DepositForecast, once it is on screen (and said if due)

    def __init__(self, kiosk: Kiosk, tasks: TaskManager, status: KioskStatusBar,
                 notice: Callable[[str], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._kiosk = kiosk
        self._tasks = tasks
        self._status = status
        self._notice = notice
        self._warned_for: datetime | None = None
        self.latest: DepositForecast | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MINUTES * 60_000)
        self._timer.timeout.connect(self.refresh)

    def start(self) -> None:
        self.refresh()
        self._timer.start()

    def balance_changed(self, balance: object) -> None:
        """A deposit came in (a ticket confirmed, a refund): the forecast moves at once."""
        if self.latest is not None and int(balance) > self.latest.balance:  # type: ignore[call-overload]
            self.refresh()

    def stop(self) -> None:
        self._timer.stop()

    def refresh(self) -> None:
        kiosk = self._kiosk
        timezone = kiosk.timezone()
        QueryOp(self, lambda: _forecast(kiosk, timezone)).success(self._show).run(self._tasks)

    def _show(self, fc: DepositForecast) -> None:
        self.latest = fc
        try:
            self._present(fc)
        finally:
            self.updated.emit(fc)

    def _present(self, fc: DepositForecast) -> None:
        from kiosk_pos.core.deposit_forecast import HORIZON_DAYS  # loaded by the query

        now = datetime.now(ZoneInfo("UTC"))
        show_within = timedelta(days=HORIZON_DAYS)
        self._status.set_runs_out(fc.runs_out_at if fc.runs_out_within(show_within, now)
                                  else None)
        if fc.runs_out_at is None or not fc.runs_out_within(WARN_WITHIN, now):
            return
        if self._warned_for is not None and abs(self._warned_for - fc.runs_out_at) < WARN_WITHIN:
            return  # said already for this shortfall
        self._warned_for = fc.runs_out_at
        local = fc.runs_out_at.astimezone(ZoneInfo(self._kiosk.timezone()))
        self._notice(tr("forecast.soon", day=tr(f"weekday.{local.weekday()}"),
                        time=tr("forecast.clock", hour=local.hour, minute=f"{local.minute:02d}"),
                        amount=fc.suggested_topup))


def _forecast(kiosk: Kiosk, timezone: str) -> DepositForecast:
    """The forecast, on the worker thread (where its module is imported the first time)."""
    from kiosk_pos.core.deposit_forecast import deposit_forecast

    return deposit_forecast(kiosk.db, timezone=timezone)

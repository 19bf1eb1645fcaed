"""What runs behind the window of a real session: the receipt printer's queue, sync
with the distributor (or the in-process demo distributor), and the full integrity
check of the database. All of it starts after the window is shown and works in
threads of its own; results reach the GUI thread through Qt signals."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from kiosk_pos.core.errors import StoreError
from kiosk_pos.core.i18n import tr
from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.records import SaleRecord

log = logging.getLogger(__name__)


class AppServices(QObject):
    notice = Signal(str)  # a sentence for the clerk, from any thread

    def __init__(self, kiosk: Kiosk, data_dir: Path, *, demo: bool = False) -> None:
        super().__init__()
        self.kiosk = kiosk
        self.data_dir = Path(data_dir)
        self.demo = demo
        self.printer: Any = None  # ReceiptPrinter, made in start()
        self._stops: list[Callable[[], None]] = []
        self._lock = threading.Lock()
        self._stopped = False
        self._window: QWidget | None = None

    # -- wiring ---------------------------------------------------------------------------
    def extras(self) -> Any:
        from kiosk_pos.app import AppExtras

        return AppExtras(
            start_background=self.start, print_receipt=self.print_receipt, reprint=self.reprint,
            menu_actions=[(tr("ui.app.menu_printer"), self.open_printer_settings),
                          (tr("ui.app.menu_deposit"), self.open_deposit_ticket),
                          (tr("ui.app.menu_reconcile"), self.open_reconcile)])

    def bind(self, window: Any) -> None:
        self._window = window
        self.notice.connect(window.notices.show_notice)

    # -- lifecycle --------------------------------------------------------------------------
    def start(self, kiosk: Kiosk) -> Callable[[], None]:
        from kiosk_pos.printing.receipt_printer import ReceiptPrinter

        self.printer = ReceiptPrinter(kiosk)
        self._add_stop(self.printer.close)
        self._add_stop(self.printer.queue.add_listener(self._on_print_job))
        threading.Thread(target=self._start_sync, name="sync-start", daemon=True).start()
        threading.Thread(target=self._verify_database, name="db-verify", daemon=True).start()
        return self.stop

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            stops, self._stops = self._stops, []
        for stop in reversed(stops):
            _call_quietly(stop)

    def _add_stop(self, stop: Callable[[], None]) -> None:
        """Keep ``stop`` for later, or call it now if the session already ended (a
        service that finished starting after the window closed)."""
        with self._lock:
            if not self._stopped:
                self._stops.append(stop)
                return
        _call_quietly(stop)

    def _start_sync(self) -> None:
        try:
            if self.demo:
                from kiosk_pos.demo import start_demo_distributor

                self._add_stop(start_demo_distributor(self.kiosk, self.data_dir)[1])
                return
            from kiosk_pos.sync.config import load_config
            from kiosk_pos.sync.service import SyncService

            cfg = load_config(self.kiosk)
            if cfg is None:
                return  # not connected to a distributor yet: selling works offline
            service = SyncService(self.kiosk, cfg.client())
            service.start()
            self._add_stop(service.stop)
        except Exception as exc:  # never take the counter down with it
            log.exception("sync could not start")
            self.notice.emit(tr("ui.app.sync_failed", detail=str(exc)))

    def _verify_database(self) -> None:
        try:
            self.kiosk.db.verify()
        except StoreError as exc:
            self.notice.emit(exc.message)

    # -- printing -------------------------------------------------------------------------
    def print_receipt(self, sale: SaleRecord) -> None:
        if self.printer is not None and self.printer.settings.auto_print:
            self.printer.print_sale(sale)

    def reprint(self, sale_id: int) -> None:
        if self.printer is None or not self.printer.settings.configured:
            self.notice.emit(tr("ui.app.no_printer"))
            return
        self.printer.reprint(sale_id)

    def _on_print_job(self, status: Any) -> None:
        if status.state.value == "failed":
            self.notice.emit(status.error or tr("ui.app.print_failed"))

    # -- dialogs ----------------------------------------------------------------------------
    def open_printer_settings(self) -> None:
        from kiosk_pos.printing.receipt_printer import SETTINGS_KEY
        from kiosk_pos.ui.printer_settings import PrinterSettingsWidget

        if self.printer is None:
            return
        widget = PrinterSettingsWidget(
            self.printer.queue, self.kiosk.settings.kiosk_info(),
            load=lambda: self.kiosk.settings.get(SETTINGS_KEY),
            save=lambda data: self.kiosk.settings.set(SETTINGS_KEY, data))
        widget.saved.connect(lambda _s: self.printer.reload())
        self._dialog(tr("ui.app.menu_printer"), widget).exec()

    def open_deposit_ticket(self) -> None:
        from kiosk_pos.ui.deposit_ticket import DepositTicketDialog

        DepositTicketDialog(self.kiosk, parent=self._window).exec()

    def open_reconcile(self) -> None:
        try:
            from kiosk_pos.ui.reconcile_view import ReconcileView
        except ImportError:
            self.notice.emit(tr("ui.app.reconcile_missing"))
            return
        self._dialog(tr("ui.app.menu_reconcile"), ReconcileView(self.kiosk)).exec()

    def _dialog(self, title: str, widget: QWidget) -> QDialog:
        dialog = QDialog(self._window)
        dialog.setWindowTitle(title)
        layout = QVBoxLayout(dialog)
        layout.addWidget(widget)
        dialog.resize(900, 640)
        return dialog


def _call_quietly(stop: Callable[[], None]) -> None:
    try:
        stop()
    except Exception:
        log.exception("stopping a background service failed")

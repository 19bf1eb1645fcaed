"""The composition root: the one place that builds an app run over a data folder.

An :class:`AppSession` owns the open :class:`Kiosk` and everything that works behind the
counter: the receipt printer's queue (auto-print attached to the core's ``SALE_SAVED``
event), sync with the distributor (or the in-process demo distributor), the full integrity
check of the file, and automatic backups (one a day, one at each clean exit). It imports
no Qt: the desktop app adapts it to signals (``kiosk_pos/ui``), and tests and tools drive
it headless. Anything a service wants the clerk to read is announced once as a core
``NOTICE`` event.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk_pos.core.events import NOTICE
from kiosk_pos.core.kiosk import DB_FILENAME, Kiosk
from kiosk_pos.errors import KioskError, StoreError
from kiosk_pos.i18n import tr
from kiosk_pos.store.damage import DamagedDatabase

if TYPE_CHECKING:
    from kiosk_pos.printing.queue import JobStatus
    from kiosk_pos.printing.receipt_printer import ReceiptPrinter
    from kiosk_pos.sync.service import SyncService

log = logging.getLogger(__name__)

DEMO_KIOSK_NAME = "Konter Pulsa Demo"
DEMO_OWNER_PIN = "9999"
BACKUP_CHECK_SECONDS = 3600.0  # how often the daily-backup job looks whether one is due

Stop = Callable[[], None]


def open_kiosk(data_dir: Path, *, demo: bool = False) -> Kiosk:
    """Open the kiosk in ``data_dir``; with ``demo`` and no database yet, create the demo."""
    if demo and not (Path(data_dir) / DB_FILENAME).exists():
        from kiosk_pos.core.setup import init_kiosk  # creating a kiosk needs SQLAlchemy

        return init_kiosk(data_dir, DEMO_KIOSK_NAME, DEMO_OWNER_PIN, demo=True)
    return Kiosk.open(data_dir)


class AppSession:
    """One run of the app over ``data_dir``. ``start()`` returns at once: every service
    starts on a thread of its own; ``stop()`` ends them, writes the exit backup, closes."""

    def __init__(self, kiosk: Kiosk, data_dir: Path, *, demo: bool = False,
                 printing: bool = True, sync: bool = True, verify: bool = True,
                 backups: bool = True, training: bool = False) -> None:
        self.kiosk = kiosk
        self.data_dir = Path(data_dir)
        self.demo = demo
        self.training = training  # the practice kiosk (kiosk_pos/training.py): simulator only
        self.printer: ReceiptPrinter | None = None
        self.sync: SyncService | None = None
        self.started = threading.Event()  # every service has had its go at starting
        self._want = {"printing": printing, "sync": sync, "verify": verify,
                      "backups": backups}
        self._stops: list[Stop] = []
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._threads: list[threading.Thread] = []

    @classmethod
    def open(cls, data_dir: Path, *, demo: bool = False, **services: bool) -> AppSession:
        """Open (or, for the demo, create) the kiosk and build its session; StoreError or
        KioskError with a sentence when the folder's database cannot be used."""
        return cls(open_kiosk(Path(data_dir), demo=demo), data_dir, demo=demo, **services)

    @classmethod
    def open_training(cls, data_dir: Path, **services: bool) -> AppSession:
        """The practice kiosk inside the real shop's ``data_dir`` (made on first use), with
        the simulator distributor; the real shop's database is not opened."""
        from kiosk_pos.training import ensure_training_kiosk

        folder = ensure_training_kiosk(data_dir)
        return cls(Kiosk.open(folder), folder, training=True, **services)

    # -- lifecycle ------------------------------------------------------------------------
    def start(self) -> None:
        self._spawn("session-start", self._start_services)

    def stop(self) -> None:
        """Stop every service (newest first), write the exit backup, close the kiosk."""
        with self._lock:
            if self._stopped.is_set():
                return
            self._stopped.set()
            stops, self._stops = self._stops, []
        if self._threads:
            self.started.wait(30)  # a service half-started must not outlive the kiosk
        for stop in reversed(stops):
            _call_quietly(stop)
        for thread in self._threads:
            thread.join(10)
        if self._want["backups"]:
            self._backup("exit")
        self.kiosk.close()

    def notice(self, sentence: str) -> None:
        """Something the clerk should read, from any thread."""
        self.kiosk.events.trigger(NOTICE, sentence)

    # -- what the screens ask of the session -----------------------------------------------
    def reprint(self, sale_id: int) -> None:
        """Queue a copy of a sale's receipt (call it off the UI thread: it reads the sale)."""
        if self.printer is None or not self.printer.settings.configured:
            self.notice(tr("ui.app.no_printer"))
            return
        self.printer.reprint(sale_id)

    # -- internals ------------------------------------------------------------------------
    def _spawn(self, name: str, target: Callable[[], None]) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _add_stop(self, stop: Stop) -> None:
        """Keep ``stop`` for later, or call it now if the session already ended."""
        with self._lock:
            if not self._stopped.is_set():
                self._stops.append(stop)
                return
        _call_quietly(stop)

    def _start_services(self) -> None:
        try:
            if self._want["printing"]:
                self._guard("printer", self._start_printer)
            if self._want["sync"]:
                self._guard("sync", self._start_sync)
        finally:
            self.started.set()
        if self._want["verify"]:
            self._guard("verify", self.kiosk.db.verify)
        if self._want["backups"]:
            self._backup_job()

    def _guard(self, what: str, step: Callable[[], None]) -> None:
        """Run one start-up step; its failure is a notice, never the end of the counter."""
        from kiosk_pos.core.connection import ReconnectNeeded

        try:
            step()
        except DamagedDatabase:
            pass  # already announced once, as DATABASE_DAMAGED, by the kiosk
        except (StoreError, ReconnectNeeded) as exc:  # their sentence says what to do
            self.notice(exc.message)
        except Exception as exc:  # noqa: BLE001 - every failure becomes a sentence
            log.exception("%s could not start", what)
            detail = exc.message if isinstance(exc, KioskError) else str(exc)
            self.notice(tr("ui.app.sync_failed" if what == "sync" else "ui.app.service_failed",
                           detail=detail))

    def _start_printer(self) -> None:
        from kiosk_pos.printing.receipt_printer import ReceiptPrinter

        printer = ReceiptPrinter(self.kiosk)
        self._add_stop(printer.close)
        self._add_stop(printer.attach())  # auto-print on the core's SALE_SAVED event
        self._add_stop(printer.queue.add_listener(self._on_print_job))
        self.printer = printer

    def _on_print_job(self, status: JobStatus) -> None:
        if status.state.value == "failed":
            self.notice(status.error or tr("ui.app.print_failed"))

    def _start_sync(self) -> None:
        if self.training:
            from kiosk_pos.training import start_training_distributor

            service, stop = start_training_distributor(self.kiosk, self.data_dir)
        elif self.demo:
            from kiosk_pos.demo import start_demo_distributor

            service, stop = start_demo_distributor(self.kiosk, self.data_dir)
        else:
            from kiosk_pos.sync.config import load_config
            from kiosk_pos.sync.service import SyncService

            cfg = load_config(self.kiosk)
            if cfg is None:
                return  # not connected to a distributor yet: selling works offline
            service = SyncService(self.kiosk, cfg.client())
            service.start()
            stop = service.stop
        self._add_stop(stop)
        self.sync = service

    def _backup_job(self) -> None:
        """One backup a day while the app runs (the first check right after start-up)."""
        while not self._stopped.is_set():
            self._backup("daily")
            self._stopped.wait(BACKUP_CHECK_SECONDS)

    def _backup(self, reason: str) -> None:
        """``daily`` writes one only when today has none yet; ``exit`` always writes one."""
        try:
            self.kiosk.backups.automatic_backup(reason)
        except DamagedDatabase:
            pass  # a copy of a damaged file would not be a good backup; already announced
        except KioskError as exc:
            self.notice(exc.message)
        except Exception:  # noqa: BLE001 - a failed backup never takes the counter down
            log.exception("the %s backup failed", reason)
            self.notice(tr("ui.app.backup_failed"))


def _call_quietly(stop: Stop) -> None:
    try:
        stop()
    except Exception:
        log.exception("stopping a background service failed")

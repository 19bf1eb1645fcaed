"""The kiosk as one object: the services over one open database.

The UI, the CLI, sync and printing all reach the domain through this.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from kiosk_pos.core.backups import BackupService
from kiosk_pos.core.catalog import CatalogService
from kiosk_pos.core.clock import Clock, local_date, utc_now
from kiosk_pos.core.deposit import DepositService
from kiosk_pos.core.events import EventBus
from kiosk_pos.core.records import KioskInfo
from kiosk_pos.core.reports import ReportService
from kiosk_pos.core.sales import SaleService
from kiosk_pos.core.settings import DEFAULT_TIMEZONE, KIOSK_TIMEZONE, Settings
from kiosk_pos.core.users import UserService
from kiosk_pos.store import Database, open_database

DB_FILENAME = "kiosk.db"


class Kiosk:
    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self.db = db
        self.data_dir = db.path.parent
        self.clock = clock
        self.events = EventBus()
        self.settings = Settings(db)
        self._timezone = self.settings.get(KIOSK_TIMEZONE, DEFAULT_TIMEZONE)
        # The shop's name and address for titles and receipts, read once: screens show it
        # without touching the database on the UI thread.
        self.info: KioskInfo = self.settings.kiosk_info()
        self.catalog = CatalogService(db)
        self.users = UserService(db)
        self.deposit = DepositService(db, self.events)
        self.sales = SaleService(db, self.catalog, self.events, self.timezone, clock)
        self.backups = BackupService(db, self.data_dir, clock, self.events)
        self.reports = ReportService(db, lambda: self.catalog.catalog.prefixes, self.timezone)

    @classmethod
    def open(cls, data_dir: Path, *, create: bool = False, clock: Clock = utc_now) -> Kiosk:
        return cls(open_database(Path(data_dir) / DB_FILENAME, create=create), clock)

    def timezone(self) -> str:
        return self._timezone

    def today(self) -> date:
        return local_date(self.clock(), self._timezone)

    def close(self) -> None:
        self.db.close()

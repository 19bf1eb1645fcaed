"""The kiosk as one object: the services over one open database.

The UI, the CLI, sync and printing all reach the domain through this. Settings, the
catalogue and the users are built at once (the first screen needs them; they read through
plain sqlite3); every other service is built, and its module imported, on first use, so
start-up does not import SQLAlchemy.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from kiosk_pos.core.catalog import CatalogService
from kiosk_pos.core.clock import Clock, local_date, utc_now
from kiosk_pos.core.events import DATABASE_DAMAGED, EventBus
from kiosk_pos.core.records import KioskInfo
from kiosk_pos.core.settings import DEFAULT_TIMEZONE, KIOSK_TIMEZONE, Settings
from kiosk_pos.core.users import UserService
from kiosk_pos.store import Database, open_database

if TYPE_CHECKING:
    from kiosk_pos.core.acknowledgements import AcknowledgementService
    from kiosk_pos.core.audit import AuditService
    from kiosk_pos.core.backups import BackupService
    from kiosk_pos.core.complaints import ComplaintService
    from kiosk_pos.core.credentials import SecretStore
    from kiosk_pos.core.customers import CustomerService
    from kiosk_pos.core.deposit import DepositService
    from kiosk_pos.core.goods import GoodsService
    from kiosk_pos.core.kasbon import KasbonService
    from kiosk_pos.core.refunds import RefundService
    from kiosk_pos.core.reports import ReportService
    from kiosk_pos.core.sales import SaleService
    from kiosk_pos.core.shifts import ShiftService
    from kiosk_pos.core.staff import StaffService
    from kiosk_pos.core.stock import StockService

DB_FILENAME = "kiosk.db"

T = TypeVar("T")


class _OnFirstUse(Generic[T]):
    """A service attribute built once, on first access (under the kiosk's lock, so two
    threads never build two). Assigning the attribute replaces it, as for a plain one."""

    def __init__(self, build: Callable[[Kiosk], T]) -> None:
        self._build = build
        self._name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    def __get__(self, kiosk: Kiosk | None, owner: type | None = None) -> Any:
        if kiosk is None:
            return self
        with kiosk._build_lock:  # noqa: SLF001 - the descriptor is part of Kiosk
            if self._name not in kiosk.__dict__:
                kiosk.__dict__[self._name] = self._build(kiosk)
        return kiosk.__dict__[self._name]


def _deposit(kiosk: Kiosk) -> DepositService:
    from kiosk_pos.core.deposit import DepositService

    return DepositService(kiosk.db, kiosk.events)


def _sales(kiosk: Kiosk) -> SaleService:
    from kiosk_pos.core.sales import SaleService

    return SaleService(kiosk.db, kiosk.catalog, kiosk.events, kiosk.timezone, kiosk.clock)


def _backups(kiosk: Kiosk) -> BackupService:
    from kiosk_pos.core.backups import BackupService

    return BackupService(kiosk.db, kiosk.data_dir, kiosk.clock, kiosk.events)


def _reports(kiosk: Kiosk) -> ReportService:
    from kiosk_pos.core.reports import ReportService

    return ReportService(kiosk.db, lambda: kiosk.catalog.catalog.prefixes, kiosk.timezone,
                         kiosk.clock)


def _shifts(kiosk: Kiosk) -> ShiftService:
    from kiosk_pos.core.shifts import ShiftService

    return ShiftService(kiosk.db, kiosk.timezone, kiosk.clock)


def _staff(kiosk: Kiosk) -> StaffService:
    from kiosk_pos.core.staff import StaffService

    return StaffService(kiosk.db, kiosk.users, kiosk.clock)


def _refunds(kiosk: Kiosk) -> RefundService:
    from kiosk_pos.core.refunds import RefundService

    return RefundService(kiosk.db, kiosk.catalog, kiosk.events, kiosk.timezone, kiosk.clock)


def _acknowledgements(kiosk: Kiosk) -> AcknowledgementService:
    from kiosk_pos.core.acknowledgements import AcknowledgementService

    return AcknowledgementService(kiosk.db, kiosk.clock)


def _audit(kiosk: Kiosk) -> AuditService:
    from kiosk_pos.core.audit import AuditService

    return AuditService(kiosk.db, kiosk.timezone)


def _secrets(kiosk: Kiosk) -> SecretStore:
    from kiosk_pos.core.credentials import store_for

    return store_for(kiosk.data_dir)
# the back office (goods, stock, customers, kasbon)
def _goods(kiosk: Kiosk) -> GoodsService:
    from kiosk_pos.core.goods import GoodsService

    return GoodsService(kiosk.db, kiosk.catalog, kiosk.events, kiosk.clock)


def _stock(kiosk: Kiosk) -> StockService:
    from kiosk_pos.core.stock import StockService

    return StockService(kiosk.db, kiosk.catalog, kiosk.events, kiosk.settings, kiosk.clock)


def _customers(kiosk: Kiosk) -> CustomerService:
    from kiosk_pos.core.customers import CustomerService

    return CustomerService(kiosk.db, kiosk.clock)


def _kasbon(kiosk: Kiosk) -> KasbonService:
    from kiosk_pos.core.kasbon import KasbonService

    return KasbonService(kiosk.db, kiosk.timezone, kiosk.clock)


def _complaints(kiosk: Kiosk) -> ComplaintService:
    from kiosk_pos.core.complaints import ComplaintService

    return ComplaintService(kiosk.db, kiosk.events)


class Kiosk:
    deposit: _OnFirstUse[DepositService] = _OnFirstUse(_deposit)
    sales: _OnFirstUse[SaleService] = _OnFirstUse(_sales)
    backups: _OnFirstUse[BackupService] = _OnFirstUse(_backups)
    reports: _OnFirstUse[ReportService] = _OnFirstUse(_reports)
    shifts: _OnFirstUse[ShiftService] = _OnFirstUse(_shifts)
    staff: _OnFirstUse[StaffService] = _OnFirstUse(_staff)
    refunds: _OnFirstUse[RefundService] = _OnFirstUse(_refunds)
    audit: _OnFirstUse[AuditService] = _OnFirstUse(_audit)
    acknowledgements: _OnFirstUse[AcknowledgementService] = _OnFirstUse(_acknowledgements)
    # the distributor's secret: outside the database (OS keyring or an encrypted file)
    secrets: _OnFirstUse[SecretStore] = _OnFirstUse(_secrets)
    goods: _OnFirstUse[GoodsService] = _OnFirstUse(_goods)
    stock: _OnFirstUse[StockService] = _OnFirstUse(_stock)
    customers: _OnFirstUse[CustomerService] = _OnFirstUse(_customers)
    kasbon: _OnFirstUse[KasbonService] = _OnFirstUse(_kasbon)
    complaints: _OnFirstUse[ComplaintService] = _OnFirstUse(_complaints)

    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self._build_lock = threading.RLock()
        self.db = db
        self.data_dir = db.path.parent
        self.clock = clock
        self.events = EventBus()
        # Damage met anywhere (a sale, history, sync, the full check) is announced once.
        db.damage.listen(lambda error: self.events.trigger(DATABASE_DAMAGED, error.message))
        self.settings = Settings(db)
        self._timezone = self.settings.get(KIOSK_TIMEZONE, DEFAULT_TIMEZONE)
        # The shop's name and address for titles and receipts, read once: screens show it
        # without touching the database on the UI thread.
        self.info: KioskInfo = self.settings.kiosk_info()
        self.catalog = CatalogService(db)
        self.users = UserService(db, clock)

    @classmethod
    def open(cls, data_dir: Path, *, create: bool = False, clock: Clock = utc_now) -> Kiosk:
        return cls(open_database(Path(data_dir) / DB_FILENAME, create=create), clock)

    def timezone(self) -> str:
        return self._timezone

    def today(self) -> date:
        return local_date(self.clock(), self._timezone)

    def close(self) -> None:
        self.db.close()

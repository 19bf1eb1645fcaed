"""Recording a sale: one local transaction for the sale, its lines, top-ups,
outbox rows, deposit ledger rows and stock movements. Once ``sell`` returns,
the sale is on disk (WAL, synchronous=FULL)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from kiosk_pos.core import deposit
from kiosk_pos.core.catalog import CatalogService
from kiosk_pos.core.clock import Clock, db_text, local_date, utc_now
from kiosk_pos.core.duplicates import EarlierSale, earlier_same_sales
from kiosk_pos.core.errors import InsufficientDeposit, InsufficientStock, KioskError
from kiosk_pos.core.events import DEPOSIT_CHANGED, NOTICE, SALE_SAVED, EventBus
from kiosk_pos.core.payments import settle
from kiosk_pos.core.phone import validate_destination
from kiosk_pos.core.records import (
    MAX_QTY,
    CartLine,
    Payment,
    PaymentMethod,
    Product,
    SaleLineRecord,
    SaleRecord,
    TopUpRecord,
    TopUpStatus,
    User,
)
from kiosk_pos.core.sale_reads import (
    DayPage,
    day_page,
    load_sales,
    recent_sale_ids,
    sale_id_for_ref,
    sale_ids_for_day,
    unsent_count,
)
from kiosk_pos.store import Database

if TYPE_CHECKING:  # imported where used: the window's start needs neither
    from kiosk_pos.core.sale_search import SearchPage

HISTORY_PAGE = 200  # sales per page of a day's history

# The sale path writes through the DBAPI cursor: SQLAlchemy's per-statement overhead
# (~65 us each) cost more than the fsync itself. Column formats match SQLAlchemy's
# SQLite types (tests read every row back through SQLAlchemy).
# the newest row by its key (a look-up, not a scan)
_SQL_BALANCE = ("SELECT balance_after FROM deposit_ledger "
                "WHERE id = (SELECT max(id) FROM deposit_ledger)")
_SQL_STOCK = "SELECT stock FROM products WHERE id = ?"
_SQL_SALE = ("INSERT INTO sales (created_at, business_date, clerk_id, payment_method, total, "
             "cash_given, change) VALUES (?, ?, ?, ?, ?, ?, ?)")
_SQL_LINE = ("INSERT INTO sale_lines (sale_id, product_id, sku, name, kind, operator, qty, "
             "unit_price, unit_cost, destination) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
_SQL_TOPUP = ("INSERT INTO topups (sale_line_id, ref_id, sku, destination, cost, status, "
              "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
_SQL_EVENT = ("INSERT INTO topup_events (topup_id, status, source, created_at) "
              "VALUES (?, ?, 'local', ?)")
_SQL_OUTBOX = ("INSERT INTO outbox (topup_id, ref_id, payload, created_at, attempts) "
               "VALUES (?, ?, ?, ?, 0)")
_SQL_LEDGER = ("INSERT INTO deposit_ledger (created_at, amount, balance_after, reason, "
               "reference, sale_id) VALUES (?, ?, ?, ?, ?, ?)")
_SQL_SHIFT_SALE = "INSERT INTO shift_sales (sale_id, shift_id) VALUES (?, ?)"
_SQL_SET_STOCK = "UPDATE products SET stock = ? WHERE id = ?"
_SQL_MOVEMENT = ("INSERT INTO stock_movements (product_id, delta, stock_after, reason, sale_id, "
                 "created_at) VALUES (?, ?, ?, 'sale', ?, ?)")


@dataclass(frozen=True, slots=True)
class _Line:
    product: Product
    qty: int
    destination: str


def outbox_payload(ref_id: str, sku: str, destination: str, cost: int, created_at: str) -> str:
    """The top-up request as the distributor will see it, fixed for the ref_id's life."""
    return json.dumps({"ref_id": ref_id, "sku": sku, "destination": destination,
                       "expected_price": cost, "created_at": created_at}, sort_keys=True)


def _queue_topup(cur: sqlite3.Cursor, line_id: int, sale_id: int, p: Product,
                 destination: str, now: datetime, balance_after: int) -> TopUpRecord:
    """A top-up with its ref_id, its first status event, its outbox row and the
    ledger row that takes its cost from the deposit."""
    import uuid  # here: uuid (and platform) cost start-up time the first screen never uses

    ref_id = str(uuid.uuid4())
    stamp = db_text(now)
    queued = TopUpStatus.QUEUED.value
    topup_id = cur.execute(_SQL_TOPUP, (line_id, ref_id, p.sku, destination, p.cost, queued,
                                        stamp, stamp)).lastrowid
    cur.execute(_SQL_EVENT, (topup_id, queued, stamp))
    cur.execute(_SQL_OUTBOX, (topup_id, ref_id, outbox_payload(
        ref_id, p.sku, destination, p.cost, now.isoformat()), stamp))
    cur.execute(_SQL_LEDGER, (stamp, -p.cost, balance_after, deposit.REASON_TOPUP, ref_id,
                              sale_id))
    return TopUpRecord(ref_id, p.sku, destination, TopUpStatus.QUEUED, None, None, p.cost, now)


class SaleService:
    def __init__(self, db: Database, catalog: CatalogService, events: EventBus,
                 timezone: Callable[[], str], clock: Clock = utc_now) -> None:
        self._db = db
        self._catalog = catalog
        self._events = events
        self._timezone = timezone
        self._clock = clock

    # -- checking -------------------------------------------------------------------------
    def check_lines(self, lines: Sequence[CartLine]) -> list[_Line]:
        """Resolve and validate a cart before anything is written (raises KioskError)."""
        if not lines:
            raise KioskError("error.cart_empty")
        catalog = self._catalog.catalog
        checked = []
        for line in lines:
            product = catalog.get(line.sku)
            if not 1 <= line.qty <= MAX_QTY:
                raise KioskError("error.qty_range", max=MAX_QTY)
            if product.kind.electronic and line.qty != 1:
                raise KioskError("error.electronic_qty_one", name=product.name)
            dest = validate_destination(product.kind, product.operator, line.destination,
                                        catalog.prefixes)
            checked.append(_Line(product, line.qty, dest))
        return checked

    settle = staticmethod(settle)  # cash given and change (kiosk_pos/core/payments.py)

    # -- selling --------------------------------------------------------------------------
    def sell(self, clerk: User, cart: Sequence[CartLine], payment: Payment) -> SaleRecord:
        lines = self.check_lines(cart)
        total = sum(line.product.price * line.qty for line in lines)
        kasbon = 0  # the part on a customer's account: all or some (kiosk_pos/core/kasbon.py)
        if payment.method is PaymentMethod.KASBON or payment.kasbon_amount:
            from kiosk_pos.core import kasbon as credit
            from kiosk_pos.core.permissions import Permission, require

            require(clerk, Permission.SELL_ON_KASBON)
            payment, kasbon = credit.on_account(total, payment)
        cash_given, change = self.settle(total, payment)
        e_cost = sum(line.product.cost for line in lines if line.product.kind.electronic)
        now = self._clock()
        stamp, day = db_text(now), local_date(now, self._timezone())
        records: list[SaleLineRecord] = []
        new_stock: dict[str, int] = {}
        from kiosk_pos.core.shifts import shift_for_sale  # on the writer thread, once

        with self._db.write_raw() as cur:
            shift_id = shift_for_sale(cur, now, day)  # "buka shift dulu" when one is needed
            balance = (cur.execute(_SQL_BALANCE).fetchone() or (0,))[0] if e_cost else 0
            if e_cost > balance:
                raise InsufficientDeposit("error.deposit_short", needed=e_cost, balance=balance,
                                          shortfall=e_cost - balance)
            for line in lines:
                if not line.product.kind.electronic:
                    stock = (cur.execute(_SQL_STOCK, (line.product.id,)).fetchone() or (0,))[0]
                    if (stock or 0) < line.qty:
                        raise InsufficientStock("error.stock_short", name=line.product.name,
                                                stock=stock or 0, qty=line.qty)
                    new_stock[line.product.sku] = stock - line.qty
            if kasbon:
                credit.check_credit(cur, payment.customer_id, kasbon)
            sale_id = cur.execute(_SQL_SALE, (
                stamp, day.isoformat(), clerk.id, payment.method.value, total, cash_given,
                change)).lastrowid
            cur.execute(_SQL_SHIFT_SALE, (sale_id, shift_id))
            if kasbon:
                credit.charge_sale(cur, payment.customer_id, kasbon, sale_id, clerk.id, stamp)
            for line in lines:
                p = line.product
                line_id = cur.execute(_SQL_LINE, (
                    sale_id, p.id, p.sku, p.name, p.kind.value, p.operator, line.qty, p.price,
                    p.cost, line.destination)).lastrowid
                topup = None
                if p.kind.electronic:
                    balance -= p.cost
                    topup = _queue_topup(cur, line_id, sale_id, p, line.destination, now, balance)
                else:
                    cur.execute(_SQL_SET_STOCK, (new_stock[p.sku], p.id))
                    cur.execute(_SQL_MOVEMENT, (p.id, -line.qty, new_stock[p.sku], sale_id, stamp))
                records.append(SaleLineRecord(
                    line_id, p.sku, p.name, p.kind, p.operator, line.qty, p.price, p.cost,
                    line.destination, topup))
            new_balance = balance
        for sku, stock in new_stock.items():
            self._catalog.note_stock(sku, stock)
        record = SaleRecord(sale_id, now, day, clerk.id, clerk.name, payment.method, total,
                            cash_given, change, tuple(records), kasbon)
        self._events.trigger(SALE_SAVED, record)
        if e_cost:
            self._events.trigger(DEPOSIT_CHANGED, new_balance)
        for line in lines:  # the last unit went: say so while the clerk can still tell
            if new_stock.get(line.product.sku) == 0:
                from kiosk_pos.i18n import tr

                self._events.trigger(NOTICE, tr("notice.sold_out", name=line.product.name))
        return record

    # -- reading (plain sqlite3: the sales screen's first figures need no SQLAlchemy) ------
    def get(self, sale_id: int) -> SaleRecord:
        with self._db.read_raw() as cur:
            found = load_sales(cur, [sale_id])
        if not found:
            raise KioskError("error.unknown_sale", sale_id=sale_id)
        return found[0]

    def by_ref_id(self, ref_id: str) -> SaleRecord | None:
        """The sale a top-up belongs to (for a refund notice about an older sale)."""
        with self._db.read_raw() as cur:
            sale_id = sale_id_for_ref(cur, ref_id)
            found = load_sales(cur, [sale_id]) if sale_id is not None else []
        return found[0] if found else None

    def for_day(self, day: date) -> list[SaleRecord]:
        with self._db.read_raw() as cur:
            return load_sales(cur, sale_ids_for_day(cur, day))

    def day_page(self, day: date, before_id: int | None = None, limit: int = HISTORY_PAGE,
                 with_totals: bool = True) -> DayPage:
        """The day's sales newest first, ``limit`` at a time (``before_id``: the oldest
        already shown), with the day's count and total from one aggregate (in the same
        read, so they agree with the page) unless ``with_totals`` is False."""
        with self._db.read_raw() as cur:
            return day_page(cur, day, before_id, limit, with_totals)

    def search(self, query: str, before_id: int | None = None,
               limit: int | None = None) -> SearchPage:
        """Cek status: sales of any day by number, Ref (or its first 8+ characters) or SN,
        newest first, ``limit`` (default ``SEARCH_PAGE``) at a time (``before_id``: the oldest
        already shown)."""
        from kiosk_pos.core.sale_search import SEARCH_PAGE, search_page

        limit = SEARCH_PAGE if limit is None else limit
        with self._db.read_raw() as cur:
            return search_page(cur, query, before_id, limit)

    def recent(self, limit: int = 50) -> list[SaleRecord]:
        """Today's newest sales first (for the sales screen)."""
        today = local_date(self._clock(), self._timezone())
        with self._db.read_raw() as cur:
            return load_sales(cur, recent_sale_ids(cur, today, limit))

    def earlier_same(self, lines: Sequence[CartLine]) -> list[EarlierSale]:
        """Lines of this cart that repeat a sale of the same product to the same number a
        few minutes ago (the clerk confirms before taking the money again)."""
        checked = [CartLine(line.product.sku, line.qty, line.destination)
                   for line in self.check_lines(lines) if line.destination]
        if not checked:
            return []
        with self._db.read_raw() as cur:
            return earlier_same_sales(cur, checked, self._clock())

    def queue_length(self) -> int:
        with self._db.read_raw() as cur:
            return unsent_count(cur)

"""The stock ledger of goods: every change of a quantity is a row in ``stock_movements``.

Receiving (pembelian: supplier, quantity, unit cost; updates the average cost), adjustment /
stock opname (the counted quantity; the difference is the movement), return to the supplier,
damage and loss; sales write their own rows (:mod:`kiosk_pos.core.sales`). The stock on
``products`` is always the sum of its movements: :func:`ledger_mismatches` proves it.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from kiosk_pos.core.catalog import CatalogService
from kiosk_pos.core.clock import Clock, db_text, utc_now
from kiosk_pos.core.errors import KioskError, UnknownProduct
from kiosk_pos.core.events import CATALOG_CHANGED, EventBus
from kiosk_pos.core.goods import MAX_RUPIAH, MAX_UNITS, GoodsItem, item_by_sku
from kiosk_pos.core.permissions import Permission, require
from kiosk_pos.core.records import User
from kiosk_pos.core.settings import Settings
from kiosk_pos.store import Database

DELIVERY_DAYS = "stock.delivery_days"  # days until the next delivery, for reorder advice
DEFAULT_DELIVERY_DAYS = 7
RATE_DAYS = 28  # the sales rate is read over the last four weeks
MOVEMENTS_PAGE = 100
LOW_STOCK_LIMIT = 500
MAX_NOTE = 200


class StockReason(StrEnum):
    OPENING = "opening"
    RECEIVE = "receive"      # pembelian from a supplier
    ADJUST = "adjust"        # stock opname: counted minus recorded
    RETURN = "return"        # back to the supplier
    DAMAGE = "damage"
    LOSS = "loss"
    SALE = "sale"


OUTGOING = (StockReason.RETURN, StockReason.DAMAGE, StockReason.LOSS)


@dataclass(frozen=True, slots=True)
class Movement:
    id: int
    sku: str
    name: str
    delta: int
    stock_after: int
    reason: str
    created_at: str  # UTC, as stored
    unit_cost: int | None = None
    supplier: str | None = None
    note: str | None = None
    sale_id: int | None = None


@dataclass(frozen=True, slots=True)
class Received:
    """One line of a delivery: the item, how many came, and their unit cost if typed."""

    sku: str
    qty: int
    unit_cost: int | None = None


@dataclass(frozen=True, slots=True)
class OpnameLine:
    """One counted item before saving: the difference in units and in rupiah."""

    sku: str
    name: str
    stock: int
    counted: int
    cost: int

    @property
    def difference(self) -> int:
        return self.counted - self.stock

    @property
    def value(self) -> int:
        return self.difference * self.cost


@dataclass(frozen=True, slots=True)
class LowStockItem:
    sku: str
    name: str
    stock: int
    min_stock: int
    sold_28d: int
    suggested_order: int

    @property
    def per_day(self) -> float:
        return self.sold_28d / RATE_DAYS


@dataclass(frozen=True, slots=True)
class StockValue:
    items: int
    units: int
    value: int  # at average cost


_SQL_MOVE = ("INSERT INTO stock_movements (product_id, delta, stock_after, reason, created_at, "
             "unit_cost, supplier, note, user_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
_SQL_SET = "UPDATE products SET stock = ?, cost = ?, updated_at = ? WHERE id = ?"
_SQL_MOVEMENTS = ("SELECT m.id, p.sku, p.name, m.delta, m.stock_after, m.reason, m.created_at, "
                  "m.unit_cost, m.supplier, m.note, m.sale_id FROM stock_movements m "
                  "JOIN products p ON p.id = m.product_id")
# The partial index holds exactly the goods that can be low; named, so the planner (with
# no ANALYZE statistics) never prefers the stock-value index's walk over every item.
_LOW_FROM = "FROM products INDEXED BY ix_products_low_stock"
SQL_LOW = (f"SELECT id, sku, name, stock, min_stock {_LOW_FROM} "
            "WHERE kind = 'physical' AND active = 1 AND stock - min_stock <= 0 "
            "ORDER BY stock - min_stock, id LIMIT ?")
LOW_STOCK_COUNT = (f"SELECT count(*) {_LOW_FROM} WHERE kind = 'physical' AND active = 1 "
                   "AND stock - min_stock <= 0")
_SQL_SOLD = ("SELECT product_id, -sum(delta) FROM stock_movements WHERE product_id IN "
             "({marks}) AND reason = 'sale' AND created_at >= ? GROUP BY product_id")
_SQL_VALUE = ("SELECT count(*), coalesce(sum(stock), 0), coalesce(sum(stock * cost), 0) "
              "FROM products WHERE kind = 'physical'")


def average_cost(stock: int, cost: int, qty: int, unit_cost: int) -> int:
    """The average unit cost after receiving ``qty`` at ``unit_cost`` (whole rupiah, half
    up); what is on the shelf below zero units counts as nothing."""
    held = max(stock, 0)
    if held + qty <= 0:
        return unit_cost
    return (held * cost + qty * unit_cost + (held + qty) // 2) // (held + qty)


def suggested_order(stock: int, min_stock: int, sold: int, days: int) -> int:
    """Units to order: what sells until the next delivery (the last 28 days' rate times the
    days), plus the minimum to keep, less what is on the shelf; never below zero."""
    need = math.ceil(sold * days / RATE_DAYS) + min_stock - max(stock, 0)
    return max(need, 0)


def ledger_mismatches(cur: sqlite3.Cursor) -> list[tuple[str, int, int]]:
    """(sku, stock, sum of movements) of every item whose stock is not the sum of its
    movements, nor the last movement's ``stock_after``. Empty when the ledger holds."""
    rows = cur.execute(
        "SELECT p.sku, coalesce(p.stock, 0), coalesce(sum(m.delta), 0), "
        "(SELECT stock_after FROM stock_movements WHERE product_id = p.id "
        " ORDER BY id DESC LIMIT 1) "
        "FROM products p LEFT JOIN stock_movements m ON m.product_id = p.id "
        "WHERE p.kind = 'physical' GROUP BY p.id").fetchall()
    return [(sku, stock, total) for sku, stock, total, last in rows
            if stock != total or (last is not None and last != stock)]


def _check_qty(qty: int, name: str) -> None:
    if not 0 < qty <= MAX_UNITS:
        raise KioskError("error.stock_qty_range", name=name, max=MAX_UNITS)


def _note(text: str | None, key: str) -> str | None:
    text = " ".join((text or "").split())
    if len(text) > MAX_NOTE:
        raise KioskError(key, max=MAX_NOTE)
    return text or None


class StockService:
    def __init__(self, db: Database, catalog: CatalogService, events: EventBus,
                 settings: Settings, clock: Clock = utc_now) -> None:
        self._db = db
        self._catalog = catalog
        self._events = events
        self._settings = settings
        self._clock = clock

    # -- changing ---------------------------------------------------------------------------
    def receive(self, user: User, sku: str, qty: int, unit_cost: int | None = None,
                supplier: str | None = None) -> Movement:
        """A delivery: stock up by ``qty``; the average cost takes in ``unit_cost``."""
        return self.receive_many(user, [Received(sku, qty, unit_cost)], supplier)[0]

    def receive_many(self, user: User, lines: Sequence[Received],
                     supplier: str | None = None) -> list[Movement]:
        """One delivery of several items (one supplier): every line or none, in one
        transaction; each item's stock goes up and its average cost takes in the line's
        unit cost (the current cost when none is given). An item twice is refused."""
        require(user, Permission.RECEIVE_STOCK)
        supplier = _note(supplier, "error.stock_supplier_format")
        if not lines:
            raise KioskError("error.stock_nothing_received")
        skus = [line.sku.strip() for line in lines]
        if len(set(skus)) != len(skus):
            raise KioskError("error.stock_received_twice",
                             sku=next(s for s in skus if skus.count(s) > 1))
        moves: list[tuple[Movement, bool]] = []
        stamp = db_text(self._clock())  # one delivery, one moment
        with self._db.write_raw() as cur:
            for line in lines:
                item = self._item(cur, line.sku)
                _check_qty(line.qty, item.name)
                cost = item.cost if line.unit_cost is None else line.unit_cost
                if not 0 <= cost <= MAX_RUPIAH:
                    raise KioskError("error.goods_cost_range", name=item.name)
                avg = average_cost(item.stock, item.cost, line.qty, cost)
                moves.append((self._move(cur, user, item, line.qty, StockReason.RECEIVE, avg,
                                         unit_cost=cost, supplier=supplier, stamp=stamp),
                              avg != item.cost))
        if any(repriced for _move, repriced in moves):
            self._catalog.invalidate()
            self._events.trigger(CATALOG_CHANGED)
        else:
            for move, _repriced in moves:
                self._changed(invalidate=False, sku=move.sku, stock=move.stock_after)
        return [move for move, _repriced in moves]

    def remove(self, user: User, sku: str, qty: int, reason: StockReason,
               note: str | None = None, supplier: str | None = None) -> Movement:
        """Return to the supplier, damage or loss: stock down by ``qty``, never below zero."""
        require(user, Permission.MANAGE_STOCK)
        if reason not in OUTGOING:
            raise ValueError(reason)
        note = _note(note, "error.stock_reason_format")
        supplier = _note(supplier, "error.stock_supplier_format")
        with self._db.write_raw() as cur:
            item = self._item(cur, sku)
            _check_qty(qty, item.name)
            if item.stock - qty < 0:
                raise KioskError("error.stock_below_zero", name=item.name, stock=item.stock,
                                 qty=qty)
            move = self._move(cur, user, item, -qty, reason, item.cost, supplier=supplier,
                              note=note)
        self._changed(invalidate=False, sku=item.sku, stock=move.stock_after)
        return move

    def preview_count(self, counts: Sequence[tuple[str, int]]) -> list[OpnameLine]:
        """Stock opname before saving: each counted item with its difference."""
        with self._db.read_raw() as cur:
            return [self._opname_line(cur, sku, counted) for sku, counted in counts]

    def adjust(self, user: User, counts: Sequence[tuple[str, int]], reason: str) -> list[Movement]:
        """Stock opname: the counted quantities replace the recorded ones, all in one
        transaction; each difference is a movement (an item counted as recorded gets none)."""
        require(user, Permission.MANAGE_STOCK)
        note = _note(reason, "error.stock_reason_format")
        if note is None:
            raise KioskError("error.stock_reason_required")
        if not counts:
            raise KioskError("error.stock_nothing_counted")
        skus = [sku.strip() for sku, _ in counts]
        if len(set(skus)) != len(skus):
            raise KioskError("error.stock_counted_twice")
        moves: list[Movement] = []
        with self._db.write_raw() as cur:
            lines = [self._opname_line(cur, sku, counted) for sku, counted in counts]
            for line in lines:
                if line.difference:
                    item = self._item(cur, line.sku)
                    moves.append(self._move(cur, user, item, line.difference,
                                            StockReason.ADJUST, item.cost, note=note))
        for move in moves:
            self._changed(invalidate=False, sku=move.sku, stock=move.stock_after)
        return moves

    # -- reading ------------------------------------------------------------------------------
    def movements(self, sku: str | None = None, before_id: int | None = None,
                  limit: int = MOVEMENTS_PAGE) -> list[Movement]:
        """Newest first, ``limit`` at a time (``before_id``: the oldest already shown)."""
        limit = max(1, min(limit, 1000))
        where, params = [], []
        with self._db.read_raw() as cur:
            if sku is not None:
                where.append("m.product_id = ?")
                params.append(self._item(cur, sku).id)
            if before_id is not None:
                where.append("m.id < ?")
                params.append(before_id)
            sql = _SQL_MOVEMENTS + (" WHERE " + " AND ".join(where) if where else "")
            rows = cur.execute(sql + " ORDER BY m.id DESC LIMIT ?", (*params, limit)).fetchall()
        return [Movement(*r) for r in rows]

    def delivery_days(self) -> int:
        return int(self._settings.get(DELIVERY_DAYS, DEFAULT_DELIVERY_DAYS))

    def low_stock(self, limit: int = LOW_STOCK_LIMIT) -> list[LowStockItem]:
        """Active goods at or below their minimum ("Stok menipis"), emptiest first, each
        with what to order (the 28-day sales rate times the days until the next delivery)."""
        days = self.delivery_days()
        since = db_text(self._clock() - timedelta(days=RATE_DAYS))
        with self._db.read_raw() as cur:
            rows = cur.execute(SQL_LOW, (limit,)).fetchall()
            sold: dict[int, int] = {}
            for start in range(0, len(rows), 500):  # SQLite's parameter limit, with room
                ids = [r[0] for r in rows[start:start + 500]]
                marks = ",".join("?" * len(ids))
                sold.update(cur.execute(_SQL_SOLD.format(marks=marks), (*ids, since)))
        return [LowStockItem(sku, name, stock or 0, min_stock, sold.get(id_, 0),
                             suggested_order(stock or 0, min_stock, sold.get(id_, 0), days))
                for id_, sku, name, stock, min_stock in rows]

    def running_low(self, skus: Sequence[str]) -> list[LowStockItem]:
        """Of these goods (a sale's), the active ones now at or below their minimum but not
        gone (the sale itself says "habis"): what the counter says right after the sale.
        Read by SKU (its unique index), never a scan; no rate figures (the Stok menipis
        list has those)."""
        wanted = sorted(set(skus))[:500]
        if not wanted:
            return []
        marks = ",".join("?" * len(wanted))
        with self._db.read_raw() as cur:
            rows = cur.execute(
                f"SELECT sku, name, COALESCE(stock, 0), min_stock FROM products "
                f"WHERE sku IN ({marks}) AND kind = 'physical' AND active = 1 "
                f"AND stock > 0 AND stock <= min_stock ORDER BY sku", wanted).fetchall()
        return [LowStockItem(sku, name, stock, least, 0, 0) for sku, name, stock, least in rows]

    def low_stock_count(self) -> int:
        """How many goods are low (the owner's badge)."""
        with self._db.read_raw() as cur:
            return cur.execute(LOW_STOCK_COUNT).fetchone()[0]

    def value(self) -> StockValue:
        with self._db.read_raw() as cur:
            return StockValue(*cur.execute(_SQL_VALUE).fetchone())

    def check(self) -> list[tuple[str, int, int]]:
        """Items whose stock is not the sum of their movements (empty: the ledger holds)."""
        with self._db.read_raw() as cur:
            return ledger_mismatches(cur)

    # -- inside a transaction -------------------------------------------------------------------
    def _item(self, cur: sqlite3.Cursor, sku: str) -> GoodsItem:
        item = item_by_sku(cur, sku.strip())
        if item is None:
            raise UnknownProduct("error.goods_unknown", sku=sku.strip())
        return item

    def _opname_line(self, cur: sqlite3.Cursor, sku: str, counted: int) -> OpnameLine:
        item = self._item(cur, sku)
        if not 0 <= counted <= MAX_UNITS:
            raise KioskError("error.stock_counted_range", name=item.name, max=MAX_UNITS)
        return OpnameLine(item.sku, item.name, item.stock, counted, item.cost)

    def _move(self, cur: sqlite3.Cursor, user: User, item: GoodsItem, delta: int,
              reason: StockReason, cost: int, *, unit_cost: int | None = None,
              supplier: str | None = None, note: str | None = None,
              stamp: str | None = None) -> Movement:
        stamp = stamp or db_text(self._clock())
        after = item.stock + delta
        move_id = cur.execute(_SQL_MOVE, (item.id, delta, after, reason.value, stamp, unit_cost,
                                          supplier, note, user.id)).lastrowid
        cur.execute(_SQL_SET, (after, cost, stamp, item.id))
        return Movement(int(move_id), item.sku, item.name, delta, after, reason.value, stamp,
                        unit_cost, supplier, note)

    def _changed(self, *, invalidate: bool, sku: str, stock: int) -> None:
        if invalidate:
            self._catalog.invalidate()
        else:
            self._catalog.note_stock(sku, stock)
        self._events.trigger(CATALOG_CHANGED)


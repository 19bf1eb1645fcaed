"""Goods (physical products) run by the owner: add, edit, retire, look up.

An item has a SKU, a name, a category, one or more barcodes (``product_barcodes``, each
unique), a unit cost (the average cost, kept by receiving), a selling price and a minimum
stock. Retired goods stay in history and reports; they are never deleted. The stock itself
changes only through movements (:mod:`kiosk_pos.core.stock`).

Reads and writes go through plain sqlite3, like the sale path: the CSV import of ten
thousand rows uses the same checks as one item added by hand.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from kiosk_pos.core.catalog import CatalogService
from kiosk_pos.core.clock import Clock, db_text, utc_now
from kiosk_pos.core.errors import KioskError, UnknownProduct
from kiosk_pos.core.events import CATALOG_CHANGED, EventBus
from kiosk_pos.core.permissions import Permission, require
from kiosk_pos.core.records import ProductKind, User
from kiosk_pos.store import Database

PHYSICAL = ProductKind.PHYSICAL.value
MAX_SKU, MAX_NAME, MAX_CATEGORY, MAX_BARCODE = 64, 200, 64, 64
MAX_RUPIAH = 1_000_000_000  # one item never costs a billion rupiah: a typo
MAX_UNITS = 1_000_000
GOODS_PAGE = 500

_ITEM_COLUMNS = "id, sku, name, kind, category, price, cost, min_stock, stock, active"
_SQL_BY_SKU = f"SELECT {_ITEM_COLUMNS} FROM products WHERE sku = ?"
_SQL_BARCODES_OF = "SELECT barcode FROM product_barcodes WHERE product_id = ? ORDER BY id"
_SQL_BARCODE_OWNER = ("SELECT p.sku, p.name FROM product_barcodes b "
                      "JOIN products p ON p.id = b.product_id WHERE b.barcode = ?")
_SQL_INSERT = ("INSERT INTO products (sku, name, kind, operator, nominal, cost, price, barcode, "
               "stock, active, updated_at, category, min_stock) "
               "VALUES (?, ?, 'physical', NULL, 0, ?, ?, ?, 0, 1, ?, ?, ?)")
_SQL_ADD_BARCODE = "INSERT INTO product_barcodes (product_id, barcode) VALUES (?, ?)"
_SQL_DROP_BARCODE = "DELETE FROM product_barcodes WHERE product_id = ? AND barcode = ?"
_SQL_FIRST_BARCODE = ("UPDATE products SET barcode = (SELECT barcode FROM product_barcodes "
                      "WHERE product_id = ? ORDER BY id LIMIT 1) WHERE id = ?")
_SQL_UPDATE = ("UPDATE products SET name = ?, category = ?, price = ?, cost = ?, min_stock = ?, "
               "active = ?, updated_at = ? WHERE id = ?")


_SKU = re.compile(rf"\S{{1,{MAX_SKU}}}")
_BARCODE = re.compile(rf"[!-~]{{1,{MAX_BARCODE}}}")  # printable ASCII, no space
_NUMBER = re.compile(r"-?\d{1,9}", re.ASCII)
# at most 12 digits (a billion rupiah is already refused as a typo), ASCII digits only
_WHOLE = re.compile(r"^(?:rp\.?\s*)?(\d{1,3}(?:\.\d{3}){1,3}|\d{1,12})$",
                    re.IGNORECASE | re.ASCII)


def _shown(text: str) -> str:
    """What was typed, as a sentence can quote it (short, and printable anywhere)."""
    text = text.strip()
    text = text if len(text) <= 40 else text[:40] + "..."
    return text.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\0")


def whole_rupiah(text: str) -> int:
    """``15000``, ``15.000`` or ``Rp15.000`` as int rupiah; anything else (a fraction such
    as ``1500,50``, a sign, a word) is refused rather than guessed."""
    if text.isascii() and text.isdigit() and len(text) <= 12:  # the common case, fast
        return int(text)
    match = _WHOLE.match(text.strip())
    if not match:
        raise KioskError("error.rupiah_format", text=_shown(text))
    return int(match.group(1).replace(".", ""))


def whole_number(text: str) -> int:
    """A count of units: plain digits (``-`` allowed, the range check says why it fails)."""
    if text.isascii() and text.isdigit() and len(text) < 10:
        return int(text)
    raw = text.strip()
    if not _NUMBER.fullmatch(raw):
        raise KioskError("error.number_format", text=_shown(raw))
    return int(raw)


class PriceBelowCost(KioskError):
    """The selling price is under the unit cost: allowed only when the owner confirms."""


@dataclass(frozen=True, slots=True)
class GoodsItem:
    id: int
    sku: str
    name: str
    category: str | None
    price: int
    cost: int          # average unit cost
    min_stock: int
    stock: int
    active: bool
    barcodes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NewGoods:
    sku: str
    name: str
    price: int
    cost: int
    category: str | None = None
    barcodes: tuple[str, ...] = ()
    min_stock: int = 0


@dataclass(frozen=True, slots=True)
class GoodsChange:
    """What an edit changes; ``None`` leaves a field as it is."""

    name: str | None = None
    price: int | None = None
    cost: int | None = None
    category: str | None = None
    min_stock: int | None = None
    active: bool | None = None
    add_barcodes: tuple[str, ...] = ()
    remove_barcodes: tuple[str, ...] = ()


# -- checks shared by the screen, the CLI and the CSV import ---------------------------------
def check_sku(sku: str) -> str:
    sku = sku.strip()
    if not _SKU.fullmatch(sku) or not sku.isprintable():
        raise KioskError("error.goods_sku_format", max=MAX_SKU)
    return sku


def check_name(name: str) -> str:
    name = " ".join(name.split())
    if not name or len(name) > MAX_NAME or not name.isprintable():  # no NUL or control bytes
        raise KioskError("error.goods_name_format", max=MAX_NAME)
    return name


def check_category(category: str | None) -> str | None:
    category = " ".join((category or "").split())
    if len(category) > MAX_CATEGORY:
        raise KioskError("error.goods_category_format", max=MAX_CATEGORY)
    return category or None


def check_barcode(code: str) -> str:
    """EAN-13, UPC, Code128 as a scanner types them: printable ASCII without spaces."""
    code = code.strip()
    if not _BARCODE.fullmatch(code):
        raise KioskError("error.goods_barcode_format", barcode=code, max=MAX_BARCODE)
    return code


def check_price(price: int, cost: int, name: str, allow_below_cost: bool) -> None:
    if not 0 < price <= MAX_RUPIAH:
        raise KioskError("error.goods_price_range", name=name)
    if not 0 <= cost <= MAX_RUPIAH:
        raise KioskError("error.goods_cost_range", name=name)
    if price < cost and not allow_below_cost:
        raise PriceBelowCost("error.goods_below_cost", name=name, price=price, cost=cost)


def check_min_stock(min_stock: int) -> None:
    if not 0 <= min_stock <= MAX_UNITS:
        raise KioskError("error.goods_min_stock_range", max=MAX_UNITS)


# -- reading and writing on a cursor (one transaction is the caller's) ------------------------
def item_by_sku(cur: sqlite3.Cursor, sku: str) -> GoodsItem | None:
    """The physical item with this SKU (retired too), or None. An electronic product's SKU
    raises: those belong to the distributor's price list."""
    row = cur.execute(_SQL_BY_SKU, (sku,)).fetchone()
    if row is None:
        return None
    id_, sku, name, kind, category, price, cost, min_stock, stock, active = row
    if kind != PHYSICAL:
        raise KioskError("error.goods_is_electronic", sku=sku, name=name)
    codes = tuple(r[0] for r in cur.execute(_SQL_BARCODES_OF, (id_,)))
    return GoodsItem(id_, sku, name, category, price, cost, min_stock, stock or 0, bool(active),
                     codes)


def barcode_owner(cur: sqlite3.Cursor, barcode: str) -> tuple[str, str] | None:
    """(sku, name) of the item a barcode belongs to."""
    row = cur.execute(_SQL_BARCODE_OWNER, (barcode,)).fetchone()
    return (row[0], row[1]) if row else None


def refuse_taken_barcode(cur: sqlite3.Cursor, barcode: str, own_sku: str | None) -> None:
    owner = barcode_owner(cur, barcode)
    if owner is not None and owner[0] != own_sku:
        raise KioskError("error.goods_barcode_taken", barcode=barcode, sku=owner[0],
                         name=owner[1])


def insert_item(cur: sqlite3.Cursor, item: NewGoods, stamp: str) -> int:
    first = item.barcodes[0] if item.barcodes else None
    item_id = cur.execute(_SQL_INSERT, (item.sku, item.name, item.cost, item.price, first, stamp,
                                        item.category, item.min_stock)).lastrowid
    cur.executemany(_SQL_ADD_BARCODE, [(item_id, code) for code in item.barcodes])
    return int(item_id)


def update_item(cur: sqlite3.Cursor, item: GoodsItem, stamp: str,
                add: Iterable[str] = (), remove: Iterable[str] = ()) -> None:
    cur.execute(_SQL_UPDATE, (item.name, item.category, item.price, item.cost, item.min_stock,
                              int(item.active), stamp, item.id))
    remove, add = list(remove), list(add)
    cur.executemany(_SQL_DROP_BARCODE, [(item.id, code) for code in remove])
    cur.executemany(_SQL_ADD_BARCODE, [(item.id, code) for code in add])
    if add or remove:
        cur.execute(_SQL_FIRST_BARCODE, (item.id, item.id))


def clean_new(item: NewGoods, allow_below_cost: bool = False) -> NewGoods:
    """The item with its text tidied, or the first refusal (KioskError)."""
    sku, name = check_sku(item.sku), check_name(item.name)
    check_price(item.price, item.cost, name, allow_below_cost)
    check_min_stock(item.min_stock)
    codes = tuple(dict.fromkeys(check_barcode(c) for c in item.barcodes))
    return NewGoods(sku, name, item.price, item.cost, check_category(item.category), codes,
                    item.min_stock)


class GoodsService:
    def __init__(self, db: Database, catalog: CatalogService, events: EventBus,
                 clock: Clock = utc_now) -> None:
        self._db = db
        self._catalog = catalog
        self._events = events
        self._clock = clock

    def _changed(self) -> None:
        self._catalog.invalidate()
        self._events.trigger(CATALOG_CHANGED)

    def add(self, user: User, item: NewGoods, *, allow_below_cost: bool = False) -> GoodsItem:
        require(user, Permission.MANAGE_GOODS)
        item = clean_new(item, allow_below_cost)
        with self._db.write_raw() as cur:
            self._refuse_taken_sku(cur, item.sku)
            for code in item.barcodes:
                refuse_taken_barcode(cur, code, None)
            insert_item(cur, item, db_text(self._clock()))
            saved = item_by_sku(cur, item.sku)
        self._changed()
        assert saved is not None
        return saved

    def edit(self, user: User, sku: str, change: GoodsChange, *,
             allow_below_cost: bool = False) -> GoodsItem:
        require(user, Permission.MANAGE_GOODS)
        add = tuple(dict.fromkeys(check_barcode(c) for c in change.add_barcodes))
        remove = tuple(dict.fromkeys(c.strip() for c in change.remove_barcodes))
        with self._db.write_raw() as cur:
            item = self._existing(cur, sku)
            name = check_name(change.name) if change.name is not None else item.name
            price = item.price if change.price is None else change.price
            cost = item.cost if change.cost is None else change.cost
            check_price(price, cost, name, allow_below_cost)
            min_stock = item.min_stock if change.min_stock is None else change.min_stock
            check_min_stock(min_stock)
            for code in remove:
                if code not in item.barcodes:
                    raise KioskError("error.goods_barcode_not_here", barcode=code, name=item.name)
            add = tuple(c for c in add if c not in item.barcodes)
            for code in add:
                refuse_taken_barcode(cur, code, item.sku)
            category = item.category if change.category is None else check_category(
                change.category)
            active = item.active if change.active is None else change.active
            edited = GoodsItem(item.id, item.sku, name, category, price, cost, min_stock,
                               item.stock, active, item.barcodes)
            update_item(cur, edited, db_text(self._clock()), add, remove)
            saved = item_by_sku(cur, item.sku)
        self._changed()
        assert saved is not None
        return saved

    def retire(self, user: User, sku: str) -> GoodsItem:
        """No longer sold or listed for ordering; kept in history, reports and the export."""
        return self.edit(user, sku, GoodsChange(active=False), allow_below_cost=True)

    def get(self, sku: str) -> GoodsItem:
        with self._db.read_raw() as cur:
            return self._existing(cur, sku)

    def by_barcode(self, barcode: str) -> GoodsItem | None:
        with self._db.read_raw() as cur:
            owner = barcode_owner(cur, barcode.strip())
            return item_by_sku(cur, owner[0]) if owner else None

    def page(self, *, after_sku: str = "", limit: int = GOODS_PAGE,
             include_retired: bool = True) -> list[GoodsItem]:
        """Goods in SKU order, ``limit`` at a time after ``after_sku`` (the unique SKU
        index walks them)."""
        active = "" if include_retired else " AND active = 1"
        with self._db.read_raw() as cur:
            skus = [r[0] for r in cur.execute(
                f"SELECT sku FROM products WHERE kind = 'physical' AND sku > ?{active} "
                "ORDER BY sku LIMIT ?", (after_sku, limit))]
            return [i for i in (item_by_sku(cur, s) for s in skus) if i is not None]

    def iter_all(self, batch: int = GOODS_PAGE) -> Iterable[GoodsItem]:
        """Every item, a page at a time (the export)."""
        after = ""
        while True:
            items = self.page(after_sku=after, limit=batch)
            yield from items
            if len(items) < batch:
                return
            after = items[-1].sku

    def _existing(self, cur: sqlite3.Cursor, sku: str) -> GoodsItem:
        item = item_by_sku(cur, sku.strip())
        if item is None:
            raise UnknownProduct("error.goods_unknown", sku=sku.strip())
        return item

    @staticmethod
    def _refuse_taken_sku(cur: sqlite3.Cursor, sku: str) -> None:
        row = cur.execute("SELECT name FROM products WHERE sku = ?", (sku,)).fetchone()
        if row is not None:
            raise KioskError("error.goods_sku_taken", sku=sku, name=row[0])


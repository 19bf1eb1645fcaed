"""Goods in and out as CSV: how a shop moves in from a spreadsheet or another POS.

The file is UTF-8 (a BOM is fine), its separator ``;`` or ``,`` (read from the header row),
and its header names the columns (English or Indonesian, any order, any case):

    sku (kode)       required; the item's code
    name (nama)      required
    price (harga)    required; whole rupiah (15000 or 15.000)
    cost (modal)     required; whole rupiah, the unit cost
    category (kategori), barcode (several separated by | or spaces),
    min_stock (stok_min), active (aktif: 1/0, ya/tidak), stock (stok: the opening stock of
    an item the file adds; ignored for an item that exists, whose stock moves only by
    receiving and stock opname)

A dry run lists what would be added, changed and refused (with row numbers and reasons);
applying runs the same plan again inside ONE transaction and writes nothing at all if any
row is refused. A column the file lacks leaves that field of existing items as it is.
"""

from __future__ import annotations

import csv
import hashlib
import io
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kiosk_pos.core.catalog import CatalogService
from kiosk_pos.core.clock import Clock, db_text, utc_now
from kiosk_pos.core.errors import KioskError
from kiosk_pos.core.events import CATALOG_CHANGED, EventBus
from kiosk_pos.core.goods import (
    MAX_UNITS,
    PHYSICAL,
    GoodsItem,
    NewGoods,
    check_barcode,
    check_category,
    check_min_stock,
    check_name,
    check_price,
    check_sku,
    update_item,
    whole_number,
    whole_rupiah,
)
from kiosk_pos.core.permissions import Permission, require
from kiosk_pos.core.records import User
from kiosk_pos.store import Database

COLUMNS = ("sku", "name", "category", "barcode", "price", "cost", "min_stock", "active",
           "stock")
REQUIRED = ("sku", "name", "price", "cost")
ALIASES = {"kode": "sku", "nama": "name", "kategori": "category", "harga": "price",
           "harga_jual": "price", "modal": "cost", "harga_modal": "cost", "stok_min": "min_stock",
           "stok_minimum": "min_stock", "aktif": "active", "stok": "stock"}
MAX_ROWS = 100_000
_YES, _NO = {"1", "ya", "y", "yes", "true", "aktif"}, {"0", "tidak", "no", "n", "false"}
_OPENING = ("INSERT INTO stock_movements (product_id, delta, stock_after, reason, created_at, "
            "unit_cost, note, user_id) VALUES (?, ?, ?, 'opening', ?, ?, 'import', ?)")
_INSERT = ("INSERT INTO products (sku, name, kind, operator, nominal, cost, price, barcode, "
           "stock, active, updated_at, category, min_stock) "
           "VALUES (?, ?, 'physical', NULL, 0, ?, ?, ?, ?, ?, ?, ?, ?)")
_BARCODE = "INSERT INTO product_barcodes (product_id, barcode) VALUES (?, ?)"
# What a plan was made from: the file, and the goods as they were (an edit moves max
# updated_at, adding or removing a barcode moves the barcode count or max id).
_GOODS_STATE = ("SELECT (SELECT count(*) FROM products), (SELECT max(id) FROM products), "
                "(SELECT max(updated_at) FROM products), (SELECT count(*) FROM product_barcodes),"
                " (SELECT max(id) FROM product_barcodes)")


@dataclass(frozen=True, slots=True)
class RowNote:
    row: int     # the spreadsheet's row number (the header is row 1)
    sku: str
    detail: str  # what changes, or why the row is refused


@dataclass(slots=True)
class ImportPlan:
    added: list[RowNote] = field(default_factory=list)
    changed: list[RowNote] = field(default_factory=list)
    refused: list[RowNote] = field(default_factory=list)
    unchanged: int = 0
    _new: list[tuple[NewGoods, int, bool]] = field(default_factory=list)  # item, stock, active
    _edits: list[tuple[GoodsItem, tuple[str, ...], tuple[str, ...]]] = field(
        default_factory=list)
    _basis: tuple = ()  # the file and the goods it was checked against (see _basis)

    @property
    def nothing_to_change(self) -> bool:
        return not (self.added or self.changed or self.refused)


def read_rows(data: bytes) -> tuple[list[str], list[list[str]]]:
    """The header's column names and the data rows of a CSV file's bytes."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise KioskError("error.csv_encoding", line=line) from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise KioskError("error.csv_malformed", line=1, detail=str(exc)) from None
    if not header or not any(h.strip() for h in header):
        raise KioskError("error.csv_empty")
    names = [ALIASES.get(h.strip().lower(), h.strip().lower()) for h in header]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise KioskError("error.csv_missing_column", columns=", ".join(missing),
                         separator=delimiter)
    rows = []
    try:
        for row in reader:
            if len(rows) >= MAX_ROWS:
                raise KioskError("error.csv_too_long", max=MAX_ROWS)
            rows.append(row)
    except csv.Error as exc:  # a NUL byte, a cell past csv's size limit
        raise KioskError("error.csv_malformed", line=reader.line_num, detail=str(exc)) from None
    return names, rows


def _flag(text: str) -> bool:
    value = text.strip().lower()
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise KioskError("error.csv_active_format", text=text.strip())


def _codes(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(check_barcode(c) for c in text.replace("|", " ").split()))


class _Planner:
    """Checks every row against the database as it is and against the rows before it."""

    def __init__(self, cur: sqlite3.Cursor) -> None:
        self.items: dict[str, tuple[GoodsItem, str]] = {}  # sku -> (item, kind)
        by_id: dict[int, str] = {}
        for id_, sku, name, kind, cat, price, cost, min_stock, stock, active in cur.execute(
                "SELECT id, sku, name, kind, category, price, cost, min_stock, stock, active "
                "FROM products"):
            self.items[sku] = (GoodsItem(id_, sku, name, cat, price, cost, min_stock,
                                         stock or 0, bool(active)), kind)
            by_id[id_] = sku
        self.owner: dict[str, str] = {}  # barcode -> sku
        codes: dict[str, list[str]] = {}
        for code, product_id in cur.execute(
                "SELECT barcode, product_id FROM product_barcodes ORDER BY id"):
            self.owner[code] = by_id[product_id]
            codes.setdefault(by_id[product_id], []).append(code)
        for sku, found in codes.items():
            item, kind = self.items[sku]
            self.items[sku] = (GoodsItem(*_fields(item)[:-1], tuple(found)), kind)
        self.seen: dict[str, int] = {}  # sku -> its row in the file
        self.names: dict[str, str] = {}  # sku -> its name in the file

    def name_of(self, sku: str) -> str:
        return self.items[sku][0].name if sku in self.items else sku

    def row(self, plan: ImportPlan, number: int, values: dict[str, str]) -> None:
        sku = check_sku(values.get("sku", ""))
        if sku in self.seen:
            raise KioskError("error.csv_sku_twice", sku=sku, row=self.seen[sku])
        self.seen[sku] = number
        existing = self.items.get(sku)
        if existing is not None and existing[1] != PHYSICAL:
            raise KioskError("error.goods_is_electronic", sku=sku, name=existing[0].name)
        old = existing[0] if existing else None
        name = check_name(values["name"])
        price, cost = whole_rupiah(values["price"]), whole_rupiah(values["cost"])
        check_price(price, cost, name, allow_below_cost=False)
        category = check_category(values["category"]) if "category" in values else (
            old.category if old else None)
        min_text = values.get("min_stock", "").strip()
        min_stock = whole_number(min_text) if min_text else (
            old.min_stock if old and "min_stock" not in values else 0)
        check_min_stock(min_stock)
        active_text = values.get("active", "").strip()
        active = _flag(active_text) if active_text else (old.active if old else True)
        codes = _codes(values["barcode"]) if "barcode" in values else (
            old.barcodes if old else ())
        for code in codes:
            taken = self.owner.get(code)
            if taken is not None and taken != sku:
                raise KioskError("error.goods_barcode_taken", barcode=code, sku=taken,
                                 name=self.names.get(taken) or self.name_of(taken))
        stock_text = values.get("stock", "").strip()
        opening = whole_number(stock_text) if stock_text and old is None else 0
        if not 0 <= opening <= MAX_UNITS:
            raise KioskError("error.stock_counted_range", name=name, max=MAX_UNITS)
        for code in codes:
            self.owner[code] = sku
        self.names[sku] = name
        if old is None:
            plan._new.append((NewGoods(sku, name, price, cost, category, codes, min_stock),
                              opening, active))
            plan.added.append(RowNote(number, sku, name))
            return
        new = GoodsItem(old.id, sku, name, category, price, cost, min_stock, old.stock, active,
                        codes)
        diff = [f"{label}: {a if a is not None else '-'} -> {b if b is not None else '-'}"
                for label, a, b in zip(_LABELS, _fields(old)[2:], _fields(new)[2:], strict=True)
                if a != b]
        if not diff:
            plan.unchanged += 1
            return
        add = tuple(c for c in codes if c not in old.barcodes)
        remove = tuple(c for c in old.barcodes if c not in codes)
        plan._edits.append((new, add, remove))
        plan.changed.append(RowNote(number, sku, "; ".join(diff)))


_LABELS = ("name", "category", "price", "cost", "min_stock", "stock", "active", "barcode")


def _fields(item: GoodsItem) -> tuple:
    return (item.id, item.sku, item.name, item.category, item.price, item.cost, item.min_stock,
            item.stock, item.active, item.barcodes)


def _basis(cur: sqlite3.Cursor, data: bytes) -> tuple:
    return (hashlib.blake2b(data, digest_size=16).digest(),
            *cur.execute(_GOODS_STATE).fetchone())


def make_plan(cur: sqlite3.Cursor, names: Sequence[str], rows: Iterable[list[str]]
              ) -> ImportPlan:
    planner, plan = _Planner(cur), ImportPlan()
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue  # a blank line
        values = dict(zip(names, row, strict=False))
        try:
            if len(row) > len(names):
                raise KioskError("error.csv_row_long", cells=len(row), columns=len(names))
            for column in REQUIRED:
                if column not in values:
                    raise KioskError("error.csv_row_short", column=column)
            planner.row(plan, number, values)
        except KioskError as exc:
            plan.refused.append(RowNote(number, (values.get("sku") or "").strip(), exc.message))
    return plan


def _insert_new(cur: sqlite3.Cursor, new: list[tuple[NewGoods, int, bool]], stamp: str,
                user_id: int) -> None:
    """The added goods in bulk: their rows take the ids after the largest (SQLite's rowid),
    which are read back to attach barcodes and opening stock."""
    if not new:
        return
    before = cur.execute("SELECT coalesce(max(id), 0) FROM products").fetchone()[0]
    cur.executemany(_INSERT, [(i.sku, i.name, i.cost, i.price, i.barcodes[0] if i.barcodes
                               else None, opening, int(active), stamp, i.category, i.min_stock)
                              for i, opening, active in new])
    ids = dict(cur.execute("SELECT sku, id FROM products WHERE id > ?", (before,)))
    cur.executemany(_BARCODE, [(ids[i.sku], code) for i, _, _ in new for code in i.barcodes])
    cur.executemany(_OPENING, [(ids[i.sku], opening, opening, stamp, i.cost, user_id)
                               for i, opening, _ in new if opening])


class GoodsCsv:
    def __init__(self, db: Database, catalog: CatalogService, events: EventBus,
                 clock: Clock = utc_now) -> None:
        self._db = db
        self._catalog = catalog
        self._events = events
        self._clock = clock

    def dry_run(self, user: User, data: bytes) -> ImportPlan:
        require(user, Permission.MANAGE_GOODS)
        names, rows = read_rows(data)
        with self._db.read_raw() as cur:
            plan = make_plan(cur, names, rows)
            plan._basis = _basis(cur, data)
            return plan

    def apply(self, user: User, data: bytes, checked: ImportPlan | None = None) -> ImportPlan:
        """The whole file in one transaction, or nothing if any row is refused. ``checked``:
        this file's dry run, used as it is if the goods have not changed since (otherwise
        the file is checked again inside the transaction)."""
        require(user, Permission.MANAGE_GOODS)
        stamp = db_text(self._clock())
        with self._db.write_raw() as cur:
            basis = _basis(cur, data)
            if checked is not None and checked._basis == basis:
                plan = checked
            else:
                plan = make_plan(cur, *read_rows(data))
            if plan.refused:
                first = plan.refused[0]
                raise KioskError("error.csv_refused", count=len(plan.refused), row=first.row,
                                 reason=first.detail)
            _insert_new(cur, plan._new, stamp, user.id)
            for item, add, remove in plan._edits:
                update_item(cur, item, stamp, add, remove)
        if not plan.nothing_to_change:
            self._catalog.invalidate()
            self._events.trigger(CATALOG_CHANGED)
        return plan

    def export(self, items: Iterable[GoodsItem], path: Path, delimiter: str = ";") -> int:
        """Write goods to ``path`` (UTF-8 with a BOM, so a spreadsheet reads it as UTF-8);
        returns how many rows."""
        count = 0
        with open(path, "w", encoding="utf-8-sig", newline="") as fh:
            out = csv.writer(fh, delimiter=delimiter)
            out.writerow(COLUMNS)
            for i in items:
                out.writerow([i.sku, i.name, i.category or "", " ".join(i.barcodes), i.price,
                              i.cost, i.min_stock, 1 if i.active else 0, i.stock])
                count += 1
        return count

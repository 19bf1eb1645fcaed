"""The price list and goods, held in memory for the sales screen, kept in the store.

``Catalog`` is an immutable index rebuilt when products change, so the screen's
number -> operator -> product list step is a few dict look-ups. Loading it is on the
start-up path, so it reads through plain sqlite3 (no SQLAlchemy); changing the catalogue
imports SQLAlchemy when it is first needed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from sqlite3 import Cursor
from typing import TYPE_CHECKING

from kiosk_pos.core.clock import to_db, utc_now
from kiosk_pos.core.errors import KioskError, UnknownProduct
from kiosk_pos.core.phone import Operator, PrefixTable, looks_like_partial_phone
from kiosk_pos.core.records import Product, ProductKind
from kiosk_pos.store import Database

if TYPE_CHECKING:
    from sqlalchemy import Connection

# The columns product_from_row reads, in the order product_from_tuple expects them.
_PRODUCT_COLUMNS = "id, sku, name, kind, operator, nominal, cost, price, barcode, stock, active"

# Brands whose products do not depend on the customer's number.
NUMBER_FREE_KINDS = (ProductKind.PLN, ProductKind.EWALLET)


@dataclass(frozen=True, slots=True)
class Choice:
    """What the sales screen shows for what the clerk has typed so far."""

    number: str | None
    operator: Operator | None
    products: dict[ProductKind, tuple[Product, ...]]


class Catalog:
    def __init__(self, items: Iterable[Product], prefixes: PrefixTable,
                 barcodes: Iterable[tuple[str, int]] = ()) -> None:
        """``barcodes``: (barcode, product id) of goods with several barcodes."""
        self.prefixes = prefixes
        self.by_sku: dict[str, Product] = {}
        self.by_barcode: dict[str, Product] = {}
        self.barcodes_of: dict[str, list[str]] = defaultdict(list)  # sku -> every barcode
        by_id: dict[int, Product] = {}
        grouped: dict[tuple[str | None, ProductKind], list[Product]] = defaultdict(list)
        free: dict[ProductKind, list[Product]] = defaultdict(list)
        for product in items:
            if not product.active:
                continue
            self.by_sku[product.sku] = product
            if product.id is not None:
                by_id[product.id] = product
            if product.barcode:
                self.by_barcode[product.barcode] = product
                self.barcodes_of[product.sku].append(product.barcode)
            if product.kind in NUMBER_FREE_KINDS:
                free[product.kind].append(product)
            elif product.kind.electronic:
                grouped[(product.operator, product.kind)].append(product)
        for code, product_id in barcodes:
            owner = by_id.get(product_id)
            if owner is not None and code not in self.by_barcode:
                self.by_barcode[code] = owner
                self.barcodes_of[owner.sku].append(code)
        order = lambda p: (p.nominal, p.price, p.name)  # noqa: E731
        self._by_operator = {k: tuple(sorted(v, key=order)) for k, v in grouped.items()}
        self._free = {k: tuple(sorted(v, key=lambda p: (p.operator or "", *order(p))))
                      for k, v in free.items()}
        self._empty = {ProductKind.PULSA: (), ProductKind.DATA: ()}

    @property
    def physical(self) -> list[Product]:
        return sorted((p for p in self.by_sku.values() if p.kind is ProductKind.PHYSICAL),
                      key=lambda p: p.name)

    def __len__(self) -> int:
        return len(self.by_sku)

    def get(self, sku: str) -> Product:
        try:
            return self.by_sku[sku]
        except KeyError:
            raise UnknownProduct("error.unknown_product", sku=sku) from None

    def choices_for(self, typed: str) -> Choice:
        """Products for the number typed so far: the operator's pulsa and data, plus PLN
        and e-wallets (which any number can buy)."""
        number = looks_like_partial_phone(typed) if typed else None
        operator = self.prefixes.operator(number) if number and len(number) >= 4 else None
        result: dict[ProductKind, tuple[Product, ...]] = dict(self._empty)
        if operator is not None:
            for kind in (ProductKind.PULSA, ProductKind.DATA):
                result[kind] = self._by_operator.get((operator.code, kind), ())
        for kind in NUMBER_FREE_KINDS:
            result[kind] = self._free.get(kind, ())
        return Choice(number, operator, result)

    def search(self, text: str, limit: int = 50) -> list[Product]:
        """Goods (and anything else) whose name, SKU or barcode contains ``text``."""
        needle = text.strip().lower()
        if not needle:
            return list(self.physical[:limit])
        hits = [p for p in self.by_sku.values()
                if needle in p.name.lower() or needle in p.sku.lower()
                or (p.barcode and needle == p.barcode)]
        hits.sort(key=lambda p: (p.kind is not ProductKind.PHYSICAL, p.name))
        return hits[:limit]


def product_from_row(row: object) -> Product:
    return Product(
        id=row.id, sku=row.sku, name=row.name, kind=ProductKind(row.kind),  # type: ignore[attr-defined]
        operator=row.operator, nominal=row.nominal, cost=row.cost, price=row.price,  # type: ignore[attr-defined]
        barcode=row.barcode, stock=row.stock, active=bool(row.active),  # type: ignore[attr-defined]
    )


def product_from_tuple(row: tuple) -> Product:
    """A product from a plain sqlite3 row of ``_PRODUCT_COLUMNS``."""
    id_, sku, name, kind, operator, nominal, cost, price, barcode, stock, active = row
    return Product(id=id_, sku=sku, name=name, kind=ProductKind(kind), operator=operator,
                   nominal=nominal, cost=cost, price=price, barcode=barcode, stock=stock,
                   active=bool(active))


class CatalogService:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._catalog: Catalog | None = None

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            self._catalog = self.load()
        return self._catalog

    def invalidate(self) -> None:
        self._catalog = None

    def note_stock(self, sku: str, stock: int) -> None:
        """Keep the in-memory catalogue's stock in step after a sale, without a reload."""
        if self._catalog is not None and sku in self._catalog.by_sku:
            product = replace(self._catalog.by_sku[sku], stock=stock)
            self._catalog.by_sku[sku] = product
            for code in self._catalog.barcodes_of.get(sku, ()):
                self._catalog.by_barcode[code] = product

    def load(self) -> Catalog:
        with self._db.read_raw() as cur:
            rows = cur.execute(f"SELECT {_PRODUCT_COLUMNS} FROM products").fetchall()
            table = read_prefix_table(cur)
            codes = cur.execute("SELECT barcode, product_id FROM product_barcodes").fetchall()
        return Catalog((product_from_tuple(r) for r in rows), table, codes)

    def all_products(self) -> list[Product]:
        with self._db.read_raw() as cur:
            rows = cur.execute(
                f"SELECT {_PRODUCT_COLUMNS} FROM products ORDER BY kind, sku").fetchall()
        return [product_from_tuple(r) for r in rows]

    def upsert(self, items: Iterable[Product]) -> int:
        """Insert or update products by SKU (price-list import, demo data)."""
        from sqlalchemy import select, update

        from kiosk_pos.store.schema import products

        count = 0
        now = to_db(utc_now())
        with self._db.write() as conn:
            for p in items:
                if p.price < p.cost:
                    raise KioskError("error.price_below_cost", sku=p.sku)
                values = dict(name=p.name, kind=p.kind.value, operator=p.operator,
                              nominal=p.nominal, cost=p.cost, price=p.price, barcode=p.barcode,
                              active=p.active, updated_at=now)
                existing = conn.execute(
                    select(products.c.id).where(products.c.sku == p.sku)).scalar()
                if existing is None:
                    existing = conn.execute(products.insert().values(
                        sku=p.sku, stock=p.stock, **values)).inserted_primary_key[0]
                else:
                    conn.execute(update(products).where(products.c.id == existing).values(**values))
                if p.barcode:  # every barcode of an item is in product_barcodes
                    conn.exec_driver_sql(
                        "INSERT OR IGNORE INTO product_barcodes (product_id, barcode) "
                        "VALUES (?, ?)", (existing, p.barcode))
                count += 1
        self.invalidate()
        return count

    def receive_stock(self, sku: str, qty: int, reason: str = "received") -> int:
        """Add (or with a negative qty, write off) goods; returns the new stock."""
        from sqlalchemy import select, update

        from kiosk_pos.store.schema import products, stock_movements

        with self._db.write() as conn:
            row = conn.execute(
                select(products.c.id, products.c.stock, products.c.kind)
                .where(products.c.sku == sku)).first()
            if row is None or row.kind != ProductKind.PHYSICAL.value:
                raise UnknownProduct("error.unknown_product", sku=sku)
            new_stock = (row.stock or 0) + qty
            if new_stock < 0:
                raise KioskError("error.stock_negative", sku=sku)
            conn.execute(update(products).where(products.c.id == row.id).values(stock=new_stock))
            conn.execute(stock_movements.insert().values(
                product_id=row.id, delta=qty, stock_after=new_stock, reason=reason,
                created_at=to_db(utc_now())))
        self.invalidate()
        return new_stock


def read_prefix_table(cur: Cursor) -> PrefixTable:
    """The operators and their prefixes, through a plain sqlite3 cursor."""
    ops = [Operator(code, name, colour)
           for code, name, colour in cur.execute("SELECT code, name, colour FROM operators")]
    prefixes = dict(cur.execute("SELECT prefix, operator FROM operator_prefixes").fetchall())
    return PrefixTable(ops, prefixes)


def load_prefix_table(conn: Connection) -> PrefixTable:
    from sqlalchemy import select

    from kiosk_pos.store.schema import operator_prefixes, operators

    ops = [Operator(r.code, r.name, r.colour) for r in conn.execute(select(operators))]
    prefixes = {r.prefix: r.operator for r in conn.execute(select(operator_prefixes))}
    return PrefixTable(ops, prefixes)


def store_prefix_table(conn: Connection, table: PrefixTable) -> None:
    """Replace the stored operators and prefixes (first run, or a sync that updates them)."""
    from kiosk_pos.store.schema import operator_prefixes, operators

    conn.execute(operator_prefixes.delete())
    conn.execute(operators.delete())
    for op in table.operators.values():
        conn.execute(operators.insert().values(code=op.code, name=op.name, colour=op.colour))
    for prefix, code in table.prefixes().items():
        conn.execute(operator_prefixes.insert().values(prefix=prefix, operator=code))

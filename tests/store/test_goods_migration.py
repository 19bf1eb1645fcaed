"""Migration 0003: a shop made before the back office keeps its goods, their barcodes (now
in product_barcodes) and their stock movements, and ends with the schema a new kiosk has."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kiosk_pos.store import open_database
from kiosk_pos.store.database import Database
from kiosk_pos.store.migrate import upgrade
from kiosk_pos.store.schema import metadata


def _schema(path: Path) -> dict[str, str]:
    conn = sqlite3.connect(path)
    try:
        return {name: sql for name, sql in conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name != "
            "'alembic_version'")}
    finally:
        conn.close()


def test_an_old_shop_keeps_its_goods_and_barcodes(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    db = Database(old)
    upgrade(db, "0002")
    with db.write() as conn:
        conn.exec_driver_sql(
            "INSERT INTO products (sku, name, kind, cost, price, barcode, stock, updated_at) "
            "VALUES ('SP-XL', 'Kartu Perdana XL', 'physical', 8000, 12000, '8991234500035', 4,"
            " '2026-01-02 03:04:05'), ('TSEL10', 'Pulsa 10rb', 'pulsa', 10500, 12000, NULL,"
            " NULL, '2026-01-02 03:04:05')")
        conn.exec_driver_sql(
            "INSERT INTO stock_movements (product_id, delta, stock_after, reason, created_at) "
            "VALUES (1, 4, 4, 'opening', '2026-01-02 03:04:05')")
    db.close()
    open_database(old).close()
    conn = sqlite3.connect(old)
    try:
        assert conn.execute("SELECT product_id, barcode FROM product_barcodes").fetchall() == [
            (1, "8991234500035")]
        assert conn.execute("SELECT sku, stock, min_stock, category FROM products "
                            "ORDER BY id").fetchall() == [("SP-XL", 4, 0, None),
                                                          ("TSEL10", None, 0, None)]
        assert conn.execute("SELECT delta, reason, unit_cost FROM stock_movements").fetchall() \
            == [(4, "opening", None)]
    finally:
        conn.close()
    fresh = tmp_path / "fresh.db"
    open_database(fresh, create=True).close()
    migrated, new = _schema(old), _schema(fresh)
    assert set(migrated) == set(new)
    declared = {ix.name for table in metadata.tables.values() for ix in table.indexes}
    assert {"ix_products_low_stock", "ix_kasbon_entries_customer",
            "ix_stock_movements_rate"} <= declared & set(migrated)
    assert {"customers", "kasbon_entries", "product_barcodes"} <= set(metadata.tables) & set(
        migrated)


def test_schema_py_declares_the_columns_the_migrations_make(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.db"
    open_database(fresh, create=True).close()
    conn = sqlite3.connect(fresh)
    try:
        for name, table in metadata.tables.items():
            made = {row[1] for row in conn.execute(f"PRAGMA table_info({name})")}
            assert made == {c.name for c in table.columns}, name
    finally:
        conn.close()

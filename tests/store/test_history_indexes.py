"""Migration 0002: a kiosk made before it gets the history indexes, keeping its rows, and
ends with exactly the indexes a new kiosk has (and schema.py declares)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kiosk_pos.store import open_database
from kiosk_pos.store.database import Database
from kiosk_pos.store.migrate import upgrade
from kiosk_pos.store.schema import metadata

NEW = {"ix_deposit_ledger_reference", "ix_deposit_ledger_unmatched",
       "ix_deposit_ledger_created_at", "ix_topups_created_at"}


def _indexes(path: Path) -> dict[str, str]:
    conn = sqlite3.connect(path)
    try:
        return {name: sql for name, sql in conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")}
    finally:
        conn.close()


def test_an_old_store_gets_the_indexes_and_keeps_its_rows(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    db = Database(old)
    upgrade(db, "0001")
    with db.write() as conn:
        conn.exec_driver_sql(
            "INSERT INTO deposit_ledger (created_at, amount, balance_after, reason, reference)"
            " VALUES ('2026-01-02 03:04:05', 100000, 100000, 'opening', 'demo')")
    db.close()
    assert not NEW & set(_indexes(old))
    open_database(old).close()
    migrated = _indexes(old)
    assert NEW <= set(migrated)
    assert "WHERE server_seq IS NULL" in migrated["ix_deposit_ledger_unmatched"]
    conn = sqlite3.connect(old)
    assert conn.execute("SELECT reason, amount FROM deposit_ledger").fetchall() == [
        ("opening", 100000)]
    conn.close()
    fresh = tmp_path / "fresh.db"
    open_database(fresh, create=True).close()
    assert _indexes(fresh) == migrated
    declared = {ix.name for table in metadata.tables.values() for ix in table.indexes}
    assert NEW <= declared

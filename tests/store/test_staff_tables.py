"""Migration 0004 (issue 10): a kiosk at 0002 gets the staff, shift, refund and audit
tables, keeps its rows, and ends with the columns and indexes schema.py declares."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import create_engine, inspect

from kiosk_pos.store import open_database
from kiosk_pos.store.database import Database
from kiosk_pos.store.migrate import upgrade
from kiosk_pos.store.schema import metadata

NEW = {"login_guard", "audit_log", "shifts", "cash_movements", "shift_sales", "refunds",
       "refund_lines"}


def _columns(path: Path) -> dict[str, set[str]]:
    engine = create_engine(f"sqlite:///{path}")
    try:
        found = inspect(engine)
        return {t: {c["name"] for c in found.get_columns(t)} | {
            ix["name"] for ix in found.get_indexes(t)} for t in found.get_table_names()}
    finally:
        engine.dispose()


def test_a_0002_store_gets_the_new_tables_and_keeps_its_rows(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    db = Database(old)
    upgrade(db, "0002")
    with db.write() as conn:
        conn.exec_driver_sql("INSERT INTO users (name, role, pin_hash, active, created_at) "
                             "VALUES ('Pemilik', 'owner', 'x', 1, '2026-01-02 03:04:05')")
    db.close()
    assert not NEW & set(_columns(old))
    open_database(old).close()
    migrated = _columns(old)
    conn = sqlite3.connect(old)
    assert conn.execute("SELECT name FROM users").fetchall() == [("Pemilik",)]
    conn.close()
    declared = {t.name: {c.name for c in t.columns} | {ix.name for ix in t.indexes}
                for t in metadata.tables.values() if t.name in NEW}
    assert {t: migrated[t] for t in NEW} == declared

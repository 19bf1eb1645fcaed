"""Migration 0005 (issue 11): a kiosk at 0004 gets the refund acknowledgements table,
keeps its rows, and ends with the columns schema.py declares."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import create_engine, inspect

from kiosk_pos.store import open_database
from kiosk_pos.store.database import Database
from kiosk_pos.store.migrate import upgrade
from kiosk_pos.store.schema import refund_acknowledgements


def _tables(path: Path) -> dict[str, set[str]]:
    engine = create_engine(f"sqlite:///{path}")
    try:
        found = inspect(engine)
        return {t: {c["name"] for c in found.get_columns(t)} for t in found.get_table_names()}
    finally:
        engine.dispose()


def test_a_0004_store_gets_the_acknowledgements_and_keeps_its_rows(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    db = Database(old)
    upgrade(db, "0004")
    with db.write() as conn:
        conn.exec_driver_sql("INSERT INTO users (name, role, pin_hash, active, created_at) "
                             "VALUES ('Pemilik', 'owner', 'x', 1, '2026-01-02 03:04:05')")
    db.close()
    assert "refund_acknowledgements" not in _tables(old)
    open_database(old).close()
    migrated = _tables(old)
    conn = sqlite3.connect(old)
    assert conn.execute("SELECT name FROM users").fetchall() == [("Pemilik",)]
    conn.close()
    assert migrated["refund_acknowledgements"] == {c.name for c in refund_acknowledgements.columns}

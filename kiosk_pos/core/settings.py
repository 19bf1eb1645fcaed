"""The kiosk's own settings, kept as JSON values in the store's ``settings`` table.

Reading them is on the start-up path, so it goes through plain sqlite3 (no SQLAlchemy);
writing imports SQLAlchemy when it is first needed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from kiosk_pos.core.records import KioskInfo
from kiosk_pos.store import Database

if TYPE_CHECKING:
    from sqlalchemy import Connection

KIOSK_NAME = "kiosk.name"
KIOSK_ADDRESS = "kiosk.address"
KIOSK_FOOTER = "kiosk.footer"
KIOSK_TIMEZONE = "kiosk.timezone"
LANGUAGE = "ui.language"
DEFAULT_TIMEZONE = "Asia/Jakarta"


class Settings:
    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, key: str, default: Any = None) -> Any:
        with self._db.read_raw() as cur:
            row = cur.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return default if row is None else json.loads(row[0])

    def set(self, key: str, value: Any) -> None:
        with self._db.write() as conn:
            put(conn, key, value)

    def set_many(self, values: Mapping[str, Any]) -> None:
        """Several settings in one transaction: all of them are saved, or none."""
        with self._db.write() as conn:
            for key, value in values.items():
                put(conn, key, value)

    def delete(self, key: str) -> None:
        """Remove ``key``, its old bytes overwritten in the file (``secure_delete``): for a
        value that must not linger in the database, such as a moved-out secret."""
        with self._db.write_raw() as cur:
            if cur.execute("SELECT 1 FROM settings WHERE key = ?", (key,)).fetchone() is None:
                return
            was = cur.execute("PRAGMA secure_delete").fetchone()[0]
            cur.execute("PRAGMA secure_delete = ON")
            try:
                cur.execute("DELETE FROM settings WHERE key = ?", (key,))
            finally:
                cur.execute(f"PRAGMA secure_delete = {int(was)}")

    def kiosk_info(self) -> KioskInfo:
        with self._db.read_raw() as cur:
            rows = dict(cur.execute("SELECT key, value FROM settings").fetchall())
        def val(key: str, default: str) -> str:
            return json.loads(rows[key]) if key in rows else default
        return KioskInfo(
            name=val(KIOSK_NAME, "Konter Pulsa"),
            address=val(KIOSK_ADDRESS, ""),
            footer=val(KIOSK_FOOTER, "Terima kasih"),
            timezone=val(KIOSK_TIMEZONE, DEFAULT_TIMEZONE),
        )


def put(conn: Connection, key: str, value: Any) -> None:
    from sqlalchemy.dialects.sqlite import insert

    from kiosk_pos.store.schema import settings as settings_table

    stmt = insert(settings_table).values(key=key, value=json.dumps(value))
    conn.execute(stmt.on_conflict_do_update(index_elements=["key"],
                                            set_={"value": stmt.excluded.value}))

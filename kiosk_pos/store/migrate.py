"""Schema migrations (Alembic), imported only when a database needs one."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from alembic import command
from alembic.config import Config

from kiosk_pos.files import make_private, private_umask

if TYPE_CHECKING:
    from kiosk_pos.store.database import Database


MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def backup_database(path: Path, revision: str | None) -> Path:
    """Copy the database (WAL included) beside itself before a migration touches it."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.bak-{revision or 'none'}-{stamp}")
    src = sqlite3.connect(path)
    try:
        with private_umask():
            dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    make_private(target)
    return target


def upgrade(db: Database, revision: str = "head") -> None:
    cfg = alembic_config()
    with db.write() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)

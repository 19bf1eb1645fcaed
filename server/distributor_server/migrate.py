"""Run Alembic migrations in-process (on every start and CLI command)."""

from __future__ import annotations

import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from distributor_server.db import Database

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_LOCK = threading.Lock()


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def migrate(db: Database, load_demo: bool = True) -> None:
    """Upgrade to head; on the first migration of an empty database load the demo price list."""
    with _LOCK:
        fresh = current_revision(db) is None
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
        # SQLite: BEGIN IMMEDIATE, so concurrent first starts queue on the write lock instead
        # of failing to upgrade a read transaction ("database is locked")
        engine = db.engine.execution_options(sqlite_immediate=True) if db.is_sqlite else db.engine
        with engine.begin() as conn:
            if not db.is_sqlite:
                # one migrator at a time across processes
                conn.execute(text("SELECT pg_advisory_xact_lock(715517)"))
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    if fresh and load_demo:
        from distributor_server.products import import_demo_if_empty

        import_demo_if_empty(db)

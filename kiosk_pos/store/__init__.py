"""The offline store: SQLite through SQLAlchemy 2, one writer, Alembic migrations."""

from kiosk_pos.store.database import Database, open_database

__all__ = ["Database", "open_database"]

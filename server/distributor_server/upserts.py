"""``INSERT ... ON CONFLICT`` for the session's dialect (PostgreSQL and SQLite spell it alike)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_for(session: Session) -> Callable:
    """The dialect's ``insert`` (with ``on_conflict_do_*``) for ``session``'s database."""
    return sqlite.insert if session.get_bind().dialect.name == "sqlite" else postgresql.insert

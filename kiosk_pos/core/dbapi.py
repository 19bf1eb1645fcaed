"""The sqlite3 connection under an open SQLAlchemy connection, for the sync's hot statements.

SQLAlchemy Core spends ~65 us of Python on every statement (cache look-ups, events, result
wrapping). A pull runs a handful of statements per change and a busy counter's sync runs
thousands of them, on a thread that holds the GIL the sale path needs between its own
sqlite3 calls: the statements a sync repeats per top-up or per poll run here instead.
They run on the SAME sqlite3 connection, inside the same transaction (the engine starts
it with ``BEGIN``/``BEGIN IMMEDIATE`` and pysqlite's own transaction handling is off), so
atomicity and the writer discipline are exactly as before. Values are written as
SQLAlchemy's SQLite types store them (``clock.db_text`` for a DateTime), so a row reads
back the same through either.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import TypeAlias

    from sqlalchemy import Connection

    # what the read side of the sync also accepts: a ``Database.read_raw`` cursor
    Conn: TypeAlias = Connection | sqlite3.Cursor
    # a write transaction's connection, or its sqlite3 connection taken once (a pull applies
    # thousands of changes in one transaction: see ``change_feed``)
    Writer: TypeAlias = Connection | sqlite3.Connection


def raw(conn: Conn | Writer) -> sqlite3.Connection:
    """The DBAPI connection of ``conn`` (its transaction already begun)."""
    if isinstance(conn, sqlite3.Connection):
        return conn
    if isinstance(conn, sqlite3.Cursor):
        return conn.connection
    driver = conn.connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    return driver

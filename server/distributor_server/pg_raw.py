"""The PostgreSQL hot paths' access to the driver: psycopg 3 on the pool's own connection.

The signed submit and the admission of the other signed routes (:mod:`distributor_server.
pg_hot`) skip SQLAlchemy's execution layer: per statement it cost more CPU than the
statement's own round trip (issue 14's profile). They still take their connection from the
engine's pool (:func:`driver_connection`), so a process has ONE pool, one set of settings
and one ``max_connections`` budget (docs/deploy.md), and they use psycopg's pipeline mode,
which sends several statements and waits once.

Statements are SQLAlchemy constructs compiled once for the PostgreSQL dialect
(:func:`compiled`): the same definition as the Core paths use, so there is one text of
each. psycopg prepares a statement on a connection from its fifth execution there
(``prepare_threshold``), after which PostgreSQL plans it no more.

A dead connection (a PostgreSQL restart, a dropped idle connection) is invalidated as
SQLAlchemy itself does it: the whole pool's older connections are recycled on their next
checkout, and the error is raised as SQLAlchemy's ``DBAPIError`` with
``connection_invalidated``, so :meth:`distributor_server.db.Database.retrying` runs the
work once more on a fresh connection.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import Pipeline
from psycopg.pq import TransactionStatus
from sqlalchemy.dialects.postgresql import psycopg as pg_dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import ClauseElement

from distributor_server.db import Database

_DIALECT = pg_dialect.dialect()


@dataclass(frozen=True)
class Compiled:
    """A statement's text for psycopg (``%(name)s`` placeholders) and the values of the
    parameters SQLAlchemy named itself (literals such as a window's starting count)."""

    sql: bytes
    defaults: dict[str, Any]

    def params(self, **values: Any) -> dict[str, Any]:
        return {**self.defaults, **values} if self.defaults else values


def compiled(statement: ClauseElement) -> Compiled:
    """``statement`` compiled for PostgreSQL with psycopg, once (at import)."""
    done = statement.compile(dialect=_DIALECT)
    defaults = {name: value for name, value in done.params.items() if value is not None}
    return Compiled(done.string.encode(), defaults)


@contextmanager
def driver_connection(db: Database) -> Iterator[psycopg.Connection]:
    """A psycopg connection checked out of ``db``'s pool (back in on leaving, where the
    pool's reset rolls back anything left open). A psycopg error is raised as SQLAlchemy's
    ``DBAPIError`` (an ``OperationalError`` answers 503 as before); a lost connection
    invalidates the pool first (see the module's docstring)."""
    engine = db.engine
    try:
        fairy = engine.raw_connection()
    except psycopg.Error as exc:  # cannot connect: unlike engine.connect(), not wrapped
        raise DBAPIError.instance(None, None, exc, psycopg.Error,
                                  dialect=engine.dialect) from exc
    try:
        conn: psycopg.Connection = fairy.driver_connection  # type: ignore[assignment]
        try:
            yield conn
        except psycopg.Error as exc:
            lost = engine.dialect.is_disconnect(exc, conn, None)
            if lost:
                # what SQLAlchemy's own execute does on a disconnect: this connection is
                # closed and every pooled one opened before it is replaced on checkout
                engine.pool._invalidate(fairy, exc)
            raise DBAPIError.instance(None, None, exc, psycopg.Error,
                                      connection_invalidated=lost,
                                      dialect=engine.dialect) from exc
    finally:
        fairy.close()


@contextmanager
def pipelined_transaction(db: Database) -> Iterator[tuple[psycopg.Connection, Pipeline]]:
    """A transaction on a pooled connection in pipeline mode: ``BEGIN`` is queued; the
    caller queues its statements, ``pipeline.sync()`` where it must wait for their results,
    and ``COMMIT`` or ``ROLLBACK`` last, which the end of the block sends and waits for.

    The connection is in autocommit mode meanwhile and the ``BEGIN`` is our own: psycopg's
    own would be sent with a Sync of its own, one more wait per transaction."""
    with driver_connection(db) as conn:
        conn.autocommit = True
        try:
            with conn.pipeline() as pipe:
                conn.execute(b"BEGIN")
                yield conn, pipe
        finally:
            if not conn.closed:
                if conn.info.transaction_status != TransactionStatus.IDLE:
                    conn.rollback()  # the caller failed before its COMMIT or ROLLBACK
                conn.autocommit = False  # as SQLAlchemy uses it

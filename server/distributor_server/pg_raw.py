"""The PostgreSQL hot paths' driver: asyncpg on the event loop, a small pool per API process.

The signed submit and the admission of the other signed routes (:mod:`distributor_server.
pg_hot`) skip SQLAlchemy's execution layer and the thread hop: per request, psycopg's
statements on a worker thread were over half of the API process's CPU (issue 14's profile).
They run as coroutines on the event loop with asyncpg, whose connections are their own
pool (:class:`HotPool`), beside the SQLAlchemy engine's pool that every other path uses;
``distributor_server.db.connections_needed`` counts both (docs/deploy.md).

Statements are the same SQLAlchemy constructs as before, compiled once at import for
PostgreSQL with asyncpg (:func:`compiled`, numbered ``$n`` parameters), so there is one text
of each. asyncpg prepares a statement on a connection the first time it runs there and
keeps it in its statement cache, after which PostgreSQL plans it no more.

Errors are raised as SQLAlchemy's, so the API's handlers answer them as before: a pool
exhausted past the timeout as ``sqlalchemy.exc.TimeoutError`` (503 with Retry-After), a
database that cannot be reached as ``OperationalError`` (503). A lost connection (a
PostgreSQL restart, a dropped idle connection) expires every connection the pool holds, as
SQLAlchemy's invalidation does, and is raised with ``connection_invalidated``, so
:func:`retrying` runs the work once more on a fresh connection.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import asyncpg
from sqlalchemy.dialects.postgresql import asyncpg as asyncpg_dialect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.sql import ClauseElement

from distributor_server.db import PoolLimits

T = TypeVar("T")
log = logging.getLogger(__name__)
_DIALECT = asyncpg_dialect.dialect()
_LOST = (asyncpg.PostgresConnectionError, asyncpg.exceptions.OperatorInterventionError,
         asyncpg.InterfaceError, asyncpg.exceptions.InternalClientError, ConnectionError)
"""A connection that broke under a statement: the server went away, or closed it. An
``InternalClientError`` is asyncpg's protocol left in a state it cannot go on from ("another
operation is in progress"), seen when PostgreSQL shut down between two statements of a
submit: that connection is done for, like a lost one."""
_UNREACHABLE = (OSError, asyncpg.PostgresConnectionError,
                asyncpg.exceptions.OperatorInterventionError,
                asyncpg.exceptions.TooManyConnectionsError)
"""No new connection could be made (PostgreSQL down, starting, or full)."""


@dataclass(frozen=True)
class Compiled:
    """A statement's text for asyncpg (``$1``, ``$2``...), its parameters' names in that
    order, and the values of those SQLAlchemy named itself (literals such as a window's
    starting count)."""

    sql: str
    names: tuple[str, ...]
    defaults: dict[str, Any]

    def args(self, **values: Any) -> list[Any]:
        """The positional arguments from ``values`` by name (a literal's by default)."""
        defaults = self.defaults
        return [values[name] if name in values else defaults[name] for name in self.names]


def compiled(statement: ClauseElement) -> Compiled:
    """``statement`` compiled for PostgreSQL with asyncpg, once (at import)."""
    done = statement.compile(dialect=_DIALECT)
    defaults = {name: value for name, value in done.params.items() if value is not None}
    return Compiled(done.string, tuple(done.positiontup or ()), defaults)


class _Connection(asyncpg.Connection):
    """An asyncpg connection that knows whether it was closed on purpose (by the pool, or
    by :class:`HotPool`) or by the server (:meth:`HotPool._watch`)."""

    __slots__ = ("closed_on_purpose",)

    async def close(self, *, timeout: float | None = None) -> None:
        self.closed_on_purpose = True
        await super().close(timeout=timeout)

    def terminate(self) -> None:
        self.closed_on_purpose = True
        super().terminate()


async def _rollback_if_open(conn: asyncpg.Connection) -> None:
    """The pool's reset: only a transaction left open (a failure before its COMMIT or
    ROLLBACK). asyncpg's own reset sends four statements, one round trip per request."""
    if conn.is_in_transaction():
        await conn.execute("ROLLBACK")


def _gone(conn: asyncpg.Connection) -> bool:
    """True when ``conn`` (a pool's proxy) is closed: asyncpg gives a connection that
    the server closed back to its pool at once, after which the proxy only refuses."""
    try:
        return conn.is_closed()
    except asyncpg.InterfaceError:
        return True


_LIBPQ_ONLY = frozenset({"gssencmode", "connect_timeout", "channel_binding", "keepalives",
                         "keepalives_idle", "keepalives_interval", "keepalives_count",
                         "tcp_user_timeout", "requirepeer", "load_balance_hosts"})
"""libpq's connection options that asyncpg does not know (it would send them to the server
as settings, which refuses them); asyncpg never asks for GSS encryption anyway."""


def _dsn(url: str) -> tuple[str, float]:
    """The SQLAlchemy URL (``postgresql+psycopg://...``) as a DSN for asyncpg, and the
    seconds a connection may take to open (``connect_timeout``, else 10)."""
    parsed = make_url(url)
    query = dict(parsed.query)
    timeout = float(str(query.get("connect_timeout") or 10))
    kept = {name: value for name, value in query.items() if name not in _LIBPQ_ONLY}
    dsn = parsed.set(drivername="postgresql", query=kept)
    return dsn.render_as_string(hide_password=False), timeout


class HotPool:
    """An API process's asyncpg connections for the hot paths: at most ``limits.hot``,
    opened as they are needed (none in a process that serves no request: a worker, a desk
    command). The pool is made on the event loop of its first use and closed by
    :meth:`close` (the API's lifespan). ``on_lost``: called when a connection turned out
    dead (the process's other pool is told)."""

    def __init__(self, url: str, limits: PoolLimits,
                 on_lost: Callable[[], None] = lambda: None) -> None:
        self._dsn, self._connect_timeout = _dsn(url)
        self.limits = limits
        self._on_lost = on_lost
        self._pool: asyncpg.Pool | None = None
        self._opening: asyncio.Future[asyncpg.Pool] | None = None
        self._turns: asyncio.Semaphore | None = None

    async def _opened(self) -> asyncpg.Pool:
        pool = self._pool
        if pool is None:
            if self._opening is None:  # the first request: the others await the same pool
                self._opening = asyncio.ensure_future(asyncpg.create_pool(
                    self._dsn, min_size=0, max_size=self.limits.hot,
                    reset=_rollback_if_open, init=self._watch, connection_class=_Connection,
                    max_inactive_connection_lifetime=300.0,
                    timeout=self._connect_timeout))
            try:
                pool = self._pool = await self._opening
            except Exception:
                self._opening = None
                raise
        return pool

    async def _watch(self, conn: asyncpg.Connection) -> None:
        """Each new connection: when the server closes it (a restart, an idle connection
        terminated), the engine's pool is told at once. asyncpg replaces such a connection
        by itself when it is next acquired, so no statement of ours meets it, but the
        engine's own connections (the reads after an admission) are as dead and are not
        retried."""

        def closed(_conn: object) -> None:
            if not getattr(conn, "closed_on_purpose", False):
                self._on_lost()

        conn.add_termination_listener(closed)

    def transaction(self) -> AbstractAsyncContextManager[asyncpg.Connection]:
        """A connection inside ``BEGIN``; the caller ends it with ``COMMIT`` or
        ``ROLLBACK`` (one left open is rolled back when the connection goes back). Errors
        as SQLAlchemy's (the module's docstring)."""
        return self._connection(begin=True)

    def autocommit(self) -> AbstractAsyncContextManager[asyncpg.Connection]:
        """A connection whose every statement is a transaction of its own (no ``BEGIN``);
        errors as :meth:`transaction`'s."""
        return self._connection(begin=False)

    @asynccontextmanager
    async def _connection(self, begin: bool) -> AsyncIterator[asyncpg.Connection]:
        pool = await self._opened()
        turns = await self._take_turn()
        try:
            conn = await pool.acquire()  # a turn taken: a connection is free (or opened)
        except BaseException as exc:
            turns.release()
            if isinstance(exc, _UNREACHABLE):  # a timeout here: opening a connection
                raise OperationalError(None, None, exc) from exc
            raise
        try:
            try:
                if begin:
                    await conn.execute("BEGIN")
                yield conn
            except _LOST as exc:
                gone = _gone(conn)
                if isinstance(exc, asyncpg.InterfaceError) and not gone:
                    raise  # a misuse of a live connection, not a lost one
                if not gone:
                    conn.terminate()
                await pool.expire_connections()  # the others are likely dead too: reconnect
                self._on_lost()  # and so are the engine's (Database.connections_lost)
                raise OperationalError(None, None, exc, connection_invalidated=True) from exc
        finally:
            try:
                await _release(pool, conn)
            finally:
                turns.release()

    async def _take_turn(self) -> asyncio.Semaphore:
        """Wait for one of the pool's ``hot`` turns, first come first served, at most
        ``limits.timeout`` seconds (then ``sqlalchemy.exc.TimeoutError``: 503). asyncpg's
        own wait for a connection is an ``asyncio.Queue``, where a request arriving as a
        connection comes back takes it before the ones already waiting: under load some
        waited for seconds (p99 of 1.6-2.2 s against 0.5-0.8 s in the benchmark)."""
        turns = self._turns
        if turns is None:
            turns = self._turns = asyncio.Semaphore(self.limits.hot)
        if not turns.locked():
            await turns.acquire()  # free: no timer
            return turns
        try:
            await asyncio.wait_for(turns.acquire(), self.limits.timeout)
        except TimeoutError as exc:  # every connection busy for the whole timeout
            raise PoolTimeout("the hot path's connection pool is exhausted") from exc
        return turns

    async def close(self) -> None:
        """Close the connections (on the loop that opened them)."""
        pool, self._pool, self._opening = self._pool, None, None
        if pool is not None:
            await pool.close()


async def _release(pool: asyncpg.Pool, conn: asyncpg.Connection) -> None:
    """``conn`` back to ``pool``. Releasing can meet a server that went away after the
    request's last statement: the pool closes an expired connection gracefully, or resets
    one, and either fails on a dead socket. asyncpg then drops the connection and frees its
    place; the request's outcome is decided already (committed, or its own error on its
    way), so that failure is not the request's: it is logged, never answered as a 500."""
    try:
        await pool.release(conn)
    except Exception as exc:  # noqa: BLE001 - the connection is gone; its place is free
        log.warning("a hot-path connection failed on its way back to the pool (%s: %s)",
                    type(exc).__name__, exc)


async def retrying(work: Callable[[], Awaitable[T]]) -> T:
    """:meth:`distributor_server.db.Database.retrying` for a coroutine: ``work`` (one
    whole transaction) once more when its connection turned out dead. Only for idempotent
    work: a submit is idempotent by ref_id."""
    try:
        return await work()
    except DBAPIError as exc:
        if not exc.connection_invalidated:
            raise
        return await work()

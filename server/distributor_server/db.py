"""Engine, sessions and the write discipline that keeps deposits from being overdrawn.

PostgreSQL: every write transaction that touches a kiosk's money or feed first takes
``SELECT ... FOR UPDATE`` on the kiosk row (:func:`lock_kiosk`), so concurrent writers for
one kiosk queue up while other kiosks proceed.

SQLite: writes are serialised twice over: a process-wide lock (threads of this server) and
``BEGIN IMMEDIATE`` (other processes, with a busy timeout), in WAL mode. Reads use a plain
deferred ``BEGIN`` and run beside the writer.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import Engine, bindparam, create_engine, event, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from distributor_server.models import Kiosk
from distributor_server.notify import install_commit_notify

T = TypeVar("T")
_SQLITE_LOCKS: dict[str, threading.RLock] = {}
_SQLITE_LOCKS_GUARD = threading.Lock()


@dataclass(frozen=True)
class PoolLimits:
    """Connections one process may hold; :func:`connections_needed` adds up a deployment's.
    ``size`` + ``overflow``: the SQLAlchemy engine's pool (every path but the hot ones, and
    an API process's own sender threads). ``hot``: an API process's asyncpg pool for the
    signed submit and admissions (PostgreSQL only, :class:`distributor_server.pg_raw.
    HotPool`), not counted in :attr:`total`: only the API's requests open it.
    ``timeout``: seconds a request waits for a connection before it is answered 503 with
    Retry-After (the pool is exhausted: the kiosk tries again later)."""

    size: int = 4
    overflow: int = 4
    timeout: float = 10.0
    hot: int = 8

    @property
    def total(self) -> int:
        return self.size + self.overflow


CLI_POOL = PoolLimits(size=1, overflow=1, timeout=30.0)
LISTEN_CONNECTIONS = 1
"""Each API and worker process also holds one LISTEN connection (PostgreSQL only)."""


def connections_needed(api_processes: int, api_pool: PoolLimits, workers: int = 0,
                       worker_threads: int = 8, desk_commands: int = 5) -> int:
    """The most connections a deployment opens to PostgreSQL; keep it at most
    ``max_connections - superuser_reserved_connections`` (docs/deploy.md):

        N x (pool size + overflow + hot + 1)  API processes (serve --workers N, or N units)
      + M x (threads + 1 + 1)                 workers (their pool is threads + 1)
      + D x 2                                 desk commands running at once (CLI_POOL)

    The defaults, 2 API processes of 4 + 4 + 8, 2 workers of 8 threads and 5 desk
    commands, need 2 x 17 + 2 x 10 + 10 = 64 of PostgreSQL's default 97 usable."""
    return (api_processes * (api_pool.total + api_pool.hot + LISTEN_CONNECTIONS)
            + workers * (worker_threads + 1 + LISTEN_CONNECTIONS)
            + desk_commands * CLI_POOL.total)


class Database:
    """One engine plus read/write session factories."""

    def __init__(self, url: str, pool: PoolLimits | None = None) -> None:
        pool = pool or PoolLimits()
        self.pool = pool
        sizing = {"pool_size": pool.size, "max_overflow": pool.overflow,
                  "pool_timeout": pool.timeout}
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            if ":memory:" in url or url in ("sqlite://", "sqlite:///"):
                raise ValueError("use a SQLite file, not an in-memory database")
            self.engine = create_engine(
                url, connect_args={"timeout": 30, "check_same_thread": False}, **sizing
            )
            _install_sqlite_pragmas(self.engine)
            with _SQLITE_LOCKS_GUARD:
                self._write_lock = _SQLITE_LOCKS.setdefault(url, threading.RLock())
            self._write_engine = self.engine.execution_options(sqlite_immediate=True)
            # a signed request's admission alone (its nonce and rate window): no flush of
            # its own, as on PostgreSQL (pg_hot: synchronous_commit off); see write()
            relaxed = create_engine(url, connect_args={"timeout": 30,
                                                       "check_same_thread": False},
                                    pool_size=1, max_overflow=pool.overflow,
                                    pool_timeout=pool.timeout)
            _install_sqlite_pragmas(relaxed, synchronous="NORMAL")
            self._relaxed_engine: Engine | None = relaxed
            self._relaxed = sessionmaker(relaxed.execution_options(sqlite_immediate=True),
                                         expire_on_commit=False)
        else:
            # no pre-ping (a round trip on every checkout): a connection found dead is
            # invalidated by SQLAlchemy and the hot paths retry once (see retrying)
            self.engine = create_engine(url, pool_pre_ping=False, pool_recycle=1800,
                                        connect_args={"connect_timeout": 10}, **sizing)
            self._write_lock = None
            self._write_engine = self.engine
            self._relaxed_engine = None
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = sessionmaker(self._write_engine, expire_on_commit=False)
        if not self.is_sqlite:
            install_commit_notify(self._writer)
            self._relaxed = self._writer

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read transaction. It ends with COMMIT, not the ROLLBACK a closing session
        sends: psycopg forgets every statement it prepared on a connection when it sees a
        ROLLBACK there, and the hot paths' statements are worth keeping prepared."""
        with self._reader() as session:
            yield session
            session.commit()

    @contextmanager
    def write(self, *, relaxed: bool = False) -> Iterator[Session]:
        """A write transaction, committed on success and rolled back on any error.

        ``relaxed`` (SQLite): committed without a flush of the disk (a connection with
        ``synchronous=NORMAL``, under the same writer lock), for writes whose loss in a
        power cut harms nothing: a signed request's nonce and rate window, whose request
        moved no money. WAL keeps the file consistent, and the next durable commit flushes
        them too. On PostgreSQL the same choice is made in the statement (pg_hot)."""
        if self._write_lock is not None:
            self._write_lock.acquire()
        try:
            with (self._relaxed if relaxed else self._writer)() as session, session.begin():
                yield session
        finally:
            if self._write_lock is not None:
                self._write_lock.release()

    def retrying(self, work: Callable[[], T]) -> T:
        """Run ``work`` (one whole transaction); run it once more when the connection
        turned out dead (a PostgreSQL restart, an idle connection dropped by a firewall).
        SQLAlchemy then invalidates the pool, so the second try gets a fresh connection.
        Only for idempotent work: a submit is idempotent by ref_id."""
        try:
            return work()
        except DBAPIError as exc:
            if not exc.connection_invalidated:
                raise
            return work()

    def connections_lost(self) -> None:
        """Another pool of this process lost a connection (:mod:`distributor_server.
        pg_raw`): every connection this engine's pool opened before now is replaced on
        its next checkout, as SQLAlchemy does when one of its own turns out dead, so the
        reads that follow (not retried) do not meet the dead ones."""
        self.engine.pool._invalidate_time = time.time()

    def pool_warning(self, processes: int = 4) -> str | None:
        """A sentence when ``processes`` copies of this pool would not fit PostgreSQL's
        ``max_connections`` (minus its reserved slots); None when they fit or on SQLite."""
        if self.is_sqlite:
            return None
        with self.engine.connect() as conn:
            limit = int(conn.exec_driver_sql("SHOW max_connections").scalar())
            reserved = int(conn.exec_driver_sql("SHOW superuser_reserved_connections").scalar())
        usable = limit - reserved
        each = self.pool.total + self.pool.hot + LISTEN_CONNECTIONS
        if connections_needed(processes, self.pool, desk_commands=0) <= usable:
            return None
        return (f"{processes} server processes with {each} connections each would "
                f"exceed PostgreSQL's {usable} usable connections; lower --db-pool-size/"
                "--db-pool-overflow/--db-hot-pool-size or raise max_connections (see "
                "docs/deploy.md).")

    def dispose(self) -> None:
        self.engine.dispose()
        if self._relaxed_engine is not None:
            self._relaxed_engine.dispose()


def lock_kiosk(session: Session, kiosk_id: int) -> Kiosk | None:
    """The kiosk row, locked for the rest of the transaction (FOR UPDATE; no-op on SQLite)."""
    return session.scalars(
        select(Kiosk).where(Kiosk.id == kiosk_id).with_for_update()
    ).one_or_none()


@dataclass
class KioskRow:
    """The columns of a kiosk row the hot paths need, read under its lock with plain SQL
    (:func:`lock_kiosk_row`). The money and sequence counters move here in memory and are
    written back once, by :meth:`distributor_server.feed.FeedWrites.flush`."""

    id: int
    secret_generation: int
    active: bool
    balance: int
    ledger_seq: int
    change_seq: int


_KIOSKS = Kiosk.__table__
_LOCK_ROW = (select(_KIOSKS.c.id, _KIOSKS.c.secret_generation, _KIOSKS.c.active,
                    _KIOSKS.c.balance, _KIOSKS.c.ledger_seq, _KIOSKS.c.change_seq)
             .where(_KIOSKS.c.id == bindparam("kiosk_id")).with_for_update())


def lock_kiosk_row(session: Session, kiosk_id: int) -> KioskRow | None:
    """:func:`lock_kiosk` in SQLAlchemy Core: one statement, no ORM object (the submit)."""
    row = session.connection().execute(_LOCK_ROW, {"kiosk_id": kiosk_id}).first()
    return KioskRow(*row) if row is not None else None


def _install_sqlite_pragmas(engine: Engine, synchronous: str = "FULL") -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:  # noqa: ANN001
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (see _on_begin)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA synchronous={synchronous}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # noqa: ANN001
        immediate = conn.get_execution_options().get("sqlite_immediate")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

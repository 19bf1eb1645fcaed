"""Opening the kiosk database safely, and the one-writer / many-readers discipline.

Every connection runs with WAL, ``synchronous=FULL``, foreign keys and a busy
timeout. Writes go through :meth:`Database.write`, which holds the single writer
lock and starts the transaction with ``BEGIN IMMEDIATE``; reads go through
:meth:`Database.read` on their own connections beside the writer (WAL). The one
exception to FULL is :meth:`Database.write` with ``relaxed=True``: a writer connection of
its own with ``synchronous=NORMAL``, for copies of what the distributor holds (see there).

SQLAlchemy is imported when the first :meth:`~Database.read` or :meth:`~Database.write`
needs an engine, not before: importing it costs more than a bare Qt window takes to
show. What the first screen needs reads through :meth:`Database.read_raw` (plain
sqlite3), as the sale path writes through :meth:`Database.write_raw`.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk_pos.errors import StoreError
from kiosk_pos.files import secure_copies, secure_database
from kiosk_pos.store.damage import (
    BACKUP_DIRNAME,
    DamagedDatabase,
    DamageState,
    damaged_error,
    is_damage,
)
from kiosk_pos.store.failures import (
    disk_full,
    is_full,
    is_read_only,
    store_errors,
    unwritable_place,
)
from kiosk_pos.store.file_id import APPLICATION_ID
from kiosk_pos.store.migrations import HEAD

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
)
RELAXED_PRAGMAS = tuple(p.replace("synchronous=FULL", "synchronous=NORMAL") for p in PRAGMAS)


def _connect(path: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection with the store's pragmas, transactions begun explicitly."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    for pragma in PRAGMAS:
        conn.execute(pragma)
    return conn


def _make_engine(path: Path, *, begin: str, single: bool,
                 pragmas: tuple[str, ...] = PRAGMAS) -> Engine:
    from sqlalchemy import create_engine, event
    from sqlalchemy.pool import StaticPool

    kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False}}
    if single:
        kwargs["poolclass"] = StaticPool
    engine = create_engine(f"sqlite:///{path}", **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite would defer it).
        dbapi_connection.isolation_level = None
        for pragma in pragmas:
            dbapi_connection.execute(pragma)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql(begin)

    return engine


class UIThreadAccess(AssertionError):
    """The database was used on the thread that draws the screen (see ``forbid_thread``)."""


class Database:
    """An open kiosk database: one writer connection, pooled reader connections.

    The first write of a run waits for one full check of the file (the check the app
    starts in the background at once, or its own), so nothing is written into a file
    damaged at rest; damage met at any time after that stops all writing (``damage``).
    """

    def __init__(self, path: Path, *, checked: bool = False) -> None:
        self.path = path
        self.damage = DamageState(path)
        self._checked = checked  # the whole file passed a full check in this run
        self._check_lock = threading.Lock()
        self._engines: tuple[Engine, Engine] | None = None  # (writer, reader), on first use
        self._relaxed: Engine | None = None  # the synchronous=NORMAL writer, on first use
        self._engine_lock = threading.Lock()
        self._write_lock = threading.RLock()
        self._raw: sqlite3.Connection | None = None
        self._raw_readers: list[sqlite3.Connection] = []  # idle plain reader connections
        self._readers_lock = threading.Lock()
        self._closed = False
        self._forbidden_thread: int | None = None
        self.ui_thread_violations = 0  # counted even where a caller swallows the error

    def forbid_thread(self, ident: int | None) -> None:
        """From now on, any read or write from thread ``ident`` (the GUI thread) raises
        :class:`UIThreadAccess` (after Electrum's SQL thread asserting its caller): the
        screen must stay responsive, so database work goes through operations."""
        self._forbidden_thread = ident

    def _check_thread(self) -> None:
        if self._forbidden_thread is not None and threading.get_ident() == self._forbidden_thread:
            self.ui_thread_violations += 1
            raise UIThreadAccess("database access on the UI thread: start an operation instead")

    def _engine(self, which: int) -> Engine:
        """The SQLAlchemy writer (0) or reader (1) engine, both made (and SQLAlchemy
        imported) on first use."""
        if self._engines is None:
            with self._engine_lock:
                if self._engines is None:
                    self._engines = (
                        _make_engine(self.path, begin="BEGIN IMMEDIATE", single=True),
                        _make_engine(self.path, begin="BEGIN", single=False),
                    )
        return self._engines[which]

    def _relaxed_engine(self) -> Engine:
        if self._relaxed is None:
            with self._engine_lock:
                if self._relaxed is None:
                    self._relaxed = _make_engine(self.path, begin="BEGIN IMMEDIATE",
                                                 single=True, pragmas=RELAXED_PRAGMAS)
        return self._relaxed

    @contextmanager
    def write(self, *, relaxed: bool = False) -> Iterator[Connection]:
        """One write transaction at a time, committed (with fsync) when the block ends.

        ``relaxed``: committed without waiting for the disk (``synchronous=NORMAL`` on a
        writer connection of its own, under the same lock), ONLY for rows that copy what
        the distributor holds and come back the same if a power cut takes them: a page of
        the change feed WITH its cursor (it rolls back with them, so the kiosk reads them
        again), the balance check's result. Such a transaction is still atomic, and the
        next full commit (any sale: one WAL file, flushed to its end) or checkpoint makes
        it durable. A sale, its outbox row, and anything a person decided or acted on
        (a refusal the clerk refunds) are never written so.
        """
        self._before_write()
        engine = self._relaxed_engine() if relaxed else self._engine(0)
        with (self._write_lock, store_errors(self.path, self.damage, writing=True),
              engine.begin() as conn):
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A consistent snapshot for reading, beside the writer."""
        self._check_thread()
        with (store_errors(self.path, self.damage, writing=False),
              self._engine(1).connect() as conn, conn.begin()):
            yield conn

    @contextmanager
    def read_raw(self) -> Iterator[sqlite3.Cursor]:
        """Like :meth:`read`, on a plain sqlite3 cursor (one snapshot for the block): for
        what the first screen needs, so start-up does not import SQLAlchemy."""
        self._check_thread()
        with self._readers_lock:
            conn = self._raw_readers.pop() if self._raw_readers else None
        if conn is None:
            conn = _connect(self.path)
        cur = conn.cursor()
        try:
            with store_errors(self.path, self.damage, writing=False):
                cur.execute("BEGIN")
                yield cur
        finally:
            cur.close()
            if conn.in_transaction:
                conn.rollback()
            with self._readers_lock:
                keep = not self._closed
                if keep:
                    self._raw_readers.append(conn)
            if not keep:  # the database was closed while this read ran
                conn.close()

    @contextmanager
    def write_raw(self) -> Iterator[sqlite3.Cursor]:
        """Like :meth:`write`, on a plain sqlite3 cursor: for the sale path, where
        SQLAlchemy's transaction bookkeeping cost a third of the fsync. Same writer lock and
        pragmas; its own connection, so no pool can reset it under an open transaction."""
        self._before_write()
        with self._write_lock, store_errors(self.path, self.damage, writing=True):
            if self._raw is None:
                self._raw = _connect(self.path)
            cur = self._raw.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                yield cur
            except BaseException:
                self._raw.rollback()
                raise
            else:
                self._raw.commit()
            finally:
                cur.close()

    def _before_write(self) -> None:
        self._check_thread()
        self.damage.check_write()
        if not self._checked:
            with self._check_lock:
                if not self._checked:  # the background check may have just finished
                    self._full_check()

    def verify(self) -> None:
        """Check every page (slow on a big file: run it off the UI thread). Damage found
        puts the database into the damaged state; raises its StoreError."""
        with self._check_lock:
            self._full_check()

    def _full_check(self) -> None:
        self.damage.check_write()
        if not self.path.exists():  # made here by SQLite itself (tests build stores so)
            self._checked = True
            return
        try:
            inspect_file(self.path, full=True)
        except DamagedDatabase as exc:
            raise self.damage.found(error=exc) from exc
        self._checked = True

    def pragma(self, name: str) -> Any:
        with self.read_raw() as cur:
            row = cur.execute(f"PRAGMA {name}").fetchone()
        return row[0] if row else None

    def close(self) -> None:
        if self._raw is not None:
            self._raw.close()
            self._raw = None
        with self._readers_lock:
            self._closed = True
            readers, self._raw_readers = self._raw_readers, []
        for conn in readers:
            conn.close()
        if self._engines is not None:
            for engine in self._engines:
                engine.dispose()
            self._engines = None
        if self._relaxed is not None:
            self._relaxed.dispose()
            self._relaxed = None


# Tables a clean open checks page by page: small, and needed to show the first screen.
# The history tables grow for years; they are checked in full after an unclean
# shutdown, before a migration, and by Database.verify() in the background.
STARTUP_TABLES = ("settings", "users", "operators", "operator_prefixes", "products",
                  "sync_state", "alembic_version")


def was_shut_down_uncleanly(path: Path) -> bool:
    """SQLite removes the WAL file when the last connection closes cleanly."""
    wal = path.with_name(path.name + "-wal")
    return wal.exists() and wal.stat().st_size > 0


def connect_read_only(path: Path, *, immutable: bool = False) -> sqlite3.Connection:
    """A read-only connection through SQLite (the only way this app opens a database file).
    ``immutable`` only for a file no one writes (a backup), never the live database."""
    uri = f"{Path(path).resolve().as_uri()}?mode=ro" + ("&immutable=1" if immutable else "")
    try:
        return sqlite3.connect(uri, uri=True, check_same_thread=False)
    except sqlite3.Error as exc:
        raise StoreError("error.cannot_read", path=str(path), detail=str(exc)) from exc


def _refusal(exc: sqlite3.Error, path: Path) -> StoreError:
    """Why an existing file could not be checked, in words that are true for it."""
    if is_damage(exc):
        return damaged_error(path, detail=str(exc).splitlines()[0])
    if is_full(exc, path):
        return disk_full(path)
    if is_read_only(exc):
        return StoreError("error.cannot_write", folder=str(unwritable_place(path)))
    return StoreError("error.db_corrupt", path=str(path), detail=str(exc).splitlines()[0])


def inspect_file(path: Path, *, full: bool = False) -> str | None:
    """Check an existing file before anything writes to it; return its schema revision.

    Raises StoreError (naming the file and what to do) for a file that is empty, not a
    SQLite database, damaged (:class:`DamagedDatabase`), in a folder this app may not
    write to, or belongs to another program. Opens read-only, so the file is never
    modified here. ``full`` checks every page (time grows with the file); otherwise the
    schema and the start-up tables are checked.
    """
    # Never read the file through a Python file handle: closing that descriptor would drop
    # this process's SQLite locks, and another process could then delete the WAL under a
    # live connection.
    if path.stat().st_size == 0:  # a creation cut short, or a file wiped: never a new shop
        raise damaged_error(path, empty=True)
    conn = connect_read_only(path)
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]  # reads the header
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if app_id != APPLICATION_ID:
            if tables:
                raise StoreError("error.db_foreign", path=str(path))
            return None
        _quick_check(conn, path, None if full else [t for t in STARTUP_TABLES if t in tables])
        if "alembic_version" not in tables:
            return None
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None
    except sqlite3.Error as exc:
        raise _refusal(exc, path) from exc
    finally:
        conn.close()


def _quick_check(conn: sqlite3.Connection, path: Path, tables: list[str] | None) -> None:
    targets: list[str | None] = list(tables) if tables is not None else [None]
    for table in targets:
        sql = "PRAGMA quick_check" if table is None else f'PRAGMA quick_check("{table}")'
        result = conn.execute(sql).fetchone()[0]
        if result != "ok":
            raise damaged_error(path, detail=result)


def open_database(path: Path, *, create: bool = False) -> Database:
    """Open (and if needed create or migrate) the kiosk database at ``path``.

    A file that exists but cannot be trusted (an empty one included) is refused and left
    untouched. A new file is made whole under a temporary name and renamed into place
    (:mod:`kiosk_pos.store.create`). Before a migration changes an existing database, a
    backup copy is written beside it. The folder and files are made private on POSIX.
    """
    path = Path(path)
    if not path.exists():
        if not create:
            raise StoreError("error.db_missing", path=str(path))
        from kiosk_pos.store.create import create_database

        create_database(path)
        return Database(path, checked=True)
    full = was_shut_down_uncleanly(path)
    revision = inspect_file(path, full=full)
    if revision != HEAD and not full:
        inspect_file(path, full=True)  # never migrate a damaged file
        full = True
    if revision is not None and revision != HEAD and not _known_revision(revision):
        raise StoreError("error.db_newer", path=str(path), revision=revision)
    try:
        secure_database(path)
        secure_copies(path.parent / BACKUP_DIRNAME, "*.db")
        secure_copies(path.parent, f"{path.name}.bak-*")  # copies from before a migration
    except OSError:  # not the file's owner: leave the modes as they are
        log.warning("could not make %s private", path, exc_info=True)
    db = Database(path, checked=full)
    if revision != HEAD:
        from kiosk_pos.store.migrate import backup_database, upgrade

        backup = backup_database(path, revision)
        try:
            upgrade(db)
        except Exception as exc:
            db.close()
            raise StoreError("error.db_migration_failed", path=str(path),
                             backup=str(backup or "-"), detail=str(exc).splitlines()[0]) from exc
    return db


def _known_revision(revision: str) -> bool:
    versions = Path(__file__).with_name("migrations") / "versions"
    return any(p.name.startswith(f"{revision}_") for p in versions.glob("*.py"))

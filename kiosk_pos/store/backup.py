"""Backups of the kiosk database, and restoring one: SQLite mechanics only.

Every copy goes through SQLite's online backup API on connections of their own, never a
file copy: a descriptor opened and closed on the live file would drop this process's
SQLite locks (see store/database.py). In WAL mode the backup's read transaction does not
block the writer, so sales go on while a backup is written. A backup is written to a
temporary name in its folder, made readable by its owner only, and renamed into place,
so a backup file is either whole or absent. It is stored in rollback-journal mode (one
self-contained file) and stamped with the moment it was taken (``settings`` row
``backup.taken_at``, UTC), so the file itself says when it was made.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from kiosk_pos.errors import StoreError
from kiosk_pos.files import private_umask
from kiosk_pos.store.database import BUSY_TIMEOUT_MS, _known_revision, connect_read_only
from kiosk_pos.store.file_id import APPLICATION_ID
from kiosk_pos.store.migrations import HEAD

TAKEN_AT_KEY = "backup.taken_at"
KIOSK_NAME_KEY = "kiosk.name"


@dataclass(frozen=True, slots=True)
class BackupInfo:
    """What a backup file holds. ``checked`` is False for an entry listed from its name and
    size only (the fields read from inside the file are then None)."""

    path: Path
    taken_at: datetime            # UTC
    size: int
    checked: bool = False
    revision: str | None = None
    kiosk_name: str | None = None
    sale_count: int | None = None
    last_sale_id: int | None = None
    last_sale_at: datetime | None = None  # UTC
    last_sale_total: int | None = None    # rupiah
    aside: Path | None = None             # after a restore: where the replaced data was kept


def _source(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return conn


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX; a directory, never a database file)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_backup(source: Path | sqlite3.Connection, target: Path, *,
                 taken_at: datetime | None = None) -> None:
    """Copy the database ``source`` (a path, or an open connection to read it through) to
    ``target`` as one consistent snapshot. Raises StoreError if the copy cannot be written."""
    target = Path(target)
    taken_at = (taken_at or datetime.now(UTC)).astimezone(UTC)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    own = not isinstance(source, sqlite3.Connection)
    src = _source(Path(source)) if own else source  # type: ignore[arg-type]
    try:
        with private_umask():  # a new folder, and the copy, private from the start
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp.unlink(missing_ok=True)
            dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)  # one step: a single read snapshot of the source
            dst.execute("PRAGMA journal_mode=DELETE")
            if dst.execute("SELECT 1 FROM sqlite_master WHERE name='settings'").fetchone():
                dst.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                            (TAKEN_AT_KEY, json.dumps(taken_at.isoformat())))
                dst.commit()
        finally:
            dst.close()
        os.chmod(tmp, 0o600)
        os.replace(tmp, target)
        _sync_folder(target.parent)
    except (OSError, sqlite3.Error) as exc:
        tmp.unlink(missing_ok=True)
        raise StoreError("error.backup_write", path=str(target), detail=str(exc)) from exc
    finally:
        if own:
            src.close()


def _open_backup(path: Path) -> sqlite3.Connection:
    # immutable only when no WAL lies beside the file: then nothing could be missed
    wal = path.with_name(path.name + "-wal")
    return connect_read_only(path, immutable=not wal.exists())


def _utc(text: str | None) -> datetime | None:
    if not text:
        return None
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _setting(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return None if row is None else json.loads(row[0])


def inspect_backup(path: Path, *, check: bool = True) -> BackupInfo:
    """What the backup at ``path`` holds. Refuses (StoreError with a sentence) a file that is
    missing, empty, not SQLite, another program's, damaged (``check``: every page), or of a
    schema this app does not know. Never writes to the file."""
    path = Path(path)
    if not path.is_file():
        raise StoreError("error.backup_missing", path=str(path))
    stat = path.stat()
    if stat.st_size == 0:
        raise StoreError("error.backup_empty", path=str(path))
    conn = _open_backup(path)
    try:
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            if "not a database" in str(exc):
                raise StoreError("error.backup_not_sqlite", path=str(path)) from exc
            raise
        if app_id != APPLICATION_ID:
            raise StoreError("error.backup_foreign", path=str(path))
        if check:
            result = conn.execute("PRAGMA integrity_check(1)").fetchone()[0]
            if result != "ok":
                raise StoreError("error.backup_damaged", path=str(path), detail=result)
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        revision = row[0] if row else None
        if revision is None or (revision != HEAD and not _known_revision(revision)):
            raise StoreError("error.backup_newer", path=str(path), revision=revision or "-")
        last = conn.execute("SELECT id, created_at, total FROM sales "
                            "ORDER BY id DESC LIMIT 1").fetchone()
        taken = _utc(_setting(conn, TAKEN_AT_KEY))
        return BackupInfo(
            path=path,
            taken_at=taken or datetime.fromtimestamp(stat.st_mtime, UTC),
            size=stat.st_size, checked=True, revision=revision,
            kiosk_name=_setting(conn, KIOSK_NAME_KEY),
            sale_count=conn.execute("SELECT count(*) FROM sales").fetchone()[0],
            last_sale_id=last[0] if last else None,
            last_sale_at=_utc(last[1]) if last else None,
            last_sale_total=last[2] if last else None,
        )
    except sqlite3.DatabaseError as exc:
        raise StoreError("error.backup_damaged", path=str(path), detail=str(exc)) from exc
    finally:
        conn.close()


def restore_backup(live_db: Path, backup: Path, aside: Path) -> BackupInfo:
    """Replace the contents of ``live_db`` with ``backup``; the current contents are first
    copied to ``aside`` (kept, never deleted). A backup that fails :func:`inspect_backup`
    is refused before anything is written. Other connections to ``live_db`` see the
    restored data on their next transaction; callers reopen their caches."""
    info = inspect_backup(backup)
    write_backup(live_db, aside)
    src = _open_backup(Path(backup))
    try:
        dst = _source(Path(live_db))
        try:
            src.backup(dst)
        finally:
            dst.close()
    except sqlite3.Error as exc:
        raise StoreError("error.backup_write", path=str(live_db), detail=str(exc)) from exc
    finally:
        src.close()
    return info

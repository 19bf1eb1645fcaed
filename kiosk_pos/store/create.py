"""A new database file appears whole, or not at all.

The file is made through SQLite under a temporary name in its own folder, brought to the
current schema, filled by the caller (the kiosk's name, its owner, the demo shop), closed
(SQLite folds the WAL back in and removes it), and only then linked to its real name. A
failure on the way (a full disk, a bad PIN, a crash) leaves no file at the real name, so
an empty or half-made ``kiosk.db`` is never mistaken for a shop; the temporary files are
removed. The file and its folder are private from the start (:mod:`kiosk_pos.files`).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from kiosk_pos.errors import StoreError
from kiosk_pos.files import make_private, private_folder, private_umask, temp_name
from kiosk_pos.store.database import Database
from kiosk_pos.store.failures import storage_refusal

Fill = Callable[[Database], None]


def _remove(db_path: Path) -> None:
    """Delete a database no connection has open any more, with its -wal/-shm."""
    for name in (db_path.name, f"{db_path.name}-wal", f"{db_path.name}-shm",
                 f"{db_path.name}-journal"):
        db_path.with_name(name).unlink(missing_ok=True)


def _sync_folder(folder: Path) -> None:
    """Make the new name durable (POSIX; a directory, never a database file)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _start(tmp: Path) -> None:
    """Create the empty file through SQLite, readable by its owner only. SQLite gives the
    -wal and -shm it makes later the same mode."""
    with private_umask():
        conn = sqlite3.connect(tmp)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
        finally:
            conn.close()
    make_private(tmp)


def _fold_wal(tmp: Path) -> None:
    """After the last connection closed, no -wal may remain: its pages would be lost by
    the rename. (SQLite removes it on a clean close; this is for a connection that was
    not.)"""
    wal = tmp.with_name(tmp.name + "-wal")
    if wal.exists():
        conn = sqlite3.connect(tmp)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
    if wal.exists() and wal.stat().st_size > 0:
        raise StoreError("error.db_write", path=str(tmp), detail="WAL not folded back")


def _into_place(tmp: Path, path: Path) -> None:
    """Give ``tmp`` the name ``path``, never replacing a file that appeared there."""
    try:
        os.link(tmp, path)  # fails if ``path`` exists, unlike a POSIX rename
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links
        if path.exists():
            raise FileExistsError(path) from None
        os.rename(tmp, path)
    else:
        tmp.unlink()
    _sync_folder(path.parent)


def create_database(path: Path, fill: Fill | None = None) -> None:
    """Make the database at ``path`` (which must not exist) at the current schema, filled
    by ``fill(db)``, or raise and leave nothing. Raises FileExistsError if a file took
    the name meanwhile, StoreError with a sentence if the disk refused."""
    from kiosk_pos.store.migrate import upgrade

    path = Path(path)
    private_folder(path.parent)
    tmp = temp_name(path)
    _remove(tmp)
    try:
        try:
            _start(tmp)
        except sqlite3.Error as exc:
            raise (storage_refusal(exc, tmp) or exc) from exc
        db = Database(tmp, checked=True)
        try:
            upgrade(db)
            if fill is not None:
                fill(db)
        finally:
            db.close()
        _fold_wal(tmp)
        _into_place(tmp, path)
    except StoreError as exc:
        _remove(tmp)
        if exc.params.get("path") == str(tmp):  # the clerk knows the real name only
            exc.params["path"] = str(path)
        raise
    except BaseException:
        _remove(tmp)
        raise

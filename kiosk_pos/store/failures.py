"""What a failed SQLite call means for the clerk: one true sentence for each kind.

A damaged file (see :mod:`kiosk_pos.store.damage`) is not a full disk, a full disk is not
a folder the app may not write to, and none of them is "another program holds the
file". Each becomes a :class:`StoreError` whose sentence names the file or folder and
says what to do; the transaction it interrupted was rolled back.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kiosk_pos.errors import StoreError
from kiosk_pos.store.damage import DamageState, is_damage, sqlite_error

SQLITE_PERM = 3
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_IOERR = 10
NEARLY_FULL = 1 << 20  # bytes free under which an I/O error is taken for a full disk


def _code(err: BaseException) -> int | None:
    code = getattr(err, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def _is_operational(exc: BaseException) -> bool:
    """sqlite3's OperationalError, or SQLAlchemy's wrapping of it (if SQLAlchemy is loaded:
    checking must not import it)."""
    if isinstance(exc, sqlite3.OperationalError):
        return True
    sa_exc = sys.modules.get("sqlalchemy.exc")
    return sa_exc is not None and isinstance(exc, sa_exc.OperationalError)


def unwritable_place(path: Path) -> Path:
    """What cannot be written: the folder if it refuses new files, else the file itself."""
    folder = path.parent
    if not os.access(folder, os.W_OK) or not path.exists() or os.access(path, os.W_OK):
        return folder
    return path


def is_read_only(exc: BaseException) -> bool:
    err = sqlite_error(exc)
    code = _code(err)
    if code is not None:
        return code in (SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_PERM)
    text = str(err)
    return "readonly" in text or "unable to open" in text


def is_full(exc: BaseException, path: Path) -> bool:
    """SQLITE_FULL, or an I/O error (SQLite cannot even size its -shm file) on a disk with
    next to no room left."""
    err = sqlite_error(exc)
    if _code(err) == SQLITE_FULL or "disk is full" in str(err):
        return True
    if _code(err) != SQLITE_IOERR and "disk I/O error" not in str(err):
        return False
    try:
        return shutil.disk_usage(path.parent).free < NEARLY_FULL
    except OSError:
        return False


def disk_full(path: Path) -> StoreError:
    return StoreError("error.disk_full", path=str(path), folder=str(path.parent))


def storage_refusal(exc: BaseException, path: Path) -> StoreError | None:
    """The sentence for a storage failure that is not damage (None if ``exc`` is none)."""
    if not _is_operational(exc):
        return None
    err = sqlite_error(exc)
    text = str(err)
    if _code(err) in (SQLITE_BUSY, SQLITE_LOCKED) or "locked" in text or "busy" in text:
        return StoreError("error.db_busy", path=str(path))
    if is_full(exc, path):
        return disk_full(path)
    if is_read_only(exc):
        return StoreError("error.cannot_write", folder=str(unwritable_place(path)))
    return StoreError("error.db_write", path=str(path), detail=text.splitlines()[0])


@contextmanager
def store_errors(path: Path, damage: DamageState, *, writing: bool) -> Iterator[None]:
    """Damage met in the block puts the database into the damaged state and raises its
    sentence; when ``writing``, a write the disk refused becomes a sentence too."""
    try:
        yield
    except Exception as exc:
        if is_damage(exc):
            raise damage.found(exc) from exc
        refusal = storage_refusal(exc, path) if writing else None
        if refusal is None:
            raise
        raise refusal from exc

"""A damaged database file: how damage is recognised, and the state that stops all writing.

SQLite reports a damaged file as ``SQLITE_CORRUPT`` ("database disk image is malformed")
or ``SQLITE_NOTADB`` (the header is gone), whenever it reads a bad page: while selling,
listing history, building a report, syncing, or in the full check the app runs in the
background. Whoever meets it first puts the :class:`Database`'s :class:`DamageState` into
the damaged state: from then on every write is refused before it begins, with one
sentence telling the clerk to call the owner and naming the newest backup that passes a
full check, and the listeners (the kiosk's event bus) hear of it once.
"""

from __future__ import annotations

import logging
import sqlite3
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk_pos.errors import StoreError

log = logging.getLogger(__name__)

SQLITE_CORRUPT = 11
SQLITE_NOTADB = 26
BACKUP_DIRNAME = "backups"  # <data folder>/backups: the app's own backups
MAX_BACKUPS_CHECKED = 10    # the newest this many are checked for the sentence, no more


class DamagedDatabase(StoreError):
    """The database file is damaged: nothing more is written to it. The sentence tells the
    clerk to call the owner and names the newest good backup, if there is one."""


def sqlite_error(exc: BaseException) -> BaseException:
    """sqlite3's own error, under SQLAlchemy's wrapping if there is one (checking must not
    import SQLAlchemy)."""
    sa_exc = sys.modules.get("sqlalchemy.exc")
    if sa_exc is not None and isinstance(exc, sa_exc.DBAPIError) and exc.orig is not None:
        return exc.orig
    return exc


def is_damage(exc: BaseException) -> bool:
    """SQLITE_CORRUPT or SQLITE_NOTADB (extended codes included), bare or wrapped."""
    err = sqlite_error(exc)
    if not isinstance(err, sqlite3.DatabaseError):
        return False
    code = getattr(err, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF in (SQLITE_CORRUPT, SQLITE_NOTADB)
    text = str(err)
    return "malformed" in text or "not a database" in text


def newest_good_backup(folder: Path) -> Path | None:
    """The newest backup in ``folder`` that is a kiosk database passing a full check."""
    from kiosk_pos.store.backup import inspect_backup  # only once damage is found

    try:
        candidates = sorted((p for p in Path(folder).glob("*.db") if p.is_file()),
                            key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return None
    for path in candidates[:MAX_BACKUPS_CHECKED]:
        try:
            inspect_backup(path, check=True)
        except (StoreError, OSError, sqlite3.Error):
            continue
        return path
    return None


def damaged_error(path: Path, *, detail: str = "", empty: bool = False) -> DamagedDatabase:
    """The refusal for a damaged (or, ``empty``, 0-byte) database at ``path``."""
    folder = path.parent / BACKUP_DIRNAME
    backup = newest_good_backup(folder)
    key = "error.db_empty" if empty else "error.db_damaged"
    if backup is None:
        key += "_no_backup"
    return DamagedDatabase(key, path=str(path), detail=detail, folder=str(folder),
                           backup=str(backup or "-"))


class DamageState:
    """Whether the database at ``path`` was found damaged in this run. Once damaged, it
    stays so until the app is started again (after the owner restored a backup)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._error: DamagedDatabase | None = None
        self._listeners: list[Callable[[DamagedDatabase], None]] = []

    @property
    def damaged(self) -> bool:
        return self._error is not None

    def listen(self, callback: Callable[[DamagedDatabase], None]) -> None:
        """Call ``callback(error)`` once, when damage is found (at once if it already was)."""
        with self._lock:
            self._listeners.append(callback)
            error = self._error
        if error is not None:
            _call(callback, error)

    def refusal(self) -> DamagedDatabase | None:
        """A fresh copy of the damage sentence to raise, or None while the file is sound."""
        error = self._error
        return None if error is None else DamagedDatabase(error.key, **error.params)

    def check_write(self) -> None:
        """Refuse a write before it begins once the file is known to be damaged."""
        refusal = self.refusal()
        if refusal is not None:
            raise refusal

    def found(self, exc: BaseException | None = None, *,
              error: DamagedDatabase | None = None) -> DamagedDatabase:
        """Damage was met (``exc``, or a check's ready ``error``): enter the damaged state
        (the first time: find the newest good backup and tell the listeners) and return
        the sentence to raise."""
        with self._lock:
            first = self._error is None
            if first:
                if error is None:
                    text = str(sqlite_error(exc)) if exc is not None else ""
                    error = damaged_error(self.path, detail=text.splitlines()[0] if text else "")
                self._error = error
                log.info("database %s is damaged: %s", self.path, error.params.get("detail"))
            current = self._error
            listeners = list(self._listeners) if first else []
        for callback in listeners:
            _call(callback, current)
        return DamagedDatabase(current.key, **current.params)


def _call(callback: Callable[[DamagedDatabase], Any], error: DamagedDatabase) -> None:
    try:
        callback(error)
    except Exception:  # a broken listener must not hide the damage
        log.exception("damage listener failed")

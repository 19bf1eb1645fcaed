"""Backups as use cases: on demand by the owner, daily and at exit by the app, and restore.

Backups live in ``<data_dir>/backups/`` as ``kiosk-YYYYMMDD-HHMMSS-<reason>.db``, the time
being the kiosk's LOCAL time (its time zone setting, Asia/Jakarta by default), so the owner
reads the names as shop hours. Automatic ones (``daily``, ``exit``) are thinned after each
automatic backup by :func:`to_delete`; manual backups, copies exported elsewhere and the
copies kept before a restore (``before-restore``) are never deleted. The file mechanics
are in :mod:`kiosk_pos.store.backup`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk_pos.core.clock import Clock
from kiosk_pos.core.events import BACKUP_DONE, EventBus
from kiosk_pos.core.permissions import Permission, require
from kiosk_pos.core.records import User
from kiosk_pos.core.settings import DEFAULT_TIMEZONE, KIOSK_TIMEZONE, Settings
from kiosk_pos.errors import StoreError
from kiosk_pos.files import private_folder
from kiosk_pos.store import Database
from kiosk_pos.store.backup import BackupInfo, inspect_backup, restore_backup, write_backup
from kiosk_pos.store.damage import BACKUP_DIRNAME, damaged_error, is_damage

__all__ = ["BACKUP_DIRNAME", "BackupInfo", "BackupService", "to_delete", "AUTOMATIC",
           "BEFORE_RESTORE"]

AUTOMATIC = ("daily", "exit")
MANUAL = "manual"
BEFORE_RESTORE = "before-restore"
KEEP_DAYS = 7
KEEP_WEEKS = 4
_NAME = re.compile(r"^kiosk-(\d{8}-\d{6})-([a-z]+(?:-[a-z]+)*)(?:-\d+)?\.db$")
_STAMP = "%Y%m%d-%H%M%S"

log = logging.getLogger(__name__)


def parse_name(name: str, zone: ZoneInfo) -> tuple[datetime, str] | None:
    """(taken at, aware in ``zone``; reason) from a backup file name, or None if not ours."""
    found = _NAME.match(name)
    if found is None:
        return None
    try:
        moment = datetime.strptime(found.group(1), _STAMP).replace(tzinfo=zone)
    except ValueError:
        return None
    return moment, found.group(2)


def to_delete(backups: Iterable[tuple[str, datetime]], *, days: int = KEEP_DAYS,
              weeks: int = KEEP_WEEKS) -> set[str]:
    """Which automatic backups to delete: keep the newest of each of the ``days`` most recent
    days that have a backup, and the newest of each of the ``weeks`` most recent ISO weeks
    that have one. Times are the kiosk's local times; a pure function of its input."""
    newest_first = sorted(backups, key=lambda b: (b[1], b[0]), reverse=True)
    keep: set[str] = set()
    seen_days: list[object] = []
    seen_weeks: list[object] = []
    for name, moment in newest_first:
        day, week = moment.date(), moment.isocalendar()[:2]
        if day not in seen_days:
            seen_days.append(day)
            if len(seen_days) <= days:
                keep.add(name)
        if week not in seen_weeks:
            seen_weeks.append(week)
            if len(seen_weeks) <= weeks:
                keep.add(name)
    return {name for name, _ in newest_first} - keep


class BackupService:
    def __init__(self, db: Database, data_dir: Path, clock: Clock, events: EventBus) -> None:
        self.db = db
        self.data_dir = Path(data_dir)
        self.clock = clock
        self.events = events

    @property
    def folder(self) -> Path:
        return self.data_dir / BACKUP_DIRNAME

    def _zone(self) -> ZoneInfo:
        return ZoneInfo(Settings(self.db).get(KIOSK_TIMEZONE, DEFAULT_TIMEZONE))

    def _target(self, folder: Path, reason: str) -> tuple[Path, datetime]:
        now = self.clock()
        stem = f"kiosk-{now.astimezone(self._zone()).strftime(_STAMP)}-{reason}"
        target, n = folder / f"{stem}.db", 1
        while target.exists():  # two in the same second: never overwrite a backup
            n += 1
            target = folder / f"{stem}-{n}.db"
        return target, now

    def _write(self, folder: Path, reason: str) -> BackupInfo:
        if not re.fullmatch(r"[a-z]+(?:-[a-z]+)*", reason):
            raise ValueError(f"backup reason {reason!r}: lower-case words and dashes only")
        if folder == self.folder:  # the app's own folder is private (0700 on POSIX)
            private_folder(folder)
        target, now = self._target(folder, reason)
        try:
            write_backup(self.db.path, target, taken_at=now)
        except StoreError as exc:
            if exc.__cause__ is not None and is_damage(exc.__cause__):
                raise self.db.damage.found(exc.__cause__) from exc
            raise
        info = inspect_backup(target, check=False)
        self.events.trigger(BACKUP_DONE, info)
        return info

    def make_backup(self, user: User | None, to: Path | None = None,
                    reason: str = MANUAL) -> BackupInfo:
        """A backup the owner asked for, in ``to`` (default: the backups folder)."""
        require(user, Permission.MANAGE_BACKUPS)
        from kiosk_pos.core import audit

        audit.note(self.db, "backup.made", user, self.clock, to=str(to or self.folder))
        return self._write(Path(to) if to is not None else self.folder, reason)

    def automatic_backup(self, reason: str) -> BackupInfo | None:
        """The app's own backup (``daily`` or ``exit``), then retention. A ``daily`` backup
        when today already has one is skipped (None). Raises StoreError if it cannot be
        written: the caller shows it, the sale data is untouched."""
        if reason not in AUTOMATIC:
            raise ValueError(f"automatic backup reason must be one of {AUTOMATIC}")
        self.db.damage.check_write()  # a copy of a damaged file must not thin out good ones
        if reason == "daily" and not self.daily_due():
            return None
        info = self._write(self.folder, reason)
        self._check_copy(info.path)
        self.apply_retention()
        return info

    def _check_copy(self, path: Path) -> None:
        """Check an automatic copy page by page before older ones are thinned out: a copy
        that fails shows the live file is damaged (it was copied page for page). The bad
        copy is deleted and the database enters its damaged state."""
        try:
            inspect_backup(path, check=True)
        except StoreError as exc:
            if exc.key != "error.backup_damaged":
                raise
            path.unlink(missing_ok=True)
            raise self.db.damage.found(
                error=damaged_error(self.db.path, detail=str(exc.params.get("detail", "")))
            ) from exc

    def _ours(self) -> list[tuple[Path, datetime, str]]:
        if not self.folder.is_dir():
            return []
        zone = self._zone()
        found = []
        for path in self.folder.glob("kiosk-*.db"):
            parsed = parse_name(path.name, zone)
            if parsed is not None:
                found.append((path, *parsed))
        return found

    def apply_retention(self) -> list[Path]:
        """Delete the automatic backups :func:`to_delete` names; returns what was deleted."""
        automatic = {p.name: (p, moment) for p, moment, reason in self._ours()
                     if reason in AUTOMATIC}
        doomed = to_delete((name, moment) for name, (_p, moment) in automatic.items())
        removed = []
        for name in sorted(doomed):
            path = automatic[name][0]
            path.unlink(missing_ok=True)  # a closed backup file, never the live database
            removed.append(path)
        return removed

    def daily_due(self) -> bool:
        """No backup in the backups folder yet for the kiosk's local today."""
        today = self.clock().astimezone(self._zone()).date()
        return not any(moment.date() == today for _p, moment, _r in self._ours())

    def list_backups(self) -> list[BackupInfo]:
        """The backups folder, newest first, from names and sizes (cheap; see details)."""
        items = [BackupInfo(path=p, taken_at=moment, size=p.stat().st_size)
                 for p, moment, _reason in self._ours()]
        # "-2" after a same-second name: longer names are the later ones
        return sorted(items, key=lambda i: (i.taken_at, len(i.path.name), i.path.name),
                      reverse=True)

    def details(self, path: Path) -> BackupInfo:
        """What one backup holds (read from inside the file; refuses one that is not ours)."""
        return inspect_backup(Path(path), check=False)

    def restore(self, user: User | None, path: Path) -> BackupInfo:
        """Put the backup at ``path`` in place of the kiosk's data, after keeping the current
        database as a ``before-restore`` backup (its path in ``aside`` of the result). The
        file is checked page by page first; a foreign or damaged one changes nothing.
        Services holding caches of the old data (catalogue, settings) must be reopened."""
        require(user, Permission.MANAGE_BACKUPS)
        aside, _now = self._target(self.folder, BEFORE_RESTORE)
        # restore_backup checks the file before writing anything, even the aside copy
        info = restore_backup(self.db.path, Path(path), aside)
        self._audit_restore(user, path, aside)
        return replace(info, aside=aside)

    def _audit_restore(self, user: User | None, path: Path, aside: Path) -> None:
        """An audit row in the restored file (the one the shop goes on with)."""
        from kiosk_pos.core import audit
        from kiosk_pos.errors import StoreError

        try:
            audit.note(self.db, "backup.restored", user, self.clock, file=str(path),
                       aside=str(aside))
        except StoreError:  # e.g. a backup made before the audit table existed
            log.warning("could not record the restore in the audit log", exc_info=True)

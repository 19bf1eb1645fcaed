"""The audit trail: an append-only log of sensitive actions (logins and lockouts, user
changes, prices, stock, refunds with their approver, shifts and the drawer, printer and
connection settings, backups and restores).

Rows are only ever inserted: nothing in the code updates or deletes ``audit_log``.
:func:`record` writes inside a caller's transaction (a raw sqlite3 cursor), so an action
and its audit row are saved together; :func:`note` is for actions that are not a database
write of their own (a backup file, a printer setting saved through Settings).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from kiosk_pos.core.clock import Clock, day_bounds_utc, db_text, utc_now
from kiosk_pos.core.permissions import Permission, require
from kiosk_pos.core.records import User
from kiosk_pos.store import Database

_INSERT = ("INSERT INTO audit_log (created_at, user_id, user_name, action, approver_id, "
           "detail) VALUES (?, ?, ?, ?, ?, ?)")
_DAY = ("SELECT a.id, a.created_at, a.user_name, a.action, p.name, a.detail "
        "FROM audit_log a LEFT JOIN users p ON p.id = a.approver_id "
        "WHERE a.created_at >= ? AND a.created_at < ? ORDER BY a.id")


_PAGE = ("SELECT a.id, a.created_at, a.user_name, a.action, p.name, a.detail "
         "FROM audit_log a LEFT JOIN users p ON p.id = a.approver_id "
         "WHERE a.created_at >= ? AND a.created_at < ? AND a.created_at <= ? "
         "AND (a.created_at < ? OR a.id < ?){who}{action} "
         "ORDER BY a.created_at DESC, a.id DESC LIMIT ?")
PAGE_SIZE = 50
# The action filters an owner picks from (a prefix keeps a group: every ``shift.`` row).
ACTION_FILTERS = ("user.login", "user.locked", "user.", "shift.", "cash.", "sale.refunded",
                  "prices.", "printer.", "connection.", "backup.", "deposit.")
_AT = "SELECT created_at FROM audit_log WHERE id = ?"
_FAR = "9999-12-31"  # after every stored time: the first page's cursor


@dataclass(frozen=True, slots=True)
class AuditPage:
    """One page of audit rows, newest first; ``more`` when older rows match too."""

    entries: list[AuditEntry]
    more: bool

    @property
    def cursor(self) -> tuple[datetime, int] | None:
        """Where the next (older) page starts."""
        last = self.entries[-1] if self.entries else None
        return (last.created_at, last.id) if last is not None else None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    created_at: datetime
    user_name: str | None
    action: str
    approver_name: str | None
    detail: dict[str, Any]


def record(cur: sqlite3.Cursor, action: str, user: User | None, moment: datetime,
           approver: User | None = None, **detail: Any) -> None:
    """One audit row, in the caller's transaction."""
    cur.execute(_INSERT, (db_text(moment), user.id if user else None,
                          user.name if user else None, action,
                          approver.id if approver else None,
                          json.dumps(detail, sort_keys=True, default=str)))


def note(db: Database, action: str, user: User | None, clock: Clock = utc_now,
         **detail: Any) -> None:
    """One audit row in a transaction of its own."""
    with db.write_raw() as cur:
        record(cur, action, user, clock(), **detail)


def _parse(text: str) -> datetime:
    from kiosk_pos.core.clock import from_db

    return from_db(datetime.fromisoformat(text))


class AuditService:
    def __init__(self, db: Database, timezone: Any) -> None:
        self._db = db
        self._timezone = timezone

    def for_day(self, user: User | None, day: date, *, action: str | None = None,
                who: str | None = None) -> list[AuditEntry]:
        """The day's audit rows, oldest first (the owner's); ``action`` keeps the rows whose
        action starts with it (``shift.``, ``user.locked``), ``who`` one person's."""
        require(user, Permission.VIEW_AUDIT)
        start, end = day_bounds_utc(day, self._timezone())
        with self._db.read_raw() as cur:
            rows = cur.execute(_DAY, (db_text(start), db_text(end))).fetchall()
        entries = [AuditEntry(i, _parse(at), name, act, approver, json.loads(detail))
                   for i, at, name, act, approver, detail in rows]
        return [e for e in entries
                if (action is None or e.action.startswith(action))
                and (who is None or e.user_name == who)]

    def page(self, user: User | None, first: date, last: date, *, who: str | None = None,
             action: str | None = None, after: tuple[datetime, int] | None = None,
             size: int = PAGE_SIZE, user_id: int | None = None) -> AuditPage:
        """The audit rows of the local days ``first`` to ``last``, newest first, ``size`` at
        a time (the owner's): ``after`` is the previous page's cursor. Read through the
        ``created_at`` index, a page at a time, never the whole table. ``who`` keeps one
        person's rows (by the name the row was written under; ``user_id`` by the person,
        whatever they were called then), ``action`` the rows whose action starts with it."""
        require(user, Permission.VIEW_AUDIT)
        zone = self._timezone()
        start, _ = day_bounds_utc(min(first, last), zone)
        _, end = day_bounds_utc(max(first, last), zone)
        at, before = (db_text(after[0]), after[1]) if after else (_FAR, 0)
        params: list[Any] = [db_text(start), db_text(end), at, at, before]
        sql_who = sql_action = ""
        if who is not None:
            sql_who = " AND a.user_name = ?"
            params.append(who)
        if user_id is not None:
            sql_who += " AND a.user_id = ?"
            params.append(user_id)
        if action is not None:
            sql_action = " AND substr(a.action, 1, ?) = ?"
            params += [len(action), action]
        params.append(size + 1)
        with self._db.read_raw() as cur:
            rows = cur.execute(_PAGE.format(who=sql_who, action=sql_action), params).fetchall()
        entries = [AuditEntry(i, _parse(t), name, act, approver, json.loads(detail))
                   for i, t, name, act, approver, detail in rows[:size]]
        return AuditPage(entries, len(rows) > size)

    def cursor_at(self, user: User | None, entry_id: int) -> tuple[datetime, int] | None:
        """The cursor that makes :meth:`page` start just after (older than) the row
        ``entry_id``; None when there is no such row. One look-up by primary key."""
        require(user, Permission.VIEW_AUDIT)
        with self._db.read_raw() as cur:
            row = cur.execute(_AT, (entry_id,)).fetchone()
        return (_parse(row[0]), entry_id) if row else None

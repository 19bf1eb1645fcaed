"""Wrong PINs: after :data:`MAX_FAILURES` in a row a subject is locked for
:data:`FIRST_LOCK`, each further lockout twice as long, kept in the database so every
process on the counter (the app, the command line) sees the same lock.

A subject is a user (``user:<id>``), when the person said who they are (the CLI's
``--user``, the PIN pad after picking a name), or ``anonymous`` when a PIN is typed alone:
today's PIN-only login finds the user by the PIN, so a wrong PIN belongs to nobody. The
anonymous counter is what stops guessing through the PIN-only door: it locks PIN-only
login (naming the user still works), its failures are not wiped by a good login (a clerk
must not reset it with their own PIN between guesses at the owner's) but expire
:data:`FAILURE_WINDOW` after the last one. A user's counter is wiped by their good PIN. A
level (how many lockouts) decays after :data:`LEVEL_MEMORY` without one. The owner can
unlock either.
"""

from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from kiosk_pos.core.clock import db_text, from_db
from kiosk_pos.core.errors import AuthError

MAX_FAILURES = 5
FIRST_LOCK = timedelta(minutes=5)
MAX_LOCK = timedelta(hours=24)
FAILURE_WINDOW = timedelta(hours=1)
LEVEL_MEMORY = timedelta(hours=24)
ANONYMOUS = "anonymous"

_GET = "SELECT failures, level, locked_until, last_failure_at FROM login_guard WHERE subject = ?"
_PUT = ("INSERT INTO login_guard (subject, failures, level, locked_until, last_failure_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT(subject) DO UPDATE SET failures = excluded.failures, "
        "level = excluded.level, locked_until = excluded.locked_until, "
        "last_failure_at = excluded.last_failure_at")
_CLEAR = "UPDATE login_guard SET failures = 0, level = 0, locked_until = NULL WHERE subject = ?"
_RESET_FAILURES = "UPDATE login_guard SET failures = 0 WHERE subject = ? AND failures > 0"


class UserLocked(AuthError):
    """Too many wrong PINs: the sentence says who, and how many minutes are left."""


def subject_for(user_id: int | None) -> str:
    return ANONYMOUS if user_id is None else f"user:{user_id}"


def lock_length(level: int) -> timedelta:
    """The ``level``-th lockout's length (1: five minutes, then doubling, at most a day)."""
    return min(FIRST_LOCK * (2 ** max(level - 1, 0)), MAX_LOCK)


def minutes_left(until: datetime, now: datetime) -> int:
    return max(1, math.ceil((until - now).total_seconds() / 60))


@dataclass(frozen=True, slots=True)
class GuardState:
    failures: int
    level: int
    locked_until: datetime | None
    last_failure_at: datetime | None


def _dt(value: str | None) -> datetime | None:
    return from_db(datetime.fromisoformat(value)) if value else None


def state(cur: sqlite3.Cursor, subject: str) -> GuardState:
    row = cur.execute(_GET, (subject,)).fetchone()
    if row is None:
        return GuardState(0, 0, None, None)
    return GuardState(row[0], row[1], _dt(row[2]), _dt(row[3]))


def locked_until(cur: sqlite3.Cursor, subject: str, now: datetime) -> datetime | None:
    """When ``subject``'s lock ends, if it is locked at ``now``."""
    until = state(cur, subject).locked_until
    return until if until is not None and until > now else None


def fail(cur: sqlite3.Cursor, subject: str, now: datetime) -> datetime | None:
    """Count a wrong PIN; returns the end of the lock it started, if it started one."""
    s = state(cur, subject)
    failures = s.failures
    if s.last_failure_at is not None and now - s.last_failure_at > FAILURE_WINDOW:
        failures = 0
    level = s.level
    if s.locked_until is not None and now - s.locked_until > LEVEL_MEMORY:
        level = 0
    failures += 1
    until = None
    if failures >= MAX_FAILURES:
        level += 1
        until = now + lock_length(level)
        failures = 0
    cur.execute(_PUT, (subject, failures, level, db_text(until) if until else
                       (db_text(s.locked_until) if s.locked_until else None), db_text(now)))
    return until


def succeed(cur: sqlite3.Cursor, subject: str) -> None:
    """A good PIN for a named user: their failures and level start afresh."""
    cur.execute(_CLEAR, (subject,))


def clear(cur: sqlite3.Cursor, subject: str) -> None:
    """The owner's unlock."""
    cur.execute(_CLEAR, (subject,))


def needs_write(cur: sqlite3.Cursor, subject: str) -> bool:
    s = state(cur, subject)
    return bool(s.failures or s.level or s.locked_until)

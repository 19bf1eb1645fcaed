"""Managing the staff (manajemen akses): the owner adds, renames, changes the role of,
disables (never deletes: history names them), unlocks and resets the PIN of users; anyone
changes their own PIN by typing the old one first. Every change is an audit row written in
the same transaction.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime

from kiosk_pos.core import audit, lockout
from kiosk_pos.core.clock import Clock, utc_now
from kiosk_pos.core.errors import AuthError
from kiosk_pos.core.permissions import Permission, require
from kiosk_pos.core.records import Role, User
from kiosk_pos.core.users import UserService, check_pin_format, hash_pin, is_trivial_pin, verify_pin
from kiosk_pos.store import Database

_ALL = "SELECT id, name, role, active, pin_hash FROM users ORDER BY id"
_BY_NAME = "SELECT id, name, role, active, pin_hash FROM users WHERE name = ?"
_SETTING = "SELECT value FROM settings WHERE key = ?"

IDLE_LOCK = "staff.idle_lock_minutes"  # the screen locks after this many idle minutes
DEFAULT_IDLE_LOCK = 10
MAX_IDLE_LOCK = 240


@dataclass(frozen=True, slots=True)
class StaffMember:
    id: int
    name: str
    role: Role
    active: bool
    locked_until: datetime | None  # when a lock is running

    @property
    def user(self) -> User:
        return User(self.id, self.name, self.role)


class StaffService:
    def __init__(self, db: Database, users: UserService, clock: Clock = utc_now) -> None:
        self._db = db
        self._users = users
        self._clock = clock

    # -- reading --------------------------------------------------------------------------
    def list_all(self, actor: User | None) -> list[StaffMember]:
        """Every user, disabled ones too, with any running lock (the owner's)."""
        require(actor, Permission.MANAGE_USERS)
        now = self._clock()
        with self._db.read_raw() as cur:
            rows = cur.execute(_ALL).fetchall()
            return [StaffMember(i, name, Role(role), bool(active),
                                lockout.locked_until(cur, lockout.subject_for(i), now))
                    for i, name, role, active, _h in rows]

    def idle_lock_minutes(self) -> int:
        """After how many idle minutes the screen locks to the PIN pad (0: never)."""
        with self._db.read_raw() as cur:
            row = cur.execute(_SETTING, (IDLE_LOCK,)).fetchone()
        return int(json.loads(row[0])) if row else DEFAULT_IDLE_LOCK

    def idle_lock_for(self, actor: User | None) -> int:
        """The idle-lock minutes as the owner reads them to change them (the command line's
        ``user idle-lock``); the screen itself reads :meth:`idle_lock_minutes`."""
        require(actor, Permission.MANAGE_USERS)
        return self.idle_lock_minutes()

    # -- the owner's changes --------------------------------------------------------------
    def set_idle_lock(self, actor: User | None, minutes: int) -> None:
        require(actor, Permission.MANAGE_USERS)
        if not 0 <= minutes <= MAX_IDLE_LOCK:
            raise AuthError("error.idle_lock_range", most=MAX_IDLE_LOCK)
        from kiosk_pos.core.settings import put

        with self._db.write() as conn:
            put(conn, IDLE_LOCK, minutes)
        audit.note(self._db, "user.idle_lock", actor, self._clock, minutes=minutes)

    def add(self, actor: User | None, name: str, role: Role, pin: str) -> User:
        require(actor, Permission.MANAGE_USERS)
        self._check_new_pin(pin, role, None)
        user = self._users.add(name, role, pin)
        audit.note(self._db, "user.added", actor, self._clock, target=user.name, role=role.value)
        return user

    def rename(self, actor: User | None, name: str, new_name: str) -> User:
        require(actor, Permission.MANAGE_USERS)
        new_name = new_name.strip()
        if not new_name:
            raise AuthError("error.user_name_required")
        with self._db.write_raw() as cur:
            target = self._find(cur, name)
            if cur.execute("SELECT 1 FROM users WHERE name = ?", (new_name,)).fetchone():
                raise AuthError("error.user_exists", name=new_name)
            cur.execute("UPDATE users SET name = ? WHERE id = ?", (new_name, target.id))
            audit.record(cur, "user.renamed", actor, self._clock(), target=target.name,
                         new_name=new_name)
        return User(target.id, new_name, target.role)

    def set_role(self, actor: User | None, name: str, role: Role) -> User:
        require(actor, Permission.MANAGE_USERS)
        with self._db.write_raw() as cur:
            target = self._find(cur, name)
            if target.role is Role.OWNER and role is not Role.OWNER:
                self._keep_an_owner(cur, target.id)
            cur.execute("UPDATE users SET role = ? WHERE id = ?", (role.value, target.id))
            audit.record(cur, "user.role", actor, self._clock(), target=target.name,
                         before=target.role.value, after=role.value)
        return User(target.id, target.name, role)

    def disable(self, actor: User | None, name: str) -> None:
        """The user can no longer log in; their sales and shifts keep their name."""
        require(actor, Permission.MANAGE_USERS)
        with self._db.write_raw() as cur:
            target = self._find(cur, name)
            if target.role is Role.OWNER:
                self._keep_an_owner(cur, target.id)
            cur.execute("UPDATE users SET active = 0 WHERE id = ?", (target.id,))
            audit.record(cur, "user.disabled", actor, self._clock(), target=target.name)

    def reset_pin(self, actor: User | None, name: str, new_pin: str) -> None:
        """The owner sets a user's PIN (a forgotten one); it also lifts a lock."""
        require(actor, Permission.MANAGE_USERS)
        with self._db.read_raw() as cur:
            target = self._find(cur, name)
        self._check_new_pin(new_pin, target.role, target.id)
        fresh = hash_pin(new_pin)
        with self._db.write_raw() as cur:
            cur.execute("UPDATE users SET pin_hash = ? WHERE id = ?", (fresh, target.id))
            lockout.clear(cur, lockout.subject_for(target.id))
            audit.record(cur, "user.pin_reset", actor, self._clock(), target=target.name)

    def change_own_pin(self, user: User, old_pin: str, new_pin: str) -> None:
        """Anyone's own PIN, the old one typed first (a wrong one counts towards a lock)."""
        self._users.authenticate(old_pin, user.name)
        self._check_new_pin(new_pin, user.role, user.id)
        fresh = hash_pin(new_pin)
        with self._db.write_raw() as cur:
            cur.execute("UPDATE users SET pin_hash = ? WHERE id = ?", (fresh, user.id))
            audit.record(cur, "user.pin_changed", user, self._clock(), target=user.name)

    def unlock(self, actor: User | None, name: str | None) -> None:
        """Lift a user's lock (or, with ``name`` None, the PIN pad's)."""
        require(actor, Permission.MANAGE_USERS)
        with self._db.write_raw() as cur:
            if name is None:
                subject, label = lockout.ANONYMOUS, lockout.ANONYMOUS
            else:
                target = self._find(cur, name)
                subject, label = lockout.subject_for(target.id), target.name
            lockout.clear(cur, subject)
            audit.record(cur, "user.unlocked", actor, self._clock(), target=label)

    # -- helpers --------------------------------------------------------------------------
    def _check_new_pin(self, pin: str, role: Role, user_id: int | None) -> None:
        check_pin_format(pin)
        if role is Role.OWNER and is_trivial_pin(pin):
            raise AuthError("error.pin_trivial")
        with self._db.read_raw() as cur:
            rows = cur.execute(_ALL).fetchall()
        for other_id, _n, _r, active, stored in rows:
            if active and other_id != user_id and verify_pin(pin, stored):
                raise AuthError("error.pin_taken")

    @staticmethod
    def _find(cur: sqlite3.Cursor, name: str) -> StaffMember:
        row = cur.execute(_BY_NAME, (name.strip(),)).fetchone()
        if row is None:
            raise AuthError("error.user_unknown", name=name)
        return StaffMember(row[0], row[1], Role(row[2]), bool(row[3]), None)

    @staticmethod
    def _keep_an_owner(cur: sqlite3.Cursor, leaving: int) -> None:
        others = cur.execute("SELECT count(*) FROM users WHERE role = 'owner' AND active = 1 "
                             "AND id != ?", (leaving,)).fetchone()[0]
        if not others:
            raise AuthError("error.last_owner")


__all__ = ["StaffMember", "StaffService"]

"""Console sessions: a signed HttpOnly SameSite=Strict cookie naming a row that can be revoked.

The cookie holds a random token and its HMAC (key derived from the server's master key, so
every process of one distributor agrees); the row's id is the token's SHA-256, so a copy of
the database cannot be turned into cookies. A row is ``password`` (signed in halfway, waiting
for the TOTP code, ``PENDING_MINUTES`` at most) or ``signed_in``; after ``IDLE_MINUTES``
without a request it is revoked. Each row carries its CSRF token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update

from distributor_server.clock import utcnow
from distributor_server.db import Database
from distributor_server.models import StaffSession, StaffUser

COOKIE = "console_session"
PRE_COOKIE = "console_signin"  # signed-out forms: double-submit CSRF token
IDLE_MINUTES = 30
PENDING_MINUTES = 5
TOUCH_SECONDS = 30  # last_seen_at is rewritten at most this often
STAGE_PASSWORD = "password"
STAGE_SIGNED_IN = "signed_in"


def cookie_key(master_key: bytes) -> bytes:
    return hmac.new(master_key, b"console session cookie v1", hashlib.sha256).digest()


def sign(key: bytes, token: str) -> str:
    mac = hmac.new(key, token.encode("ascii"), hashlib.sha256).hexdigest()
    return f"{token}.{mac}"


def unsign(key: bytes, value: str | None) -> str | None:
    """The token of a cookie whose signature checks out, else None."""
    if not value or value.count(".") != 1 or len(value) > 2000:
        return None
    token, _mac = value.split(".")
    if not token.isascii() or not hmac.compare_digest(sign(key, token), value):
        return None
    return token


def _row_id(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


@dataclass(frozen=True)
class ConsoleSession:
    row_id: str
    staff_id: int
    username: str
    role: str
    stage: str
    csrf_token: str


def start(db: Database, staff_id: int, stage: str) -> str:
    """A new session row; returns the token for the cookie (sign it with :func:`sign`)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    with db.write() as session:
        session.add(StaffSession(id=_row_id(token), staff_id=staff_id, stage=stage,
                                 csrf_token=secrets.token_urlsafe(24), created_at=now,
                                 last_seen_at=now, revoked_at=None))
    return token


def _expired(row: StaffSession, now: datetime) -> bool:
    if row.stage == STAGE_PASSWORD:
        return row.created_at + timedelta(minutes=PENDING_MINUTES) <= now
    return row.last_seen_at + timedelta(minutes=IDLE_MINUTES) <= now


def lookup(db: Database, token: str | None) -> ConsoleSession | None:
    """The live session of ``token`` (touching its idle clock), or None."""
    if token is None:
        return None
    now = utcnow()
    with db.read() as session:
        found = session.get(StaffSession, _row_id(token))
        if found is None or found.revoked_at is not None:
            return None
        user = session.get(StaffUser, found.staff_id)
        row = found
    if user is None or not user.active or _expired(row, now):
        revoke(db, token)
        return None
    if now - row.last_seen_at >= timedelta(seconds=TOUCH_SECONDS):
        with db.write() as session:
            session.execute(update(StaffSession).where(StaffSession.id == row.id)
                            .values(last_seen_at=now))
    return ConsoleSession(row.id, user.id, user.username, user.role, row.stage, row.csrf_token)


def revoke(db: Database, token: str) -> None:
    with db.write() as session:
        session.execute(update(StaffSession).where(
            StaffSession.id == _row_id(token), StaffSession.revoked_at.is_(None)
        ).values(revoked_at=utcnow()))


def revoke_all(db: Database, staff_id: int) -> None:
    """Sign a staff member out everywhere (an admin's action, or a changed password)."""
    with db.write() as session:
        session.execute(update(StaffSession).where(
            StaffSession.staff_id == staff_id, StaffSession.revoked_at.is_(None)
        ).values(revoked_at=utcnow()))

"""Staff accounts and the two sign-in steps (password, then TOTP or a recovery code).

Failures count on the staff row in the database (several server processes share it): after
``MAX_FAILURES`` wrong passwords or codes in a row the account is locked for ``LOCK_MINUTES``.
A TOTP code is accepted once: the newest accepted time step is stored and that step or an
older one is refused, so a code seen over a shoulder cannot be used again.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from distributor_server.clock import utcnow
from distributor_server.console import audit, passwords, totp
from distributor_server.db import Database
from distributor_server.models import StaffRecoveryCode, StaffUser

ROLES = ("admin", "desk", "finance", "viewer")
MAX_FAILURES = 5
LOCK_MINUTES = 15
RECOVERY_CODES = 10
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")


class StaffError(ValueError):
    """A refusal; ``key`` names its sentence in the console's languages, ``str()`` is English."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


@dataclass(frozen=True)
class Enrolment:
    staff_id: int
    username: str
    role: str
    otpauth_uri: str
    recovery_codes: list[str]


def create_staff(db: Database, username: str, role: str, password: str,
                 actor: audit.Actor | None = None) -> Enrolment:
    """A new staff member with a fresh TOTP secret and recovery codes (shown once)."""
    username = username.strip().lower()
    if not _USERNAME.match(username):
        raise StaffError("username_bad", "a username is 3-64 letters, digits, '.', '_' or '-', "
                                         "starting with a letter or digit.")
    if role not in ROLES:
        raise StaffError("role_bad", f"the role must be one of {', '.join(ROLES)}.")
    try:
        passwords.check_policy(password, username)
    except passwords.WeakPassword as exc:
        raise StaffError(exc.key, str(exc)) from None
    secret = totp.new_secret()
    codes = [passwords.new_recovery_code() for _ in range(RECOVERY_CODES)]
    try:
        with db.write() as session:
            user = StaffUser(username=username, role=role,
                             password_hash=passwords.hash_password(password), totp_secret=secret,
                             last_totp_step=0, failed_attempts=0, locked_until=None,
                             active=True, created_at=utcnow())
            session.add(user)
            session.flush()
            session.add_all(StaffRecoveryCode(staff_id=user.id,
                                              code_hash=passwords.hash_recovery_code(c))
                            for c in codes)
            audit.add(session, actor or audit.Actor(None, "cli"), "staff.add", username,
                      None, {"username": username, "role": role})
            staff_id = user.id
    except IntegrityError:
        raise StaffError("username_taken", f"there is already a staff user {username!r}.") from None
    return Enrolment(staff_id, username, role, totp.provisioning_uri(secret, username), codes)


def _locked(user: StaffUser, now: datetime) -> bool:
    return user.locked_until is not None and user.locked_until > now


def _fail(session: Session, user: StaffUser, now: datetime, actor: audit.Actor, what: str
          ) -> None:
    user.failed_attempts += 1
    after = {"failed_attempts": user.failed_attempts}
    if user.failed_attempts >= MAX_FAILURES:
        user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
        user.failed_attempts = 0
        after = {"locked_until": user.locked_until}
    audit.add(session, actor, what, user.username, None, after)


def _locked_error() -> StaffError:
    return StaffError("locked", f"this account is locked after {MAX_FAILURES} failed attempts; "
                                f"try again in {LOCK_MINUTES} minutes or ask an admin.")


def check_password(db: Database, username: str, password: str, actor: audit.Actor) -> int:
    """Step one: the staff id for a right password, else :class:`StaffError` (and a failure
    counted on the account)."""
    name = username.strip().lower()[:64]
    now = utcnow()
    with db.write() as session:
        user = session.scalars(
            select(StaffUser).where(StaffUser.username == name).with_for_update()
        ).one_or_none()
        # a refusal is raised after the commit: its audit row and failure count must stay
        if user is None or not user.active:
            passwords.verify_password(password, passwords.DUMMY_HASH)
            audit.add(session, actor, "signin.bad_password", name)
            error = StaffError("bad_credentials", "the username or password is wrong.")
        elif _locked(user, now):
            audit.add(session, actor, "signin.locked", name)
            error = _locked_error()
        elif not passwords.verify_password(password, user.password_hash):
            _fail(session, user, now, actor, "signin.bad_password")
            error = _locked_error() if _locked(user, now) else StaffError(
                "bad_credentials", "the username or password is wrong.")
        else:
            return user.id
    raise error


def check_code(db: Database, staff_id: int, code: str, actor: audit.Actor,
               unix_time: float | None = None) -> None:
    """Step two: a TOTP code not used before, or an unused recovery code (then spent)."""
    now = utcnow()
    unix_time = time.time() if unix_time is None else unix_time
    with db.write() as session:  # a refusal is raised after the commit (audit, failure count)
        user = session.scalars(
            select(StaffUser).where(StaffUser.id == staff_id).with_for_update()).one()
        error = _check_code(session, user, code, unix_time, now)
        if error is None:
            user.failed_attempts = 0
            audit.add(session, actor, "signin", user.username)
        elif error.key == "locked":
            audit.add(session, actor, "signin.locked", user.username)
        else:
            _fail(session, user, now, actor, "signin.bad_code")
            if _locked(user, now):
                error = _locked_error()
    if error is not None:
        raise error


def _check_code(session: Session, user: StaffUser, code: str, unix_time: float, now: datetime
                ) -> StaffError | None:
    if _locked(user, now) or not user.active:
        return _locked_error()
    step = totp.matching_step(user.totp_secret, code, unix_time)
    if step is not None and step > user.last_totp_step:
        user.last_totp_step = step
        return None
    if step is not None:
        return StaffError("code_used", "that code was already used; wait for the next one.")
    if _spend_recovery_code(session, user, code, now):
        return None
    return StaffError("code_wrong", "the code is wrong; type the 6 digits your "
                                    "authenticator app shows now.")


def _spend_recovery_code(session: Session, user: StaffUser, code: str, now: datetime) -> bool:
    if "-" not in code:
        return False
    row = session.scalars(select(StaffRecoveryCode).where(
        StaffRecoveryCode.staff_id == user.id,
        StaffRecoveryCode.code_hash == passwords.hash_recovery_code(code),
        StaffRecoveryCode.used_at.is_(None)).with_for_update()).one_or_none()
    if row is None:
        return False
    row.used_at = now
    return True


@dataclass(frozen=True)
class StaffInfo:
    id: int
    username: str
    role: str
    active: bool
    locked_until: datetime | None
    created_at: datetime


def list_staff(db: Database) -> list[StaffInfo]:
    with db.read() as session:
        return [StaffInfo(u.id, u.username, u.role, u.active, u.locked_until, u.created_at)
                for u in session.scalars(select(StaffUser).order_by(StaffUser.username))]

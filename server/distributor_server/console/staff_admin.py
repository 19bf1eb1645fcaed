"""Staff accounts managed by an admin in the console: add (enrolment shown once), reset
(new password, new authenticator secret and recovery codes, unlocked, signed out
everywhere), disable and enable. Each is audited; no secret goes into the audit row.
An admin cannot disable or reset their own account here (no locking oneself out)."""

from __future__ import annotations

import hashlib

from sqlalchemy import delete, select

from distributor_server.console import audit, passwords, sessions, staff, totp
from distributor_server.db import Database
from distributor_server.models import StaffRecoveryCode, StaffUser


def add(db: Database, actor: audit.Actor, username: str, role: str, password: str
        ) -> staff.Enrolment:
    return staff.create_staff(db, username, role, password, actor)


def _other(session: object, actor: audit.Actor, staff_id: int) -> StaffUser:
    user = session.scalars(select(StaffUser).where(StaffUser.id == staff_id)
                           .with_for_update()).one_or_none()
    if user is None:
        raise staff.StaffError("staff_missing", f"there is no staff user {staff_id}.")
    if user.id == actor.staff_id:
        raise staff.StaffError("staff_self", "you cannot do this to your own account.")
    return user


def reset(db: Database, actor: audit.Actor, staff_id: int, password: str,
          code_key: bytes | None = None) -> staff.Enrolment:
    """With ``code_key`` the recovery codes are derived (passwords.derived_recovery_codes),
    so the enrolment page can show them again after the POST's redirect."""
    secret = totp.new_secret()
    with db.write() as session:
        user = _other(session, actor, staff_id)
        try:
            passwords.check_policy(password, user.username)
        except passwords.WeakPassword as exc:
            raise staff.StaffError(exc.key, str(exc)) from None
        codes = (passwords.derived_recovery_codes(code_key, user.username, secret,
                                                  staff.RECOVERY_CODES) if code_key
                 else [passwords.new_recovery_code() for _ in range(staff.RECOVERY_CODES)])
        user.password_hash = passwords.hash_password(password)
        user.totp_secret, user.last_totp_step = secret, 0
        user.failed_attempts, user.locked_until = 0, None
        session.execute(delete(StaffRecoveryCode).where(StaffRecoveryCode.staff_id == user.id))
        session.add_all(StaffRecoveryCode(staff_id=user.id,
                                          code_hash=passwords.hash_recovery_code(c))
                        for c in codes)
        audit.add(session, actor, "staff.reset", user.username, None,
                  {"password": "changed", "totp": "new secret", "recovery_codes": len(codes)})
        username, role = user.username, user.role
    sessions.revoke_all(db, staff_id)
    return staff.Enrolment(staff_id, username, role, totp.provisioning_uri(secret, username),
                           codes)


def enrolment_again(db: Database, staff_id: int, fingerprint: str, code_key: bytes
                    ) -> staff.Enrolment | None:
    """The enrolment of a reset account once more (the page after the POST's redirect, or
    its reload): only while its authenticator secret is the one ``fingerprint`` names and
    neither a code of it nor a recovery code has been used yet; else None."""
    with db.read() as session:
        user = session.get(StaffUser, staff_id)
        if user is None or not user.active or user.last_totp_step != 0 \
                or secret_fingerprint(user.totp_secret) != fingerprint:
            return None
        used = session.scalar(select(StaffRecoveryCode.id).where(
            StaffRecoveryCode.staff_id == staff_id, StaffRecoveryCode.used_at.is_not(None))
            .limit(1))
        if used is not None:
            return None
        secret, username, role = user.totp_secret, user.username, user.role
    codes = passwords.derived_recovery_codes(code_key, username, secret, staff.RECOVERY_CODES)
    return staff.Enrolment(staff_id, username, role, totp.provisioning_uri(secret, username),
                           codes)


def secret_fingerprint(secret: str) -> str:
    """Names an authenticator secret in a link without giving it away."""
    return hashlib.sha256(secret.encode("ascii")).hexdigest()[:16]


def set_active(db: Database, actor: audit.Actor, staff_id: int, active: bool) -> str:
    with db.write() as session:
        user = _other(session, actor, staff_id)
        before = user.active
        user.active = active
        if active:
            user.failed_attempts, user.locked_until = 0, None
        if before != active:
            audit.add(session, actor, "staff.enable" if active else "staff.disable",
                      user.username, {"active": before}, {"active": active})
        username = user.username
    if not active:
        sessions.revoke_all(db, staff_id)
    return username

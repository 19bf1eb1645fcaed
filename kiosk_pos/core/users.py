"""Owner and clerks, identified at the counter by a PIN hashed with scrypt."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from kiosk_pos.core.clock import to_db, utc_now
from kiosk_pos.core.errors import AuthError
from kiosk_pos.core.records import Role, User
from kiosk_pos.store import Database

# Listing users and checking a PIN happen at start-up and login: plain sqlite3, no SQLAlchemy.
_ACTIVE = "SELECT id, name, role, pin_hash FROM users WHERE active = 1 ORDER BY id"

# scrypt cost: ~50 ms per check on a counter PC, so guessing PINs offline is slow.
_N, _R, _P = 2**14, 8, 1
MIN_PIN_DIGITS = 4


def hash_pin(pin: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_N, r=_R, p=_P)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def verify_pin(pin: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(
        pin.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p)
    )
    return hmac.compare_digest(candidate, bytes.fromhex(digest))


def check_pin_format(pin: str) -> None:
    if not pin.isdigit() or len(pin) < MIN_PIN_DIGITS:
        raise AuthError("error.pin_format", digits=MIN_PIN_DIGITS)


class UserService:
    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, name: str, role: Role, pin: str) -> User:
        check_pin_format(pin)
        if not name.strip():
            raise AuthError("error.user_name_required")
        if self._match(pin) is not None:
            raise AuthError("error.pin_taken")
        from sqlalchemy import select

        from kiosk_pos.store.schema import users

        with self._db.write() as conn:
            if conn.execute(select(users.c.id).where(users.c.name == name.strip())).first():
                raise AuthError("error.user_exists", name=name.strip())
            user_id = conn.execute(
                users.insert().values(
                    name=name.strip(), role=role.value, pin_hash=hash_pin(pin),
                    active=True, created_at=to_db(utc_now()),
                )
            ).inserted_primary_key[0]
        return User(user_id, name.strip(), role)

    def authenticate(self, pin: str) -> User:
        """The active user with this PIN, or AuthError with a sentence for the clerk."""
        user = self._match(pin) if pin.isdigit() else None
        if user is None:
            raise AuthError("error.pin_wrong")
        return user

    def list(self) -> list[User]:
        with self._db.read_raw() as cur:
            rows = cur.execute(_ACTIVE).fetchall()
        return [User(user_id, name, Role(role)) for user_id, name, role, _pin in rows]

    def _match(self, pin: str) -> User | None:
        with self._db.read_raw() as cur:
            rows = cur.execute(_ACTIVE).fetchall()
        for user_id, name, role, pin_hash in rows:
            if verify_pin(pin, pin_hash):
                return User(user_id, name, Role(role))
        return None

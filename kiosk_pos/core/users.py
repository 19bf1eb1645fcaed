"""Owner and clerks, identified at the counter by a PIN hashed with scrypt.

A PIN has few digits, so each guess must be slow: scrypt at :data:`PRODUCTION_COST` takes
>= 100 ms on a counter PC (``python -m bench pin_hash`` prints it) and 32 MiB of memory
per guess, which limits how many guesses a GPU runs at once. The cost is stored in each
hash (``scrypt$N$r$p$salt$digest``): old hashes keep verifying, and one made at another
cost is re-made at the current cost on the next good login (one write, on the thread that
checked the PIN, never the UI's).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, NoReturn

from kiosk_pos.core.clock import Clock, to_db, utc_now
from kiosk_pos.core.errors import AuthError
from kiosk_pos.core.records import Role, User
from kiosk_pos.errors import StoreError
from kiosk_pos.store import Database

if TYPE_CHECKING:  # the lockout loads with the first PIN check (on a worker), not at start-up
    from kiosk_pos.core.lockout import UserLocked

log = logging.getLogger(__name__)

# Listing users and checking a PIN happen at start-up and login: plain sqlite3, no SQLAlchemy.
_ACTIVE = "SELECT id, name, role, pin_hash FROM users WHERE active = 1 ORDER BY id"
_NAMED = "SELECT id, name, role, pin_hash FROM users WHERE active = 1 AND name = ?"
_REHASH = "UPDATE users SET pin_hash = ? WHERE id = ? AND pin_hash = ?"
_MAX_MEMORY = 256 * 1024 * 1024  # refuse to verify a hash whose cost asks for more


@dataclass(frozen=True)
class ScryptCost:
    n: int  # CPU/memory cost, a power of two
    r: int  # block size
    p: int  # parallelism

    @property
    def maxmem(self) -> int:
        """What OpenSSL must be allowed to allocate (128 * r * N, plus room)."""
        return 128 * self.r * (self.n + self.p + 2) + (1 << 20)


# Twice the memory and time of the 2**14 used before: ~100 ms a guess where 2**14 took
# ~50 ms, ~225 ms on the 2-core machine bench/pin_hash.py ran on (docs/benchmarks.md).
PRODUCTION_COST = ScryptCost(n=2**15, r=8, p=1)
# The cost new hashes get. Only the test suite lowers it, through one fixture
# (tests/conftest.py ``cheap_pin_hashing``); tests/core/test_pin_cost.py checks production.
PIN_COST = PRODUCTION_COST
MIN_PIN_DIGITS = 4


def hash_pin(pin: str, cost: ScryptCost | None = None) -> str:
    import hashlib  # here, not at the top: the window opens without hashing a PIN
    import secrets

    cost = cost or PIN_COST
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=cost.n, r=cost.r, p=cost.p,
                            maxmem=cost.maxmem)
    return f"scrypt${cost.n}${cost.r}${cost.p}${salt.hex()}${digest.hex()}"


def cost_of(stored: str) -> ScryptCost | None:
    """The scrypt cost a stored hash was made with, or None if it is not one of ours."""
    try:
        scheme, n, r, p, _salt, _digest = stored.split("$")
        cost = ScryptCost(int(n), int(r), int(p))
    except ValueError:
        return None
    return cost if scheme == "scrypt" else None


def verify_pin(pin: str, stored: str) -> bool:
    cost = cost_of(stored)
    if cost is None or cost.maxmem > _MAX_MEMORY:
        return False
    import hashlib
    import hmac

    _scheme, _n, _r, _p, salt, digest = stored.split("$")
    try:
        candidate = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), n=cost.n,
                                   r=cost.r, p=cost.p, maxmem=cost.maxmem)
        return hmac.compare_digest(candidate, bytes.fromhex(digest))
    except ValueError:  # a damaged hash: it matches no PIN
        return False


MAX_PIN_DIGITS = 8


def check_pin_format(pin: str) -> None:
    if not pin.isdigit() or not MIN_PIN_DIGITS <= len(pin) <= MAX_PIN_DIGITS:
        raise AuthError("error.pin_format", digits=MIN_PIN_DIGITS, most=MAX_PIN_DIGITS)


def is_trivial_pin(pin: str) -> bool:
    """All one digit (1111), or a run up or down (1234, 0123, 9876, 4321)."""
    if len(set(pin)) == 1:
        return True
    steps = {int(b) - int(a) for a, b in zip(pin, pin[1:], strict=False)}
    return steps in ({1}, {-1})


def _locked(name: str, until: datetime, now: datetime) -> UserLocked:
    from kiosk_pos.core.lockout import UserLocked, minutes_left

    return UserLocked("error.user_locked", name=name, minutes=minutes_left(until, now))


class UserService:
    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self._db = db
        self._clock = clock

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

    def authenticate(self, pin: str, name: str | None = None) -> User:
        """The active user with this PIN (and this name, when given), or AuthError with a
        sentence for the clerk; a locked user, or a locked PIN pad, gets UserLocked with the
        minutes left. Wrong PINs count towards a lockout (kiosk_pos/core/lockout.py): the
        named user's, or the anonymous counter's. A hash made at another cost than today's
        is re-made at it. Writes: call this off the UI thread, as every PIN check is."""
        from kiosk_pos.core import lockout
        from kiosk_pos.core.lockout import UserLocked, minutes_left

        now = self._clock()
        if name is not None:
            found = self._named(name)
            if found is None:
                raise AuthError("error.user_unknown", name=name)
            user, stored = found
            subject = lockout.subject_for(user.id)
            with self._db.read_raw() as cur:
                until = lockout.locked_until(cur, subject, now)
            if until is not None:
                raise _locked(user.name, until, now)
            if not (pin.isdigit() and verify_pin(pin, stored)):
                self._wrong(subject, user, now)
            self._logged_in(user, subject, now)
        else:
            with self._db.read_raw() as cur:
                until = lockout.locked_until(cur, lockout.ANONYMOUS, now)
            if until is not None:
                raise UserLocked("error.pin_pad_locked", minutes=minutes_left(until, now))
            match = self._match(pin) if pin.isdigit() else None
            if match is None:
                self._wrong(lockout.ANONYMOUS, None, now)
            user, stored = match  # type: ignore[misc]
            subject = lockout.subject_for(user.id)
            with self._db.read_raw() as cur:
                until = lockout.locked_until(cur, subject, now)
            if until is not None:
                raise _locked(user.name, until, now)
            self._logged_in(user, subject, now)
        if cost_of(stored) != PIN_COST:
            self._rehash(user, pin, stored)
        return user

    def _wrong(self, subject: str, user: User | None, now: datetime) -> NoReturn:
        from kiosk_pos.core import audit, lockout
        from kiosk_pos.core.lockout import UserLocked, minutes_left

        until = None
        try:
            with self._db.write_raw() as cur:
                until = lockout.fail(cur, subject, now)
                if until is not None:
                    audit.record(cur, "user.locked", user, now, subject=subject,
                                 until=until.isoformat())
        except StoreError:
            log.warning("could not count a wrong PIN", exc_info=True)
        if until is not None:
            if user is None:
                raise UserLocked("error.pin_pad_locked", minutes=minutes_left(until, now))
            raise _locked(user.name, until, now)
        raise AuthError("error.pin_wrong")

    def _logged_in(self, user: User, subject: str, now: datetime) -> None:
        from kiosk_pos.core import audit, lockout

        try:
            with self._db.write_raw() as cur:
                if lockout.needs_write(cur, subject):
                    lockout.succeed(cur, subject)
                audit.record(cur, "user.login", user, now)
        except StoreError:  # a file that cannot be written must not lock the owner out
            log.warning("could not record the login of user %s", user.id, exc_info=True)

    def _rehash(self, user: User, pin: str, stored: str) -> None:
        fresh = hash_pin(pin)
        try:
            with self._db.write_raw() as cur:  # unless the PIN changed meanwhile
                cur.execute(_REHASH, (fresh, user.id, stored))
        except StoreError:  # a file that cannot be written must not lock the owner out
            log.warning("could not re-hash the PIN of user %s at the new cost", user.id,
                        exc_info=True)

    def list(self) -> list[User]:
        with self._db.read_raw() as cur:
            rows = cur.execute(_ACTIVE).fetchall()
        return [User(user_id, name, Role(role)) for user_id, name, role, _pin in rows]

    def _named(self, name: str) -> tuple[User, str] | None:
        with self._db.read_raw() as cur:
            row = cur.execute(_NAMED, (name.strip(),)).fetchone()
        return None if row is None else (User(row[0], row[1], Role(row[2])), row[3])

    def _match(self, pin: str) -> tuple[User, str] | None:
        """The active user with this PIN, and their stored hash."""
        with self._db.read_raw() as cur:
            rows = cur.execute(_ACTIVE).fetchall()
        for user_id, name, role, pin_hash in rows:
            if verify_pin(pin, pin_hash):
                return User(user_id, name, Role(role)), pin_hash
        return None

"""Owner and clerks, identified at the counter by a PIN hashed with scrypt.

A PIN has few digits, so each guess must be slow: scrypt at :data:`PRODUCTION_COST` takes
>= 100 ms on a counter PC (``python -m bench pin_hash`` prints it) and 32 MiB of memory
per guess, which limits how many guesses a GPU runs at once. The cost is stored in each
hash (``scrypt$N$r$p$salt$digest``): old hashes keep verifying, and one made at another
cost is re-made at the current cost on the next good login (one write, on the thread that
checked the PIN, never the UI's).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass

from kiosk_pos.core.clock import to_db, utc_now
from kiosk_pos.core.errors import AuthError
from kiosk_pos.core.records import Role, User
from kiosk_pos.errors import StoreError
from kiosk_pos.store import Database

log = logging.getLogger(__name__)

# Listing users and checking a PIN happen at start-up and login: plain sqlite3, no SQLAlchemy.
_ACTIVE = "SELECT id, name, role, pin_hash FROM users WHERE active = 1 ORDER BY id"
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
    _scheme, _n, _r, _p, salt, digest = stored.split("$")
    try:
        candidate = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), n=cost.n,
                                   r=cost.r, p=cost.p, maxmem=cost.maxmem)
        return hmac.compare_digest(candidate, bytes.fromhex(digest))
    except ValueError:  # a damaged hash: it matches no PIN
        return False


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
        """The active user with this PIN, or AuthError with a sentence for the clerk. A
        hash made at another cost than today's is re-made at it (a write: call this off the
        UI thread, as every PIN check is)."""
        found = self._match(pin) if pin.isdigit() else None
        if found is None:
            raise AuthError("error.pin_wrong")
        user, stored = found
        if cost_of(stored) != PIN_COST:
            self._rehash(user, pin, stored)
        return user

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

    def _match(self, pin: str) -> tuple[User, str] | None:
        """The active user with this PIN, and their stored hash."""
        with self._db.read_raw() as cur:
            rows = cur.execute(_ACTIVE).fetchall()
        for user_id, name, role, pin_hash in rows:
            if verify_pin(pin, pin_hash):
                return User(user_id, name, Role(role)), pin_hash
        return None

"""Staff passwords: scrypt hashes, at least 12 characters, not in the bundled common list."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from functools import lru_cache
from pathlib import Path

MIN_LENGTH = 12
MAX_LENGTH = 256
_N, _R, _P = 2**14, 8, 1  # ~16 MiB and tens of milliseconds per hash
_COMMON_FILE = Path(__file__).with_name("common-passwords.txt")


class WeakPassword(ValueError):
    """``key`` names the sentence (console i18n); ``str()`` is the English one."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    lines = _COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines
                     if line.strip() and not line.startswith("#"))


def check_policy(password: str, username: str = "") -> None:
    if len(password) < MIN_LENGTH:
        raise WeakPassword("password_short",
                           f"the password needs at least {MIN_LENGTH} characters.")
    if len(password) > MAX_LENGTH:
        raise WeakPassword("password_long",
                           f"the password may have at most {MAX_LENGTH} characters.")
    lowered = password.lower()
    if lowered in common_passwords() or (username and username.lower() in lowered):
        raise WeakPassword("password_common",
                           "that password is too easy to guess; choose another one.")


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${_N}${_R}${_P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt),
                                n=int(n), r=int(r), p=int(p), dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


DUMMY_HASH = hash_password(secrets.token_urlsafe(16))
"""Checked against when the username is unknown, so both cases take the same time."""


def new_recovery_code() -> str:
    """Ten base32 characters in two groups, e.g. ``k3xq7-m2pda``: 50 random bits."""
    raw = base64.b32encode(secrets.token_bytes(7)).decode("ascii").lower()[:10]
    return f"{raw[:5]}-{raw[5:]}"


def derived_recovery_codes(key: bytes, username: str, totp_secret: str, count: int
                           ) -> list[str]:
    """Recovery codes made from a server key and the account's new authenticator secret
    (as random to anyone without the key), so the page that shows them after a redirect can
    make them again instead of keeping them anywhere; a new secret makes new codes."""
    codes = []
    for i in range(count):
        mac = hmac.new(key, f"recovery:{username}:{totp_secret}:{i}".encode(),
                       hashlib.sha256).digest()
        raw = base64.b32encode(mac[:7]).decode("ascii").lower()[:10]
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def hash_recovery_code(code: str) -> str:
    """Recovery codes are random, so one SHA-256 is enough (no dictionary to try)."""
    normalised = code.strip().lower().replace(" ", "")
    return hashlib.sha256(normalised.encode("ascii", "replace")).hexdigest()

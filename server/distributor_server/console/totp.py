"""TOTP (RFC 6238 over RFC 4226 HOTP): SHA-1, 30-second steps, 6 digits, stdlib only."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
from urllib.parse import quote, urlencode

STEP_SECONDS = 30
DIGITS = 6
DRIFT_STEPS = 1  # a code from the step before or after is accepted too (clock drift)


def new_secret() -> str:
    """A fresh 160-bit secret in base32 (what authenticator apps take)."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii").rstrip("=")


def _key(secret: str) -> bytes:
    padded = secret.upper() + "=" * (-len(secret) % 8)
    return base64.b32decode(padded)


def time_step(unix_time: float) -> int:
    return int(unix_time // STEP_SECONDS)


def code_at(secret: str, step: int) -> str:
    digest = hmac.new(_key(secret), struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**DIGITS).zfill(DIGITS)


def now_code(secret: str, unix_time: float) -> str:
    return code_at(secret, time_step(unix_time))


def matching_step(secret: str, code: str, unix_time: float) -> int | None:
    """The time step whose code is ``code`` within +-1 step of ``unix_time``, else None."""
    code = code.strip().replace(" ", "")
    if len(code) != DIGITS or not (code.isascii() and code.isdigit()):
        return None
    current = time_step(unix_time)
    found = None
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(code_at(secret, step), code):
            found = step  # keep the newest match so a replay window stays closed
    return found


def provisioning_uri(secret: str, username: str, issuer: str = "Pulsa Distributor") -> str:
    """``otpauth://totp/...``: what the enrolment QR code holds."""
    label = quote(f"{issuer}:{username}")
    query = urlencode({"secret": secret, "issuer": issuer, "algorithm": "SHA1",
                       "digits": DIGITS, "period": STEP_SECONDS})
    return f"otpauth://totp/{label}?{query}"

"""Request and reply signing between a kiosk and its distributor (stdlib only).

Authentication (every ``/v1`` request except ``GET /v1/health``)
-------------------------------------------------------------------
Headers ``X-Kiosk-Id``, ``X-Timestamp`` (unix seconds), ``X-Nonce`` (16-64 hex chars, fresh
per request) and ``X-Signature``: lowercase hex HMAC-SHA256 keyed with the UTF-8 bytes of the
kiosk secret over::

    METHOD \\n PATH_WITH_QUERY \\n TIMESTAMP \\n NONCE \\n sha256_hex(BODY)

``PATH_WITH_QUERY`` is the path exactly as sent on the request line (percent-encoded, with
``?query`` when there is one). A timestamp more than 5 minutes off, a wrong signature or a
nonce already seen from that kiosk gets 401. Use :func:`sign_request` to build the headers.

Reply signing (the server proves it is the distributor)
--------------------------------------------------------
Once the server has identified the kiosk (its request signature checked), EVERY reply to
that request, errors (4xx) included, carries ``X-Reply-Timestamp`` (unix seconds) and
``X-Reply-Signature``: lowercase hex HMAC-SHA256 keyed with the same kiosk secret over::

    REPLY \\n STATUS \\n REQUEST_NONCE \\n REPLY_TIMESTAMP \\n sha256_hex(REPLY_BODY)

``REQUEST_NONCE`` is the ``X-Nonce`` of the request being answered, so a reply cannot be
replayed to another request; the leading ``REPLY`` keeps a reply signature from ever being
mistaken for a request signature. The kiosk checks every reply with :func:`verify_reply`
before it reads the body: unsigned, wrongly signed or a reply timestamp more than 5 minutes
off means "not the distributor" and nothing in it is used. Replies sent before the kiosk is
identified (401 for missing headers or a wrong signature) cannot be signed; the kiosk treats
them as a refusal that proves nothing. Build the headers with :func:`sign_reply`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from pulsa_protocol.wire import MAX_KIOSK_ID

HEADER_KIOSK_ID = "X-Kiosk-Id"
HEADER_TIMESTAMP = "X-Timestamp"
HEADER_NONCE = "X-Nonce"
HEADER_SIGNATURE = "X-Signature"
AUTH_HEADERS = (HEADER_KIOSK_ID, HEADER_TIMESTAMP, HEADER_NONCE, HEADER_SIGNATURE)
HEADER_REPLY_TIMESTAMP = "X-Reply-Timestamp"
HEADER_REPLY_SIGNATURE = "X-Reply-Signature"
MAX_CLOCK_SKEW_SECONDS = 300
NONCE_MIN_HEX = 16
NONCE_MAX_HEX = 64


def kiosk_id_from_header(text: str) -> int | None:
    """The kiosk id of an ``X-Kiosk-Id`` value: 1-10 ASCII digits up to MAX_KIOSK_ID, or None."""
    if not (0 < len(text) <= 10 and text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if 0 < value <= MAX_KIOSK_ID else None


def body_sha256(body: bytes) -> str:
    """Lowercase hex SHA-256 of the raw body bytes (of ``b""`` for a request without body)."""
    return hashlib.sha256(body or b"").hexdigest()


def canonical_request(
    method: str, path_with_query: str, timestamp: str, nonce: str, body: bytes
) -> str:
    """The exact text that is signed."""
    return "\n".join([method.upper(), path_with_query, timestamp, nonce, body_sha256(body)])


def compute_signature(
    secret: str, method: str, path_with_query: str, timestamp: str, nonce: str, body: bytes
) -> str:
    """Hex HMAC-SHA256 of :func:`canonical_request` keyed with the secret's UTF-8 bytes."""
    message = canonical_request(method, path_with_query, timestamp, nonce, body)
    return hmac.new(secret.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()


def new_nonce() -> str:
    """A fresh random nonce (32 hex chars)."""
    return secrets.token_hex(16)


def sign_request(
    kiosk_id: int | str,
    secret: str,
    method: str,
    path_with_query: str,
    body: bytes = b"",
    *,
    timestamp: int | None = None,
    nonce: str | None = None,
) -> dict[str, str]:
    """The four auth headers for one request. Sign the path exactly as it goes on the wire."""
    ts = str(int(time.time()) if timestamp is None else int(timestamp))
    nonce = nonce or new_nonce()
    return {
        HEADER_KIOSK_ID: str(kiosk_id),
        HEADER_TIMESTAMP: ts,
        HEADER_NONCE: nonce,
        HEADER_SIGNATURE: compute_signature(secret, method, path_with_query, ts, nonce, body),
    }


def verify_signature(
    secret: str,
    method: str,
    path_with_query: str,
    timestamp: str,
    nonce: str,
    body: bytes,
    signature: str,
) -> bool:
    """Constant-time check of ``signature`` against what ``secret`` would sign."""
    expected = compute_signature(secret, method, path_with_query, timestamp, nonce, body)
    return hmac.compare_digest(expected, (signature or "").strip().lower())


def canonical_reply(status: int, nonce: str, timestamp: str, body: bytes) -> str:
    """The exact text a reply signature covers (see "Reply signing" above)."""
    return "\n".join(["REPLY", str(int(status)), nonce.lower(), timestamp, body_sha256(body)])


def _reply_mac(secret: str, status: int, nonce: str, timestamp: str, body: bytes) -> str:
    message = canonical_reply(status, nonce, timestamp, body)
    return hmac.new(secret.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()


def sign_reply(
    secret: str, status: int, nonce: str, body: bytes, *, timestamp: int | None = None
) -> dict[str, str]:
    """The two reply headers for the answer ``status``/``body`` to the request ``nonce``."""
    ts = str(int(time.time()) if timestamp is None else int(timestamp))
    return {HEADER_REPLY_TIMESTAMP: ts,
            HEADER_REPLY_SIGNATURE: _reply_mac(secret, status, nonce, ts, body)}


def verify_reply(
    secret: str,
    status: int,
    nonce: str,
    body: bytes,
    timestamp: str | None,
    signature: str | None,
    now: float | None = None,
) -> str | None:
    """``None`` when the reply is proven; else why not: ``unsigned``, ``bad_signature``
    or ``stale`` (a correct signature whose timestamp is more than 5 minutes off)."""
    if not timestamp or not signature:
        return "unsigned"
    expected = _reply_mac(secret, status, nonce, timestamp.strip(), body)
    given = signature.strip().lower().encode("utf-8", "replace")
    if not hmac.compare_digest(expected.encode("ascii"), given):
        return "bad_signature"
    if not timestamp_is_fresh(timestamp.strip(), now):
        return "stale"
    return None


def timestamp_is_fresh(
    timestamp: str, now: float | None = None, skew: int = MAX_CLOCK_SKEW_SECONDS
) -> bool:
    """True when ``timestamp`` (unix seconds as text) is within ``skew`` seconds of now."""
    try:
        ts = int(timestamp)
    except (TypeError, ValueError):
        return False
    now = time.time() if now is None else now
    return abs(now - ts) <= skew


def nonce_is_well_formed(nonce: str) -> bool:
    if not nonce or not NONCE_MIN_HEX <= len(nonce) <= NONCE_MAX_HEX:
        return False
    return all(c in "0123456789abcdefABCDEF" for c in nonce)

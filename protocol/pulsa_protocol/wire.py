"""The distributor protocol: one module shared by the kiosk's sync client and the server.

Imports only the standard library and pydantic, so both ends can use it.

Transport
---------
JSON over HTTP(S) under ``/v1``. Money is always an ``int`` of rupiah, never a float
(fields are strict ints: ``10000.0`` or ``"10000"`` is refused). Times are ISO 8601 UTC.
Every non-2xx reply carries an :class:`ErrorBody` ``{"code", "message", "errors"}``.

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

    REPLY \n STATUS \n REQUEST_NONCE \n REPLY_TIMESTAMP \n sha256_hex(REPLY_BODY)

``REQUEST_NONCE`` is the ``X-Nonce`` of the request being answered, so a reply cannot be
replayed to another request; the leading ``REPLY`` keeps a reply signature from ever being
mistaken for a request signature. The kiosk checks every reply with :func:`verify_reply`
before it reads the body: unsigned, wrongly signed or a reply timestamp more than 5 minutes
off means "not the distributor" and nothing in it is used. Replies sent before the kiosk is
identified (401 for missing headers or a wrong signature) cannot be signed; the kiosk treats
them as a refusal that proves nothing. Build the headers with :func:`sign_reply`.

Try later: 429 and 503 with Retry-After
---------------------------------------
Two replies say "not now" rather than "no"; neither did anything, so the same request
(same ``ref_id``, same body) may be sent again once the wait is over:

- ``429`` :class:`ErrorBody` with ``code`` ``rate_limited``: this kiosk sent more requests to
  that endpoint than its per-minute budget (counted per kiosk and per endpoint in a one
  minute window, shared by every server process; the distributor sets the budgets, about
  20 a second for top-ups and the default, 10 a second for ``/v1/changes``, 30 a minute for
  creating deposit tickets). It comes after authentication, so it is signed like any reply.
- ``503`` :class:`ErrorBody` with ``code`` ``unavailable``: the server is busy (its database
  connections are all in use) or cannot reach its database. It may come before the kiosk is
  identified, and a proxy in front of the server may send its own 502/503/504, so it can be
  unsigned: an unsigned 5xx or 429 proves nothing and only means "no answer, try later".

Both carry ``Retry-After``: whole seconds to wait (``HEADER_RETRY_AFTER``; the server sends
delta-seconds, at least 1; 2 when busy, 30 when its database is down, up to 60 for a rate
limit). A client waits at least that long before it sends to that endpoint again, and does
not retry sooner on its own; it treats the reply as "no definite answer" (a queued top-up
stays queued). As an unsigned header may come from anyone, a client caps the wait it honours
(the kiosk caps it at an hour) and also accepts the HTTP-date form.

Endpoints (request -> reply model)
----------------------------------
- ``GET /v1/health`` (no auth) -> :class:`Health`
- ``GET /v1/ping`` -> :class:`Ping` (the bare authenticated round trip)
- ``GET /v1/balance`` -> :class:`Balance`
- ``PUT /v1/topups/{ref_id}`` body :class:`TopUpFields` -> :class:`TopUp`; 201 created,
  200 when that ref_id already exists with the same sku and destination (never charged twice),
  409 ``ref_conflict`` when it exists with a different one, 402 ``insufficient_deposit``,
  422 ``unknown_sku`` / ``wrong_operator`` / ``bad_destination`` / ``price_changed``.
  A refused submit writes nothing, so the same ref_id may be submitted again later.
- ``POST /v1/topups`` body :class:`TopUpBatchRequest` (1..1000 items) -> 200
  :class:`TopUpBatchResponse`, one :class:`TopUpItemResult` per item in order, each with the
  ``code``/``http_status`` the single submit would have answered.
- ``GET /v1/topups/{ref_id}`` -> :class:`TopUp` (404 ``not_found``)
- ``GET /v1/changes?cursor=N&limit=M&wait=S`` -> :class:`ChangesPage`: this kiosk's feed of
  top-up status changes and ledger rows with gap-free ``seq`` numbers; pass the returned
  ``next_cursor`` next time. ``wait`` (0-25 s) long-polls until something newer exists.
- ``GET /v1/prices?since=VERSION`` -> :class:`PriceList` (rows changed after VERSION;
  inactive rows are included with ``active=false`` so the kiosk can hide them)
- ``POST /v1/deposit-tickets`` body :class:`DepositTicketRequest` -> 201 :class:`DepositTicket`
- ``GET /v1/deposit-tickets`` -> :class:`DepositTicketList`
- ``GET /v1/transactions?from=ISO&to=ISO`` -> :class:`TransactionList` (by created time)
- ``GET /v1/ledger?from=ISO&to=ISO`` -> :class:`LedgerPage`
- ``POST /v1/inquiries`` -> the name check before a PLN or e-wallet sale (:mod:`.inquiry`)
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

API_PREFIX = "/v1"
HEADER_KIOSK_ID = "X-Kiosk-Id"
HEADER_TIMESTAMP = "X-Timestamp"
HEADER_NONCE = "X-Nonce"
HEADER_SIGNATURE = "X-Signature"
AUTH_HEADERS = (HEADER_KIOSK_ID, HEADER_TIMESTAMP, HEADER_NONCE, HEADER_SIGNATURE)
HEADER_REPLY_TIMESTAMP = "X-Reply-Timestamp"
HEADER_REPLY_SIGNATURE = "X-Reply-Signature"
HEADER_RETRY_AFTER = "Retry-After"
"""On 429 ``rate_limited`` and 503 ``unavailable``: seconds to wait before trying again."""
RETRY_LATER_STATUSES = (429, 503)
"""Replies that mean "not now" (nothing was done); see the module docstring."""
MAX_CLOCK_SKEW_SECONDS = 300
MAX_BATCH_ITEMS = 1000
MAX_BODY_BYTES = 1 << 20
MAX_WAIT_SECONDS = 25
NONCE_MIN_HEX = 16
NONCE_MAX_HEX = 64
MAX_KIOSK_ID = 2**31 - 1
"""Kiosk ids are 32-bit; a larger ``X-Kiosk-Id`` is refused before any database look-up."""
MAX_SEQ = 2**63 - 1
"""Cursors and versions (``cursor``, ``since``) are 64-bit."""
MAX_RUPIAH = 10**12
"""No amount on the wire exceeds a trillion rupiah."""
EARLIEST_YEAR = 2000
LATEST_YEAR = 2200
TEXT_PATTERN = r"^[^\x00-\x1f\x7f]*$"
"""Free text fields carry no control characters (NUL included)."""

Rupiah = Annotated[int, Field(strict=True)]
"""Whole rupiah. Strict: floats and numeric strings are refused."""




def _within_years(value: datetime) -> datetime:
    """Refuse times that cannot be stored or converted to UTC (year 1, year 9999, ...)."""
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(f"must be between the years {EARLIEST_YEAR} and {LATEST_YEAR}")
    return value.astimezone(UTC) if value.tzinfo is not None else value


WireTime = Annotated[datetime, AfterValidator(_within_years)]
"""A time a kiosk sends: between the years 2000 and 2200."""


def kiosk_id_from_header(text: str) -> int | None:
    """The kiosk id of an ``X-Kiosk-Id`` value: 1-10 ASCII digits up to MAX_KIOSK_ID, or None."""
    if not (0 < len(text) <= 10 and text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if 0 < value <= MAX_KIOSK_ID else None


# ----------------------------------------------------------------------------- signing


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


# ----------------------------------------------------------------------------- enums


class TopUpStatus(StrEnum):
    PENDING = "pending"
    SUCCESS = "success"
    FAILED = "failed"


class ProductKind(StrEnum):
    PULSA = "pulsa"
    DATA = "data"
    PLN = "pln"
    EWALLET = "ewallet"


class ErrorCode(StrEnum):
    """``code`` values of :class:`ErrorBody` and :class:`TopUpItemResult`."""

    CREATED = "created"  # item result only: accepted now, deposit debited
    EXISTS = "exists"  # item result only: same ref_id and payload seen before
    REF_CONFLICT = "ref_conflict"  # 409
    INSUFFICIENT_DEPOSIT = "insufficient_deposit"  # 402
    UNKNOWN_SKU = "unknown_sku"  # 422
    WRONG_OPERATOR = "wrong_operator"  # 422
    BAD_DESTINATION = "bad_destination"  # 422
    PRICE_CHANGED = "price_changed"  # 422: price now above expected_price
    INVALID_REQUEST = "invalid_request"  # 422 (400 for malformed JSON)
    MALFORMED_JSON = "malformed_json"  # 400
    BODY_TOO_LARGE = "body_too_large"  # 413
    UNAUTHORIZED = "unauthorized"  # 401
    STALE_TIMESTAMP = "stale_timestamp"  # 401
    BAD_SIGNATURE = "bad_signature"  # 401
    REPLAYED_NONCE = "replayed_nonce"  # 401
    NOT_FOUND = "not_found"  # 404
    METHOD_NOT_ALLOWED = "method_not_allowed"  # 405
    RATE_LIMITED = "rate_limited"  # 429, with Retry-After
    UNAVAILABLE = "unavailable"  # 503, with Retry-After: busy or database unreachable
    INTERNAL = "internal"  # 500


class LedgerReason(StrEnum):
    TOPUP = "topup"  # debit for an accepted top-up
    REFUND = "refund"  # credit back for a failed top-up
    DEPOSIT = "deposit"  # credit entered by the distributor
    DEPOSIT_TICKET = "deposit_ticket"  # credit from a confirmed deposit ticket
    CORRECTION = "correction"


# ----------------------------------------------------------------------------- models


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class ErrorBody(_Model):
    code: str
    message: str
    errors: list[dict] | None = None


class Health(_Model):
    status: str = "ok"
    version: str
    server_time: datetime


class Ping(_Model):
    kiosk_id: int
    server_time: datetime


class Balance(_Model):
    kiosk_id: int
    balance: Rupiah
    ledger_seq: int = Field(description="seq of the last ledger row (0 when none)")
    change_seq: int = Field(description="seq of the last change-feed row (0 when none)")


RefId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:\-]+$")]


class TopUpFields(_Model):
    """Body of ``PUT /v1/topups/{ref_id}``."""

    sku: str = Field(min_length=1, max_length=40, pattern=TEXT_PATTERN)
    destination: str = Field(min_length=1, max_length=40, pattern=TEXT_PATTERN,
                             description="ASCII digits; spaces, dashes, dots, brackets, +62")
    expected_price: Rupiah | None = Field(
        default=None, ge=0, le=MAX_RUPIAH,
        description="the kiosk's cached cost; refused if the price is higher",
    )
    created_at: WireTime | None = Field(default=None, description="when the clerk made the sale")


class TopUpRequest(TopUpFields):
    """One item of ``POST /v1/topups``."""

    ref_id: RefId


class TopUp(_Model):
    ref_id: str
    sku: str
    destination: str
    price: Rupiah
    status: TopUpStatus
    sn: str = ""
    message: str = ""
    created_at: datetime
    updated_at: datetime
    kiosk_created_at: datetime | None = None


class TopUpBatchRequest(_Model):
    items: list[TopUpRequest] = Field(min_length=1, max_length=MAX_BATCH_ITEMS)


class TopUpItemResult(_Model):
    ref_id: str
    code: str
    http_status: int
    message: str = ""
    topup: TopUp | None = None


class TopUpBatchResponse(_Model):
    results: list[TopUpItemResult]
    balance: Rupiah


class LedgerEntry(_Model):
    """One row of the mutasi: every balance change, never edited afterwards."""

    seq: int
    amount: Rupiah
    balance_before: Rupiah
    balance_after: Rupiah
    reason: str
    reference: str = ""
    created_at: datetime


class LedgerPage(_Model):
    entries: list[LedgerEntry]
    balance: Rupiah


class Change(_Model):
    """A feed row: ``kind`` is ``topup`` (status change; ``topup`` set) or ``ledger``."""

    seq: int
    kind: str
    created_at: datetime
    topup: TopUp | None = None
    ledger: LedgerEntry | None = None


class ChangesPage(_Model):
    changes: list[Change]
    next_cursor: int
    has_more: bool


class Product(_Model):
    sku: str
    name: str
    kind: ProductKind
    operator: str
    nominal: Rupiah
    price: Rupiah
    active: bool
    version: int


class PriceList(_Model):
    version: int
    products: list[Product]


class DepositTicketRequest(_Model):
    amount: Rupiah = Field(ge=10_000, le=100_000_000)


class DepositTicket(_Model):
    id: int
    amount_requested: Rupiah
    unique_code: int
    amount_to_transfer: Rupiah
    bank_name: str
    bank_account: str
    bank_holder: str
    status: str = Field(description="open, confirmed or expired")
    expires_at: datetime
    created_at: datetime
    confirmed_at: datetime | None = None


class DepositTicketList(_Model):
    tickets: list[DepositTicket]


class TransactionList(_Model):
    topups: list[TopUp]

"""The distributor protocol: one module shared by the kiosk's sync client and the server.

Imports only the standard library and pydantic, so both ends can use it.

Transport
---------
JSON over HTTP(S) under ``/v1``. Money is always an ``int`` of rupiah, never a float
(fields are strict ints: ``10000.0`` or ``"10000"`` is refused). Times are ISO 8601 UTC.
Every non-2xx reply carries an :class:`ErrorBody` ``{"code", "message", "errors"}``.

Authentication and reply signing: see :mod:`pulsa_protocol.signing` (every ``/v1``
request except ``GET /v1/health`` is signed, and so is every reply once the kiosk is known).

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
- ``GET /v1/transactions/summary?from=ISO&to=ISO&margin=S&until=ISO`` -> :class:`DaySummary`:
  what reconciling the day [from, to) compares, as counts and digests
  (:mod:`pulsa_protocol.day_summary`), so a kiosk whose books agree downloads no list. A
  server older than this endpoint answers 404 (unsigned): the kiosk then compares the lists.
- ``POST /v1/inquiries`` -> the name check before a PLN or e-wallet sale (:mod:`.inquiry`)
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

API_PREFIX = "/v1"
HEADER_RETRY_AFTER = "Retry-After"
"""On 429 ``rate_limited`` and 503 ``unavailable``: seconds to wait before trying again."""
RETRY_LATER_STATUSES = (429, 503)
"""Replies that mean "not now" (nothing was done); see the module docstring."""
MAX_BATCH_ITEMS = 1000
MAX_BODY_BYTES = 1 << 20
MAX_WAIT_SECONDS = 25
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


class TopUpDigest(_Model):
    """Top-ups summed up: how many, and the SHA-256 of their sorted lines
    (:func:`pulsa_protocol.day_summary.topup_digest`)."""

    count: int
    digest: str


class LedgerDigest(_Model):
    """Ledger rows summed up: how many, their amounts' sum, and the SHA-256 of their sorted
    lines (:func:`pulsa_protocol.day_summary.ledger_digest`)."""

    count: int
    total: Rupiah
    digest: str


class DaySummary(_Model):
    """Reply of ``GET /v1/transactions/summary?from=&to=&margin=&until=``, one read snapshot.

    ``topups``: this kiosk's top-ups the server received in [from - margin, to + margin)
    whose sale time (``kiosk_created_at``, else the time received) lies in [from, to).
    ``ledger``: its ledger rows created in [from - margin, until). ``balance``: as
    :class:`Balance` has it.
    """

    topups: TopUpDigest
    ledger: LedgerDigest
    balance: Rupiah

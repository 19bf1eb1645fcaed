"""Request authentication: HMAC-SHA256 over method, path, timestamp, nonce and body hash.

A signed request is admitted in ONE database transaction (:func:`admit_in`): read the kiosk
(its secret generation), verify the signature, check the timestamp, store the nonce
(``INSERT ... ON CONFLICT DO UPDATE ... WHERE expired RETURNING``: no row back means a
replay) and count the request against its rate budget. The top-up submit runs its own work
in that same transaction (:mod:`distributor_server.topups`), so a submit commits once.

On PostgreSQL the same steps run pipelined on the raw driver connection
(:mod:`distributor_server.pg_hot`): the nonce and the rate window are written in the
statement that reads the kiosk, before the signature is checked, and a request that fails
the check is rolled back, so it keeps nothing, exactly as if the nonce had never been sent.

The signature is checked before the timestamp so that, once the kiosk is known, even a
"stale timestamp" refusal goes back signed (:mod:`distributor_server.api.reply_signing`).
Nonces are stored per kiosk in the database with an expiry past the timestamp window, so a
replay is refused even when the copy lands on another worker process. A refusal after the
nonce is stored (replay, rate limit) still commits, so the nonce cannot be used again.
"""

from __future__ import annotations

import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta

from fastapi import Request
from pulsa_protocol import signing, wire
from pulsa_protocol.complaints import ChangesPage
from sqlalchemy import bindparam, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from distributor_server.api.errors import ApiError
from distributor_server.api.reply_signing import sign_replies_for
from distributor_server.clock import utcnow
from distributor_server.context import ServerContext
from distributor_server.models import Kiosk, SeenNonce
from distributor_server.rate_limit import bump_window_statement, per_minute, wait_after, window_of

Code = wire.ErrorCode


def path_with_query(request: Request) -> str:
    raw = request.scope.get("raw_path") or request.url.path.encode()
    query = request.scope.get("query_string") or b""
    text = raw.decode("latin-1")
    return f"{text}?{query.decode('latin-1')}" if query else text


@dataclass(frozen=True)
class SignedRequest:
    """What the signature covers, read from the request without touching the database."""

    kiosk_id: int
    method: str
    path: str
    timestamp: str
    nonce: str
    signature: str
    body: bytes


@dataclass(frozen=True)
class Admission:
    """The outcome of :func:`admit_in`: ``secret`` once the kiosk is identified (so the
    reply is signed), and ``refusal`` when the request must not proceed."""

    kiosk_id: int
    secret: str | None
    refusal: ApiError | None = None


async def read_signed(request: Request) -> SignedRequest:
    """The auth headers and body, or 401 (unsigned: no kiosk is identified yet)."""
    return signed_parts(request.method, path_with_query(request), request.headers,
                        await request.body())


def signed_parts(method: str, path: str, headers: Mapping[str, str], body: bytes
                 ) -> SignedRequest:
    """:func:`read_signed` from the parts it reads (``headers``: case-insensitive, such as
    Starlette's), for the top-up fast path (:mod:`distributor_server.api.fast_submit`)."""
    missing = [name for name in signing.AUTH_HEADERS if not headers.get(name)]
    if missing:
        raise ApiError(401, Code.UNAUTHORIZED, f"Missing header(s): {', '.join(missing)}.")
    kiosk_id = signing.kiosk_id_from_header(headers[signing.HEADER_KIOSK_ID])
    if kiosk_id is None:
        raise ApiError(401, Code.UNAUTHORIZED,
                       f"X-Kiosk-Id must be a number from 1 to {wire.MAX_KIOSK_ID}.")
    nonce = headers[signing.HEADER_NONCE]
    if not signing.nonce_is_well_formed(nonce):
        raise ApiError(401, Code.UNAUTHORIZED, "X-Nonce must be 16-64 hex characters.")
    return SignedRequest(kiosk_id, method, path, headers[signing.HEADER_TIMESTAMP], nonce,
                         headers[signing.HEADER_SIGNATURE], body)


_NONCES = SeenNonce.__table__
NONCE_LIFETIME = timedelta(seconds=2 * signing.MAX_CLOCK_SKEW_SECONDS + 60)


def _store_nonce(insert: type, rows: object = None) -> object:
    """Store the nonce unless a live copy exists (an expired copy may be reused): a row
    back (the kiosk id) means fresh, none means a replay. From the bound ``kiosk_id``,
    ``nonce`` and ``expires_at``, or from ``rows`` (a SELECT of those three: the
    PostgreSQL hot path stores it only for a kiosk it found, :mod:`distributor_server.pg_hot`)."""
    stmt = insert(_NONCES)
    if rows is None:
        stmt = stmt.values(kiosk_id=bindparam("kiosk_id"), nonce=bindparam("nonce"),
                           expires_at=bindparam("expires_at"))
    else:
        stmt = stmt.from_select(["kiosk_id", "nonce", "expires_at"], rows)
    return stmt.on_conflict_do_update(
        index_elements=[_NONCES.c.kiosk_id, _NONCES.c.nonce],
        set_={"expires_at": stmt.excluded.expires_at},
        where=_NONCES.c.expires_at < bindparam("now"),
    ).returning(_NONCES.c.kiosk_id)


# built once (issue 14): a statement built per request paid for coercion and a cache key
_STORE_NONCE = {"sqlite": _store_nonce(sqlite.insert),
                "postgresql": _store_nonce(postgresql.insert)}
_PURGE_NONCES = delete(SeenNonce).where(SeenNonce.expires_at < bindparam("now"))
_KIOSK_KEY = select(Kiosk.secret_generation, Kiosk.active).where(
    Kiosk.id == bindparam("kiosk_id"))


def store_nonce(session: Session, kiosk_id: int, nonce: str) -> bool:
    """False when this kiosk already used ``nonce`` inside the window (one statement)."""
    fresh, _count = _count_request(session, kiosk_id, nonce, None, 0.0)
    return fresh


def _count_request(session: Session, kiosk_id: int, nonce: str, bucket: str | None,
                   now_s: float) -> tuple[bool, int | None]:
    """Store the nonce and, when it is fresh and ``bucket`` is given, count the request in
    the bucket's window: (fresh, the window's count or None). The SQLite path (in-process
    calls); PostgreSQL's requests do this in the statement that reads the kiosk
    (:mod:`distributor_server.pg_hot`)."""
    conn = session.connection()
    now = utcnow()
    if random.random() < 0.01:
        conn.execute(_PURGE_NONCES, {"now": now})
    params = {"kiosk_id": kiosk_id, "nonce": nonce.lower(), "expires_at": now + NONCE_LIFETIME,
              "now": now}
    dialect = conn.dialect.name
    fresh = conn.execute(_STORE_NONCE[dialect], params).first() is not None
    if not fresh or bucket is None:
        return fresh, None
    return True, conn.execute(bump_window_statement(dialect), {
        "kiosk_id": kiosk_id, "bucket": bucket, "window": window_of(now_s)}).scalar_one()


def verify(ctx: ServerContext, req: SignedRequest, generation: int | None
           ) -> Admission | None:
    """The checks before the nonce may be kept: the signature with the kiosk's secret
    ``generation`` (None: no such kiosk, or not active), then the timestamp. The refusal,
    or None when the request may go on to its nonce and rate budget."""
    secret = ctx.secret_for(req.kiosk_id, generation) if generation is not None else None
    if secret is None or not signing.verify_signature(
        secret, req.method, req.path, req.timestamp, req.nonce, req.body, req.signature,
    ):
        return Admission(req.kiosk_id, None, ApiError(
            401, Code.BAD_SIGNATURE, "The signature does not match; check the kiosk id and "
            "secret."))
    if not signing.timestamp_is_fresh(req.timestamp):
        return Admission(req.kiosk_id, secret, ApiError(
            401, Code.STALE_TIMESTAMP,
            "X-Timestamp is more than 5 minutes off; check the kiosk's clock."))
    return None


def admit_in(ctx: ServerContext, session: Session, req: SignedRequest, bucket: str | None,
             kiosk: Kiosk | None = None, *, looked_up: bool = False) -> Admission:
    """Identify, verify and count ``req`` inside ``session``. ``kiosk``: the row when the
    caller already read it (``looked_up`` True, None for no such kiosk)."""
    if not looked_up:
        row = session.connection().execute(_KIOSK_KEY,
                                           {"kiosk_id": req.kiosk_id}).one_or_none()
        generation = row.secret_generation if row is not None and row.active else None
    else:
        generation = kiosk.secret_generation if kiosk is not None and kiosk.active else None
    refusal = verify(ctx, req, generation)
    if refusal is not None:
        return refusal
    budget = budget_of(ctx, bucket)
    now_s = time.time()
    fresh, count = _count_request(session, req.kiosk_id, req.nonce,
                                  bucket if budget > 0 else None, now_s)
    return verdict(ctx, req, generation, bucket, budget, fresh, count, now_s)


def budget_of(ctx: ServerContext, bucket: str | None) -> int:
    """Requests a minute ``bucket`` allows (0: not counted at all)."""
    return per_minute(ctx, bucket) if bucket else 0


def verdict(ctx: ServerContext, req: SignedRequest, generation: int, bucket: str | None,
            budget: int, fresh: bool, count: int | None, now_s: float) -> Admission:
    """A verified request's admission once its nonce was stored (``fresh``: not a replay)
    and it was counted (``count`` in its window, None when not counted)."""
    secret = ctx.secret_for(req.kiosk_id, generation)
    if not fresh:
        return Admission(req.kiosk_id, secret, ApiError(
            401, Code.REPLAYED_NONCE, "This request was already received (nonce)."))
    if count is not None:
        wait = wait_after(count, budget, now_s)
        if wait:
            return Admission(req.kiosk_id, secret, ApiError(
                429, Code.RATE_LIMITED, f"Too many requests to {bucket} ({budget} a minute); "
                f"try again in {wait} seconds.", headers={"Retry-After": str(wait)}))
    return Admission(req.kiosk_id, secret)


def admit_sqlite(ctx: ServerContext, req: SignedRequest, bucket: str | None) -> Admission:
    """:func:`admit_in` in a transaction of its own, retried once on a dead connection
    (SQLite; on a worker thread)."""

    def once() -> Admission:
        with ctx.db.write(relaxed=True) as session:  # the nonce and window only
            return admit_in(ctx, session, req, bucket)

    return ctx.db.retrying(once)


async def admit(ctx: ServerContext, req: SignedRequest, bucket: str | None) -> Admission:
    """The admission of a signed request: on PostgreSQL :func:`distributor_server.pg_hot.
    admit_pg` on the event loop, on SQLite :func:`admit_sqlite` on a worker thread."""
    return (await admit_reading(ctx, req, bucket, None))[0]


async def admit_reading(ctx: ServerContext, req: SignedRequest, bucket: str | None,
                        page: tuple[int, int] | None) -> tuple[Admission, ChangesPage | None]:
    """:func:`admit`, and on PostgreSQL the kiosk's feed page at ``page`` (cursor, limit)
    read in the same transaction (None on SQLite, without ``page``, or when refused);
    retried once on a dead connection."""
    if ctx.db.is_sqlite:
        return await run_in_threadpool(admit_sqlite, ctx, req, bucket), None
    from distributor_server.pg_hot import admit_pg
    from distributor_server.pg_raw import retrying

    return await retrying(lambda: admit_pg(ctx, req, bucket, page))


def settle(request: Request, req: SignedRequest, admission: Admission) -> int:
    """Sign the reply from here on when the kiosk is identified; raise its refusal if any."""
    if admission.secret is not None:
        sign_replies_for(request, admission.secret, req.nonce)
    if admission.refusal is not None:
        _watch_refusal(request, req, admission)
        raise admission.refusal
    return admission.kiosk_id


def _watch_refusal(request: Request, req: SignedRequest, admission: Admission) -> None:
    """Bursts of bad signatures and a kiosk's clock off become incidents (request_watch)."""
    from distributor_server import request_watch

    ctx = request.app.state.ctx
    code = admission.refusal.code if admission.refusal is not None else ""
    if code == Code.BAD_SIGNATURE:
        request_watch.bad_signature(ctx, request.client.host if request.client else "",
                                    req.kiosk_id)
    elif code == Code.STALE_TIMESTAMP:
        request_watch.clock_off(ctx, req.kiosk_id, req.timestamp)


_PENDING = "pulsa.signed_request"  # (request, bucket) read but not yet admitted


def signed(bucket: str) -> Callable[[Request], Awaitable[SignedRequest]]:
    """A dependency for routes that admit the request inside their own transaction (the
    top-up submit): the signed parts only, no database. Should the body then fail
    validation, :func:`admit_unparsed` admits it so the 422 still goes back signed."""

    async def dependency(request: Request) -> SignedRequest:
        req = await read_signed(request)
        request.scope[_PENDING] = (req, bucket)
        return req

    return dependency


async def admit_unparsed(request: Request) -> ApiError | None:
    """For a body that failed validation on a :func:`signed` route: admit the request
    (signing the reply); its refusal (401, 429) when it is not admitted."""
    pending = request.scope.pop(_PENDING, None)
    if pending is None:
        return None
    req, bucket = pending
    admission = await admit(request.app.state.ctx, req, bucket)
    try:
        settle(request, req, admission)
    except ApiError as refusal:
        return refusal
    return None


def limited(bucket: str | None) -> Callable[[Request], Awaitable[int]]:
    """A dependency: the id of the kiosk that signed this request, once it is admitted
    (401 or, over ``bucket``'s budget, 429 with Retry-After)."""

    async def dependency(request: Request) -> int:
        req = await read_signed(request)
        admission = await admit(request.app.state.ctx, req, bucket)
        return settle(request, req, admission)

    return dependency


authenticate = limited(None)
"""FastAPI dependency: the id of the kiosk that signed this request, or 401."""

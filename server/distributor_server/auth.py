"""Request authentication: HMAC-SHA256 over method, path, timestamp, nonce and body hash.

A signed request is admitted in ONE database transaction (:func:`admit_in`): read the kiosk
(its secret generation), verify the signature, check the timestamp, store the nonce
(``INSERT ... ON CONFLICT DO UPDATE ... WHERE expired RETURNING``: no row back means a
replay) and count the request against its rate budget. The top-up submit runs its own work
in that same transaction (:mod:`distributor_server.submit`), so a submit commits once.

The signature is checked before the timestamp so that, once the kiosk is known, even a
"stale timestamp" refusal goes back signed (:mod:`distributor_server.api.reply_signing`).
Nonces are stored per kiosk in the database with an expiry past the timestamp window, so a
replay is refused even when the copy lands on another worker process. A refusal after the
nonce is stored (replay, rate limit) still commits, so the nonce cannot be used again.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from fastapi import Request
from pulsa_protocol import signing, wire
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from distributor_server.api.errors import ApiError
from distributor_server.api.reply_signing import sign_replies_for
from distributor_server.clock import utcnow
from distributor_server.context import ServerContext
from distributor_server.models import Kiosk, SeenNonce
from distributor_server.rate_limit import count_in, per_minute
from distributor_server.upserts import insert_for

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
    headers = request.headers
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
    return SignedRequest(kiosk_id, request.method, path_with_query(request),
                         headers[signing.HEADER_TIMESTAMP], nonce,
                         headers[signing.HEADER_SIGNATURE], await request.body())


def store_nonce(session: Session, kiosk_id: int, nonce: str) -> bool:
    """False when this kiosk already used ``nonce`` inside the window (one statement)."""
    now = utcnow()
    if random.random() < 0.01:
        session.execute(delete(SeenNonce).where(SeenNonce.expires_at < now))
    table = SeenNonce.__table__
    expires = now + timedelta(seconds=2 * signing.MAX_CLOCK_SKEW_SECONDS + 60)
    stmt = insert_for(session)(table).values(kiosk_id=kiosk_id, nonce=nonce.lower(),
                                             expires_at=expires)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.kiosk_id, table.c.nonce],
        set_={"expires_at": stmt.excluded.expires_at},
        where=table.c.expires_at < now,  # an expired copy may be reused; a live one not
    ).returning(table.c.kiosk_id)
    return session.execute(stmt).first() is not None


def admit_in(ctx: ServerContext, session: Session, req: SignedRequest, bucket: str | None,
             kiosk: Kiosk | None = None, *, looked_up: bool = False) -> Admission:
    """Identify, verify and count ``req`` inside ``session``. ``kiosk``: the row when the
    caller already read it (``looked_up`` True, None for no such kiosk)."""
    if not looked_up:
        row = session.execute(select(Kiosk.secret_generation, Kiosk.active)
                              .where(Kiosk.id == req.kiosk_id)).one_or_none()
        generation = row.secret_generation if row is not None and row.active else None
    else:
        generation = kiosk.secret_generation if kiosk is not None and kiosk.active else None
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
    if not store_nonce(session, req.kiosk_id, req.nonce):
        return Admission(req.kiosk_id, secret, ApiError(
            401, Code.REPLAYED_NONCE, "This request was already received (nonce)."))
    budget = per_minute(ctx, bucket) if bucket else 0
    if budget > 0:
        wait = count_in(session, req.kiosk_id, bucket or "", budget)
        if wait:
            return Admission(req.kiosk_id, secret, ApiError(
                429, Code.RATE_LIMITED, f"Too many requests to {bucket} ({budget} a minute); "
                f"try again in {wait} seconds.", headers={"Retry-After": str(wait)}))
    return Admission(req.kiosk_id, secret)


def admit(ctx: ServerContext, req: SignedRequest, bucket: str | None) -> Admission:
    """:func:`admit_in` in a transaction of its own (retried once on a dead connection)."""

    def once() -> Admission:
        with ctx.db.write() as session:
            return admit_in(ctx, session, req, bucket)

    return ctx.db.retrying(once)


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
    admission = await run_in_threadpool(admit, request.app.state.ctx, req, bucket)
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
        admission = await run_in_threadpool(admit, request.app.state.ctx, req, bucket)
        return settle(request, req, admission)

    return dependency


authenticate = limited(None)
"""FastAPI dependency: the id of the kiosk that signed this request, or 401."""

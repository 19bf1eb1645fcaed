"""Request authentication: HMAC-SHA256 over method, path, timestamp, nonce and body hash.

The signature is checked before the timestamp so that, once the kiosk is known, even a
"stale timestamp" refusal goes back signed (:mod:`distributor_server.api.reply_signing`).
Nonces are stored per kiosk in the database with an expiry past the timestamp window, so a
replay is refused even when the copy lands on another worker process.
"""

from __future__ import annotations

import random
from datetime import timedelta

from fastapi import Request
from pulsa_protocol import wire
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool

from distributor_server.api.errors import ApiError
from distributor_server.api.reply_signing import sign_replies_for
from distributor_server.clock import utcnow
from distributor_server.context import ServerContext
from distributor_server.models import Kiosk, SeenNonce

Code = wire.ErrorCode


def path_with_query(request: Request) -> str:
    raw = request.scope.get("raw_path") or request.url.path.encode()
    query = request.scope.get("query_string") or b""
    text = raw.decode("latin-1")
    return f"{text}?{query.decode('latin-1')}" if query else text


def _kiosk_generation(ctx: ServerContext, kiosk_id: int) -> int | None:
    with ctx.db.read() as session:
        row = session.execute(
            select(Kiosk.secret_generation, Kiosk.active).where(Kiosk.id == kiosk_id)
        ).one_or_none()
    return row.secret_generation if row is not None and row.active else None


def remember_nonce(ctx: ServerContext, kiosk_id: int, nonce: str) -> bool:
    """False when this kiosk already used ``nonce`` inside the window."""
    now = utcnow()
    try:
        with ctx.db.write() as session:
            if random.random() < 0.01:
                session.execute(delete(SeenNonce).where(SeenNonce.expires_at < now))
            seen = session.get(SeenNonce, (kiosk_id, nonce.lower()))
            if seen is not None and seen.expires_at >= now:
                return False
            if seen is not None:
                session.delete(seen)
                session.flush()
            session.add(SeenNonce(
                kiosk_id=kiosk_id, nonce=nonce.lower(),
                expires_at=now + timedelta(seconds=2 * wire.MAX_CLOCK_SKEW_SECONDS + 60),
            ))
    except IntegrityError:
        return False
    return True


async def authenticate(request: Request) -> int:
    """FastAPI dependency: the id of the kiosk that signed this request, or 401."""
    ctx: ServerContext = request.app.state.ctx
    headers = request.headers
    missing = [name for name in wire.AUTH_HEADERS if not headers.get(name)]
    if missing:
        raise ApiError(401, Code.UNAUTHORIZED, f"Missing header(s): {', '.join(missing)}.")
    kiosk_id = wire.kiosk_id_from_header(headers[wire.HEADER_KIOSK_ID])
    if kiosk_id is None:
        raise ApiError(401, Code.UNAUTHORIZED,
                       f"X-Kiosk-Id must be a number from 1 to {wire.MAX_KIOSK_ID}.")
    timestamp = headers[wire.HEADER_TIMESTAMP]
    nonce = headers[wire.HEADER_NONCE]
    if not wire.nonce_is_well_formed(nonce):
        raise ApiError(401, Code.UNAUTHORIZED, "X-Nonce must be 16-64 hex characters.")
    body = await request.body()
    generation = await run_in_threadpool(_kiosk_generation, ctx, kiosk_id)
    secret = ctx.secret_for(kiosk_id, generation) if generation is not None else None
    if secret is None or not wire.verify_signature(
        secret, request.method, path_with_query(request),
        timestamp, nonce, body, headers[wire.HEADER_SIGNATURE],
    ):
        raise ApiError(401, Code.BAD_SIGNATURE,
                       "The signature does not match; check the kiosk id and secret.")
    # The kiosk is identified: from here on every reply, refusals included, is signed.
    sign_replies_for(request, secret, nonce)
    if not wire.timestamp_is_fresh(timestamp):
        raise ApiError(401, Code.STALE_TIMESTAMP,
                       "X-Timestamp is more than 5 minutes off; check the kiosk's clock.")
    if not await run_in_threadpool(remember_nonce, ctx, kiosk_id, nonce):
        raise ApiError(401, Code.REPLAYED_NONCE, "This request was already received (nonce).")
    return kiosk_id

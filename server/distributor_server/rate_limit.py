"""Per-kiosk, per-endpoint rate limits: a fixed one-minute window counted in the database.

The count lives in ``rate_windows`` (PostgreSQL or SQLite) beside nonces and sessions, so two
server processes share one budget. Over the budget the route answers 429 with Retry-After
(seconds to the next window); nothing else is done for that request.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from fastapi import Depends, Request
from pulsa_protocol import wire
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool

from distributor_server.api.errors import ApiError
from distributor_server.auth import authenticate
from distributor_server.context import ServerContext
from distributor_server.models import RateWindow

WINDOW_SECONDS = 60


def take(ctx: ServerContext, kiosk_id: int, bucket: str, per_minute: int,
         now: float | None = None) -> int:
    """0 when the request may proceed, else the seconds until the window resets."""
    now = time.time() if now is None else now
    window = int(now // WINDOW_SECONDS)
    for _attempt in range(2):
        try:
            with ctx.db.write() as session:
                row = session.scalars(select(RateWindow).where(
                    RateWindow.kiosk_id == kiosk_id, RateWindow.bucket == bucket,
                ).with_for_update()).one_or_none()
                if row is None:
                    session.add(RateWindow(kiosk_id=kiosk_id, bucket=bucket, window=window,
                                           count=1))
                    return 0
                if row.window != window:
                    row.window, row.count = window, 0
                if row.count >= per_minute:
                    return max(1, int((window + 1) * WINDOW_SECONDS - now + 0.999))
                row.count += 1
                return 0
        except IntegrityError:  # another process inserted the row first; count again
            continue
    return 0


def limited(bucket: str) -> Callable[[Request], Awaitable[int]]:
    """A dependency: the authenticated kiosk id, or 429 when it is over ``bucket``'s budget."""

    async def dependency(request: Request, kiosk_id: int = Depends(authenticate)) -> int:
        ctx: ServerContext = request.app.state.ctx
        limits = ctx.settings.rate_limits
        per_minute = limits.get(bucket, limits.get("default", 0))
        if per_minute <= 0:
            return kiosk_id
        wait = await run_in_threadpool(take, ctx, kiosk_id, bucket, per_minute)
        if wait:
            raise ApiError(429, wire.ErrorCode.RATE_LIMITED,
                           f"Too many requests to {bucket} ({per_minute} a minute); "
                           f"try again in {wait} seconds.", headers={"Retry-After": str(wait)})
        return kiosk_id

    return dependency

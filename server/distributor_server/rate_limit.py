"""Per-kiosk, per-endpoint rate limits: a fixed one-minute window counted in the database.

The count lives in ``rate_windows`` (PostgreSQL or SQLite) beside nonces, so every server
process shares one budget. It is one upsert (:func:`count_in`) inside the request's own
transaction (:mod:`distributor_server.auth`). Over the budget the route answers 429 with
Retry-After (seconds to the next window); nothing else is done for that request.
"""

from __future__ import annotations

import time

from sqlalchemy import bindparam, case
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from distributor_server.context import ServerContext
from distributor_server.models import RateWindow

WINDOW_SECONDS = 60
_WINDOWS = RateWindow.__table__


def bump_window(insert: type, rows: Select | None = None) -> object:
    """The window upsert (a new window starts at 1), for ``insert`` (the dialect's): from
    the bound values ``kiosk_id``, ``bucket``, ``window``, or from ``rows`` (a SELECT of
    those three and a 1, so the PostgreSQL admission can count only a fresh nonce)."""
    stmt = insert(_WINDOWS)
    if rows is None:
        stmt = stmt.values(kiosk_id=bindparam("kiosk_id"), bucket=bindparam("bucket"),
                           window=bindparam("window"), count=1)
    else:
        stmt = stmt.from_select(["kiosk_id", "bucket", "window", "count"], rows)
    return stmt.on_conflict_do_update(
        index_elements=[_WINDOWS.c.kiosk_id, _WINDOWS.c.bucket],
        set_={"window": stmt.excluded.window,
              "count": case((_WINDOWS.c.window == stmt.excluded.window, _WINDOWS.c.count + 1),
                            else_=1)},
    ).returning(_WINDOWS.c.count)


# built once (issue 14): a statement built per request paid for coercion and a cache key
_BUMP = {"sqlite": bump_window(sqlite.insert), "postgresql": bump_window(postgresql.insert)}


def bump_window_statement(dialect: str) -> object:
    """The prebuilt window upsert for ``dialect`` ("sqlite" or "postgresql")."""
    return _BUMP[dialect]


def window_of(now: float) -> int:
    return int(now // WINDOW_SECONDS)


def wait_after(count: int, budget: int, now: float) -> int:
    """0 when the ``count``-th request of this window is within ``budget``, else the
    seconds until the window resets."""
    if count <= budget:
        return 0
    return max(1, int((window_of(now) + 1) * WINDOW_SECONDS - now + 0.999))


def per_minute(ctx: ServerContext, bucket: str) -> int:
    """The bucket's budget a minute (0 = unlimited)."""
    limits = ctx.settings.rate_limits
    return limits.get(bucket, limits.get("default", 0))


def count_in(session: Session, kiosk_id: int, bucket: str, budget: int,
             now: float | None = None) -> int:
    """Count this request in ``session``; 0 when it may proceed, else the seconds until the
    window resets. One statement: insert the window or bump it (a new window starts at 1)."""
    now = time.time() if now is None else now
    conn = session.connection()
    count = conn.execute(bump_window_statement(conn.dialect.name), {
        "kiosk_id": kiosk_id, "bucket": bucket, "window": window_of(now)}).scalar_one()
    return wait_after(count, budget, now)


def take(ctx: ServerContext, kiosk_id: int, bucket: str, budget: int,
         now: float | None = None) -> int:
    """:func:`count_in` in a transaction of its own."""
    with ctx.db.write() as session:
        return count_in(session, kiosk_id, bucket, budget, now)

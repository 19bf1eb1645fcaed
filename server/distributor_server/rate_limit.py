"""Per-kiosk, per-endpoint rate limits: a fixed one-minute window counted in the database.

The count lives in ``rate_windows`` (PostgreSQL or SQLite) beside nonces, so every server
process shares one budget. It is one upsert (:func:`count_in`) inside the request's own
transaction (:mod:`distributor_server.auth`). Over the budget the route answers 429 with
Retry-After (seconds to the next window); nothing else is done for that request.
"""

from __future__ import annotations

import time

from sqlalchemy import case
from sqlalchemy.orm import Session

from distributor_server.context import ServerContext
from distributor_server.models import RateWindow
from distributor_server.upserts import insert_for

WINDOW_SECONDS = 60


def per_minute(ctx: ServerContext, bucket: str) -> int:
    """The bucket's budget a minute (0 = unlimited)."""
    limits = ctx.settings.rate_limits
    return limits.get(bucket, limits.get("default", 0))


def count_in(session: Session, kiosk_id: int, bucket: str, budget: int,
             now: float | None = None) -> int:
    """Count this request in ``session``; 0 when it may proceed, else the seconds until the
    window resets. One statement: insert the window or bump it (a new window starts at 1)."""
    now = time.time() if now is None else now
    window = int(now // WINDOW_SECONDS)
    table = RateWindow.__table__
    stmt = insert_for(session)(table).values(kiosk_id=kiosk_id, bucket=bucket, window=window,
                                             count=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.kiosk_id, table.c.bucket],
        set_={"window": stmt.excluded.window,
              "count": case((table.c.window == stmt.excluded.window, table.c.count + 1),
                            else_=1)},
    ).returning(table.c.count)
    count = session.execute(stmt).scalar_one()
    if count <= budget:
        return 0
    return max(1, int((window + 1) * WINDOW_SECONDS - now + 0.999))


def take(ctx: ServerContext, kiosk_id: int, bucket: str, budget: int,
         now: float | None = None) -> int:
    """:func:`count_in` in a transaction of its own."""
    with ctx.db.write() as session:
        return count_in(session, kiosk_id, bucket, budget, now)

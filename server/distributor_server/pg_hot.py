"""PostgreSQL's hot paths: the signed top-up submit and the admission of the other routes.

They run as coroutines on the API's event loop with asyncpg (:mod:`distributor_server.
pg_raw`: no thread hop, prepared statements), each request one transaction. asyncpg has no
pipeline mode, so every statement is a round trip of its own; on the other hand a request
refused at its admission sends nothing more. A submit (:func:`submit_pg`):

1. ``BEGIN``; **A** locks the kiosk row (``FOR UPDATE``) and, in the same statement and
   only once the lock is held (the inserts select from the locked row), stores the nonce
   and counts the request in its rate window; it also reads the batch's products (one
   JSON array: a statement fewer, issue 14; a price is read as of A's start, as any read
   of a row nobody locks is of some moment).
2. Python: the signature with the generation A read (:func:`distributor_server.auth.
   verify`); a request that fails it is rolled back, so its nonce and count are not kept
   (as when the check ran before the nonce was stored); a replay or a rate refusal commits
   (the nonce stays used).
3. **B** reads this kiosk's top-ups with the batch's ref_ids. B is a statement of its own,
   after A: under READ COMMITTED a statement's snapshot is taken when it starts, so B sees
   every top-up committed by whoever held the kiosk's lock before us (a read inside A would
   not, and a concurrent repeat of a ref_id would be charged twice). Then the money rules,
   the same code as SQLite's (:func:`distributor_server.topups.decide`).
4. **C** inserts the new top-ups, their ledger and feed rows and writes the kiosk's
   counters with the ``pg_notify`` wake-ups (:func:`distributor_server.feed.
   flush_statement`), then ``COMMIT``.

Five round trips for a new top-up (four when it already existed, three when refused). The
admission of the other signed routes (:func:`admit_pg`) is steps 1 and 2 without the lock,
then ``COMMIT`` or ``ROLLBACK``: three (four with the long poll's first feed page).
"""

from __future__ import annotations

import json
import random
import time
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import asyncpg
from pulsa_protocol import complaints as cw
from pulsa_protocol import wire
from sqlalchemy import BigInteger, String, bindparam, cast, exists, func, literal, select
from sqlalchemy.dialects import postgresql

from distributor_server import rate_limit
from distributor_server.auth import (
    _PURGE_NONCES,
    NONCE_LIFETIME,
    Admission,
    SignedRequest,
    _store_nonce,
    budget_of,
    verdict,
    verify,
)
from distributor_server.clock import utcnow
from distributor_server.context import ServerContext
from distributor_server.db import KioskRow
from distributor_server.feed import PAGE, as_json, flush_statement, page_of
from distributor_server.models import Kiosk, UTCDateTime
from distributor_server.notify import DUE, FEED
from distributor_server.pg_raw import Compiled, HotPool, compiled
from distributor_server.topups import PG_EXISTING, PG_PRICES, Decided, decide, refs_and_skus

_KIOSKS = Kiosk.__table__
_COUNTERS = ("balance", "ledger_seq", "change_seq")


def _admission(lock: bool) -> Any:
    """Statement A: the kiosk's row (locked: with its money counters), then the nonce
    stored for it and the request counted in ``bucket``'s window (none when ``bucket`` is
    NULL: a route without a budget): the row's columns, ``fresh`` (False: a replay) and
    ``count`` (NULL when not counted). No row back: there is no such kiosk."""
    columns = ["id", "secret_generation", "active", *(_COUNTERS if lock else ())]
    kiosk = select(*(_KIOSKS.c[name] for name in columns)).where(
        _KIOSKS.c.id == bindparam("kiosk_id"))
    if lock:
        kiosk = kiosk.with_for_update()
    kiosk = kiosk.cte("kiosk")
    stored = _store_nonce(postgresql.insert, select(
        kiosk.c.id, bindparam("nonce", type_=String),
        bindparam("expires_at", type_=UTCDateTime()))).cte("stored")
    bucket = bindparam("bucket", type_=String)
    counted = rate_limit.bump_window(postgresql.insert, select(
        stored.c.kiosk_id, cast(bucket, String), cast(bindparam("window"), BigInteger),
        literal(1)).where(bucket.is_not(None))).cte("counted")
    # an admission alone (lock False) commits without waiting for the WAL flush: a crash
    # could forget the last moment's nonces and counts, so a GET of those could be
    # replayed once more; it moves no money, and the wait was most of a status read's time
    relaxed = () if lock else (func.set_config("synchronous_commit", "off", True),)
    priced = PG_PRICES.subquery("priced")
    prices = (select(func.json_agg(func.json_build_array(*priced.c))).scalar_subquery()
              .label("prices"),) if lock else ()
    return select(*kiosk.c, *relaxed, *prices,
                  exists(select(stored.c.kiosk_id)).label("fresh"),
                  select(counted.c.count).scalar_subquery().label("count"))


_LOCK_AND_ADMIT = compiled(_admission(lock=True))
_ADMIT = compiled(_admission(lock=False))
_PURGE = compiled(_PURGE_NONCES)
_EXISTING = compiled(PG_EXISTING)
_EXISTING_NAMES = tuple(column.key for column in PG_EXISTING.selected_columns)
_PRICE_NAMES = tuple(column.key for column in PG_PRICES.selected_columns)
_WRITE = compiled(flush_statement(due=True, topups=True))
_PAGE = compiled(PAGE)


def _hot(ctx: ServerContext) -> HotPool:
    if ctx.hot is None:
        raise RuntimeError("the PostgreSQL hot paths need the context's asyncpg pool")
    return ctx.hot


async def _first_phase(conn: asyncpg.Connection, statement: Compiled, req: SignedRequest,
                       bucket: str | None, now: datetime, now_s: float, **more: Any
                       ) -> asyncpg.Record | None:
    """An occasional purge of expired nonces, then statement A: its row."""
    if random.random() < 0.01:
        await conn.execute(_PURGE.sql, *_PURGE.args(now=now))
    return await conn.fetchrow(statement.sql, *statement.args(
        kiosk_id=req.kiosk_id, nonce=req.nonce.lower(), expires_at=now + NONCE_LIFETIME,
        now=now, bucket=bucket, window=rate_limit.window_of(now_s), **more))


def _judge(ctx: ServerContext, req: SignedRequest, row: Any, bucket: str | None,
           budget: int, now_s: float) -> tuple[Admission, bool]:
    """(the admission, whether to keep what A wrote): a request that fails the signature
    or the clock keeps nothing; a replay or a rate refusal keeps its nonce."""
    generation = row[1] if row is not None and row[2] else None
    refusal = verify(ctx, req, generation)
    if refusal is not None:
        return refusal, False
    return verdict(ctx, req, generation, bucket, budget, row[-2], row[-1], now_s), True


async def admit_pg(ctx: ServerContext, req: SignedRequest, bucket: str | None,
                   page: tuple[int, int] | None = None
                   ) -> tuple[Admission, cw.ChangesPage | None]:
    """:func:`distributor_server.auth.admit_in` on PostgreSQL: BEGIN, A, verify, COMMIT or
    ROLLBACK. ``page`` (cursor, limit): the kiosk's feed page is read too, once admitted,
    before the COMMIT, and given back (a long poll's first read without a transaction of
    its own)."""
    budget = budget_of(ctx, bucket)
    now, now_s = utcnow(), time.time()
    async with _hot(ctx).transaction() as conn:
        row = await _first_phase(conn, _ADMIT, req, bucket if budget > 0 else None, now,
                                 now_s)
        admission, keep = _judge(ctx, req, row, bucket, budget, now_s)
        rows = None
        if page is not None and admission.refusal is None:
            rows = await conn.fetch(_PAGE.sql, *_PAGE.args(
                kiosk_id=req.kiosk_id, cursor=page[0], limit=page[1] + 1))
        await conn.execute("COMMIT" if keep else "ROLLBACK")
    if rows is None or page is None:
        return admission, None
    return admission, page_of([(seq, kind, payload, created_at.astimezone(UTC))
                               for seq, kind, payload, created_at in rows], *page)


async def submit_pg(ctx: ServerContext, req: SignedRequest, items: list[wire.TopUpRequest]
                    ) -> tuple[Admission, wire.TopUpBatchResponse | None, bool]:
    """The signed submit on PostgreSQL (the module's docstring): (the admission, the batch's
    results when admitted, whether any top-up was created)."""
    budget = budget_of(ctx, "topups")
    now, now_s = utcnow(), time.time()
    refs, skus = refs_and_skus(items)
    async with _hot(ctx).transaction() as conn:
        row = await _first_phase(conn, _LOCK_AND_ADMIT, req,
                                 "topups" if budget > 0 else None, now, now_s, skus=skus)
        admission, keep = _judge(ctx, req, row, "topups", budget, now_s)
        if admission.refusal is not None or row is None:
            await conn.execute("COMMIT" if keep else "ROLLBACK")
            return admission, None, False
        known = await conn.fetch(_EXISTING.sql, *_EXISTING.args(kiosk_id=req.kiosk_id,
                                                                refs=refs))
        existing = {found.ref_id: found for found in map(_top_up, known)}
        priced = json.loads(row[-3]) if row[-3] is not None else ()  # A's JSON array
        products = {found[0]: SimpleNamespace(**dict(zip(_PRICE_NAMES, found, strict=True)))
                    for found in priced}
        decided = decide(ctx, KioskRow(*tuple(row)[:6]), items, existing, products)
        if decided.new_rows:
            await conn.execute(_WRITE.sql, *_WRITE.args(**_write_params(decided)))
        await conn.execute("COMMIT")
    return admission, decided.response(), bool(decided.new_rows)


def _top_up(row: asyncpg.Record) -> SimpleNamespace:
    """A stored top-up as :func:`distributor_server.feed.topup_to_wire` reads it, its times
    aware and in UTC."""
    values = dict(zip(_EXISTING_NAMES, row, strict=True))
    for name, value in values.items():
        if isinstance(value, datetime):
            values[name] = value.astimezone(UTC)
    return SimpleNamespace(**values)


def _write_params(decided: Decided) -> dict[str, Any]:
    kiosk = decided.kiosk
    ledger, changes = decided.writes.take()
    return {"kiosk_id": kiosk.id, "balance": kiosk.balance, "ledger_seq": kiosk.ledger_seq,
            "change_seq": kiosk.change_seq, "feed_channel": FEED,
            "feed_payload": str(kiosk.id), "due_channel": DUE,
            "topup_rows": as_json(decided.new_rows), "ledger_rows": as_json(ledger),
            "change_rows": as_json(changes)}

"""PostgreSQL's hot paths: the signed top-up submit and the admission of the other routes.

They run as coroutines on the API's event loop with asyncpg (:mod:`distributor_server.
pg_raw`: no thread hop, prepared statements). asyncpg has no pipeline mode, so every
statement is a round trip of its own, and round trips were most of what a submit cost on
both sides of the wire (issue 14's profile: asyncpg's execute a third of the API's CPU,
reading and starting statements a fifth of PostgreSQL's).

A submit (:func:`submit_pg`) is two statements and no ``BEGIN`` or ``COMMIT``: READ, then
Python verifies the signature and applies the money rules (the same code as SQLite's,
:func:`distributor_server.topups.decide`), then one WRITE that stores the nonce, counts the
request and writes the top-ups, ledger and feed rows only if the kiosk's counters are still
those READ saw (:mod:`distributor_server.pg_submit_sql`); the WRITEs of the submits that
reach it together go in one statement (:mod:`distributor_server.pg_batch`). A request that
fails its signature writes nothing; a replay or a rate refusal keeps its nonce; a submit
that another writer of the same kiosk overtook does it once more under the kiosk's lock,
its nonce held.

The admission of the other signed routes (:func:`admit_pg`): ``BEGIN``, statement A (the
kiosk's row, the nonce stored for it and the request counted, committed without waiting
for the WAL flush), the signature checked with the generation A read, then ``COMMIT`` or
``ROLLBACK`` (a request that fails it keeps nothing): three round trips (four with the long
poll's first feed page).
"""

from __future__ import annotations

import json
import random
import time
import weakref
from dataclasses import dataclass
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
from distributor_server.feed import PAGE, page_of
from distributor_server.models import Kiosk, UTCDateTime
from distributor_server.pg_batch import Write, WriteBatcher, write_batch
from distributor_server.pg_raw import HotPool, compiled, retrying
from distributor_server.pg_submit_sql import EXISTING_NAMES, PRICE_NAMES, READ
from distributor_server.topups import Decided, decide, refs_and_skus

_KIOSKS = Kiosk.__table__


def _admission() -> Any:
    """Statement A: the kiosk's row, then the nonce stored for it and the request counted in
    ``bucket``'s window (none when ``bucket`` is NULL: a route without a budget): the row's
    columns, ``fresh`` (False: a replay) and ``count`` (NULL when not counted). No row back:
    there is no such kiosk."""
    kiosk = select(_KIOSKS.c.id, _KIOSKS.c.secret_generation, _KIOSKS.c.active).where(
        _KIOSKS.c.id == bindparam("kiosk_id")).cte("kiosk")
    stored = _store_nonce(postgresql.insert, select(
        kiosk.c.id, bindparam("nonce", type_=String),
        bindparam("expires_at", type_=UTCDateTime()))).cte("stored")
    bucket = bindparam("bucket", type_=String)
    counted = rate_limit.bump_window(postgresql.insert, select(
        stored.c.kiosk_id, cast(bucket, String), cast(bindparam("window"), BigInteger),
        literal(1)).where(bucket.is_not(None))).cte("counted")
    # an admission commits without waiting for the WAL flush: a crash could forget the
    # last moment's nonces and counts, so a GET of those could be replayed once more; it
    # moves no money, and the wait was most of a status read's time
    relaxed = func.set_config("synchronous_commit", "off", True)
    return select(*kiosk.c, relaxed, exists(select(stored.c.kiosk_id)).label("fresh"),
                  select(counted.c.count).scalar_subquery().label("count"))


_ADMIT = compiled(_admission())
_PURGE = compiled(_PURGE_NONCES)
_READ = compiled(READ)
_PAGE = compiled(PAGE)
_LOCK = compiled(select(_KIOSKS.c.id).where(_KIOSKS.c.id == bindparam("kiosk_id"))
                 .with_for_update())


def _hot(ctx: ServerContext) -> HotPool:
    if ctx.hot is None:
        raise RuntimeError("the PostgreSQL hot paths need the context's asyncpg pool")
    return ctx.hot


async def _purge_now_and_then(conn: asyncpg.Connection, now: datetime) -> None:
    """One request in a hundred deletes the expired nonces."""
    if random.random() < 0.01:
        await conn.execute(_PURGE.sql, *_PURGE.args(now=now))


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
        await _purge_now_and_then(conn, now)
        row = await conn.fetchrow(_ADMIT.sql, *_ADMIT.args(
            kiosk_id=req.kiosk_id, nonce=req.nonce.lower(), expires_at=now + NONCE_LIFETIME,
            now=now, bucket=bucket if budget > 0 else None,
            window=rate_limit.window_of(now_s)))
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
    """The signed submit on PostgreSQL (:mod:`distributor_server.pg_submit_sql`): READ,
    verify and decide, WRITE (with the process's other submits of the moment,
    :mod:`distributor_server.pg_batch`). When another writer of the kiosk overtook it
    between the two, the submit takes the kiosk's lock and does it once more, its nonce
    held (``BEGIN``, the lock, READ, WRITE, ``COMMIT``: under the lock nobody can overtake
    it again). Retried once on a dead connection (the submit is idempotent by ref_id).
    (the admission, the batch's results when admitted, whether any top-up was created)."""
    submit = _Submit(ctx, req, items)
    hot = _hot(ctx)
    batcher = _batcher(hot, submit.bucket)

    async def attempt() -> Outcome:
        async with hot.autocommit() as conn:
            step = submit.prepare(await submit.read(conn))
            if isinstance(step, Outcome):
                return step
            # nobody else writing: on this connection, without waiting for a batch
            written = await batcher.alone(conn, step.write) if batcher.idle else None
        if written is None:
            written = await batcher.write(step.write)
        outcome = submit.finish(step, written)
        if outcome is None:
            async with hot.autocommit() as conn:
                await conn.execute("BEGIN")
                await conn.execute(_LOCK.sql, req.kiosk_id)
                step = submit.prepare(await submit.read(conn))
                outcome = step if isinstance(step, Outcome) else submit.finish(
                    step, (await write_batch(conn, [step.write], submit.bucket))[req.kiosk_id])
                await conn.execute("COMMIT")
        if outcome is None:
            raise RuntimeError(f"kiosk {req.kiosk_id} changed under its own lock")
        return outcome

    outcome = await retrying(attempt)
    return outcome.admission, outcome.batch, outcome.created


_BATCHERS: weakref.WeakKeyDictionary[HotPool, WriteBatcher] = weakref.WeakKeyDictionary()


def _batcher(hot: HotPool, bucket: str | None) -> WriteBatcher:
    """The process's WRITE batcher on ``hot`` (``bucket``: the submits' rate bucket)."""
    batcher = _BATCHERS.get(hot)
    if batcher is None:
        batcher = _BATCHERS[hot] = WriteBatcher(hot, bucket)
    return batcher


@dataclass(frozen=True)
class Outcome:
    """A submit's end: the admission, the batch's results when admitted, whether any top-up
    was created."""

    admission: Admission
    batch: wire.TopUpBatchResponse | None = None
    created: bool = False


@dataclass(frozen=True)
class _Decided:
    """A round's decision, waiting for its WRITE."""

    decided: Decided
    write: Write
    generation: int
    now_s: float


class _Submit:
    """One signed submit's rounds of READ, decide, WRITE (:func:`submit_pg`)."""

    def __init__(self, ctx: ServerContext, req: SignedRequest,
                 items: list[wire.TopUpRequest]) -> None:
        self.ctx, self.req, self.items = ctx, req, items
        self.budget = budget_of(ctx, "topups")
        self.bucket = "topups" if self.budget > 0 else None
        self.refs, self.skus = refs_and_skus(items)
        self.held = False
        """A WRITE of this request stored its nonce (and counted it): later rounds don't."""

    async def read(self, conn: asyncpg.Connection) -> list[asyncpg.Record]:
        """READ's rows (now and then after a purge of expired nonces)."""
        if not self.held:
            await _purge_now_and_then(conn, utcnow())
        return await conn.fetch(_READ.sql, *_READ.args(
            kiosk_id=self.req.kiosk_id, refs=self.refs, skus=self.skus))

    def prepare(self, rows: list[asyncpg.Record]) -> Outcome | _Decided:
        """Verify and decide on READ's ``rows``: the refusal, or the WRITE to make."""
        req, now, now_s = self.req, utcnow(), time.time()
        kiosk = KioskRow(*rows[0][:6]) if rows else None
        refusal = verify(self.ctx, req, kiosk.secret_generation
                         if kiosk is not None and kiosk.active else None)
        if refusal is not None or kiosk is None:  # no kiosk: verify refused it
            return Outcome(refusal or Admission(req.kiosk_id, None))
        decided = decide(self.ctx, kiosk, self.items, *_what_was_read(rows))
        write = _write_of(decided, rows[0], {
            "held": self.held, "nonce": req.nonce.lower(),
            "expires_at": now + NONCE_LIFETIME, "limit": self.budget or _UNLIMITED,
            "window": rate_limit.window_of(now_s)})
        return _Decided(decided, write, kiosk.secret_generation, now_s)

    def finish(self, step: _Decided, written: tuple[bool, int | None, bool]
               ) -> Outcome | None:
        """The outcome once the WRITE answered (``fresh``, ``count``, ``written``), or None
        when another writer changed the kiosk after READ (the WRITE stored the nonce and
        the count, nothing else)."""
        fresh, count, went_in = written
        admission = verdict(self.ctx, self.req, step.generation, "topups", self.budget,
                            self.held or fresh, None if self.held else count, step.now_s)
        self.held = self.held or fresh
        if admission.refusal is not None:
            return Outcome(admission)
        if step.decided.new_rows and not went_in:
            return None
        return Outcome(admission, step.decided.response(), bool(step.decided.new_rows))


_UNLIMITED = 2**62
"""WRITE's ``limit`` for a route without a rate budget."""


def _what_was_read(rows: list[asyncpg.Record]
                   ) -> tuple[dict[str, SimpleNamespace], dict[str, SimpleNamespace]]:
    """READ's rows as :func:`distributor_server.topups.decide` takes them: this kiosk's
    top-ups by ref_id, the products by sku."""
    existing = {found.ref_id: found for found in (
        _top_up(row[7:]) for row in rows if row[7] is not None)}
    priced = json.loads(rows[0][6]) if rows[0][6] is not None else ()
    products = {found[0]: SimpleNamespace(**dict(zip(PRICE_NAMES, found, strict=True)))
                for found in priced}
    return existing, products


def _top_up(row: tuple[Any, ...]) -> SimpleNamespace:
    """A stored top-up as :func:`distributor_server.feed.topup_to_wire` reads it, its times
    aware and in UTC."""
    values = dict(zip(EXISTING_NAMES, row, strict=True))
    for name, value in values.items():
        if isinstance(value, datetime):
            values[name] = value.astimezone(UTC)
    return SimpleNamespace(**values)


def _write_of(decided: Decided, read: asyncpg.Record, request: dict[str, Any]) -> Write:
    """The WRITE of what ``decided`` came to on the kiosk's row as ``read``, with the
    request's own values (its nonce, window, budget, whether it holds its nonce)."""
    kiosk = decided.kiosk
    ledger, changes = decided.writes.take()
    values = {"kiosk_id": kiosk.id, "balance": kiosk.balance, "ledger_seq": kiosk.ledger_seq,
              "change_seq": kiosk.change_seq, "read_ledger_seq": read[4],
              "read_change_seq": read[5], "generation": kiosk.secret_generation,
              "writes": bool(decided.new_rows), **request}
    return Write(values, decided.new_rows, ledger, changes)

"""The signed top-up submit's two statements on PostgreSQL: a read, then one guarded write.

A submit on PostgreSQL (:func:`distributor_server.pg_hot.submit_pg`) is two round trips and
no ``BEGIN`` or ``COMMIT`` of its own: each statement is a transaction by itself.

- **READ** (:data:`READ`): the kiosk's row (its key generation, whether it is active, its
  money counters), the batch's products (one JSON array) and this kiosk's top-ups with the
  batch's ref_ids (one row each, through a ``LEFT JOIN LATERAL``; a single row of NULLs
  when there is none). It writes and locks nothing, so it waits for nobody and commits
  nothing to the WAL.
- Python verifies the signature with the generation read and applies the money rules
  (:func:`distributor_server.topups.decide`) to what was read.
- **WRITE** (:data:`WRITE`): one statement, one durable commit, for one request or for
  several of other kiosks that reached it together (:mod:`distributor_server.pg_batch`:
  every value below is per request, bound as arrays, every step per kiosk). It

  1. stores the nonce (``INSERT ... ON CONFLICT``: no row back is a replay) unless an
     earlier WRITE of this request stored it already (``held``);
  2. counts the request in its rate window (only for a fresh nonce);
  3. updates the kiosk's counters to what the decision computed, **only if** they are still
     the ones READ saw (``ledger_seq``, ``change_seq``), the key generation is the same and
     the kiosk is active, the nonce was fresh (or held) and the count is within the budget
     (``limit``). Under READ COMMITTED an ``UPDATE`` that waits for a row re-checks its
     condition on the row's newest version, so a concurrent writer that committed after
     READ fails the check instead of being overwritten;
  4. inserts the top-ups, ledger and feed rows only when that update happened, and wakes
     the senders and the kiosk's long polls (``pg_notify`` in the update's ``RETURNING``).

  It answers, per request, ``fresh`` (the nonce was stored now), ``count`` (the window's
  count, NULL when not counted) and ``written`` (the rows went in).

Every change of a kiosk's money or feed moves its ``ledger_seq`` or ``change_seq`` under the
row's lock, so a WRITE that went in saw no change since its READ: the decision stands as if
it had been taken under the lock, and the feed's sequence numbers still commit in order. A
WRITE that did not go in, though its nonce was fresh and the budget allowed it, met such a
change; the submit reads and decides again with its nonce held, this time under the kiosk's
lock (:func:`distributor_server.pg_hot.submit_pg`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    Integer,
    String,
    and_,
    bindparam,
    cast,
    column,
    func,
    literal,
    not_,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql import Select

from distributor_server import rate_limit
from distributor_server.auth import _store_nonce
from distributor_server.feed import CHANGE_COLUMNS, LEDGER_COLUMNS, rows_from_json
from distributor_server.models import (
    Change,
    Kiosk,
    LedgerEntry,
    RateWindow,
    TopUp,
    UTCDateTime,
)
from distributor_server.topups import PG_EXISTING, PG_PRICES

_KIOSKS = Kiosk.__table__
KIOSK_COLUMNS = ("id", "secret_generation", "active", "balance", "ledger_seq", "change_seq")
TOPUP_COLUMNS = ("kiosk_id", "ref_id", "sku", "destination", "price", "status", "sn",
                 "message", "upstream", "upstream_ref_id", "upstream_reference", "attempts",
                 "next_check_at", "kiosk_created_at", "created_at", "updated_at",
                 "claimed_by", "lease_until")
"""A new top-up's columns (:func:`distributor_server.topups.decide`'s rows)."""
PRICE_NAMES = tuple(column.key for column in PG_PRICES.selected_columns)
EXISTING_NAMES = tuple(column.key for column in PG_EXISTING.selected_columns)


def _read() -> Select:
    """READ: per row the kiosk's :data:`KIOSK_COLUMNS`, ``prices`` (a JSON array of
    :data:`PRICE_NAMES` arrays, or NULL) and one existing top-up's :data:`EXISTING_NAMES`
    (NULLs when none); no row at all when there is no such kiosk."""
    kiosk = _KIOSKS.c
    priced = PG_PRICES.subquery("priced")
    prices = select(func.json_agg(func.json_build_array(*priced.c))).scalar_subquery()
    found = PG_EXISTING.lateral("known")
    return (select(*(kiosk[name] for name in KIOSK_COLUMNS), prices.label("prices"), *found.c)
            .select_from(_KIOSKS.outerjoin(found, true()))
            .where(kiosk.id == bindparam("kiosk_id")))


_REQUEST_COLUMNS = (
    ("kiosk_id", Integer), ("nonce", String), ("expires_at", UTCDateTime()),
    ("held", Boolean), ("writes", Boolean), ("balance", BigInteger),
    ("ledger_seq", BigInteger), ("change_seq", BigInteger), ("read_ledger_seq", BigInteger),
    ("read_change_seq", BigInteger), ("generation", Integer), ("limit", BigInteger),
    ("window", BigInteger))
"""WRITE's values for each request of a batch, each bound as an array (one kiosk at most
once a batch)."""
REQUEST_NAMES = tuple(name for name, _type in _REQUEST_COLUMNS)


def _write() -> Select:
    """WRITE (the module's docstring) for a batch of requests, each of another kiosk: a row
    per request (its ``kiosk_id``, ``fresh``, ``count``, ``written``)."""
    req = (func.unnest(*(bindparam(f"each_{name}", type_=ARRAY(kind))
                         for name, kind in _REQUEST_COLUMNS))
           .table_valued(*(column(name, kind) for name, kind in _REQUEST_COLUMNS))
           .render_derived(name="r"))
    req = select(*req.c).cte("req")
    stored = _store_nonce(postgresql.insert, select(
        req.c.kiosk_id, req.c.nonce, req.c.expires_at).where(not_(req.c.held))).cte("stored")
    bucket = bindparam("bucket", type_=String)
    counted = (rate_limit.bump_window(postgresql.insert, select(
        stored.c.kiosk_id, cast(bucket, String), req.c.window, literal(1))
        .select_from(stored.join(req, req.c.kiosk_id == stored.c.kiosk_id))
        .where(bucket.is_not(None))).returning(RateWindow.__table__.c.kiosk_id).cte("counted"))

    def count_of(kiosk_id: Any) -> Any:
        return select(counted.c.count).where(counted.c.kiosk_id == kiosk_id).scalar_subquery()

    def fresh(kiosk_id: Any) -> Any:
        return kiosk_id.in_(select(stored.c.kiosk_id))

    kiosk = _KIOSKS.c
    admitted = or_(req.c.held, and_(fresh(req.c.kiosk_id),
                                    func.coalesce(count_of(req.c.kiosk_id), 0) <= req.c.limit))
    bumped = (update(_KIOSKS)
              .where(kiosk.id == req.c.kiosk_id, req.c.writes, admitted,
                     kiosk.ledger_seq == req.c.read_ledger_seq,
                     kiosk.change_seq == req.c.read_change_seq,
                     kiosk.secret_generation == req.c.generation, kiosk.active.is_(True))
              .values(balance=req.c.balance, ledger_seq=req.c.ledger_seq,
                      change_seq=req.c.change_seq)
              .returning(kiosk.id, func.pg_notify(bindparam("due_channel", type_=String),
                                                  cast(kiosk.id, String)))
              .cte("bumped"))

    def went_in(kiosk_id: Any) -> Any:
        return kiosk_id.in_(select(bumped.c.id))

    inserts = [rows_from_json(TopUp.__table__, TOPUP_COLUMNS, "topup_rows", went_in),
               rows_from_json(LedgerEntry.__table__, LEDGER_COLUMNS, "ledger_rows", went_in),
               rows_from_json(Change.__table__, CHANGE_COLUMNS, "change_rows", went_in)]
    return select(req.c.kiosk_id, fresh(req.c.kiosk_id).label("fresh"),
                  count_of(req.c.kiosk_id).label("count"),
                  went_in(req.c.kiosk_id).label("written")).add_cte(
        *(statement.cte(f"new_{n}") for n, statement in enumerate(inserts)))


READ = _read()
WRITE = _write()

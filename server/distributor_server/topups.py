"""Accepting top-ups (debit under the kiosk lock) and applying upstream outcomes (refunds).

A submit never calls the supplier: it validates, debits the deposit and stores the top-up as
pending in one transaction, then wakes the worker. Idempotent by (kiosk, ref_id): the same
ref_id with the same sku and destination returns the stored top-up and charges nothing; with
a different sku or destination it is a 409. ``expected_price`` is the most the kiosk agreed to
pay: it is checked when the top-up is created, not part of its identity.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

from pulsa_protocol import wire
from pulsa_protocol.money import format_rupiah
from sqlalchemy import ARRAY, any_, bindparam, func, literal_column, select, true
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select
from starlette.concurrency import run_in_threadpool

from distributor_server.auth import Admission, SignedRequest, admit_in
from distributor_server.claims import Claim, finish_call
from distributor_server.clock import utcnow
from distributor_server.context import ServerContext
from distributor_server.db import KioskRow, lock_kiosk, lock_kiosk_row
from distributor_server.destinations import DestinationError, check_destination
from distributor_server.feed import (
    FeedWrites,
    insert_rows,
    post_ledger,
    record_topup,
    topup_to_wire,
)
from distributor_server.incidents import record_success_after_refund
from distributor_server.models import Product, TopUp
from distributor_server.upstream import UpstreamResult

log = logging.getLogger(__name__)
Code = wire.ErrorCode
HTTP_STATUS = {
    Code.CREATED: 201, Code.EXISTS: 200, Code.REF_CONFLICT: 409,
    Code.INSUFFICIENT_DEPOSIT: 402, Code.UNKNOWN_SKU: 422, Code.WRONG_OPERATOR: 422,
    Code.BAD_DESTINATION: 422, Code.PRICE_CHANGED: 422,
}


def _result(ref_id: str, code: Code, message: str = "", tx: Any = None
            ) -> wire.TopUpItemResult:
    return wire.TopUpItemResult(
        ref_id=ref_id, code=code.value, http_status=HTTP_STATUS[code], message=message,
        topup=topup_to_wire(tx) if tx is not None else None,
    )


def submit_topups(
    ctx: ServerContext, kiosk_id: int, items: list[wire.TopUpRequest]
) -> wire.TopUpBatchResponse:
    """Submit items in order in one transaction; one result per item."""
    with ctx.db.write() as session:
        kiosk = lock_kiosk_row(session, kiosk_id)
        if kiosk is None:
            raise LookupError(f"there is no kiosk {kiosk_id}")
        batch, created = submit_in(ctx, session, kiosk, items)
    if created:
        ctx.changed(kiosk_id)
        ctx.wake_worker()
    return batch


async def submit_signed(ctx: ServerContext, req: SignedRequest,
                        items: list[wire.TopUpRequest]
                        ) -> tuple[Admission, wire.TopUpBatchResponse | None]:
    """The hot path: admit the signed request and submit its items with ONE writing
    transaction (signature, nonce, rate budget, top-ups, ledger and feed rows, one
    commit); retried once on a dead connection (the submit is idempotent by ref_id).
    PostgreSQL: a read, then one guarded statement, with asyncpg on the event loop
    (:func:`distributor_server.pg_hot.submit_pg`); SQLite: SQLAlchemy Core under the
    kiosk's lock on a worker thread (:func:`submit_sqlite`)."""
    if ctx.db.is_sqlite:
        admission, batch, created = await run_in_threadpool(
            ctx.db.retrying, lambda: submit_sqlite(ctx, req, items))
    else:
        from distributor_server.pg_hot import submit_pg

        admission, batch, created = await submit_pg(ctx, req, items)
    if created:
        ctx.changed(req.kiosk_id)
        ctx.wake_worker()
    return admission, batch


def submit_sqlite(ctx: ServerContext, req: SignedRequest, items: list[wire.TopUpRequest]
                  ) -> tuple[Admission, wire.TopUpBatchResponse | None, bool]:
    """:func:`submit_signed`'s transaction on SQLite: (the admission, the batch's results
    when admitted, whether any top-up was created)."""
    with ctx.db.write() as session:
        kiosk = lock_kiosk_row(session, req.kiosk_id)
        admission = admit_in(ctx, session, req, "topups", kiosk, looked_up=True)
        if admission.refusal is not None or kiosk is None:
            return admission, None, False
        batch, created = submit_in(ctx, session, kiosk, items)
    return admission, batch, created


_TOPUPS = TopUp.__table__
_PRODUCTS = Product.__table__
_WIRE_COLUMNS = [_TOPUPS.c[name] for name in (
    "ref_id", "sku", "destination", "price", "status", "sn", "message", "created_at",
    "updated_at", "kiosk_created_at")]


def _reads(expanding: bool) -> tuple[Select, Select]:
    """The submit's two reads: this kiosk's top-ups with the batch's ref_ids, and the
    batch's products. ``expanding``: ``IN (...)`` with one parameter per value (SQLite);
    else ``= ANY(array)``, one statement text for every batch size, which PostgreSQL
    prepares once per connection (:mod:`distributor_server.pg_hot`)."""

    def among(column: Any, name: str) -> Any:
        if expanding:
            return column.in_(bindparam(name, expanding=True))
        return column == any_(bindparam(name, type_=ARRAY(column.type)))

    existing = select(*_WIRE_COLUMNS).where(_TOPUPS.c.kiosk_id == bindparam("kiosk_id"),
                                            among(_TOPUPS.c.ref_id, "refs"))
    prices = select(_PRODUCTS.c.sku, _PRODUCTS.c.kind, _PRODUCTS.c.operator,
                    _PRODUCTS.c.price, _PRODUCTS.c.active).where(among(_PRODUCTS.c.sku, "skus"))
    return existing, prices


def _pg_existing() -> Select:
    """PostgreSQL's read of this kiosk's top-ups with the batch's ref_ids: a look-up of the
    (kiosk_id, ref_id) unique index per ref_id (a ``LATERAL`` sub-select, ``LIMIT 1``).

    Not ``ref_id = ANY(:refs)`` (issue 14). The driver prepares the statement, and PostgreSQL
    keeps a generic plan only while it costs no more than the plans made for the values:
    that one costed a known array of 1 ref_id against an unknown one of 10, so the read
    was planned afresh on every submit (0.06 ms, a tenth of PostgreSQL's CPU for a
    submit). Unpacked behind a sub-select (``ARRAY(SELECT unnest(:refs))``) the ref_ids
    count 10 in both plans and the generic one is kept; and each probe, an equality on the
    whole unique key under ``LIMIT 1``, stays an index look-up whatever the kiosk's share
    of the table (a 10-value ``= ANY`` could make the (kiosk_id, created_at) index look
    cheaper and read the kiosk's history)."""
    refs = bindparam("refs", type_=ARRAY(_TOPUPS.c.ref_id.type))
    unpacked = func.array(select(func.unnest(refs)).scalar_subquery())
    r = func.unnest(unpacked).table_valued("ref").render_derived(name="r")
    found = (select(*_WIRE_COLUMNS)
             .where(_TOPUPS.c.kiosk_id == bindparam("kiosk_id"), _TOPUPS.c.ref_id == r.c.ref)
             .limit(literal_column("1")).lateral("found"))
    return select(*found.c).select_from(r).join(found, true())


_EXISTING, _PRICES = _reads(expanding=True)
PG_PRICES = _reads(expanding=False)[1]
PG_EXISTING = _pg_existing()


def submit_in(ctx: ServerContext, session: Session, kiosk: KioskRow,
              items: list[wire.TopUpRequest]) -> tuple[wire.TopUpBatchResponse, bool]:
    """Submit ``items`` under the locked ``kiosk``; (results, whether any was created).

    SQLAlchemy Core, not the ORM (issue 14: the ORM's unit of work was a third of a
    submit's server time): two reads (this kiosk's ref_ids, the products), then one insert
    each for the top-ups, ledger rows and feed rows and one update of the kiosk's counters,
    whatever the batch's size."""
    conn = session.connection()
    refs, skus = refs_and_skus(items)
    existing: dict[str, Any] = {row.ref_id: row for row in conn.execute(
        _EXISTING, {"kiosk_id": kiosk.id, "refs": refs})}
    products = {row.sku: row for row in conn.execute(_PRICES, {"skus": skus})}
    decided = decide(ctx, kiosk, items, existing, products)
    if decided.new_rows:
        insert_rows(conn, _TOPUPS, decided.new_rows)
        decided.writes.flush(session, due=True)
    return decided.response(), bool(decided.new_rows)


def refs_and_skus(items: list[wire.TopUpRequest]) -> tuple[list[str], list[str]]:
    """The ref_ids and the (normalised) skus a batch reads, each once, sorted."""
    return sorted({i.ref_id for i in items}), sorted({i.sku.strip().upper() for i in items})


@dataclass
class Decided:
    """What a batch comes to under the locked kiosk: a result per item, the top-up rows to
    insert and the ledger and feed rows (with the kiosk's new counters) to write."""

    kiosk: KioskRow
    results: list[wire.TopUpItemResult]
    new_rows: list[dict[str, object]]
    writes: FeedWrites

    def response(self) -> wire.TopUpBatchResponse:
        return wire.TopUpBatchResponse(results=self.results, balance=self.kiosk.balance)


def decide(ctx: ServerContext, kiosk: KioskRow, items: list[wire.TopUpRequest],
           existing: dict[str, Any], products: dict[str, Any]) -> Decided:
    """The money rules of a submit, the same on both engines: each item in order against
    this kiosk's ``existing`` top-ups (by ref_id) and the ``products`` (by sku), debiting
    ``kiosk`` in memory; nothing is written here."""
    writes = FeedWrites(kiosk)
    new_rows: list[dict[str, object]] = []
    results = [_submit_one(ctx, kiosk, item, existing, products, writes, new_rows)
               for item in items]
    return Decided(kiosk, results, new_rows, writes)


def _submit_one(
    ctx: ServerContext, kiosk: KioskRow, item: wire.TopUpRequest, existing: dict[str, Any],
    products: dict[str, Any], writes: FeedWrites, new_rows: list[dict[str, object]],
) -> wire.TopUpItemResult:
    sku = item.sku.strip().upper()
    product = products.get(sku)
    destination = None
    dest_error = None
    if product is not None:
        try:
            destination = check_destination(product.kind, product.operator, item.destination)
        except DestinationError as exc:
            dest_error = exc
    tx = existing.get(item.ref_id)
    if tx is not None:
        same_dest = destination or item.destination.strip()
        if tx.sku == sku and tx.destination == same_dest:
            return _result(item.ref_id, Code.EXISTS, "This ref_id was already accepted.", tx)
        return _result(
            item.ref_id, Code.REF_CONFLICT,
            f"ref_id {item.ref_id} was already used for {tx.sku} to {tx.destination}; "
            "a new sale needs a new ref_id.", tx,
        )
    if product is None or not product.active:
        return _result(item.ref_id, Code.UNKNOWN_SKU,
                       f"Product {sku} is unknown or not on sale; refresh the price list.")
    if dest_error is not None:
        return _result(item.ref_id, dest_error.code, dest_error.message)
    price = product.price
    if item.expected_price is not None and price > item.expected_price:
        return _result(
            item.ref_id, Code.PRICE_CHANGED,
            f"{sku} now costs {format_rupiah(price)}, more than the expected "
            f"{format_rupiah(item.expected_price)}; refresh the price list and confirm.",
        )
    if kiosk.balance < price:
        return _result(
            item.ref_id, Code.INSUFFICIENT_DEPOSIT,
            f"The deposit is {format_rupiah(kiosk.balance)} but {sku} costs "
            f"{format_rupiah(price)}; top up the deposit first.",
        )
    now = utcnow()
    row: dict[str, object] = {
        "kiosk_id": kiosk.id, "ref_id": item.ref_id, "sku": sku, "destination": destination,
        "price": price, "status": wire.TopUpStatus.PENDING.value, "sn": "",
        "message": "Waiting for the operator.", "upstream": ctx.settings.upstream,
        "upstream_ref_id": uuid.uuid4().hex, "upstream_reference": "", "attempts": 0,
        "next_check_at": now, "kiosk_created_at": item.created_at, "created_at": now,
        "updated_at": now, "claimed_by": None, "lease_until": None,
    }
    new_rows.append(row)
    topup = topup_to_wire(SimpleNamespace(**row))
    existing[item.ref_id] = SimpleNamespace(**row)  # a repeat later in this batch "exists"
    writes.ledger(-price, wire.LedgerReason.TOPUP.value, item.ref_id, now)
    writes.topup(topup, now)
    return wire.TopUpItemResult(ref_id=item.ref_id, code=Code.CREATED.value,
                                http_status=HTTP_STATUS[Code.CREATED],
                                message="Accepted; waiting for the operator.", topup=topup)


_STATUS_BY_REF = select(*_WIRE_COLUMNS).where(_TOPUPS.c.kiosk_id == bindparam("kiosk_id"),
                                              _TOPUPS.c.ref_id == bindparam("ref_id"))


def get_topup(ctx: ServerContext, kiosk_id: int, ref_id: str) -> wire.TopUp | None:
    """A top-up's status (one Core read on the (kiosk_id, ref_id) unique index)."""
    with ctx.db.read() as session:
        row = session.connection().execute(
            _STATUS_BY_REF, {"kiosk_id": kiosk_id, "ref_id": ref_id}).first()
    return topup_to_wire(row) if row is not None else None


def list_topups(ctx: ServerContext, kiosk_id: int, start: object = None, end: object = None
                ) -> list[wire.TopUp]:
    with ctx.db.read() as session:
        query = select(TopUp).where(TopUp.kiosk_id == kiosk_id)
        if start is not None:
            query = query.where(TopUp.created_at >= start)
        if end is not None:
            query = query.where(TopUp.created_at < end)
        # in the order of ix_topups_kiosk_created, so the day is read off that index
        query = query.order_by(TopUp.created_at, TopUp.id)
        return [topup_to_wire(t) for t in session.scalars(query)]


def next_delay(ctx: ServerContext, attempts: int, retry_after: float | None) -> float:
    s = ctx.settings
    delay = min(s.poll_max_seconds, s.poll_base_seconds * (1.5 ** min(attempts, 20)))
    return max(delay, retry_after or 0.0)


def apply_result(ctx: ServerContext, topup_id: int, result: UpstreamResult,
                 claim: Claim | None = None, answered: bool = True) -> bool:
    """Record an upstream outcome; True when the top-up became final now.

    ``claim``: the sender's claim this call was made under (None for a supplier callback);
    ``answered`` False when the supplier could not be reached (the call decided nothing)."""
    with ctx.db.read() as session:
        kiosk_id = session.scalar(select(TopUp.kiosk_id).where(TopUp.id == topup_id))
    if kiosk_id is None:
        return False
    with ctx.db.write() as session:
        kiosk = lock_kiosk(session, kiosk_id)
        tx = session.scalars(
            select(TopUp).where(TopUp.id == topup_id).with_for_update()
        ).one()
        now = utcnow()
        leased = tx.lease_until is not None and tx.lease_until > now
        held = claim is not None and finish_call(session, tx, claim, result, answered, now)
        if result.reference and not tx.upstream_reference:
            tx.upstream_reference = result.reference[:120]
        if tx.status != wire.TopUpStatus.PENDING:
            if (tx.status == wire.TopUpStatus.FAILED
                    and result.status == wire.TopUpStatus.SUCCESS):
                record_success_after_refund(session, tx, result.sn or "")
            elif result.status not in (wire.TopUpStatus.PENDING, tx.status):
                log.warning("top-up %s is %s but upstream now says %s; kept as is",
                            tx.upstream_ref_id, tx.status, result.status.value)
            return False
        if result.status == wire.TopUpStatus.PENDING:
            if held or not leased:  # never pull a call forward under another sender's lease
                tx.attempts += 1
                delay = next_delay(ctx, tx.attempts, result.retry_after)
                tx.next_check_at = now + timedelta(seconds=delay)
            return False
        tx.status = result.status.value
        tx.sn = (result.sn or "")[:120]
        tx.message = result.message or ""
        tx.next_check_at = None
        tx.claimed_by = None
        tx.lease_until = None
        tx.updated_at = now
        if result.status == wire.TopUpStatus.FAILED:
            post_ledger(session, kiosk, tx.price, wire.LedgerReason.REFUND.value, tx.ref_id)
        record_topup(session, kiosk, tx)
    ctx.changed(kiosk_id)
    return True


def find_by_upstream_ref(ctx: ServerContext, upstream_ref_id: str) -> int | None:
    with ctx.db.read() as session:
        return session.scalar(select(TopUp.id).where(TopUp.upstream_ref_id == upstream_ref_id))

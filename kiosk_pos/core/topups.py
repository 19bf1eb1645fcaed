"""Status changes of top-ups, as the distributor reports them.

A top-up that becomes FAILED gives its cost back to the local deposit with a
ledger row of its own, and the clerk must hand the customer's money back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from kiosk_pos.core import deposit
from kiosk_pos.core.clock import db_text, utc_now
from kiosk_pos.core.dbapi import raw
from kiosk_pos.core.events import DEPOSIT_CHANGED, TOPUP_CHANGED, EventBus
from kiosk_pos.core.records import TopUpRecord, TopUpStatus

if TYPE_CHECKING:
    from kiosk_pos.core.dbapi import Writer

SOURCES = ("local", "server", "reconcile")
_BY_VALUE = {s.value: s for s in TopUpStatus}  # a dict look-up per change, not Enum's call

# A pull applies thousands of these: plain SQL on the transaction's sqlite3 connection
# (kiosk_pos/core/dbapi.py), the columns of schema.topups / schema.topup_events.
_FIND = ("SELECT t.id, t.ref_id, t.sku, t.destination, t.cost, t.status, t.sn, t.message, "
         "l.sale_id FROM topups AS t JOIN sale_lines AS l ON l.id = t.sale_line_id "
         "WHERE t.ref_id = ?")
_UPDATE = ("UPDATE topups SET status = ?, updated_at = ?, sn = coalesce(?, sn), "
           "message = coalesce(?, message), server_price = coalesce(?, server_price) "
           "WHERE id = ?")
_EVENT = ("INSERT INTO topup_events (topup_id, status, sn, message, source, created_at) "
          "VALUES (?, ?, ?, ?, ?, ?)")
# The change feed's one read per top-up: _FIND's columns, then whether its outbox row still
# waits for a definite answer (what outbox.mark_sent would update).
_FIND_FOR_FEED = ("SELECT t.id, t.ref_id, t.sku, t.destination, t.cost, t.status, t.sn, "
                  "t.message, l.sale_id, o.id IS NOT NULL AND o.sent_at IS NULL "
                  "FROM topups AS t JOIN sale_lines AS l ON l.id = t.sale_line_id "
                  "LEFT JOIN outbox AS o ON o.ref_id = t.ref_id WHERE t.ref_id = ?")


@dataclass(frozen=True, slots=True)
class ServerTopUp:
    """A top-up as the distributor holds it (sync turns the wire's model into this)."""

    ref_id: str
    sku: str
    destination: str
    status: TopUpStatus
    sn: str | None = None
    message: str | None = None
    price: int | None = None


@dataclass(frozen=True, slots=True)
class StatusChange:
    topup: TopUpRecord
    previous: TopUpStatus
    sale_id: int
    refunded: int  # rupiah credited back to the deposit by this change (0 if none)


def apply_status(
    conn: Writer, ref_id: str, status: TopUpStatus, *, sn: str | None = None,
    message: str | None = None, source: str = "server", server_price: int | None = None,
) -> StatusChange | None:
    """Move a top-up to ``status`` inside the caller's write transaction.

    Returns None when nothing changed (unknown ref_id, same status, or a final
    status that only reconciliation may overrule).
    """
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}")
    row = raw(conn).execute(_FIND, (ref_id,)).fetchone()
    if row is None:
        return None
    return apply_found(conn, row, status, sn=sn, message=message, source=source,
                       server_price=server_price)


def find_for_feed(conn: Writer, ref_id: str) -> tuple[Any, ...] | None:
    """The row :func:`apply_found` takes, then whether the top-up's outbox row is still
    unsent (one read for what the change feed needs of a top-up), or None."""
    row = raw(conn).execute(_FIND_FOR_FEED, (ref_id,)).fetchone()
    return None if row is None else tuple(row)


def apply_found(
    conn: Writer, row: Sequence[Any], status: TopUpStatus, *, sn: str | None = None,
    message: str | None = None, source: str = "server", server_price: int | None = None,
    moment: datetime | None = None,
) -> StatusChange | None:
    """:func:`apply_status` for a top-up already read (``row``: the columns of ``_FIND``
    first); ``moment``: the time written (now when None; a page's writes share one)."""
    tid, ref, sku, destination, cost, old_status, old_sn, old_message, sale_id = row[:9]
    previous = _BY_VALUE.get(old_status) or TopUpStatus(old_status)
    if previous == status and (sn or None) == (old_sn or None):
        return None
    if previous.final and previous != status and source != "reconcile":
        return None
    moment = moment or utc_now()
    stamp = db_text(moment)
    db = raw(conn)
    value = status.value
    db.execute(_UPDATE, (value, stamp, sn, message, server_price, tid))
    db.execute(_EVENT, (tid, value, sn, message, source, stamp))
    refunded = 0
    if status is TopUpStatus.FAILED and previous is not TopUpStatus.FAILED:
        refunded = cost
        deposit.append(conn, cost, deposit.REASON_TOPUP_REFUND, reference=ref,
                       sale_id=sale_id, at=moment)
    elif previous is TopUpStatus.FAILED and status is not TopUpStatus.FAILED:
        deposit.append(conn, -cost, deposit.REASON_TOPUP, reference=ref, sale_id=sale_id,
                       at=moment)
        refunded = -cost
    record = TopUpRecord(ref, sku, destination, status, sn if sn is not None else old_sn,
                         message if message is not None else old_message, cost,
                         moment.astimezone(UTC))
    return StatusChange(record, previous, sale_id, refunded)


def announce(events: EventBus, changes: Sequence[StatusChange], balance: int | None) -> None:
    """After the commit: each top-up that changed, then the new deposit balance (None: the
    deposit did not change). Core functions call this once per transaction."""
    for change in changes:
        events.trigger(TOPUP_CHANGED, change.topup)
    if balance is not None:
        events.trigger(DEPOSIT_CHANGED, balance)

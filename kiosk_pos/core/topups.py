"""Status changes of top-ups, as the distributor reports them.

A top-up that becomes FAILED gives its cost back to the local deposit with a
ledger row of its own, and the clerk must hand the customer's money back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk_pos.core import deposit
from kiosk_pos.core.clock import db_text, from_db, to_db, utc_now
from kiosk_pos.core.dbapi import raw
from kiosk_pos.core.events import DEPOSIT_CHANGED, TOPUP_CHANGED, EventBus
from kiosk_pos.core.records import TopUpRecord, TopUpStatus

if TYPE_CHECKING:
    from sqlalchemy import Connection

SOURCES = ("local", "server", "reconcile")

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
    conn: Connection, ref_id: str, status: TopUpStatus, *, sn: str | None = None,
    message: str | None = None, source: str = "server", server_price: int | None = None,
) -> StatusChange | None:
    """Move a top-up to ``status`` inside the caller's write transaction.

    Returns None when nothing changed (unknown ref_id, same status, or a final
    status that only reconciliation may overrule).
    """
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}")
    db = raw(conn)
    row = db.execute(_FIND, (ref_id,)).fetchone()
    if row is None:
        return None
    tid, ref, sku, destination, cost, old_status, old_sn, old_message, sale_id = row
    previous = TopUpStatus(old_status)
    if previous == status and (sn or None) == (old_sn or None):
        return None
    if previous.final and previous != status and source != "reconcile":
        return None
    moment = utc_now()
    stamp = db_text(moment)
    db.execute(_UPDATE, (status.value, stamp, sn, message, server_price, tid))
    db.execute(_EVENT, (tid, status.value, sn, message, source, stamp))
    refunded = 0
    if status is TopUpStatus.FAILED and previous is not TopUpStatus.FAILED:
        refunded = cost
        deposit.append(conn, cost, deposit.REASON_TOPUP_REFUND, reference=ref_id,
                       sale_id=sale_id)
    elif previous is TopUpStatus.FAILED and status is not TopUpStatus.FAILED:
        deposit.append(conn, -cost, deposit.REASON_TOPUP, reference=ref_id, sale_id=sale_id)
        refunded = -cost
    record = TopUpRecord(ref, sku, destination, status, sn if sn is not None else old_sn,
                         message if message is not None else old_message, cost,
                         from_db(to_db(moment)))
    return StatusChange(record, previous, sale_id, refunded)


def announce(events: EventBus, changes: Sequence[StatusChange], balance: int | None) -> None:
    """After the commit: each top-up that changed, then the new deposit balance (None: the
    deposit did not change). Core functions call this once per transaction."""
    for change in changes:
        events.trigger(TOPUP_CHANGED, change.topup)
    if balance is not None:
        events.trigger(DEPOSIT_CHANGED, balance)

"""Status changes of top-ups, as the distributor reports them.

A top-up that becomes FAILED gives its cost back to the local deposit with a
ledger row of its own, and the clerk must hand the customer's money back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, func, select, update

from kiosk_pos.core import deposit
from kiosk_pos.core.clock import from_db, to_db, utc_now
from kiosk_pos.core.events import DEPOSIT_CHANGED, TOPUP_CHANGED, EventBus
from kiosk_pos.core.records import TopUpRecord, TopUpStatus
from kiosk_pos.store.schema import sale_lines, topup_events, topups

SOURCES = ("local", "server", "reconcile")

# Built once: a pull applies thousands of these, and building a statement per call cost
# more than running it.
_FIND = (select(topups, sale_lines.c.sale_id)
         .join(sale_lines, sale_lines.c.id == topups.c.sale_line_id)
         .where(topups.c.ref_id == bindparam("ref_id")))
_UPDATE = (update(topups).where(topups.c.id == bindparam("tid")).values(
    status=bindparam("status"), updated_at=bindparam("now"),
    sn=func.coalesce(bindparam("new_sn"), topups.c.sn),
    message=func.coalesce(bindparam("new_message"), topups.c.message),
    server_price=func.coalesce(bindparam("new_price"), topups.c.server_price)))
_EVENT = topup_events.insert()


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
    row = conn.execute(_FIND, {"ref_id": ref_id}).first()
    if row is None:
        return None
    previous = TopUpStatus(row.status)
    if previous == status and (sn or None) == (row.sn or None):
        return None
    if previous.final and previous != status and source != "reconcile":
        return None
    now = to_db(utc_now())
    conn.execute(_UPDATE, {"tid": row.id, "status": status.value, "now": now, "new_sn": sn,
                           "new_message": message, "new_price": server_price})
    conn.execute(_EVENT, {"topup_id": row.id, "status": status.value, "sn": sn,
                          "message": message, "source": source, "created_at": now})
    refunded = 0
    if status is TopUpStatus.FAILED and previous is not TopUpStatus.FAILED:
        refunded = row.cost
        deposit.append(conn, row.cost, deposit.REASON_TOPUP_REFUND, reference=ref_id,
                       sale_id=row.sale_id)
    elif previous is TopUpStatus.FAILED and status is not TopUpStatus.FAILED:
        deposit.append(conn, -row.cost, deposit.REASON_TOPUP, reference=ref_id,
                       sale_id=row.sale_id)
        refunded = -row.cost
    record = TopUpRecord(row.ref_id, row.sku, row.destination, status,
                         sn if sn is not None else row.sn,
                         message if message is not None else row.message, row.cost,
                         from_db(now))
    return StatusChange(record, previous, row.sale_id, refunded)


def announce(events: EventBus, changes: Sequence[StatusChange], balance: int | None) -> None:
    """After the commit: each top-up that changed, then the new deposit balance (None: the
    deposit did not change). Core functions call this once per transaction."""
    for change in changes:
        events.trigger(TOPUP_CHANGED, change.topup)
    if balance is not None:
        events.trigger(DEPOSIT_CHANGED, balance)

"""Status changes of top-ups, as the distributor reports them.

A top-up that becomes FAILED gives its cost back to the local deposit with a
ledger row of its own, and the clerk must hand the customer's money back.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select, update

from kiosk_pos.core import deposit
from kiosk_pos.core.clock import to_db, utc_now
from kiosk_pos.core.records import TopUpRecord, TopUpStatus
from kiosk_pos.core.sale_queries import topup_from_row
from kiosk_pos.store.schema import sale_lines, topup_events, topups

SOURCES = ("local", "server", "reconcile")


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
    row = conn.execute(
        select(topups, sale_lines.c.sale_id)
        .join(sale_lines, sale_lines.c.id == topups.c.sale_line_id)
        .where(topups.c.ref_id == ref_id)).first()
    if row is None:
        return None
    previous = TopUpStatus(row.status)
    if previous == status and (sn or None) == (row.sn or None):
        return None
    if previous.final and previous != status and source != "reconcile":
        return None
    now = to_db(utc_now())
    values: dict[str, object] = {"status": status.value, "updated_at": now}
    if sn is not None:
        values["sn"] = sn
    if message is not None:
        values["message"] = message
    if server_price is not None:
        values["server_price"] = server_price
    conn.execute(update(topups).where(topups.c.id == row.id).values(**values))
    conn.execute(topup_events.insert().values(
        topup_id=row.id, status=status.value, sn=sn, message=message, source=source,
        created_at=now))
    refunded = 0
    if status is TopUpStatus.FAILED and previous is not TopUpStatus.FAILED:
        refunded = row.cost
        deposit.append(conn, row.cost, deposit.REASON_TOPUP_REFUND, reference=ref_id,
                       sale_id=row.sale_id)
    elif previous is TopUpStatus.FAILED and status is not TopUpStatus.FAILED:
        deposit.append(conn, -row.cost, deposit.REASON_TOPUP, reference=ref_id,
                       sale_id=row.sale_id)
        refunded = -row.cost
    updated = conn.execute(select(topups).where(topups.c.id == row.id)).first()
    return StatusChange(topup_from_row(updated), previous, row.sale_id, refunded)

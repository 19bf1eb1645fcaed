"""Incidents: what the distributor must settle by hand, listed by ``distributor-server incidents``.

Today one kind: ``success_after_refund`` — the supplier reported Sukses for a top-up we had
already marked failed and refunded, so the supplier charged us for a delivery the kiosk did
not pay for. The top-up stays failed (the kiosk was told, the customer may have paid again);
the distributor reconciles with the supplier or the kiosk.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from distributor_server.clock import utcnow
from distributor_server.context import ServerContext
from distributor_server.models import Incident, TopUp

log = logging.getLogger(__name__)
SUCCESS_AFTER_REFUND = "success_after_refund"


@dataclass(frozen=True)
class IncidentRow:
    id: int
    kind: str
    kiosk_id: int
    ref_id: str
    upstream_ref_id: str
    amount: int
    detail: str
    created_at: datetime


def record_success_after_refund(session: Session, tx: TopUp, sn: str) -> None:
    """Inside the caller's transaction: one incident per top-up, however often it is reported."""
    exists = session.scalar(select(Incident.id).where(
        Incident.kind == SUCCESS_AFTER_REFUND, Incident.topup_id == tx.id))
    if exists is not None:
        return
    log.error("top-up %s was refunded but upstream now says Sukses (sn %r): money lost "
              "upstream; see 'distributor-server incidents list'", tx.upstream_ref_id, sn)
    session.add(Incident(
        kind=SUCCESS_AFTER_REFUND, kiosk_id=tx.kiosk_id, topup_id=tx.id, ref_id=tx.ref_id,
        upstream_ref_id=tx.upstream_ref_id, amount=tx.price,
        detail=f"supplier reported Sukses (sn {sn or '-'}) after the kiosk was refunded"[:500],
        created_at=utcnow(),
    ))


def list_incidents(ctx: ServerContext) -> list[IncidentRow]:
    with ctx.db.read() as session:
        rows = session.scalars(select(Incident).order_by(Incident.id)).all()
    return [IncidentRow(r.id, r.kind, r.kiosk_id, r.ref_id, r.upstream_ref_id, r.amount,
                        r.detail, r.created_at) for r in rows]

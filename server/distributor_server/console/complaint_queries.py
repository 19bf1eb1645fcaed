"""What the complaint pages read: the queue (oldest first, with its SLA clock) and one
complaint with its steps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from pulsa_protocol import complaints as cw
from sqlalchemy import select

from distributor_server import desk_settings
from distributor_server.clock import utcnow
from distributor_server.context import ServerContext
from distributor_server.models import Complaint, ComplaintStep, Kiosk, TopUp

# The SLA (answered within so long of filing; older open ones are shown late) is a desk
# setting: distributor_server.desk_settings, ``complaint_sla_minutes`` (two hours unless set).
OPEN_STATUSES = (cw.ComplaintStatus.OPEN.value, cw.ComplaintStatus.ANSWERED.value)


@dataclass(frozen=True)
class ComplaintRow:
    id: int
    complaint_id: str
    kiosk_id: int
    kiosk_name: str
    topup_id: int
    ref_id: str
    sku: str
    destination: str
    price: int
    topup_status: str
    sn: str
    reason: str
    note: str
    status: str
    refunded: int
    created_at: datetime
    updated_at: datetime
    sla: timedelta = timedelta(hours=2)  # the desk's setting when the row was read

    def age(self, now: datetime | None = None) -> timedelta:
        return (now or utcnow()) - self.created_at

    def age_text(self, now: datetime | None = None) -> str:
        minutes = max(0, int(self.age(now).total_seconds() // 60))
        hours, minutes = divmod(minutes, 60)
        days, hours = divmod(hours, 24)
        if days:
            return f"{days}h {hours}j"
        return f"{hours}j {minutes:02d}m" if hours else f"{minutes}m"

    def late(self, now: datetime | None = None) -> bool:
        return self.status == cw.ComplaintStatus.OPEN and self.age(now) > self.sla

    def sla_left_text(self, now: datetime | None = None) -> str:
        left = int((self.sla - self.age(now)).total_seconds() // 60)
        return f"{left // 60}j {left % 60:02d}m" if left >= 60 else f"{max(left, 0)}m"


@dataclass(frozen=True)
class StepRow:
    id: int
    kind: str
    text: str
    sn: str
    amount: int
    ledger_seq: int | None
    staff: str
    at: datetime


def _select():  # noqa: ANN202 - a SQLAlchemy select of (Complaint, TopUp, Kiosk.name)
    return (select(Complaint, TopUp, Kiosk.name)
            .join(TopUp, TopUp.id == Complaint.topup_id)
            .join(Kiosk, Kiosk.id == Complaint.kiosk_id))


def _row(c: Complaint, t: TopUp, name: str, sla: timedelta) -> ComplaintRow:
    return ComplaintRow(c.id, c.complaint_id, c.kiosk_id, name, t.id, t.ref_id, t.sku,
                        t.destination, t.price, t.status, t.sn or "", c.reason, c.note or "",
                        c.status, c.refunded, c.created_at, c.updated_at, sla)


def _sla(ctx: ServerContext) -> timedelta:
    return desk_settings.load(ctx.db).complaint_sla


def queue(ctx: ServerContext, limit: int = 200) -> list[ComplaintRow]:
    """Open and answered complaints, the oldest first (ix_complaints_status_created)."""
    sla = _sla(ctx)
    with ctx.db.read() as session:
        rows = session.execute(_select().where(Complaint.status.in_(OPEN_STATUSES))
                               .order_by(Complaint.created_at, Complaint.id).limit(limit))
        return [_row(*r, sla) for r in rows]


def recently_closed(ctx: ServerContext, limit: int = 30) -> list[ComplaintRow]:
    sla = _sla(ctx)
    with ctx.db.read() as session:
        rows = session.execute(_select().where(Complaint.status == cw.ComplaintStatus.CLOSED)
                               .order_by(Complaint.id.desc()).limit(limit))
        return [_row(*r, sla) for r in rows]


def for_kiosk(ctx: ServerContext, kiosk_id: int, limit: int = 20) -> list[ComplaintRow]:
    sla = _sla(ctx)
    with ctx.db.read() as session:
        rows = session.execute(_select().where(Complaint.kiosk_id == kiosk_id)
                               .order_by(Complaint.id.desc()).limit(limit))
        return [_row(*r, sla) for r in rows]


def complaint(ctx: ServerContext, row_id: int) -> tuple[ComplaintRow, list[StepRow]] | None:
    sla = _sla(ctx)
    with ctx.db.read() as session:
        found = session.execute(_select().where(Complaint.id == row_id)).one_or_none()
        if found is None:
            return None
        steps = session.scalars(select(ComplaintStep).where(
            ComplaintStep.complaint_row_id == row_id).order_by(ComplaintStep.id)).all()
        return _row(*found, sla), [StepRow(s.id, s.kind, s.text, s.sn, s.amount, s.ledger_seq,
                                      s.staff, s.at) for s in steps]

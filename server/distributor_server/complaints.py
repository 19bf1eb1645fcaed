"""Complaints (komplain) about top-ups: filed by a kiosk, answered by the desk.

A kiosk files a complaint under an id it made (``PUT /v1/complaints/{complaint_id}``): the
same id again is answered with the stored complaint and writes nothing (exactly once, like a
top-up's ref_id). A kiosk can only complain about its own top-ups: the top-up is looked up
by (kiosk, ref_id), so another kiosk's ref_id is simply not found. Every step is a
:class:`ComplaintStep` row; a step the kiosk must hear (an answer, SN proof, a resend, a
refund, closing) also becomes a ``complaint`` row on its change feed, in the same
transaction (:func:`publish_step`). The desk's actions live in
:mod:`distributor_server.console.complaint_actions`.
"""

from __future__ import annotations

from dataclasses import dataclass

from pulsa_protocol import complaints as cw
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from distributor_server.clock import utcnow
from distributor_server.context import ServerContext
from distributor_server.db import lock_kiosk
from distributor_server.feed import append_change
from distributor_server.models import Complaint, ComplaintStep, Kiosk, TopUp

FILED = "filed"
RECHECKED = "rechecked"
KIOSK_STEPS = frozenset(k.value for k in cw.AnswerKind)
"""Steps the kiosk hears about (on its feed); ``filed`` and ``rechecked`` stay at the desk."""


@dataclass(frozen=True)
class Filing:
    """The outcome of a kiosk's PUT: ``code`` is ``created``, ``exists``, ``not_found`` or
    ``complaint_conflict``; ``complaint`` the stored one when there is one."""

    code: str
    message: str = ""
    complaint: cw.Complaint | None = None

    @property
    def http_status(self) -> int:
        return {"created": 201, "exists": 200, "not_found": 404}.get(self.code, 409)


def answer_of(row: Complaint, step: ComplaintStep, ref_id: str) -> cw.ComplaintAnswer:
    return cw.ComplaintAnswer(
        step_id=step.id, complaint_id=row.complaint_id, ref_id=ref_id,
        kind=cw.AnswerKind(step.kind), text=step.text or "", sn=step.sn or "",
        refund=step.amount if step.kind == cw.AnswerKind.REFUND else 0,
        status=cw.ComplaintStatus(row.status), answered_at=step.at)


def to_wire(session: Session, row: Complaint, ref_id: str) -> cw.Complaint:
    steps = session.scalars(select(ComplaintStep).where(
        ComplaintStep.complaint_row_id == row.id).order_by(ComplaintStep.id)).all()
    return cw.Complaint(
        complaint_id=row.complaint_id, ref_id=ref_id, reason=cw.ComplaintReason(row.reason),
        note=row.note or "", status=cw.ComplaintStatus(row.status), created_at=row.created_at,
        answers=[answer_of(row, s, ref_id) for s in steps if s.kind in KIOSK_STEPS])


def file_complaint(ctx: ServerContext, kiosk_id: int, complaint_id: str,
                   fields: cw.ComplaintFields) -> Filing:
    """File once under the kiosk's lock; the same id again returns what is stored."""

    def once() -> Filing:
        with ctx.db.write() as session:
            kiosk = lock_kiosk(session, kiosk_id)
            if kiosk is None:
                return Filing("not_found", "The kiosk is unknown.")
            return _file_in(session, kiosk, complaint_id, fields)

    try:
        return ctx.db.retrying(once)
    except IntegrityError:  # the same id filed by a concurrent request: read what won
        return ctx.db.retrying(once)


def _file_in(session: Session, kiosk: Kiosk, complaint_id: str,
             fields: cw.ComplaintFields) -> Filing:
    found = session.execute(
        select(Complaint, TopUp.ref_id).join(TopUp, TopUp.id == Complaint.topup_id)
        .where(Complaint.kiosk_id == kiosk.id, Complaint.complaint_id == complaint_id)
    ).one_or_none()
    if found is not None:
        row, ref_id = found
        if ref_id == fields.ref_id and row.reason == fields.reason.value:
            return Filing("exists", "This complaint was already filed.",
                          to_wire(session, row, ref_id))
        return Filing("complaint_conflict",
                      f"Complaint {complaint_id} was already filed about {ref_id} "
                      f"({row.reason}); a new complaint needs a new id.")
    topup = session.scalars(select(TopUp).where(
        TopUp.kiosk_id == kiosk.id, TopUp.ref_id == fields.ref_id)).one_or_none()
    if topup is None:
        return Filing("not_found", f"This kiosk has no top-up with ref_id {fields.ref_id}.")
    now = utcnow()
    row = Complaint(kiosk_id=kiosk.id, complaint_id=complaint_id, topup_id=topup.id,
                    reason=fields.reason.value, note=" ".join(fields.note.split()),
                    status=cw.ComplaintStatus.OPEN.value, refunded=0,
                    kiosk_created_at=fields.created_at, created_at=now, updated_at=now)
    session.add(row)
    session.flush()
    session.add(ComplaintStep(complaint_row_id=row.id, kind=FILED, text=row.note, sn="",
                              amount=0, staff="", at=now))
    session.flush()
    return Filing("created", "Filed; the desk will answer.", to_wire(session, row, topup.ref_id))


def get_complaint(ctx: ServerContext, kiosk_id: int, complaint_id: str) -> cw.Complaint | None:
    with ctx.db.read() as session:
        found = session.execute(
            select(Complaint, TopUp.ref_id).join(TopUp, TopUp.id == Complaint.topup_id)
            .where(Complaint.kiosk_id == kiosk_id, Complaint.complaint_id == complaint_id)
        ).one_or_none()
        return None if found is None else to_wire(session, found[0], found[1])


def publish_step(session: Session, kiosk: Kiosk, row: Complaint, step: ComplaintStep,
                 ref_id: str) -> cw.ComplaintAnswer:
    """Put ``step`` on the kiosk's change feed (caller holds the kiosk lock)."""
    session.flush()
    answer = answer_of(row, step, ref_id)
    append_change(session, kiosk, cw.COMPLAINT_KIND, answer.model_dump_json())
    return answer

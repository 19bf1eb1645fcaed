"""Complaints (komplain) about a top-up, and the distributor's answers.

A complaint is filed at the counter about one top-up of a sale ("pulsa belum masuk", "salah
nomor", "token tidak bisa dipakai", or another reason with a note). It is written with a
client-made ``complaint_id`` and a payload fixed for its whole life, and waits in the
``complaints`` table as its own outbox row until the distributor gives a definite answer
(``sent_at``), exactly like a top-up: offline it simply waits; a retry sends the same id and
the same bytes, and the server files it once. The relay (:mod:`kiosk_pos.sync.complaints`)
decides what a reply means; this module records it.

The desk's answers arrive on the change feed (:func:`apply_answers`, inside the feed's write
transaction): each is stored once by its server ``step_id`` and announced after the commit
as a :data:`COMPLAINT_ANSWERED` event and a ``NOTICE`` sentence. A refund comes separately
as a ledger row and reaches the deposit through the ledger mirror, once.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Connection, func, insert, select, update

from kiosk_pos.core.clock import from_db, to_db, utc_now
from kiosk_pos.core.errors import KioskError
from kiosk_pos.core.events import NOTICE, EventBus
from kiosk_pos.core.permissions import Permission, require
from kiosk_pos.core.records import User
from kiosk_pos.i18n import tr
from kiosk_pos.store.database import Database
from kiosk_pos.store.schema import complaint_answers, complaints, outbox, sale_lines, topups

COMPLAINT_FILED = "complaint_filed"  # (ComplaintRecord) after a complaint is written
COMPLAINT_ANSWERED = "complaint_answered"  # (ComplaintRecord) after an answer is stored
MAX_NOTE = 500
ERROR_LIMIT = 500


class ComplaintReason(StrEnum):
    NOT_RECEIVED = "not_received"
    WRONG_NUMBER = "wrong_number"
    TOKEN_UNUSABLE = "token_unusable"
    OTHER = "other"


class ComplaintState(StrEnum):
    QUEUED = "queued"        # waiting in the outbox for the distributor
    OPEN = "open"            # filed at the distributor, not answered yet
    ANSWERED = "answered"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class AnswerRecord:
    step_id: int
    kind: str          # text, sn, resend, refund, closed
    text: str
    sn: str
    refund: int
    answered_at: datetime


@dataclass(frozen=True, slots=True)
class ComplaintRecord:
    id: int
    complaint_id: str
    sale_id: int
    ref_id: str
    sku: str
    destination: str
    reason: ComplaintReason
    note: str
    status: ComplaintState
    created_at: datetime
    answers: tuple[AnswerRecord, ...] = ()
    last_error: str | None = None

    @property
    def refunded(self) -> int:
        return sum(a.refund for a in self.answers)

    @property
    def last_answer(self) -> AnswerRecord | None:
        return self.answers[-1] if self.answers else None

    def as_json(self) -> dict:
        return {"id": self.id, "complaint_id": self.complaint_id, "sale_id": self.sale_id,
                "ref_id": self.ref_id, "sku": self.sku, "destination": self.destination,
                "reason": self.reason.value, "note": self.note, "status": self.status.value,
                "created_at": self.created_at.isoformat(), "refunded": self.refunded,
                "answers": [{"kind": a.kind, "text": a.text, "sn": a.sn, "refund": a.refund,
                             "answered_at": a.answered_at.isoformat()} for a in self.answers]}


@dataclass(frozen=True, slots=True)
class ServerAnswer:
    """One answer from the feed, in the core's words (sync converts the wire's)."""

    step_id: int
    complaint_id: str
    kind: str
    text: str
    sn: str
    refund: int
    status: str
    answered_at: datetime


class ComplaintRefused(KioskError):
    pass


def payload(ref_id: str, reason: str, note: str, created_at: str) -> str:
    """The request body as the distributor will see it, fixed for the complaint's life (the
    complaint's id travels in the path)."""
    return json.dumps({"ref_id": ref_id, "reason": reason, "note": note,
                       "created_at": created_at}, sort_keys=True)


_FIELDS = (complaints.c.id, complaints.c.complaint_id, complaints.c.sale_id,
           complaints.c.ref_id, topups.c.sku, topups.c.destination, complaints.c.reason,
           complaints.c.note, complaints.c.status, complaints.c.created_at,
           complaints.c.last_error)


class ComplaintService:
    """Filing and reading complaints; the relay and the feed record through the functions
    below."""

    def __init__(self, db: Database, events: EventBus) -> None:
        self.db = db
        self.events = events

    def file(self, user: User | None, sale_id: int, reason: ComplaintReason | str,
             note: str = "") -> ComplaintRecord:
        """File a complaint about the sale's top-up; it waits in the outbox until sent."""
        require(user, Permission.VIEW_HISTORY)
        assert user is not None
        try:
            reason = ComplaintReason(reason)
        except ValueError:
            raise ComplaintRefused("complaints.error.reason") from None
        note = " ".join("".join(c for c in note if c.isprintable()).split())
        if len(note) > MAX_NOTE:
            raise ComplaintRefused("complaints.error.note_long", limit=MAX_NOTE)
        if reason is ComplaintReason.OTHER and not note:
            raise ComplaintRefused("complaints.error.note_needed")
        now = utc_now()
        with self.db.write() as conn:
            topup = conn.execute(
                select(topups.c.id, topups.c.ref_id).join(
                    sale_lines, sale_lines.c.id == topups.c.sale_line_id)
                .where(sale_lines.c.sale_id == sale_id).order_by(topups.c.id).limit(1)
            ).first()
            if topup is None:
                raise ComplaintRefused("complaints.error.no_topup", sale=sale_id)
            open_one = conn.execute(select(complaints.c.id).where(
                complaints.c.topup_id == topup.id,
                complaints.c.status != ComplaintState.CLOSED.value)).first()
            if open_one is not None:
                raise ComplaintRefused("complaints.error.already", sale=sale_id)
            complaint_id = str(uuid.uuid4())
            stamp = to_db(now)
            row_id = conn.execute(insert(complaints).values(
                complaint_id=complaint_id, topup_id=topup.id, sale_id=sale_id,
                ref_id=topup.ref_id, reason=reason.value, note=note,
                payload=payload(topup.ref_id, reason.value, note, now.isoformat()),
                status=ComplaintState.QUEUED.value, user_id=user.id, created_at=stamp,
                updated_at=stamp, attempts=0)).inserted_primary_key[0]
            record = _read(conn, int(row_id))
        assert record is not None
        self.events.trigger(COMPLAINT_FILED, record)  # the relay sends it now
        return record

    def list(self, limit: int = 200) -> list[ComplaintRecord]:
        """The newest complaints first, with their answers."""
        with self.db.read() as conn:
            ids = conn.execute(select(complaints.c.id).order_by(complaints.c.id.desc())
                               .limit(limit)).scalars().all()
            return [r for r in (_read(conn, i) for i in ids) if r is not None]

    def for_sale(self, sale_id: int) -> ComplaintRecord | None:
        """The sale's newest complaint (ix_complaints_sale_id), or None."""
        with self.db.read() as conn:
            row_id = conn.execute(select(complaints.c.id).where(complaints.c.sale_id == sale_id)
                                  .order_by(complaints.c.id.desc()).limit(1)).scalar()
            return None if row_id is None else _read(conn, int(row_id))

    def queue_length(self) -> int:
        with self.db.read() as conn:
            return int(conn.execute(select(func.count()).select_from(complaints)
                                    .where(complaints.c.sent_at.is_(None))).scalar() or 0)


def _read(conn: Connection, row_id: int) -> ComplaintRecord | None:
    row = conn.execute(select(*_FIELDS).join(topups, topups.c.id == complaints.c.topup_id)
                       .where(complaints.c.id == row_id)).first()
    if row is None:
        return None
    answers = conn.execute(select(complaint_answers).where(
        complaint_answers.c.complaint_row_id == row_id).order_by(complaint_answers.c.step_id)
    ).all()
    return ComplaintRecord(
        row.id, row.complaint_id, row.sale_id, row.ref_id, row.sku, row.destination,
        ComplaintReason(row.reason), row.note, ComplaintState(row.status),
        from_db(row.created_at),
        tuple(AnswerRecord(a.step_id, a.kind, a.text, a.sn, a.refund, from_db(a.answered_at))
              for a in answers), row.last_error)


# ----------------------------------------------------------------------------- the outbox


def unsent(db: Database, limit: int = 50) -> list[tuple[str, str]]:
    """(complaint_id, payload) of the oldest complaints still waiting (ix_complaints_unsent)
    whose top-up the distributor has: a complaint never overtakes its top-up in the outbox
    (the distributor would not know what it is about)."""
    with db.read() as conn:
        rows = conn.execute(select(complaints.c.complaint_id, complaints.c.payload)
                            .join(outbox, outbox.c.topup_id == complaints.c.topup_id)
                            .where(complaints.c.sent_at.is_(None), outbox.c.sent_at.is_not(None))
                            .order_by(complaints.c.id).limit(limit)).all()
    return [(r.complaint_id, r.payload) for r in rows]


def record_sent(db: Database, complaint_id: str, status: str) -> None:
    """A definite answer: the server holds the complaint (``status`` is its state there)."""
    now = to_db(utc_now())
    state = status if status in {s.value for s in ComplaintState} else "open"
    with db.write() as conn:
        conn.execute(update(complaints).where(complaints.c.complaint_id == complaint_id,
                                              complaints.c.sent_at.is_(None))
                     .values(sent_at=now, status=state, updated_at=now, last_error=None,
                             attempts=complaints.c.attempts + 1, last_attempt_at=now))


def record_refused(db: Database, complaint_id: str, error: str) -> None:
    """A definite no (the server does not know the top-up, or the id is taken): the row
    leaves the queue, closed, with the server's sentence kept."""
    now = to_db(utc_now())
    with db.write() as conn:
        conn.execute(update(complaints).where(complaints.c.complaint_id == complaint_id,
                                              complaints.c.sent_at.is_(None))
                     .values(sent_at=now, status=ComplaintState.CLOSED.value, updated_at=now,
                             last_error=error[:ERROR_LIMIT],
                             attempts=complaints.c.attempts + 1, last_attempt_at=now))


def note_attempt(db: Database, complaint_ids: Sequence[str], error: str) -> None:
    """No definite answer: the complaints stay queued, the error is kept."""
    now = to_db(utc_now())
    with db.write() as conn:
        conn.execute(update(complaints).where(complaints.c.complaint_id.in_(list(complaint_ids)),
                                              complaints.c.sent_at.is_(None))
                     .values(attempts=complaints.c.attempts + 1, last_attempt_at=now,
                             last_error=error[:ERROR_LIMIT]))


# ----------------------------------------------------------------------------- answers


def apply_answer(conn: Connection, answer: ServerAnswer) -> int | None:
    """Store one answer inside the feed's write transaction; the complaint's row id when it
    is new (None when already stored, or about a complaint this kiosk does not hold)."""
    row = conn.execute(select(complaints.c.id).where(
        complaints.c.complaint_id == answer.complaint_id)).first()
    if row is None:
        return None
    seen = conn.execute(select(complaint_answers.c.id).where(
        complaint_answers.c.step_id == answer.step_id)).first()
    if seen is not None:
        return None
    now = to_db(utc_now())
    state = (answer.status if answer.status in {s.value for s in ComplaintState}
             else ComplaintState.ANSWERED.value)
    conn.execute(insert(complaint_answers).values(
        complaint_row_id=row.id, step_id=answer.step_id, kind=answer.kind,
        text=answer.text, sn=answer.sn, refund=answer.refund, status=state,
        answered_at=to_db(answer.answered_at), received_at=now))
    # an answer is a definite word about the complaint: it leaves the queue too
    conn.execute(update(complaints).where(complaints.c.id == row.id).values(
        status=state, updated_at=now,
        sent_at=func.coalesce(complaints.c.sent_at, now)))
    return int(row.id)


def announce(db: Database, events: EventBus, row_ids: Sequence[int]) -> None:
    """After the commit: one event and one notice sentence per complaint answered."""
    if not row_ids:
        return
    with db.read() as conn:
        records = [r for r in (_read(conn, i) for i in dict.fromkeys(row_ids)) if r]
    for record in records:
        events.trigger(COMPLAINT_ANSWERED, record)
        events.trigger(NOTICE, notice_text(record))


def answer_text(record: ComplaintRecord, limit: int | None = None) -> str:
    """The newest answer in one line, in the UI's language; the desk's words cut to
    ``limit`` characters when given (the printout carries them whole)."""
    last = record.last_answer
    if last is None:
        return tr(f"complaints.state.{record.status.value}")
    parts = [tr(f"complaints.answer.{last.kind}", refund=record.refunded, sn=last.sn)]
    if last.text:
        text = last.text
        if limit is not None and len(text) > limit:
            text = text[:limit - 1].rstrip() + "…"
        parts.append(text)
    return " — ".join(parts)


def notice_text(record: ComplaintRecord) -> str:
    """Short enough for the two-line notice strip: what was decided, not the desk's words."""
    last = record.last_answer
    answer = (tr(f"complaints.answer.{last.kind}", refund=record.refunded, sn=last.sn)
              if last is not None else tr(f"complaints.state.{record.status.value}"))
    return tr("complaints.notice", sale=record.sale_id, destination=record.destination,
              answer=answer)

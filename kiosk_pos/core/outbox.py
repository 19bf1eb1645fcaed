"""The outbox: what the kiosk still owes the distributor, and the answers it got.

A row is written with its sale (:mod:`kiosk_pos.core.sales`) and leaves the queue
(``sent_at``) only on a DEFINITE answer. The relay (:mod:`kiosk_pos.sync.relay`) decides what
an HTTP reply means; this module records it: an accepted top-up takes the server's status,
a refused one fails (its refund row comes with it), a ``ref_conflict`` is flagged in
``last_error`` and held out of the normal flow, and no answer only counts an attempt.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, Connection, and_, bindparam, func, or_, select, update

from kiosk_pos.core import deposit
from kiosk_pos.core.clock import to_db, utc_now
from kiosk_pos.core.records import TopUpStatus
from kiosk_pos.core.topups import StatusChange, announce, apply_status
from kiosk_pos.store.schema import outbox

if TYPE_CHECKING:
    from kiosk_pos.core.kiosk import Kiosk

CONFLICT_MARK = "ref_conflict"
ERROR_LIMIT = 500  # characters of ``last_error`` kept

_SENT = (update(outbox)
         .where(outbox.c.ref_id == bindparam("ref"), outbox.c.sent_at.is_(None))
         .values(sent_at=bindparam("now"), last_error=None))


class Verdict(StrEnum):
    """What an answer about one queued top-up means for its outbox row."""

    ACCEPTED = "accepted"    # created or already there: sent, takes the server's status
    REFUSED = "refused"      # a definite no: sent, the top-up fails and is refunded
    CONFLICT = "conflict"    # the server holds the ref_id as something else: flagged, held
    NO_ANSWER = "no_answer"  # nothing definite: stays queued for the next pass


@dataclass(frozen=True, slots=True)
class Answer:
    """The distributor's answer about one ref_id, in the shop's terms.

    ``status``/``sn``/``price`` are the server's view of an accepted top-up; ``message`` is
    the sentence kept on the top-up; ``error`` the text kept in ``last_error``.
    """

    ref_id: str
    verdict: Verdict
    status: TopUpStatus = TopUpStatus.PENDING
    sn: str | None = None
    message: str | None = None
    price: int | None = None
    error: str | None = None


@dataclass
class AnswersOutcome:
    pushed: int = 0                                               # accepted
    refused: list[StatusChange] = field(default_factory=list)     # failed: refund the customer
    conflicts: list[str] = field(default_factory=list)
    kept: int = 0                                                 # no definite answer
    status_changes: list[StatusChange] = field(default_factory=list)


def _not_flagged() -> ColumnElement[bool]:
    return or_(outbox.c.last_error.is_(None), ~outbox.c.last_error.startswith(CONFLICT_MARK))


def unsent(kiosk: Kiosk, limit: int) -> list[tuple[str, str]]:
    """(ref_id, payload) of the oldest queued rows, conflicts left out."""
    with kiosk.db.read() as conn:
        rows = conn.execute(select(outbox.c.ref_id, outbox.c.payload)
                            .where(outbox.c.sent_at.is_(None), _not_flagged())
                            .order_by(outbox.c.id).limit(limit)).all()
    return [(r.ref_id, r.payload) for r in rows]


def conflict_count(kiosk: Kiosk) -> int:
    with kiosk.db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(outbox).where(and_(
            outbox.c.sent_at.is_(None), outbox.c.last_error.startswith(CONFLICT_MARK)))
        ).scalar() or 0)


def mark_sent(conn: Connection, ref_id: str) -> None:
    """Any server word about ``ref_id`` is a definite answer: it leaves the queue
    (inside the caller's write transaction)."""
    conn.execute(_SENT, {"ref": ref_id, "now": to_db(utc_now())})


def note_attempt(kiosk: Kiosk, ref_ids: Iterable[str], error: str) -> None:
    """An attempt that got no definite answer: the rows stay queued, the error is kept."""
    now = to_db(utc_now())
    with kiosk.db.write() as conn:
        conn.execute(update(outbox).where(outbox.c.ref_id.in_(list(ref_ids)),
                                          outbox.c.sent_at.is_(None))
                     .values(attempts=outbox.c.attempts + 1, last_attempt_at=now,
                             last_error=error[:ERROR_LIMIT]))


def record_answers(kiosk: Kiosk, answers: Sequence[Answer]) -> AnswersOutcome:
    """Record a batch's answers in ONE transaction, then announce what changed."""
    out = AnswersOutcome()
    now = to_db(utc_now())
    with kiosk.db.write() as conn:
        for a in answers:
            row = outbox.c.ref_id == a.ref_id
            attempt = {"attempts": outbox.c.attempts + 1, "last_attempt_at": now}
            if a.verdict is Verdict.ACCEPTED:
                change = apply_status(conn, a.ref_id, a.status, sn=a.sn, message=a.message,
                                      source="server", server_price=a.price)
                conn.execute(update(outbox).where(row, outbox.c.sent_at.is_(None))
                             .values(sent_at=now, last_error=None, **attempt))
                out.pushed += 1
                if change is not None:
                    out.status_changes.append(change)
            elif a.verdict is Verdict.CONFLICT:
                conn.execute(update(outbox).where(row).values(
                    last_error=f"{CONFLICT_MARK}: {a.error}"[:ERROR_LIMIT], **attempt))
                out.conflicts.append(a.ref_id)
            elif a.verdict is Verdict.REFUSED:
                change = apply_status(conn, a.ref_id, TopUpStatus.FAILED, message=a.message,
                                      source="server")
                conn.execute(update(outbox).where(row).values(
                    sent_at=now, last_error=(a.error or "")[:ERROR_LIMIT], **attempt))
                if change is not None:
                    out.refused.append(change)
                    out.status_changes.append(change)
            else:
                conn.execute(update(outbox).where(row).values(
                    last_error=(a.error or "")[:ERROR_LIMIT], **attempt))
                out.kept += 1
        balance = deposit.balance(conn)
    refunded = any(c.refunded for c in out.status_changes)
    announce(kiosk.events, out.status_changes, balance if refunded else None)
    return out

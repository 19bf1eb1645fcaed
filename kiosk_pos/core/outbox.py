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
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import and_, func, select, update

from kiosk_pos.core import deposit
from kiosk_pos.core.clock import db_text, to_db, utc_now
from kiosk_pos.core.dbapi import raw
from kiosk_pos.core.records import TopUpStatus
from kiosk_pos.core.topups import StatusChange, announce, apply_status
from kiosk_pos.store.schema import outbox

if TYPE_CHECKING:
    from kiosk_pos.core.dbapi import Writer
    from kiosk_pos.core.kiosk import Kiosk

CONFLICT_MARK = "ref_conflict"
ERROR_LIMIT = 500  # characters of ``last_error`` kept

# Run per top-up and per poll: plain SQL (kiosk_pos/core/dbapi.py, columns of
# schema.outbox). A row flagged ``ref_conflict`` is held out of the queue; LIKE is the
# prefix test SQLAlchemy's startswith() made before, on the partial ix_outbox_unsent.
_NOT_FLAGGED = f"(last_error IS NULL OR last_error NOT LIKE '{CONFLICT_MARK}%')"
_UNSENT = ("SELECT ref_id, payload FROM outbox WHERE sent_at IS NULL AND "
           f"{_NOT_FLAGGED} ORDER BY id LIMIT ?")
_SENT = "UPDATE outbox SET sent_at = ?, last_error = NULL WHERE ref_id = ? AND sent_at IS NULL"
_ACCEPTED = ("UPDATE outbox SET sent_at = ?, last_error = NULL, attempts = attempts + 1, "
             "last_attempt_at = ? WHERE ref_id = ? AND sent_at IS NULL")
_REFUSED = ("UPDATE outbox SET sent_at = ?, last_error = ?, attempts = attempts + 1, "
            "last_attempt_at = ? WHERE ref_id = ?")
_NOTED = ("UPDATE outbox SET last_error = ?, attempts = attempts + 1, last_attempt_at = ? "
          "WHERE ref_id = ?")


class Verdict(StrEnum):
    """What an answer about one queued top-up means for its outbox row."""

    ACCEPTED = "accepted"    # created or already there: sent, takes the server's status
    REFUSED = "refused"      # a definite no: sent, the top-up fails and is refunded
    CONFLICT = "conflict"    # the server holds the ref_id as something else: flagged, held
    NO_ANSWER = "no_answer"  # nothing definite: stays queued for the next pass


_RESENDABLE = frozenset({Verdict.ACCEPTED, Verdict.NO_ANSWER})  # lost: sent again, same answer


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


def unsent(kiosk: Kiosk, limit: int) -> list[tuple[str, str]]:
    """(ref_id, payload) of the oldest queued rows, conflicts left out."""
    with kiosk.db.read_raw() as cur:
        return [(str(r[0]), str(r[1])) for r in cur.execute(_UNSENT, (int(limit),))]


def conflict_count(kiosk: Kiosk) -> int:
    with kiosk.db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(outbox).where(and_(
            outbox.c.sent_at.is_(None), outbox.c.last_error.startswith(CONFLICT_MARK)))
        ).scalar() or 0)


def mark_sent(conn: Writer, ref_id: str, at: datetime | None = None) -> None:
    """Any server word about ``ref_id`` is a definite answer: it leaves the queue
    (inside the caller's write transaction; ``at``: the time noted, now when None)."""
    raw(conn).execute(_SENT, (db_text(at or utc_now()), ref_id))


def note_attempt(kiosk: Kiosk, ref_ids: Iterable[str], error: str) -> None:
    """An attempt that got no definite answer: the rows stay queued, the error is kept."""
    now = to_db(utc_now())
    with kiosk.db.write() as conn:
        conn.execute(update(outbox).where(outbox.c.ref_id.in_(list(ref_ids)),
                                          outbox.c.sent_at.is_(None))
                     .values(attempts=outbox.c.attempts + 1, last_attempt_at=now,
                             last_error=error[:ERROR_LIMIT]))


def record_answers(kiosk: Kiosk, answers: Sequence[Answer]) -> AnswersOutcome:
    """Record a batch's answers in ONE transaction, then announce what changed.

    Only acceptances and non-answers: committed ``relaxed`` (see
    :meth:`kiosk_pos.store.Database.write`): lost to a power cut, the rows are queued again
    and the same ref_ids sent again, and the server answers "exists" with the same top-ups.
    A refusal (the clerk gives the money back, the ref_id is never sent again) or a
    conflict is flushed to disk before anyone hears of it.
    """
    out = AnswersOutcome()
    now = db_text(utc_now())
    relaxed = all(a.verdict in _RESENDABLE for a in answers)
    with kiosk.db.write(relaxed=relaxed) as conn:
        db = raw(conn)
        for a in answers:
            if a.verdict is Verdict.ACCEPTED:
                change = apply_status(conn, a.ref_id, a.status, sn=a.sn, message=a.message,
                                      source="server", server_price=a.price)
                db.execute(_ACCEPTED, (now, now, a.ref_id))
                out.pushed += 1
                if change is not None:
                    out.status_changes.append(change)
            elif a.verdict is Verdict.CONFLICT:
                db.execute(_NOTED, (f"{CONFLICT_MARK}: {a.error}"[:ERROR_LIMIT], now, a.ref_id))
                out.conflicts.append(a.ref_id)
            elif a.verdict is Verdict.REFUSED:
                change = apply_status(conn, a.ref_id, TopUpStatus.FAILED, message=a.message,
                                      source="server")
                db.execute(_REFUSED, (now, (a.error or "")[:ERROR_LIMIT], now, a.ref_id))
                if change is not None:
                    out.refused.append(change)
                    out.status_changes.append(change)
            else:
                db.execute(_NOTED, ((a.error or "")[:ERROR_LIMIT], now, a.ref_id))
                out.kept += 1
        balance = deposit.balance(conn)
    refunded = any(c.refunded for c in out.status_changes)
    announce(kiosk.events, out.status_changes, balance if refunded else None)
    return out

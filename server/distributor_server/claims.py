"""Claiming due top-ups for an upstream call, so any number of senders send each call once.

A sender (the in-process one of ``serve``, or any number of ``distributor-server worker``
processes on any number of machines) claims due rows in one short transaction:

- ``SELECT ... FOR UPDATE SKIP LOCKED`` on pending top-ups whose ``next_check_at`` is due:
  two senders never pick the same row at the same moment (SQLite has one process and one
  sender, which skips its own rows in flight and writes no claim: see :func:`claim_due`);
- the claim sets ``claimed_by`` (host:pid), ``lease_until`` and moves ``next_check_at`` to
  the lease's end, so the row is not due again while the lease runs;
- an ``upstream_calls`` row records the call before it is made.

The rule for a sender that dies mid-call: its lease ends, the row becomes due, and another
sender claims it as a new call. That call is a ``send`` again (attempt 2) when no earlier
call got an answer, because nobody knows whether the supplier received the first; it uses
the same upstream ref_id, and the supplier treats a ref_id it already knows as a status
check, never a second purchase (Digiflazz and IAK both work this way). A call made after
the supplier has answered once is a ``check``. So: one purchase per top-up, one ``send`` row
per attempt, and extra attempts only after a sender died or the supplier could not be reached.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from pulsa_protocol.wire import TopUpStatus
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from distributor_server.clock import utcnow
from distributor_server.context import ServerContext
from distributor_server.models import TopUp, UpstreamCall
from distributor_server.upstream import UpstreamResult

_CALLS = UpstreamCall.__table__
_INSERT_CALLS = insert(_CALLS)
ANSWERED = (TopUpStatus.PENDING.value, TopUpStatus.SUCCESS.value, TopUpStatus.FAILED.value)
UNAVAILABLE = "unavailable"


def sender_name() -> str:
    """Who makes a call, as the timeline shows it: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class Claim:
    topup_id: int
    call_id: int | None
    """The timeline row written at claim time (PostgreSQL); None on SQLite, where the row
    is written with the outcome (:func:`finish_call`)."""
    kind: str
    who: str
    lease_until: datetime | None
    upstream_ref_id: str
    sku: str
    destination: str
    started_at: datetime


def claim_due(ctx: ServerContext, who: str, limit: int,
              in_flight: frozenset[int] = frozenset()) -> list[Claim]:
    """Claim up to ``limit`` due top-ups for ``who``; each comes with its timeline row.

    SQLite (one process, one writer shared with every kiosk request): no claim write at
    all. The sender is the only one, so skipping the rows ``in_flight`` in this process is
    claim enough, and the call's timeline row is written with its outcome, in the same
    transaction as before there were claims. ``distributor-server worker`` refuses SQLite.
    """
    if limit <= 0:
        return []
    now = utcnow()
    lease_until = now + timedelta(seconds=ctx.settings.lease_seconds)
    due = (TopUp.status == TopUpStatus.PENDING.value, TopUp.next_check_at <= now)
    if ctx.db.is_sqlite:
        return _due_in_process(ctx, who, limit, due, in_flight, now)
    # an idle poll is a plain read: no row locks
    with ctx.db.read() as session:
        if session.scalar(select(TopUp.id).where(*due).limit(1)) is None:
            return []
    with ctx.db.write() as session:
        rows = session.execute(
            select(TopUp.id, TopUp.upstream_ref_id, TopUp.sku, TopUp.destination)
            .where(*due).order_by(TopUp.next_check_at).limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        if not rows:
            return []
        ids = [row.id for row in rows]
        answered = set(session.scalars(
            select(UpstreamCall.topup_id).where(
                UpstreamCall.topup_id.in_(ids), UpstreamCall.outcome.in_(ANSWERED))
            .distinct()))
        session.execute(update(TopUp).where(TopUp.id.in_(ids)).values(
            claimed_by=who, lease_until=lease_until, next_check_at=lease_until))
        calls = [{"topup_id": row.id, "kind": "check" if row.id in answered else "send",
                  "who": who, "started_at": now, "outcome": "", "message": ""}
                 for row in rows]
        call_ids = session.connection().execute(
            _INSERT_CALLS.returning(_CALLS.c.id, sort_by_parameter_order=True), calls
        ).scalars().all()
        return [Claim(row.id, call_id, call["kind"], who, lease_until, row.upstream_ref_id,
                      row.sku, row.destination, now)
                for row, call, call_id in zip(rows, calls, call_ids, strict=True)]


def _due_in_process(ctx: ServerContext, who: str, limit: int, due: tuple,
                    in_flight: frozenset[int], now: datetime) -> list[Claim]:
    with ctx.db.read() as session:
        query = select(TopUp.id, TopUp.upstream_ref_id, TopUp.sku, TopUp.destination).where(*due)
        if in_flight:
            query = query.where(TopUp.id.not_in(in_flight))
        rows = session.execute(query.order_by(TopUp.next_check_at).limit(limit)).all()
        if not rows:
            return []
        answered = set(session.scalars(
            select(UpstreamCall.topup_id).where(
                UpstreamCall.topup_id.in_([row.id for row in rows]),
                UpstreamCall.outcome.in_(ANSWERED)).distinct()))
    return [Claim(row.id, None, "check" if row.id in answered else "send", who, None,
                  row.upstream_ref_id, row.sku, row.destination, now) for row in rows]


def finish_call(session: Session, tx: TopUp, claim: Claim, result: UpstreamResult,
                answered: bool, now: datetime) -> bool:
    """Complete the claim's timeline row; True while the claim still holds the top-up
    (then it is released). False when the lease ended and another sender took it over."""
    outcome = result.status.value if answered else UNAVAILABLE
    message = (result.message or "")[:500]
    if claim.call_id is None:  # SQLite: the row is written now, with its outcome
        session.add(UpstreamCall(topup_id=claim.topup_id, kind=claim.kind, who=claim.who,
                                 started_at=claim.started_at, finished_at=now,
                                 outcome=outcome, message=message))
        return False
    session.execute(update(UpstreamCall).where(UpstreamCall.id == claim.call_id).values(
        finished_at=now, outcome=outcome, message=message))
    if tx.claimed_by != claim.who or tx.lease_until != claim.lease_until:
        return False
    tx.claimed_by = None
    tx.lease_until = None
    return True


def call_counts(ctx: ServerContext, kiosk_id: int) -> dict[str, tuple[int, int]]:
    """(sends, checks) made upstream for each of a kiosk's top-ups, by the kiosk's ref_id."""
    with ctx.db.read() as session:
        rows = session.execute(
            select(TopUp.ref_id, UpstreamCall.kind, func.count())
            .join(UpstreamCall, UpstreamCall.topup_id == TopUp.id)
            .where(TopUp.kiosk_id == kiosk_id)
            .group_by(TopUp.ref_id, UpstreamCall.kind)).all()
    counts: dict[str, tuple[int, int]] = {}
    for ref_id, kind, n in rows:
        sends, checks = counts.get(ref_id, (0, 0))
        counts[ref_id] = (sends + n, checks) if kind == "send" else (sends, checks + n)
    return counts

"""The desk's work on a complaint: check upstream again, answer, SN proof, resend, refund,
close. Each is one transaction under the kiosk's lock holding the step row, the kiosk's
feed row (what the kiosk hears), the ledger row of a refund and the audit row together.

A refund goes through :func:`distributor_server.feed.post_ledger` (reason
``complaint_refund``), at most the top-up's price minus what was refunded before; a failed
top-up was refunded when it failed, so it cannot be refunded again here. A resend buys the
same product for the same number again under a new upstream id, at the distributor's cost.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from pulsa_protocol import complaints as cw
from pulsa_protocol import wire
from sqlalchemy import select

from distributor_server import topups
from distributor_server.clock import utcnow
from distributor_server.complaints import RECHECKED, publish_step
from distributor_server.console import audit
from distributor_server.console.money import ConsoleRefusal
from distributor_server.context import ServerContext
from distributor_server.db import lock_kiosk
from distributor_server.feed import post_ledger
from distributor_server.models import Complaint, ComplaintStep, TopUp
from distributor_server.upstream import UpstreamResult, UpstreamUnavailable

MAX_TEXT = cw.MAX_ANSWER


@dataclass(frozen=True)
class Done:
    """What a step did, for the page's one-time sentence."""

    key: str
    values: dict


def _clean(text: str, limit: int = MAX_TEXT) -> str:
    return " ".join(text.replace("\x00", " ").split())[:limit]


def _ids(ctx: ServerContext, row_id: int) -> tuple[int, int]:
    with ctx.db.read() as session:
        found = session.execute(select(Complaint.kiosk_id, Complaint.topup_id)
                                .where(Complaint.id == row_id)).one_or_none()
    if found is None:
        raise ConsoleRefusal("complaint_missing", id=row_id)
    return found.kiosk_id, found.topup_id


def _step(ctx: ServerContext, actor: audit.Actor, row_id: int, kind: str, *, text: str = "",
          sn: str = "", amount: int = 0, close: bool = False) -> Done:
    """Record one step the kiosk hears about (and its refund, when ``kind`` is refund)."""
    kiosk_id, _topup_id = _ids(ctx, row_id)
    with ctx.db.write() as session:
        kiosk = lock_kiosk(session, kiosk_id)
        row = session.scalars(select(Complaint).where(Complaint.id == row_id)
                              .with_for_update()).one()
        tx = session.get(TopUp, row.topup_id)
        if row.status == cw.ComplaintStatus.CLOSED:
            raise ConsoleRefusal("complaint_closed", id=row_id)
        before = {"status": row.status, "refunded": row.refunded}
        ledger_seq = None
        if kind == cw.AnswerKind.REFUND:
            room = tx.price - row.refunded
            if tx.status == wire.TopUpStatus.FAILED:
                raise ConsoleRefusal("refund_failed_topup", id=row_id)
            if tx.status == wire.TopUpStatus.PENDING:  # it may still fail and refund itself
                raise ConsoleRefusal("refund_pending_topup", id=row_id)
            if amount <= 0 or amount > room:
                raise ConsoleRefusal("refund_too_much", room=room)
            entry = post_ledger(session, kiosk, amount, cw.LEDGER_REASON,
                                cw.ledger_reference(row.complaint_id))
            ledger_seq = entry.seq
            row.refunded += amount
        now = utcnow()
        row.status = (cw.ComplaintStatus.CLOSED if close or kind == cw.AnswerKind.CLOSED
                      else cw.ComplaintStatus.ANSWERED).value
        row.updated_at = now
        step = ComplaintStep(complaint_row_id=row.id, kind=str(kind), text=text, sn=sn,
                             amount=amount, ledger_seq=ledger_seq, staff=actor.username[:64],
                             at=now)
        session.add(step)
        publish_step(session, kiosk, row, step, tx.ref_id)
        audit.add(session, actor, f"complaint.{kind}", f"complaint {row_id}", before,
                  {"status": row.status, "refunded": row.refunded, "text": text, "sn": sn,
                   "amount": amount, "ledger_seq": ledger_seq})
    ctx.changed(kiosk_id)
    return Done(f"complaint_done_{kind}", {"id": row_id, "amount": amount})


def answer(ctx: ServerContext, actor: audit.Actor, row_id: int, text: str) -> Done:
    text = _clean(text)
    if not text:
        raise ConsoleRefusal("answer_needed")
    return _step(ctx, actor, row_id, cw.AnswerKind.TEXT, text=text)


def sn_proof(ctx: ServerContext, actor: audit.Actor, row_id: int, sn: str, text: str) -> Done:
    """Send the operator's SN as proof the top-up arrived (the stored SN when none typed)."""
    _kiosk_id, topup_id = _ids(ctx, row_id)
    with ctx.db.read() as session:
        stored = session.scalar(select(TopUp.sn).where(TopUp.id == topup_id)) or ""
    sn = _clean(sn, 120) or stored
    if not sn:
        raise ConsoleRefusal("sn_needed")
    return _step(ctx, actor, row_id, cw.AnswerKind.SN, text=_clean(text), sn=sn)


def refund(ctx: ServerContext, actor: audit.Actor, row_id: int, amount: int | None,
           text: str) -> Done:
    """Credit the kiosk's deposit (``amount`` None: what is left of the top-up's price)."""
    _kiosk_id, topup_id = _ids(ctx, row_id)
    if amount is None:
        with ctx.db.read() as session:
            price = session.scalar(select(TopUp.price).where(TopUp.id == topup_id)) or 0
            refunded = session.scalar(select(Complaint.refunded)
                                      .where(Complaint.id == row_id)) or 0
        amount = price - refunded
    return _step(ctx, actor, row_id, cw.AnswerKind.REFUND, amount=amount, text=_clean(text))


def close(ctx: ServerContext, actor: audit.Actor, row_id: int, text: str) -> Done:
    return _step(ctx, actor, row_id, cw.AnswerKind.CLOSED, text=_clean(text), close=True)


def _ask_upstream(ctx: ServerContext, upstream_ref: str, sku: str, destination: str
                  ) -> UpstreamResult | None:
    try:
        return ctx.upstream.send(upstream_ref, sku, destination)
    except UpstreamUnavailable:
        return None


def resend(ctx: ServerContext, actor: audit.Actor, row_id: int, text: str) -> Done:
    """Buy the same product for the same number again (a new upstream id), then tell the
    kiosk what the supplier answered."""
    _kiosk_id, topup_id = _ids(ctx, row_id)
    with ctx.db.read() as session:
        tx = session.get(TopUp, topup_id)
        sku, destination = tx.sku, tx.destination
    result = _ask_upstream(ctx, f"rs{uuid.uuid4().hex[:30]}", sku, destination)
    if result is None:
        raise ConsoleRefusal("upstream_silent")
    if result.status == wire.TopUpStatus.FAILED:
        raise ConsoleRefusal("resend_failed", message=result.message)
    detail = f": {result.message}" if result.message else ""
    said = _clean(f"{text} ({result.status.value}{detail})")
    return _step(ctx, actor, row_id, cw.AnswerKind.RESEND, text=said, sn=result.sn or "")


def recheck(ctx: ServerContext, actor: audit.Actor, row_id: int) -> Done:
    """Ask the supplier about the top-up again (a status check: sending the same upstream id
    never buys twice); a pending top-up takes a final answer. A desk step only."""
    _kiosk_id, topup_id = _ids(ctx, row_id)
    with ctx.db.read() as session:
        tx = session.get(TopUp, topup_id)
        upstream_ref, sku, destination, status = (tx.upstream_ref_id, tx.sku, tx.destination,
                                                  tx.status)
    result = _ask_upstream(ctx, upstream_ref, sku, destination)
    if result is not None and status == wire.TopUpStatus.PENDING:
        topups.apply_result(ctx, topup_id, result)
    said = ("no answer" if result is None
            else f"{result.status.value}{': ' + result.message if result.message else ''}")
    with ctx.db.write() as session:
        session.add(ComplaintStep(complaint_row_id=row_id, kind=RECHECKED, text=_clean(said),
                                  sn=(result.sn or "")[:120] if result else "", amount=0,
                                  staff=actor.username[:64], at=utcnow()))
        audit.add(session, actor, "complaint.recheck", f"complaint {row_id}", None,
                  {"upstream": said, "sn": result.sn if result else ""})
    return Done("complaint_rechecked", {"id": row_id, "said": said})

"""Complaints over real HTTP (SQLite and PostgreSQL): filed exactly once by the kiosk's id,
only about the kiosk's own top-ups, and the desk's answers and refund on the change feed."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

from distributor_server.console import complaint_actions as actions
from distributor_server.console.audit import Actor
from distributor_server.console.money import ConsoleRefusal
from distributor_server.models import ComplaintStep, ConsoleAudit
from pulsa_protocol import complaints as cw
from sqlalchemy import func, select

from tests.server.conftest import demo_price, wait_final

PRICE = demo_price("TSEL10")
DESK = Actor(None, "meja", "127.0.0.1")


def _topup(kiosk, destination: str = "081234567890") -> str:  # noqa: ANN001 - KioskClient
    ref = uuid.uuid4().hex
    assert kiosk.put_topup(ref, "TSEL10", destination).status_code == 201
    wait_final(kiosk, ref)
    return ref


def _file(kiosk, complaint_id: str, ref: str, reason: str = "not_received",  # noqa: ANN001
          note: str = ""):  # noqa: ANN202 - a requests.Response
    return kiosk.request("PUT", f"/v1/complaints/{complaint_id}",
                         {"ref_id": ref, "reason": reason, "note": note})


def _row_id(server, kiosk_id: int, complaint_id: str) -> int:  # noqa: ANN001
    from distributor_server.models import Complaint

    with server.ctx.db.read() as session:
        return session.scalar(select(Complaint.id).where(
            Complaint.kiosk_id == kiosk_id, Complaint.complaint_id == complaint_id))


def _feed(kiosk, kind: str) -> list[dict]:  # noqa: ANN001
    changes = kiosk.get("/v1/changes?cursor=0&limit=1000").json()["changes"]
    return [c for c in changes if c["kind"] == kind]


def test_a_complaint_is_filed_once_even_when_sent_again_or_at_once(make_kiosk, server):
    k = make_kiosk(deposit=100_000)
    ref = _topup(k)
    cid = uuid.uuid4().hex
    first = _file(k, cid, ref)
    assert first.status_code == 201, first.text
    assert first.json()["status"] == "open" and first.json()["ref_id"] == ref
    with ThreadPoolExecutor(4) as pool:
        again = list(pool.map(lambda _i: _file(k, cid, ref).status_code, range(6)))
    assert again == [200] * 6
    with server.ctx.db.read() as session:
        assert session.scalar(select(func.count()).select_from(ComplaintStep)
                              .where(ComplaintStep.kind == "filed",
                                     ComplaintStep.complaint_row_id ==
                                     _row_id(server, k.kiosk_id, cid))) == 1
    other = _file(k, cid, ref, reason="wrong_number")
    assert other.status_code == 409 and other.json()["code"] == "complaint_conflict"
    assert k.get(f"/v1/complaints/{cid}").json()["reason"] == "not_received"


def test_another_kiosks_top_up_or_complaint_is_not_found(make_kiosk, server):
    mine, theirs = make_kiosk(deposit=100_000), make_kiosk(deposit=100_000)
    their_ref = _topup(theirs)
    cid = uuid.uuid4().hex
    assert _file(theirs, cid, their_ref).status_code == 201
    tampered = _file(mine, uuid.uuid4().hex, their_ref)
    assert tampered.status_code == 404 and tampered.json()["code"] == "not_found"
    assert mine.get(f"/v1/complaints/{cid}").status_code == 404  # their complaint's id
    assert _file(mine, cid, their_ref).status_code == 404  # their id AND their top-up
    assert mine.balance() == 100_000


def test_bad_complaints_are_refused_with_nothing_written(make_kiosk, server):
    k = make_kiosk(deposit=100_000)
    ref = _topup(k)
    for body in ({"ref_id": ref, "reason": "other"},  # "other" needs a note
                 {"ref_id": ref, "reason": "bored"},
                 {"ref_id": ref, "reason": "not_received", "note": "a\x00b"},
                 {"ref_id": ref, "reason": "not_received", "note": "x" * 501},
                 {"ref_id": ref, "reason": "not_received", "extra": 1}):
        reply = k.request("PUT", f"/v1/complaints/{uuid.uuid4().hex}", body)
        assert reply.status_code == 422, (body, reply.text)
    assert k.request("PUT", "/v1/complaints/short", {"ref_id": ref, "reason": "other",
                                                     "note": "x"}).status_code == 422
    from distributor_server.models import Complaint

    with server.ctx.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Complaint)
                              .where(Complaint.kiosk_id == k.kiosk_id)) == 0


def test_the_desks_answer_and_refund_reach_the_kiosks_feed_and_deposit_once(make_kiosk, server):
    k = make_kiosk(deposit=100_000)
    ref = _topup(k)  # 081234567890 succeeds at the simulator
    cid = uuid.uuid4().hex
    assert _file(k, cid, ref, "other", "pelanggan bilang belum masuk").status_code == 201
    row = _row_id(server, k.kiosk_id, cid)
    before = k.balance()
    actions.recheck(server.ctx, DESK, row)
    actions.answer(server.ctx, DESK, row, "Kami cek ke operator")
    actions.sn_proof(server.ctx, DESK, row, "", "")
    done = actions.refund(server.ctx, DESK, row, None, "maaf")
    assert done.values["amount"] == PRICE
    try:
        actions.refund(server.ctx, DESK, row, 1, "")
        raise AssertionError("a second refund past the price was accepted")
    except ConsoleRefusal as exc:
        assert exc.key == "refund_too_much"
    actions.close(server.ctx, DESK, row, "selesai")
    assert k.balance() == before + PRICE
    refunds = [e for e in k.ledger() if e["reason"] == cw.LEDGER_REASON]
    assert [(e["amount"], e["reference"]) for e in refunds] == [(PRICE, f"complaint:{cid}")]
    answers = [cw.ComplaintAnswer.model_validate(c["complaint"])
               for c in _feed(k, cw.COMPLAINT_KIND)]
    assert [a.kind.value for a in answers] == ["text", "sn", "refund", "closed"]
    assert answers[1].sn and answers[2].refund == PRICE and answers[-1].status == "closed"
    assert len({a.step_id for a in answers}) == 4
    state = k.get(f"/v1/complaints/{cid}").json()
    assert state["status"] == "closed" and len(state["answers"]) == 4
    with server.ctx.db.read() as session:
        kinds = session.scalars(select(ComplaintStep.kind).where(
            ComplaintStep.complaint_row_id == row).order_by(ComplaintStep.id)).all()
        audited = session.scalars(select(ConsoleAudit.action).where(
            ConsoleAudit.target == f"complaint {row}")).all()
    assert kinds == ["filed", "rechecked", "text", "sn", "refund", "closed"]
    assert sorted(audited) == sorted(["complaint.recheck", "complaint.text", "complaint.sn",
                                      "complaint.refund", "complaint.closed"])
    try:
        actions.answer(server.ctx, DESK, row, "lagi")
        raise AssertionError("a closed complaint took an answer")
    except ConsoleRefusal as exc:
        assert exc.key == "complaint_closed"


def test_a_failed_top_up_is_not_refunded_twice(make_kiosk, server):
    k = make_kiosk(deposit=100_000)
    ref = _topup(k, "081234567892")  # fails at the simulator: refunded automatically
    cid = uuid.uuid4().hex
    assert _file(k, cid, ref).status_code == 201
    before = k.balance()
    try:
        actions.refund(server.ctx, DESK, _row_id(server, k.kiosk_id, cid), None, "")
        raise AssertionError("a failed top-up was refunded again")
    except ConsoleRefusal as exc:
        assert exc.key == "refund_failed_topup"
    assert k.balance() == before

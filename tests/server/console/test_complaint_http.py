"""The complaint pages' role checks and forms over plain HTTP: who may answer, who may
refund, a form without its CSRF token, the queue's order. SQLite and PostgreSQL."""

from __future__ import annotations

import uuid

from distributor_server import complaints, kiosks, topups
from distributor_server.models import Complaint, ComplaintStep
from pulsa_protocol import complaints as cw
from pulsa_protocol import wire
from sqlalchemy import func, select

from tests.aids.waiting import wait_for
from tests.server.console.test_console_http import Staff, _flash


def _complaint(server, reason: str = "not_received") -> tuple[int, int]:  # noqa: ANN001
    """(complaint row id, kiosk id) about a successful top-up of a new kiosk."""
    ctx = server.ctx
    kiosk_id = kiosks.create_kiosk(ctx, f"Konter {uuid.uuid4().hex[:6]}").kiosk_id
    kiosks.credit_deposit(ctx, kiosk_id, 100_000)
    ref = uuid.uuid4().hex
    topups.submit_topups(ctx, kiosk_id, [wire.TopUpRequest(ref_id=ref, sku="TSEL10",
                                                           destination="081234567890")])
    wait_for(lambda: topups.get_topup(ctx, kiosk_id, ref).status == "success", 20,
             interval=0.1, what="the top-up to succeed")
    filing = complaints.file_complaint(ctx, kiosk_id, uuid.uuid4().hex, cw.ComplaintFields(
        ref_id=ref, reason=cw.ComplaintReason(reason)))
    with ctx.db.read() as session:
        row = session.scalar(select(Complaint.id).where(
            Complaint.complaint_id == filing.complaint.complaint_id))
    return row, kiosk_id


def _steps(server, row: int) -> list[str]:  # noqa: ANN001
    with server.ctx.db.read() as session:
        return list(session.scalars(select(ComplaintStep.kind).where(
            ComplaintStep.complaint_row_id == row).order_by(ComplaintStep.id)))


def test_who_may_answer_and_who_may_refund(server, make_staff):
    row, kiosk_id = _complaint(server)
    before = kiosks.balance(server.ctx, kiosk_id).balance
    viewer = Staff(server.url, make_staff("lihat", "viewer"))
    assert viewer.get(f"/console/complaints/{row}").status_code == 200
    assert viewer.post(f"/console/complaints/{row}/refund").status_code == 403
    assert viewer.post(f"/console/complaints/{row}/answer", text="halo").status_code == 403
    finance = Staff(server.url, make_staff("uang", "finance"))
    assert finance.post(f"/console/complaints/{row}/answer", text="halo").status_code == 403
    assert _steps(server, row) == ["filed"]
    done = finance.post(f"/console/complaints/{row}/refund", amount="5.000", text="sebagian")
    assert _flash(done) == (False, "Rp5.000 dikembalikan ke deposit konter (komplain "
                                   f"#{row}).")
    assert kiosks.balance(server.ctx, kiosk_id).balance == before + 5_000
    too_much = finance.post(f"/console/complaints/{row}/refund", amount="999999")
    assert _flash(too_much)[0] and "paling banyak" in _flash(too_much)[1]
    desk = Staff(server.url, make_staff("meja", "desk"))
    unsigned = desk.http.post(f"{server.url}/console/complaints/{row}/close",
                              data={"text": "tanpa token"})
    assert unsigned.status_code == 403
    assert desk.post(f"/console/complaints/{row}/close", text="selesai").status_code == 200
    assert _steps(server, row) == ["filed", "refund", "closed"]
    assert kiosks.balance(server.ctx, kiosk_id).balance == before + 5_000
    closed = desk.post(f"/console/complaints/{row}/answer", text="lagi")
    assert _flash(closed) == (True, f"Komplain #{row} sudah ditutup.")


def test_the_queue_lists_the_oldest_first_and_hides_closed_ones(server, make_staff):
    first, kiosk_one = _complaint(server)
    second, _k2 = _complaint(server, "wrong_number")
    desk = Staff(server.url, make_staff("meja", "desk"))
    page = desk.get("/console/complaints").text
    assert page.index(f'id="complaint-{first}"') < page.index(f'id="complaint-{second}"')
    desk.post(f"/console/complaints/{first}/close", text="selesai")
    queue = desk.get("/console/complaints").text
    assert f'id="complaint-{first}"' not in queue and f'id="complaint-{second}"' in queue
    kiosk_page = desk.get(f"/console/kiosks/{kiosk_one}").text  # the kiosk's page lists its own
    assert f'href="/console/complaints/{first}"' in kiosk_page
    assert f'href="/console/complaints/{second}"' not in kiosk_page
    assert desk.get("/console/complaints/2147483647").status_code == 404
    assert desk.get("/console/complaints/abc").status_code == 404
    with server.ctx.db.read() as session:
        assert session.scalar(select(func.count()).select_from(ComplaintStep)
                              .where(ComplaintStep.complaint_row_id == first)) == 2

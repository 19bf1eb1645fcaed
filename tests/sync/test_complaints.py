"""Complaints between a kiosk and a real distributor on 127.0.0.1: the outbox's exactly-once
rules, and the desk's answer and refund coming back with the change feed."""

from __future__ import annotations

import pytest
from distributor_server.console import complaint_actions as actions
from distributor_server.console.audit import Actor
from distributor_server.models import Complaint, ComplaintStep
from sqlalchemy import func, select

from kiosk_pos.core.complaints import COMPLAINT_ANSWERED, ComplaintState
from kiosk_pos.core.errors import KioskError
from kiosk_pos.core.events import NOTICE
from kiosk_pos.core.records import CartLine, Payment
from kiosk_pos.sync.client import DistributorClient
from kiosk_pos.sync.complaints import relay_complaints
from kiosk_pos.sync.config import client_for
from kiosk_pos.sync.service import SyncService
from tests.aids.distributor import all_final
from tests.aids.waiting import wait_for

DESK = Actor(None, "meja", "127.0.0.1")


def _settled_sale(shop, service: SyncService) -> int:  # noqa: ANN001 - CopiedShop
    sale = shop.kiosk.sales.sell(shop.clerk, [CartLine("TSEL10", 1, "081234567890")],
                                 Payment())

    def settled() -> bool:
        service.sync_once(prices=False, reconcile=False)
        return all_final(shop.kiosk)

    wait_for(settled, 15, interval=0.2, what="the top-up to settle")
    return sale.id


def _server_rows(distributor, kiosk_id: int) -> list[Complaint]:  # noqa: ANN001
    with distributor.ctx.db.read() as session:
        return list(session.scalars(select(Complaint).where(Complaint.kiosk_id == kiosk_id)))


def test_an_offline_complaint_waits_and_is_filed_once(shop, distributor):
    service = SyncService(shop.kiosk, client_for(shop.kiosk))
    sale_id = _settled_sale(shop, service)
    record = shop.kiosk.complaints.file(shop.clerk, sale_id, "not_received")
    assert record.status is ComplaintState.QUEUED
    offline = DistributorClient("http://127.0.0.1:9", shop.cfg.kiosk_id, shop.cfg.secret,
                                timeout=(0.5, 0.5))
    for _ in range(2):
        gone = relay_complaints(shop.kiosk, offline)
        assert gone.sent == 0 and gone.kept == 1 and gone.error is not None
    assert shop.kiosk.complaints.queue_length() == 1
    assert shop.kiosk.complaints.for_sale(sale_id).last_error
    client = client_for(shop.kiosk)
    assert relay_complaints(shop.kiosk, client).sent == 1
    assert relay_complaints(shop.kiosk, client).sent == 0  # nothing left to send
    # a lost reply: the same id and bytes sent again are answered "exists", filed once
    from kiosk_pos.core.complaints import payload

    again = client.file_complaint(record.complaint_id, payload(
        record.ref_id, "not_received", "", record.created_at.isoformat()))
    assert again.complaint_id == record.complaint_id
    rows = _server_rows(distributor, shop.cfg.kiosk_id)
    assert len(rows) == 1 and rows[0].complaint_id == record.complaint_id
    with distributor.ctx.db.read() as session:
        assert session.scalar(select(func.count()).select_from(ComplaintStep).where(
            ComplaintStep.complaint_row_id == rows[0].id)) == 1
    assert shop.kiosk.complaints.for_sale(sale_id).status is ComplaintState.OPEN


def test_a_complaint_never_overtakes_its_top_up(shop, distributor):
    sale = shop.kiosk.sales.sell(shop.clerk, [CartLine("TSEL10", 1, "081234567890")],
                                 Payment())  # queued: the distributor does not know it yet
    shop.kiosk.complaints.file(shop.clerk, sale.id, "wrong_number")
    assert relay_complaints(shop.kiosk, client_for(shop.kiosk)).sent == 0
    service = SyncService(shop.kiosk, client_for(shop.kiosk))
    service.sync_once(prices=False, reconcile=False)  # the top-up first, then its complaint
    assert [r.reason for r in _server_rows(distributor, shop.cfg.kiosk_id)] == ["wrong_number"]


def test_the_answer_and_refund_come_back_once(shop, distributor):
    service = SyncService(shop.kiosk, client_for(shop.kiosk))
    sale_id = _settled_sale(shop, service)
    shop.kiosk.complaints.file(shop.clerk, sale_id, "other", "pelanggan belum terima")
    service.sync_once(prices=False, reconcile=False)
    row = _server_rows(distributor, shop.cfg.kiosk_id)[0].id
    heard: list[object] = []
    notices: list[str] = []
    shop.kiosk.events.register(COMPLAINT_ANSWERED, heard.append)
    shop.kiosk.events.register(NOTICE, notices.append)
    before = shop.kiosk.deposit.balance()
    done = actions.refund(distributor.ctx, DESK, row, None, "Maaf, dana kami kembalikan")
    refund = done.values["amount"]
    assert refund > 0
    service.sync_once(prices=False, reconcile=False)
    record = shop.kiosk.complaints.for_sale(sale_id)
    assert record.status is ComplaintState.ANSWERED and record.refunded == refund
    assert record.last_answer.text == "Maaf, dana kami kembalikan"
    assert shop.kiosk.deposit.balance() == before + refund
    assert len(heard) == 1 and any(f"#{sale_id}" in n for n in notices)
    service.sync_once(prices=False, reconcile=False)  # again: nothing counted twice
    assert shop.kiosk.deposit.balance() == before + refund
    assert len(shop.kiosk.complaints.for_sale(sale_id).answers) == 1
    with pytest.raises(KioskError):  # one open complaint per top-up
        shop.kiosk.complaints.file(shop.clerk, sale_id, "not_received")

"""Sell through the core, sync over HTTP, and see statuses and money come back right."""

from __future__ import annotations

import threading

from kiosk_pos.core.events import SYNC_STATE, TOPUP_CHANGED
from kiosk_pos.sync.config import client_for, load_config
from kiosk_pos.sync.service import SyncService
from tests.aids.distributor import all_final, assert_consistent, local_topups
from tests.aids.waiting import wait_for


def test_statuses_and_money_flow_back(shop):
    ok = shop.sell("081234567890")
    fail = shop.sell("081234567892")
    late_ok = shop.sell("081234567893")
    late_fail = shop.sell("081234567894")
    assert shop.kiosk.sales.queue_length() == 4
    service = SyncService(shop.kiosk, client_for(shop.kiosk))
    first = service.sync_once()
    assert first.online and first.pushed == 4 and first.queue == 0
    assert first.aligned == -5_000_000  # the demo opening replaced by the real deposit

    def settled() -> bool:
        service.sync_once(prices=False, reconcile=False)
        return all_final(shop.kiosk)

    wait_for(settled, 15, interval=0.2, what="pending top-ups to settle")
    topups = local_topups(shop.kiosk)
    assert topups[ok][0] == "success" and topups[ok][1]
    assert topups[late_ok][0] == "success" and topups[late_ok][1]
    assert topups[fail][0] == "failed" and topups[late_fail][0] == "failed"
    refunds = [e for e in shop.kiosk.deposit.entries() if e.reason == "refund"]
    assert {e.reference for e in refunds} == {fail, late_fail}
    assert assert_consistent(shop)["server_topups"] == 4
    again = service.sync_once()
    assert again.drift == 0 and again.pushed == 0 and again.balance == again.server_balance


def test_background_service_is_woken_by_a_sale(shop):
    client = client_for(shop.kiosk)
    service = SyncService(shop.kiosk, client, relay_interval=30, poll_wait=2)
    seen: dict[str, str] = {}
    states: list[dict] = []
    done = threading.Event()

    def on_topup(record) -> None:  # noqa: ANN001 - TopUpRecord
        seen[record.ref_id] = record.status.value
        if record.status.value == "success":
            done.set()

    shop.kiosk.events.register(TOPUP_CHANGED, on_topup)
    shop.kiosk.events.register(SYNC_STATE, states.append)
    service.start()
    try:
        ref = shop.sell("081234567893")  # pending, then success
        assert done.wait(15), "success did not arrive through the background threads"
        assert seen[ref] == "success"
        wait_for(lambda: any(s["online"] and s["queue"] == 0 for s in states), 5,
                   what="an online SYNC_STATE")
    finally:
        service.stop()
    assert not service.running
    assert load_config(shop.kiosk) is not None
    wait_for(lambda: shop.kiosk.deposit.balance() == shop.direct().balance().balance, 5,
               what="balances to agree")

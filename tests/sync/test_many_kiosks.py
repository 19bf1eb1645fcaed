"""120 kiosks selling and syncing at once against one server: no overdraft (the server
refuses what a deposit cannot cover), no duplicate, every ledger explains its balance."""

from __future__ import annotations

import random
import threading
import time

from kiosk_pos.sync.config import client_for
from kiosk_pos.sync.service import SyncService
from tests.aids.distributor import all_final, assert_consistent, copy_shop

KIOSKS = 120
SALES_EACH = 4
CREDIT = 25_000  # covers two TSEL10 (Rp10.350 each) at the server, not four


def test_many_kiosks_at_once(distributor, template_kiosk, tmp_path):
    shops = [copy_shop(distributor, template_kiosk, tmp_path / f"k{i:03d}", credit=CREDIT)
             for i in range(KIOSKS)]
    errors: list[BaseException] = []
    refused: dict[int, set[str]] = {}
    start = threading.Barrier(KIOSKS)

    def run(i: int) -> None:
        shop = shops[i]
        rng = random.Random(i)
        try:
            service = SyncService(shop.kiosk, client_for(shop.kiosk))
            start.wait(30)
            for _ in range(SALES_EACH):
                shop.sell(f"0812{rng.randrange(10**7):07d}{rng.choice('0156789')}")
            deadline = time.monotonic() + 90
            while True:
                result = service.sync_once(prices=False, reconcile=False)
                if result.online and result.queue == 0 and all_final(shop.kiosk):
                    break
                assert time.monotonic() < deadline, f"kiosk {i} did not settle"
                time.sleep(0.2)
            service.sync_once(prices=False, reconcile=False)
            refused[i] = {e.reference for e in shop.kiosk.deposit.entries()
                          if e.reason == "refund"}
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(KIOSKS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(150)
    assert not errors, errors[:3]
    total_ok = total_refused = 0
    for i, shop in enumerate(shops):
        summary = assert_consistent(shop, expected_refused=refused[i])
        assert summary["balance"] >= 0, "overdraft"
        assert summary["server_topups"] == 2 and summary["refused"] == 2
        total_ok += summary["server_topups"]
        total_refused += summary["refused"]
        shop.kiosk.close()
    print(f"{KIOSKS} kiosks: {total_ok} accepted, {total_refused} refused for lack of deposit")

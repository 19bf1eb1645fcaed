"""Hundreds of top-ups through a proxy that loses replies after the server committed, resets
connections, stalls past the timeout and duplicates requests: each sale lands exactly once."""

from __future__ import annotations

import random
import time
from urllib.parse import urlparse

import pytest

from kiosk_pos.sync.client import DistributorClient
from kiosk_pos.sync.service import SyncService
from tests.aids.distributor import all_final, assert_consistent, copy_shop
from tests.sync.proxy import FaultProxy

TOPUPS = 300
RATES = {"drop": 0.12, "reset": 0.08, "delay": 0.03, "duplicate": 0.10}


@pytest.fixture
def proxy(distributor):
    up = urlparse(distributor.url)
    p = FaultProxy((up.hostname, up.port), seed=20261122, rates=RATES, delay=1.2)
    yield p
    p.close()


def test_exactly_once_through_a_faulty_network(distributor, template_kiosk, tmp_path, proxy,
                                               record_property):
    shop = copy_shop(distributor, template_kiosk, tmp_path / "kiosk", url=proxy.url)
    rng = random.Random(7)
    client = DistributorClient(proxy.url, shop.cfg.kiosk_id, shop.cfg.secret,
                               timeout=(1.0, 0.8), retries=1, backoff=0.05)
    service = SyncService(shop.kiosk, client, batch_size=4)
    sold = []
    cycles = 0
    deadline = time.monotonic() + 150
    while len(sold) < TOPUPS:
        for _ in range(rng.randint(3, 12)):
            if len(sold) < TOPUPS:
                last = rng.choice("0156789" * 3 + "2" + "3" + "4")
                sold.append(shop.sell(f"0812{rng.randrange(10**7):07d}{last}"))
        service.sync_once(prices=False, reconcile=False)
        cycles += 1
    while not (shop.kiosk.sales.queue_length() == 0 and all_final(shop.kiosk)):
        assert time.monotonic() < deadline, "did not settle through the faulty proxy"
        result = service.sync_once(prices=False, reconcile=False)
        cycles += 1
        if result.online and result.queue == 0:
            time.sleep(0.1)
    # one clean cycle so the last ledger rows are mirrored, then compare with the server
    proxy.enabled = False
    final = service.sync_once(prices=False, reconcile=False)
    assert final.online and final.drift == 0
    summary = assert_consistent(shop, expected_refused=set())
    assert summary["server_topups"] == TOPUPS
    faults = dict(proxy.counts)
    for kind in ("drop", "reset", "delay", "duplicate"):
        assert faults.get(kind, 0) > 0, f"no {kind} fault was injected"
    record_property("faults", faults)
    record_property("cycles", cycles)
    print(f"faults injected: {faults}; top-ups {TOPUPS}; sync cycles {cycles}")
    shop.kiosk.close()

"""The demo distributor for `gui --demo`, and a ref_id conflict flagged instead of hidden."""

from __future__ import annotations

import logging
import threading

from pulsa_protocol import wire

from kiosk_pos.core.events import TOPUP_CHANGED
from kiosk_pos.demo import start_demo_distributor
from kiosk_pos.sync.config import load_config
from kiosk_pos.sync.service import SyncService
from tests.aids.distributor import copy_kiosk, local_topups
from tests.aids.waiting import wait_for


def test_demo_distributor_connects_credits_and_syncs(template_kiosk, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="kiosk_pos.sync.service")
    kiosk = copy_kiosk(template_kiosk, tmp_path / "kiosk")
    _, stop = start_demo_distributor(kiosk, tmp_path / "data", poll_wait=1)
    try:
        cfg = load_config(kiosk)
        assert cfg is not None and cfg.url.startswith("http://127.0.0.1:")
        assert (tmp_path / "data" / "distributor-demo.db").exists()
        done = threading.Event()
        kiosk.events.register(TOPUP_CHANGED,
                              lambda t: t.status.value == "success" and done.set())
        clerk = kiosk.users.authenticate("1111")
        from kiosk_pos.core.records import CartLine, Payment

        kiosk.sales.sell(clerk, [CartLine("TSEL10", 1, "081234567890")], Payment())
        assert done.wait(20)
        wait_for(lambda: kiosk.deposit.balance() == cfg.client().balance().balance, 10,
                   what="the demo balance to be mirrored")
        assert cfg.client().balance().balance == 5_000_000 - 10_350
        # the demo's opening figure agrees with its own distributor: no alarm on first start
        assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    finally:
        stop()
    _, stop = start_demo_distributor(kiosk, tmp_path / "data", poll_wait=1)  # a second start
    try:
        again = load_config(kiosk)
        assert again.kiosk_id == cfg.kiosk_id and again.secret == cfg.secret
        assert again.client().balance().balance == 5_000_000 - 10_350
    finally:
        stop()
    kiosk.close()


def test_ref_conflict_is_flagged_and_kept_out_of_the_queue(shop):
    ref = shop.sell("081234567890")
    ok = shop.sell("081234567891")
    # someone (a bug, or tampering) used this kiosk's ref_id for another number first
    shop.direct().submit_topup(wire.TopUpRequest(ref_id=ref, sku="TSEL10",
                                                 destination="081299999990"))
    service = SyncService(shop.kiosk, shop.direct())
    result = service.sync_once(prices=False, reconcile=False)
    assert result.conflicts == 1 and result.pushed == 1
    assert local_topups(shop.kiosk)[ref][0] == "queued"  # never takes the other sale's status
    assert local_topups(shop.kiosk)[ok][0] in ("pending", "success")
    assert service.state()["conflicts"] == 1
    again = service.sync_once(prices=False, reconcile=False)
    assert again.pushed == 0 and again.conflicts == 1

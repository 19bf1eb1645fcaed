"""After the owner restores an older backup, sync resends what the distributor lacks (same
ref_ids: charged once), mirrors what the kiosk lost, and reconciliation names the gap."""

from __future__ import annotations

from kiosk_pos.core.backups import BackupService
from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.sync.config import client_for
from kiosk_pos.sync.reconcile import reconcile_day
from kiosk_pos.sync.service import SyncService
from tests.aids.distributor import all_final, local_topups, server_view
from tests.aids.waiting import wait_for


def _sync(shop) -> int:
    service = SyncService(shop.kiosk, client_for(shop.kiosk))
    result = service.sync_once(prices=False, reconcile=False)
    assert result.online and result.error is None, result.error

    def settled() -> bool:
        service.sync_once(prices=False, reconcile=False)
        return all_final(shop.kiosk)

    wait_for(settled, 10, interval=0.1, what="top-ups to settle")
    return result.pushed


def _server_agrees(shop, refs: set[str]) -> None:
    txs, ledger, server_balance = server_view(shop.direct())
    assert set(txs) == refs
    debits = [e.reference for e in ledger if e.reason == "topup"]
    assert sorted(debits) == sorted(refs), "a top-up was charged twice (or not at all)"
    credits = sum(e.amount for e in ledger if e.reason in ("deposit", "deposit_ticket"))
    assert server_balance == credits - sum(t.price for t in txs.values())
    assert shop.kiosk.deposit.balance() == server_balance
    assert shop.kiosk.sales.queue_length() == 0


def test_restore_then_sync_resends_once_and_reconcile_explains_the_gap(shop):
    owner = shop.kiosk.users.authenticate("9999")
    backups = BackupService(shop.kiosk.db, shop.folder, shop.kiosk.clock, shop.kiosk.events)
    a = shop.sell("081234567890")
    made = backups.make_backup(owner)  # A is sold but not yet sent
    b = shop.sell("081234567891")
    c = shop.sell("081234567895")
    assert _sync(shop) == 3
    _server_agrees(shop, {a, b, c})

    restored = backups.restore(owner, made.path)
    assert restored.sale_count == 1 and restored.aside is not None
    shop.kiosk.close()
    shop.kiosk = Kiosk.open(shop.folder)  # what the app does after a restore
    assert set(local_topups(shop.kiosk)) == {a}
    assert shop.kiosk.sales.queue_length() == 1  # A's outbox row was unsent in the backup

    assert _sync(shop) == 1  # A again, with its own ref_id: the server knows it already
    _server_agrees(shop, {a, b, c})
    assert local_topups(shop.kiosk)[a][0] == "success"

    d = shop.sell("081234567896")
    assert _sync(shop) == 1
    _server_agrees(shop, {a, b, c, d})

    rec = reconcile_day(shop.kiosk, shop.direct())
    assert {f.ref_id for f in rec.unknown_locally} == {b, c}  # at the distributor, lost here
    assert {f.ref_id for f in rec.matched} == {a, d}
    assert not rec.missing_on_server and not rec.resolved and not rec.price_mismatch
    assert rec.difference == 0 and rec.unexplained == 0

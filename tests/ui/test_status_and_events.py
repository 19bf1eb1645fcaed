"""The status bar and notices follow core events fired from other threads."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from kiosk_pos.core.events import DEPOSIT_CHANGED, SYNC_STATE, TOPUP_CHANGED
from kiosk_pos.core.records import CartLine, Payment, TopUpStatus
from kiosk_pos.core.topups import apply_status
from tests.ui.helpers import TSEL_NUMBER


def fire(kiosk, event, *args) -> None:
    """Trigger like the sync thread does: from a thread that is not the GUI's."""
    thread = threading.Thread(target=kiosk.events.trigger, args=(event, *args))
    thread.start()
    thread.join()


def test_deposit_balance_follows_events(qtbot, window, sales, kiosk):
    assert window.status.deposit.text() == "Deposit: Rp5.000.000"
    fire(kiosk, DEPOSIT_CHANGED, 1_234_000)
    qtbot.waitUntil(lambda: window.status.deposit.text() == "Deposit: Rp1.234.000", timeout=3000)


def test_sync_state_offline_and_online(qtbot, window, sales, kiosk):
    assert window.status.sync.text() == "Belum terhubung ke distributor"
    fire(kiosk, SYNC_STATE, {"online": False, "queue": 3, "last_sync": None})
    qtbot.waitUntil(lambda: window.status.sync.text().startswith("Offline - penjualan tetap jalan"),
                    timeout=3000)
    assert window.status.queue.text() == "Antrean kirim: 3"
    last = datetime(2026, 11, 22, 3, 5, tzinfo=UTC)  # 10:05 in Jakarta
    fire(kiosk, SYNC_STATE, {"online": True, "queue": 0, "last_sync": last})
    qtbot.waitUntil(lambda: window.status.sync.text() == "Online (sinkron terakhir 10:05)",
                    timeout=3000)


def test_failed_topup_tells_the_clerk_to_refund(qtbot, window, sales, kiosk, clerk):
    sale = kiosk.sales.sell(clerk, [CartLine("TSEL20", 1, TSEL_NUMBER)], Payment())
    qtbot.waitUntil(lambda: sales.recent.model.rowCount() == 1, timeout=3000)
    qtbot.waitUntil(lambda: window.status.queue.text() == "Antrean kirim: 1", timeout=3000)
    ref_id = sale.lines[0].topup.ref_id
    with kiosk.db.write() as conn:
        change = apply_status(conn, ref_id, TopUpStatus.FAILED, message="nomor tidak aktif")
    fire(kiosk, TOPUP_CHANGED, change.topup)
    qtbot.waitUntil(lambda: window.notices.texts() != [], timeout=3000)
    text = window.notices.texts()[0]
    assert "GAGAL" in text and "Rp22.000" in text and TSEL_NUMBER in text
    assert sales.recent.status_of_row(0) == "Gagal"
    window.notices.notices[0].close_button.click()  # the refund is stored, then it closes
    qtbot.waitUntil(lambda: window.notices.texts() == [], timeout=3000)
    assert kiosk.acknowledgements.refund_acknowledgement(ref_id).user_id == clerk.id


def test_success_shows_sn(qtbot, window, sales, kiosk, clerk):
    sale = kiosk.sales.sell(clerk, [CartLine("TSEL20", 1, TSEL_NUMBER)], Payment())
    qtbot.waitUntil(lambda: sales.recent.model.rowCount() == 1, timeout=3000)
    with kiosk.db.write() as conn:
        change = apply_status(conn, sale.lines[0].topup.ref_id, TopUpStatus.SUCCESS,
                              sn="0041234567")
    fire(kiosk, TOPUP_CHANGED, change.topup)
    qtbot.waitUntil(lambda: sales.recent.status_of_row(0) == "Sukses\nSN 0041234567",
                    timeout=3000)
    assert window.notices.texts() == []
